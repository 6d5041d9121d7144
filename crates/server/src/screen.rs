//! A screen between the socket and hyper that answers over-long HTTP/1 request lines with the
//! API's JSON `400` instead of hyper's bare `414`.
//!
//! hyper (through the `http` crate) cannot hold a URI longer than 64 KB and answers such a request
//! itself, before any router runs, with an empty `414` that a script cannot tell from a proxy
//! error. [`Screened`] follows the byte stream of a connection just far enough to know where each
//! request line starts (request line, header lines, `Content-Length` body; a chunked body or an
//! HTTP/2 connection turns the screen off), and when a request line grows past
//! [`MAX_REQUEST_LINE`] it stops feeding hyper, writes the JSON answer itself, closes its side and
//! drains what the client is still sending (so the answer is not lost to a TCP reset), then reports
//! end of stream to hyper. Everything else passes through untouched.

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Longest request line (method, target, version) accepted, in bytes. Far above what any search
/// needs (queries are capped at [`crate::params::MAX_QUERY_BYTES`], at most three times that URL-encoded)
/// and below the 64 KB hyper can hold.
pub const MAX_REQUEST_LINE: usize = 32 * 1024;

/// At most this much of a rejected request is read and thrown away before the connection closes.
const DRAIN_LIMIT: usize = 8 * 1024 * 1024;

/// Bytes kept of each header line: enough for `Content-Length` and `Transfer-Encoding`.
const HEADER_PREFIX: usize = 64;

#[derive(Debug)]
enum Parse {
    /// Inside a request line, `len` bytes in; `blank` while they are all `\r`.
    RequestLine {
        len: usize,
        first: bool,
        blank: bool,
    },
    /// Inside the header lines of a request.
    Headers {
        line: Vec<u8>,
        line_len: usize,
        content_length: u64,
        chunked: bool,
    },
    /// Skipping `remaining` bytes of a request body.
    Body { remaining: u64 },
    /// Not screening any more (HTTP/2, a chunked body).
    Off,
}

#[derive(Debug)]
enum Mode {
    Screening(Parse),
    /// Writing the answer (`written` bytes so far), then shutting down and draining.
    Rejecting {
        written: usize,
        shut: bool,
    },
    /// Reading and dropping what the client still sends (`drained` bytes so far).
    Draining {
        drained: usize,
    },
    Closed,
}

/// A connection's stream with the request-line screen in front of the reading side.
#[derive(Debug)]
pub struct Screened<S> {
    inner: S,
    mode: Mode,
    answer: Vec<u8>,
}

impl<S> Screened<S> {
    /// Screens `inner`, a fresh connection.
    pub fn new(inner: S) -> Screened<S> {
        Screened {
            inner,
            mode: Mode::Screening(Parse::RequestLine {
                len: 0,
                first: true,
                blank: true,
            }),
            answer: Vec::new(),
        }
    }
}

/// The full HTTP response sent for an over-long request line.
fn answer() -> Vec<u8> {
    let body = serde_json::json!({
        "error": format!(
            "the request line is too long (more than {MAX_REQUEST_LINE} bytes); queries may be at most {} bytes",
            crate::params::MAX_QUERY_BYTES
        ),
        "code": "request_too_long",
    })
    .to_string();
    format!(
        "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\nx-content-type-options: nosniff\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

impl Parse {
    fn next_request() -> Parse {
        Parse::RequestLine {
            len: 0,
            first: false,
            blank: true,
        }
    }

    /// Follows `bytes`; returns the index of the byte that made a request line too long, if any.
    fn feed(&mut self, bytes: &[u8]) -> Option<usize> {
        let mut i = 0;
        while i < bytes.len() {
            match self {
                Parse::Off => return None,
                Parse::Body { remaining } => {
                    let skip = (*remaining).min((bytes.len() - i) as u64);
                    *remaining -= skip;
                    i += skip as usize;
                    if *remaining == 0 {
                        *self = Parse::next_request();
                    }
                    continue;
                }
                Parse::RequestLine { len, first, blank } => {
                    let rest = &bytes[i..];
                    let nl = rest.iter().position(|&b| b == b'\n');
                    let take = nl.unwrap_or(rest.len());
                    if *len + take > MAX_REQUEST_LINE {
                        return Some(i + (MAX_REQUEST_LINE - *len));
                    }
                    *len += take;
                    *blank &= rest[..take].iter().all(|&b| b == b'\r');
                    let nl = nl?;
                    if *first && rest.starts_with(b"PRI * HTTP/2.0") {
                        *self = Parse::Off;
                        return None;
                    }
                    i += nl + 1;
                    if *blank {
                        // Empty lines before a request line are allowed (RFC 9112 2.2).
                        *len = 0;
                        continue;
                    }
                    *self = Parse::Headers {
                        line: Vec::new(),
                        line_len: 0,
                        content_length: 0,
                        chunked: false,
                    };
                }
                Parse::Headers {
                    line,
                    line_len,
                    content_length,
                    chunked,
                } => {
                    let rest = &bytes[i..];
                    let nl = rest.iter().position(|&b| b == b'\n');
                    let take = nl.unwrap_or(rest.len());
                    let room = HEADER_PREFIX.saturating_sub(line.len());
                    line.extend_from_slice(&rest[..take.min(room)]);
                    *line_len += take;
                    let nl = nl?;
                    i += nl + 1;
                    let text = line.strip_suffix(b"\r").unwrap_or(line);
                    if text.is_empty() && *line_len <= 1 {
                        // End of the head: the body, if any, comes next.
                        *self = if *chunked {
                            Parse::Off
                        } else if *content_length > 0 {
                            Parse::Body {
                                remaining: *content_length,
                            }
                        } else {
                            Parse::next_request()
                        };
                        continue;
                    }
                    let lower = text.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix(b"content-length:") {
                        let v = std::str::from_utf8(v).unwrap_or("").trim();
                        // A malformed length is hyper's to refuse; stop screening rather than guess.
                        match v.parse::<u64>() {
                            Ok(n) => *content_length = n,
                            Err(_) => *chunked = true,
                        }
                    } else if lower.starts_with(b"transfer-encoding:") {
                        *chunked = true;
                    }
                    line.clear();
                    *line_len = 0;
                }
            }
        }
        None
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for Screened<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            match &mut this.mode {
                Mode::Screening(parse) => {
                    let before = buf.filled().len();
                    ready!(Pin::new(&mut this.inner).poll_read(cx, buf))?;
                    let Some(at) = parse.feed(&buf.filled()[before..]) else {
                        return Poll::Ready(Ok(()));
                    };
                    tracing::debug!("request line too long; answering 400 and closing");
                    buf.set_filled(before + at);
                    this.answer = answer();
                    this.mode = Mode::Rejecting {
                        written: 0,
                        shut: false,
                    };
                    if at > 0 {
                        // Give hyper what came before; the rejection runs on its next read.
                        return Poll::Ready(Ok(()));
                    }
                }
                Mode::Rejecting { written, shut } => {
                    while *written < this.answer.len() {
                        let n = ready!(
                            Pin::new(&mut this.inner).poll_write(cx, &this.answer[*written..])
                        )?;
                        if n == 0 {
                            return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
                        }
                        *written += n;
                    }
                    if !*shut {
                        ready!(Pin::new(&mut this.inner).poll_flush(cx))?;
                        ready!(Pin::new(&mut this.inner).poll_shutdown(cx))?;
                        *shut = true;
                    }
                    this.mode = Mode::Draining { drained: 0 };
                }
                Mode::Draining { drained } => {
                    let mut scratch = [0u8; 16 * 1024];
                    let mut sb = ReadBuf::new(&mut scratch);
                    match ready!(Pin::new(&mut this.inner).poll_read(cx, &mut sb)) {
                        Ok(()) if !sb.filled().is_empty() && *drained < DRAIN_LIMIT => {
                            *drained += sb.filled().len();
                        }
                        _ => this.mode = Mode::Closed,
                    }
                }
                Mode::Closed => return Poll::Ready(Ok(())),
            }
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for Screened<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if matches!(this.mode, Mode::Screening(_)) {
            Pin::new(&mut this.inner).poll_write(cx, buf)
        } else {
            // Our answer owns the connection now; whatever hyper says about the cut request is dropped.
            Poll::Ready(Ok(buf.len()))
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if matches!(this.mode, Mode::Screening(_)) {
            Pin::new(&mut this.inner).poll_shutdown(cx)
        } else {
            Poll::Ready(Ok(()))
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if matches!(this.mode, Mode::Screening(_)) {
            Pin::new(&mut this.inner).poll_write_vectored(cx, bufs)
        } else {
            Poll::Ready(Ok(bufs.iter().map(|b| b.len()).sum()))
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh() -> Parse {
        Parse::RequestLine {
            len: 0,
            first: true,
            blank: true,
        }
    }

    #[test]
    fn short_requests_pass() {
        let mut p = fresh();
        let req = b"GET /api/search?q=a HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\n\r\n";
        assert_eq!(p.feed(req), None);
        assert!(matches!(p, Parse::RequestLine { len: 0, .. }), "{p:?}");
    }

    #[test]
    fn long_request_line_is_caught_at_the_limit_across_reads() {
        let mut p = fresh();
        let line = format!("GET /?q={} HTTP/1.1\r\n", "a".repeat(MAX_REQUEST_LINE));
        let (a, b) = line.as_bytes().split_at(1000);
        assert_eq!(p.feed(a), None);
        assert_eq!(p.feed(b), Some(MAX_REQUEST_LINE - 1000));
    }

    #[test]
    fn bodies_are_skipped_by_content_length() {
        let mut p = fresh();
        // The body is longer than a request line may be; it must not count as one.
        let body = "x".repeat(MAX_REQUEST_LINE * 2);
        let req = format!(
            "POST / HTTP/1.1\r\nContent-Length: {}\r\n\r\n{body}GET / HTTP/1.1\r\n\r\n",
            body.len()
        );
        assert_eq!(p.feed(req.as_bytes()), None);
        assert!(matches!(p, Parse::RequestLine { len: 0, .. }), "{p:?}");
        // The second request line is screened again.
        assert!(p
            .feed("a".repeat(MAX_REQUEST_LINE + 1).as_bytes())
            .is_some());
    }

    #[test]
    fn long_header_lines_are_left_to_hyper() {
        let mut p = fresh();
        let req = format!(
            "GET / HTTP/1.1\r\nX-Big: {}\r\n\r\n",
            "y".repeat(MAX_REQUEST_LINE * 3)
        );
        assert_eq!(p.feed(req.as_bytes()), None);
    }

    #[test]
    fn chunked_bodies_and_http2_turn_the_screen_off() {
        let mut p = fresh();
        assert_eq!(
            p.feed(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"),
            None
        );
        assert!(matches!(p, Parse::Off));
        let mut p = fresh();
        assert_eq!(p.feed(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), None);
        assert!(matches!(p, Parse::Off));
    }

    #[test]
    fn the_answer_is_a_json_400() {
        let a = String::from_utf8(answer()).unwrap();
        assert!(a.starts_with("HTTP/1.1 400 "));
        let body = a.split("\r\n\r\n").nth(1).unwrap();
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        assert!(v["error"].as_str().unwrap().contains("too long"));
    }
}
