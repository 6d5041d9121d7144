//! The crawler against the fixture site (`testsite`): coverage, politeness, faults, recrawl,
//! resume, robots and the archive.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use jinan_crawler::{crawl, stats, CrawlConfig, CrawlSummary, NoProgress, Progress};
use jinan_types::CaptureKind;
use testsite::{RobotsMode, Server, Site, SiteConfig};
use url::Url;

/// Every capture of `url` in the corpus at `dir`, oldest first: read from the WARC files, which
/// are the record (the crawl state only caches them).
fn history(dir: &std::path::Path, url: &str) -> jinan_corpus::Result<Vec<jinan_types::Capture>> {
    jinan_corpus::captures_of(&jinan_corpus::warc_dir(dir), url)
}

fn server(articles: usize, hazards: bool) -> Server {
    let site = Site::new(SiteConfig {
        articles,
        hazards,
        slow_delay: Duration::from_secs(4),
        ..SiteConfig::default()
    });
    Server::start(site).unwrap()
}

fn config(s: &Server) -> CrawlConfig {
    let mut c = CrawlConfig::new(vec![Url::parse(&s.base_url()).unwrap()]);
    c.rate = 0.0;
    c.concurrency = 8;
    c.timeout = Duration::from_millis(1500);
    c.retry_base = Duration::from_millis(50);
    // Retry-After pauses the whole host; the fixture asks for 1 s about 70 times.
    c.max_retry_after = Duration::from_millis(100);
    c.robots_retry_base = Duration::from_millis(100);
    c
}

async fn run(dir: &Path, cfg: &CrawlConfig) -> CrawlSummary {
    crawl(dir, cfg, &NoProgress).await.unwrap()
}

/// Path prefixes of the fixture's endless URL families (each has one or more URL shapes).
const TRAPS: &[&str] = &["/calendar/", "/calendar.html", "/search/"];

/// Requests per URL shape of the fixture's endless families, from the server's log.
fn trap_requests(s: &Server) -> HashMap<String, usize> {
    let base = Url::parse(&s.base_url()).unwrap();
    let mut per_shape: HashMap<String, usize> = HashMap::new();
    for e in s.log() {
        if TRAPS.iter().any(|t| e.path.starts_with(t)) {
            let url = base.join(&e.path).unwrap();
            *per_shape
                .entry(jinan_crawler::trap_shape(&url))
                .or_default() += 1;
        }
    }
    per_shape
}

/// Every URL shape of the fixture's endless families was requested, at most its budget (plus
/// `slack` requests fetched again after an interruption).
fn assert_traps_bounded(s: &Server, slack: usize) {
    let budget = jinan_crawler::DEFAULT_SHAPE_URLS as usize;
    let per_shape = trap_requests(s);
    eprintln!("trap requests per shape: {per_shape:?}");
    // One shape for the path calendar, three for the day, week and month views, two for the
    // search results (plain and sorted).
    assert_eq!(per_shape.len(), 6, "{per_shape:?}");
    for (shape, n) in &per_shape {
        assert!(*n <= budget + slack, "{n} requests of shape {shape}");
    }
    // The budgets were spent: the traps were followed as far as allowed.
    assert!(
        per_shape.values().filter(|n| **n >= budget).count() >= 4,
        "{per_shape:?}"
    );
}

fn live_paths(s: &Server) -> Vec<String> {
    s.with_site(|site| {
        site.articles()
            .into_iter()
            .filter(|a| a.live)
            .map(|a| a.path)
            .collect()
    })
}

/// Requests answered 200 per path (GET and POST).
fn ok_counts(s: &Server) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for e in s.log() {
        if e.status == 200 {
            *m.entry(e.path).or_default() += 1;
        }
    }
    m
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_crawl_covers_every_article_once_and_survives_the_hazards() {
    let s = server(2000, true);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let sum = run(dir, &config(&s)).await;
    let base = s.base_url();
    let base = base.trim_end_matches('/');

    // Coverage: every live article captured with a 200, through lists and proxies alike.
    let ok = ok_counts(&s);
    let warc = jinan_corpus::warc_dir(dir);
    let mut captured: HashMap<String, usize> = HashMap::new();
    for c in jinan_corpus::CaptureReader::open(&warc, None).unwrap() {
        let c = c.unwrap().capture;
        if c.status == 200 {
            *captured
                .entry(Url::parse(&c.url).unwrap().path().to_string())
                .or_default() += 1;
        }
    }
    let mut missing = Vec::new();
    for p in live_paths(&s) {
        match captured.get(&p) {
            Some(1) => {}
            None => missing.push(p.clone()),
            Some(n) => panic!("{p} captured {n} times"),
        }
        // Each page once (the once-only 500/429/503 answers are retries, not 200s).
        assert!(
            ok.get(&p).copied().unwrap_or(0) <= 1,
            "{p} fetched {:?} times",
            ok.get(&p)
        );
    }
    assert!(
        missing.is_empty(),
        "{} articles missing, e.g. {:?}",
        missing.len(),
        &missing[..missing.len().min(5)]
    );

    let log = s.log();
    // Both proxy forms were used: POST, and GET page=N for page-only columns.
    assert!(log
        .iter()
        .any(|e| e.method == "POST" && e.path.contains("dataproxy.jsp")));
    assert!(log.iter().any(|e| e.method == "GET"
        && e.path.contains("dataproxy.jsp")
        && e.path.contains("page=")));
    // robots.txt obeyed; default User-Agent.
    assert!(!log
        .iter()
        .any(|e| e.path.starts_with(testsite::special::DISALLOWED_PREFIX)));
    assert!(log
        .iter()
        .all(|e| e.user_agent.as_deref().is_some_and(
            |u| u.starts_with("jinan/") && u.contains("github.com/jinan-search/jinan")
        )));
    // Traps of every shape bounded (and recorded as trap-limit); redirect loop detected, slow
    // page timed out.
    assert_traps_bounded(&s, 0);
    let count = |prefix: &str| log.iter().filter(|e| e.path.starts_with(prefix)).count();
    // Session ids stripped: each e-service page once, however many ids its links carry.
    assert_eq!(count("/eservice/"), testsite::traps::SESSION_ITEMS + 1);
    // Repeated segments: cut at the first repeat (a single segment may occur twice).
    assert_eq!((count("/zt/"), count("/topics/")), (1, 2));
    // Ever-deeper relative links: cut at the deepest path followed.
    assert_eq!(count("/docs/"), jinan_crawler::MAX_SEGMENTS - 2);
    assert!(
        sum.failed_by_kind.get("trap-limit").copied().unwrap_or(0) >= 9,
        "{:?}",
        sum.failed_by_kind
    );
    let loops = log.iter().filter(|e| e.path.starts_with("/loop/")).count();
    assert!(loops <= 4, "loop requests: {loops}");
    assert!(
        sum.failed_by_kind.contains_key("redirect-loop"),
        "{:?}",
        sum.failed_by_kind
    );
    assert!(
        sum.failed_by_kind.contains_key("timeout"),
        "{:?}",
        sum.failed_by_kind
    );
    assert!(
        sum.failed_by_kind.contains_key("http-404"),
        "{:?}",
        sum.failed_by_kind
    );
    // Retries: the once-only 500/429/503 pages end up captured (covered above) after a retry.
    assert!(log.iter().any(|e| e.fault.as_deref() == Some("once")));
    // Body cap: it counts the bytes received, so the 5 MB page is stored cut and marked...
    let warc = jinan_corpus::warc_dir(dir);
    let stored_last = |p: &str| {
        let h = history(dir, &format!("{base}{p}")).unwrap();
        let last = h
            .last()
            .unwrap_or_else(|| panic!("{p} not captured"))
            .clone();
        let stored = jinan_corpus::read_capture(&warc, &last.location).unwrap();
        (last, stored)
    };
    let (big, stored) = stored_last(testsite::special::BIG_PAGE);
    assert!(big.truncated, "the big page is not marked truncated");
    assert_eq!(stored.payload.len() as u64, 5 * 1024 * 1024);
    // ...while the gzip bomb is stored as received (its compressed bytes fit the cap) and reading
    // it back refuses to inflate it past the decoding limit.
    let (bomb, stored) = stored_last(testsite::special::GZIP_BOMB);
    assert!(!bomb.truncated);
    assert_eq!(stored.http_header("content-encoding"), Some("gzip"));
    assert_eq!(stored.payload, testsite::special::gzip_bomb());
    assert!(stored.body().is_err(), "the bomb inflated on reading");
    // Non-HTML stored.
    let pdf = history(dir, &format!("{base}{}", testsite::special::PDF_FILE)).unwrap();
    assert!(pdf
        .iter()
        .any(|c| c.content_type.as_deref() == Some("application/pdf")));
    // Every list shape of the fixture is known: no page is recorded as an unknown list.
    assert!(
        !sum.failed_by_kind.contains_key("unknown-list"),
        "{:?}",
        sum.failed_by_kind
    );
    let st = stats(dir).unwrap();
    assert!(st.failures.iter().any(|f| f.kind == "trap-limit"));
    assert!(st.pages_fetched >= 2000);
    assert!(st.last_crawl_finished.is_some());
    let p0 = "/art/2018/11/19/art_30173_2743600.html";
    let h0 = history(dir, &format!("{base}{p0}?from=home#x")).unwrap();
    assert_eq!(h0.len(), 1);
    // The archive reads back whole and agrees with the state.
    let n = jinan_corpus::CaptureReader::open(&warc, None)
        .unwrap()
        .filter(|c| c.is_ok())
        .count() as u64;
    assert_eq!(n, sum.fetched);
    assert_eq!(n, st.pages_fetched);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_and_concurrency_hold() {
    let s = server(12, false);
    let tmp = tempfile::tempdir().unwrap();
    let mut cfg = config(&s);
    cfg.rate = 8.0;
    cfg.concurrency = 3;
    cfg.max_pages = Some(30);
    run(tmp.path(), &cfg).await;
    let mut ts: Vec<i64> = s.log().iter().map(|e| e.ts_ms).collect();
    ts.sort();
    assert!(ts.len() > 16, "only {} requests", ts.len());
    // The crawler spaces its starts by 1/rate; the server sees them shifted by however long each
    // took to arrive. Windows of 2 s with two requests to spare allow half a second of that
    // (a loaded 2-core machine), while a crawler ignoring the rate sends 30 in well under 2 s.
    for (i, t) in ts.iter().enumerate() {
        let in_window = ts[i..].iter().take_while(|u| **u < t + 2000).count();
        assert!(
            in_window <= 2 * 8 + 2,
            "{in_window} requests started within 2 s from {t}"
        );
    }
    assert!(s.log().iter().all(|e| e.in_flight <= 3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recrawl_sends_conditional_gets_and_records_changes() {
    let s = server(80, false);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let cfg = config(&s);
    let first = run(dir, &cfg).await;
    assert!(first.new >= 80 && first.not_modified == 0);
    assert!(
        !first.failed_by_kind.contains_key("unknown-list"),
        "{first:?}"
    );
    let (edited, deleted, added) = s.with_site(|site| (site.edit(3), site.delete(2), site.add(4)));
    s.clear_log();
    let second = run(dir, &cfg).await;
    assert!(second.not_modified >= 60, "{second:?}");
    assert_eq!(second.deleted, 2, "{second:?}");
    assert!(second.new >= 4, "{second:?}");
    assert!(second.changed >= 3, "{second:?}");
    let base = s.base_url();
    let base = base.trim_end_matches('/');
    let log = s.log();
    for p in &edited {
        let h = history(dir, &format!("{base}{p}")).unwrap();
        assert_eq!(h.len(), 2, "{p}");
        assert_ne!(h[0].digest, h[1].digest);
    }
    for p in &deleted {
        let h = history(dir, &format!("{base}{p}")).unwrap();
        assert!(
            matches!(h.last().map(|c| c.status), Some(404) | Some(410)),
            "{p}: {h:?}"
        );
    }
    for p in &added {
        assert!(
            history(dir, &format!("{base}{p}"))
                .unwrap()
                .iter()
                .any(|c| c.status == 200),
            "{p}"
        );
    }
    // Articles went conditional; list pages were refetched in full.
    let revisits = live_paths(&s)
        .iter()
        .filter(|p| {
            history(dir, &format!("{base}{p}"))
                .unwrap()
                .iter()
                .any(|c| c.kind == CaptureKind::Revisit)
        })
        .count();
    assert!(revisits >= 60);
    assert!(log
        .iter()
        .any(|e| e.path.starts_with("/col/col") && !e.conditional && e.status == 200));
    assert!(
        log.iter()
            .filter(|e| e.path.starts_with("/art/") && e.conditional)
            .count()
            >= 40
    );
    warcio_check(dir);
}

/// `warcio check` (digests included) over every WARC file of the corpus: revisits, POST list
/// requests, 404s and redirects as the crawler wrote them.
fn warcio_check(dir: &Path) {
    let probe = std::process::Command::new("python3")
        .args(["-c", "import warcio"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        panic!("this test needs Python 3 with warcio: run `pip install warcio` (CI installs it)");
    }
    let warc = jinan_corpus::warc_dir(dir);
    let files: Vec<_> = jinan_corpus::warc_files(&warc)
        .unwrap()
        .iter()
        .map(|f| warc.join(f))
        .collect();
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys; from warcio.cli import main; main(sys.argv[1:])",
            "check",
        ])
        .args(&files)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "warcio check failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

struct StopAfter(AtomicU64, u64, tokio::sync::Notify);
impl Progress for StopAfter {
    fn on_fetch(&self, _: &str, _: Option<u16>, done: u64, _: u64) {
        self.0.store(done, Ordering::SeqCst);
        if done >= self.1 {
            self.2.notify_one();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_crawl_resumes_without_refetching() {
    let s = server(300, false);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let cfg = config(&s);
    let stop = StopAfter(AtomicU64::new(0), 120, tokio::sync::Notify::new());
    tokio::select! {
        r = crawl(dir, &cfg, &stop) => panic!("crawl ended before the interruption: {r:?}"),
        _ = stop.2.notified() => {}
    }
    let second = run(dir, &cfg).await;
    assert!(second.resumed);
    let base = s.base_url();
    let base = base.trim_end_matches('/');
    let mut twice = 0;
    for p in live_paths(&s) {
        let h = history(dir, &format!("{base}{p}")).unwrap();
        let oks = h.iter().filter(|c| c.status == 200).count();
        assert!(oks >= 1, "{p} never captured");
        if oks > 1 {
            twice += 1;
        }
    }
    // Only pages in flight at the interruption (at most `concurrency`) may be fetched twice.
    assert!(twice <= cfg.concurrency, "{twice} articles captured twice");
    // A third run is a new crawl.
    assert!(!run(dir, &cfg).await.resumed);
}

/// The trap budgets are counted over the whole crawl: a crawl interrupted and resumed spends each
/// shape's budget once, not once per run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trap_budgets_hold_across_a_resume() {
    let s = server(20, true);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut cfg = config(&s);
    cfg.concurrency = 2;
    let stop = StopAfter(AtomicU64::new(0), 150, tokio::sync::Notify::new());
    tokio::select! {
        r = crawl(dir, &cfg, &stop) => panic!("crawl ended before the interruption: {r:?}"),
        _ = stop.2.notified() => {}
    }
    // The interruption came while the traps were being followed: some budgets partly spent.
    let at_stop = trap_requests(&s);
    eprintln!("trap requests per shape at the interruption: {at_stop:?}");
    assert!(
        at_stop
            .values()
            .filter(|n| (10..jinan_crawler::DEFAULT_SHAPE_URLS as usize).contains(*n))
            .count()
            >= 2,
        "{at_stop:?}"
    );
    let before = s.log().len();
    let second = run(dir, &cfg).await;
    assert!(second.resumed);
    assert!(
        s.log().len() > before + 100,
        "the resumed crawl had little left to do"
    );
    // Pages in flight at the interruption are fetched again: at most `concurrency`.
    assert_traps_bounded(&s, cfg.concurrency);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_server_error_means_fetch_nothing_and_404_means_everything() {
    let s = server(10, false);
    s.set_robots(RobotsMode::ServerError);
    let tmp = tempfile::tempdir().unwrap();
    let sum = run(tmp.path(), &config(&s)).await;
    assert!(
        s.log().iter().all(|e| e.path == "/robots.txt"),
        "{:?}",
        s.log()
    );
    assert!(sum.failed_by_kind.contains_key("robots-unavailable"));

    s.set_robots(RobotsMode::NotFound);
    s.clear_log();
    let tmp2 = tempfile::tempdir().unwrap();
    run(tmp2.path(), &config(&s)).await;
    assert!(s
        .log()
        .iter()
        .any(|e| e.path.starts_with(testsite::special::DISALLOWED_PREFIX)));
}

/// No article page, whatever its layout or address generation (`/col/colN/art/...` included),
/// looks like a list to the link extractor: an early run recorded `unknown-list` on articles under
/// `/col/col108306/art/` when any `/col/colN/...` path counted as a column page.
#[test]
fn article_pages_are_never_taken_for_lists() {
    let site = Site::new(SiteConfig {
        articles: 2000,
        ..SiteConfig::default()
    });
    let mut in_column = 0;
    for a in site.articles() {
        let url = Url::parse(&format!("http://english.jinan.gov.cn{}", a.path)).unwrap();
        let r = site
            .render(&testsite::Request::get(&a.path).with_header("Host", "english.jinan.gov.cn"));
        assert_eq!(r.status, 200, "{}", a.path);
        let html = jinan_extract::page::decode(&r.body, r.header("content-type")).text;
        let p = jinan_crawler::links::page_links(&url, &html);
        assert!(
            !p.is_list && p.unknown_list.is_none() && p.lists.is_empty(),
            "{} looks like a list: {:?}",
            a.path,
            p.unknown_list
        );
        in_column += usize::from(a.path.starts_with("/col/col"));
    }
    assert!(
        in_column > 100,
        "only {in_column} articles under /col/colN/art/"
    );
}
