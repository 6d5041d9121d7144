//! Values derived once from a set of segments (facet codes per document, the copies found so far)
//! and kept while that set is searched: a searcher's segments are immutable, so what is read from
//! them stays true until a commit, a merge or a deletion changes the set. Only what is linear in the documents and needed by the
//! search that asks belongs here: every `jinan search` process builds it again.

use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;

use crate::error::Result;

/// One value for the segments last searched (and their deleted documents), rebuilt when they
/// change.
pub(crate) struct PerSegments<T>(Mutex<Option<(SegmentsSeen, Arc<T>)>>);

/// Each segment of a searcher with its count of deleted documents.
type SegmentsSeen = Vec<(SegmentId, u32)>;

impl<T> Default for PerSegments<T> {
    fn default() -> Self {
        PerSegments(Mutex::new(None))
    }
}

impl<T> PerSegments<T> {
    /// The value for `searcher`'s segments: the first search after a change builds it while the
    /// others wait (so it is built once), later ones share it.
    pub(crate) fn get(
        &self,
        searcher: &tantivy::Searcher,
        build: impl FnOnce(&tantivy::Searcher) -> Result<T>,
    ) -> Result<Arc<T>> {
        let ids: SegmentsSeen = searcher
            .segment_readers()
            .iter()
            .map(|s| (s.segment_id(), s.num_deleted_docs()))
            .collect();
        let mut slot = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, value)) = slot.as_ref().filter(|(seen, _)| *seen == ids) {
            return Ok(Arc::clone(value));
        }
        let value = Arc::new(build(searcher)?);
        *slot = Some((ids, Arc::clone(&value)));
        Ok(value)
    }
}
