//! SURT keys (Sort-friendly URI Reordering Transform), the first field of a CDXJ line.
//!
//! The key is the one pywb and `cdxj-indexer` compute (the `surt` package's defaults, after the
//! Internet Archive's canonicaliser): scheme dropped, host lowercased, a leading `www`/`www2.`
//! dropped, host labels reversed and joined by commas (IPv4 addresses too), default port dropped,
//! path and query percent-unescaped until stable and escaped once again (only controls, space,
//! `#`, `%` and non-ASCII bytes stay escaped: `%2F` is `/`), empty and dot path segments removed,
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
    let mut path = escape_once(&normal_path(&unescape_repeatedly(u.path()))).to_ascii_lowercase();
    if path.len() > 1 && path.ends_with('/') {
        path.pop();
    }
    if path.is_empty() {
        path.push('/');
    }
    key.push_str(&path);
    if let Some(q) = u.query() {
        let q = canonical_query(&escape_once(&unescape_repeatedly(q)));
        if !q.is_empty() {
            key.push('?');
            key.push_str(&q);
        }
    }
    key
}

/// Percent-decodes until nothing changes (`%252F` → `%2F` → `/`); invalid escapes stay as they are.
fn unescape_repeatedly(s: &str) -> Vec<u8> {
    let mut cur: Vec<u8> = s.as_bytes().to_vec();
    loop {
        let next: Vec<u8> = percent_encoding::percent_decode(&cur).collect();
        if next == cur {
            return cur;
        }
        cur = next;
    }
}

/// Escapes what the canonicaliser escapes: controls, space, `#`, `%` and bytes above ASCII.
fn escape_once(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b <= 0x20 || b >= 0x7f || b == b'#' || b == b'%' {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push(b as char);
        }
    }
    out
}

/// The path without empty segments, `.` and `..` (resolved), keeping a trailing slash.
fn normal_path(path: &[u8]) -> Vec<u8> {
    let mut kept: Vec<&[u8]> = Vec::new();
    for seg in path.split(|&b| b == b'/') {
        match seg {
            b"" | b"." => {}
            b".." => {
                kept.pop();
            }
            s => kept.push(s),
        }
    }
    let mut out = vec![b'/'];
    out.extend(kept.join(&b'/'));
    if path.ends_with(b"/") && out.len() > 1 {
        out.push(b'/');
    }
    out
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
            // unescaped until stable, escaped once (outputs of surt 0.3.1)
            (
                "http://a.com/x?path=%2F&w=%E6%B5%8E",
                "com,a)/x?path=/&w=%e6%b5%8e",
            ),
            (
                "http://a.com/a%2Fb%252F/c?q=%26x%3D1",
                "com,a)/a/b/c?q=&x=1",
            ),
            ("http://a.com/%7Euser/A%41?x=%20y", "com,a)/~user/aa?x=%20y"),
            ("http://a.com/p?q=%25", "com,a)/p?q=%25"),
            ("http://a.com/%e6%b5%8e?a=%C3", "com,a)/%e6%b5%8e?a=%c3"),
            ("http://a.com/a+b?x=a+b%2B", "com,a)/a+b?x=a+b+"),
            ("http://a.com/x?b=%23c#f", "com,a)/x?b=%23c"),
            ("http://a.com/%zz?%g1", "com,a)/%25zz?%25g1"),
            ("http://a.com/a//b", "com,a)/a/b"),
            ("http://a.com/a/%2E%2E/b", "com,a)/b"),
            ("http://a.com/x/?", "com,a)/x"),
            ("http://a.com/?a=%2F%2f", "com,a)/?a=//"),
            ("http://a.com/A%2fB/", "com,a)/a/b"),
            ("http://a.com/x?a=1&%4A=2", "com,a)/x?a=1&j=2"),
        ] {
            assert_eq!(surt(url), want, "{url}");
        }
        assert_eq!(surt("not a url"), "not a url");
    }
}
