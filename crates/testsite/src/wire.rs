//! How an answer travels: like a real server farm, the fixture sends some HTML pages
//! gzip-compressed, some brotli-compressed, some with chunked transfer coding (with and without
//! gzip) and the rest plain, chosen per address so that every crawl sees the same mix. A content
//! coding is applied only when the request's `Accept-Encoding` allows it.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::io::Write;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};

use crate::content::fnv;
use crate::special::BIG_PAGE;
use crate::Response;

/// The wire form of one answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Wire {
    Plain,
    Gzip,
    Brotli,
    Chunked,
    GzipChunked,
}

impl Wire {
    /// The content coding it applies, if any.
    pub fn coding(self) -> Option<&'static str> {
        match self {
            Wire::Gzip | Wire::GzipChunked => Some("gzip"),
            Wire::Brotli => Some("br"),
            Wire::Plain | Wire::Chunked => None,
        }
    }

    /// True when the body is sent in chunks (no `Content-Length`).
    pub fn chunked(self) -> bool {
        matches!(self, Wire::Chunked | Wire::GzipChunked)
    }
}

/// The wire form of an HTML page at `target` (path and query): a third plain, the rest spread
/// over the other forms.
pub fn wire_for(target: &str) -> Wire {
    match fnv(target.as_bytes()) % 6 {
        0 | 1 => Wire::Plain,
        2 => Wire::Gzip,
        3 => Wire::Brotli,
        4 => Wire::Chunked,
        _ => Wire::GzipChunked,
    }
}

/// True when `accept` (an `Accept-Encoding` value) allows `coding`.
fn accepts(accept: Option<&str>, coding: &str) -> bool {
    accept.is_some_and(|a| {
        a.split(',').any(|item| {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    == Some(0.0)
            });
            (name.eq_ignore_ascii_case(coding) || name == "*") && !refused
        })
    })
}

/// Puts a 200 HTML answer into its wire form for a client that sent `accept`; returns whether it
/// goes chunked. Other answers, and answers that already carry a coding, are left alone.
pub fn apply(target: &str, accept: Option<&str>, r: &mut Response) -> bool {
    let html = r
        .header("content-type")
        .is_some_and(|t| t.starts_with("text/html"));
    // The big page stays plain: it is the body-cap case (received bytes over the cap).
    if r.status != 200 || !html || r.header("content-encoding").is_some() || target == BIG_PAGE {
        return false;
    }
    let wire = wire_for(target);
    if let Some(coding) = wire.coding().filter(|c| accepts(accept, c)) {
        r.body = compress(coding, &r.body);
        r.headers
            .push(("Content-Encoding".into(), coding.to_string()));
        r.headers.push(("Vary".into(), "Accept-Encoding".into()));
    }
    wire.chunked()
}

fn compress(coding: &str, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 3 + 64);
    match coding {
        "gzip" => {
            let mut e = flate2::write::GzEncoder::new(&mut out, flate2::Compression::new(6));
            let _ = e.write_all(data);
            let _ = e.finish();
        }
        _ => {
            let mut e = brotli::CompressorWriter::new(&mut out, 1 << 14, 5, 22);
            let _ = e.write_all(data);
            let _ = e.flush();
            drop(e);
        }
    }
    out
}

/// A response body: in one piece (sent with `Content-Length`) or in pieces of unknown total size
/// (hyper then frames it chunked).
pub struct WireBody {
    pieces: VecDeque<Bytes>,
    whole: bool,
}

impl WireBody {
    pub fn new(body: Bytes, chunked: bool) -> WireBody {
        if !chunked {
            return WireBody {
                pieces: VecDeque::from([body]),
                whole: true,
            };
        }
        let mut pieces = VecDeque::new();
        let mut rest = body;
        while !rest.is_empty() {
            let n = rest.len().min(3000);
            pieces.push_back(rest.split_to(n));
        }
        WireBody {
            pieces,
            whole: false,
        }
    }
}

impl Body for WireBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.pieces.pop_front().map(|b| Ok(Frame::data(b))))
    }

    fn is_end_stream(&self) -> bool {
        self.pieces.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        if self.whole {
            SizeHint::with_exact(self.pieces.iter().map(|b| b.len() as u64).sum())
        } else {
            SizeHint::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_occurs_and_codings_follow_accept_encoding() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..200 {
            seen.insert(wire_for(&format!("/art/2020/1/1/art_1_{i}.html")));
        }
        assert_eq!(seen.len(), 5, "{seen:?}");
        assert!(accepts(Some("gzip, deflate, br"), "br"));
        assert!(accepts(Some("*"), "gzip"));
        assert!(!accepts(Some("gzip;q=0, br"), "gzip"));
        assert!(!accepts(None, "gzip"));
        let path = (0..)
            .map(|i| format!("/p{i}.html"))
            .find(|p| wire_for(p) == Wire::Gzip)
            .unwrap();
        let mut r = Response::new(200, "text/html", b"<p>hello</p>".to_vec());
        apply(&path, None, &mut r);
        assert_eq!(r.body, b"<p>hello</p>", "no coding unasked");
        apply(&path, Some("gzip"), &mut r);
        assert_eq!(r.header("content-encoding"), Some("gzip"));
        let mut d = flate2::read::GzDecoder::new(&r.body[..]);
        let mut s = String::new();
        std::io::Read::read_to_string(&mut d, &mut s).unwrap();
        assert_eq!(s, "<p>hello</p>");
    }
}
