//! Crawler traps: URL families that never end (calendars, search results with ever-growing page
//! numbers, sort and order permutations, repeated path segments, ever-deeper relative links).
//! Session ids, the other endless family, are stripped from URLs by [`crate::canonicalize`].
//!
//! Two rules, applied to every URL found on a page (seeds are exempt):
//! - structure: a path with a run of segments repeated (`/a/a/a/`, `/a/b/a/b/`) or deeper than
//!   [`MAX_SEGMENTS`] is a trap at once;
//! - budget: each host gets at most `CrawlConfig::max_shape_urls` URLs of one [`shape`] per crawl
//!   (counted by the crawl state over the whole crawl, resumes included), whatever chain of pages
//!   led to them. Content the site itself enumerates is exempt: the Hanweb articles, column pages
//!   and attachments, the list engines ([`budget_exempt`], on the URL kinds of
//!   `jinan_extract::page`), and whatever a list leads to (its
//!   records, the links of a column page: the crawl state knows those). Pages known from earlier
//!   crawls are revisited whatever their number, and count against their shape's budget.

use url::Url;

/// Deepest path (in segments, the file name included) a crawl follows. Hanweb paths have at most
/// six (`/site/col/col1/art/2026/art_x.html`).
pub const MAX_SEGMENTS: usize = 12;

/// What the trap rules say about a found URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Check {
    /// Not counted against any budget.
    Exempt,
    /// Counted against the budget of this shape (host and port included).
    Budget(String),
    /// A trap by its structure alone.
    Trap(String),
}

/// Applies the structural rule, then tells whether the URL counts against a shape budget.
pub(crate) fn check(url: &Url) -> Check {
    let segs: Vec<&str> = url.path().split('/').filter(|s| !s.is_empty()).collect();
    if segs.len() > MAX_SEGMENTS {
        return Check::Trap(format!(
            "path deeper than {MAX_SEGMENTS} segments ({})",
            segs.len()
        ));
    }
    if let Some(unit) = repeated_unit(&segs) {
        return Check::Trap(format!("path segments repeated ({})", unit.join("/")));
    }
    if budget_exempt(url) {
        return Check::Exempt;
    }
    let host = crate::canon::host_port(url).unwrap_or_default();
    Check::Budget(format!("{host}{}", shape(url)))
}

/// A run of segments repeated back to back: one segment three times, or two or more segments
/// twice. (`/images/images/` alone occurs on real sites; `/a/a/a/` and `/a/b/a/b/` do not.)
fn repeated_unit<'a>(segs: &[&'a str]) -> Option<Vec<&'a str>> {
    let n = segs.len();
    for len in 1..=n / 2 {
        let times = if len == 1 { 3 } else { 2 };
        for start in 0..=n.saturating_sub(len * times) {
            let unit = &segs[start..start + len];
            if (1..times).all(|k| &segs[start + k * len..start + (k + 1) * len] == unit) {
                return Some(unit.to_vec());
            }
        }
    }
    None
}

/// The shape of a URL: its path with each run of digits written `N`, and the sorted names of its
/// query parameters (values left out). `calendar.html?date=2024-01-15&view=week` has the shape
/// `/calendar.html?date&view`.
pub fn shape(url: &Url) -> String {
    let mut out = String::new();
    let mut digits = false;
    for c in url.path().chars() {
        if c.is_ascii_digit() {
            if !digits {
                out.push('N');
            }
            digits = true;
        } else {
            digits = false;
            out.push(c);
        }
    }
    let mut keys: Vec<String> = url.query_pairs().map(|(k, _)| k.into_owned()).collect();
    keys.sort();
    keys.dedup();
    if !keys.is_empty() {
        out.push('?');
        out.push_str(&keys.join("&"));
    }
    out
}

/// Addresses that are the site's own content, never a trap, however many share a shape: the
/// Hanweb kinds of the page layer (articles, column pages, the home page, the list engines), and
/// attachments.
fn budget_exempt(url: &Url) -> bool {
    use jinan_extract::page::{url_kind, UrlKind};
    match url_kind(url.as_str()) {
        UrlKind::Article(_) | UrlKind::Column | UrlKind::Home | UrlKind::ListProxy => return true,
        UrlKind::Module | UrlKind::Robots | UrlKind::Other => {}
    }
    let path = url.path().to_ascii_lowercase();
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let file = if path.ends_with('/') {
        ""
    } else {
        segs.last().copied().unwrap_or("")
    };
    let ext = file.rsplit_once('.').map_or("", |(_, e)| e);
    // Attachments: the download module and files that are no pages (they link nowhere).
    file == "downfile.jsp"
        || matches!(
            ext,
            "pdf"
                | "doc"
                | "docx"
                | "xls"
                | "xlsx"
                | "ppt"
                | "pptx"
                | "wps"
                | "zip"
                | "rar"
                | "txt"
                | "jpg"
                | "jpeg"
                | "png"
                | "gif"
                | "bmp"
                | "mp4"
                | "mp3"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Check {
        check(&Url::parse(s).unwrap())
    }

    fn shape_of(s: &str) -> String {
        shape(&Url::parse(s).unwrap())
    }

    #[test]
    fn shapes_generalise_digits_and_query_values_and_keep_the_keys() {
        assert_eq!(
            shape_of("http://a/calendar/2024/1/index.html"),
            shape_of("http://a/calendar/1999/12/index.html")
        );
        assert_eq!(
            shape_of("http://a/calendar.html?date=2024-01-15&view=week"),
            "/calendar.html?date&view"
        );
        assert_eq!(
            shape_of("http://a/s.jsp?order=asc&sort=date&q=x&page=3"),
            shape_of("http://a/s.jsp?q=y&page=40&sort=title&order=desc")
        );
        assert_ne!(
            shape_of("http://a/calendar.html?date=2024-01-15"),
            shape_of("http://a/calendar.html?month=2024-01")
        );
    }

    #[test]
    fn budgets_are_per_host_and_content_is_exempt() {
        assert_eq!(
            c("http://a:8080/calendar.html?date=1"),
            Check::Budget("a:8080/calendar.html?date".into())
        );
        assert_ne!(c("http://a/search?q=1"), c("http://b/search?q=1"));
        for exempt in [
            "http://a/art/2018/11/19/art_30173_2743600.html",
            "http://a/col/col108306/art/2026/art_0123456789abcdef0123456789abcdef.html",
            "http://a/art/2026/art_0123456789abcdef0123456789abcdef.html",
            "http://a/col/col30173/",
            "http://a/col/col30173/index.html",
            "http://a/site/col/col30173/index_3.html",
            "http://a/module/web/jpage/dataproxy.jsp?page=3&columnid=1",
            "http://a/api-gateway/jpaas-publish-server/front/page/build/unit?pageNo=2",
            "http://a/jact/front/datacall/showJsContent.do?iid=4",
            "http://a/module/download/downfile.jsp?classid=0&filename=a.pdf",
            "http://a/attach/0/guide.pdf",
            "http://a/picture/0/2111201452291.jpg",
        ] {
            assert_eq!(c(exempt), Check::Exempt, "{exempt}");
        }
        for counted in [
            "http://a/col/col30173/list.jsp?page=2",
            "http://a/events/calendar.html?date=1",
            "http://a/module/search/index.jsp?q=x&page=2",
        ] {
            assert!(matches!(c(counted), Check::Budget(_)), "{counted}");
        }
    }

    #[test]
    fn repeated_segments_and_deep_paths_are_traps() {
        for trap in [
            "http://a/zt/jinan/zt/jinan/index.html",
            "http://a/topics/topics/topics/index.html",
            "http://a/x/a/b/c/a/b/c/index.html",
            "http://a/docs/p1/p2/p3/p4/p5/p6/p7/p8/p9/p10/p11/p12/index.html",
            // Ever-deeper relative links under an article address: exempt kinds are not exempt here.
            "http://a/art/2018/11/19/art/2018/11/19/art_1_2.html",
        ] {
            assert!(matches!(c(trap), Check::Trap(_)), "{trap}");
        }
        for fine in [
            "http://a/images/images/banner.html",
            "http://a/art/2018/11/11/art_1_2.html",
            "http://a/docs/p1/p2/p3/index.html",
        ] {
            assert!(!matches!(c(fine), Check::Trap(_)), "{fine}");
        }
    }
}
