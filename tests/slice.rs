//! The first end-to-end slice (issue 2): crawl the fixture, index it, search it.

use crate::util::{hit_urls, site, Workspace};

#[test]
fn crawl_index_search_end_to_end() {
    let server = site(300);
    let base = server.base_url();
    let ws = Workspace::new();
    ws.crawl_fast(&base);

    // Standard WARC files were written.
    let warcs: Vec<_> = std::fs::read_dir(ws.corpus().join("warc"))
        .expect("corpus/warc exists")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".warc.gz"))
        .collect();
    assert!(!warcs.is_empty(), "no WARC files written");

    ws.ok(&["index"]);

    // A planted rare word finds exactly its article.
    let articles = server.with_site(|s| s.articles());
    let planted: Vec<_> = articles
        .iter()
        .filter(|a| a.live)
        .filter_map(|a| a.rare_word.as_ref().map(|w| (w, a)))
        .step_by(37)
        .take(5)
        .collect();
    assert!(planted.len() >= 3);
    for (word, a) in planted {
        let v = ws.search_json(word, &[]);
        let urls = hit_urls(&v);
        assert_eq!(
            urls.len(),
            1,
            "{word} should find exactly its article, got {urls:?}"
        );
        assert!(
            urls[0].ends_with(&a.path),
            "{word} found {} instead of {}",
            urls[0],
            a.path
        );
    }

    // `Kfar Saba` finds the seed article dated 2018-11-19.
    let v = ws.search_json("Kfar Saba", &[]);
    let hits = v["hits"].as_array().expect("hits");
    assert!(
        hits.iter().any(|h| h["date"] == "2018-11-19"
            && h["url"]
                .as_str()
                .unwrap_or("")
                .ends_with("/art/2018/11/19/art_30173_2743600.html")),
        "Kfar Saba seed article not found: {v}"
    );
    // `Kharkiv` and `sister city` find the seeds too.
    assert!(!hit_urls(&ws.search_json("Kharkiv", &[])).is_empty());
    assert!(!hit_urls(&ws.search_json("sister city", &[])).is_empty());

    // Boilerplate is never indexed.
    let v = ws.search_json("大汉网络", &[]);
    assert_eq!(v["total"], 0, "boilerplate matched: {v}");
    assert!(hit_urls(&v).is_empty());

    // Text output names the hit and highlights it.
    let text = ws.ok(&["search", "Kfar Saba", "--limit", "1"]);
    assert!(text.contains("2018-11-19"), "{text}");
    assert!(
        text.contains("**Kfar**") || text.contains("**Saba**"),
        "{text}"
    );

    // CSV output has the header of INTERFACE.md.
    let csv = ws.ok(&["search", "Kfar Saba", "--format", "csv"]);
    assert_eq!(
        csv.lines().next(),
        Some("url,title,date,column,lang,score,deleted_at,snippet")
    );
    assert!(csv.lines().count() >= 2, "{csv}");
}
