//! Turning part of a page into paragraphs of plain text, the way a reader sees it.
//!
//! Block elements (paragraphs, headings, list items, cells, `<br>`) end a paragraph; inline text is
//! joined and its whitespace (including `&nbsp;` and the ideographic space used as an indent)
//! squashed. A table row of data is one paragraph, its non-empty cells separated by ` | `; a row
//! used for layout (one holding a nested table, or a cell holding several paragraphs) is not a
//! line of data, and its cells render as the blocks they hold. Scripts, styles and other invisible elements give nothing. The walk is a loop over the
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
    walk(dom, start, end, skip, true)
}

/// Cell separator in a rendered table row.
pub(crate) const CELL_SEP: &str = " | ";

/// The row `tr` as one line, when it is a row of data: its cells hold no table and at most one
/// paragraph-level block each. Empty cells are left out; `None` for a layout row.
fn data_row(dom: &Dom, tr: usize, skip: &dyn Fn(&Dom, usize) -> bool) -> Option<Option<Block>> {
    if dom.nodes[tr].table_below {
        return None;
    }
    let mut cells: Vec<String> = Vec::new();
    let mut link_chars = 0;
    for &c in &dom.nodes[tr].children {
        let cell = &dom.nodes[c];
        if !(cell.is("td") || cell.is("th")) || skip(dom, c) {
            continue;
        }
        let blocks = walk(dom, c, cell.end, skip, false);
        let mut inner = blocks.iter().map(|b| b.node).filter(|&n| n != c);
        if let Some(first) = inner.next() {
            if inner.any(|n| n != first) {
                return None;
            }
        }
        let text: Vec<&str> = blocks.iter().map(|b| b.text.as_str()).collect();
        link_chars += blocks.iter().map(|b| b.link_chars).sum::<usize>();
        if !text.is_empty() {
            cells.push(text.join(" "));
        }
    }
    Some((!cells.is_empty()).then(|| Block {
        text: cells.join(CELL_SEP),
        node: tr,
        link_chars,
    }))
}

fn walk(
    dom: &Dom,
    start: usize,
    end: usize,
    skip: &dyn Fn(&Dom, usize) -> bool,
    rows: bool,
) -> Vec<Block> {
    let mut out = Vec::new();
    let mut buf = String::new();
    let mut link_chars = 0usize;
    // Open blocks and links as (index, subtree end).
    let mut blocks: Vec<(usize, usize)> = Vec::new();
    let mut links: Vec<usize> = Vec::new();
    // End of the `<pre>` being rendered, whose line breaks are kept (one line of code a line).
    let mut pre_end = 0usize;
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
                if n.invisible || skip(dom, j) {
                    j = n.end;
                    continue;
                }
                if rows && n.name == "tr" && n.end <= end {
                    if let Some(row) = data_row(dom, j, skip) {
                        flush(&mut out, &mut buf, &mut link_chars, current(&blocks));
                        out.extend(row);
                        j = n.end;
                        continue;
                    }
                }
                if n.name == "pre" && j >= pre_end {
                    pre_end = n.end;
                }
                if n.block {
                    flush(&mut out, &mut buf, &mut link_chars, current(&blocks));
                    blocks.push((j, n.end));
                } else if n.name == "a" {
                    links.push(n.end);
                } else if n.name == "img" {
                    buf.push(' ');
                }
            }
            Kind::Text if j < pre_end => {
                if !links.is_empty() {
                    link_chars += n.text.chars().filter(|c| !c.is_whitespace()).count();
                }
                let mut lines = n.text.split('\n');
                buf.push_str(lines.next().unwrap_or(""));
                for line in lines {
                    flush(&mut out, &mut buf, &mut link_chars, current(&blocks));
                    buf.push_str(line);
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
    fn table_rows_are_lines() {
        assert_eq!(
            texts("<p>Before</p><table><caption>Parks</caption><thead><tr><th>Item<th>District<th>Number</thead>\
<tr><td>New <b>parks</b><td>Lixia<td>12<tr><td colspan=2>Total<td>12<tr><td>Bus<td><td>3<tr><td> <td>\u{a0}</table><p>After"),
            ["Before", "Parks", "Item | District | Number", "New parks | Lixia | 12", "Total | 12", "Bus | 3", "After"]
        );
        // A cell with one paragraph (or <br>-separated lines) is still a cell of data.
        assert_eq!(
            texts("<table><tr><td><p>a<br>b</p></td><td><div>c</div></td></tr></table>"),
            ["a b | c"]
        );
    }

    #[test]
    fn layout_tables_keep_their_blocks() {
        // A layout row around a data table: the outer cells are blocks, the inner rows are lines.
        assert_eq!(
            texts("<table><tr><td>Menu</td><td><p>One</p><table><tr><td>x<td>y</table><p>Two</p></td></tr></table>"),
            ["Menu", "One", "x | y", "Two"]
        );
        // A cell holding several paragraphs is layout too.
        assert_eq!(
            texts("<table><tr><td><p>First</p><p>Second</p></td><td>Side</td></tr></table>"),
            ["First", "Second", "Side"]
        );
    }

    #[test]
    fn preformatted_lines_are_kept() {
        assert_eq!(
            texts("<p>Run:</p><pre>cargo build\n  <b>cargo</b> test\n\nend</pre>"),
            ["Run:", "cargo build", "cargo test", "end"]
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
