//! `history` (CLI) and `/api/history`, `/api/diff`, `/timeline`, `/api/article` (server) over one
//! archive: a crawl, an edit and a deletion on the fixture site, a recrawl.

use crate::util::{fast, http_get, site, stderr, Workspace};

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[test]
fn history_and_its_api_timeline_and_diff_tell_one_story() {
    let server = site(40);
    let base = server.base_url();
    let root = base.trim_end_matches('/').to_string();
    let ws = Workspace::new();
    let ingest = fast("ingest", &base);
    ws.ok(&ingest);
    let edited = format!("{root}{}", server.with_site(|s| s.edit(1))[0]);
    let deleted = format!("{root}{}", server.with_site(|s| s.delete(1))[0]);
    ws.ok(&ingest);
    let same = crate::util::hit_urls(&ws.search_json("jinan", &["--limit", "20"]))
        .into_iter()
        .find(|u| *u != edited && *u != deleted)
        .expect("an unchanged article");

    // The edited article: the first capture is new, the recrawl changed it, the diff carries the
    // capture dates and marks the changed words.
    let h = json(&ws.ok(&["history", &edited, "--format", "json"]));
    let caps = h["captures"].as_array().unwrap();
    assert_eq!(caps[0]["change"], "new", "{h}");
    assert_eq!(caps[0]["text_changed"], false, "{h}");
    assert_eq!(caps.last().unwrap()["change"], "changed", "{h}");
    assert_eq!(caps.last().unwrap()["text_changed"], true, "{h}");
    let text = ws.ok(&["history", &edited]);
    assert!(
        text.lines().nth(1).unwrap().ends_with("new (version 1)"),
        "{text}"
    );
    let diff = ws.ok(&["history", &edited, "--diff"]);
    let day = |c: &serde_json::Value| c["captured_at"].as_str().unwrap()[..19].to_string();
    assert!(
        diff.contains(&format!("--- {edited}\t{}", day(&caps[0]))),
        "{diff}"
    );
    assert!(
        diff.contains(&format!("+++ {edited}\t{}", day(caps.last().unwrap()))),
        "{diff}"
    );
    assert!(
        diff.contains("{+(Updated, revision 1) +}") || diff.contains("{+（第1次更新）+}"),
        "{diff}"
    );

    // An unchanged article: one version, so nothing to compare, said in words.
    let diff = ws.ok(&["history", &same, "--diff"]);
    assert!(diff.contains("one version only"), "{diff}");
    let caps = json(&ws.ok(&["history", &same, "--format", "json"]))["captures"].clone();
    assert_eq!(caps[1]["change"], "same", "{caps}");

    // The deleted article: the diff says so; export's deleted_at is the time of the capture that
    // found the 404/410.
    let h = json(&ws.ok(&["history", &deleted, "--format", "json", "--diff"]));
    let gone = h["captures"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(gone["change"], "deleted", "{h}");
    assert!(h["diff"]["note"].as_str().unwrap().contains("HTTP"), "{h}");
    let export = ws.ok(&["export"]);
    let doc = export
        .lines()
        .map(json)
        .find(|d| d["url"] == deleted.as_str())
        .expect("the deleted article is exported");
    let at =
        |v: &serde_json::Value| chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
    assert_eq!(
        at(&doc["deleted_at"]),
        at(&gone["captured_at"]),
        "{doc}\n{gone}"
    );

    // The server gives the same answers from the same code.
    let served = ws.serve();
    let get = |path: &str| http_get(served.addr, path);
    for url in [&edited, &deleted, &same] {
        let (status, body) = get(&format!("/api/history?url={}", enc(url)));
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            json(&body),
            json(&ws.ok(&["history", url, "--format", "json"]))
        );
        let (status, body) = get(&format!("/api/diff?url={}", enc(url)));
        assert_eq!(status, 200, "{body}");
        let cli = json(&ws.ok(&["history", url, "--diff", "--format", "json"]));
        assert_eq!(json(&body), cli["diff"]);
    }

    // The timeline: every capture with its archived copy, and a diff link for the change.
    let h = json(&ws.ok(&["history", &edited, "--format", "json"]));
    let (status, page) = get(&format!("/timeline?url={}", enc(&edited)));
    assert_eq!(status, 200, "{page}");
    for c in h["captures"].as_array().unwrap() {
        let link = c["archive_url"].as_str().unwrap();
        assert!(link.starts_with(&format!("/web/{}/", c["timestamp"].as_str().unwrap())));
        assert!(
            page.contains(&format!("href=\"{link}\"")),
            "{link} not linked:\n{page}"
        );
    }
    let link_start = page.find("href=\"/timeline?").expect("a diff link");
    let link = &page[link_start + 6..];
    let link = &link[..link.find('"').unwrap()].replace("&amp;", "&");
    let (status, diff_page) = get(link);
    assert_eq!(status, 200, "{diff_page}");
    assert!(
        diff_page.contains("<mark>"),
        "no marked words:\n{diff_page}"
    );

    // The article API finds the article under the spellings history accepts.
    let upper = edited.replacen("http://127.0.0.1", "HTTP://127.0.0.1", 1) + "#top";
    let (status, body) = get(&format!("/api/article?url={}", enc(&upper)));
    assert_eq!(status, 200, "{body}");
    assert_eq!(json(&body)["url"], edited.as_str());

    // Bad input: 4xx with the JSON error, never a 5xx.
    for (path, want) in [
        ("/api/history".to_string(), 400),
        (
            format!("/api/history?url={}", enc("http://elsewhere.test/a.html")),
            404,
        ),
        (
            format!("/api/history?url={}", enc("file:///etc/passwd")),
            404,
        ),
        (
            format!("/api/history?url={}", enc("data:text/html,hi")),
            404,
        ),
        (format!("/api/diff?url={}&from=2018-11", enc(&edited)), 400),
        (
            format!("/timeline?url={}", enc("http://elsewhere.test/")),
            404,
        ),
    ] {
        let (status, body) = get(&path);
        assert_eq!(status, want, "{path}: {body}");
    }
    let out = ws.jinan(&["history", "http://elsewhere.test/a.html"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}
