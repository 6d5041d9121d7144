//! Crawl state in redb (`corpus/state.redb`): per-URL status and validators, the frontier (on disk,
//! so memory stays bounded), URLs in flight (requeued after a crash), URLs held back because their
//! host's robots.txt was unavailable (queued again when the next run starts), failures by kind,
//! crawl times. It is a cache of the WARC files, not a second record of them: the captures
//! themselves are read from the archive (`jinan_corpus::captures_of`), and a lost state is rebuilt
//! from it ([`crate::rebuild`]).
//!
//! One thread owns the database and the WARC writer. It applies fetch outcomes in one open write
//! transaction and commits in batches, always after `WarcWriter::sync`, so the committed state
//! never points at WARC data that is not on disk. A batch is as large as the requests in flight
//! (`--concurrency`, 8 to 64) or 150 ms, whichever comes first: a kill leaves at most one batch
//! archived but not committed, and only those pages are fetched again by the next run.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use jinan_corpus::{Fetch, Revisit, WarcWriter};
use jinan_types::{CrawlStats, FailureCount};
use redb::{
    Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition,
    WriteTransaction,
};
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

use crate::error::Result;
use crate::fetch::{is_redirect, Exchange};
use crate::trap;

pub(crate) const URLS: TableDefinition<&str, &[u8]> = TableDefinition::new("urls");
pub(crate) const FRONTIER: TableDefinition<u64, &[u8]> = TableDefinition::new("frontier");
pub(crate) const INFLIGHT: TableDefinition<&str, &[u8]> = TableDefinition::new("inflight");
/// Jobs not fetched because robots.txt was unavailable, by key: queued again by the next run.
pub(crate) const HELD: TableDefinition<&str, &[u8]> = TableDefinition::new("held");
pub(crate) const FAILURES: TableDefinition<(&str, &str), &str> = TableDefinition::new("failures");
pub(crate) const META: TableDefinition<&str, &str> = TableDefinition::new("meta");
/// URLs queued per trap shape (see `trap`) in this crawl: a resumed crawl keeps counting, a new
/// crawl starts from zero.
pub(crate) const SHAPES: TableDefinition<&str, u64> = TableDefinition::new("shapes");

/// What the state knows about one URL (by canonical key).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct UrlState {
    pub seen_crawl: u64,
    pub done_crawl: u64,
    pub status: Option<u16>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub digest: Option<String>,
    pub captured_at: Option<DateTime<Utc>>,
    pub ever_ok: bool,
    pub deleted_at: Option<DateTime<Utc>>,
    pub is_list: bool,
    /// The last failure kind recorded for the URL.
    pub failure: Option<String>,
    /// Every failure kind recorded for the URL and not cleared yet (`failure` included).
    #[serde(default)]
    pub failure_kinds: Vec<String>,
    pub via: Option<String>,
    pub via_column: Option<String>,
    pub captures: u64,
    /// The URL as last fetched (the key is its canonical form).
    #[serde(default)]
    pub last_url: Option<String>,
    /// Found on a list page (see [`Job::listed`]).
    #[serde(default)]
    pub listed: bool,
}

/// One capture of a URL as the state needs it: from a fetch being archived, or read back from
/// the WARC files when the state is rebuilt.
pub(crate) struct Observed<'a> {
    pub url: &'a str,
    pub status: u16,
    pub captured_at: DateTime<Utc>,
    /// The payload digest (of a `2xx`; a `304` confirms the one before).
    pub digest: String,
    pub etag: Option<&'a str>,
    pub last_modified: Option<&'a str>,
    pub is_list: bool,
}

/// What one capture changed for its URL (the crawl summary counts these).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    New,
    Changed,
    NotModified,
    Deleted,
    Same,
}

impl UrlState {
    /// Applies one capture: what a status means for a URL (a `2xx` is the page and its
    /// validators, a `304` confirms them, a `404`/`410` after a page is its deletion), written
    /// once for the crawl and for the rebuild from the archive.
    pub(crate) fn record(&mut self, c: &Observed) -> Change {
        let change = match c.status {
            200..=299 => {
                let change = if !self.ever_ok || self.deleted_at.is_some() {
                    Change::New
                } else if self.digest.as_deref() != Some(c.digest.as_str()) && !c.is_list {
                    Change::Changed
                } else {
                    Change::Same
                };
                self.ever_ok = true;
                self.deleted_at = None;
                self.digest = Some(c.digest.clone());
                self.etag = c.etag.map(str::to_string);
                self.last_modified = c.last_modified.map(str::to_string);
                self.captured_at = Some(c.captured_at);
                change
            }
            304 => Change::NotModified,
            404 | 410 if self.ever_ok && self.deleted_at.is_none() => {
                self.deleted_at = Some(c.captured_at);
                Change::Deleted
            }
            _ => Change::Same,
        };
        self.status = Some(c.status);
        self.last_url = Some(c.url.to_string());
        self.is_list = c.is_list;
        self.captures += 1;
        change
    }
}

/// Why a URL is queued: the trap rules apply to found URLs only; known pages (revisited by a new
/// crawl) count against their shape's budget but are always revisited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Seed,
    Known,
    Found,
}

/// A URL to fetch, as queued; validators are filled in when it is taken.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Job {
    pub url: String,
    pub key: String,
    pub depth: u32,
    pub redirects: u32,
    pub via: Option<String>,
    pub via_column: Option<String>,
    #[serde(default)]
    pub etag: Option<String>,
    #[serde(default)]
    pub last_modified: Option<String>,
    #[serde(default)]
    pub ever_ok: bool,
    #[serde(default)]
    pub is_list: bool,
    #[serde(default)]
    pub seed: bool,
    /// Found on a list page (a record, or a link of a column page): exempt from trap budgets.
    #[serde(default)]
    pub listed: bool,
}

/// One exchange to archive.
pub(crate) struct Stored {
    pub x: Exchange,
    pub key: String,
    pub via: Option<String>,
    pub via_column: Option<String>,
    pub is_list: bool,
}

/// What fetching one job produced.
#[derive(Default)]
pub(crate) struct Outcome {
    pub job: Job,
    pub stored: Vec<Stored>,
    pub found: Vec<Job>,
    /// (kind, key, message)
    pub failures: Vec<(String, String, String)>,
    pub status: Option<u16>,
    /// Not fetched (robots.txt unavailable): kept for the next run instead of being done.
    pub held: bool,
}

pub(crate) enum Cmd {
    Take {
        max: usize,
        reply: oneshot::Sender<(Vec<Job>, u64)>,
    },
    Done(Box<Outcome>),
    Finish {
        reply: oneshot::Sender<Counters>,
    },
}

/// Running totals of one crawl (in this process).
#[derive(Debug, Clone, Default)]
pub(crate) struct Counters {
    pub fetched: u64,
    pub not_modified: u64,
    pub new: u64,
    pub changed: u64,
    pub deleted: u64,
    pub failed_by_kind: BTreeMap<String, u64>,
    pub bytes: u64,
    pub held_back: u64,
    pub resumed: bool,
    pub crawl_id: u64,
    /// Pages that answered (a status below 500).
    pub answered: u64,
    /// Pages that got no answer (network failure, 5xx, robots.txt unavailable), by failure kind:
    /// how many, and the first message.
    pub unreached: BTreeMap<String, (u64, String)>,
}

/// Failures that are decisions, not outages: a page not fetched for one of these was not due.
const NOT_DUE: &[&str] = &["bad-url", "out-of-scope", "robots-disallowed"];

impl Counters {
    /// Why the crawl reached nothing, when no page answered although some were due: the most
    /// common failure's message.
    pub fn unreachable(&self) -> Option<String> {
        if self.answered > 0 {
            return None;
        }
        let (_, (_, msg)) = self.unreached.iter().max_by_key(|(_, (n, _))| *n)?;
        Some(msg.clone())
    }
}

pub(crate) struct StoreConfig {
    pub seeds: Vec<Job>,
    pub max_depth: u32,
    pub max_shape_urls: u32,
    pub max_redirects: u32,
    pub max_pages: Option<u64>,
    /// Outcomes archived between two commits: the requests in flight (`--concurrency`).
    pub commit_every: usize,
}

/// Bounds of [`StoreConfig::commit_every`]: never fewer (each commit costs two fsyncs), never more.
pub(crate) const COMMIT_EVERY_MIN: usize = 8;
pub(crate) const COMMIT_EVERY_MAX: usize = 64;
/// A partial batch is committed after this long.
const COMMIT_AFTER: Duration = Duration::from_millis(150);

pub(crate) fn get_json<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T> {
    Ok(serde_json::from_slice(bytes)?)
}

struct Store {
    db: Database,
    writer: WarcWriter,
    cfg: StoreConfig,
    crawl_id: u64,
    seq: u64,
    queued: u64,
    dispatched: u64,
    counters: Counters,
    /// (kind, key) of the failures this run has counted: each once, whether or not an earlier
    /// crawl recorded it already (the summary tells what this run met, `stats` what stands).
    counted: HashSet<(String, String)>,
}

/// Opens (or creates) the state database.
pub(crate) fn open_db(path: &Path) -> Result<Database> {
    // A previous crawl in this process may still be closing it.
    let mut tries = 0;
    loop {
        match Database::create(path) {
            Ok(db) => return Ok(db),
            Err(redb::DatabaseError::DatabaseAlreadyOpen) if tries < 50 => {
                tries += 1;
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(redb::DatabaseError::Storage(e)) if is_damage(&e) => {
                return Err(crate::error::Error::DamagedState {
                    path: path.to_path_buf(),
                    source: e.into(),
                })
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// A state file redb refuses as a database (corrupted pages, or not a redb file at all), as
/// opposed to an I/O failure that may pass.
fn is_damage(e: &redb::StorageError) -> bool {
    match e {
        redb::StorageError::Corrupted(_) => true,
        redb::StorageError::Io(io) => io.kind() == std::io::ErrorKind::InvalidData,
        _ => false,
    }
}

/// The storage thread's body.
pub(crate) fn run(
    db: Database,
    writer: WarcWriter,
    cfg: StoreConfig,
    rx: Receiver<Cmd>,
) -> Result<()> {
    let mut store = Store {
        db,
        writer,
        cfg,
        crawl_id: 0,
        seq: 0,
        queued: 0,
        dispatched: 0,
        counters: Counters::default(),
        counted: HashSet::new(),
    };
    let mut txn = store.db.begin_write()?;
    store.begin(&txn)?;
    let mut txn_opt = Some(txn);
    let mut pending = 0usize;
    let mut first_pending: Option<Instant> = None;
    loop {
        txn = match txn_opt.take() {
            Some(t) => t,
            None => store.db.begin_write()?,
        };
        let wait = first_pending.map_or(Duration::from_secs(3600), |t| {
            COMMIT_AFTER.saturating_sub(t.elapsed())
        });
        match rx.recv_timeout(wait) {
            Ok(Cmd::Take { max, reply }) => {
                let jobs = store.take(&txn, max)?;
                let _ = reply.send((jobs, store.queued));
            }
            Ok(Cmd::Done(o)) => {
                store.apply(&txn, *o)?;
                pending += 1;
                first_pending.get_or_insert_with(Instant::now);
            }
            Ok(Cmd::Finish { reply }) => {
                {
                    let mut meta = txn.open_table(META)?;
                    meta.insert("running", "0")?;
                    meta.insert("finished", Utc::now().to_rfc3339().as_str())?;
                }
                store.commit(txn)?;
                let _ = reply.send(store.counters.clone());
                return Ok(());
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                // The crawl was dropped (interrupted): keep what is done; it resumes next time.
                store.commit(txn)?;
                return Ok(());
            }
        }
        if pending >= store.cfg.commit_every
            || first_pending.is_some_and(|t| t.elapsed() >= COMMIT_AFTER)
        {
            store.commit(txn)?;
            pending = 0;
            first_pending = None;
        } else {
            txn_opt = Some(txn);
        }
    }
}

impl Store {
    fn commit(&mut self, txn: WriteTransaction) -> Result<()> {
        self.writer.sync()?;
        {
            let mut meta = txn.open_table(META)?;
            meta.insert("seq", self.seq.to_string().as_str())?;
        }
        txn.commit()?;
        Ok(())
    }

    /// Resumes an unfinished crawl (requeueing URLs that were in flight) or starts a new one.
    fn begin(&mut self, txn: &WriteTransaction) -> Result<()> {
        let mut meta = txn.open_table(META)?;
        let running = meta.get("running")?.is_some_and(|v| v.value() == "1");
        let id: u64 = meta
            .get("crawl_id")?
            .and_then(|v| v.value().parse().ok())
            .unwrap_or(0);
        self.seq = meta
            .get("seq")?
            .and_then(|v| v.value().parse().ok())
            .unwrap_or(0);
        let mut frontier = txn.open_table(FRONTIER)?;
        let mut inflight = txn.open_table(INFLIGHT)?;
        if running && id > 0 {
            self.crawl_id = id;
            self.counters.resumed = true;
            let mut back = Vec::new();
            while let Some((_, v)) = inflight.pop_first()? {
                back.push(v.value().to_vec());
            }
            tracing::info!(
                crawl = id,
                requeued = back.len(),
                "resuming an interrupted crawl"
            );
            for v in back {
                self.seq += 1;
                frontier.insert(self.seq, v.as_slice())?;
            }
            drop(frontier);
            drop(inflight);
            drop(meta);
        } else {
            self.crawl_id = id + 1;
            frontier.retain(|_, _| false)?;
            inflight.retain(|_, _| false)?;
            txn.open_table(SHAPES)?.retain(|_, _| false)?;
            meta.insert("crawl_id", self.crawl_id.to_string().as_str())?;
            meta.insert("running", "1")?;
            meta.insert("started", Utc::now().to_rfc3339().as_str())?;
            drop(frontier);
            drop(inflight);
            drop(meta);
            let seeds = std::mem::take(&mut self.cfg.seeds);
            for s in seeds {
                self.enqueue(txn, s, Origin::Seed)?;
            }
            // Known pages are revisited (conditionally) even when no link leads to them any more:
            // that is how deletions are seen.
            let known: Vec<Job> = {
                let urls = txn.open_table(URLS)?;
                let mut v = Vec::new();
                for row in urls.iter()? {
                    let (k, st) = row?;
                    let st: UrlState = get_json(st.value())?;
                    if st.ever_ok && st.deleted_at.is_none() {
                        if let Some(url) = st.last_url.clone() {
                            v.push(Job {
                                url,
                                key: k.value().to_string(),
                                via: st.via.clone(),
                                via_column: st.via_column.clone(),
                                listed: st.listed,
                                ..Job::default()
                            });
                        }
                    }
                }
                v
            };
            for j in known {
                self.enqueue(txn, j, Origin::Known)?;
            }
        }
        self.requeue_held(txn, running && id > 0)?;
        self.counters.crawl_id = self.crawl_id;
        self.queued = txn.open_table(FRONTIER)?.len()?;
        Ok(())
    }

    /// Queues the URLs held back (robots.txt unavailable) by an earlier run, unless this crawl
    /// already has them: a new crawl may have queued them as seeds or known pages.
    fn requeue_held(&mut self, txn: &WriteTransaction, resumed: bool) -> Result<()> {
        let mut held = Vec::new();
        {
            let mut table = txn.open_table(HELD)?;
            while let Some((_, v)) = table.pop_first()? {
                held.push(v.value().to_vec());
            }
        }
        let n = held.len();
        let mut urls = txn.open_table(URLS)?;
        let mut frontier = txn.open_table(FRONTIER)?;
        for v in held {
            let job: Job = get_json(&v)?;
            let mut st: UrlState = match urls.get(job.key.as_str())? {
                Some(s) => get_json(s.value())?,
                None => UrlState::default(),
            };
            let queued = if resumed {
                st.done_crawl == self.crawl_id
            } else {
                st.seen_crawl == self.crawl_id
            };
            if queued {
                continue;
            }
            st.seen_crawl = self.crawl_id;
            urls.insert(job.key.as_str(), serde_json::to_vec(&st)?.as_slice())?;
            self.seq += 1;
            frontier.insert(self.seq, v.as_slice())?;
        }
        if n > 0 {
            tracing::info!(
                urls = n,
                "queued the URLs held back while robots.txt was unavailable"
            );
        }
        Ok(())
    }

    fn take(&mut self, txn: &WriteTransaction, max: usize) -> Result<Vec<Job>> {
        let mut out = Vec::new();
        let mut frontier = txn.open_table(FRONTIER)?;
        let mut inflight = txn.open_table(INFLIGHT)?;
        let urls = txn.open_table(URLS)?;
        while out.len() < max {
            if self.cfg.max_pages.is_some_and(|m| self.dispatched >= m) {
                break;
            }
            let Some((_, v)) = frontier.pop_first()? else {
                break;
            };
            self.queued = self.queued.saturating_sub(1);
            let mut job: Job = get_json(v.value())?;
            drop(v);
            let st: UrlState = match urls.get(job.key.as_str())? {
                Some(v) => get_json(v.value())?,
                None => UrlState::default(),
            };
            if st.done_crawl == self.crawl_id {
                continue;
            }
            job.etag = st.etag.clone();
            job.last_modified = st.last_modified.clone();
            job.ever_ok = st.ever_ok && st.deleted_at.is_none();
            job.is_list = st.is_list;
            if job.via.is_none() {
                job.via = st.via.clone();
                job.via_column = st.via_column.clone();
            }
            inflight.insert(job.key.as_str(), serde_json::to_vec(&job)?.as_slice())?;
            self.dispatched += 1;
            out.push(job);
        }
        Ok(out)
    }

    /// Queues a URL unless already seen in this crawl (or beyond the depth, redirect or trap
    /// limits).
    fn enqueue(&mut self, txn: &WriteTransaction, job: Job, origin: Origin) -> Result<()> {
        if origin == Origin::Found && job.depth > self.cfg.max_depth {
            return Ok(());
        }
        if job.redirects > self.cfg.max_redirects {
            return self.fail(txn, "redirect-limit", &job.key, "too many redirects");
        }
        let mut st: UrlState = {
            let mut urls = txn.open_table(URLS)?;
            let mut st: UrlState = match urls.get(job.key.as_str())? {
                Some(v) => get_json(v.value())?,
                None => UrlState::default(),
            };
            if st.seen_crawl == self.crawl_id {
                if job.redirects > 0
                    && st.done_crawl == self.crawl_id
                    && st.status.is_some_and(is_redirect)
                {
                    drop(urls);
                    return self.fail(
                        txn,
                        "redirect-loop",
                        &job.key,
                        "redirect back to a redirecting page",
                    );
                }
                if job.via.is_some() && st.via.is_none() && st.done_crawl != self.crawl_id {
                    st.via = job.via.clone();
                    st.via_column = job.via_column.clone();
                    urls.insert(job.key.as_str(), serde_json::to_vec(&st)?.as_slice())?;
                }
                return Ok(());
            }
            st
        };
        if origin != Origin::Seed {
            if let Some(why) = self.trap_limit(txn, &job, origin == Origin::Found)? {
                return self.fail(txn, "trap-limit", &job.key, &why);
            }
        }
        st.seen_crawl = self.crawl_id;
        st.listed |= job.listed;
        if job.via.is_some() {
            st.via = job.via.clone();
            st.via_column = job.via_column.clone();
        }
        txn.open_table(URLS)?
            .insert(job.key.as_str(), serde_json::to_vec(&st)?.as_slice())?;
        let mut job = job;
        job.seed = origin == Origin::Seed;
        self.seq += 1;
        txn.open_table(FRONTIER)?
            .insert(self.seq, serde_json::to_vec(&job)?.as_slice())?;
        self.queued += 1;
        Ok(())
    }

    /// Why a URL is a trap (`enforce`: a found URL, not a known page): its structure, or its
    /// shape's budget already spent in this crawl. Otherwise the URL is counted in its shape's
    /// budget, unless it is the site's own content: read from a list, or linked by a list page.
    fn trap_limit(
        &mut self,
        txn: &WriteTransaction,
        job: &Job,
        enforce: bool,
    ) -> Result<Option<String>> {
        let Ok(url) = url::Url::parse(&job.url) else {
            return Ok(None);
        };
        match trap::check(&url) {
            trap::Check::Trap(why) if enforce => Ok(Some(why)),
            trap::Check::Budget(shape) if !job.listed && job.via.is_none() => {
                let mut shapes = txn.open_table(SHAPES)?;
                let n = shapes.get(shape.as_str())?.map_or(0, |v| v.value());
                let max = u64::from(self.cfg.max_shape_urls);
                if enforce && n >= max {
                    return Ok(Some(format!(
                        "{max} URLs shaped {shape} already in this crawl"
                    )));
                }
                shapes.insert(shape.as_str(), n + 1)?;
                Ok(None)
            }
            _ => Ok(None),
        }
    }

    fn fail(&mut self, txn: &WriteTransaction, kind: &str, key: &str, msg: &str) -> Result<()> {
        txn.open_table(FAILURES)?.insert((kind, key), msg)?;
        if self.counted.insert((kind.to_string(), key.to_string())) {
            *self
                .counters
                .failed_by_kind
                .entry(kind.to_string())
                .or_default() += 1;
        }
        let mut urls = txn.open_table(URLS)?;
        let mut st: UrlState = match urls.get(key)? {
            Some(v) => get_json(v.value())?,
            None => UrlState::default(),
        };
        st.failure = Some(kind.to_string());
        if !st.failure_kinds.iter().any(|k| k == kind) {
            st.failure_kinds.push(kind.to_string());
        }
        urls.insert(key, serde_json::to_vec(&st)?.as_slice())?;
        Ok(())
    }

    fn apply(&mut self, txn: &WriteTransaction, o: Outcome) -> Result<()> {
        match o.status {
            Some(s) if s < 500 => self.counters.answered += 1,
            _ => {
                let own = o.failures.iter().find(|(_, k, _)| *k == o.job.key);
                if let Some((kind, _, msg)) = own.filter(|(k, _, _)| !NOT_DUE.contains(&k.as_str()))
                {
                    self.counters
                        .unreached
                        .entry(kind.clone())
                        .or_insert_with(|| (0, msg.clone()))
                        .0 += 1;
                }
            }
        }
        for s in o.stored {
            self.store_exchange(txn, s)?;
        }
        // Clear old failures of the job's URL when it now succeeded.
        if o.failures.iter().all(|(_, k, _)| *k != o.job.key) {
            let mut urls = txn.open_table(URLS)?;
            let st: Option<UrlState> = match urls.get(o.job.key.as_str())? {
                Some(v) => Some(get_json(v.value())?),
                None => None,
            };
            if let Some(mut st) = st {
                let mut kinds = std::mem::take(&mut st.failure_kinds);
                kinds.extend(st.failure.take());
                if !kinds.is_empty() {
                    urls.insert(o.job.key.as_str(), serde_json::to_vec(&st)?.as_slice())?;
                    drop(urls);
                    let mut failures = txn.open_table(FAILURES)?;
                    for kind in kinds {
                        failures.remove((kind.as_str(), o.job.key.as_str()))?;
                    }
                }
            }
        }
        for (kind, key, msg) in &o.failures {
            self.fail(txn, kind, key, msg)?;
        }
        if o.held {
            // Not done: the next run queues it again.
            txn.open_table(HELD)?
                .insert(o.job.key.as_str(), serde_json::to_vec(&o.job)?.as_slice())?;
            txn.open_table(INFLIGHT)?.remove(o.job.key.as_str())?;
            self.counters.held_back += 1;
            return Ok(());
        }
        {
            let mut urls = txn.open_table(URLS)?;
            let mut st: UrlState = match urls.get(o.job.key.as_str())? {
                Some(v) => get_json(v.value())?,
                None => UrlState::default(),
            };
            st.done_crawl = self.crawl_id;
            st.seen_crawl = self.crawl_id;
            urls.insert(o.job.key.as_str(), serde_json::to_vec(&st)?.as_slice())?;
        }
        for f in o.found {
            self.enqueue(txn, f, Origin::Found)?;
        }
        txn.open_table(INFLIGHT)?.remove(o.job.key.as_str())?;
        Ok(())
    }

    fn store_exchange(&mut self, txn: &WriteTransaction, s: Stored) -> Result<()> {
        let mut urls = txn.open_table(URLS)?;
        let mut st: UrlState = match urls.get(s.key.as_str())? {
            Some(v) => get_json(v.value())?,
            None => UrlState::default(),
        };
        let x = &s.x;
        let revisit = x.status == 304;
        // The archive keeps the bytes as received; their digest is the payload digest.
        let digest = jinan_corpus::sha1_digest(&x.payload);
        let fetch = Fetch {
            url: x.url.as_str(),
            captured_at: x.captured_at,
            ip: x.ip,
            request: &x.request,
            response_head: &x.response_head,
            body: &x.payload,
            revisit: revisit.then_some(Revisit {
                refers_to_date: st.captured_at,
                refers_to_record: None,
                digest: st.digest.as_deref(),
            }),
            via: s.via.as_deref(),
            via_column: s.via_column.as_deref(),
            truncated: x.truncated,
        };
        self.writer.write_fetch(&fetch)?;
        self.counters.fetched += 1;
        self.counters.bytes += x.payload.len() as u64;
        let change = st.record(&Observed {
            url: x.url.as_str(),
            status: x.status,
            captured_at: x.captured_at,
            digest,
            etag: x.header("etag"),
            last_modified: x.header("last-modified"),
            is_list: s.is_list,
        });
        match change {
            Change::New => self.counters.new += 1,
            Change::Changed => self.counters.changed += 1,
            Change::NotModified => self.counters.not_modified += 1,
            Change::Deleted => self.counters.deleted += 1,
            Change::Same => {}
        }
        st.seen_crawl = self.crawl_id;
        st.done_crawl = self.crawl_id;
        urls.insert(s.key.as_str(), serde_json::to_vec(&st)?.as_slice())?;
        Ok(())
    }
}

/// The state opened for reading.
enum ReadDb {
    ReadOnly(redb::ReadOnlyDatabase),
    Repaired(Database),
}

impl ReadDb {
    /// Opens the state for reading. A state left by a killed crawl must be repaired first, which
    /// a read-only open cannot do: it is then opened for writing once (no crawl holds it, or the
    /// open would not have needed a repair), which repairs it.
    fn open(path: &Path) -> Result<ReadDb> {
        match redb::ReadOnlyDatabase::open(path) {
            Ok(db) => Ok(ReadDb::ReadOnly(db)),
            Err(redb::DatabaseError::RepairAborted) => {
                tracing::info!(path = %path.display(), "repairing the state of an interrupted crawl");
                Ok(ReadDb::Repaired(open_db(path)?))
            }
            Err(e) => Err(e.into()),
        }
    }

    fn begin_read(&self) -> Result<redb::ReadTransaction> {
        Ok(match self {
            ReadDb::ReadOnly(db) => db.begin_read()?,
            ReadDb::Repaired(db) => db.begin_read()?,
        })
    }
}

/// `jinan stats` for the crawl side. A corpus without state has empty stats.
pub fn stats(corpus_dir: &Path) -> Result<CrawlStats> {
    let warc = jinan_corpus::warc_dir(corpus_dir);
    let (files, bytes) = jinan_corpus::warc_size(&warc)?;
    let mut out = CrawlStats {
        warc_files: files,
        warc_bytes: bytes,
        ..CrawlStats::default()
    };
    let path = corpus_dir.join("state.redb");
    if !path.exists() {
        return Ok(out);
    }
    let db = ReadDb::open(&path)?;
    let txn = db.begin_read()?;
    match txn.open_table(URLS) {
        Ok(urls) => {
            for row in urls.iter()? {
                let (_, v) = row?;
                let st: UrlState = get_json(v.value())?;
                out.urls_known += 1;
                out.pages_fetched += st.captures;
                if let Some(s) = st.status {
                    *out.pages_by_status.entry(s.to_string()).or_default() += 1;
                }
            }
        }
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(out),
        Err(e) => return Err(e.into()),
    }
    // Tables are created on first write: a crawl with no failure yet has no FAILURES table.
    let mut by_kind: BTreeMap<String, FailureCount> = BTreeMap::new();
    match txn.open_table(FAILURES) {
        Ok(failures) => {
            for row in failures.iter()? {
                let (k, _) = row?;
                let (kind, url) = k.value();
                let e = by_kind
                    .entry(kind.to_string())
                    .or_insert_with(|| FailureCount {
                        kind: kind.to_string(),
                        ..Default::default()
                    });
                e.count += 1;
                if e.examples.len() < 5 {
                    e.examples.push(url.to_string());
                }
            }
        }
        Err(redb::TableError::TableDoesNotExist(_)) => {}
        Err(e) => return Err(e.into()),
    }
    out.failures = by_kind.into_values().collect();
    let meta = match txn.open_table(META) {
        Ok(m) => m,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(out),
        Err(e) => return Err(e.into()),
    };
    let time = |k: &str| -> Result<Option<DateTime<Utc>>> {
        Ok(meta
            .get(k)?
            .and_then(|v| DateTime::parse_from_rfc3339(v.value()).ok())
            .map(|d| d.with_timezone(&Utc)))
    };
    out.last_crawl_started = time("started")?;
    out.last_crawl_finished = time("finished")?;
    Ok(out)
}
