//! The screen checked against hyper itself: the same bytes are sent on one connection to hyper
//! alone and to hyper behind [`Screened`], and the answers compared. While no line is longer than
//! [`MAX_REQUEST_LINE`] they must be byte for byte the same (the `date` header aside): the screen
//! may only ever replace hyper's own refusal of an over-long request line. Run on fixed cases by
//! the unit tests and on arbitrary bytes by `fuzz/fuzz_targets/screen.rs` (feature `fuzzing`).

use std::convert::Infallible;
use std::time::Duration;

use axum::body::Body;
use hyper::body::Incoming;
use hyper::{Request, Response};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::screen::{Screened, MAX_REQUEST_LINE};

/// How long one exchange may take before it counts as hung: far above what an in-memory
/// connection needs, so that a loaded machine never trips it.
const EXCHANGE_LIMIT: Duration = Duration::from_secs(30);

/// A service that says what it received, so that any difference in framing shows in the answer.
async fn echo(req: Request<Incoming>) -> Result<Response<Body>, Infallible> {
    let head = format!("{} {} {:?}", req.method(), req.uri(), req.version());
    let body = axum::body::to_bytes(Body::new(req.into_body()), 1 << 20)
        .await
        .map(|b| b.len().to_string())
        .unwrap_or_else(|_| "unreadable".into());
    Ok(Response::new(Body::from(format!("{head} body={body}"))))
}

async fn serve(io: impl AsyncRead + AsyncWrite + Unpin + Send + 'static) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.max_buf_size(crate::MAX_REQUEST_HEAD);
    let io = hyper_util::rt::TokioIo::new(io);
    let _ = http
        .serve_connection(io, hyper::service::service_fn(echo))
        .await;
}

/// hyper's answer to `bytes` sent on one connection (then the client's side closed), with or
/// without the screen in front, `date` headers removed; `None` if the exchange hung.
pub async fn answers(bytes: &[u8], screened: bool) -> Option<Vec<u8>> {
    let (client, server) = tokio::io::duplex(1 << 16);
    let conn = async move {
        if screened {
            serve(Screened::new(server)).await
        } else {
            serve(server).await
        }
    };
    let (mut rx, mut tx) = tokio::io::split(client);
    let send = async move {
        let _ = tx.write_all(bytes).await;
        let _ = tx.shutdown().await;
    };
    let receive = async move {
        let mut out = Vec::new();
        let _ = rx.read_to_end(&mut out).await;
        out
    };
    let ((), (), out) =
        tokio::time::timeout(EXCHANGE_LIMIT, async { tokio::join!(conn, send, receive) })
            .await
            .ok()?;
    Some(without_dates(&out))
}

fn without_dates(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    for line in raw.split_inclusive(|b| *b == b'\n') {
        if !line.to_ascii_lowercase().starts_with(b"date: ") {
            out.extend_from_slice(line);
        }
    }
    out
}

/// True when no line of `bytes` is longer than [`MAX_REQUEST_LINE`]: then the screen must be
/// invisible.
pub fn all_lines_short(bytes: &[u8]) -> bool {
    bytes
        .split(|b| *b == b'\n')
        .all(|l| l.len() <= MAX_REQUEST_LINE)
}

/// The property the fuzz target checks: with short lines, the screened answer is hyper's.
pub fn check(bytes: &[u8]) {
    if !all_lines_short(bytes) {
        return;
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let (plain, screened) =
        rt.block_on(async { (answers(bytes, false).await, answers(bytes, true).await) });
    assert_eq!(
        plain.as_deref().map(String::from_utf8_lossy),
        screened.as_deref().map(String::from_utf8_lossy),
        "the screen changed hyper's answer to {:?}",
        String::from_utf8_lossy(bytes)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_screen_is_invisible_on_short_lines() {
        let body = "x".repeat(MAX_REQUEST_LINE + 10);
        let cases: Vec<Vec<u8>> = vec![
            b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b?q=1 HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            b"\r\n\r\nGET /after-blank-lines HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            b"POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /n HTTP/1.1\r\n\r\n"
                .to_vec(),
            b"POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nGET /n HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            b"POST /bad HTTP/1.1\r\nContent-Length: nope\r\n\r\n".to_vec(),
            b"GARBAGE\r\n\r\n".to_vec(),
            b"GET / HTTP/1.0\r\n\r\n".to_vec(),
            b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec(),
            b"GET /half".to_vec(),
            b"".to_vec(),
            // A body longer than a request line may be: it is not a request line.
            format!(
                "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
            .into_bytes(),
        ];
        for bytes in cases {
            check(&bytes);
        }
    }

    #[test]
    fn only_an_over_long_request_line_is_answered_by_the_screen() {
        let line = format!(
            "GET /?q={} HTTP/1.1\r\nHost: x\r\n\r\n",
            "a".repeat(MAX_REQUEST_LINE)
        );
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let (plain, screened) = rt.block_on(async {
            (
                answers(line.as_bytes(), false).await,
                answers(line.as_bytes(), true).await,
            )
        });
        let screened = String::from_utf8(screened.unwrap()).unwrap();
        assert!(screened.starts_with("HTTP/1.1 400 "), "{screened:.300}");
        assert!(
            screened.contains("\"code\":\"request_too_long\""),
            "{screened:.300}"
        );
        // hyper alone takes this line (it is under its own limit): the screen is what refuses it.
        let plain = String::from_utf8(plain.unwrap()).unwrap();
        assert!(!plain.contains("request_too_long"), "{plain:.300}");
    }
}
