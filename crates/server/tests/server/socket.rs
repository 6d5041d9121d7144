//! One run over a real TCP socket: routes, a long query (JSON 400) and a 1 MB one (the screen's JSON 400), huge
//! headers, raw malformed request lines, and graceful shutdown.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::*;

/// Starts the server on a free loopback port; returns its address, the shutdown trigger and the
/// serve task. Also installs the TLS provider that every test's reqwest client needs (reqwest is
/// built without one), so that no test depends on another having run first.
pub async fn start(
    state: jinan_server::AppState,
) -> (
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<jinan_server::Result<()>>,
) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(jinan_server::serve_listener(listener, state, async {
        let _ = rx.await;
    }));
    (addr, tx, task)
}

/// Sends raw bytes, returns the raw answer (until the server closes or 5 s of silence).
async fn raw(addr: std::net::SocketAddr, bytes: &[u8]) -> String {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    // The server may answer and close before it has read everything we send.
    let _ = s.write_all(bytes).await;
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_socket() {
    let (_dir, st) = fixture();
    let (addr, stop, task) = start(st).await;
    let http = reqwest::Client::new();
    let base = format!("http://{addr}");

    let r = http.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "ok");

    let r = http
        .get(format!("{base}/api/search?q={}", enc("友好城市")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(v["total"], YOUHAO_HITS);

    let r = http
        .get(format!("{base}/?q=springs&page=2"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(r.text().await.unwrap().contains("start=\"11\""));

    // A long query (as long as a URI can be) is refused with a JSON 400.
    let r = http
        .get(format!("{base}/api/search?q={}", "a".repeat(60_000)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert!(v["error"].as_str().unwrap().contains("too long"), "{v}");
    // A 1 MB one is more than hyper can hold in a URI; the connection's screen answers it with the
    // same JSON 400, whether it is the first request of a connection or follows another one.
    let huge = format!(
        "GET /api/search?q={} HTTP/1.1\r\nHost: x\r\n\r\n",
        "a".repeat(1_000_000)
    );
    for prefix in ["", "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"] {
        let answer = raw(addr, format!("{prefix}{huge}").as_bytes()).await;
        let last = answer.rfind("HTTP/1.1 ").expect("an answer");
        let answer = &answer[last..];
        assert!(answer.starts_with("HTTP/1.1 400"), "{answer:.200}");
        let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        assert!(v["error"].as_str().unwrap().contains("too long"), "{v}");
        assert_eq!(v["code"], "request_too_long", "{v}");
        if !prefix.is_empty() {
            assert!(answer.len() < body.len() + 300 && last > 0, "both answered");
        }
    }

    let r = http
        .get(format!("{base}/api/search?q=springs&limit=101"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    let r = http
        .get(format!("{base}/api/search?q=springs"))
        .header("x-big", "y".repeat(200_000))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 431);

    // Malformed requests are answered 4xx (or the connection is closed), never 5xx.
    for bytes in [
        &b"GARBAGE\r\n\r\n"[..],
        b"GET /api/search?q=\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET /api/search?q=springs HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\nConnection: close\r\n\r\n",
        b"GET http://evil/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    ] {
        let answer = raw(addr, bytes).await;
        let status: Option<u16> = answer.split(' ').nth(1).and_then(|s| s.parse().ok());
        if let Some(s) = status {
            assert!((400..500).contains(&s) || s == 200, "{:?} -> {answer:.200}", String::from_utf8_lossy(bytes));
        }
    }
    let head = raw(
        addr,
        format!(
            "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
            "z".repeat(3_000_000)
        )
        .as_bytes(),
    )
    .await;
    assert!(
        head.is_empty() || head.starts_with("HTTP/1.1 4"),
        "{head:.200}"
    );

    stop.send(()).unwrap();
    task.await.unwrap().unwrap();
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "still listening after shutdown"
    );
}
