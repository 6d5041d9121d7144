//! SURT keys (Sort-friendly URI Reordering Transform), the first field of a CDXJ line.
//!
//! The key is the one pywb and `cdxj-indexer` compute (the `surt` package's defaults, after the
//! Internet Archive's canonicaliser): scheme dropped, host lowercased, a leading `www`/`www2.`
//! dropped, host labels reversed and joined by commas (IPv4 addresses too), default port dropped,
//! path and query lowercased, well-known session ids removed from the query, query arguments sorted,
//! fragment dropped, a trailing slash dropped unless the path is `/`.

use std::sync::LazyLock;

use regex::Regex;

/// Query session ids the canonicaliser removes (Java servlets, PHP, generic `sid`, ASP, ColdFusion).
static QUERY_SESSION_IDS: LazyLock<[Regex; 5]> = LazyLock::new(|| {
    [
        r"(?i)^(.*)(?:jsessionid=[0-9a-z]{32})(?:&(.*))?$",
        r"(?i)^(.*)(?:phpsessid=[0-9a-z]{32})(?:&(.*))?$",
        r"(?i)^(.*)(?:sid=[0-9a-z]{32})(?:&(.*))?$",
        r"(?i)^(.*)(?:aspsessionid[a-z]{8}=[a-z]{24})(?:&(.*))?$",
        r"(?i)^(.*)(?:cfid=[^&]+&cftoken=[^&]+)(?:&(.*))?$",
    ]
    .map(|p| Regex::new(p).expect("static regex"))
});

/// A leading `www.`, `www2.`, ... label.
static WWW: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^www\d*\.").expect("static regex"));

/// The SURT key of `url`; a string that does not parse as a URL is its own key (as in pywb).
pub fn surt(url: &str) -> String {
    let Ok(u) = url::Url::parse(url.trim()) else {
        return url.to_string();
    };
    let Some(host) = u.host_str() else {
        return url.to_string();
    };
    let host = host.to_ascii_lowercase();
    let host = WWW.replace(&host, "");
    let host = host.trim_end_matches('.');
    let mut key: String = host.split('.').rev().collect::<Vec<_>>().join(",");
    if let Some(port) = u.port() {
        key.push(':');
        key.push_str(&port.to_string());
    }
    key.push(')');
    let mut path = u.path().to_ascii_lowercase();
    if path.len() > 1 && path.ends_with('/') {
        path.pop();
    }
    if path.is_empty() {
        path.push('/');
    }
    key.push_str(&path);
    if let Some(q) = u.query() {
        let q = canonical_query(q);
        if !q.is_empty() {
            key.push('?');
            key.push_str(&q);
        }
    }
    key
}

fn canonical_query(q: &str) -> String {
    let mut q = q.to_string();
    for re in QUERY_SESSION_IDS.iter() {
        if let Some(c) = re.captures(&q) {
            let before = c.get(1).map_or("", |m| m.as_str());
            q = match c.get(2) {
                Some(after) if !after.as_str().is_empty() => format!("{before}{}", after.as_str()),
                _ => before.to_string(),
            };
        }
    }
    let q = q.to_ascii_lowercase();
    if q.len() <= 1 {
        return q;
    }
    let mut args: Vec<(&str, Option<&str>)> = q
        .split('&')
        .map(|a| match a.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (a, None),
        })
        .collect();
    args.sort();
    args.iter()
        .map(|(k, v)| match v {
            Some(v) => format!("{k}={v}"),
            None => k.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_match_the_surt_package() {
        // Expected keys as `surt.surt()` (Python, the package pywb and cdxj-indexer use) prints them.
        for (url, want) in [
            (
                "http://127.0.0.1:8080/art/2018/11/19/Art_30173_2743600.html",
                "1,0,0,127:8080)/art/2018/11/19/art_30173_2743600.html",
            ),
            ("http://english.jinan.gov.cn/", "cn,gov,jinan,english)/"),
            (
                "http://www.Example.com/a/B?z=1&a=2&jsessionid=0123456789abcdef0123456789abcdef",
                "com,example)/a/b?&a=2&z=1",
            ),
            (
                "http://localhost:1234/col/col1/index.html?uid=3&pageNum=2",
                "localhost:1234)/col/col1/index.html?pagenum=2&uid=3",
            ),
            ("http://a.com/a%20b c", "com,a)/a%20b%20c"),
            ("http://a.com/index.jsp?x", "com,a)/index.jsp?x"),
            ("http://a.com", "com,a)/"),
            ("http://a.com/a/../b/./c", "com,a)/b/c"),
            ("http://a.com/?b&a=&c=1", "com,a)/?a=&b&c=1"),
            ("http://a.com:80/x", "com,a)/x"),
            ("https://a.com:443/x", "com,a)/x"),
            ("http://a.com/x/#frag", "com,a)/x"),
            (
                "http://a.com/x?PHPSESSID=abc&y=1",
                "com,a)/x?phpsessid=abc&y=1",
            ),
        ] {
            assert_eq!(surt(url), want, "{url}");
        }
        assert_eq!(surt("not a url"), "not a url");
    }
}
