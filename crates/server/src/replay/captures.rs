//! The capture index replay looks up: URL + time → the capture (WARC file + offset), in memory.
//!
//! A request must not scan WARC files, and the archive grows while the server runs (every crawl
//! appends). So the index is read once at start, then followed: at most every [`REFRESH_EVERY`] a
//! request checks the WARC folder's fingerprint (names and sizes, a `readdir` and a few `stat`s) and,
//! when it changed, reads only the captures after the saved cursor. Entries are grouped by the
//! URL's key (the corpus's canonical form, `jinan_corpus::canon::canonicalize`, without the scheme),
//! oldest first.
//!
//! The nearest capture wins, as in pywb and the Wayback Machine. Captures that are not versions of
//! the page are left out of lookups and TimeMaps: outages (5xx, 429, 408, which the crawler
//! retried) and redirects to the same address (a cookie wall), as pywb skips self-redirects. A
//! revisit is resolved through the index, never guessed: to the latest response before it with
//! the payload digest it names.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use jinan_corpus::Cursor;
use url::Url;

use super::archive::{self, Entry};

/// How often a request may look for new captures.
pub const REFRESH_EVERY: Duration = Duration::from_millis(500);

/// How long a request waits for the first reading of a large archive before it is answered
/// `503` (well inside the server's request timeout, so the client hears why).
pub const FIRST_LOAD_WAIT: Duration = Duration::from_secs(5);

/// The index: captures by URL key, and what has been read of the archive.
pub struct Captures {
    warc_dir: PathBuf,
    by_key: RwLock<HashMap<String, Vec<Entry>>>,
    read: Mutex<ReadState>,
    loaded: AtomicBool,
    /// Set (and waiters woken) when the first reading of the archive has ended.
    first_load: (Mutex<bool>, Condvar),
    last_refresh_ms: AtomicU64,
    epoch: Instant,
}

#[derive(Default)]
struct ReadState {
    cursor: Option<Cursor>,
    fingerprint: Vec<(String, u64)>,
}

impl Captures {
    /// An empty index over `warc_dir` (read on the first [`Captures::refresh_if_due`]).
    pub fn new(warc_dir: &Path) -> Captures {
        Captures {
            warc_dir: warc_dir.to_path_buf(),
            by_key: RwLock::new(HashMap::new()),
            read: Mutex::new(ReadState::default()),
            loaded: AtomicBool::new(false),
            first_load: (Mutex::new(false), Condvar::new()),
            last_refresh_ms: AtomicU64::new(0),
            epoch: Instant::now(),
        }
    }

    /// The WARC folder.
    pub fn warc_dir(&self) -> &Path {
        &self.warc_dir
    }

    /// The key of a URL: canonical form, scheme dropped (`http` and `https` are one address).
    pub fn key(&self, url: &Url) -> String {
        let c = jinan_corpus::canon::canonicalize(url);
        let s = c.as_str();
        s.split_once("://").map_or(s, |(_, rest)| rest).to_string()
    }

    /// True when the last refresh is older than [`REFRESH_EVERY`] or nothing was read yet.
    pub fn refresh_due(&self) -> bool {
        if !self.loaded.load(Ordering::Acquire) {
            return true;
        }
        let now = self.epoch.elapsed().as_millis() as u64;
        now.saturating_sub(self.last_refresh_ms.load(Ordering::Acquire))
            >= REFRESH_EVERY.as_millis() as u64
    }

    /// Reads new captures if due. Blocking. Errors are logged and the index kept as it is.
    /// False only while the first reading of the archive is still going on in another thread
    /// after [`FIRST_LOAD_WAIT`]: the caller answers "not ready" rather than 404 for what is not
    /// read yet.
    pub fn refresh_if_due(&self) -> bool {
        if !self.refresh_due() {
            return true;
        }
        // One reader at a time; the others answer from what is already read, or, before the
        // first reading has ended, wait for it (bounded).
        let mut st = match self.read.try_lock() {
            Ok(st) => st,
            Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => return self.wait_first_load(),
        };
        if let Err(e) = self.refresh_locked(&mut st) {
            tracing::warn!(error = %e, "cannot read new captures; replaying what is indexed");
        }
        self.loaded.store(true, Ordering::Release);
        let now = self.epoch.elapsed().as_millis() as u64;
        self.last_refresh_ms.store(now, Ordering::Release);
        drop(st);
        let (done, cv) = &self.first_load;
        *done.lock().unwrap_or_else(|p| p.into_inner()) = true;
        cv.notify_all();
        true
    }

    /// Waits up to [`FIRST_LOAD_WAIT`] for the first reading; true once it has ended.
    fn wait_first_load(&self) -> bool {
        if self.loaded.load(Ordering::Acquire) {
            return true;
        }
        let (done, cv) = &self.first_load;
        let guard = done.lock().unwrap_or_else(|p| p.into_inner());
        let (guard, _) = cv
            .wait_timeout_while(guard, FIRST_LOAD_WAIT, |d| !*d)
            .unwrap_or_else(|p| p.into_inner());
        *guard
    }

    fn refresh_locked(&self, st: &mut ReadState) -> Result<(), archive::Error> {
        let fp = archive::fingerprint(&self.warc_dir)?;
        if self.loaded.load(Ordering::Acquire) && fp == st.fingerprint {
            return Ok(());
        }
        let (entries, cursor) = archive::entries_since(&self.warc_dir, st.cursor.as_ref())?;
        let n = entries.len();
        if n > 0 {
            let mut grouped: HashMap<String, Vec<Entry>> = HashMap::new();
            for mut e in entries {
                let Ok(url) = Url::parse(&e.url) else {
                    continue;
                };
                let key = self.key(&url);
                e.self_redirect = e
                    .redirect
                    .as_deref()
                    .and_then(|r| Url::parse(r).ok())
                    .is_some_and(|r| self.key(&r) == key);
                if is_version(&e) {
                    grouped.entry(key).or_default().push(e);
                }
            }
            let mut map = self.by_key.write().unwrap_or_else(|p| p.into_inner());
            for (k, mut new) in grouped {
                let list = map.entry(k).or_default();
                list.append(&mut new);
                list.sort_by_key(|e| e.at);
            }
        }
        tracing::debug!(new = n, "capture index read the archive");
        st.cursor = Some(cursor);
        st.fingerprint = fp;
        Ok(())
    }

    /// Every capture of `url`, oldest first (empty when none).
    pub fn list(&self, url: &Url) -> Vec<Entry> {
        let key = self.key(url);
        let map = self.by_key.read().unwrap_or_else(|p| p.into_inner());
        map.get(&key).cloned().unwrap_or_default()
    }

    /// True when `url` has a capture that can be replayed.
    pub fn has(&self, url: &Url) -> bool {
        let key = self.key(url);
        let map = self.by_key.read().unwrap_or_else(|p| p.into_inner());
        map.contains_key(&key)
    }
}

/// True for a capture that shows a version of the page (see the module doc).
fn is_version(e: &Entry) -> bool {
    !(e.status >= 500 || e.status == 429 || e.status == 408 || e.self_redirect)
}

/// The capture of `list` (oldest first) nearest to `at`, at the seconds a timestamp names (a
/// capture's own `/web/<ts>/` link leads to it); an earlier one wins a tie.
pub fn nearest(list: &[Entry], at: DateTime<Utc>) -> Option<&Entry> {
    list.iter()
        .min_by_key(|e| jinan_types::seconds_apart(&e.at, &at))
}

/// The response a revisit confirms: the latest response before it with the digest it names, or,
/// failing that, any response with that digest.
pub fn revisited<'a>(list: &'a [Entry], revisit: &Entry) -> Option<&'a Entry> {
    let digest = revisit.digest.as_deref()?;
    let same = |e: &&Entry| !e.revisit && e.digest.as_deref() == Some(digest);
    list.iter()
        .filter(same)
        .rfind(|e| e.at <= revisit.at)
        .or_else(|| list.iter().find(same))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use jinan_corpus::WarcLocation;

    fn e(day: u32, status: u16, revisit: bool, digest: &str) -> Entry {
        Entry {
            url: "http://h/a".into(),
            at: Utc.with_ymd_and_hms(2024, 1, day, 0, 0, 0).unwrap(),
            status,
            revisit,
            digest: Some(digest.into()),
            mime: None,
            location: WarcLocation {
                file: "f".into(),
                offset: u64::from(day),
            },
            redirect: None,
            self_redirect: false,
        }
    }

    #[test]
    fn nearest_wins_and_earlier_wins_a_tie() {
        let l = vec![
            e(1, 200, false, "a"),
            e(11, 200, false, "b"),
            e(21, 404, false, "c"),
        ];
        let at = |d| Utc.with_ymd_and_hms(2024, 1, d, 0, 0, 0).unwrap();
        assert_eq!(nearest(&l, at(2)).unwrap().location.offset, 1);
        assert_eq!(nearest(&l, at(6)).unwrap().location.offset, 1);
        assert_eq!(nearest(&l, at(17)).unwrap().location.offset, 21);
        assert!(nearest(&[], at(1)).is_none());
    }

    #[test]
    fn a_timestamp_names_its_whole_second() {
        // Captures at 19:06:30.397 and 19:06:31.997: `/web/20261202190631/` is the second one's
        // own link, though 19:06:31.000 is nearer the first in milliseconds (a CI failure).
        let at = |s, ms| {
            Utc.with_ymd_and_hms(2026, 12, 2, 19, 6, s).unwrap()
                + chrono::Duration::milliseconds(ms)
        };
        let mut l = vec![e(1, 200, false, "a"), e(2, 200, false, "b")];
        l[0].at = at(30, 397);
        l[1].at = at(31, 997);
        assert_eq!(nearest(&l, at(31, 0)).unwrap().location.offset, 2);
        assert_eq!(nearest(&l, at(30, 0)).unwrap().location.offset, 1);
    }

    #[test]
    fn outages_and_self_redirects_are_not_versions() {
        assert!(!is_version(&e(1, 503, false, "x")));
        assert!(!is_version(&e(1, 429, false, "x")));
        let mut wall = e(1, 302, false, "x");
        wall.self_redirect = true;
        assert!(!is_version(&wall));
        assert!(is_version(&e(1, 404, false, "x")));
        assert!(is_version(&e(1, 304, true, "x")));
    }

    #[test]
    fn revisits_resolve_by_digest_to_the_latest_earlier_response() {
        let l = vec![
            e(1, 200, false, "a"),
            e(2, 200, false, "b"),
            e(3, 200, false, "a"),
            e(4, 304, true, "a"),
        ];
        assert_eq!(revisited(&l, &l[3]).unwrap().location.offset, 3);
        let lone = e(9, 304, true, "zzz");
        assert!(revisited(&l, &lone).is_none());
    }
}
