//! The glue of `jinan index`: archive → extractor → index, from where the last run stopped.
//!
//! The WARC files are the source of truth. Each tantivy commit carries, as its payload, the WARC
//! position up to which captures are indexed, so the index and its cursor always move together: a
//! run killed at any point leaves the last commit, and the next run resumes from its cursor. Re-doing
//! a capture is harmless because documents are keyed by URL (upsert), so a crash can only ever cost
//! repeated work, never a lost or doubled article. `--rebuild` reads every capture into a new
//! generation beside the live one and swaps it in atomically.

use crate::messages;
use crate::progress::Progress;
use anyhow::Context;
use jinan_corpus::{CaptureReader, Cursor, StoredCapture};
use jinan_index::Writer;
use jinan_types::{article_id, CaptureKind, Document};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::{Duration, Instant};

/// Bumped when the meaning of the payload changes.
const PAYLOAD_VERSION: u32 = 1;
/// Captures extracted in parallel per batch.
const BATCH: usize = 512;
/// Commit at least this often (captures), so a kill costs little work.
const COMMIT_EVERY: usize = 5_000;
const COMMIT_INTERVAL: Duration = Duration::from_secs(20);

#[derive(Serialize, Deserialize, Debug)]
struct Payload {
    version: u32,
    cursor: Option<Cursor>,
    indexed_at: chrono::DateTime<chrono::Utc>,
}

/// What one `jinan index` run did.
#[derive(Serialize, Debug, Default)]
pub struct IndexSummary {
    pub captures_read: u64,
    pub articles_indexed: u64,
    pub deleted: u64,
    pub skipped: u64,
    pub extract_failures: u64,
    pub rebuilt: bool,
    pub seconds: f64,
}

enum Action {
    Upsert(Box<Document>),
    Delete {
        url: String,
        at: chrono::DateTime<chrono::Utc>,
    },
    Skip,
    Failed,
}

/// Runs `jinan index [--rebuild]`. The caller holds the index lock.
pub fn run(corpus: &Path, index: &Path, rebuild: bool) -> anyhow::Result<IndexSummary> {
    let started = Instant::now();
    let warc_dir = corpus.join("warc");
    let mut rebuild = rebuild;
    let mut writer = if rebuild {
        Writer::create_next(index).context("creating a new index generation")?
    } else {
        match Writer::open(index) {
            Ok(w) => w,
            Err(e @ jinan_index::Error::SchemaMismatch { .. }) => {
                eprintln!("jinan: {e}; rebuilding the index from the WARC files");
                rebuild = true;
                Writer::create_next(index).context("creating a new index generation")?
            }
            Err(e) => return Err(e).context("opening the index"),
        }
    };
    let cursor = if rebuild {
        None
    } else {
        match writer.payload() {
            Some(p) => serde_json::from_str::<Payload>(&p)
                .ok()
                .and_then(|p| p.cursor),
            None => None,
        }
    };
    let mut summary = IndexSummary {
        rebuilt: rebuild,
        ..Default::default()
    };
    if !warc_dir.is_dir() {
        if rebuild {
            writer.commit(&payload(None)?)?;
            writer.publish()?;
        }
        return Err(messages::usage(format!(
            "no captures in {}: run `jinan crawl` first",
            warc_dir.display()
        )));
    }
    let mut reader = CaptureReader::open(&warc_dir, cursor.as_ref())
        .with_context(|| format!("reading {}", warc_dir.display()))?;
    let progress = Progress::new("index");
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut since_commit = 0usize;
    let mut last_commit = Instant::now();
    loop {
        let mut batch: Vec<StoredCapture> = Vec::with_capacity(BATCH);
        for item in reader.by_ref() {
            batch.push(item.context("reading a WARC record")?);
            if batch.len() == BATCH {
                break;
            }
        }
        if batch.is_empty() {
            break;
        }
        let actions = extract_batch(&batch, workers);
        drop(batch);
        for action in actions {
            summary.captures_read += 1;
            match action {
                Action::Upsert(doc) => {
                    writer.upsert(&doc)?;
                    summary.articles_indexed += 1;
                }
                Action::Delete { url, at } => {
                    if writer.mark_deleted(&url, at)? {
                        summary.deleted += 1;
                    }
                }
                Action::Skip => summary.skipped += 1,
                Action::Failed => summary.extract_failures += 1,
            }
            since_commit += 1;
        }
        progress.update(summary.captures_read, None, "captures");
        if since_commit >= COMMIT_EVERY || last_commit.elapsed() >= COMMIT_INTERVAL {
            writer.commit(&payload(Some(reader.cursor()))?)?;
            since_commit = 0;
            last_commit = Instant::now();
        }
    }
    writer.commit(&payload(Some(reader.cursor()))?)?;
    if rebuild {
        writer.publish().context("swapping in the rebuilt index")?;
    }
    progress.finish();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

fn payload(cursor: Option<Cursor>) -> anyhow::Result<String> {
    Ok(serde_json::to_string(&Payload {
        version: PAYLOAD_VERSION,
        cursor,
        indexed_at: chrono::Utc::now(),
    })?)
}

/// Extracts a batch on `workers` threads, keeping archive order in the result.
fn extract_batch(batch: &[StoredCapture], workers: usize) -> Vec<Action> {
    let chunk = batch.len().div_ceil(workers.max(1)).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = batch
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(action_for).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// What one capture means for the index.
fn action_for(sc: &StoredCapture) -> Action {
    let cap = &sc.capture;
    if cap.kind == CaptureKind::Revisit {
        return Action::Skip;
    }
    if matches!(cap.status, 404 | 410) {
        return Action::Delete {
            url: cap.url.clone(),
            at: cap.captured_at,
        };
    }
    if cap.status != 200 || !is_html(cap.content_type.as_deref(), &sc.body) {
        return Action::Skip;
    }
    let Some(kind) = page_kind(&cap.url) else {
        return Action::Skip;
    };
    let hints = jinan_extract::Hints {
        content_type: cap.content_type.as_deref(),
        column: cap.via_column.as_deref(),
    };
    let article = match jinan_extract::extract(&sc.body, &cap.url, &hints) {
        Ok(a) => a,
        Err(e) => {
            tracing::debug!("extracting {}: {e}", cap.url);
            return Action::Failed;
        }
    };
    if kind == PageKind::Other
        && (article.date.is_none() || article.body.chars().count() < MIN_GENERAL_BODY)
    {
        return Action::Skip;
    }
    Action::Upsert(Box::new(Document {
        id: article_id(&article.url),
        article,
        captured_at: cap.captured_at,
        deleted_at: None,
        digest: cap.digest.clone(),
    }))
}

/// Pages that are not Hanweb articles are indexed only when dated and with at least this much
/// main text (calendars, indexes and other undated pages are navigation, not articles).
const MIN_GENERAL_BODY: usize = 200;

#[derive(PartialEq, Eq, Debug)]
enum PageKind {
    /// A Hanweb article address (`/art/...`).
    Article,
    /// Any other page that is not a list, home or module page.
    Other,
}

/// Classifies a URL: `None` for pages that are never articles (home, column lists, list proxies,
/// CMS modules, robots.txt).
fn page_kind(url: &str) -> Option<PageKind> {
    let path = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest.find('/').map_or("/", |i| &rest[i..]));
    let path = path
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_ascii_lowercase();
    if path.contains("/art/")
        || path
            .rsplit('/')
            .next()
            .is_some_and(|f| f.starts_with("art_"))
    {
        return Some(PageKind::Article);
    }
    let never = path == "/"
        || path == "/index.html"
        || path == "/index.htm"
        || path == "/robots.txt"
        || path.starts_with("/col/")
        || path.starts_with("/module/")
        || path.starts_with("/jact/")
        || path.starts_with("/jrobot/");
    if never {
        None
    } else {
        Some(PageKind::Other)
    }
}

fn is_html(content_type: Option<&str>, body: &[u8]) -> bool {
    if let Some(ct) = content_type {
        let ct = ct.to_ascii_lowercase();
        if ct.contains("html") || ct.contains("xml") && !ct.contains("text/xml") {
            return true;
        }
        if !ct.trim().is_empty() && !ct.starts_with("text/plain") {
            return false;
        }
    }
    // No or vague Content-Type: sniff.
    let head = &body[..body.len().min(1024)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    head.contains("<html") || head.contains("<!doctype html") || head.contains("<head")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_hanweb_addresses() {
        let k = |u| page_kind(u);
        assert_eq!(
            k("http://h/art/2018/11/19/art_30173_2743600.html"),
            Some(PageKind::Article)
        );
        assert_eq!(
            k("http://h/col/col108306/art/2026/art_0123456789abcdef0123456789abcdef.html"),
            Some(PageKind::Article)
        );
        assert_eq!(k("http://h/"), None);
        assert_eq!(k("http://h/col/col30173/index.html"), None);
        assert_eq!(k("http://h/module/web/jpage/dataproxy.jsp?page=2"), None);
        assert_eq!(k("http://h/about.html"), Some(PageKind::Other));
    }

    #[test]
    fn sniffs_html() {
        assert!(is_html(Some("text/html"), b""));
        assert!(!is_html(Some("application/pdf"), b"%PDF-1.4"));
        assert!(is_html(None, b"<!DOCTYPE html><html>"));
        assert!(!is_html(None, b"%PDF-1.4"));
    }
}
