//! Indexing through the built binary (issue 5): SIGKILL at random moments leaves a usable index with
//! every article exactly once; `--rebuild` swaps atomically while searches keep answering.

use crate::util::{assert_live_indexed_once, dir_bytes, hit_urls, site, stderr, Workspace};

#[test]
fn sigkill_during_index_then_rerun_gives_every_article_once() {
    let server = site(1500);
    let ws = Workspace::new();
    ws.crawl_fast(&server.base_url());
    let live = server.with_site(|s| s.truth(&server.base_url())).len() as u64;
    let index = ws.index();
    // Each kill once its run has written something, then more: the kill lands mid-run.
    for grow in [1u64, 100_000, 300_000, 600_000] {
        let start = dir_bytes(&index);
        ws.kill_when(&["index"], || dir_bytes(&index) >= start + grow);
        // Whatever the moment, the index opens (or does not exist yet: no generation committed,
        // which `stats` reports as bad usage), and it is not complete.
        let out = ws.jinan(&["stats", "--format", "json"]);
        let err = stderr(&out);
        if out.status.code() == Some(2) && err.contains("no index") {
            continue;
        }
        assert_eq!(out.status.code(), Some(0), "stats after a kill: {err}");
        let stats: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stats JSON");
        let indexed = stats["index"]["articles"].as_u64().unwrap_or(0);
        assert!(
            indexed < live,
            "the run had finished before the kill: {stats}"
        );
    }
    ws.ok(&["index"]);
    assert_live_indexed_once(&ws, &server);
}

#[test]
fn rebuild_swaps_atomically_while_searches_answer() {
    let server = site(400);
    let ws = Workspace::new();
    ws.crawl_fast(&server.base_url());
    ws.ok(&["index"]);
    let before = ws.search_json("Kfar Saba", &[])["total"].as_u64().unwrap();
    assert!(before >= 1);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let searcher = {
        let stop = stop.clone();
        let corpus = ws.corpus();
        let index = ws.index();
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let out = std::process::Command::new(env!("CARGO_BIN_EXE_jinan"))
                    .arg("--corpus")
                    .arg(&corpus)
                    .arg("--index")
                    .arg(&index)
                    .args(["search", "Kfar Saba", "--format", "json"])
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "a search failed during --rebuild: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                assert!(
                    v["total"].as_u64().unwrap() >= 1,
                    "a search found nothing during --rebuild"
                );
                n += 1;
            }
            n
        })
    };
    let out = ws.ok(&["index", "--rebuild"]);
    assert!(out.contains("rebuilt"), "{out}");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let searches = searcher.join().expect("searches during rebuild");
    assert!(searches > 0);
    assert_eq!(
        ws.search_json("Kfar Saba", &[])["total"].as_u64().unwrap(),
        before
    );
}

/// A CLI search cuts Chinese with a small jieba instance made for the query (the process never
/// loads the full dictionary); the library here loads the full one first. Both must answer every
/// Chinese query alike: the same total and the same hits in the same order.
#[test]
fn chinese_queries_from_the_cli_answer_as_with_the_full_dictionary() {
    let server = site(300);
    let ws = Workspace::new();
    ws.crawl_fast(&server.base_url());
    ws.ok(&["index"]);

    let truth = server.with_site(|s| s.truth(&server.base_url()));
    let mut queries: Vec<String> = Vec::new();
    for a in truth.iter().step_by(7) {
        let han: Vec<char> = a
            .title
            .chars()
            .filter(|c| jinan_index::tokenizer::is_han(*c))
            .collect();
        for len in [2, 3, 4, 6] {
            if han.len() >= len {
                queries.push(han[han.len() - len..].iter().collect());
            }
        }
    }
    queries.extend(
        jinan_index::dict::USER_DICT
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .map(String::from),
    );
    queries.extend(
        [
            "济南 2024",
            "泉城 spring",
            "\"友好城市\"",
            "济南市人民政府",
            "国际 -马拉松",
        ]
        .map(String::from),
    );
    assert!(queries.len() > 60, "{} queries", queries.len());

    let _ = jinan_index::tokenizer::jieba();
    let searcher = jinan_index::Searcher::open(&ws.index()).expect("index opens");
    let mut with_hits = 0;
    for q in &queries {
        let cli = ws.search_json(q, &["--limit", "20"]);
        let mut req = jinan_types::SearchRequest::new(q.clone());
        req.limit = 20;
        let lib = searcher.search(&req).expect("search");
        let lib_urls: Vec<String> = lib.hits.iter().map(|h| h.url.clone()).collect();
        assert_eq!(cli["total"], lib.total, "{q}");
        assert_eq!(hit_urls(&cli), lib_urls, "{q}");
        with_hits += usize::from(lib.total > 0);
    }
    assert!(
        with_hits > 40,
        "{with_hits} of {} queries found hits",
        queries.len()
    );
}
