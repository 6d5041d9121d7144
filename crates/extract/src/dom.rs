//! A flat, index-addressed copy of the parsed page.
//!
//! html5ever does the parsing, which copes with any malformed markup, into a tree of our own
//! ([`Sink`]: only the attributes the extractor reads are kept). The
//! extractor then needs per-node numbers (text length, link text, scores) and walks up and down
//! the tree many times; a `Vec` of nodes in document order, with parents before children, makes
//! those passes plain loops over indices: aggregates are one reverse sweep, and nothing recurses,
//! so a page nested 5,000 levels deep costs the same as a flat one.

use std::borrow::Cow;
use std::cell::{Ref, RefCell};

use html5ever::tendril::StrTendril;
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, QualName};

/// Index of no node.
pub(crate) const NONE: usize = usize::MAX;

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Document,
    Element,
    Text,
    Comment,
}

/// One node of the page.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub kind: Kind,
    /// Lower-case tag name for elements, empty otherwise.
    pub name: String,
    pub parent: usize,
    pub children: Vec<usize>,
    /// Text of a text or comment node.
    pub text: String,
    /// Lower-case `id` and `class` attributes joined by a space (for boilerplate patterns).
    pub idclass: String,
    /// The attributes the extractor reads (name lower-case).
    pub attrs: Vec<(String, String)>,
    /// Depth below the document.
    pub depth: u32,
    /// End (exclusive) of this node's subtree in document order.
    pub end: usize,
    /// Whether a `<table>` element is below this node (a table row holding one is layout).
    pub table_below: bool,
    /// [`crate::text::is_block`] and [`crate::text::is_invisible`] of an element, decided once
    /// (every pass asks them of every node).
    pub block: bool,
    pub invisible: bool,
}

impl Node {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn is(&self, name: &str) -> bool {
        self.kind == Kind::Element && self.name == name
    }
    /// The element's `id` attribute, lower-case.
    pub fn id(&self) -> Option<&str> {
        self.attr("id")
    }
    /// Whether the `class` attribute contains `class` as one whitespace-separated word.
    pub fn has_class(&self, class: &str) -> bool {
        self.attr("class").is_some_and(|c| {
            c.split_ascii_whitespace()
                .any(|w| w.eq_ignore_ascii_case(class))
        })
    }
}

/// Visible characters from which a `<noscript>` is read as part of the page.
const CRAWLER_VIEW_CHARS: usize = 500;

/// Attributes worth keeping.
const KEPT_ATTRS: &[&str] = &[
    "id",
    "class",
    "href",
    "name",
    "content",
    "http-equiv",
    "property",
    "itemprop",
    "role",
    "style",
    "hidden",
    "datetime",
    "type",
];

/// The parsed page.
#[derive(Debug)]
pub(crate) struct Dom {
    pub nodes: Vec<Node>,
    /// The `<meta>` elements, in document order (field readers ask for a dozen names each).
    metas: Vec<usize>,
}

impl Dom {
    /// Parses HTML text (never fails; html5ever repairs anything).
    pub fn parse(text: &str) -> Dom {
        use html5ever::tendril::TendrilSink;
        let stripped = strip_raw_text(text);
        // Scripting off, as a browser without JavaScript (and a crawler) reads the page:
        // `<noscript>` holds markup, not one text node.
        let opts = html5ever::ParseOpts {
            tree_builder: html5ever::tree_builder::TreeBuilderOpts {
                scripting_enabled: false,
                ..Default::default()
            },
            ..Default::default()
        };
        let raw = html5ever::parse_document(Sink::default(), opts).one(stripped.as_ref());
        let mut dom = Self::from_raw(raw);
        dom.show_crawler_views();
        dom
    }

    /// A `<noscript>` holding a page's worth of text is the page as served to crawlers (Discourse
    /// forums and other script-built sites put every post there): it is read as a `div`. A short
    /// one (a tracking pixel, "enable JavaScript") stays invisible.
    fn show_crawler_views(&mut self) {
        for i in 0..self.nodes.len() {
            if !self.nodes[i].is("noscript") {
                continue;
            }
            let mut chars = 0usize;
            let mut j = i + 1;
            while j < self.nodes[i].end && chars < CRAWLER_VIEW_CHARS {
                let n = &self.nodes[j];
                if n.invisible {
                    j = n.end;
                    continue;
                }
                if n.kind == Kind::Text {
                    chars += n.text.chars().filter(|c| !c.is_whitespace()).count();
                }
                j += 1;
            }
            if chars >= CRAWLER_VIEW_CHARS {
                let n = &mut self.nodes[i];
                n.name = "div".to_string();
                n.block = true;
                n.invisible = false;
            }
        }
    }

    /// The tree the parser built, renumbered in document order (parents before children), as
    /// the extractor's passes want it.
    fn from_raw(mut raw: Vec<Raw>) -> Dom {
        let mut nodes: Vec<Node> = Vec::with_capacity(raw.len());
        // (raw node, parent index in `nodes`)
        let mut stack = vec![(0usize, NONE)];
        while let Some((r, parent)) = stack.pop() {
            let rn = &mut raw[r];
            let (kind, name, text, attrs) = match rn.kind {
                RawKind::Document => (Kind::Document, String::new(), String::new(), Vec::new()),
                RawKind::Element => {
                    let attrs = std::mem::take(&mut rn.attrs)
                        .into_iter()
                        .map(|(k, v)| {
                            let k: &str = &k.local;
                            let v = if k == "id" || k == "class" {
                                v.to_ascii_lowercase()
                            } else {
                                v.to_string()
                            };
                            (k.to_string(), v)
                        })
                        .collect::<Vec<(String, String)>>();
                    let name = str::to_ascii_lowercase(&rn.name.local);
                    (Kind::Element, name, String::new(), attrs)
                }
                RawKind::Text => (Kind::Text, String::new(), rn.text.to_string(), Vec::new()),
                RawKind::Comment => (
                    Kind::Comment,
                    String::new(),
                    rn.text.to_string(),
                    Vec::new(),
                ),
                RawKind::Other => continue,
            };
            let idx = nodes.len();
            let depth = if parent == NONE {
                0
            } else {
                nodes[parent].depth + 1
            };
            let mut idclass = String::new();
            for (k, v) in &attrs {
                if k == "id" || k == "class" {
                    idclass.push_str(v);
                    idclass.push(' ');
                }
            }
            nodes.push(Node {
                kind,
                name,
                parent,
                children: Vec::new(),
                text,
                idclass,
                attrs,
                depth,
                end: idx + 1,
                table_below: false,
                block: false,
                invisible: false,
            });
            if parent != NONE {
                nodes[parent].children.push(idx);
            }
            // Push children last first, so they pop in document order.
            let mut c = raw[r].last;
            while c != NONE {
                stack.push((c, idx));
                c = raw[c].prev;
            }
        }
        if nodes.is_empty() {
            nodes.push(Node {
                kind: Kind::Document,
                name: String::new(),
                parent: NONE,
                children: Vec::new(),
                text: String::new(),
                idclass: String::new(),
                attrs: Vec::new(),
                depth: 0,
                end: 1,
                table_below: false,
                block: false,
                invisible: false,
            });
        }
        for n in nodes.iter_mut().filter(|n| n.kind == Kind::Element) {
            n.block = crate::text::is_block(&n.name);
            n.invisible = crate::text::is_invisible(&n.name);
        }
        for i in (0..nodes.len()).rev() {
            let end = nodes[i].children.last().map_or(i + 1, |&c| nodes[c].end);
            nodes[i].end = end;
            let p = nodes[i].parent;
            if p != NONE && (nodes[i].table_below || nodes[i].is("table")) {
                nodes[p].table_below = true;
            }
        }
        let metas = (0..nodes.len()).filter(|&i| nodes[i].is("meta")).collect();
        Dom { nodes, metas }
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// The end (exclusive) of `i`'s subtree in document order: nodes `i..end` are `i` and its
    /// descendants.
    pub fn subtree_end(&self, i: usize) -> usize {
        self.nodes[i].end
    }

    /// Whether `i` or one of its descendants is an element named one of `names`.
    pub fn holds(&self, i: usize, names: &[&str]) -> bool {
        self.nodes[i..self.subtree_end(i)]
            .iter()
            .any(|n| n.kind == Kind::Element && names.contains(&n.name.as_str()))
    }

    /// Elements named `name` in document order.
    pub fn elements<'a>(&'a self, name: &'a str) -> impl Iterator<Item = usize> + 'a {
        (0..self.nodes.len()).filter(move |&i| self.nodes[i].is(name))
    }

    /// The `<meta name=... content=...>` value for `name` (case-insensitive), first non-empty one.
    pub fn meta(&self, name: &str) -> Option<String> {
        self.metas.iter().find_map(|&i| {
            let n = &self.nodes[i];
            let key = n
                .attr("name")
                .or_else(|| n.attr("property"))
                .or_else(|| n.attr("itemprop"))?;
            if key.trim().eq_ignore_ascii_case(name) {
                let v = crate::text::squash(n.attr("content")?);
                (!v.is_empty()).then_some(v)
            } else {
                None
            }
        })
    }

    /// All text below `i` as a reader sees it (no scripts or styles; inline elements joined, blocks
    /// separated by a space), whitespace squashed. Works on `<title>` too.
    pub fn text_of(&self, i: usize) -> String {
        let n = &self.nodes[i];
        let start = if n.invisible { i + 1 } else { i };
        let blocks = crate::text::render_range(self, start, n.end, &|_, _| false);
        let mut out = String::new();
        for b in blocks {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&b.text);
        }
        out
    }

    /// Whether `a` is `b` or below it.
    pub fn is_within(&self, mut a: usize, b: usize) -> bool {
        while a < self.nodes.len() {
            if a == b {
                return true;
            }
            a = self.nodes[a].parent;
        }
        false
    }
}

/// Elements whose content is never shown and that html5ever would otherwise tokenize character by
/// character: modern pages are often more script than text.
const RAW_ELEMENTS: &[&[u8]] = &[b"script", b"style", b"svg"];

/// Removes the content (not the tags) of `<script>`, `<style>` and `<svg>` elements before parsing,
/// except JSON-LD scripts (`type="application/ld+json"`), which carry the page's metadata.
/// One forward scan; comments are skipped whole so that a commented-out tag does not open a span.
/// When a closing tag is missing the rest is left for html5ever.
fn strip_raw_text(text: &str) -> std::borrow::Cow<'_, str> {
    let b = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0; // bytes of `text` already accounted for in `out`
    let mut i = 0;
    while let Some(p) = text[i..].find('<') {
        let at = i + p;
        let rest = &b[at..];
        if rest.starts_with(b"<!--") {
            match text[at + 4..].find("-->") {
                Some(e) => {
                    i = at + 4 + e + 3;
                    continue;
                }
                None => break,
            }
        }
        let mut matched = None;
        for name in RAW_ELEMENTS {
            let n = name.len();
            if rest.len() > n + 1
                && rest[1..=n].eq_ignore_ascii_case(name)
                && matches!(
                    rest[n + 1],
                    b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/' | 0x0C
                )
            {
                matched = Some(*name);
                break;
            }
        }
        let Some(name) = matched else {
            i = at + 1;
            continue;
        };
        let Some(gt) = text[at..].find('>') else {
            break;
        };
        let content_start = at + gt + 1;
        let open_tag = &b[at..content_start];
        let json_ld = name == b"script"
            && open_tag
                .windows(7)
                .any(|w| w.eq_ignore_ascii_case(b"ld+json"));
        // Find `</name` (any case) followed by a tag end.
        let mut j = content_start;
        let mut close = None;
        while let Some(q) = text[j..].find("</") {
            let c = j + q;
            let r = &b[c + 2..];
            if r.len() >= name.len()
                && r[..name.len()].eq_ignore_ascii_case(name)
                && r.get(name.len())
                    .is_none_or(|x| matches!(x, b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/' | 0x0C))
            {
                close = Some(c);
                break;
            }
            j = c + 2;
        }
        let Some(close) = close else { break };
        if close > content_start && !json_ld {
            let o = out.get_or_insert_with(|| String::with_capacity(text.len() / 2));
            o.push_str(&text[copied..content_start]);
            copied = close;
        }
        i = close + 2;
    }
    match out {
        None => std::borrow::Cow::Borrowed(text),
        Some(mut o) => {
            o.push_str(&text[copied..]);
            std::borrow::Cow::Owned(o)
        }
    }
}

/// What a node of the parser's tree is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RawKind {
    /// The document, or a `<template>`'s contents.
    Document,
    Element,
    Text,
    Comment,
    /// A processing instruction: never part of the page's text.
    Other,
}

/// A node of the tree as html5ever builds it: linked to its parent and siblings, so that the
/// tree builder's repairs (moving nodes, inserting before a sibling, adopting children) are
/// constant-time.
#[derive(Debug)]
struct Raw {
    kind: RawKind,
    /// Element name (an empty name for other nodes).
    name: QualName,
    /// The [`KEPT_ATTRS`] of an element, sorted by name.
    attrs: Vec<(QualName, StrTendril)>,
    /// Text of a text or comment node.
    text: StrTendril,
    parent: usize,
    first: usize,
    last: usize,
    prev: usize,
    next: usize,
}

impl Raw {
    fn new(kind: RawKind, name: QualName) -> Raw {
        Raw {
            kind,
            name,
            attrs: Vec::new(),
            text: StrTendril::new(),
            parent: NONE,
            first: NONE,
            last: NONE,
            prev: NONE,
            next: NONE,
        }
    }
}

fn no_name() -> QualName {
    QualName::new(None, html5ever::ns!(), html5ever::local_name!(""))
}

/// html5ever's tree sink: builds [`Raw`] nodes (node 0 is the document).
struct Sink(RefCell<Vec<Raw>>);

impl Default for Sink {
    fn default() -> Self {
        Sink(RefCell::new(vec![Raw::new(RawKind::Document, no_name())]))
    }
}

impl Sink {
    fn push(&self, raw: Raw) -> usize {
        let mut v = self.0.borrow_mut();
        v.push(raw);
        v.len() - 1
    }
}

/// Unlinks `i` from its parent.
fn detach(v: &mut [Raw], i: usize) {
    let (p, prev, next) = (v[i].parent, v[i].prev, v[i].next);
    if p == NONE {
        return;
    }
    if prev == NONE {
        v[p].first = next;
    } else {
        v[prev].next = next;
    }
    if next == NONE {
        v[p].last = prev;
    } else {
        v[next].prev = prev;
    }
    v[i].parent = NONE;
    v[i].prev = NONE;
    v[i].next = NONE;
}

/// Links `i` (without a parent) into `p`'s children between `prev` and `next` (adjacent
/// children of `p`, or `NONE` at either end).
fn link(v: &mut [Raw], p: usize, prev: usize, next: usize, i: usize) {
    v[i].parent = p;
    v[i].prev = prev;
    v[i].next = next;
    if prev == NONE {
        v[p].first = i;
    } else {
        v[prev].next = i;
    }
    if next == NONE {
        v[p].last = i;
    } else {
        v[next].prev = i;
    }
}

/// Makes `i` (without a parent) the last child of `p`.
fn append_child(v: &mut [Raw], p: usize, i: usize) {
    let last = v[p].last;
    link(v, p, last, NONE, i);
}

/// Puts `i` (without a parent) just before `sibling`, which has one.
fn insert_before(v: &mut [Raw], sibling: usize, i: usize) {
    let (p, prev) = (v[sibling].parent, v[sibling].prev);
    link(v, p, prev, sibling, i);
}

fn text_node(text: StrTendril) -> Raw {
    let mut r = Raw::new(RawKind::Text, no_name());
    r.text = text;
    r
}

/// The attributes of `attrs` that the extractor reads.
fn kept(attrs: Vec<Attribute>) -> impl Iterator<Item = (QualName, StrTendril)> {
    attrs
        .into_iter()
        .filter(|a| KEPT_ATTRS.contains(&&*a.name.local))
        .map(|a| (a.name, a.value))
}

impl TreeSink for Sink {
    type Handle = usize;
    type Output = Vec<Raw>;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Vec<Raw> {
        self.0.into_inner()
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> usize {
        0
    }

    fn elem_name<'a>(&'a self, target: &'a usize) -> Ref<'a, QualName> {
        Ref::map(self.0.borrow(), |v| &v[*target].name)
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, _: ElementFlags) -> usize {
        let template = name.ns == html5ever::ns!(html) && &*name.local == "template";
        let mut raw = Raw::new(RawKind::Element, name);
        raw.attrs = kept(attrs).collect();
        raw.attrs.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let i = self.push(raw);
        if template {
            let contents = self.push(Raw::new(RawKind::Document, no_name()));
            append_child(&mut self.0.borrow_mut(), i, contents);
        }
        i
    }

    fn create_comment(&self, text: StrTendril) -> usize {
        let mut r = Raw::new(RawKind::Comment, no_name());
        r.text = text;
        self.push(r)
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> usize {
        self.push(Raw::new(RawKind::Other, no_name()))
    }

    fn append(&self, parent: &usize, child: NodeOrText<usize>) {
        let mut v = self.0.borrow_mut();
        match child {
            NodeOrText::AppendNode(i) => {
                detach(&mut v, i);
                append_child(&mut v, *parent, i);
            }
            NodeOrText::AppendText(text) => {
                let last = v[*parent].last;
                if last != NONE && v[last].kind == RawKind::Text {
                    v[last].text.push_tendril(&text);
                } else {
                    v.push(text_node(text));
                    let i = v.len() - 1;
                    append_child(&mut v, *parent, i);
                }
            }
        }
    }

    fn append_based_on_parent_node(
        &self,
        element: &usize,
        prev_element: &usize,
        child: NodeOrText<usize>,
    ) {
        let has_parent = self.0.borrow()[*element].parent != NONE;
        if has_parent {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {}

    fn get_template_contents(&self, target: &usize) -> usize {
        self.0.borrow()[*target].first
    }

    fn same_node(&self, x: &usize, y: &usize) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &usize, new_node: NodeOrText<usize>) {
        let mut v = self.0.borrow_mut();
        if let NodeOrText::AppendNode(i) = new_node {
            detach(&mut v, i);
        }
        if v[*sibling].parent == NONE {
            return;
        }
        match new_node {
            NodeOrText::AppendNode(i) => insert_before(&mut v, *sibling, i),
            NodeOrText::AppendText(text) => {
                let prev = v[*sibling].prev;
                if prev != NONE && v[prev].kind == RawKind::Text {
                    v[prev].text.push_tendril(&text);
                } else {
                    v.push(text_node(text));
                    let i = v.len() - 1;
                    insert_before(&mut v, *sibling, i);
                }
            }
        }
    }

    fn add_attrs_if_missing(&self, target: &usize, attrs: Vec<Attribute>) {
        let mut v = self.0.borrow_mut();
        let have = &mut v[*target].attrs;
        for (name, value) in kept(attrs) {
            if let Err(at) = have.binary_search_by(|(n, _)| n.cmp(&name)) {
                have.insert(at, (name, value));
            }
        }
    }

    fn remove_from_parent(&self, target: &usize) {
        detach(&mut self.0.borrow_mut(), *target);
    }

    fn reparent_children(&self, node: &usize, new_parent: &usize) {
        let mut v = self.0.borrow_mut();
        let mut c = v[*node].first;
        while c != NONE {
            let next = v[c].next;
            detach(&mut v, c);
            append_child(&mut v, *new_parent, c);
            c = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_order_and_subtrees() {
        let d =
            Dom::parse("<div id=A class='X y'><p>one<b>two</b></p><p>three</p></div><p>four</p>");
        let div = d.elements("div").next().unwrap_or(NONE);
        assert!(d.nodes[div].idclass.contains("x y") && d.nodes[div].idclass.contains('a'));
        assert!(d.nodes[div].has_class("x"));
        assert_eq!(d.text_of(div), "onetwo three");
        let end = d.subtree_end(div);
        assert!(d.nodes[end].is("p"));
        for (i, n) in d.nodes.iter().enumerate().skip(1) {
            assert!(n.parent < i);
        }
    }

    #[test]
    fn raw_text_is_stripped_before_parsing() {
        let s = strip_raw_text(
            "<p>a</p><SCRIPT type=x>if (a<b) {}</script ><!-- <script> --><p>b<style>p{}</style>",
        );
        assert_eq!(
            s,
            "<p>a</p><SCRIPT type=x></script ><!-- <script> --><p>b<style></style>"
        );
        assert_eq!(
            strip_raw_text("<script>never closed <p>x"),
            "<script>never closed <p>x"
        );
        assert_eq!(
            strip_raw_text("<scripts>x</scripts>"),
            "<scripts>x</scripts>"
        );
        let d = Dom::parse("<svg><text>hidden</text></svg><p>shown</p>");
        assert_eq!(d.text_of(0), "shown");
        let ld = "<script type=\"application/ld+json\">{\"a\":1}</script><script>x</script>";
        assert_eq!(
            strip_raw_text(ld),
            "<script type=\"application/ld+json\">{\"a\":1}</script><script></script>"
        );
    }

    #[test]
    fn deep_nesting_is_flat_work() {
        let html = "<table><tr><td>".repeat(3000) + "x";
        let d = Dom::parse(&html);
        assert!(d.len() > 3000);
        assert_eq!(d.text_of(0), "x");
    }

    /// The tree as `tag(child child)` / `"text"`, to compare with what a browser builds.
    fn shape(d: &Dom, i: usize) -> String {
        let n = &d.nodes[i];
        match n.kind {
            Kind::Text => format!("{:?}", n.text),
            Kind::Comment => "#comment".to_string(),
            _ => {
                let kids: Vec<String> = n.children.iter().map(|&c| shape(d, c)).collect();
                let name = if n.kind == Kind::Document {
                    "#doc"
                } else {
                    &n.name
                };
                format!("{name}({})", kids.join(" "))
            }
        }
    }

    #[test]
    fn the_parsers_repairs_build_a_browsers_tree() {
        let body = |html: &str| {
            let d = Dom::parse(html);
            let b = d.elements("body").next().expect("a body");
            shape(&d, b)
        };
        // Misnested formatting (the adoption agency moves the paragraph out of the `b`).
        assert_eq!(body("<b>1<p>2</b>3</p>"), r#"body(b("1") p(b("2") "3"))"#);
        // Text and cells misplaced in a table are moved before it (foster parenting), and
        // adjacent text is one node.
        assert_eq!(
            body("<table>a<tr><td>b</td></tr>c</table>"),
            r#"body("ac" table(tbody(tr(td("b")))))"#
        );
        // A template's contents sit in a fragment of their own; comments are kept.
        assert_eq!(
            body("<p>x</p><!-- c --><template><p>t</p></template>"),
            r##"body(p("x") #comment template(#doc(p("t"))))"##
        );
        // A second `<body>` adds the attributes the first lacks, keeps those it has.
        let d = Dom::parse("<body id=one><p>x</p><body id=two class=late>");
        let b = d.elements("body").next().expect("a body");
        assert_eq!(d.nodes[b].attr("id"), Some("one"));
        assert_eq!(d.nodes[b].attr("class"), Some("late"));
        assert_eq!(d.nodes[b].idclass, "late one ");
        // Only the attributes the extractor reads are kept.
        let d = Dom::parse("<p data-x=1 onclick=y class=c>z</p>");
        let p = d.elements("p").next().expect("a p");
        assert_eq!(
            d.nodes[p].attrs,
            vec![("class".to_string(), "c".to_string())]
        );
    }
}
