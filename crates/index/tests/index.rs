//! End-to-end tests of the library: writer, generations, search language, filters, snippets,
//! relevance over a small bilingual article set.

use std::path::Path;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use jinan_index::{Error, Searcher, Writer, WriterOptions};
use jinan_types::{article_id, Article, Document, Lang, SearchRequest, Sort};

const SMALL: WriterOptions = WriterOptions {
    heap_bytes: 15_000_000,
    threads: 1,
};

fn t(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 1, day, 12, 0, 0).unwrap()
}

fn doc(
    url: &str,
    title: &str,
    body: &str,
    date: Option<&str>,
    column: Option<&str>,
    lang: Lang,
) -> Document {
    Document {
        id: article_id(url),
        article: Article {
            url: url.into(),
            title: title.into(),
            date: date.map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap()),
            source: Some("english.jinan.gov.cn".into()),
            column: column.map(str::to_string),
            lang,
            body: body.into(),
        },
        captured_at: t(1),
        deleted_at: None,
        digest: Some("sha1:ABC".into()),
    }
}

fn u(n: u32) -> String {
    format!("http://english.jinan.gov.cn/art/2018/11/19/art_30173_{n}.html")
}

/// A small bilingual set with planted terms. Returns the documents.
fn corpus() -> Vec<Document> {
    vec![
        doc(&u(1), "Jinan and Kharkiv sign sister city agreement",
            "A delegation from Kharkiv, Ukraine, visited Jinan on Monday. The two cities became sister cities in 2018.\n\nBoth mayors spoke.",
            Some("2018-11-19"), Some("Sisterly Jinan"), Lang::En),
        doc(&u(2), "Kfar Saba delegations tour the springs",
            "Delegations from Kfar Saba, Israel, toured Baotu Spring. The visitors praised the Spring City.",
            Some("2019-05-02"), Some("Sisterly Jinan"), Lang::En),
        doc(&u(3), "Winter in the city",
            "The city welcomed a sister of the famous painter. Snow covered Daming Lake.",
            Some("2020-01-10"), Some("Loving Jinan"), Lang::En),
        doc(&u(4), "济南与哈尔科夫结为友好城市",
            "2018年，济南市与乌克兰哈尔科夫市正式结为友好城市。双方代表团互访。",
            Some("2018-11-20"), Some("国际友城"), Lang::Zh),
        doc(&u(5), "泉城的春天",
            "泉城济南的春天很美。趵突泉边新开的泉韵楼阁吸引了很多游客。我们建立友好城市关系已有多年。",
            Some("2021-04-01"), Some("Loving Jinan"), Lang::Zh),
        doc(&u(6), "High-tech zone news",
            "The zyxqwerty project in the Jinan High-tech Zone opened. Investment reached 2 billion yuan.",
            Some("2022-07-15"), Some("A World City"), Lang::En),
        doc(&u(7), "Undated notice", "A notice about the Spring Festival without any date.", None, None, Lang::En),
    ]
}

fn build(dir: &Path) -> Writer {
    let mut w = Writer::open_with(dir, SMALL).unwrap();
    for d in corpus() {
        w.upsert(&d).unwrap();
    }
    w.commit("{\"cursor\":1}").unwrap();
    w
}

fn req(q: &str) -> SearchRequest {
    SearchRequest::new(q)
}

fn urls(s: &Searcher, r: &SearchRequest) -> Vec<String> {
    let mut v: Vec<String> = s
        .search(r)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.url)
        .collect();
    v.sort();
    v
}

fn found(s: &Searcher, q: &str) -> Vec<String> {
    urls(s, &req(q))
}

fn set(ns: &[u32]) -> Vec<String> {
    let mut v: Vec<String> = ns.iter().map(|n| u(*n)).collect();
    v.sort();
    v
}

#[test]
fn relevance_over_a_bilingual_set() {
    let dir = tempfile::tempdir().unwrap();
    let _w = build(dir.path());
    let s = Searcher::open(dir.path()).unwrap();
    // planted rare term, English stemming, case
    assert_eq!(found(&s, "zyxqwerty"), set(&[6]));
    assert_eq!(found(&s, "ZYXQWERTY"), set(&[6]));
    assert_eq!(found(&s, "delegations"), set(&[1, 2]));
    assert_eq!(found(&s, "delegation"), set(&[1, 2]));
    // AND by default, phrases exact
    assert_eq!(found(&s, "sister city"), set(&[1, 3]));
    assert_eq!(found(&s, "\"sister city\""), set(&[1]));
    assert_eq!(found(&s, "\"Kfar Saba\""), set(&[2]));
    assert_eq!(found(&s, "Kharkiv"), set(&[1]));
    // punctuation does not break phrases
    assert_eq!(found(&s, "\"Kharkiv Ukraine\""), set(&[1]));
    assert_eq!(found(&s, "\"high tech zone\""), set(&[6]));
    // OR, NOT, -
    assert_eq!(found(&s, "Kharkiv OR zyxqwerty"), set(&[1, 6]));
    assert_eq!(found(&s, "delegation -Israel"), set(&[1]));
    assert_eq!(found(&s, "delegation NOT Israel"), set(&[1]));
    assert_eq!(found(&s, "(Kharkiv OR Kfar) -Ukraine"), set(&[2]));
    // fields
    assert_eq!(found(&s, "title:city"), set(&[1, 3]));
    assert_eq!(found(&s, "body:agreement"), Vec::<String>::new());
    assert_eq!(found(&s, "title:agreement"), set(&[1]));
    // prefix, including a prefix longer than the indexed stem
    assert_eq!(found(&s, "deleg*"), set(&[1, 2]));
    assert_eq!(found(&s, "delegat*"), set(&[1, 2]));
    assert_eq!(found(&s, "Khar*"), set(&[1]));
    // Chinese: words whatever their segmentation, user dictionary words, rare compounds
    assert_eq!(found(&s, "友好城市"), set(&[4, 5]));
    assert_eq!(found(&s, "泉城"), set(&[5]));
    assert_eq!(found(&s, "趵突泉"), set(&[5]));
    assert_eq!(found(&s, "泉韵楼"), set(&[5]));
    assert_eq!(found(&s, "哈尔科夫"), set(&[4]));
    assert_eq!(found(&s, "\"结为友好城市\""), set(&[4]));
    assert_eq!(found(&s, "友好城市 -乌克兰"), set(&[5]));
    // numbers are kept
    assert_eq!(found(&s, "2018"), set(&[1, 4]));
    // text that is not in the index finds nothing
    assert!(found(&s, "大汉网络").is_empty());
    // the exact title outranks a body-only mention
    let r = s.search(&req("Kharkiv agreement OR Kharkiv")).unwrap();
    assert_eq!(r.hits[0].url, u(1));
}

/// `A -P` is exactly the hits of `A` without the hits of `P`, for phrases (quoted, and Chinese
/// words that analyze to several tokens) whose first match lies before, at and after the
/// candidates': the shape that tripped tantivy's debug assertion (see Cargo.toml).
#[test]
fn negated_phrases_exclude_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let _w = build(dir.path());
    let s = Searcher::open(dir.path()).unwrap();
    assert_eq!(found(&s, "city -\"Spring City\""), set(&[1, 3]));
    let pairs = [
        ("city", "\"Spring City\""),
        ("city", "\"sister city\""),
        ("city", "\"Daming Lake\""),
        ("the", "\"no such phrase here\""),
        ("友好城市", "哈尔科夫市"),
        ("友好城市", "\"泉城济南\""),
        ("城市", "市AND"),
        ("(Jinan OR 济南)", "\"High-tech Zone\""),
    ];
    for (a, p) in pairs {
        let all = found(&s, a);
        let minus = found(&s, p);
        let expected: Vec<String> = all.iter().filter(|u| !minus.contains(u)).cloned().collect();
        assert_eq!(found(&s, &format!("{a} -{p}")), expected, "{a} -{p}");
        assert_eq!(found(&s, &format!("{a} NOT {p}")), expected, "{a} NOT {p}");
    }
}

#[test]
fn filters_sort_paging_and_total() {
    let dir = tempfile::tempdir().unwrap();
    let _w = build(dir.path());
    let s = Searcher::open(dir.path()).unwrap();
    let mut r = req("jinan OR 济南 OR spring OR winter");
    let all = s.search(&r).unwrap();
    assert_eq!(all.total, 7, "{all:?}");
    r.from = NaiveDate::from_ymd_opt(2018, 11, 20);
    r.to = NaiveDate::from_ymd_opt(2021, 4, 1);
    assert_eq!(urls(&s, &r), set(&[2, 3, 4, 5]), "inclusive on both ends");
    r.column = Some("Loving Jinan".into());
    assert_eq!(urls(&s, &r), set(&[3, 5]));
    r.column = None;
    r.lang = Some(Lang::Zh);
    assert_eq!(urls(&s, &r), set(&[4, 5]));

    // sort by date, newest first, paged
    let mut r = req("*");
    r.sort = Sort::Date;
    r.limit = 2;
    let p1 = s.search(&r).unwrap();
    assert_eq!(p1.total, 7);
    assert_eq!(
        p1.hits.iter().map(|h| h.url.clone()).collect::<Vec<_>>(),
        vec![u(6), u(5)]
    );
    r.offset = 2;
    let p2 = s.search(&r).unwrap();
    assert_eq!(
        p2.hits.iter().map(|h| h.url.clone()).collect::<Vec<_>>(),
        vec![u(3), u(2)]
    );
    assert_eq!(p2.offset, 2);
    assert_eq!(p2.limit, 2);

    // bad filters and paging are user errors
    let mut bad = req("jinan");
    bad.from = NaiveDate::from_ymd_opt(2020, 1, 1);
    bad.to = NaiveDate::from_ymd_opt(2019, 1, 1);
    assert!(s.search(&bad).unwrap_err().is_user_error());
    let mut bad = req("jinan");
    bad.limit = 1000;
    assert!(s.search(&bad).unwrap_err().is_user_error());
}

#[test]
fn query_errors_are_user_errors() {
    let dir = tempfile::tempdir().unwrap();
    let _w = build(dir.path());
    let s = Searcher::open(dir.path()).unwrap();
    for q in [
        "",
        "\"sister",
        "(a",
        "a)",
        "OR",
        "a OR",
        "foo:bar",
        "NOT",
        "...",
        &"x ".repeat(jinan_types::MAX_QUERY_BYTES / 2 + 1),
    ] {
        let e = s.search(&req(q)).unwrap_err();
        assert!(matches!(e, Error::Query(_)), "{q:?}: {e}");
        assert!(e.is_user_error());
    }
}

#[test]
fn hits_carry_snippets_and_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let _w = build(dir.path());
    let s = Searcher::open(dir.path()).unwrap();
    let r = s.search(&req("delegations")).unwrap();
    let h = r.hits.iter().find(|h| h.url == u(1)).unwrap();
    assert!(h.snippet.contains("<b>delegation</b>"), "{}", h.snippet);
    assert_eq!(h.date, NaiveDate::from_ymd_opt(2018, 11, 19));
    assert_eq!(h.column.as_deref(), Some("Sisterly Jinan"));
    assert!(h.score > 0.0);
    let r = s.search(&req("友好城市")).unwrap();
    for h in &r.hits {
        assert!(h.snippet.contains("<b>友好城市</b>"), "{}", h.snippet);
    }
    // date sort still reports a relevance score
    let mut d = req("delegation");
    d.sort = Sort::Date;
    assert!(s.search(&d).unwrap().hits.iter().all(|h| h.score > 0.0));
    let json = serde_json::to_value(s.search(&req("Kharkiv")).unwrap()).unwrap();
    assert_eq!(json["total"], 1);
    assert_eq!(json["hits"][0]["date"], "2018-11-19");
    assert_eq!(json["hits"][0]["deleted_at"], serde_json::Value::Null);
}

#[test]
fn upsert_replaces_by_url() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = build(dir.path());
    let mut d = corpus().remove(0);
    d.article.body = "Replaced text about quokkas.".into();
    w.upsert(&d).unwrap();
    w.upsert(&d).unwrap();
    w.commit("p2").unwrap();
    let s = Searcher::open(dir.path()).unwrap();
    assert_eq!(found(&s, "quokkas"), set(&[1]));
    assert!(found(&s, "Monday").is_empty());
    assert_eq!(s.stats().unwrap().articles, 7);
    assert_eq!(s.documents().unwrap().len(), 7);
    assert_eq!(s.article(&u(1)).unwrap().unwrap(), d);
    assert_eq!(s.article("http://nowhere/").unwrap(), None);
}

#[test]
fn a_rebuild_keeps_one_document_per_url_across_its_commits() {
    // A fresh generation skips the delete for URLs it has not written yet: the same URL written
    // again, before or after a commit, or by a writer reopened on it, must still replace.
    let dir = tempfile::tempdir().unwrap();
    drop(build(dir.path()));
    let mut w = Writer::create_next_with(dir.path(), SMALL).unwrap();
    let mut d = corpus().remove(0);
    w.upsert(&d).unwrap();
    d.article.body = "Second version about wombats.".into();
    w.upsert(&d).unwrap();
    w.commit("c1").unwrap();
    d.article.body = "Third version about quokkas.".into();
    w.upsert(&d).unwrap();
    for other in corpus().into_iter().skip(1) {
        w.upsert(&other).unwrap();
    }
    w.commit("c2").unwrap();
    w.publish().unwrap();
    let mut w = Writer::open_with(dir.path(), SMALL).unwrap();
    d.article.body = "Fourth version about numbats.".into();
    w.upsert(&d).unwrap();
    w.commit("c3").unwrap();
    let s = Searcher::open(dir.path()).unwrap();
    assert_eq!(s.documents().unwrap().len(), 7);
    assert_eq!(found(&s, "numbats"), set(&[1]));
    assert!(found(&s, "quokkas").is_empty() && found(&s, "wombats").is_empty());
}

#[test]
fn mark_deleted_keeps_text_searchable() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = build(dir.path());
    assert!(w.mark_deleted(&u(6), t(5)).unwrap());
    assert!(!w
        .mark_deleted("http://english.jinan.gov.cn/unknown", t(5))
        .unwrap());
    // an article upserted in the same batch can be deleted too
    let fresh = doc(
        &u(9),
        "Fresh",
        "A fresh wombat article.",
        Some("2023-01-01"),
        None,
        Lang::En,
    );
    w.upsert(&fresh).unwrap();
    assert!(w.mark_deleted(&u(9), t(6)).unwrap());
    // a second deletion keeps the first date
    assert!(w.mark_deleted(&u(6), t(7)).unwrap());
    w.commit("p").unwrap();
    let s = Searcher::open(dir.path()).unwrap();
    let r = s.search(&req("zyxqwerty")).unwrap();
    assert_eq!(r.hits[0].deleted_at, Some(t(5)));
    assert_eq!(
        s.search(&req("wombat")).unwrap().hits[0].deleted_at,
        Some(t(6))
    );
    let mut live = req("zyxqwerty OR wombat OR Kharkiv");
    live.live = true;
    assert_eq!(urls(&s, &live), set(&[1]));
    let stats = s.stats().unwrap();
    assert_eq!((stats.articles, stats.deleted), (8, 2));
    assert_eq!(s.article(&u(6)).unwrap().unwrap().deleted_at, Some(t(5)));
}

#[test]
fn payload_round_trip_and_uncommitted_work_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    {
        let w = Writer::open_with(dir.path(), SMALL).unwrap();
        assert_eq!(w.payload(), None);
    }
    {
        let mut w = build(dir.path());
        assert_eq!(w.payload().as_deref(), Some("{\"cursor\":1}"));
        // written but never committed: as after a crash
        w.upsert(&doc(
            &u(8),
            "Lost",
            "uncommitted platypus",
            None,
            None,
            Lang::En,
        ))
        .unwrap();
    }
    let w = Writer::open_with(dir.path(), SMALL).unwrap();
    assert_eq!(w.payload().as_deref(), Some("{\"cursor\":1}"));
    drop(w);
    let s = Searcher::open(dir.path()).unwrap();
    assert!(found(&s, "platypus").is_empty());
    assert_eq!(s.stats().unwrap().articles, 7);
}

#[test]
fn new_generation_swaps_in_while_searches_continue() {
    let dir = tempfile::tempdir().unwrap();
    drop(build(dir.path()));
    let s = Searcher::open(dir.path()).unwrap();
    let stuck = Searcher::open(dir.path()).unwrap(); // never refreshed
    assert_eq!(s.generation(), "gen-1");
    assert!(!s.refresh().unwrap(), "nothing changed");

    let mut next = Writer::create_next_with(dir.path(), SMALL).unwrap();
    assert_eq!(next.generation(), "gen-2");
    next.upsert(&doc(
        &u(20),
        "Rebuilt",
        "Only the rebuilt index has narwhals.",
        None,
        None,
        Lang::En,
    ))
    .unwrap();
    next.commit("{\"cursor\":2}").unwrap();
    assert!(
        !s.refresh().unwrap(),
        "an unpublished generation is invisible"
    );
    assert!(found(&s, "narwhals").is_empty());
    next.publish().unwrap();
    // before refresh the old generation still answers
    assert_eq!(found(&s, "Kharkiv"), set(&[1]));
    assert!(s.refresh().unwrap());
    assert_eq!(s.generation(), "gen-2");
    assert_eq!(found(&s, "narwhals"), set(&[20]));
    assert!(found(&s, "Kharkiv").is_empty());

    // a third generation: gen-1 and gen-2 stay while searchers still read them, and answer
    let mut third = Writer::create_next_with(dir.path(), SMALL).unwrap();
    third
        .upsert(&doc(
            &u(30),
            "Third",
            "Third generation has axolotls.",
            None,
            None,
            Lang::En,
        ))
        .unwrap();
    third.commit("3").unwrap();
    third.publish().unwrap();
    assert!(dir.path().join("gen-1").exists());
    assert!(dir.path().join("gen-2").exists());
    assert_eq!(found(&stuck, "Kharkiv"), set(&[1]));
    assert!(stuck.refresh().unwrap());
    assert_eq!(found(&stuck, "axolotls"), set(&[30]));
    // gen-1 is free now: the next run removes it; `s` still holds gen-2.
    let w = Writer::open_with(dir.path(), SMALL).unwrap();
    assert_eq!(w.payload().as_deref(), Some("3"));
    assert!(!dir.path().join("gen-1").exists());
    assert!(dir.path().join("gen-2").exists());
    assert_eq!(found(&s, "narwhals"), set(&[20]));
}

#[test]
fn refresh_sees_new_commits() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = build(dir.path());
    let s = Searcher::open(dir.path()).unwrap();
    w.upsert(&doc(
        &u(40),
        "New",
        "A capybara arrived.",
        None,
        None,
        Lang::En,
    ))
    .unwrap();
    w.commit("x").unwrap();
    assert!(found(&s, "capybara").is_empty());
    assert!(s.refresh().unwrap());
    assert_eq!(found(&s, "capybara"), set(&[40]));
    assert!(!s.refresh().unwrap());
}

#[test]
fn abandoned_rebuild_is_cleaned_up() {
    let dir = tempfile::tempdir().unwrap();
    drop(build(dir.path()));
    let mut next = Writer::create_next_with(dir.path(), SMALL).unwrap();
    next.commit("half").unwrap();
    drop(next); // crashed before publish
    let next = Writer::create_next_with(dir.path(), SMALL).unwrap();
    assert_eq!(next.generation(), "gen-2");
    assert_eq!(Searcher::open(dir.path()).unwrap().generation(), "gen-1");
}

#[test]
fn missing_and_foreign_indexes() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(Searcher::open(dir.path()), Err(Error::NoIndex(_))));
    drop(build(dir.path()));
    std::fs::write(
        dir.path()
            .join("gen-1")
            .join(jinan_index::schema::SCHEMA_FILE),
        "999\n",
    )
    .unwrap();
    assert!(matches!(
        Searcher::open(dir.path()),
        Err(Error::SchemaMismatch { found: 999, .. })
    ));
    assert!(matches!(
        Writer::open_with(dir.path(), SMALL),
        Err(Error::SchemaMismatch { found: 999, .. })
    ));
    std::fs::write(dir.path().join("CURRENT"), "garbage\n").unwrap();
    assert!(matches!(Searcher::open(dir.path()), Err(Error::Corrupt(_))));
}

#[test]
fn page_data_histogram_columns_stats() {
    let dir = tempfile::tempdir().unwrap();
    let _w = build(dir.path());
    let s = Searcher::open(dir.path()).unwrap();
    assert_eq!(
        s.year_histogram(&req("jinan OR 济南")).unwrap(),
        vec![(2018, 2), (2021, 1), (2022, 1)]
    );
    // The page's single pass gives the same hits and years, whatever the sort.
    for sort in [Sort::Relevance, Sort::Date] {
        let mut r = req("jinan OR 济南");
        r.sort = sort;
        let (results, years) = s.search_with_years(&r).unwrap();
        assert_eq!(years, s.year_histogram(&r).unwrap());
        let alone = s.search(&r).unwrap();
        assert_eq!(results.total, alone.total);
        let urls = |x: &jinan_types::SearchResults| {
            x.hits.iter().map(|h| h.url.clone()).collect::<Vec<_>>()
        };
        assert_eq!(urls(&results), urls(&alone));
    }
    let cols = s.columns().unwrap();
    assert_eq!(cols[0], ("Loving Jinan".to_string(), 2));
    assert_eq!(cols[1], ("Sisterly Jinan".to_string(), 2));
    assert_eq!(cols.len(), 4);
    let st = s.stats().unwrap();
    assert_eq!(st.articles, 7);
    assert_eq!(st.by_lang.get("zh"), Some(&2));
    assert_eq!(st.by_lang.get("en"), Some(&5));
    assert!(st.index_bytes > 0);
    assert!(st.last_indexed.is_some());
}

#[test]
fn undated_only_index_sorts_and_counts() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = Writer::open_with(dir.path(), SMALL).unwrap();
    w.upsert(&doc(&u(1), "A", "undated walrus", None, None, Lang::En))
        .unwrap();
    w.upsert(&doc(&u(2), "B", "another walrus", None, None, Lang::En))
        .unwrap();
    w.commit("p").unwrap();
    let s = Searcher::open(dir.path()).unwrap();
    let mut r = req("walrus");
    r.sort = Sort::Date;
    assert_eq!(s.search(&r).unwrap().total, 2);
    assert_eq!(s.search(&r).unwrap().hits.len(), 2);
    assert!(s.year_histogram(&r).unwrap().is_empty());
    assert!(s.columns().unwrap().is_empty());
    r.from = NaiveDate::from_ymd_opt(2000, 1, 1);
    assert_eq!(s.search(&r).unwrap().total, 0);
}

#[test]
fn empty_index_answers() {
    let dir = tempfile::tempdir().unwrap();
    drop(Writer::open_with(dir.path(), SMALL).unwrap());
    let s = Searcher::open(dir.path()).unwrap();
    let r = s.search(&req("anything")).unwrap();
    assert_eq!((r.total, r.hits.len()), (0, 0));
    assert_eq!(s.stats().unwrap().articles, 0);
    assert!(s.documents().unwrap().is_empty());
}

mod arbitrary_queries {
    //! Any text a user can type goes through parse, compile and search: a hit list or one
    //! sentence of bad query (exit 2, HTTP 400), never a panic or another kind of error.
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn searcher() -> &'static Searcher {
        static S: OnceLock<(tempfile::TempDir, Searcher)> = OnceLock::new();
        &S.get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            drop(build(dir.path()));
            let s = Searcher::open(dir.path()).unwrap();
            (dir, s)
        })
        .1
    }

    fn check(q: &str, sort: Sort) -> Result<(), TestCaseError> {
        let mut r = req(q);
        r.sort = sort;
        match searcher().search(&r) {
            Ok(res) => prop_assert!(res.hits.len() <= r.limit),
            Err(e) => {
                prop_assert!(e.is_user_error(), "{q:?}: not a user error: {e}");
                let msg = e.to_string();
                prop_assert!(!msg.contains('\n') && msg.len() < 300, "{q:?}: {msg}");
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        // Found by this test: a negated word that analyzes to a phrase (`-市AND`) tripped
        // tantivy 0.27's debug assertion in `PhraseScorer::seek_danger`; tantivy is now built
        // without its debug assertions (Cargo.toml), and `negated_phrases_exclude_exactly` checks
        // that the answers are right.
        #[test]
        fn query_language_soup(q in "([a-zA-Z济南友好城市泉]{0,6}|[ ()\"*:+\\-]|OR|AND|NOT|title:|body:|foo:|\\|\\||&&){0,12}") {
            check(&q, Sort::Relevance)?;
            check(&q, Sort::Date)?;
        }

        #[test]
        fn any_text(q in any::<String>()) {
            check(&q, Sort::Relevance)?;
        }
    }
}

fn generations(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("gen-") && !n.ends_with(".readers"))
        .collect();
    v.sort();
    v
}

fn rebuild(dir: &Path) {
    let mut w = Writer::create_next_with(dir, SMALL).unwrap();
    for d in corpus() {
        w.upsert(&d).unwrap();
    }
    w.commit("{\"cursor\":2}").unwrap();
    w.publish().unwrap();
}

#[test]
fn a_rebuild_removes_the_old_generation_once_no_reader_holds_it() {
    let dir = tempfile::tempdir().unwrap();
    drop(build(dir.path()));
    // Nobody reads gen-1: the rebuild removes it at once.
    rebuild(dir.path());
    assert_eq!(generations(dir.path()), ["gen-2"]);

    // A server reads gen-2 through the next rebuild: gen-2 stays and keeps answering.
    let s = Searcher::open(dir.path()).unwrap();
    rebuild(dir.path());
    assert_eq!(generations(dir.path()), ["gen-2", "gen-3"]);
    assert_eq!(found(&s, "zyxqwerty"), set(&[6]));
    // It switches to gen-3 and lets go of gen-2; the next run of the indexer removes it.
    assert!(s.refresh().unwrap());
    assert_eq!(found(&s, "zyxqwerty"), set(&[6]));
    drop(Writer::open_with(dir.path(), SMALL).unwrap());
    assert_eq!(generations(dir.path()), ["gen-3"]);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("gen-2"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Segments and deleted documents of the live generation, smallest first.
fn segments(dir: &Path) -> Vec<(u32, u32)> {
    // The merged-away segments' files are gone when the run ends (before any writer opens the
    // index again and collects garbage): one `.store` per live segment.
    let current = std::fs::read_to_string(dir.join("CURRENT")).unwrap();
    let gen = dir.join(current.trim());
    let stores = std::fs::read_dir(&gen)
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            name.to_string_lossy().ends_with(".store")
        })
        .count();
    let w = Writer::open_with(dir, SMALL).unwrap();
    let mut v: Vec<(u32, u32)> = w
        .index()
        .searchable_segment_metas()
        .unwrap()
        .iter()
        .map(|m| (m.max_doc(), m.num_deleted_docs()))
        .collect();
    v.sort();
    assert_eq!(v.len(), w.segment_count().unwrap());
    assert_eq!(stores, v.len(), "{}", gen.display());
    v
}

fn numbered(n: u32, word: &str) -> Document {
    doc(
        &u(5000 + n),
        &format!("Notice {n}"),
        &format!("Notice {n} about {word}."),
        Some("2020-01-02"),
        None,
        Lang::En,
    )
}

#[test]
fn runs_leave_few_segments_and_keep_the_payload() {
    let dir = tempfile::tempdir().unwrap();
    // A generation written from empty, one segment per commit, is published as one segment.
    let mut w = Writer::create_next_with(dir.path(), SMALL).unwrap();
    for n in 0..400 {
        w.upsert(&numbered(n, "wombats")).unwrap();
        if n % 100 == 99 {
            w.commit(&format!("c{n}")).unwrap();
        }
    }
    assert_eq!(w.segment_count().unwrap(), 4);
    w.publish().unwrap();
    assert_eq!(segments(dir.path()), [(400, 0)]);

    // Incremental runs: the small segments they leave are merged together, the large one stays.
    for run in 0..2u32 {
        let mut w = Writer::open_with(dir.path(), SMALL).unwrap();
        for k in 0..3u32 {
            for n in 0..5 {
                w.upsert(&numbered(1000 + run * 100 + k * 10 + n, "quokkas"))
                    .unwrap();
            }
            w.commit(&format!("run{run}-{k}")).unwrap();
        }
        w.publish().unwrap();
    }
    assert_eq!(segments(dir.path()), [(30, 0), (400, 0)]);
    let w = Writer::open_with(dir.path(), SMALL).unwrap();
    assert_eq!(w.payload().as_deref(), Some("run1-2"));
    drop(w);

    // A large segment mostly replaced by newer versions is rewritten without them (with the small
    // one beside it); the new versions' segment is not small.
    let mut w = Writer::open_with(dir.path(), SMALL).unwrap();
    for n in 0..150 {
        w.upsert(&numbered(n, "numbats")).unwrap();
    }
    w.commit("replaced").unwrap();
    w.publish().unwrap();
    assert_eq!(segments(dir.path()), [(150, 0), (280, 0)]);
    let s = Searcher::open(dir.path()).unwrap();
    assert_eq!(s.documents().unwrap().len(), 430);
    for (word, total) in [("numbats", 150), ("wombats", 250), ("quokkas", 30)] {
        assert_eq!(s.search(&req(word)).unwrap().total, total, "{word}");
    }
}

#[test]
fn full_result_sets_stream_every_hit_once_in_index_order() {
    // Enough matches over several segments for the parallel walk (batches handed to workers and
    // taken back in order), and some that do not match.
    let dir = tempfile::tempdir().unwrap();
    let mut w = Writer::open_with(dir.path(), SMALL).unwrap();
    for n in 0..900u32 {
        let body = if n % 3 == 0 {
            format!("Notice {n} about the weather in the city.")
        } else {
            format!("Notice {n}: a delegation visited the springs, and delegations met officials.")
        };
        let d = doc(
            &u(1000 + n),
            &format!("Notice {n}"),
            &body,
            Some("2020-01-02"),
            None,
            Lang::En,
        );
        w.upsert(&d).unwrap();
        if n % 300 == 299 {
            w.commit("{}").unwrap();
        }
    }
    drop(w);
    let s = Searcher::open(dir.path()).unwrap();
    let r = req("delegation");
    let mut streamed = Vec::new();
    let stream = s.stream(&r).unwrap();
    assert_eq!(stream.total(), 600);
    stream
        .for_each(|h| {
            streamed.push(h);
            Ok::<(), Error>(())
        })
        .unwrap();
    let mut all = r.clone();
    all.limit = 10_000;
    let ranked = s.search_unbounded(&all).unwrap();
    assert_eq!(streamed.len(), 600);
    // The same hits (snippet and score included) as the ranked search, each once.
    let key = |h: &jinan_types::Hit| (h.url.clone(), h.snippet.clone(), h.score.to_bits());
    let mut a: Vec<_> = streamed.iter().map(key).collect();
    let mut b: Vec<_> = ranked.hits.iter().map(key).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
    assert!(
        a.windows(2).all(|p| p[0].0 != p[1].0),
        "a hit streamed twice"
    );
    assert!(streamed.iter().all(|h| h.snippet.contains("<b>delegation")));
    // An offset skips a prefix of the same order.
    let mut later = r.clone();
    later.offset = 250;
    let mut rest = Vec::new();
    s.stream(&later)
        .unwrap()
        .for_each(|h| {
            rest.push(h.url);
            Ok::<(), Error>(())
        })
        .unwrap();
    let order: Vec<String> = streamed.iter().map(|h| h.url.clone()).collect();
    assert_eq!(rest, order[250..]);
    // The taker's error stops the walk and is what comes back.
    let mut taken = 0;
    let stopped = s.stream(&r).unwrap().for_each(|_| {
        taken += 1;
        if taken == 300 {
            Err(Error::Usage("enough"))
        } else {
            Ok(())
        }
    });
    assert!(
        matches!(stopped, Err(Error::Usage("enough"))),
        "{stopped:?}"
    );
    assert_eq!(taken, 300);
}

#[test]
fn periods_split_exactly_at_month_and_year_boundaries() {
    // Days on both sides of month and year ends (a leap day among them), then the same with two
    // far-off dates: 8,300 years of months are too many periods for the counting array, so the
    // months of that segment go through the map and its years through the array.
    let dates = [
        "2019-12-31",
        "2020-01-01",
        "2020-01-31",
        "2020-02-01",
        "2020-02-29",
        "2020-03-01",
        "2020-12-31",
        "2021-01-01",
        "2021-01-01",
    ];
    for far in [&[][..], &["1700-06-15", "9999-06-15"][..]] {
        let dir = tempfile::tempdir().unwrap();
        let mut w = Writer::open_with(dir.path(), SMALL).unwrap();
        for (n, d) in dates.iter().chain(far).enumerate() {
            let doc = doc(
                &u(2000 + n as u32),
                "Boundary notice",
                "A boundary notice.",
                Some(d),
                None,
                Lang::En,
            );
            w.upsert(&doc).unwrap();
        }
        w.commit("{}").unwrap();
        drop(w);
        let s = Searcher::open(dir.path()).unwrap();
        let mut years = vec![(2019, 1), (2020, 6), (2021, 2)];
        if !far.is_empty() {
            years.insert(0, (1700, 1));
            years.push((9999, 1));
        }
        assert_eq!(
            s.year_histogram(&req("boundary")).unwrap(),
            years,
            "{far:?}"
        );
        let t = s
            .trend(
                &["boundary".to_string()],
                jinan_types::Interval::Month,
                &req(""),
            )
            .unwrap();
        let got: Vec<(String, u64)> = t.series[0]
            .points
            .iter()
            .filter(|p| p.count > 0)
            .map(|p| (p.period.clone(), p.count))
            .collect();
        let mut want: Vec<(String, u64)> = [
            ("2019-12", 1),
            ("2020-01", 2),
            ("2020-02", 2),
            ("2020-03", 1),
            ("2020-12", 1),
            ("2021-01", 2),
        ]
        .iter()
        .map(|(p, n)| (p.to_string(), *n))
        .collect();
        if !far.is_empty() {
            want.insert(0, ("1700-06".to_string(), 1));
            want.push(("9999-06".to_string(), 1));
        }
        assert_eq!(got, want, "{far:?}");
    }
}

#[test]
fn facets_from_the_per_document_codes_equal_the_column_counts() {
    // `search` counts facets from codes read once per set of segments; the full-result stream
    // counts them from the fast-field columns. Two segments with different date ranges (the
    // year slots are per segment), a replaced document (deleted in the first segment), undated
    // and column-less articles, both languages, and filters.
    let dir = tempfile::tempdir().unwrap();
    let mut w = build(dir.path());
    let mut late = doc(
        &u(1),
        "Jinan and Kharkiv renew the sister city agreement",
        "The sister city agreement with Kharkiv was renewed in 2031.",
        Some("2031-03-01"),
        Some("A World City"),
        Lang::En,
    );
    w.upsert(&late).unwrap();
    late.article.url = u(8);
    late.article.date = NaiveDate::from_ymd_opt(1999, 12, 31);
    late.article.column = None;
    w.upsert(&late).unwrap();
    w.commit("{\"cursor\":2}").unwrap();
    drop(w);
    let s = Searcher::open(dir.path()).unwrap();
    let mut compared = 0;
    for q in [
        "city",
        "Jinan",
        "sister city",
        "友好城市",
        "notice",
        "delegation OR 泉城",
    ] {
        for (from, lang) in [
            (None, None),
            (NaiveDate::from_ymd_opt(2019, 1, 1), None),
            (None, Some(Lang::En)),
        ] {
            let mut r = req(q);
            r.facets = true;
            r.from = from;
            r.lang = lang;
            let searched = s.search(&r).unwrap().facets.expect("facets asked for");
            let streamed = s
                .stream(&r)
                .unwrap()
                .facets()
                .cloned()
                .expect("facets asked for");
            assert_eq!(searched, streamed, "{q:?} from {from:?} lang {lang:?}");
            compared += usize::from(!searched.column.is_empty());
        }
    }
    assert!(
        compared >= 10,
        "only {compared} queries with facets to compare"
    );
}

/// A text of `n` distinct words from `seed` (long enough to be fingerprinted).
fn long_text(seed: u32, n: u32) -> String {
    (0..n)
        .map(|i| format!("w{}x{}", seed, i * 7 % 97 + i))
        .collect::<Vec<_>>()
        .join(" ")
        + " lantern"
}

fn copies_of_top(s: &Searcher, q: &str) -> Vec<String> {
    let hits = s.search(&req(q)).unwrap().hits;
    let mut v: Vec<String> = hits
        .iter()
        .flat_map(|h| std::iter::once(h.url.clone()).chain(h.copies.iter().map(|c| c.url.clone())))
        .collect();
    v.sort();
    assert!(hits.len() <= v.len());
    v
}

#[test]
fn copies_follow_the_index_in_a_long_lived_searcher() {
    // A server keeps the copies it found per set of segments: after a commit that makes a copy
    // different, and one that makes it a copy again, its pages must say so.
    let dir = tempfile::tempdir().unwrap();
    let mut w = Writer::open_with(dir.path(), SMALL).unwrap();
    let same = long_text(1, 120);
    let d = |n: u32, body: &str| {
        doc(
            &u(n),
            "Lantern fair",
            body,
            Some("2024-02-01"),
            None,
            Lang::En,
        )
    };
    w.upsert(&d(1, &same)).unwrap();
    w.upsert(&d(2, &same)).unwrap();
    w.upsert(&d(3, &long_text(3, 120))).unwrap();
    w.commit("{\"cursor\":1}").unwrap();
    let s = Searcher::open(dir.path()).unwrap();
    let one_hit = |s: &Searcher| s.search(&req("lantern")).unwrap().hits.len();
    assert_eq!(one_hit(&s), 2, "1 and 2 fold into one hit");
    assert_eq!(copies_of_top(&s, "lantern"), set(&[1, 2, 3]));
    w.upsert(&d(2, &long_text(2, 120))).unwrap();
    w.commit("{\"cursor\":2}").unwrap();
    assert!(s.refresh().unwrap());
    assert_eq!(one_hit(&s), 3, "2 is no copy any more");
    assert!(s
        .search(&req("lantern"))
        .unwrap()
        .hits
        .iter()
        .all(|h| h.copies.is_empty()));
    w.upsert(&d(2, &same)).unwrap();
    w.commit("{\"cursor\":3}").unwrap();
    assert!(s.refresh().unwrap());
    assert_eq!(one_hit(&s), 2, "2 is a copy again");
    assert_eq!(copies_of_top(&s, "lantern"), set(&[1, 2, 3]));
}
