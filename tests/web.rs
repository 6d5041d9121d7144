//! Helpers for replay tests that talk HTTP to `jinan serve` (`Workspace::serve`) and to the
//! fixture: a plain HTTP/1.1 client over `TcpStream` that sends any header and keeps the answer's
//! headers and bytes, and the RFC 8288 link parser a Memento client needs.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// One HTTP answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

/// `GET target` (path and query exactly as given) with extra headers; `Connection: close`.
pub fn get(addr: SocketAddr, target: &str, headers: &[(&str, &str)]) -> Answer {
    let mut s = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut req = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    parse(&raw).unwrap_or_else(|| {
        panic!(
            "bad HTTP answer to {target}: {:?}",
            String::from_utf8_lossy(&raw)
        )
    })
}

fn parse(raw: &[u8]) -> Option<Answer> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.to_ascii_lowercase().contains("chunked")
    });
    if chunked {
        body = dechunk(&body)?;
    }
    Some(Answer {
        status,
        headers,
        body,
    })
}

fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let nl = b.windows(2).position(|w| w == b"\r\n")?;
        let size = std::str::from_utf8(&b[..nl])
            .ok()?
            .split(';')
            .next()?
            .trim();
        let n = usize::from_str_radix(size, 16).ok()?;
        b = &b[nl + 2..];
        if n == 0 {
            return Some(out);
        }
        out.extend_from_slice(b.get(..n)?);
        b = b.get(n + 2..)?;
    }
}

/// One entry of an RFC 8288 link list (`<target>; rel="x"; k="v"`).
#[derive(Debug, Clone)]
pub struct Link {
    pub target: String,
    pub params: Vec<(String, String)>,
}

impl Link {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// True when `rel` lists `rel` among its space-separated values.
    pub fn has_rel(&self, rel: &str) -> bool {
        self.param("rel")
            .is_some_and(|r| r.split_ascii_whitespace().any(|x| x == rel))
    }
}

/// Parses a `Link` header or a link-format body as a Memento client does: commas and semicolons
/// inside `<...>` and quotes do not split.
pub fn parse_links(s: &str) -> Vec<Link> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while let Some(open) = rest.find('<') {
        let close = rest[open..]
            .find('>')
            .map(|c| open + c)
            .expect("unclosed <");
        let target = rest[open + 1..close].to_string();
        rest = &rest[close + 1..];
        let mut params = Vec::new();
        loop {
            rest = rest.trim_start();
            if !rest.starts_with(';') {
                break;
            }
            rest = rest[1..].trim_start();
            let eq = rest.find('=').expect("param without =");
            let name = rest[..eq].trim().to_string();
            rest = rest[eq + 1..].trim_start();
            let value = if let Some(r) = rest.strip_prefix('"') {
                let q = r.find('"').expect("unclosed quote");
                let v = r[..q].to_string();
                rest = &r[q + 1..];
                v
            } else {
                let e = rest.find([';', ',']).unwrap_or(rest.len());
                let v = rest[..e].trim().to_string();
                rest = &rest[e..];
                v
            };
            params.push((name, value));
        }
        rest = rest.trim_start().trim_start_matches(',');
        out.push(Link { target, params });
    }
    out
}
