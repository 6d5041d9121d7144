//! The archive's key of a page: one canonical URL however the page is linked (fragment, host
//! case, default port, tracking parameters, session ids, `index.html`, parameter order).
//!
//! The crawler deduplicates by it, the indexer files articles under it, and `history`, the API and
//! the timeline look captures up by it, so a URL typed in any of these spellings finds the same page.

use url::Url;

/// Query parameters that only track where a click came from.
const TRACKING: &[&str] = &[
    "from",
    "spm",
    "fbclid",
    "gclid",
    "share",
    "isappinstalled",
    "scene",
    "clicktime",
];

/// Query parameters and path parameters (`;jsessionid=`) that carry a session id: a server that
/// cannot set a cookie writes a fresh one into every link, which makes every page endless.
const SESSION: &[&str] = &[
    "jsessionid",
    "phpsessid",
    "sessionid",
    "session_id",
    "sessid",
    "cfid",
    "cftoken",
];

fn is_tracking(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.starts_with("utm_") || TRACKING.contains(&n.as_str())
}

/// A session id parameter: one of [`SESSION`] (also `ASPSESSIONIDxxxx`), or `sid` with a
/// token-like value (16 or more letters and digits; a short `sid` may name a site or a section).
fn is_session(name: &str, value: &str) -> bool {
    let n = name.to_ascii_lowercase();
    SESSION.contains(&n.as_str())
        || n.starts_with("aspsessionid")
        || (n == "sid" && value.len() >= 16 && value.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The form of a URL that is fetched: no fragment, no tracking parameters, no session id (in the
/// query or as a `;jsessionid=` path parameter); host case and default port are already
/// normalised by the `url` parser.
pub fn fetch_form(url: &Url) -> Url {
    let mut u = url.clone();
    u.set_fragment(None);
    if u.path().contains(';') {
        let path: Vec<String> = u
            .path()
            .split('/')
            .map(|seg| {
                let mut parts = seg.split(';');
                let name = parts.next().unwrap_or("");
                let kept: Vec<&str> = parts
                    .filter(|p| {
                        let (k, v) = p.split_once('=').unwrap_or((p, ""));
                        !is_session(k, v)
                    })
                    .collect();
                std::iter::once(name)
                    .chain(kept)
                    .collect::<Vec<_>>()
                    .join(";")
            })
            .collect();
        u.set_path(&path.join("/"));
    }
    if u.query().is_some() {
        let kept: Vec<(String, String)> = u
            .query_pairs()
            .filter(|(k, v)| !is_tracking(k) && !is_session(k, v))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            u.set_query(None);
        } else if kept.len() != u.query_pairs().count() {
            u.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    u
}

/// The key of a page: [`fetch_form`], plus a trailing `index.html`/`index.htm` dropped and the
/// remaining query parameters sorted. Used for dedup, crawl state, `history` and the index id.
pub fn canonicalize(url: &Url) -> Url {
    let mut u = fetch_form(url);
    let path = u.path().to_string();
    for suffix in ["/index.html", "/index.htm"] {
        if let Some(dir) = path.strip_suffix(suffix) {
            u.set_path(&format!("{dir}/"));
            break;
        }
    }
    if u.query().is_some() {
        let mut pairs: Vec<(String, String)> = u.query_pairs().into_owned().collect();
        pairs.sort();
        u.query_pairs_mut().clear().extend_pairs(pairs);
    }
    u
}

/// [`canonicalize`] of a URL given as text; `None` when it is not an absolute URL.
pub fn canonical_key(url: &str) -> Option<String> {
    Url::parse(url.trim()).ok().map(|u| canonicalize(&u).into())
}

/// The 14-digit archive timestamp of a capture time (`YYYYMMDDhhmmss`, UTC), as in `/web/<ts>/`.
pub fn timestamp14(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y%m%d%H%M%S").to_string()
}

/// Reads an archive timestamp of 1 to 14 digits of `YYYYMMDDhhmmss`; missing digits are the
/// earliest value (`2018` is 2018-01-01 00:00:00). `None` when it is not such a time.
pub fn parse_timestamp(ts: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    const EARLIEST: &str = "00000101000000";
    if ts.is_empty() || ts.len() > 14 || !ts.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let full = format!("{ts}{}", &EARLIEST[ts.len()..]);
    chrono::NaiveDateTime::parse_from_str(&full, "%Y%m%d%H%M%S")
        .ok()
        .map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_and_pad() {
        let t = parse_timestamp("20181119083000").unwrap();
        assert_eq!(timestamp14(&t), "20181119083000");
        assert_eq!(
            timestamp14(&parse_timestamp("2018").unwrap()),
            "20180101000000"
        );
        assert_eq!(
            timestamp14(&parse_timestamp("201811").unwrap()),
            "20181101000000"
        );
        for bad in ["", "2018-11", "201813", "201811190830001", "x"] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn keys_ignore_spelling() {
        let k = canonical_key("http://a.test/art/1.html").unwrap();
        for v in [
            "HTTP://A.TEST/art/1.html#top",
            " http://a.test:80/art/1.html?utm_source=x ",
        ] {
            assert_eq!(canonical_key(v).as_deref(), Some(k.as_str()), "{v}");
        }
        assert_eq!(canonical_key("not a url"), None);
    }
}
