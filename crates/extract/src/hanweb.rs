//! Exact extraction for pages built by Hanweb's CMS (大汉版通发布系统), the site's own system.
//!
//! Hanweb article pages say where everything is: meta tags (`ArticleTitle`, `PubDate`,
//! `ContentSource`, `ColumnName`), a body container (`div#zoom`, `.zoom`, `.bt-content`,
//! `td.bt_content`) and often `ContentStart`/`ContentEnd` markers. Each field has a chain of
//! fallbacks (SITE.md, "What an article is") for templates that leave some of these out, and the body
//! is filtered of the boilerplate that templates put inside the container (date/source line, the
//! title again, print/close links, share bars, related lists, attachments, footers).

use crate::dom::{Dom, Kind, NONE};
use crate::fields;
use crate::text::{self, Block};
use chrono::NaiveDate;

/// What marks a page as Hanweb's.
#[derive(Debug, Default)]
pub(crate) struct Markers {
    /// The body container.
    pub container: Option<usize>,
    /// Whether that container is only a `.zoom` class, which image-zoom widgets on shop and blog
    /// pages also carry: a Hanweb sign only beside another one.
    pub zoom_class_only: bool,
    /// `ContentStart`/`ContentEnd` positions in document order.
    pub start: Option<usize>,
    pub end: Option<usize>,
    pub meta: bool,
    pub footer: bool,
    pub art_url: bool,
}

impl Markers {
    pub fn is_hanweb(&self) -> bool {
        (self.container.is_some() && !self.zoom_class_only)
            || self.start.is_some()
            || self.meta
            || (self.art_url && (self.footer || self.container.is_some()))
    }
}

/// Finds the Hanweb markers of a page.
pub(crate) fn markers(dom: &Dom, url: &str) -> Markers {
    let mut m = Markers {
        art_url: matches!(crate::page::url_kind(url), crate::page::UrlKind::Article(_)),
        meta: ["ArticleTitle", "PubDate", "ContentSource", "ColumnName"]
            .iter()
            .any(|k| dom.meta(k).is_some()),
        ..Markers::default()
    };
    let mut best: Option<(usize, usize)> = None; // (node, text chars)
    for (i, n) in dom.nodes.iter().enumerate() {
        match n.kind {
            Kind::Element => {
                if n.name == "meta" {
                    if let Some(name) = n.attr("name") {
                        if name.eq_ignore_ascii_case("ContentStart") && m.start.is_none() {
                            m.start = Some(i);
                        } else if name.eq_ignore_ascii_case("ContentEnd") && m.start.is_some() {
                            m.end = Some(i);
                        }
                    }
                } else if is_container(n) && best.is_none_or(|(b, _)| !dom.is_within(i, b)) {
                    let chars = dom.text_of(i).chars().count();
                    if best.is_none_or(|(_, c)| chars > c) {
                        best = Some((i, chars));
                    }
                }
            }
            Kind::Comment => {
                let c = n.text.to_ascii_lowercase();
                if (c.contains("contentstart") || c.contains("content.begin")) && m.start.is_none()
                {
                    m.start = Some(i);
                } else if (c.contains("contentend") || c.contains("content.end"))
                    && m.start.is_some()
                {
                    m.end = Some(i);
                }
                if c.contains("hanweb") || n.text.contains("大汉") {
                    m.footer = true;
                }
            }
            Kind::Text => {
                if !m.footer && (n.text.contains("大汉网络") || n.text.contains("大汉版通"))
                {
                    m.footer = true;
                }
            }
            Kind::Document => {}
        }
    }
    m.container = best.map(|(b, _)| b);
    m.zoom_class_only = m.container.is_some_and(|c| {
        let n = &dom.nodes[c];
        n.has_class("zoom") && n.id() != Some("zoom") && !is_container_by_content_name(n)
    });
    m
}

fn is_container(n: &crate::dom::Node) -> bool {
    n.id() == Some("zoom") || n.has_class("zoom") || is_container_by_content_name(n)
}

fn is_container_by_content_name(n: &crate::dom::Node) -> bool {
    n.has_class("bt-content") || n.has_class("bt_content") || n.id() == Some("bt_content")
}

/// Extracts a Hanweb article. `general_body` is used when the page has no container or markers.
pub(crate) fn extract(
    dom: &Dom,
    url: &str,
    m: &Markers,
    column_hint: Option<&str>,
    general_body: &dyn Fn() -> Vec<Block>,
) -> jinan_types::Article {
    let title_tag = dom
        .elements("title")
        .next()
        .map(|t| dom.text_of(t))
        .unwrap_or_default();
    let heading = heading(dom, &title_tag, m.container.or(m.start));
    let title = dom
        .meta("ArticleTitle")
        .or_else(|| heading.as_ref().map(|(_, t)| t.clone()))
        .unwrap_or_else(|| fields::clean_title(&title_tag));

    // The date/source line: the first short meta-like block after the heading (or anywhere before
    // the body when there is no heading).
    let line = date_line(dom, heading.as_ref().map(|h| h.0), m);

    let date: Option<NaiveDate> = dom
        .meta("PubDate")
        .and_then(|v| fields::parse_date_value(&v))
        .or_else(|| line.as_deref().and_then(fields::parse_date_value))
        .or_else(|| fields::date_from_url(url));
    let source = dom
        .meta("ContentSource")
        .or_else(|| line.as_deref().and_then(fields::source_in_line))
        .or_else(|| line.as_deref().and_then(fields::host_in_line));
    let column = crate::page::column_of(dom)
        .or_else(|| column_hint.map(text::squash).filter(|c| !c.is_empty()));

    let skip = |d: &Dom, j: usize| boilerplate_element(d, j);
    let blocks = match (m.start, m.end, m.container) {
        (Some(s), e, Some(c)) if dom.is_within(s, c) => {
            let end = e
                .filter(|&e| e > s)
                .unwrap_or(dom.subtree_end(c))
                .min(dom.subtree_end(c));
            text::render_range(dom, s, end, &skip)
        }
        (_, _, Some(c)) => text::render_range(dom, c + 1, dom.subtree_end(c), &skip),
        (Some(s), Some(e), None) if e > s => text::render_range(dom, s, e, &skip),
        _ => general_body(),
    };
    let body = text::join(&filter_blocks(dom, blocks, &title));
    jinan_types::Article {
        url: url.to_string(),
        title,
        date,
        source,
        column,
        lang: jinan_types::Lang::En,
        body,
    }
}

/// The article heading: the heading-like element whose text best matches `<title>`, else the last
/// heading before the body.
fn heading(dom: &Dom, title_tag: &str, body_at: Option<usize>) -> Option<(usize, String)> {
    let tnorm = fields::norm(title_tag);
    let limit = body_at.unwrap_or(dom.len());
    let mut first_h1: Option<(usize, String)> = None;
    let mut last_before: Option<(usize, String)> = None;
    let mut i = 0;
    while i < dom.len() {
        let n = &dom.nodes[i];
        if n.invisible {
            i = n.end;
            continue;
        }
        let headingish = matches!(n.name.as_str(), "h1" | "h2" | "h3")
            || (n.kind == Kind::Element
                && n.idclass.split([' ', '-', '_']).any(|w| {
                    (w.contains("title") && !w.contains("subtitle"))
                        || matches!(w, "bt" | "tit" | "biaoti" | "headline")
                })
                && !n.is("body")
                && !n.is("html"));
        // A heading is small; skipping big subtrees keeps this linear on pathological pages.
        if headingish && n.kind == Kind::Element && n.end - i <= 200 {
            let t = dom.text_of(i);
            let len = t.chars().count();
            if (2..=200).contains(&len) && !fields::is_meta_line(&t) {
                let tn = fields::norm(&t);
                if !tn.is_empty()
                    && tnorm.contains(&tn)
                    && tn.chars().count() * 3 >= tnorm.chars().count()
                {
                    return Some((i, t));
                }
                if n.is("h1") && first_h1.is_none() {
                    first_h1 = Some((i, t.clone()));
                }
                if i < limit
                    && body_at.is_none_or(|b| !dom.is_within(b, i))
                    && (body_at.is_some() || last_before.is_none())
                {
                    last_before = Some((i, t));
                }
            }
        }
        i += 1;
    }
    first_h1.or(last_before)
}

/// The date/source line near the title.
fn date_line(dom: &Dom, heading: Option<usize>, m: &Markers) -> Option<String> {
    let from = heading.map_or(0, |h| dom.subtree_end(h));
    let blocks = text::render_range(dom, from, dom.len(), &|_, _| false);
    let body_start = m.container.or(m.start);
    let mut in_body = 0;
    for b in blocks.iter().take(40) {
        if fields::is_meta_line(&b.text) && fields::parse_date_value(&b.text).is_some()
            || fields::source_in_line(&b.text).is_some()
        {
            // A line inside the body is still the date line when it is short and meta-like.
            return Some(b.text.clone());
        }
        // Without a heading to start from, the line is looked for before the body and at its
        // top (after a font-size bar or a share bar), not in its text.
        if heading.is_none() && body_start.is_some_and(|s| b.node != NONE && b.node >= s) {
            in_body += 1;
            if in_body == BODY_TOP_BLOCKS {
                break;
            }
        }
    }
    None
}

/// The blocks at the top of the body where a page without a heading may put its date line.
const BODY_TOP_BLOCKS: usize = 3;

/// The last entry of the breadcrumb trail, if the page has one.
pub(crate) fn breadcrumb(dom: &Dom) -> Option<String> {
    for (i, n) in dom.nodes.iter().enumerate() {
        if n.kind != Kind::Element {
            continue;
        }
        let ic = &n.idclass;
        if n.end - i <= 500
            && [
                "crumb", "position", "location", "dqwz", "weizhi", "path", "bread",
            ]
            .iter()
            .any(|k| ic.contains(k))
        {
            let t = dom.text_of(i);
            if let Some(c) = fields::last_crumb(&t) {
                return Some(c);
            }
        }
    }
    // A text line that reads as a trail (`当前位置：首页 > 新闻`).
    for b in text::render(dom, 0, &|_, _| false).iter().take(200) {
        let t = &b.text;
        if (t.starts_with("当前位置")
            || t.starts_with("您的位置")
            || t.starts_with("Location")
            || t.starts_with("Home >"))
            && t.chars().count() < 120
        {
            if let Some(c) = fields::last_crumb(t) {
                return Some(c);
            }
        }
    }
    None
}

/// Id/class words of elements that never hold article text.
const BOILER_WORDS: &[&str] = &[
    "share",
    "bdshare",
    "jiathis",
    "print",
    "close",
    "related",
    "xgxw",
    "xgwz",
    "attach",
    "fujian",
    "footer",
    "foot",
    "copyright",
    "banquan",
    "nav",
    "menu",
    "crumb",
    "position",
    "counter",
    "visit",
    "fenxiang",
    "dayin",
    "guanbi",
    "ewm",
    "qrcode",
];

/// Elements inside the body container that are template furniture, and links to attachments.
fn boilerplate_element(dom: &Dom, j: usize) -> bool {
    let n = &dom.nodes[j];
    if n.kind != Kind::Element {
        return false;
    }
    if matches!(n.name.as_str(), "nav" | "footer") {
        return true;
    }
    if n.name == "a" {
        if let Some(h) = n.attr("href") {
            if is_attachment(h) {
                return true;
            }
        }
    }
    let ic = &n.idclass;
    !ic.is_empty()
        && BOILER_WORDS
            .iter()
            .any(|w| ic.split([' ', '-', '_']).any(|p| p == *w))
}

/// Whether a link points at an attachment (a download or a document file).
pub(crate) fn is_attachment(href: &str) -> bool {
    let h = href.to_ascii_lowercase();
    let path = h.split(['?', '#']).next().unwrap_or(&h);
    h.contains("downfile.jsp")
        || [
            ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".rar", ".7z",
            ".wps", ".ofd", ".txt",
        ]
        .iter()
        .any(|e| path.ends_with(e))
}

/// Text fragments that mark a block as boilerplate wherever they appear.
const BOILER_TEXT: &[&str] = &[
    "【Print】",
    "【Close】",
    "【打印】",
    "【关闭】",
    "[Print]",
    "[Close]",
    "打印本页",
    "关闭窗口",
    "Print this page",
    "Close window",
    "Produced By 大汉网络",
    "大汉版通发布系统",
    "大汉网络",
    "ICP备",
    "ICP 备",
    "公网安备",
    "网站标识码",
    "版权所有",
    "Copyright ©",
    "Copyright©",
    "All Rights Reserved",
    "All rights reserved",
    "【字体：",
    "字号：大",
    "【字号",
    "Share to",
    "分享到",
    // The QR code of the page for a phone (`扫一扫在手机打开当前页`, `…在手机上查看当前页面`).
    "手机打开当前页",
    "手机上查看当前页",
    "加入收藏",
    "【收藏】",
    "返回顶部",
    "[打印]",
    "[关闭]",
];

/// Headings that open a list of other articles.
const RELATED_HEADS: &[&str] = &[
    "related stories",
    "related news",
    "related articles",
    "related links",
    "related",
    "相关新闻",
    "相关链接",
    "相关文章",
    "相关阅读",
    "相关稿件",
    "相关信息",
    "延伸阅读",
];

/// Labels that are left alone when their attachment link was removed.
const EMPTY_LABELS: &[&str] = &[
    "附件",
    "附件：",
    "附件:",
    "相关附件",
    "Attachment",
    "Attachment:",
    "Attachments",
    "Attachments:",
];

fn filter_blocks(dom: &Dom, blocks: Vec<Block>, title: &str) -> Vec<Block> {
    let tnorm = fields::norm(title);
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    let mut in_related = false;
    // A related-stories heading is dropped with the links that follow it; followed by prose it is
    // a sub-heading of the article (`延伸阅读` over a paragraph) and kept.
    let mut heading: Option<Block> = None;
    for b in blocks {
        let t = b.text.as_str();
        let lower = t.to_lowercase();
        let lt = lower.trim_end_matches([':', '：']);
        if RELATED_HEADS.contains(&lt) {
            in_related = true;
            heading = Some(b);
            continue;
        }
        let chars = b.chars();
        if in_related {
            if b.link_chars * 2 >= chars || in_list(dom, b.node) {
                heading = None;
                continue;
            }
            in_related = false;
            out.extend(heading.take());
        }
        if BOILER_TEXT.iter().any(|k| t.contains(k)) && chars < 300 {
            continue;
        }
        if EMPTY_LABELS.contains(&t) {
            continue;
        }
        if !tnorm.is_empty() && fields::norm(t) == tnorm {
            continue;
        }
        if fields::is_meta_line(t) {
            continue;
        }
        out.push(b);
    }
    out
}

fn in_list(dom: &Dom, mut node: usize) -> bool {
    let mut steps = 0;
    while node != NONE && steps < 4 {
        if matches!(dom.nodes[node].name.as_str(), "li" | "ul" | "ol") {
            return true;
        }
        node = dom.nodes[node].parent;
        steps += 1;
    }
    false
}
