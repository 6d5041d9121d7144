//! The index writer: one document per URL, commits that carry the caller's payload, and new
//! generations for rebuilds.
//!
//! Crash safety comes from tantivy: a commit writes new segment files, then atomically replaces
//! `meta.json` (which lists the segments and holds our payload). Whatever happens before that
//! rename is invisible, and the files it left are garbage-collected when the next writer opens.
//! So after a crash the index is exactly the last commit, and the payload (the WARC cursor)
//! says where to resume. Re-applying captures after the cursor is harmless: upserts replace by URL.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use jinan_types::Document;
use tantivy::indexer::NoMergePolicy;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{
    collector::TopDocs, Index, IndexReader, IndexWriter, ReloadPolicy, SegmentMeta,
    TantivyDocument, Term,
};

use crate::error::{Error, Result};
use crate::generation;
use crate::schema::{self, Fields};

/// Writer tuning.
#[derive(Debug, Clone, Copy)]
pub struct WriterOptions {
    /// Total indexing memory budget in bytes (split between threads; tantivy needs >= 15 MB per thread).
    pub heap_bytes: usize,
    /// Indexing threads.
    pub threads: usize,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            heap_bytes: 200_000_000,
            threads: 2,
        }
    }
}

/// An article made into its index document (near-duplicate fingerprint included) by a
/// [`Preparer`], ready for [`Writer::upsert_prepared`].
pub struct Prepared {
    url: String,
    doc: TantivyDocument,
}

/// Makes [`Prepared`] documents for a [`Writer`]. Preparing is the part of an upsert that needs
/// no writer, and most of its CPU on the caller's thread (the MinHash fingerprint): a caller
/// with many articles prepares them on all cores, so that the one thread feeding the writer's
/// indexing threads never holds them up.
#[derive(Debug, Clone)]
pub struct Preparer {
    fields: Fields,
}

impl Preparer {
    /// The index document of `doc`.
    pub fn prepare(&self, doc: &Document) -> Prepared {
        Prepared {
            url: doc.article.url.clone(),
            doc: schema::to_tantivy(&self.fields, doc),
        }
    }

    /// [`Preparer::prepare`] of every document of `docs`, in order, on `threads` threads.
    pub fn prepare_all(&self, docs: &[Document], threads: usize) -> Vec<Prepared> {
        let chunk = docs.len().div_ceil(threads.max(1)).max(1);
        std::thread::scope(|s| {
            let parts: Vec<_> = docs
                .chunks(chunk)
                .map(|part| {
                    s.spawn(move || part.iter().map(|d| self.prepare(d)).collect::<Vec<_>>())
                })
                .collect();
            parts
                .into_iter()
                .flat_map(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect::<Vec<Prepared>>()
        })
    }
}

/// Writes one generation of the index. The caller (the CLI) holds `dir/.lock`, so there is one
/// writer per index directory.
pub struct Writer {
    dir: PathBuf,
    gen: String,
    index: Index,
    writer: IndexWriter,
    reader: IndexReader,
    fields: Fields,
    /// URLs added since the last commit (not yet visible to `reader`).
    pending: HashSet<String>,
    /// For a generation that was empty when opened (a rebuild, a first index): hashes of every URL
    /// written since. A URL not in it cannot be in the index, so its upsert needs no delete (a
    /// hash collision only costs a needless delete). None for a generation that had documents.
    written: Option<HashSet<u64>>,
    /// Payload of the last commit.
    payload: Option<String>,
    /// True for a `create_next` generation, which `publish` makes live.
    next: bool,
}

impl Writer {
    /// Opens the live generation named by `dir/CURRENT`, creating `dir`, a first generation and
    /// CURRENT if absent. Fails with [`Error::SchemaMismatch`] for an index of another schema.
    pub fn open(dir: &Path) -> Result<Writer> {
        Self::open_with(dir, WriterOptions::default())
    }

    /// [`Writer::open`] with explicit tuning.
    pub fn open_with(dir: &Path, options: WriterOptions) -> Result<Writer> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        match generation::read_current(dir)? {
            Some(gen) => {
                let index = generation::open(&dir.join(&gen))?;
                // Old generations a reader held at the last rebuild go once they are free.
                if let Some(n) = generation::gen_number(&gen) {
                    if let Err(e) = generation::remove_unused(dir, n) {
                        tracing::warn!(dir = %dir.display(), "could not remove old generations: {e}");
                    }
                }
                Self::new(dir, gen, index, options, false)
            }
            None => {
                let n = generation::list(dir)?.last().map_or(1, |(n, _)| n + 1);
                let gen = format!("gen-{n}");
                let index = generation::create(&dir.join(&gen))?;
                generation::write_current(dir, &gen)?;
                tracing::info!(dir = %dir.display(), %gen, "created a new index");
                Self::new(dir, gen, index, options, false)
            }
        }
    }

    /// A fresh, empty generation `gen-<n+1>` beside the live one, invisible until [`Writer::publish`].
    /// Leftovers of an earlier rebuild that was never published are removed first.
    pub fn create_next(dir: &Path) -> Result<Writer> {
        Self::create_next_with(dir, WriterOptions::default())
    }

    /// [`Writer::create_next`] with explicit tuning.
    pub fn create_next_with(dir: &Path, options: WriterOptions) -> Result<Writer> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let current = generation::read_current(dir)?
            .and_then(|g| generation::gen_number(&g))
            .unwrap_or(0);
        let gens = generation::list(dir)?;
        for (n, path) in &gens {
            if *n > current {
                tracing::info!(path = %path.display(), "removing an unpublished generation");
                std::fs::remove_dir_all(path).map_err(|e| Error::io(path, e))?;
            }
        }
        let n = current.max(
            gens.iter()
                .map(|(n, _)| *n)
                .filter(|n| *n <= current)
                .max()
                .unwrap_or(0),
        ) + 1;
        let gen = format!("gen-{n}");
        let index = generation::create(&dir.join(&gen))?;
        Self::new(dir, gen, index, options, true)
    }

    fn new(
        dir: &Path,
        gen: String,
        index: Index,
        options: WriterOptions,
        next: bool,
    ) -> Result<Writer> {
        let fields = schema::fields_of(&index.schema())?;
        let threads = options.threads.max(1);
        let heap = options.heap_bytes.max(threads * 15_000_000);
        let writer: IndexWriter = index.writer_with_num_threads(threads, heap)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let payload = index.load_metas()?.payload;
        let written = (reader.searcher().num_docs() == 0).then(HashSet::new);
        if written.is_some() {
            // A generation written from empty is merged into one segment per `SEGMENT_DOCS` when
            // the run ends ([`compaction`]): merging its segments meanwhile would only rewrite
            // the same postings twice (with a commit every few thousand captures, `jinan index`
            // spent about a sixth of its CPU in such merges).
            writer.set_merge_policy(Box::new(NoMergePolicy));
        }
        Ok(Writer {
            dir: dir.to_path_buf(),
            gen,
            index,
            writer,
            reader,
            fields,
            pending: HashSet::new(),
            written,
            payload,
            next,
        })
    }

    /// Name of the generation this writer writes (`gen-<n>`).
    pub fn generation(&self) -> &str {
        &self.gen
    }

    /// The payload of the last commit (None for a new index).
    pub fn payload(&self) -> Option<String> {
        self.payload.clone()
    }

    /// Adds `doc`, replacing any document with the same URL (in the same commit).
    pub fn upsert(&mut self, doc: &Document) -> Result<()> {
        let prepared = self.preparer().prepare(doc);
        self.upsert_prepared(prepared)
    }

    /// Makes documents ready for [`Writer::upsert_prepared`] on other threads.
    pub fn preparer(&self) -> Preparer {
        Preparer {
            fields: self.fields.clone(),
        }
    }

    /// [`Writer::upsert`] of a document a [`Preparer`] of this writer made.
    pub fn upsert_prepared(&mut self, prepared: Prepared) -> Result<()> {
        let Prepared { url, doc } = prepared;
        let first_time = self.written.as_mut().is_some_and(|w| {
            use std::hash::BuildHasher;
            w.insert(foldhash::fast::FixedState::default().hash_one(&url))
        });
        if !first_time {
            self.writer
                .delete_term(Term::from_field_text(self.fields.url, &url));
        }
        self.writer.add_document(doc)?;
        self.pending.insert(url);
        Ok(())
    }

    /// Marks the article at `url` deleted from the site at `at` (its text stays searchable; an
    /// earlier deletion time is kept). Ok(false) when the URL is not in the index.
    pub fn mark_deleted(&mut self, url: &str, at: DateTime<Utc>) -> Result<bool> {
        if self.pending.contains(url) {
            // The document is only in the writer's buffer; make it readable. Committing with the
            // previous payload is safe: the cursor does not move, and replaying is idempotent.
            let payload = self.payload.clone().unwrap_or_default();
            self.commit_inner(&payload, self.payload.is_some())?;
        }
        let Some(mut doc) = self.lookup(url)? else {
            return Ok(false);
        };
        if doc.deleted_at.is_none() {
            doc.deleted_at = Some(at);
            self.upsert(&doc)?;
        }
        Ok(true)
    }

    fn lookup(&self, url: &str) -> Result<Option<Document>> {
        let searcher = self.reader.searcher();
        let query = TermQuery::new(
            Term::from_field_text(self.fields.url, url),
            IndexRecordOption::Basic,
        );
        let top = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
        match top.first() {
            Some((_, addr)) => {
                let d: TantivyDocument = searcher.doc(*addr)?;
                Ok(Some(schema::from_tantivy(&self.fields, &d)?))
            }
            None => Ok(None),
        }
    }

    /// Commits everything added so far, atomically with `payload` (tantivy `prepare_commit` +
    /// `set_payload`): after a crash the index is exactly some commit and its payload.
    pub fn commit(&mut self, payload: &str) -> Result<()> {
        self.commit_inner(payload, true)
    }

    fn commit_inner(&mut self, payload: &str, set: bool) -> Result<()> {
        let mut prepared = self.writer.prepare_commit()?;
        if set {
            prepared.set_payload(payload);
        }
        prepared.commit()?;
        self.reader.reload()?;
        self.pending.clear();
        if set {
            self.payload = Some(payload.to_string());
        }
        tracing::debug!(gen = %self.gen, "committed");
        Ok(())
    }

    /// Ends a run: waits for the background merges, compacts the segments (see [`compaction`]),
    /// then, for a [`Writer::create_next`] generation, atomically points `CURRENT` at it and
    /// removes generations older than the one it replaced (best effort; the replaced one stays
    /// until the next publish so that readers have time to switch). Uncommitted changes are an
    /// error.
    pub fn publish(self) -> Result<()> {
        if !self.pending.is_empty() {
            return Err(Error::Usage(
                "publish called with uncommitted changes; commit first",
            ));
        }
        let Writer {
            dir,
            gen,
            index,
            writer,
            reader,
            written,
            next,
            ..
        } = self;
        // Its searcher holds the segments a merge replaces; their files are removed only once
        // nothing in this process does.
        drop(reader);
        writer.wait_merging_threads()?;
        compact(&index, written.is_some())?;
        if !next {
            return Ok(());
        }
        generation::write_current(&dir, &gen)?;
        tracing::info!(dir = %dir.display(), %gen, "published a new generation");
        let new = generation::gen_number(&gen).unwrap_or(0);
        // The previous generation goes now unless a reader (a running `jinan serve`) still holds
        // it; then the next run removes it.
        if let Err(e) = generation::remove_unused(&dir, new) {
            tracing::warn!(dir = %dir.display(), "could not remove old generations: {e}");
        }
        Ok(())
    }

    /// Segments of the last commit (for benchmarks, diagnostics and tests).
    pub fn segment_count(&self) -> Result<usize> {
        Ok(self.index.searchable_segment_metas()?.len())
    }

    /// The tantivy index (for benchmarks and diagnostics).
    pub fn index(&self) -> &Index {
        &self.index
    }
}

/// A segment under this share of the largest one is "small": small segments are merged together
/// at the end of every run.
const SMALL_SEGMENT_SHARE: u32 = 8;
/// A segment with more than this share of its documents deleted (replaced by a newer capture's
/// upsert, or by a mark of deletion) is rewritten at the end of a run.
const DELETED_SHARE: f64 = 0.25;

/// A generation written from empty is merged into segments of at most about this many
/// documents. A search runs one task per segment on the search pool, so a heavy query over a
/// million articles uses two cores instead of one; below it, one segment costs least per query.
/// Each group is merged on its own, which also halves the memory the final merge maps.
pub(crate) const SEGMENT_DOCS: u32 = 500_000;

/// The groups of segments a finished run merges, each group into one segment. Every query pays
/// per segment (a term dictionary lookup per term, a collector per segment, the copy-folding band
/// lookups), so fewer segments answer faster: on 100,000 articles one segment instead of ten
/// served about 30% more distinct queries per second (BENCHMARKS.md). A generation written from
/// empty (a rebuild, a first index) is merged into one segment per [`SEGMENT_DOCS`] documents
/// (balanced, largest segments placed first) before it is published. An incremental run rewrites
/// only what is cheap or needed: the small segments it and earlier runs left, and any segment
/// that is mostly deleted documents; the large segments stay as they are, so a cron run stays
/// short.
pub(crate) fn compaction(segments: &[SegmentMeta], from_empty: bool) -> Vec<Vec<&SegmentMeta>> {
    let groups: Vec<Vec<&SegmentMeta>> = if from_empty {
        let docs: u64 = segments.iter().map(|s| u64::from(s.num_docs())).sum();
        let k = docs.div_ceil(u64::from(SEGMENT_DOCS)).max(1) as usize;
        let mut sorted: Vec<&SegmentMeta> = segments.iter().collect();
        sorted.sort_by_key(|s| std::cmp::Reverse(s.num_docs()));
        let mut groups: Vec<(u64, Vec<&SegmentMeta>)> = vec![(0, Vec::new()); k];
        for s in sorted {
            let lightest = groups
                .iter_mut()
                .min_by_key(|(n, _)| *n)
                .expect("at least one group");
            lightest.0 += u64::from(s.num_docs());
            lightest.1.push(s);
        }
        groups.into_iter().map(|(_, g)| g).collect()
    } else {
        let largest = segments.iter().map(SegmentMeta::max_doc).max().unwrap_or(0);
        vec![segments
            .iter()
            .filter(|s| {
                s.max_doc() < largest / SMALL_SEGMENT_SHARE
                    || f64::from(s.num_deleted_docs()) > DELETED_SHARE * f64::from(s.max_doc())
            })
            .collect()]
    };
    // Merging one segment alone is only worth it to drop its deleted documents.
    groups
        .into_iter()
        .filter(|g| match g.as_slice() {
            [] => false,
            [one] => one.num_deleted_docs() > 0,
            _ => true,
        })
        .collect()
}

/// Merges what [`compaction`] chooses, with a writer of its own that starts no other merge. The
/// merge ends with an atomic `meta.json` swap that keeps the last commit's payload, so a kill
/// during it leaves the index as it was committed.
fn compact(index: &Index, from_empty: bool) -> Result<()> {
    let segments = index.searchable_segment_metas()?;
    let groups: Vec<Vec<_>> = compaction(&segments, from_empty)
        .iter()
        .map(|g| g.iter().map(|s| s.id()).collect())
        .collect();
    let before = segments.len();
    // Live `SegmentMeta`s keep their files from garbage collection.
    drop(segments);
    if groups.is_empty() {
        return Ok(());
    }
    let started = std::time::Instant::now();
    let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000)?;
    writer.set_merge_policy(Box::new(NoMergePolicy));
    // One group at a time: a merge maps and reads every segment it merges, so merging the
    // groups side by side would hold the whole index in memory at once.
    for ids in &groups {
        writer.merge(ids).wait()?;
    }
    let ids: Vec<_> = groups.concat();
    // The merged-away segments' files go now rather than at the next run (a reader that still
    // maps them keeps its pages until it lets go).
    writer.garbage_collect_files().wait()?;
    writer.wait_merging_threads()?;
    tracing::info!(
        merged = ids.len(),
        of = before,
        seconds = started.elapsed().as_secs_f64(),
        "merged segments"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::index::SegmentId;

    #[test]
    fn a_fresh_generation_is_merged_into_balanced_groups() {
        let index = Index::create_in_ram(tantivy::schema::Schema::builder().build());
        let metas = |sizes: &[u32]| -> Vec<SegmentMeta> {
            sizes
                .iter()
                .map(|&n| index.new_segment_meta(SegmentId::generate_random(), n))
                .collect()
        };
        // Under SEGMENT_DOCS documents: everything into one segment.
        let small = metas(&[20_480, 20_480, 9_000, 12]);
        let groups = compaction(&small, true);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].len(), 4);
        // 1,000,010 documents: three groups, every segment in one of them, balanced.
        let big = metas(&[300_000, 300_000, 200_000, 100_000, 100_000, 10]);
        let groups = compaction(&big, true);
        assert_eq!(groups.len(), 3);
        let mut ids: Vec<_> = groups.iter().flatten().map(|s| s.id()).collect();
        ids.sort();
        let mut all: Vec<_> = big.iter().map(|s| s.id()).collect();
        all.sort();
        assert_eq!(ids, all);
        let docs: Vec<u32> = groups
            .iter()
            .map(|g| g.iter().map(|s| s.num_docs()).sum())
            .collect();
        assert!(
            docs.iter().all(|&n| (300_000..=400_010).contains(&n)),
            "{docs:?}"
        );
        // A group of one segment without deletions is left as it is.
        let two = metas(&[600_000, 500_000]);
        assert!(compaction(&two, true).is_empty());
    }
}
