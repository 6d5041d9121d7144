//! Every route through `oneshot`, the page's content and escaping, and live index changes.

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use chrono::NaiveDate;
use jinan_types::{Lang, SearchResults};

use crate::common::*;

#[tokio::test]
async fn healthz() {
    let (_dir, st) = fixture();
    let a = get(&st, "/healthz").await;
    assert_eq!((a.status, a.body.as_str()), (StatusCode::OK, "ok"));
}

#[tokio::test]
async fn search_json_matches_the_contract() {
    let (_dir, st) = fixture();
    let a = get(&st, "/api/search?q=springs&limit=5&offset=5").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert!(a.content_type.starts_with("application/json"));
    let v = a.json();
    for key in ["query", "total", "offset", "limit", "hits"] {
        assert!(v.get(key).is_some(), "missing {key}: {v}");
    }
    let r: SearchResults = serde_json::from_value(v).unwrap();
    assert_eq!(
        (r.query.as_str(), r.total, r.offset, r.limit, r.hits.len()),
        ("springs", SPRINGS_HITS, 5, 5, 5)
    );
    for h in &r.hits {
        assert!(h.snippet.contains("<b>"), "no highlight in {:?}", h.snippet);
        assert!(
            !h.snippet.contains("<script"),
            "unescaped snippet {:?}",
            h.snippet
        );
    }
    // The same request through the shared parser answers the same as the library directly.
    let params = jinan_index::SearchParams {
        q: Some("springs".into()),
        limit: Some("5".into()),
        offset: Some("5".into()),
        ..Default::default()
    };
    let req = jinan_index::search_request(&params).unwrap();
    let direct = jinan_index::Searcher::open(_dir.path())
        .unwrap()
        .search(&req)
        .unwrap();
    assert_eq!(
        direct.hits.iter().map(|h| &h.url).collect::<Vec<_>>(),
        r.hits.iter().map(|h| &h.url).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn search_filters_sort_and_live() {
    let (_dir, st) = fixture();
    let r: SearchResults = get(
        &st,
        &format!("/api/search?q={}&lang=zh&limit=100", enc("友好城市")),
    )
    .await
    .json()
    .pipe(from);
    assert_eq!(r.total, YOUHAO_HITS);
    assert!(r
        .hits
        .iter()
        .all(|h| h.lang == Lang::Zh && h.snippet.contains("<b>")));

    let r: SearchResults = get(
        &st,
        "/api/search?q=springs&from=2017-01-01&to=2018-12-31&limit=100",
    )
    .await
    .json()
    .pipe(from);
    assert!(r.total > 0 && r.total < SPRINGS_HITS, "{}", r.total);
    let (lo, hi) = (
        NaiveDate::from_ymd_opt(2017, 1, 1),
        NaiveDate::from_ymd_opt(2018, 12, 31),
    );
    assert!(r.hits.iter().all(|h| h.date >= lo && h.date <= hi));

    let r: SearchResults = get(&st, "/api/search?q=springs&sort=date&limit=100")
        .await
        .json()
        .pipe(from);
    let dates: Vec<_> = r.hits.iter().map(|h| h.date).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted, "sort=date is newest first");

    let r: SearchResults = get(
        &st,
        &format!("/api/search?q=springs&column={}", enc("Zoom In")),
    )
    .await
    .json()
    .pipe(from);
    assert!(
        r.total > 0
            && r.hits
                .iter()
                .all(|h| h.column.as_deref() == Some("Zoom In"))
    );

    let all: SearchResults = get(&st, "/api/search?q=marathon").await.json().pipe(from);
    assert_eq!(all.total, 1);
    assert!(all.hits[0].deleted_at.is_some());
    let live: SearchResults = get(&st, "/api/search?q=marathon&live=true")
        .await
        .json()
        .pipe(from);
    assert_eq!(live.total, 0);
}

#[tokio::test]
async fn unparsable_query_is_400() {
    let (_dir, st) = fixture();
    for q in ["\"unbalanced", "(springs", "title:", "NOT"] {
        let a = get(&st, &format!("/api/search?q={}", enc(q))).await;
        // Either the index reads it leniently (200) or refuses it as the user's error (400).
        assert!(
            a.status == StatusCode::OK || a.status == StatusCode::BAD_REQUEST,
            "{q}: {}",
            a.status
        );
        let v = a.json();
        if a.status == StatusCode::BAD_REQUEST {
            assert!(v["error"].as_str().is_some_and(|e| !e.is_empty()), "{v}");
        }
    }
}

#[tokio::test]
async fn article_and_404() {
    let (_dir, st) = fixture();
    let a = get(&st, &format!("/api/article?url={}", enc(DELETED_URL))).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let v = a.json();
    assert_eq!(v["url"], DELETED_URL);
    assert_eq!(v["title"], "Removed notice about a marathon");
    assert_eq!(v["date"], "2016-03-01");
    assert_eq!(v["column"], "Best Urban Life");
    assert_eq!(v["lang"], "en");
    assert!(v["body"].as_str().unwrap().contains("marathon route"));
    assert!(v["deleted_at"].is_string());
    // Spelled as `history` accepts it: upper-case scheme and host, a fragment.
    let upper = DELETED_URL.replacen("http://english", "HTTP://ENGLISH", 1) + "#comments";
    let a = get(&st, &format!("/api/article?url={}", enc(&upper))).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.json()["url"], DELETED_URL);

    let a = get(
        &st,
        &format!(
            "/api/article?url={}",
            enc("http://english.jinan.gov.cn/nope.html")
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(a.json()["code"], "not_found");
    let a = get(&st, "/api/article").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.json()["error"].as_str().unwrap().contains("url"));
    let a = get(&st, "/no/such/route").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert!(a.json()["error"].is_string());
}

#[tokio::test]
async fn stats_route() {
    let (_dir, st) = fixture();
    let a = get(&st, "/api/stats").await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json()["crawl"]["pages_fetched"], 3);

    let broken = jinan_server::AppState {
        stats: std::sync::Arc::new(|| Err("corpus gone".into())),
        ..st
    };
    let a = get(&broken, "/api/stats").await;
    assert_eq!(a.status, StatusCode::INTERNAL_SERVER_ERROR);
    let v = a.json();
    assert!(
        !v["error"].as_str().unwrap().contains("corpus gone"),
        "internal detail leaked: {v}"
    );
}

#[tokio::test]
async fn no_index_yet_is_503_then_appears() {
    let dir = tempfile::tempdir().unwrap();
    let st = jinan_server::AppState::new(dir.path(), stats_fn());
    let a = get(&st, "/api/search?q=springs").await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{}", a.body);
    assert!(a.json()["error"].as_str().unwrap().contains("jinan index"));
    // A probe hears of it too: no "ok" without an index.
    let health = get(&st, "/healthz").await;
    assert_eq!(
        health.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        health.body
    );
    assert!(health.json()["error"]
        .as_str()
        .unwrap()
        .contains("no index"));
    let page = get(&st, "/").await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.body.contains("jinan index"));

    write_index(dir.path(), &documents());
    let a = get(&st, "/api/search?q=springs").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(get(&st, "/healthz").await.status, StatusCode::OK);
}

#[tokio::test]
async fn new_commits_and_rebuilds_are_served_without_restart() {
    let (dir, st) = fixture();
    let count = |st: jinan_server::AppState, q: &'static str| async move {
        let a = get(&st, &format!("/api/search?q={q}")).await;
        assert_eq!(
            a.status,
            StatusCode::OK,
            "a request failed during the change: {}",
            a.body
        );
        a.json()["total"].as_u64().unwrap()
    };
    assert_eq!(count(st.clone(), "zeppelin").await, 0);

    // A new commit to the live generation.
    let d = commit_one(
        dir.path(),
        "http://english.jinan.gov.cn/art/2021/1/1/art_1_1.html",
        "Zeppelin over Daming Lake",
        "A zeppelin flew over the lake.",
    );
    wait_for(&st, "zeppelin", 1, count).await;

    // A rebuild: a new generation with different content, swapped in.
    let mut w = jinan_index::Writer::create_next(dir.path()).unwrap();
    let mut d2 = d.clone();
    d2.article.url = "http://english.jinan.gov.cn/art/2021/1/2/art_1_2.html".into();
    d2.id = jinan_types::article_id(&d2.article.url);
    d2.article.body = "Only a quokka lives in the rebuilt index.".into();
    w.upsert(&d2).unwrap();
    w.commit("{}").unwrap();
    w.publish().unwrap();
    wait_for(&st, "quokka", 1, count).await;
    assert_eq!(
        count(st.clone(), "springs").await,
        0,
        "the old generation is still served"
    );
}

/// Adds one English "Zoom In" article dated 2021-01-01 to the live generation and commits it.
fn commit_one(dir: &std::path::Path, url: &str, title: &str, body: &str) -> jinan_types::Document {
    let mut w = jinan_index::Writer::open(dir).unwrap();
    let d = doc(
        url,
        title,
        NaiveDate::from_ymd_opt(2021, 1, 1).unwrap(),
        "Zoom In",
        Lang::En,
        body,
    );
    w.upsert(&d).unwrap();
    w.commit("{}").unwrap();
    d
}

/// Polls until `q` has `want` hits. The refresh pace is [`jinan_server::REFRESH_EVERY`]; the
/// generous deadline only stops a broken build from hanging (speed is measured in benchmarks).
async fn wait_for<F, Fut>(st: &jinan_server::AppState, q: &'static str, want: u64, count: F)
where
    F: Fn(jinan_server::AppState, &'static str) -> Fut,
    Fut: std::future::Future<Output = u64>,
{
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if count(st.clone(), q).await == want {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the server never picked up the change for {q:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn page_shows_form_hits_chart_and_paging() {
    let (_dir, st) = fixture();
    let empty = get(&st, "/").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.content_type.starts_with("text/html"));
    assert!(empty.body.contains("name=\"q\""));
    assert!(
        empty.body.contains("<option value=\"Zoom In\""),
        "columns listed"
    );

    let a = get(&st, "/?q=springs").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let b = &a.body;
    assert_eq!(b.matches("class=\"hit\"").count(), 10);
    assert!(b.contains(&format!("{SPRINGS_HITS} articles match")));
    assert!(b.contains("<b>"), "highlighted snippet");
    assert!(b.contains("<svg") && b.contains("<rect"), "year chart");
    for y in 2015..=2020 {
        assert!(b.contains(&format!(">{y}</text>")), "year {y} in chart");
    }
    assert!(
        b.contains("href=\"/?q=springs&amp;page=2&amp;ui=en\""),
        "next page link"
    );
    assert!(
        b.contains("href=\"http://english.jinan.gov.cn/art/"),
        "link to the original"
    );

    let p3 = get(&st, "/?q=springs&page=3").await;
    assert_eq!(p3.body.matches("class=\"hit\"").count(), SPRINGS_HITS - 20);
    assert!(p3.body.contains("start=\"21\""));

    let del = get(&st, "/?q=marathon").await;
    assert!(del.body.contains("class=\"deleted\""), "deleted mark");
    let bad = get(&st, "/?q=springs&page=0").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("page must be"));
    let bad = get(&st, "/?q=springs&from=2019-02-30").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("from must be a date"));
}

#[tokio::test]
async fn page_escapes_titles() {
    let (_dir, st) = fixture();
    let a = get(&st, "/?q=festival").await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(
        !a.body.contains("<script"),
        "a <script> tag reached the page"
    );
    assert!(!a.body.contains("<img"), "an <img> tag reached the page");
    assert!(a
        .body
        .contains("&lt;script&gt;window.__pwned=1&lt;/script&gt;"));
    // The query itself is echoed escaped too.
    let a = get(&st, &format!("/?q={}", enc("\"><script>alert(1)</script>"))).await;
    assert!(!a.body.contains("<script"));
}

fn from(v: serde_json::Value) -> SearchResults {
    serde_json::from_value(v).unwrap()
}

trait Pipe: Sized {
    fn pipe<T>(self, f: impl FnOnce(Self) -> T) -> T {
        f(self)
    }
}
impl<T> Pipe for T {}

#[tokio::test]
async fn repeated_searches_are_answered_from_the_cache_until_the_index_changes() {
    let (dir, st) = fixture();
    assert!(st.cache.is_empty());
    let first = get(&st, "/api/search?q=springs&limit=3").await;
    assert_eq!(first.status, StatusCode::OK);
    let n = st.cache.len();
    assert_eq!(n, 1, "the answer is kept");
    // The same search spelled differently is the same entry and the same bytes.
    let again = get(&st, "/api/search?limit=3&q=springs&offset=0").await;
    assert_eq!(again.body, first.body);
    assert_eq!(again.content_type, first.content_type);
    assert_eq!(st.cache.len(), n);
    let page = get(&st, "/?q=springs").await;
    assert_eq!(get(&st, "/?q=springs").await.body, page.body);
    assert_eq!(st.cache.len(), n + 1, "the page is kept too");
    // Errors are not kept.
    assert_eq!(
        get(&st, "/api/search?q=%22open").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        get(&st, "/?q=springs&page=0").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(st.cache.len(), n + 1);

    // A commit that changes the answer: after the next refresh the new answer is served.
    commit_one(
        dir.path(),
        "http://english.jinan.gov.cn/art/2021/1/3/art_1_3.html",
        "Springs in winter",
        "The springs steam in winter.",
    );
    let before = first.json()["total"].as_u64().unwrap();
    let count = |st: jinan_server::AppState, q: &'static str| async move {
        get(&st, &format!("/api/search?q={q}&limit=3")).await.json()["total"]
            .as_u64()
            .unwrap()
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while count(st.clone(), "springs").await != before + 1 {
        assert!(
            Instant::now() < deadline,
            "the cached answer outlived the index"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
