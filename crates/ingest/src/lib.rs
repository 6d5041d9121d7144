//! `jinan-ingest`: archive → extractor → index, from where the last run stopped.
//!
//! The WARC files are the source of truth. Each tantivy commit carries, as its payload, the WARC
//! position up to which captures are indexed ([`Payload`]), so the index and its cursor always move
//! together: a run killed at any point leaves the last commit, and the next run resumes from its
//! cursor. Re-doing a capture is harmless because documents are keyed by URL (upsert), so a crash
//! can only ever cost repeated work, never a lost or doubled article. A rebuild reads every capture
//! into a new generation beside the live one and swaps it in atomically.
//!
//! Captures are extracted in batches on all cores, in archive order; what each one means is
//! [`action_for`] (and [`article_of`], which `history` shares). A capture whose extraction panics
//! is counted as failed, named in the summary, and the run goes on: it is never silently skipped.

mod capture;

use jinan_corpus::{CaptureReader, Cursor, StoredCapture};
use jinan_index::Writer;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use capture::{action_for, article_of, Action, MIN_GENERAL_BODY};

/// Bumped when the meaning of the payload changes.
pub const PAYLOAD_VERSION: u32 = 1;
/// Captures extracted in parallel per batch.
const BATCH: usize = 512;
/// Commit at least this often (captures), so a kill costs little work.
const COMMIT_EVERY: usize = 5_000;
/// ... and at least this often in time.
const COMMIT_INTERVAL: Duration = Duration::from_secs(20);
/// Failed captures named in a summary at most (all are counted).
pub const FAILURE_EXAMPLES: usize = 10;

/// The payload of every index commit: where in the archive the index stands.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Payload {
    pub version: u32,
    /// After the last capture this commit covers; `None` for an empty archive.
    pub cursor: Option<Cursor>,
    pub indexed_at: chrono::DateTime<chrono::Utc>,
}

impl Payload {
    /// The cursor of a commit payload written by this version, if it is one.
    pub fn cursor_of(payload: &str) -> Option<Cursor> {
        serde_json::from_str::<Payload>(payload)
            .ok()
            .filter(|p| p.version == PAYLOAD_VERSION)
            .and_then(|p| p.cursor)
    }
}

/// A capture that could not be extracted.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub url: String,
    pub reason: String,
}

/// What one run did.
#[derive(Serialize, Debug, Default, Clone)]
pub struct IndexSummary {
    pub captures_read: u64,
    pub articles_indexed: u64,
    pub deleted: u64,
    pub skipped: u64,
    pub extract_failures: u64,
    /// The first [`FAILURE_EXAMPLES`] failed captures.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<Failure>,
    pub rebuilt: bool,
    pub seconds: f64,
}

/// Why a run stopped. Nothing is committed past the last good batch.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The corpus has no WARC folder yet.
    #[error("no captures in {}: run `jinan crawl` first", .0.display())]
    NoCaptures(PathBuf),
    #[error("{doing}")]
    Index {
        doing: &'static str,
        #[source]
        source: jinan_index::Error,
    },
    #[error("{doing}")]
    Corpus {
        doing: &'static str,
        #[source]
        source: jinan_corpus::Error,
    },
    /// The thread reading the WARC files died; nothing after the last commit was indexed.
    #[error(
        "reading the WARC files stopped unexpectedly; nothing after the last commit was indexed"
    )]
    Reader,
    /// An extraction worker died outside any one capture; the batch was not committed.
    #[error("an extraction worker stopped unexpectedly; nothing of the batch was committed")]
    Worker,
}

/// This crate's result type.
pub type Result<T> = std::result::Result<T, Error>;

fn index_err(doing: &'static str) -> impl FnOnce(jinan_index::Error) -> Error {
    move |source| Error::Index { doing, source }
}

fn corpus_err(doing: &'static str) -> impl FnOnce(jinan_corpus::Error) -> Error {
    move |source| Error::Corpus { doing, source }
}

/// What a run tells its caller as it goes (the binary shows a progress bar and notices).
pub trait Observer {
    /// `captures` read so far.
    fn progress(&mut self, _captures: u64) {}
    /// Something the user should know (one sentence).
    fn notice(&mut self, _message: &str) {}
}

/// An observer that shows nothing.
pub struct Quiet;
impl Observer for Quiet {}

/// Indexes every capture of `warc_dir` not yet in the index at `index` (all of them, into a fresh
/// generation swapped in at the end, when `rebuild`). The caller holds the index lock.
pub fn run(
    warc_dir: &Path,
    index: &Path,
    rebuild: bool,
    observer: &mut dyn Observer,
) -> Result<IndexSummary> {
    run_with(warc_dir, index, rebuild, observer, &action_for)
}

/// [`run`] with the per-capture step given: tests pass one that fails on purpose.
fn run_with(
    warc_dir: &Path,
    index: &Path,
    rebuild: bool,
    observer: &mut dyn Observer,
    step: &(dyn Fn(&StoredCapture) -> Action + Sync),
) -> Result<IndexSummary> {
    let started = Instant::now();
    let mut rebuild = rebuild;
    let new_generation =
        || Writer::create_next(index).map_err(index_err("creating a new index generation"));
    let mut writer = if rebuild {
        new_generation()?
    } else {
        match Writer::open(index) {
            Ok(w) => w,
            Err(e @ jinan_index::Error::SchemaMismatch { .. }) => {
                observer.notice(&format!("{e}; rebuilding the index from the WARC files"));
                rebuild = true;
                new_generation()?
            }
            Err(source) => {
                return Err(Error::Index {
                    doing: "opening the index",
                    source,
                })
            }
        }
    };
    let cursor = if rebuild {
        None
    } else {
        writer.payload().as_deref().and_then(Payload::cursor_of)
    };
    let mut summary = IndexSummary {
        rebuilt: rebuild,
        ..Default::default()
    };
    if !warc_dir.is_dir() {
        if rebuild {
            writer
                .commit(&payload(None))
                .map_err(index_err("committing"))?;
            writer
                .publish()
                .map_err(index_err("swapping in the rebuilt index"))?;
        }
        return Err(Error::NoCaptures(warc_dir.to_path_buf()));
    }
    let mut reader = CaptureReader::open(warc_dir, cursor.as_ref())
        .map_err(corpus_err("reading the WARC files"))?;
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let preparer = writer.preparer();
    let mut since_commit = 0usize;
    let mut last_commit = Instant::now();
    // The next batch is read (and inflated) on a thread of its own while this one is extracted
    // and indexed; at most one batch waits.
    let end = std::thread::scope(|s| -> Result<Cursor> {
        let (batches, read) =
            std::sync::mpsc::sync_channel::<Result<(Vec<StoredCapture>, Cursor)>>(1);
        let start = reader.cursor();
        let reading = s.spawn(move || loop {
            let mut batch: Vec<StoredCapture> = Vec::with_capacity(BATCH);
            for item in reader.by_ref() {
                match item {
                    Ok(sc) => batch.push(sc),
                    Err(e) => {
                        let _ = batches.send(Err(Error::Corpus {
                            doing: "reading a WARC record",
                            source: e,
                        }));
                        return;
                    }
                }
                if batch.len() == BATCH {
                    break;
                }
            }
            let last = batch.is_empty();
            if batches.send(Ok((batch, reader.cursor()))).is_err() || last {
                return;
            }
        });
        let mut at = start;
        let mut finished = false;
        for item in read {
            let (batch, cursor) = item?;
            at = cursor;
            if batch.is_empty() {
                finished = true;
                break;
            }
            let ready = extract_batch(&batch, workers, step, &preparer)?;
            for (ready, sc) in ready.into_iter().zip(&batch) {
                summary.captures_read += 1;
                match ready {
                    Ready::Add(doc) => {
                        writer
                            .upsert_prepared(doc)
                            .map_err(index_err("adding an article"))?;
                        summary.articles_indexed += 1;
                    }
                    Ready::Other(Action::Upsert(doc)) => {
                        writer
                            .upsert(&doc)
                            .map_err(index_err("adding an article"))?;
                        summary.articles_indexed += 1;
                    }
                    Ready::Other(Action::Delete { url, at }) => {
                        if writer
                            .mark_deleted(&url, at)
                            .map_err(index_err("marking an article deleted"))?
                        {
                            summary.deleted += 1;
                        }
                    }
                    Ready::Other(Action::Skip) => summary.skipped += 1,
                    Ready::Other(Action::Failed(reason)) => {
                        summary.extract_failures += 1;
                        if summary.failures.len() < FAILURE_EXAMPLES {
                            summary.failures.push(Failure {
                                url: sc.capture.url.clone(),
                                reason,
                            });
                        }
                    }
                }
                since_commit += 1;
            }
            drop(batch);
            observer.progress(summary.captures_read);
            if since_commit >= COMMIT_EVERY || last_commit.elapsed() >= COMMIT_INTERVAL {
                writer
                    .commit(&payload(Some(at.clone())))
                    .map_err(index_err("committing"))?;
                since_commit = 0;
                last_commit = Instant::now();
            }
        }
        // The reading thread ends the stream with an empty batch or an error; a stream that
        // just stops is a thread that died (a panic), not the end of the archive.
        if !finished {
            // Joined here, its panic is this error rather than the scope's panic.
            let _ = reading.join();
            return Err(Error::Reader);
        }
        Ok(at)
    })?;
    writer
        .commit(&payload(Some(end)))
        .map_err(index_err("committing"))?;
    writer.publish().map_err(index_err(if rebuild {
        "merging and swapping in the rebuilt index"
    } else {
        "merging segments"
    }))?;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

fn payload(cursor: Option<Cursor>) -> String {
    let p = Payload {
        version: PAYLOAD_VERSION,
        cursor,
        indexed_at: chrono::Utc::now(),
    };
    // A struct of strings, numbers and a date always serializes.
    serde_json::to_string(&p).unwrap_or_default()
}

/// What a capture does, with an article already made into its index document.
enum Ready {
    Add(jinan_index::Prepared),
    /// Any other action ([`Action::Upsert`] only from a step that returned one unprepared).
    Other(Action),
}

/// Extracts a batch on `workers` threads, and prepares its articles for the index there too
/// (their fingerprints are the costly part), keeping archive order in the result. A capture
/// whose step panics becomes [`Action::Failed`] with the panic's message; a worker lost any
/// other way stops the run before anything of the batch is committed.
fn extract_batch(
    batch: &[StoredCapture],
    workers: usize,
    step: &(dyn Fn(&StoredCapture) -> Action + Sync),
    preparer: &jinan_index::Preparer,
) -> Result<Vec<Ready>> {
    let chunk = batch.len().div_ceil(workers.max(1)).max(1);
    let one = |sc: &StoredCapture| {
        let ready = || match step(sc) {
            Action::Upsert(doc) => Ready::Add(preparer.prepare(&doc)),
            other => Ready::Other(other),
        };
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(ready)).unwrap_or_else(|p| {
            let why = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown cause".into());
            tracing::warn!("extracting {} panicked: {why}", sc.capture.url);
            Ready::Other(Action::Failed(format!("the extractor panicked: {why}")))
        })
    };
    std::thread::scope(|s| {
        let handles: Vec<_> = batch
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(one).collect::<Vec<_>>()))
            .collect();
        let mut out = Vec::with_capacity(batch.len());
        for h in handles {
            out.extend(h.join().map_err(|_| Error::Worker)?);
        }
        Ok(out)
    })
}

#[cfg(test)]
mod tests;
