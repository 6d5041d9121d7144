//! Turning part of a page into paragraphs of plain text, the way a reader sees it.
//!
//! Block elements (paragraphs, headings, list items, cells, `<br>`) end a paragraph; inline text is
//! joined and its whitespace (including `&nbsp;` and the ideographic space used as an indent)
//! squashed. Scripts, styles and other invisible elements give nothing. The walk is a loop over the
//! flat document order, so it also renders a range between two markers (Hanweb's `ContentStart` /
//! `ContentEnd`) that cuts across elements.

use crate::dom::{Dom, Kind, NONE};

/// Elements whose content a reader never sees.
pub(crate) fn is_invisible(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "head"
            | "title"
            | "iframe"
            | "object"
            | "embed"
            | "svg"
            | "math"
            | "canvas"
            | "select"
            | "option"
            | "button"
            | "input"
            | "textarea"
            | "audio"
            | "video"
            | "map"
    )
}

/// Elements that start and end a paragraph.
pub(crate) fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "br"
            | "hr"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "table"
            | "tbody"
            | "thead"
            | "tfoot"
            | "tr"
            | "td"
            | "th"
            | "caption"
            | "blockquote"
            | "pre"
            | "section"
            | "article"
            | "main"
            | "header"
            | "footer"
            | "nav"
            | "aside"
            | "figure"
            | "figcaption"
            | "form"
            | "fieldset"
            | "address"
            | "center"
            | "body"
            | "html"
            | "details"
            | "summary"
            | "legend"
    )
}

/// Squashes every run of whitespace (any Unicode space, `&nbsp;`, U+3000) to one ASCII space and
/// trims the ends.
pub(crate) fn squash(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}' {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// One paragraph of rendered text.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    pub text: String,
    /// The innermost block element the text sat in (`NONE` when it sat in none).
    pub node: usize,
    /// Characters of `text` that were link text.
    pub link_chars: usize,
}

impl Block {
    pub fn chars(&self) -> usize {
        self.text.chars().count()
    }
}

/// Renders the subtree of `root`, leaving out subtrees for which `skip` is true.
pub(crate) fn render(dom: &Dom, root: usize, skip: &dyn Fn(&Dom, usize) -> bool) -> Vec<Block> {
    render_range(dom, root, dom.subtree_end(root), skip)
}

/// Renders the nodes `start..end` in document order (which may cut across elements).
pub(crate) fn render_range(
    dom: &Dom,
    start: usize,
    end: usize,
    skip: &dyn Fn(&Dom, usize) -> bool,
) -> Vec<Block> {
    let mut out = Vec::new();
    let mut buf = String::new();
    let mut link_chars = 0usize;
    // Open blocks and links as (index, subtree end).
    let mut blocks: Vec<(usize, usize)> = Vec::new();
    let mut links: Vec<usize> = Vec::new();
    let mut j = start;
    let end = end.min(dom.len());
    while j < end {
        while blocks.last().is_some_and(|&(_, e)| e <= j) {
            flush(&mut out, &mut buf, &mut link_chars, current(&blocks));
            blocks.pop();
        }
        while links.last().is_some_and(|&e| e <= j) {
            links.pop();
        }
        let n = &dom.nodes[j];
        match n.kind {
            Kind::Element => {
                if is_invisible(&n.name) || skip(dom, j) {
                    j = n.end;
                    continue;
                }
                if is_block(&n.name) {
                    flush(&mut out, &mut buf, &mut link_chars, current(&blocks));
                    blocks.push((j, n.end));
                } else if n.name == "a" {
                    links.push(n.end);
                } else if n.name == "img" {
                    buf.push(' ');
                }
            }
            Kind::Text => {
                buf.push_str(&n.text);
                if !links.is_empty() {
                    link_chars += n.text.chars().filter(|c| !c.is_whitespace()).count();
                }
            }
            Kind::Comment | Kind::Document => {}
        }
        j += 1;
    }
    flush(&mut out, &mut buf, &mut link_chars, current(&blocks));
    out
}

fn current(blocks: &[(usize, usize)]) -> usize {
    blocks.last().map_or(NONE, |&(i, _)| i)
}

fn flush(out: &mut Vec<Block>, buf: &mut String, link_chars: &mut usize, node: usize) {
    if !buf.is_empty() {
        let text = squash(buf);
        if !text.is_empty() {
            let lc = (*link_chars).min(text.chars().count());
            out.push(Block {
                text,
                node,
                link_chars: lc,
            });
        }
        buf.clear();
    }
    *link_chars = 0;
}

/// Joins paragraphs with one blank line, as the Article JSON wants.
pub(crate) fn join(blocks: &[Block]) -> String {
    let mut s = String::new();
    for b in blocks {
        if !s.is_empty() {
            s.push_str("\n\n");
        }
        s.push_str(&b.text);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(html: &str) -> Vec<String> {
        let d = Dom::parse(html);
        render(&d, 0, &|_, _| false)
            .into_iter()
            .map(|b| b.text)
            .collect()
    }

    #[test]
    fn paragraphs_and_inline() {
        assert_eq!(
            texts("<p>One <b>bold</b>&nbsp; word<p>Two<br>Three<script>x()</script><ul><li>a<li>b</ul>"),
            ["One bold word", "Two", "Three", "a", "b"]
        );
        assert_eq!(
            texts("<div>\u{3000}\u{3000}济南<span>市</span></div>"),
            ["济南市"]
        );
    }

    #[test]
    fn link_chars_are_counted() {
        let d = Dom::parse("<p>see <a href=x>the link</a></p>");
        let b = render(&d, 0, &|_, _| false);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].link_chars, 7);
    }

    #[test]
    fn squash_whitespace() {
        assert_eq!(squash("  a \n\t b\u{a0}\u{3000}c "), "a b c");
        assert_eq!(squash(""), "");
    }
}
