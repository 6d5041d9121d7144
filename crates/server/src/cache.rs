//! Answers to repeated requests, kept until the index changes.
//!
//! Researchers page back and forth and many clients ask the same popular queries; a search costs
//! milliseconds of CPU while a cached answer costs microseconds. [`AnswerCache`] keeps the bytes of
//! successful answers (API JSON, rendered pages) keyed by the index version ([`LiveIndex::version`])
//! and the request, so that an answer never outlives the index it came from: a new commit or a
//! swapped generation bumps the version, and older entries are simply never asked for again (the
//! LRU evicts them). Errors are never cached.
//!
//! [`LiveIndex::version`]: crate::LiveIndex::version

use axum::body::Bytes;

/// Entries kept (answers are a few kilobytes: at most some tens of megabytes in all).
pub const CACHED_ANSWERS: usize = 4096;

/// Requests whose key is longer than this are not cached (a query is at most 4 KB).
const MAX_KEY_BYTES: usize = 16 * 1024;

/// What kind of answer a key is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Api,
    Page,
}

/// The cache shared by the handlers.
pub struct AnswerCache {
    entries: quick_cache::sync::Cache<(u64, Kind, String), Bytes>,
    off: bool,
}

impl Default for AnswerCache {
    fn default() -> Self {
        AnswerCache::new(CACHED_ANSWERS)
    }
}

impl AnswerCache {
    /// A cache of at most `capacity` answers (0: caching off).
    pub fn new(capacity: usize) -> AnswerCache {
        AnswerCache {
            entries: quick_cache::sync::Cache::new(capacity.max(1)),
            off: capacity == 0,
        }
    }

    /// The answer for `request` of `kind` from index `version`, if cached.
    pub fn get(&self, version: u64, kind: Kind, request: &str) -> Option<Bytes> {
        if self.off || request.len() > MAX_KEY_BYTES {
            return None;
        }
        self.entries.get(&(version, kind, request.to_string()))
    }

    /// Keeps `answer`.
    pub fn put(&self, version: u64, kind: Kind, request: &str, answer: Bytes) {
        if !self.off && request.len() <= MAX_KEY_BYTES {
            self.entries
                .insert((version, kind, request.to_string()), answer);
        }
    }

    /// Entries held now.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_kept_per_version_and_kind() {
        let c = AnswerCache::new(16);
        c.put(1, Kind::Api, "q=a", Bytes::from_static(b"one"));
        assert_eq!(c.get(1, Kind::Api, "q=a").as_deref(), Some(&b"one"[..]));
        assert_eq!(c.get(1, Kind::Page, "q=a"), None);
        assert_eq!(
            c.get(2, Kind::Api, "q=a"),
            None,
            "a new index version misses"
        );
        let long = "x".repeat(MAX_KEY_BYTES + 1);
        c.put(1, Kind::Api, &long, Bytes::from_static(b"no"));
        assert_eq!(c.get(1, Kind::Api, &long), None);
        let off = AnswerCache::new(0);
        off.put(1, Kind::Api, "q=a", Bytes::from_static(b"one"));
        assert_eq!(off.get(1, Kind::Api, "q=a"), None);
        assert!(off.is_empty());
    }
}
