//! What a fetched page is, decided once for the crawler, the indexer and the extractor alike:
//! its text ([`decode`]: BOM, HTTP header, `<meta>`, detection), whether it is HTML ([`sniff`],
//! [`is_html`]), what kind of Hanweb address it has ([`url_kind`]), the column it belongs to
//! ([`list_column_name`]) and how entity-escaped attribute text reads ([`unescape`]).
//!
//! Pure functions (no network, no files), so each rule is tested on small inputs here and every
//! caller gets the same answer.

use std::borrow::Cow;

pub use crate::decode::{decode, Decoded, DecodedBy};
use crate::dom::Dom;

/// What the bytes of a response are, by the one rule every stage uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sniffed {
    /// An HTML page: the crawler reads its links, the indexer extracts it.
    Html,
    /// Text that is not HTML (plain text, XML, JSON, scripts). `jinan extract` still reads it as a
    /// page; the crawler and the indexer leave it alone.
    Text,
    /// Not text (a PDF, an image, an archive, noise): what it is.
    Binary(String),
}

/// How many leading bytes are sniffed for markup.
const SNIFF_BYTES: usize = 1024;
/// How many leading bytes are counted for control characters.
const BINARY_SAMPLE: usize = 4096;

/// Magic numbers of the binary files a government site serves beside its pages.
const MAGIC: &[(&[u8], &str)] = &[
    (b"%PDF-", "PDF"),
    (b"\x89PNG", "PNG image"),
    (b"\xFF\xD8\xFF", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x1F\x8B", "gzip data"),
    (b"Rar!", "RAR archive"),
    (b"\xD0\xCF\x11\xE0", "Office document"),
];

/// Classifies a response body, given its HTTP `Content-Type` if any.
///
/// In order: binary magic numbers win over any header (servers label downloads `text/html`); a
/// binary media type is binary; an HTML media type (`text/html`, `application/xhtml+xml`) is HTML;
/// any other named text type (`text/css`, `application/json`, `text/javascript`) is text; a missing,
/// vague (`text/plain`, `application/octet-stream`) or XML type is decided by the bytes: markup
/// (`<!doctype html`, `<html`, `<head`, `<body`) in the first KiB is HTML, many control characters
/// are binary, anything else is text.
pub fn sniff(content_type: Option<&str>, body: &[u8]) -> Sniffed {
    for (magic, what) in MAGIC {
        if body.starts_with(magic) {
            return Sniffed::Binary((*what).to_string());
        }
    }
    let mime = content_type
        .map(|ct| {
            ct.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    if is_binary_mime(&mime) {
        return Sniffed::Binary(format!("content type {mime}"));
    }
    if mime.contains("html") {
        return Sniffed::Html;
    }
    let vague = mime.is_empty()
        || mime == "text/plain"
        || mime == "application/octet-stream"
        || mime.ends_with("/xml")
        || !mime.contains('/');
    if !vague {
        return Sniffed::Text;
    }
    if has_markup(body) {
        return Sniffed::Html;
    }
    // UTF-16 pages carry NULs legitimately; they start with a BOM.
    let utf16 = body.starts_with(&[0xFF, 0xFE]) || body.starts_with(&[0xFE, 0xFF]);
    let head = &body[..body.len().min(BINARY_SAMPLE)];
    let controls = head
        .iter()
        .filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B)))
        .count();
    if !utf16 && controls * 20 > head.len() {
        return Sniffed::Binary("binary data".to_string());
    }
    Sniffed::Text
}

/// True when a response is an HTML page ([`sniff`] says [`Sniffed::Html`]).
pub fn is_html(content_type: Option<&str>, body: &[u8]) -> bool {
    sniff(content_type, body) == Sniffed::Html
}

fn is_binary_mime(mime: &str) -> bool {
    mime.starts_with("image/")
        || mime.starts_with("audio/")
        || mime.starts_with("video/")
        || mime.starts_with("font/")
        || mime.starts_with("application/vnd.openxmlformats")
        || matches!(
            mime,
            "application/pdf"
                | "application/zip"
                | "application/msword"
                | "application/gzip"
                | "application/x-gzip"
                | "application/x-rar-compressed"
                | "application/vnd.ms-excel"
                | "application/vnd.ms-powerpoint"
        )
}

/// Markup in the first [`SNIFF_BYTES`] (ASCII, so any ASCII-compatible charset and UTF-16 read
/// alike once NULs are dropped).
fn has_markup(body: &[u8]) -> bool {
    let head: Vec<u8> = body[..body.len().min(SNIFF_BYTES)]
        .iter()
        .filter(|b| **b != 0)
        .map(u8::to_ascii_lowercase)
        .collect();
    [&b"<!doctype html"[..], b"<html", b"<head", b"<body"]
        .iter()
        .any(|m| head.windows(m.len()).any(|w| w == *m))
}

/// Which generation of Hanweb article address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArticleAddress {
    /// `/art/2018/11/19/art_30173_2743600.html`: date, column id, article number.
    Dated,
    /// `/col/col108306/art/2026/art_<hex>.html` or `/art/2026/art_<hex>.html`.
    Hashed,
}

/// What a Hanweb address is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlKind {
    /// The home page: `/`, `/index.html` (any `index.*`).
    Home,
    /// A column (section) page: `/col/col30173/`, `/col/col30173/index.html`, its static list
    /// pages `/col/col30173/index_2.html`.
    Column,
    /// An article, of either generation.
    Article(ArticleAddress),
    /// A list engine: the jpage list proxy (`dataproxy.jsp` under `/module/web/jpage/` or
    /// `/module/jpage/`), `showJsContent.do`, the JSON gateway (`/api-gateway/...`).
    ListProxy,
    /// Any other CMS module or service (`/module/...`, `/jact/...`, `/jrobot/...`, `/jcms/...`,
    /// also under one site-prefix segment).
    Module,
    /// `/robots.txt`.
    Robots,
    /// Any other page.
    Other,
}

impl UrlKind {
    /// Pages that are never articles: home, column lists, list proxies, modules, robots.txt.
    pub fn is_navigation(self) -> bool {
        !matches!(self, UrlKind::Article(_) | UrlKind::Other)
    }
}

/// The path of a URL given as text (absolute or host-relative), without query or fragment.
fn path_of(url: &str) -> &str {
    let rest = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest.find('/').map_or("/", |i| &rest[i..]));
    let path = rest.split(['?', '#']).next().unwrap_or("/");
    if path.is_empty() {
        "/"
    } else {
        path
    }
}

/// A Hanweb page file name: `.html`, `.htm`, `.shtml`, `.jhtml`.
fn is_page_file(name: &str) -> bool {
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    matches!(ext, "html" | "htm" | "shtml" | "jhtml")
}

/// `colN` → N.
fn col_id(seg: &str) -> Option<u64> {
    let digits = seg.strip_prefix("col")?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Classifies an address by its path (case-insensitive; a site prefix before `/col/` or `/art/`, as
/// multi-site Hanweb installations use, is allowed).
pub fn url_kind(url: &str) -> UrlKind {
    let path = path_of(url).to_ascii_lowercase();
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let file = if path.ends_with('/') {
        ""
    } else {
        segs.last().copied().unwrap_or("")
    };
    if let Some(stem) = file.strip_prefix("art_").filter(|_| is_page_file(file)) {
        let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
        let dated = stem
            .split_once('_')
            .is_some_and(|(c, a)| c.bytes().all(|b| b.is_ascii_digit()) && !a.is_empty());
        return UrlKind::Article(if dated {
            ArticleAddress::Dated
        } else {
            ArticleAddress::Hashed
        });
    }
    if segs.contains(&"art") && is_page_file(file) {
        return UrlKind::Article(ArticleAddress::Hashed);
    }
    if segs.is_empty() {
        return UrlKind::Home;
    }
    if segs.len() == 1 && file == "robots.txt" {
        return UrlKind::Robots;
    }
    // List engines (SITE.md): the jpage proxy, the `showJsContent.do` data call, the JSON gateway;
    // under any site prefix (`/jnen/module/web/jpage/dataproxy.jsp`).
    let jpage_proxy = file == "dataproxy.jsp" && segs.contains(&"jpage");
    if jpage_proxy || file == "showjscontent.do" || segs.contains(&"api-gateway") {
        return UrlKind::ListProxy;
    }
    // CMS modules, at the root or under one site-prefix segment.
    if segs
        .iter()
        .take(2)
        .any(|s| matches!(*s, "module" | "jact" | "jrobot" | "jcms" | "jsearchfront"))
    {
        return UrlKind::Module;
    }
    if segs.len() == 1 && file.starts_with("index.") {
        return UrlKind::Home;
    }
    // `.../col/colN/` or `.../col/colN/index.*`
    let n = segs.len();
    let dir_end = if file.is_empty() { n } else { n - 1 };
    // `index.html`, and the static list pages `index_2.html`, `index_3.html`, ...
    let index_or_dir = file.is_empty()
        || file.starts_with("index.")
        || file
            .strip_prefix("index_")
            .and_then(|f| f.split_once('.'))
            .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    if index_or_dir
        && dir_end >= 2
        && segs[dir_end - 2] == "col"
        && col_id(segs[dir_end - 1]).is_some()
    {
        return UrlKind::Column;
    }
    UrlKind::Other
}

/// The column id an address names: `/col/col30173/...` or the column of an old-style article
/// (`art_30173_2743600.html`).
pub fn column_id(url: &str) -> Option<u64> {
    let path = path_of(url).to_ascii_lowercase();
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if let Some(i) = segs.iter().position(|s| *s == "col") {
        if let Some(id) = segs.get(i + 1).and_then(|s| col_id(s)) {
            return Some(id);
        }
    }
    let file = segs.last()?;
    let (col, _) = file.strip_prefix("art_")?.split_once('_')?;
    col.parse().ok()
}

/// The name of the column a page belongs to: its `ColumnName` meta, else the last entry of its
/// breadcrumb. Articles fall back on the list they were found on; see [`list_column_name`] for list
/// pages.
pub(crate) fn column_of(dom: &Dom) -> Option<String> {
    dom.meta("ColumnName")
        .or_else(|| crate::hanweb::breadcrumb(dom))
}

/// The column name of a list (column) page, as the crawler hands it to the articles it lists:
/// the breadcrumb or column markers of the page (`column_of`), else the page title without the
/// site name.
pub fn list_column_name(html: &str) -> Option<String> {
    let dom = Dom::parse(html);
    column_of(&dom).or_else(|| {
        let t = dom.elements("title").next().map(|t| dom.text_of(t))?;
        let name = crate::fields::clean_title(&t);
        (!name.is_empty()).then_some(name)
    })
}

/// Decodes the character references of attribute or fragment text in one pass, so that each
/// `&` is read once: `&amp;lt;` is `&lt;` (the text), never `<`. Named references of the ones
/// Hanweb templates write (`amp`, `lt`, `gt`, `quot`, `apos`, `nbsp`) and numeric ones
/// (`&#39;`, `&#x27;`); anything else is kept as written.
pub fn unescape(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map(|e| e + 1);
        let (name, len) = match end {
            Some(e) if rest[e..].starts_with(';') => (&rest[1..e], e + 1),
            _ => ("", 0),
        };
        let decoded = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            n if n.starts_with("#x") || n.starts_with("#X") => u32::from_str_radix(&n[2..], 16)
                .ok()
                .and_then(char::from_u32),
            n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_beats_any_header() {
        assert_eq!(
            sniff(Some("text/html"), b"%PDF-1.4 ..."),
            Sniffed::Binary("PDF".into())
        );
        assert!(matches!(
            sniff(Some("application/pdf"), b"<html>"),
            Sniffed::Binary(_)
        ));
        assert!(matches!(sniff(Some("image/jpeg"), b""), Sniffed::Binary(_)));
    }

    #[test]
    fn html_by_header_or_by_markup() {
        // Former disagreement: the indexer took `<head` without `<html`, the crawler did not.
        for (ct, body) in [
            (Some("text/html;charset=utf-8"), &b""[..]),
            (Some("application/xhtml+xml"), b"<x/>"),
            (None, b"<!DOCTYPE html><html>"),
            (None, b"  <HEAD><title>t</title>"),
            (Some("text/plain"), b"<html><body>x</body></html>"),
            (Some("application/octet-stream"), b"<html>"),
            (Some(""), b"<body>x</body>"),
            (
                Some("application/xml"),
                b"<?xml version='1.0'?><html xmlns='x'>",
            ),
        ] {
            assert_eq!(sniff(ct, body), Sniffed::Html, "{ct:?} {body:?}");
        }
        let mut bom16 = vec![0xFF, 0xFE];
        for c in "<html><body>x".encode_utf16() {
            bom16.extend_from_slice(&c.to_le_bytes());
        }
        assert!(is_html(None, &bom16));
    }

    #[test]
    fn named_text_types_and_plain_text_are_not_html() {
        // Former disagreement: the indexer took any `xml` type (RSS, the dataproxy answer).
        assert_eq!(
            sniff(Some("text/xml"), b"<datastore><record/></datastore>"),
            Sniffed::Text
        );
        assert_eq!(
            sniff(Some("application/json"), b"{\"html\":\"<html>\"}"),
            Sniffed::Text
        );
        assert_eq!(sniff(Some("text/css"), b"body{}"), Sniffed::Text);
        assert_eq!(sniff(None, b"plain words"), Sniffed::Text);
        assert_eq!(sniff(None, b""), Sniffed::Text);
        let noise: Vec<u8> = (0..600u32).map(|i| (i % 7) as u8).collect();
        assert!(matches!(sniff(None, &noise), Sniffed::Binary(_)));
    }

    #[test]
    fn article_addresses_of_both_generations() {
        use ArticleAddress::*;
        for (u, k) in [
            ("http://h/art/2018/11/19/art_30173_2743600.html", Dated),
            ("http://H/ART/2018/1/2/ART_1_2.HTM", Dated),
            ("/art/2018/11/19/art_30173_2743600.shtml?from=home#p", Dated),
            ("http://h/jnsrmzf/art/2020/3/4/art_5_6.html", Dated),
            (
                "http://h/col/col108306/art/2026/art_0123456789abcdef0123456789abcdef.html",
                Hashed,
            ),
            (
                "http://h/art/2026/art_0123456789abcdef0123456789abcdef.html",
                Hashed,
            ),
            ("http://h/art/2026/3/story.html", Hashed),
        ] {
            assert_eq!(url_kind(u), UrlKind::Article(k), "{u}");
        }
    }

    #[test]
    fn navigation_addresses() {
        for (u, k) in [
            ("http://h", UrlKind::Home),
            ("http://h/", UrlKind::Home),
            ("http://h/index.html", UrlKind::Home),
            ("http://h/INDEX.HTM", UrlKind::Home),
            ("http://h/index.shtml?x=1", UrlKind::Home),
            ("http://h/col/col30173/", UrlKind::Column),
            ("http://h/col/col30173/index.html", UrlKind::Column),
            ("http://h/col/col30173/index.shtml", UrlKind::Column),
            ("http://h/jnsrmzf/col/col5/index.htm", UrlKind::Column),
            (
                "http://h/module/web/jpage/dataproxy.jsp?page=2",
                UrlKind::ListProxy,
            ),
            ("http://h/module/jpage/dataproxy.jsp", UrlKind::ListProxy),
            (
                "http://h/module/download/downfile.jsp?f=a.pdf",
                UrlKind::Module,
            ),
            ("http://h/module/search/index.jsp?webid=38", UrlKind::Module),
            (
                "http://h/jact/front/datacall/showJsContent.do?iid=3",
                UrlKind::ListProxy,
            ),
            (
                "http://h/jnen/module/web/jpage/dataproxy.jsp?page=3",
                UrlKind::ListProxy,
            ),
            (
                "http://h/api-gateway/jpaas-publish-server/front/page/build/unit",
                UrlKind::ListProxy,
            ),
            (
                "http://h/jnen/module/download/downfile.jsp?f=a.pdf",
                UrlKind::Module,
            ),
            ("http://h/col/col30173/index_2.html", UrlKind::Column),
            ("http://h/jnen/col/col30173/index_12.shtml", UrlKind::Column),
            ("http://h/col/col30173/index_.html", UrlKind::Other),
            ("http://h/a/b/module/x.jsp", UrlKind::Other),
            ("http://h/jrobot/search.do", UrlKind::Module),
            ("http://h/robots.txt", UrlKind::Robots),
            ("http://h/about.html", UrlKind::Other),
            ("http://h/col/col30173/other.html", UrlKind::Other),
            ("http://h/col/colx/index.html", UrlKind::Other),
        ] {
            assert_eq!(url_kind(u), k, "{u}");
        }
        assert!(UrlKind::Column.is_navigation());
        assert!(!UrlKind::Other.is_navigation());
    }

    #[test]
    fn column_ids() {
        assert_eq!(column_id("http://h/col/col30173/index.html"), Some(30173));
        assert_eq!(
            column_id("http://h/col/col108306/art/2026/art_0123456789abcdef.html"),
            Some(108306)
        );
        assert_eq!(
            column_id("http://h/art/2018/11/19/art_30173_2743600.html"),
            Some(30173)
        );
        assert_eq!(
            column_id("http://h/art/2026/art_0123456789abcdef.html"),
            None
        );
        assert_eq!(column_id("http://h/about.html"), None);
    }

    #[test]
    fn column_names_of_list_pages() {
        // Former disagreement: the crawler read meta then title; the extractor meta then
        // breadcrumb. One rule: meta, breadcrumb, then the title without the site name.
        let meta = r#"<html><head><meta name="ColumnName" content=" Sisterly  Jinan "><title>x</title></head></html>"#;
        assert_eq!(list_column_name(meta).as_deref(), Some("Sisterly Jinan"));
        let crumb = r#"<html><head><title>List - english.jinan.gov.cn</title></head><body>
            <div class="crumb">Home &gt; Zoom In</div></body></html>"#;
        assert_eq!(list_column_name(crumb).as_deref(), Some("Zoom In"));
        let title = "<html><head><title>A World City - english.jinan.gov.cn</title></head></html>";
        assert_eq!(list_column_name(title).as_deref(), Some("A World City"));
        assert_eq!(list_column_name("<html><body>x</body></html>"), None);
    }

    #[test]
    fn unescape_reads_each_ampersand_once() {
        // Former disagreement: `&amp;` was decoded first, so `&amp;lt;` became `<`.
        assert_eq!(unescape("&amp;lt;"), "&lt;");
        assert_eq!(unescape("a?x=1&amp;y=2"), "a?x=1&y=2");
        assert_eq!(unescape("&quot;&#39;&#x27;&apos;&lt;&gt;"), "\"'''<>");
        assert_eq!(unescape("a&b &c; &#xZZ; &"), "a&b &c; &#xZZ; &");
        assert_eq!(unescape("&#20013;&nbsp;"), "中\u{a0}");
        assert!(matches!(unescape("plain"), Cow::Borrowed(_)));
    }
}
