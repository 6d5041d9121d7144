//! Requests a careless or hostile client may send: each gets a 4xx with a JSON error (or the HTML
//! page with its error), never a 5xx or a panic.

use axum::body::Body;
use axum::http::{Request, StatusCode};

use crate::common::*;

fn hostile_uris() -> Vec<String> {
    // The largest URI the `http` crate (and so hyper) can hold is 64 KB; a 1 MB one never reaches
    // the router (the connection's screen answers it, see the socket test). This is a big one that does.
    let huge = "a".repeat(60_000);
    vec![
        "/api/search?q=springs&limit=ten".into(),
        "/api/search?q=springs&limit=101".into(),
        "/api/search?q=springs&limit=0".into(),
        "/api/search?q=springs&limit=-5".into(),
        "/api/search?q=springs&limit=99999999999999999999999999".into(),
        "/api/search?q=springs&offset=abc".into(),
        "/api/search?q=springs&offset=1000000000000".into(),
        "/api/search?q=springs&from=2019-13-01".into(),
        "/api/search?q=springs&from=yesterday".into(),
        "/api/search?q=springs&to=2019-02-30".into(),
        "/api/search?q=springs&from=2020-01-01&to=2019-01-01".into(),
        "/api/search?q=springs&sort=random".into(),
        "/api/search?q=springs&lang=fr".into(),
        "/api/search?q=springs&live=perhaps".into(),
        "/api/search".into(),
        "/api/search?q=".into(),
        "/api/search?q=%20%20".into(),
        format!("/api/search?q={huge}"),
        format!("/?q={huge}"),
        format!("/api/article?url={huge}"),
        "/api/search?q=%FF%FE%FD".into(),
        "/api/search?q=%E5%8F".into(),
        "/api/search?q=springs&limit=%".into(),
        "/api/search?q=%%%".into(),
        "/api/search?q=springs&limit=1%00".into(),
        "/api/search?q=springs&q=again&limit=1&limit=2".into(),
        "/api/article?url=".into(),
        "/api/article?url=..%2F..%2F..%2Fetc%2Fpasswd".into(),
        "/../../etc/passwd".into(),
        "/%2e%2e/%2e%2e/etc/passwd".into(),
        "/api/../../../etc/passwd".into(),
        "/api/search/../../Cargo.toml".into(),
        "/static/%00".into(),
        "/?q=springs&page=-1".into(),
        "/?q=springs&page=999999999999".into(),
        "/?q=springs&page=1&limit=1000".into(),
        // Replay: malformed timestamps (400), addresses that cannot be archived (404).
        "/web/".into(),
        "/web/2024/".into(),
        "/web/2024x/http://english.jinan.gov.cn/".into(),
        "/web/2024xx_/http://english.jinan.gov.cn/".into(),
        "/web/20241301/http://english.jinan.gov.cn/".into(),
        "/web/20240230/http://english.jinan.gov.cn/".into(),
        "/web/202401012561/http://english.jinan.gov.cn/".into(),
        "/web/123456789012345/http://english.jinan.gov.cn/".into(),
        "/web/2024/file:///etc/passwd".into(),
        "/web/2024id_/file:///etc/passwd".into(),
        "/web/2024/data:text/html,%3Cscript%3Ealert(1)%3C/script%3E".into(),
        "/web/javascript:alert(1)".into(),
        "/web/2024/http://evil.example/".into(),
        "/web/2024mp_/http://english.jinan.gov.cn/art/2016/3/1/art_30173_900.html".into(),
        "/web/http://english.jinan.gov.cn/".into(),
        "/web/2024/http:%2F%2Fenglish.jinan.gov.cn%2F".into(),
        "/web/2024/http://[::1/".into(),
        "/web/2024/%00".into(),
        format!("/web/2024/http://{huge}"),
        "/timemap/link/".into(),
        "/timemap/link/file:///etc/passwd".into(),
        "/timemap/link/http://evil.example/".into(),
    ]
}

/// Queries the index may refuse (400) or read leniently (200), never with a 5xx.
fn odd_queries() -> Vec<&'static str> {
    vec![
        "\"unbalanced",
        "((((",
        "))))",
        "title:",
        ":::",
        "-",
        "NOT",
        "OR OR OR",
        "AND",
        "*",
        "**deleg",
        "\"\"",
        "title:\"",
        "body:(",
        "\u{0}",
        "\u{202e}evil",
        "🙂🙂🙂",
        "a\u{301}\u{301}\u{301}",
        "友好城市\"",
        "\\",
        "{}[]^~!",
        "a:b:c:d",
    ]
}

#[tokio::test]
async fn hostile_requests_get_4xx_json() {
    let (dir, st) = fixture();
    // Replay over an empty WARC folder: every archived address is unknown.
    let st = st.with_corpus(dir.path());
    for uri in hostile_uris() {
        let a = get(&st, &uri).await;
        let short: String = uri.chars().take(80).collect();
        assert!(
            a.status.is_client_error() || a.status == StatusCode::OK,
            "{short}: {} {:.200}",
            a.status,
            a.body
        );
        assert!(!a.status.is_server_error(), "{short}: {}", a.status);
        if a.content_type.starts_with("application/json") {
            let v = a.json();
            if a.status.is_client_error() {
                assert!(
                    v["error"]
                        .as_str()
                        .is_some_and(|e| !e.is_empty() && e.len() < 400),
                    "{short}: {v}"
                );
            }
        } else {
            assert!(
                a.content_type.starts_with("text/html") || a.content_type.starts_with("text/plain"),
                "{short}: {}",
                a.content_type
            );
        }
        // The API's parameter errors are always 400.
        if uri.starts_with("/api/search?q=springs&") && !uri.contains("q=again") {
            assert_eq!(a.status, StatusCode::BAD_REQUEST, "{short}");
        }
    }
}

#[tokio::test]
async fn odd_queries_never_5xx() {
    let (_dir, st) = fixture();
    for q in odd_queries() {
        for base in ["/api/search?q=", "/?q="] {
            let a = get(&st, &format!("{base}{}", enc(q))).await;
            assert!(
                a.status == StatusCode::OK || a.status == StatusCode::BAD_REQUEST,
                "{base}{q:?}: {} {:.300}",
                a.status,
                a.body
            );
        }
    }
}

#[tokio::test]
async fn bad_methods_headers_and_bodies() {
    let (_dir, st) = fixture();
    let a = send(
        &st,
        Request::post("/api/search?q=springs")
            .body(Body::from("x"))
            .unwrap(),
    )
    .await;
    assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(a.json()["error"].is_string());
    let a = send(&st, Request::delete("/").body(Body::empty()).unwrap()).await;
    assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED);

    let big = "x".repeat(100_000);
    let req = Request::get("/api/search?q=springs")
        .header("x-junk", big.as_str())
        .body(Body::empty())
        .unwrap();
    let a = send(&st, req).await;
    assert_eq!(a.status, StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);
    assert!(a.json()["error"].as_str().unwrap().contains("headers"));

    let mut req = Request::get("/healthz");
    for i in 0..2000 {
        req = req.header(format!("x-h{i}"), "0123456789");
    }
    let a = send(&st, req.body(Body::empty()).unwrap()).await;
    assert_eq!(a.status, StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);

    // A GET with a large body: the body is never read, the answer is still a normal search.
    let req = Request::get("/api/search?q=springs")
        .body(Body::from(vec![b'a'; 1_000_000]))
        .unwrap();
    let a = send(&st, req).await;
    assert!(!a.status.is_server_error(), "{}", a.status);
}
