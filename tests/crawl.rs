//! The crawler through the built binary (issue 3): coverage, resume after SIGKILL, WARC read-back
//! with Python's warcio, recrawl after the site changed, and the politeness the server asks for
//! (Retry-After, a burst of refusals, robots.txt answering 5xx), read from the fixture's log.

use crate::util::{
    captures, dir_bytes, failure_counts, fast, plain_site, site, stderr, warcio_check, Workspace,
};
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};
use testsite::{LogEntry, RefusalBurst, RetryAfter, RobotsMode};

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
    // Kill the crawl three times, each once its run has archived a little, more, then much more:
    // every kill lands mid-crawl (the run was still going and the crawl is still unfinished).
    let warc = ws.corpus().join("warc");
    let grown = [50_000u64, 400_000, 1_500_000];
    for grow in grown {
        let start = dir_bytes(&warc);
        ws.kill_when(&args, || dir_bytes(&warc) >= start + grow);
        let stats = jinan_crawler::stats(&ws.corpus()).expect("crawl stats after a kill");
        assert!(
            stats.last_crawl_finished.is_none(),
            "the crawl finished before the kill: {stats:?}"
        );
    }
    let kills = grown.len();
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

/// The crawl state is a cache of the archive: when it is lost, the next crawl rebuilds it from the
/// WARC files and revisits every page as if it had never been lost (articles with conditional
/// requests, answered 304 and archived as revisits naming the capture they confirm; list pages in
/// full, as lists always are).
#[test]
fn a_lost_crawl_state_is_rebuilt_from_the_warc_files() {
    let server = site(120);
    let base = server.base_url();
    let ws = Workspace::new();
    ws.crawl_fast(&base);
    let first = ok_captures(&ws);
    let fetched = || jinan_crawler::stats(&ws.corpus()).unwrap().pages_fetched;
    assert_eq!(fetched(), captures(&ws.corpus()).len() as u64);
    // A damaged state is refused with a one-line error that says what to do, and left as it is.
    let state = ws.corpus().join("state.redb");
    let garbage = b"not a database\n".repeat(300);
    std::fs::write(&state, &garbage).expect("damage the crawl state");
    let out = ws.jinan(&fast("crawl", &base));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("move it aside"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(&state).unwrap(),
        garbage,
        "the damaged state was changed"
    );
    std::fs::remove_file(&state).expect("remove the crawl state");
    server.clear_log();
    ws.crawl_fast(&base);

    let log = sorted_log(&server);
    // Every article the first crawl captured is asked again conditionally and answered 304 (as
    // in a recrawl with the state kept); redirects and dead links are asked in full either way.
    let root = base.trim_end_matches('/');
    let captured: HashSet<&str> = first
        .keys()
        .filter(|u| u.contains("/art/"))
        .filter_map(|u| u.strip_prefix(root))
        .collect();
    // The last answer per page (a firewall's cookie redirect may come first, as on any crawl).
    let articles: HashMap<&str, &LogEntry> = log
        .iter()
        .filter(|e| captured.contains(e.path.as_str()))
        .map(|e| (e.path.as_str(), e))
        .collect();
    assert!(articles.len() >= 100, "{} article requests", articles.len());
    let full: Vec<_> = articles
        .values()
        .filter(|e| !e.conditional || e.status != 304)
        .map(|e| (&e.path, e.conditional, e.status))
        .collect();
    assert!(full.is_empty(), "articles fetched again in full: {full:?}");
    let lists: Vec<_> = log
        .iter()
        .filter(|e| {
            let url = format!("{root}{}", e.path);
            jinan_extract::page::url_kind(&url) == jinan_extract::page::UrlKind::Column
        })
        .collect();
    assert!(!lists.is_empty(), "no column page requested");
    assert!(
        lists.iter().all(|e| !e.conditional),
        "a column page was asked conditionally: its list would be lost on a 304"
    );
    // No article was captured again in full, and each revisit names its page's capture.
    let second = ok_captures(&ws);
    for (url, n) in first.iter().filter(|(u, _)| u.contains("/art/")) {
        assert_eq!(second.get(url), Some(n), "{url} captured again in full");
    }
    let all = captures(&ws.corpus());
    let mut revisits = 0;
    for r in all
        .iter()
        .filter(|c| c.kind == jinan_types::CaptureKind::Revisit)
    {
        let page = all
            .iter()
            .rfind(|c| c.url == r.url && c.status == 200 && c.captured_at < r.captured_at)
            .unwrap_or_else(|| panic!("revisit of {} confirms no capture", r.url));
        assert_eq!(r.digest, page.digest, "revisit of {}", r.url);
        revisits += 1;
    }
    let not_modified = log.iter().filter(|e| e.status == 304).count();
    assert_eq!(revisits, not_modified, "one revisit per 304");
    // The rebuilt state counts what the archive holds, as the lost one did.
    assert_eq!(fetched(), all.len() as u64);
    warcio_check(&ws.corpus());
}

/// The log sorted by request start.
fn sorted_log(server: &testsite::Server) -> Vec<LogEntry> {
    let mut log = server.log();
    log.sort_by_key(|e| e.ts_ms);
    log
}

/// Milliseconds between consecutive request starts.
fn gaps(entries: &[&LogEntry]) -> Vec<i64> {
    entries
        .windows(2)
        .map(|w| w[1].ts_ms - w[0].ts_ms)
        .collect()
}

fn median(mut v: Vec<i64>) -> i64 {
    assert!(!v.is_empty(), "no gaps to take the median of");
    v.sort_unstable();
    v[v.len() / 2]
}

#[test]
fn retry_after_of_429_and_503_is_honoured() {
    let server = plain_site(40);
    let base = server.base_url();
    let root = base.trim_end_matches('/');
    let (a, b) = server.with_site(|s| (s.path_of(20).unwrap(), s.path_of(30).unwrap()));
    // Delay-seconds on a 429; an HTTP-date (at least 1.5 s on) on a 503.
    server.answer_once(&a, 429, Some(RetryAfter::Seconds(2)));
    server.answer_once(
        &b,
        503,
        Some(RetryAfter::DateIn(Duration::from_millis(1500))),
    );
    let ws = Workspace::new();
    ws.crawl_fast(&base);

    let log = sorted_log(&server);
    for (path, status, pause_ms) in [(&a, 429, 2000), (&b, 503, 1500)] {
        let reqs: Vec<&LogEntry> = log.iter().filter(|e| &e.path == path).collect();
        let statuses: Vec<u16> = reqs.iter().map(|e| e.status).collect();
        assert_eq!(statuses, [status, 200], "{path}");
        let waited = reqs[1].ts_ms - reqs[0].ts_ms;
        assert!(
            waited >= pause_ms,
            "{path}: retried {waited} ms after a {status} asking for {pause_ms} ms"
        );
        // The pause holds for the whole host: nothing starts once the refusal is in (a second
        // allowed for requests already on their way on a loaded machine) until the pause is over.
        let answered = reqs[0].ts_ms + reqs[0].duration_ms as i64;
        let during: Vec<&str> = log
            .iter()
            .filter(|e| e.ts_ms > answered + 1000 && e.ts_ms < reqs[0].ts_ms + pause_ms)
            .map(|e| e.path.as_str())
            .collect();
        assert!(
            during.is_empty(),
            "requests during the {status} pause: {during:?}"
        );
    }
    let got = ok_captures(&ws);
    for p in [&a, &b] {
        assert_eq!(
            got.get(&format!("{root}{p}")),
            Some(&1),
            "{p} not captured once"
        );
    }
}

#[test]
fn a_burst_of_refusals_slows_the_crawl_down_and_the_pace_recovers() {
    let server = plain_site(150);
    // After 40 requests the site refuses everything (403, 412, 418) for 2 s.
    server.set_refusal_burst(Some(RefusalBurst {
        after: 40,
        duration: Duration::from_secs(2),
    }));
    let base = server.base_url();
    let ws = Workspace::new();
    // No rate limit: the only throttle is the crawler's reaction to the refusals.
    let out = ws.jinan(&[
        "crawl",
        "--seed",
        &base,
        "--rate",
        "0",
        "--concurrency",
        "4",
        "--timeout",
        "5",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let log = sorted_log(&server);
    let refused: Vec<&LogEntry> = log
        .iter()
        .filter(|e| e.fault.as_deref() == Some("refuse"))
        .collect();
    let (Some(first), Some(last)) = (refused.first(), refused.last()) else {
        panic!("the site refused nothing");
    };
    let heard = first.ts_ms + first.duration_ms as i64 + 50;
    let before: Vec<&LogEntry> = log.iter().filter(|e| e.ts_ms < first.ts_ms).collect();
    // From the last request sent before the crawler heard the first refusal, through the first
    // request answered normally after the burst.
    let start = log.iter().rposition(|e| e.ts_ms <= heard).unwrap_or(0);
    let Some(back) = log
        .iter()
        .position(|e| e.ts_ms > last.ts_ms && e.status == 200)
    else {
        panic!(
            "nothing fetched after the burst: {} of {} requests refused, no slow-down",
            refused.len(),
            log.len()
        );
    };
    let slowed: Vec<&LogEntry> = log[start..=back].iter().collect();
    let later: Vec<&LogEntry> = log[back..].iter().skip(10).collect();
    let (m_before, m_slowed, m_later) = (
        median(gaps(&before)),
        median(gaps(&slowed)),
        median(gaps(&later)),
    );
    let summary = format!(
        "{} refused; median gaps: before {m_before} ms, slowed {m_slowed} ms, later {m_later} ms",
        refused.len()
    );
    eprintln!("{summary}");
    // Under the penalty, requests start at least 500 ms apart (the crawler's own spacing: the
    // median shrugs off a late arrival or two). Unthrottled, loopback requests come much faster
    // than that even on a loaded machine: before the burst, and once the penalty has decayed.
    assert!(m_slowed >= 400, "{summary}");
    assert!(m_before < 400, "{summary}");
    // The penalty decays once the site answers normally again, and the crawl goes on.
    assert!(m_later < 400, "{summary}");
    assert!(
        later.len() >= 20,
        "only {} requests after the burst",
        later.len()
    );

    // Refused pages are not retried, and are failures of kind http-403/412/418 in `stats`.
    let mut per_path: HashMap<&str, usize> = HashMap::new();
    for e in &log {
        *per_path.entry(e.path.as_str()).or_default() += 1;
    }
    for e in &refused {
        assert_eq!(per_path[e.path.as_str()], 1, "{} requested again", e.path);
    }
    let counts = failure_counts(&ws);
    for code in [403u16, 412, 418] {
        let expected = refused
            .iter()
            .filter(|e| e.status == code && e.method == "GET")
            .filter(|e| {
                !["dataproxy.jsp", "api-gateway", "showJsContent"]
                    .iter()
                    .any(|list| e.path.contains(list))
            })
            .count() as u64;
        let kind = format!("http-{code}");
        assert_eq!(
            counts.get(&kind).copied().unwrap_or(0),
            expected,
            "{kind} in stats: {counts:?}"
        );
    }
}

#[test]
fn robots_5xx_closes_the_host_and_a_later_crawl_fetches_what_was_held_back() {
    let server = plain_site(30);
    server.set_robots(RobotsMode::ServerError);
    let base = server.base_url();
    // Linked from nowhere: only the held-back state brings it to the next crawl.
    let lone = format!("{base}picture/held-back.gif");
    let ws = Workspace::new();
    let out = ws.jinan(&[
        "crawl",
        "--seed",
        &base,
        "--seed",
        &lone,
        "--rate",
        "0",
        "--timeout",
        "2",
    ]);
    // No page fetched while some were due: a failed run that says why, after its summary.
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("reached no page") && err.contains("robots.txt answered 500"),
        "{err}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    assert!(lines[0].contains("robots-unavailable 2"), "{stdout}");

    // Nothing but robots.txt, asked again after 1, 2 and 4 s.
    let log = sorted_log(&server);
    assert!(log.iter().all(|e| e.path == "/robots.txt"), "{log:?}");
    let asks: Vec<&LogEntry> = log.iter().collect();
    assert_eq!(asks.len(), 4, "{asks:?}");
    for (i, gap) in gaps(&asks).into_iter().enumerate() {
        assert!(gap >= 1000 << i, "re-ask {} after {gap} ms", i + 1);
    }
    assert_eq!(failure_counts(&ws).get("robots-unavailable"), Some(&2));

    // robots.txt answers again: a crawl seeded with the home page only fetches the held URL too.
    server.set_robots(RobotsMode::Normal);
    server.clear_log();
    ws.crawl_fast(&base);
    let got = ok_captures(&ws);
    assert!(got.contains_key(&lone), "the held-back URL was dropped");
    let missing: Vec<_> = live_urls(&server)
        .into_iter()
        .filter(|u| !got.contains_key(u))
        .collect();
    assert!(missing.is_empty(), "not captured: {missing:?}");
    let counts = failure_counts(&ws);
    assert!(!counts.contains_key("robots-unavailable"), "{counts:?}");
}

#[test]
fn robots_answering_again_opens_the_host_within_the_same_crawl() {
    let server = plain_site(30);
    server.set_robots(RobotsMode::ServerError);
    let base = server.base_url();
    let ws = Workspace::new();
    let mut child = ws.spawn(&fast("crawl", &base));
    // Once the crawler has met the 500, robots.txt comes back.
    let t = Instant::now();
    while !server.log().iter().any(|e| e.path == "/robots.txt") {
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "robots.txt never asked"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    server.set_robots(RobotsMode::Normal);
    let status = child.wait().expect("wait for jinan");
    assert_eq!(status.code(), Some(0));

    let log = sorted_log(&server);
    let asks: Vec<u16> = log
        .iter()
        .filter(|e| e.path == "/robots.txt")
        .map(|e| e.status)
        .collect();
    assert!(
        asks.len() >= 2 && asks[..asks.len() - 1].iter().all(|s| *s == 500),
        "{asks:?}"
    );
    assert_eq!(asks.last(), Some(&200));
    let open = log
        .iter()
        .find(|e| e.path == "/robots.txt" && e.status == 200)
        .map(|e| e.ts_ms)
        .unwrap_or_default();
    assert!(
        log.iter()
            .filter(|e| e.path != "/robots.txt")
            .all(|e| e.ts_ms >= open),
        "a page was fetched while robots.txt answered 500"
    );
    let got = ok_captures(&ws);
    assert!(live_urls(&server).iter().all(|u| got.contains_key(u)));
    assert!(!failure_counts(&ws).contains_key("robots-unavailable"));
}

/// Runs `jinan CMD --seed SEED` (fast options, 1 s timeout) and checks the outcome of a crawl that
/// reached no page: exit 1, and one error line that names the cause.
fn assert_reached_nothing(ws: &Workspace, cmd: &str, seed: &str, cause: &str) {
    let out = ws.jinan(&[cmd, "--seed", seed, "--rate", "0", "--timeout", "1"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{cmd} {seed}: {err}");
    // One error line (log warnings and progress lines aside).
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("jinan: ")).collect();
    assert_eq!(lines.len(), 1, "{cmd} {seed}: one error line: {err}");
    assert!(lines[0].contains("reached no page"), "{cmd} {seed}: {err}");
    assert!(
        lines[0].to_lowercase().contains(&cause.to_lowercase()),
        "{cmd} {seed}: the cause {cause:?} is not named: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

/// A loopback port held by a socket that does not listen, with the socket (keep it alive):
/// connections to the port are refused, and no other test running meanwhile can be given it (a
/// port merely freed for the test could be, and then answer).
fn refused_port() -> (socket2::Socket, u16) {
    let held =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("socket");
    held.bind(&std::net::SocketAddr::from(([127, 0, 0, 1], 0)).into())
        .expect("bind");
    let port = held
        .local_addr()
        .ok()
        .and_then(|a| a.as_socket())
        .expect("bound address")
        .port();
    (held, port)
}

#[test]
fn a_refused_connection_fails_crawl_and_ingest() {
    let (_held, port) = refused_port();
    let seed = format!("http://127.0.0.1:{port}/");
    let ws = Workspace::new();
    assert_reached_nothing(&ws, "crawl", &seed, "connection refused");
    assert_reached_nothing(&ws, "ingest", &seed, "connection refused");
    // What was recorded is kept: the URL waits for the next crawl.
    assert_eq!(failure_counts(&ws).get("robots-unavailable"), Some(&1));
}

#[test]
fn a_host_name_that_does_not_resolve_fails_the_crawl() {
    let ws = Workspace::new();
    assert_reached_nothing(&ws, "ingest", "http://nonexistent.invalid/", "DNS");
}

#[test]
fn a_host_that_never_answers_fails_the_crawl() {
    // Connections are accepted (by the kernel) and never answered.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("listener");
    let seed = format!("http://{}/", silent.local_addr().expect("addr"));
    let ws = Workspace::new();
    assert_reached_nothing(&ws, "crawl", &seed, "no answer before the timeout");
    drop(silent);
}

#[test]
fn a_partial_outage_is_still_a_done_crawl() {
    let server = plain_site(20);
    let (_held, port) = refused_port();
    let down = format!("http://127.0.0.1:{port}/");
    let ws = Workspace::new();
    let out = ws.jinan(&[
        "crawl",
        "--seed",
        &server.base_url(),
        "--seed",
        &down,
        "--rate",
        "0",
        "--timeout",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(ok_captures(&ws).len() >= 20);
    assert_eq!(failure_counts(&ws).get("robots-unavailable"), Some(&1));
}
