//! URL scope. The key of a page ([`canonicalize`]) is the archive's, in jinan-corpus, so
//! that no page is fetched twice in a crawl however it is linked, and every reader finds it the same way.

use url::Url;

pub use jinan_corpus::canon::{canonicalize, fetch_form};

/// `host:port` of a URL (port explicit or the scheme's default).
pub fn host_port(url: &Url) -> Option<String> {
    Some(format!(
        "{}:{}",
        url.host_str()?.to_ascii_lowercase(),
        url.port_or_known_default()?
    ))
}

/// Allowed hosts, each `host` (default ports) or `host:port`.
#[derive(Debug, Clone)]
pub struct Scope {
    hosts: Vec<String>,
}

impl Scope {
    pub fn new(allow: &[String]) -> Scope {
        Scope {
            hosts: allow
                .iter()
                .map(|h| h.trim().trim_end_matches('/').to_ascii_lowercase())
                .collect(),
        }
    }

    /// True for an http(s) URL on an allowed host and port.
    pub fn allows(&self, url: &Url) -> bool {
        if !matches!(url.scheme(), "http" | "https") {
            return false;
        }
        let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
            return false;
        };
        let host = host.to_ascii_lowercase();
        let hp = format!("{host}:{port}");
        self.hosts
            .iter()
            .any(|a| *a == hp || (*a == host && url.port().is_none()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> String {
        canonicalize(&Url::parse(s).unwrap()).to_string()
    }

    #[test]
    fn one_key_per_page() {
        let k = "http://english.jinan.gov.cn/art/2018/11/19/art_30173_2743600.html";
        for v in [
            k,
            "http://ENGLISH.jinan.gov.cn/art/2018/11/19/art_30173_2743600.html",
            "http://english.jinan.gov.cn:80/art/2018/11/19/art_30173_2743600.html#top",
            "http://english.jinan.gov.cn/art/2018/11/19/art_30173_2743600.html?from=home",
            "http://english.jinan.gov.cn/art/2018/11/19/art_30173_2743600.html?utm_source=x&from=y#p",
        ] {
            assert_eq!(c(v), k, "{v}");
        }
        assert_eq!(
            c("http://a.test/col/col1/index.html"),
            "http://a.test/col/col1/"
        );
        assert_eq!(c("http://a.test/index.html"), "http://a.test/");
        assert_eq!(
            c("http://a.test/p?b=2&a=1&from=x"),
            "http://a.test/p?a=1&b=2"
        );
        assert_ne!(c("http://a.test/p?id=1"), c("http://a.test/p?id=2"));
        // Session ids, in the path or the query, whatever their case.
        for v in [
            "http://a.test/item.jsp;jsessionid=0A1B2C3D4E5F?id=1",
            "http://a.test/item.jsp?id=1&PHPSESSID=9f8e7d6c5b4a39281706f5e4d3c2b1a0",
            "http://a.test/item.jsp?sid=0a1b2c3d4e5f60718293a4b5c6d7e8f9&id=1",
            "http://a.test/item.jsp?ASPSESSIONIDQQGGQGPA=ABCDEFGH&id=1",
        ] {
            assert_eq!(c(v), "http://a.test/item.jsp?id=1", "{v}");
        }
        // A short sid names a site, not a session; other path parameters stay.
        assert_eq!(c("http://a.test/p?sid=38"), "http://a.test/p?sid=38");
        assert_eq!(c("http://a.test/p;v=2"), "http://a.test/p;v=2");
        // The fetched form keeps index.html and parameter order.
        let f =
            fetch_form(&Url::parse("http://a.test/col/col1/index.html?b=2&from=x&a=1#f").unwrap());
        assert_eq!(f.as_str(), "http://a.test/col/col1/index.html?b=2&a=1");
    }

    #[test]
    fn scope_is_host_and_port() {
        let s = Scope::new(&["127.0.0.1:8080".into(), "english.jinan.gov.cn".into()]);
        assert!(s.allows(&Url::parse("http://127.0.0.1:8080/x").unwrap()));
        assert!(!s.allows(&Url::parse("http://127.0.0.1:8081/x").unwrap()));
        assert!(s.allows(&Url::parse("http://English.Jinan.gov.cn/x").unwrap()));
        assert!(!s.allows(&Url::parse("http://www.jinan.gov.cn/x").unwrap()));
        assert!(!s.allows(&Url::parse("ftp://english.jinan.gov.cn/x").unwrap()));
    }
}
