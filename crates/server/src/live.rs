//! The index as the server sees it: opened when it appears, refreshed while it changes.
//!
//! `jinan index` commits and `jinan index --rebuild` swaps generations while the server runs. The
//! server must answer from the new index within two seconds without a restart and without failing
//! a request meanwhile. [`LiveIndex`] keeps one [`Searcher`] and asks it to refresh at most every
//! [`REFRESH_EVERY`] (the searcher itself swaps its reader atomically, so requests in flight keep
//! the old one). Before the first index exists it retries opening at the same pace, answering 503
//! until then. All index calls are blocking, so they run on tokio's blocking pool, a few at a time
//! ([`index_turns`]): the others wait their turn in arrival order.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use jinan_index::Searcher;

use crate::error::ApiError;

/// How often the index is checked for new commits or a new generation.
pub const REFRESH_EVERY: Duration = Duration::from_millis(500);

/// How many index calls may run at once: Elasticsearch's size for its search thread pool, one
/// and a half per core plus one (4 on 2 cores), so that a core freed by one call finds the next
/// one ready while the rest wait in line.
pub fn index_turns() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    cores * 3 / 2 + 1
}

/// Articles per column, most first.
pub type Columns = Arc<Vec<(String, u64)>>;

/// The server's handle on the index directory.
pub struct LiveIndex {
    dir: PathBuf,
    searcher: RwLock<Option<Arc<Searcher>>>,
    /// Milliseconds since `epoch` of the last refresh attempt.
    last_refresh_ms: AtomicU64,
    /// True while one caller refreshes, so that others do not pile up behind it.
    refreshing: AtomicBool,
    epoch: Instant,
    /// Bumped whenever the searcher sees something new (opened, new commit, new generation).
    version: AtomicU64,
    /// Articles per column, for the page's filter, and the version they were counted at.
    columns: Mutex<Option<(u64, Columns)>>,
    /// The turns of index calls ([`index_turns`], see [`LiveIndex::with_live`]).
    turns: Arc<Semaphore>,
}

impl LiveIndex {
    /// A handle on `dir`; opens the index now if it exists (a missing index is not an error: it
    /// is opened when it appears).
    pub fn new(dir: &Path) -> LiveIndex {
        let live = LiveIndex {
            dir: dir.to_path_buf(),
            searcher: RwLock::new(None),
            last_refresh_ms: AtomicU64::new(0),
            refreshing: AtomicBool::new(false),
            epoch: Instant::now(),
            version: AtomicU64::new(0),
            columns: Mutex::new(None),
            turns: Arc::new(Semaphore::new(index_turns())),
        };
        live.refresh_now();
        live
    }

    /// The index directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// True when the last refresh is older than [`REFRESH_EVERY`] (two atomic reads).
    pub fn refresh_due(&self) -> bool {
        let now = self.epoch.elapsed().as_millis() as u64;
        let last = self.last_refresh_ms.load(Ordering::Acquire);
        now.saturating_sub(last) >= REFRESH_EVERY.as_millis() as u64
    }

    /// Refreshes when the last refresh is older than [`REFRESH_EVERY`] and nobody else is at it.
    /// Blocking; cheap when nothing changed.
    pub fn refresh_if_due(&self) {
        if self.refresh_due() {
            self.refresh_now();
        }
    }

    /// The current [`LiveIndex::version`], refreshing first (on the blocking pool) when due, so
    /// that a cached answer is never served for longer than a refresh period after a change.
    pub async fn fresh_version(self: &Arc<Self>) -> u64 {
        if self.refresh_due() {
            let live = self.clone();
            if let Err(e) = tokio::task::spawn_blocking(move || live.refresh_if_due()).await {
                tracing::error!(error = %e, "index refresh task failed");
            }
        }
        self.version()
    }

    /// Refreshes (or opens) the index now, unless another caller is already doing it. Errors are
    /// logged and the current searcher kept: a failed refresh must not fail requests.
    pub fn refresh_now(&self) {
        self.exclusively(|| self.refresh_inner());
    }

    /// Runs `f` unless another caller is refreshing. The flag is cleared (and the refresh time
    /// stamped) by a guard, so a panic inside `f` cannot stop every later refresh.
    fn exclusively(&self, f: impl FnOnce()) {
        if self.refreshing.swap(true, Ordering::AcqRel) {
            return;
        }
        struct Done<'a>(&'a LiveIndex);
        impl Drop for Done<'_> {
            fn drop(&mut self) {
                let now = self.0.epoch.elapsed().as_millis() as u64;
                self.0.last_refresh_ms.store(now, Ordering::Release);
                self.0.refreshing.store(false, Ordering::Release);
            }
        }
        let _done = Done(self);
        f();
    }

    fn refresh_inner(&self) {
        match self.current() {
            Some(s) => match s.refresh() {
                Ok(true) => {
                    self.version.fetch_add(1, Ordering::AcqRel);
                    tracing::info!(dir = %self.dir.display(), "index changed; serving the new version")
                }
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "index refresh failed; still serving the previous version")
                }
            },
            None => match Searcher::open(&self.dir) {
                Ok(s) => {
                    tracing::info!(dir = %self.dir.display(), "index opened");
                    self.install(s);
                }
                Err(jinan_index::Error::NoIndex(_)) => {
                    tracing::debug!(dir = %self.dir.display(), "no index yet")
                }
                Err(e) => tracing::warn!(error = %e, "cannot open the index"),
            },
        }
    }

    /// The searcher being served. A lock poisoned by a panic elsewhere still holds a valid
    /// pointer (it is only ever swapped whole), so it is used rather than ignored.
    fn current(&self) -> Option<Arc<Searcher>> {
        self.searcher
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Serves `s` from now on.
    fn install(&self, s: Searcher) -> Arc<Searcher> {
        let s = Arc::new(s);
        *self.searcher.write().unwrap_or_else(|p| p.into_inner()) = Some(s.clone());
        self.version.fetch_add(1, Ordering::AcqRel);
        s
    }

    /// The searcher, or why there is none: a 503 naming the problem (no index yet, old schema).
    pub fn searcher(&self) -> Result<Arc<Searcher>, ApiError> {
        if let Some(s) = self.current() {
            return Ok(s);
        }
        // Say precisely why: open once more (cheap when the directory is empty).
        match Searcher::open(&self.dir) {
            Ok(s) => Ok(self.install(s)),
            Err(e) => Err(ApiError::from_index(e)),
        }
    }

    /// The version of the index being served: it changes whenever the searcher sees something
    /// new, so answers computed at one version are valid while it lasts.
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::Acquire)
    }

    /// Articles per column (most first), counted once per index version.
    pub fn columns(&self, s: &Searcher) -> Columns {
        let version = self.version();
        let mut slot = self.columns.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((v, cols)) = slot.as_ref() {
            if *v == version {
                return cols.clone();
            }
        }
        let cols = Arc::new(s.columns().unwrap_or_else(|e| {
            tracing::warn!(error = %e, "cannot list columns");
            Vec::new()
        }));
        *slot = Some((version, cols.clone()));
        cols
    }

    /// Runs `f` with the searcher on the blocking pool, refreshing first when due.
    pub async fn with<T, F>(self: &Arc<Self>, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Searcher) -> Result<T, ApiError> + Send + 'static,
    {
        self.with_live(move |_, s| f(s)).await
    }

    /// [`LiveIndex::with`], also handing `f` this handle (for [`LiveIndex::version`] and
    /// [`LiveIndex::columns`], read after the refresh).
    ///
    /// Index calls take turns ([`index_turns`] at once) in the order they arrive (a fair
    /// semaphore). With 64 searches at once, 64 threads sharing two cores would each finish late
    /// and all of them pay for the switching; in turns, a few run and the waiting is fair. A turn
    /// ends with the call, even when the client has gone.
    pub async fn with_live<T, F>(self: &Arc<Self>, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&LiveIndex, &Searcher) -> Result<T, ApiError> + Send + 'static,
    {
        let live = self.clone();
        let turn = self
            .turns
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| ApiError::Internal(format!("index turn: {e}")))?;
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            live.refresh_if_due();
            let s = live.searcher()?;
            f(&live, &s)
        })
        .await
        .map_err(|e| ApiError::Internal(format!("index task failed: {e}")))?
    }

    /// Refreshes every [`REFRESH_EVERY`] until the process ends, so an idle server is current too.
    pub async fn refresh_loop(self: Arc<Self>) {
        let mut tick = tokio::time::interval(REFRESH_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let live = self.clone();
            if let Err(e) = tokio::task::spawn_blocking(move || live.refresh_if_due()).await {
                tracing::error!(error = %e, "index refresh task failed");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index_in(dir: &Path) {
        let mut w = jinan_index::Writer::open(dir).unwrap();
        w.commit("{}").unwrap();
    }

    #[test]
    fn a_panicking_refresh_does_not_stop_later_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let live = LiveIndex::new(tmp.path());
        assert!(live.current().is_none());
        let hit = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            live.exclusively(|| panic!("refresh broke"))
        }));
        assert!(hit.is_err());
        assert!(!live.refreshing.load(Ordering::Acquire), "flag left set");
        // The index appears: the next refresh must still open it.
        index_in(tmp.path());
        live.refresh_now();
        assert!(live.current().is_some(), "refreshes stopped after a panic");
    }

    #[test]
    fn a_poisoned_lock_still_serves() {
        let tmp = tempfile::tempdir().unwrap();
        index_in(tmp.path());
        let live = Arc::new(LiveIndex::new(tmp.path()));
        assert!(live.current().is_some());
        let l = live.clone();
        let _ = std::thread::spawn(move || {
            let _g = l.searcher.write().unwrap();
            panic!("poison the lock");
        })
        .join();
        assert!(live.searcher.is_poisoned());
        assert!(live.current().is_some(), "a poisoned lock hid the index");
        assert!(live.searcher().is_ok());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn index_calls_take_turns() {
        use std::sync::{Condvar, Mutex as StdMutex};

        let tmp = tempfile::tempdir().unwrap();
        index_in(tmp.path());
        let live = Arc::new(LiveIndex::new(tmp.path()));
        let turns = index_turns();
        // (calls inside, most ever inside, gate open): calls wait inside for the gate.
        let state = Arc::new((StdMutex::new((0usize, 0usize, false)), Condvar::new()));
        let mut calls = Vec::new();
        for i in 0..turns * 4 {
            let (live, state) = (live.clone(), state.clone());
            calls.push(tokio::spawn(async move {
                live.with(move |_| {
                    let (lock, cv) = &*state;
                    let mut s = lock.lock().unwrap();
                    s.0 += 1;
                    s.1 = s.1.max(s.0);
                    cv.notify_all();
                    while !s.2 {
                        s = cv.wait(s).unwrap();
                    }
                    s.0 -= 1;
                    Ok(i)
                })
                .await
            }));
        }
        // Wait (on the condition, not the clock) until the first calls are in, then look.
        {
            let (lock, cv) = &*state;
            let mut s = lock.lock().unwrap();
            while s.0 < turns {
                s = cv.wait(s).unwrap();
            }
            assert_eq!(
                live.turns.available_permits(),
                0,
                "calls ran without a turn"
            );
            s.2 = true;
            cv.notify_all();
        }
        for (i, c) in calls.into_iter().enumerate() {
            assert_eq!(c.await.unwrap().unwrap(), i);
        }
        let most = state.0.lock().unwrap().1;
        assert!(
            most <= turns,
            "{most} index calls ran at once; at most {turns} may"
        );
        assert_eq!(
            live.turns.available_permits(),
            turns,
            "a turn was not given back"
        );
    }
}
