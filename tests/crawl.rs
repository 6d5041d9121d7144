//! The crawler through the built binary (issue 3): coverage, resume after SIGKILL, WARC read-back
//! with Python's warcio, recrawl after the site changed.

use crate::util::{captures, fast, site, stderr, warcio_check, Workspace};
use std::collections::{HashMap, HashSet};

/// Every live article of the fixture, by URL.
fn live_urls(server: &testsite::Server) -> HashSet<String> {
    let base = server.base_url();
    server
        .with_site(|s| s.truth(&base))
        .into_iter()
        .map(|a| a.url)
        .collect()
}

/// 200-captures per URL in the corpus.
fn ok_captures(ws: &Workspace) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for c in captures(&ws.corpus()) {
        if c.status == 200 && c.kind == jinan_types::CaptureKind::Response {
            *m.entry(c.url).or_insert(0) += 1;
        }
    }
    m
}

#[test]
fn resumes_after_sigkill_and_captures_everything_once() {
    let server = site(2000);
    let base = server.base_url();
    let ws = Workspace::new();
    let args = fast("crawl", &base);
    // Kill the crawl three times at different moments, then let it finish.
    let kills = ws.kill_at(&args, &[700, 1500, 2500]);
    let out = ws.jinan(&args);
    assert_eq!(out.status.code(), Some(0), "final crawl: {}", stderr(&out));

    let live = live_urls(&server);
    let got = ok_captures(&ws);
    let missing: Vec<_> = live
        .iter()
        .filter(|u| !got.contains_key(*u))
        .take(10)
        .collect();
    assert!(
        missing.is_empty(),
        "{} live articles not captured, e.g. {missing:?}",
        live.len() - live.iter().filter(|u| got.contains_key(*u)).count()
    );
    // No article captured twice except what was in flight at a kill (at most --concurrency per
    // kill). List pages are refetched on resume by design.
    let twice: Vec<_> = got
        .iter()
        .filter(|(u, n)| u.contains("/art/") && **n > 1)
        .collect();
    assert!(
        twice.len() <= kills * 8,
        "{} URLs captured twice after {kills} kills: {twice:?}",
        twice.len()
    );
    warcio_check(&ws.corpus());
}

#[test]
fn recrawl_uses_conditional_get_and_records_changes() {
    let server = site(120);
    let base = server.base_url();
    let ws = Workspace::new();
    ws.crawl_fast(&base);
    let first = ok_captures(&ws);

    let edited = server.with_site(|s| s.edit(3));
    let deleted = server.with_site(|s| s.delete(2));
    let added = server.with_site(|s| s.add(2));
    server.clear_log();
    ws.crawl_fast(&base);

    // Conditional GETs were sent, and 304s were archived as revisits.
    let revisits = captures(&ws.corpus())
        .into_iter()
        .filter(|c| c.kind == jinan_types::CaptureKind::Revisit)
        .count();
    assert!(revisits > 0, "no revisit records after a recrawl");
    let log = server.log();
    assert!(
        log.iter().any(|e| e.status == 304),
        "the fixture answered no 304"
    );

    let second = ok_captures(&ws);
    for p in &edited {
        let url = format!("{}{}", base.trim_end_matches('/'), p);
        assert_eq!(
            second.get(&url).copied().unwrap_or(0),
            first.get(&url).copied().unwrap_or(0) + 1,
            "edited {url} not recaptured"
        );
    }
    for p in &added {
        let url = format!("{}{}", base.trim_end_matches('/'), p);
        assert!(second.contains_key(&url), "new article {url} not captured");
    }
    let gone: HashSet<String> = captures(&ws.corpus())
        .into_iter()
        .filter(|c| matches!(c.status, 404 | 410))
        .map(|c| c.url)
        .collect();
    for p in &deleted {
        let url = format!("{}{}", base.trim_end_matches('/'), p);
        assert!(gone.contains(&url), "deleted {url} not recorded as 404/410");
    }
    warcio_check(&ws.corpus());
}
