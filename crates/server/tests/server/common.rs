//! Fixture index: a few dozen English and Chinese articles over several years and columns, one
//! with a hostile title, one deleted; and helpers to call the router without a socket.

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{NaiveDate, TimeZone, Utc};
use jinan_index::Writer;
use jinan_server::{app, AppState, StatsFn};
use jinan_types::{article_id, Article, Document, Lang};
use tower::ServiceExt;

/// Title of the article that tries to run script in the page.
pub const HOSTILE_TITLE: &str =
    "<script>window.__pwned=1</script>Spring <img src=x onerror=\"window.__pwned=2\"> festival";
/// URL of the article marked deleted.
pub const DELETED_URL: &str = "http://english.jinan.gov.cn/art/2016/3/1/art_30173_900.html";
/// English articles that contain "springs" (enough for three pages of ten).
pub const SPRINGS_HITS: usize = 24;
/// Chinese articles that contain 友好城市.
pub const YOUHAO_HITS: usize = 12;

const COLUMNS: [&str; 3] = ["Sisterly Jinan", "Zoom In", "Best Urban Life"];

pub fn doc(
    url: &str,
    title: &str,
    date: NaiveDate,
    column: &str,
    lang: Lang,
    body: &str,
) -> Document {
    Document {
        id: article_id(url),
        article: Article {
            url: url.to_string(),
            title: title.to_string(),
            date: Some(date),
            source: Some("english.jinan.gov.cn".into()),
            column: Some(column.to_string()),
            lang,
            body: body.to_string(),
        },
        captured_at: Utc.with_ymd_and_hms(2024, 5, 1, 8, 0, 0).unwrap(),
        deleted_at: None,
        digest: None,
    }
}

/// The fixture documents.
pub fn documents() -> Vec<Document> {
    let mut docs = Vec::new();
    for i in 0..SPRINGS_HITS - 1 {
        let year = 2015 + (i % 6) as i32;
        let date = NaiveDate::from_ymd_opt(year, 1 + (i % 12) as u32, 1 + (i % 27) as u32).unwrap();
        let url = format!(
            "http://english.jinan.gov.cn/art/{year}/1/1/art_30173_{}.html",
            100 + i
        );
        let body = format!(
            "Jinan is known as the city of springs. Article number {i} describes the Baotu springs \
             and a delegation from Kharkiv.\n\nThe sister city exchange began in {year}."
        );
        docs.push(doc(
            &url,
            &format!("Springs of Jinan, part {i}"),
            date,
            COLUMNS[i % 3],
            Lang::En,
            &body,
        ));
    }
    docs.push(doc(
        "http://english.jinan.gov.cn/art/2019/6/6/art_30173_666.html",
        HOSTILE_TITLE,
        NaiveDate::from_ymd_opt(2019, 6, 6).unwrap(),
        "Zoom In",
        Lang::En,
        "A springs festival with <b>bold</b> & \"quoted\" text and <script>alert(1)</script> in the body.",
    ));
    for i in 0..YOUHAO_HITS {
        let year = 2016 + (i % 4) as i32;
        let date = NaiveDate::from_ymd_opt(year, 3, 1 + i as u32).unwrap();
        let url = format!(
            "http://english.jinan.gov.cn/art/{year}/3/1/art_30180_{}.html",
            500 + i
        );
        let body = format!(
            "济南与哈尔科夫是友好城市。第{i}篇文章介绍泉城济南的国际交流。\n\n代表团参观了趵突泉。"
        );
        docs.push(doc(
            &url,
            &format!("济南国际友好城市交流 {i}"),
            date,
            "Sisterly Jinan",
            Lang::Zh,
            &body,
        ));
    }
    docs.push(doc(
        DELETED_URL,
        "Removed notice about a marathon",
        NaiveDate::from_ymd_opt(2016, 3, 1).unwrap(),
        "Best Urban Life",
        Lang::En,
        "The marathon route passes the lake.",
    ));
    docs
}

/// Writes `docs` into the index in `dir` (one commit) and marks [`DELETED_URL`] deleted.
pub fn write_index(dir: &Path, docs: &[Document]) {
    let mut w = Writer::open(dir).expect("open writer");
    for d in docs {
        w.upsert(d).expect("upsert");
    }
    w.commit("{\"test\":1}").expect("commit");
    if docs.iter().any(|d| d.article.url == DELETED_URL) {
        assert!(w
            .mark_deleted(
                DELETED_URL,
                Utc.with_ymd_and_hms(2024, 6, 1, 0, 0, 0).unwrap()
            )
            .expect("delete"));
        w.commit("{\"test\":2}").expect("commit");
    }
}

pub fn stats_fn() -> StatsFn {
    Arc::new(|| Ok(serde_json::json!({"crawl": {"pages_fetched": 3}, "index": {"articles": 37}})))
}

/// A temp dir with the fixture index, and the app over it.
pub fn fixture() -> (tempfile::TempDir, AppState) {
    let dir = tempfile::tempdir().unwrap();
    write_index(dir.path(), &documents());
    let state = AppState::new(dir.path(), stats_fn());
    (dir, state)
}

pub struct Answer {
    pub status: StatusCode,
    pub content_type: String,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:.300}", self.body))
    }
}

/// GET `uri` through the router, no socket.
pub async fn get(state: &AppState, uri: &str) -> Answer {
    send(state, Request::get(uri).body(Body::empty()).unwrap()).await
}

pub async fn send(state: &AppState, req: Request<Body>) -> Answer {
    let res = app(state.clone()).oneshot(req).await.unwrap();
    let status = res.status();
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = axum::body::to_bytes(res.into_body(), 64 * 1024 * 1024)
        .await
        .unwrap();
    Answer {
        status,
        content_type,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// Percent-encodes a query parameter value.
pub fn enc(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).unwrap()[1..].to_string()
}
