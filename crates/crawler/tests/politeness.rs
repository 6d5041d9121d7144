//! Politeness the server asks for, read from the fixture's request log: Retry-After (capped),
//! robots.txt that answers 5xx (host closed, asked again with backoff, URLs held back for the next
//! crawl, RFC 9309 2.3.1.4) and its Retry-After.

use std::path::Path;
use std::time::Duration;

use jinan_crawler::{crawl, stats, CrawlConfig, CrawlSummary, NoProgress};
use testsite::{LogEntry, RetryAfter, RobotsMode, Server, Site, SiteConfig};
use url::Url;

/// Every capture of `url` in the corpus at `dir`, oldest first: read from the WARC files, which
/// are the record (the crawl state only caches them).
fn history(dir: &std::path::Path, url: &str) -> jinan_corpus::Result<Vec<jinan_types::Capture>> {
    jinan_corpus::captures_of(&jinan_corpus::warc_dir(dir), url)
}

fn server(articles: usize) -> Server {
    let site = Site::new(SiteConfig {
        articles,
        hazards: false,
        ..SiteConfig::default()
    });
    Server::start(site).unwrap()
}

fn config(s: &Server) -> CrawlConfig {
    let mut c = CrawlConfig::new(vec![Url::parse(&s.base_url()).unwrap()]);
    c.rate = 0.0;
    c.concurrency = 4;
    c.timeout = Duration::from_millis(1500);
    c.retry_base = Duration::from_millis(50);
    c.robots_retry_base = Duration::from_millis(100);
    c
}

/// The crawl, failing the test instead of hanging if it does not end within `limit`.
async fn run_within(dir: &Path, cfg: &CrawlConfig, limit: Duration) -> CrawlSummary {
    tokio::time::timeout(limit, crawl(dir, cfg, &NoProgress))
        .await
        .unwrap_or_else(|_| panic!("the crawl did not end within {limit:?}"))
        .unwrap()
}

fn requests_of<'a>(log: &'a [LogEntry], path: &str) -> Vec<&'a LogEntry> {
    let mut v: Vec<&LogEntry> = log.iter().filter(|e| e.path == path).collect();
    v.sort_by_key(|e| e.ts_ms);
    v
}

fn captured_ok(dir: &Path, url: &str) -> bool {
    history(dir, url).unwrap().iter().any(|c| c.status == 200)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_after_beyond_the_cap_is_capped() {
    let s = server(20);
    let path = s.with_site(|site| site.path_of(12)).unwrap();
    s.answer_once(&path, 503, Some(RetryAfter::Seconds(3600)));
    let mut cfg = config(&s);
    cfg.max_retry_after = Duration::from_secs(1);
    let tmp = tempfile::tempdir().unwrap();
    run_within(tmp.path(), &cfg, Duration::from_secs(30)).await;
    let log = s.log();
    let reqs = requests_of(&log, &path);
    assert_eq!(
        reqs.iter().map(|e| e.status).collect::<Vec<_>>(),
        [503, 200],
        "{reqs:?}"
    );
    let waited = reqs[1].ts_ms - reqs[0].ts_ms;
    assert!(
        (1000..10_000).contains(&waited),
        "retried {waited} ms after a 503 asking for an hour (cap 1 s)"
    );
    let base = s.base_url();
    assert!(captured_ok(
        tmp.path(),
        &format!("{}{path}", base.trim_end_matches('/'))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_5xx_fetches_nothing_and_holds_urls_back_for_the_next_crawl() {
    let s = server(12);
    s.set_robots(RobotsMode::ServerError);
    let base = s.base_url();
    let root = base.trim_end_matches('/');
    // A URL nothing links to: only the held-back state can bring it to the next crawl.
    let lone = format!("{root}/picture/held-back.gif");
    let mut cfg = config(&s);
    cfg.seeds.push(Url::parse(&lone).unwrap());
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let first = run_within(dir, &cfg, Duration::from_secs(30)).await;

    let log = s.log();
    assert!(log.iter().all(|e| e.path == "/robots.txt"), "{log:?}");
    // Asked once, then again after 100, 200 and 400 ms: robots_retries re-asks with backoff.
    let asks = requests_of(&log, "/robots.txt");
    assert_eq!(asks.len(), 1 + cfg.robots_retries as usize, "{asks:?}");
    for (i, w) in asks.windows(2).enumerate() {
        let gap = w[1].ts_ms - w[0].ts_ms;
        assert!(gap >= 100 << i, "re-ask {} after {gap} ms", i + 1);
    }
    assert_eq!(first.held_back, 2, "{first:?}");
    assert_eq!(first.failed_by_kind.get("robots-unavailable"), Some(&2));
    let st = stats(dir).unwrap();
    let held = st
        .failures
        .iter()
        .find(|f| f.kind == "robots-unavailable")
        .expect("robots-unavailable in stats");
    assert_eq!(held.count, 2);

    // robots.txt answers again: the next crawl, seeded with the home page only, fetches the
    // held-back URL too, and everything else.
    s.set_robots(RobotsMode::Normal);
    s.clear_log();
    let mut cfg2 = config(&s);
    cfg2.seeds.truncate(1);
    let second = run_within(dir, &cfg2, Duration::from_secs(30)).await;
    assert_eq!(second.held_back, 0);
    assert!(captured_ok(dir, &lone), "the held-back URL was dropped");
    for a in s.with_site(|site| site.truth(&base)) {
        assert!(captured_ok(dir, &a.url), "{} not captured", a.url);
    }
    let st = stats(dir).unwrap();
    assert!(
        st.failures.iter().all(|f| f.kind != "robots-unavailable"),
        "{:?}",
        st.failures
    );
    // Fetched by this crawl, with the rest.
    assert!(s
        .log()
        .iter()
        .any(|e| e.path == "/picture/held-back.gif" && e.status == 200));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_asked_again_honours_its_retry_after_and_opens_the_host() {
    let s = server(12);
    // One 503 with Retry-After: 1; the backoff alone would ask again after 100 ms.
    s.answer_once("/robots.txt", 503, Some(RetryAfter::Seconds(1)));
    let tmp = tempfile::tempdir().unwrap();
    let sum = run_within(tmp.path(), &config(&s), Duration::from_secs(30)).await;
    let log = s.log();
    let asks = requests_of(&log, "/robots.txt");
    assert_eq!(
        asks.iter().map(|e| e.status).collect::<Vec<_>>(),
        [503, 200]
    );
    assert!(asks[1].ts_ms - asks[0].ts_ms >= 1000, "{asks:?}");
    // Nothing else was fetched before robots.txt answered.
    assert!(log
        .iter()
        .filter(|e| e.path != "/robots.txt")
        .all(|e| e.ts_ms >= asks[1].ts_ms));
    assert_eq!(sum.held_back, 0);
    assert!(!sum.failed_by_kind.contains_key("robots-unavailable"));
    let base = s.base_url();
    for a in s.with_site(|site| site.truth(&base)) {
        assert!(captured_ok(tmp.path(), &a.url), "{} not captured", a.url);
    }
}
