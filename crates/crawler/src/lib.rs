//! `jinan-crawler`: a polite, resumable crawler for Hanweb CMS sites that writes WARC.
//!
//! [`crawl`] fetches the site into a corpus folder: URLs are canonicalized ([`canonicalize`]) so each
//! page is fetched once per crawl; only allowed hosts are visited; robots.txt is obeyed (RFC 9309);
//! requests are rate-limited per host and capped in flight; failures are retried with backoff or
//! recorded by kind; Hanweb list pages are paged through `dataproxy.jsp`. Every exchange is archived
//! through `jinan-corpus`; the crawl state lives in `corpus/state.redb` so an interrupted crawl
//! resumes where it stopped. Traps (endless URL families) are bounded by the rules of [`trap_shape`]'s
//! module: a budget per URL shape and host, and structural limits.

mod canon;
mod crawl;
mod error;
mod fetch;
pub mod links;
mod rebuild;
mod robots;
mod state;
mod trap;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde::Serialize;
use url::Url;

pub use canon::{canonicalize, fetch_form, Scope};
pub use error::{Error, Result};
pub use robots::agent_token;
pub use trap::{shape as trap_shape, MAX_SEGMENTS};

/// Default User-Agent: names the crawler and its homepage.
pub const DEFAULT_USER_AGENT: &str = concat!(
    "jinan/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/jinan-search/jinan)"
);

/// Links followed from a seed at most, by default.
pub const DEFAULT_MAX_DEPTH: u32 = 30;
/// Requests in flight at once, by default.
pub const DEFAULT_CONCURRENCY: usize = 4;
/// Requests per second per host, by default.
pub const DEFAULT_RATE: f64 = 2.0;
/// Seconds one request may take, by default.
pub const DEFAULT_TIMEOUT_SECS: f64 = 30.0;
/// Default [`CrawlConfig::max_shape_urls`]: a trap costs at most this many requests per shape.
pub const DEFAULT_SHAPE_URLS: u32 = 50;

/// How to crawl.
/// The collection name written as `isPartOf` when none is configured.
pub const DEFAULT_COLLECTION: &str = "jinan";

#[derive(Debug, Clone)]
pub struct CrawlConfig {
    pub seeds: Vec<Url>,
    /// `host` or `host:port`; empty = the seeds' hosts and ports.
    pub allow_hosts: Vec<String>,
    /// Most URLs fetched in this crawl (robots.txt and list-proxy requests not counted).
    pub max_pages: Option<u64>,
    pub max_depth: u32,
    /// Requests in flight at once, all hosts together.
    pub concurrency: usize,
    /// Requests started per second per host; `0` = unlimited.
    pub rate: f64,
    /// Per request, including reading the body.
    pub timeout: Duration,
    pub user_agent: String,
    /// Decompressed body cap; longer bodies are stored cut at the cap and marked truncated.
    pub max_body_bytes: u64,
    pub warc_max_file_bytes: u64,
    /// Retries after a 5xx, 429, reset, timeout or connection error.
    pub retries: u32,
    /// First retry delay (doubled each retry, plus up to 50% jitter).
    pub retry_base: Duration,
    /// Longest Retry-After honoured.
    pub max_retry_after: Duration,
    /// Same-URL redirects are followed at once (WAF cookie); others are queued, at most this many in a row.
    pub max_redirects: u32,
    /// Most URLs of one shape (digit runs and query values generalised, see [`trap_shape`]) per
    /// host and crawl: ends calendars, ever-growing page numbers and parameter permutations.
    /// Hanweb articles, column pages, attachments, list engines and list records are not counted.
    pub max_shape_urls: u32,
    /// Most requests spent paging one list.
    pub max_list_requests: usize,
    /// Times an unavailable robots.txt (5xx, 429 or no answer) is asked again in one crawl before
    /// the host is given up until the next crawl; its URLs wait meanwhile.
    pub robots_retries: u32,
    /// First wait before asking an unavailable robots.txt again (doubled each time; a longer
    /// Retry-After wins, up to `max_retry_after`).
    pub robots_retry_base: Duration,
    /// Who runs the crawl, for the `warcinfo` record (`operator`).
    pub operator: Option<String>,
    /// The collection the WARC files belong to, for the `warcinfo` record (`isPartOf`).
    pub collection: String,
}

impl CrawlConfig {
    /// Defaults: the `DEFAULT_*` constants above, 5 MiB bodies, 1 GiB WARC files; an
    /// unavailable robots.txt is asked again after 1, 2 and 4 s before its host is given up.
    pub fn new(seeds: Vec<Url>) -> Self {
        CrawlConfig {
            seeds,
            allow_hosts: Vec::new(),
            max_pages: None,
            max_depth: DEFAULT_MAX_DEPTH,
            concurrency: DEFAULT_CONCURRENCY,
            rate: DEFAULT_RATE,
            timeout: Duration::from_secs_f64(DEFAULT_TIMEOUT_SECS),
            user_agent: DEFAULT_USER_AGENT.to_string(),
            max_body_bytes: 5 * 1024 * 1024,
            warc_max_file_bytes: 1 << 30,
            retries: 3,
            retry_base: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(120),
            max_redirects: 10,
            max_shape_urls: DEFAULT_SHAPE_URLS,
            max_list_requests: 500,
            robots_retries: 3,
            robots_retry_base: Duration::from_secs(1),
            operator: None,
            collection: DEFAULT_COLLECTION.to_string(),
        }
    }

    /// The allowed hosts: as configured, else each seed's `host:port`.
    pub fn effective_allow_hosts(&self) -> Vec<String> {
        if !self.allow_hosts.is_empty() {
            return self.allow_hosts.clone();
        }
        self.seeds.iter().filter_map(canon::host_port).collect()
    }
}

/// Told about each URL as it is done.
pub trait Progress: Send + Sync {
    fn on_fetch(&self, url: &str, status: Option<u16>, done: u64, queued: u64);
}

/// A [`Progress`] that reports nothing.
pub struct NoProgress;
impl Progress for NoProgress {
    fn on_fetch(&self, _: &str, _: Option<u16>, _: u64, _: u64) {}
}

/// What one crawl run did.
#[derive(Debug, Clone, Serialize, Default)]
pub struct CrawlSummary {
    /// Crawl number in this corpus.
    pub crawl: u64,
    /// This run continued an interrupted crawl.
    pub resumed: bool,
    /// Exchanges archived (pages, list requests, robots.txt, redirects, errors).
    pub fetched: u64,
    /// `304 Not Modified` answers (archived as revisits).
    pub not_modified: u64,
    /// URLs answered 200 for the first time (or again after a deletion).
    pub new: u64,
    /// Non-list pages whose content changed since the last capture.
    pub changed: u64,
    /// Pages answering 404/410 after an earlier 200.
    pub deleted: u64,
    pub failed: u64,
    pub failed_by_kind: BTreeMap<String, u64>,
    /// URLs not fetched because their host's robots.txt stayed unavailable: kept for the next crawl
    /// (also counted in `failed_by_kind` as `robots-unavailable`).
    pub held_back: u64,
    /// Body bytes archived.
    pub bytes: u64,
    /// Set when no page answered although some were due (host down, DNS failure, connection
    /// refused, timeouts, robots.txt unavailable): the most common cause. `jinan` exits 1 then.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unreachable: Option<String>,
    pub elapsed_secs: f64,
    pub pages_per_sec: f64,
}

/// Crawls into `corpus_dir` (WARC in `corpus_dir/warc/`, state in `corpus_dir/state.redb`),
/// resuming an interrupted crawl if there is one. The caller holds the corpus lock.
pub async fn crawl(
    corpus_dir: &Path,
    cfg: &CrawlConfig,
    progress: &dyn Progress,
) -> Result<CrawlSummary> {
    crawl::run(corpus_dir, cfg, progress).await
}

/// The crawl side of `jinan stats`.
pub fn stats(corpus_dir: &Path) -> Result<jinan_types::CrawlStats> {
    state::stats(corpus_dir)
}
