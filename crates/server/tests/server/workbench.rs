//! The workbench parts of the page and API on the fixture index: facets beside the hits, the
//! download links, the trend page and `/api/trend`, the feed, more like this, and the page in
//! both languages (chosen by `Accept-Language` or `ui=`, kept in every link).

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;

use crate::common::*;

async fn get_lang(st: &jinan_server::AppState, uri: &str, accept: &str) -> Answer {
    send(
        st,
        Request::get(uri)
            .header("accept-language", accept)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

/// Visible words of the English interface that must not appear on the Chinese page.
const ENGLISH_UI: &[&str] = &[
    ">Search<",
    "All columns",
    "Newest first",
    "Relevance",
    "Hide deleted",
    "articles match",
    "showing",
    "Next ›",
    "Matching articles per year",
    "Narrow the results",
    "Download all results",
    ">Trends<",
    ">similar<",
    "Columns",
    "Languages",
    "Years",
];

#[tokio::test]
async fn page_in_chinese_by_header_and_by_switch() {
    let (_dir, st) = fixture();
    let zh = get_lang(&st, "/?q=springs", "zh-CN,zh;q=0.9,en;q=0.5").await;
    assert_eq!(zh.status, StatusCode::OK);
    let b = &zh.body;
    assert!(b.contains("<html lang=\"zh-CN\">"), "{b:.300}");
    assert!(b.contains(&format!("共 {SPRINGS_HITS} 篇文章匹配")), "{b}");
    for en in ENGLISH_UI {
        assert!(!b.contains(en), "English {en:?} on the Chinese page");
    }
    // Dates are written the Chinese way; every link keeps the language.
    assert!(b.contains("年") && b.contains("月") && b.contains("日</time>"));
    assert!(b.contains("&amp;ui=zh\""), "links keep ui=zh");
    assert!(
        b.contains("name=\"ui\" value=\"zh\""),
        "the form keeps ui=zh"
    );
    assert!(b.contains("Noto Sans CJK SC"), "a CJK font stack");
    // The switch leads to the English page, whatever the header says.
    assert!(b.contains("hreflang=\"en\""));
    let en = get_lang(&st, "/?q=springs&ui=en", "zh-CN").await;
    assert!(en.body.contains("<html lang=\"en\">"));
    assert!(en.body.contains(&format!("{SPRINGS_HITS} articles match")));
    assert!(en.body.contains("&amp;ui=en\""));
    let plain = get(&st, "/?q=springs").await;
    assert!(
        plain.body.contains("<html lang=\"en\">"),
        "English without a header"
    );
    // The empty page and the trend page are translated too.
    let home = get_lang(&st, "/", "zh").await;
    assert!(home.body.contains("可输入中文或英文") && !home.body.contains("Type words"));
    let trend = get_lang(&st, "/trend?q=springs", "zh").await;
    assert!(trend.body.contains("趋势") && !trend.body.contains("Queries"));
}

#[tokio::test]
async fn page_shows_facets_as_links_and_download_links() {
    let (_dir, st) = fixture();
    let a = get(&st, "/?q=springs").await;
    let b = &a.body;
    assert!(b.contains("<aside class=\"facets\""), "{b}");
    // Counts of the query's hits: 23 English "springs" articles over 3 columns, and the hostile one.
    let api = get(&st, "/api/search?q=springs&facets=1").await.json();
    let columns = api["facets"]["column"].as_array().unwrap();
    assert_eq!(
        columns
            .iter()
            .map(|c| c["count"].as_u64().unwrap())
            .sum::<u64>(),
        SPRINGS_HITS as u64
    );
    for c in columns {
        let name = c["value"].as_str().unwrap();
        let href = format!("/?q=springs&amp;column={}&amp;ui=en", enc(name));
        assert!(b.contains(&href), "no facet link {href}");
    }
    assert!(b.contains("href=\"/?q=springs&amp;lang=en&amp;ui=en\""));
    assert!(b.contains("href=\"/?q=springs&amp;from=2015-01-01&amp;to=2015-12-31&amp;ui=en\""));
    // Following a facet link narrows the hits and marks the facet as the one in force.
    let narrowed = get(&st, "/?q=springs&column=Zoom+In&ui=en").await;
    assert!(narrowed.body.contains("<li class=\"on\">"));
    let n = columns.iter().find(|c| c["value"] == "Zoom In").unwrap()["count"]
        .as_u64()
        .unwrap();
    assert!(narrowed.body.contains(&format!("{n} articles match")));
    // Download links: every hit as CSV and JSON Lines, through /api/export.
    assert!(
        b.contains("href=\"/api/export?q=springs&amp;format=csv\""),
        "{b}"
    );
    let csv = get(&st, "/api/export?q=springs&format=csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.content_type.starts_with("text/csv"));
    assert_eq!(csv.body.lines().count(), SPRINGS_HITS + 1);
    assert!(csv
        .body
        .starts_with("url,title,date,column,lang,score,deleted_at,snippet\n"));
    let jsonl = get(&st, "/api/export?q=springs").await;
    assert_eq!(jsonl.body.lines().count(), SPRINGS_HITS);
    let bad = get(&st, "/api/export?q=springs&format=xml").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let bad = get(&st, "/api/export?q=(").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn trend_api_and_page() {
    let (_dir, st) = fixture();
    let a = get(
        &st,
        &format!("/api/trend?q=springs&q={}&interval=year", enc("友好城市")),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let v: Value = a.json();
    assert_eq!(v["interval"], "year");
    let series = v["series"].as_array().unwrap();
    assert_eq!(series.len(), 2);
    let springs: u64 = series[0]["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["count"].as_u64().unwrap())
        .sum();
    assert_eq!(springs, SPRINGS_HITS as u64);
    let youhao: u64 = series[1]["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["count"].as_u64().unwrap())
        .sum();
    assert_eq!(youhao, YOUHAO_HITS as u64);
    let all: u64 = series[0]["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["total"].as_u64().unwrap())
        .sum();
    assert_eq!(all, documents().len() as u64);
    for p in series[0]["points"].as_array().unwrap() {
        let (c, t) = (p["count"].as_f64().unwrap(), p["total"].as_f64().unwrap());
        assert!((p["share"].as_f64().unwrap() - if t > 0.0 { c / t } else { 0.0 }).abs() < 1e-12);
    }
    let csv = get(&st, "/api/trend?q=springs&format=csv").await;
    assert!(csv.body.starts_with("query,period,count,total,share\n"));
    assert_eq!(get(&st, "/api/trend").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        get(&st, "/api/trend?q=x&interval=week").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        get(&st, "/api/trend?q=x&column=Nope").await.status,
        StatusCode::BAD_REQUEST
    );

    let page = get(
        &st,
        &format!("/trend?q=springs&q={}&show=share", enc("友好城市")),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body.matches("<polyline").count(), 2, "{}", page.body);
    assert!(page.body.contains("href=\"/api/trend?q=springs&amp;q=%E5%8F%8B%E5%A5%BD%E5%9F%8E%E5%B8%82&amp;format=csv\""), "{}", page.body);
    assert!(page.body.contains("Share of all articles"));
}

#[tokio::test]
async fn feed_similar_and_unknown_columns() {
    let (_dir, st) = fixture();
    let f = get(&st, "/feed?q=springs").await;
    assert_eq!(f.status, StatusCode::OK);
    assert!(f.content_type.starts_with("application/atom+xml"));
    assert_eq!(f.body.matches("<entry>").count(), SPRINGS_HITS);
    assert!(!f.body.contains("<script>"), "titles are escaped");
    let s = get(
        &st,
        &format!(
            "/api/similar?url={}",
            enc("http://english.jinan.gov.cn/art/2016/1/1/art_30173_101.html")
        ),
    )
    .await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.body);
    let v = s.json();
    assert!(!v["hits"].as_array().unwrap().is_empty());
    assert!(v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["url"] != "http://english.jinan.gov.cn/art/2016/1/1/art_30173_101.html"));
    let page = get(
        &st,
        &format!(
            "/similar?url={}&ui=zh",
            enc("http://english.jinan.gov.cn/art/2016/1/1/art_30173_101.html")
        ),
    )
    .await;
    assert!(page.body.contains("相似文章"));
    let bad = get(&st, "/api/search?q=springs&column=Nope").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("Sisterly Jinan"), "{}", bad.body);
}
