//! A lost crawl state rebuilt from the archive.
//!
//! The WARC files are the record of a crawl; `state.redb` is a cache of what they say (each URL's
//! last status, validators, payload digest, list page or not) plus the frontier of a crawl under
//! way. When a corpus has WARC files but a state that never started a crawl (deleted, lost, or a
//! corpus copied without it), the next crawl would otherwise fetch every page afresh, without
//! conditional requests, and could not name the capture a `304` confirms. So the crawl first reads
//! the archive once, capture by capture in archive order, and applies each to its URL with the same
//! rule the crawl uses as it archives ([`UrlState::record`]); list pages are recognised by the same
//! link reader ([`crate::links::page_links`]). The frontier is not rebuilt: the crawl then starts
//! as a new one, from the seeds and every known page.

use std::path::Path;

use jinan_corpus::{canon, CaptureKind, CaptureReader, StoredCapture};
use jinan_extract::page;
use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata};
use url::Url;

use crate::error::Result;
use crate::state::{get_json, Observed, UrlState, META, URLS};

/// Captures applied per write transaction: a large archive does not hold its whole state in one
/// transaction's memory. An interrupted rebuild starts over (no crawl id is written until a crawl
/// starts, so the state still says it needs one).
const BATCH: u64 = 20_000;

/// Whether the state has never started a crawl: a rebuild is needed when the archive has captures.
pub(crate) fn needed(db: &Database) -> Result<bool> {
    let txn = db.begin_read()?;
    let started = match txn.open_table(META) {
        Ok(meta) => meta.get("crawl_id")?.is_some(),
        Err(redb::TableError::TableDoesNotExist(_)) => false,
        Err(e) => return Err(e.into()),
    };
    Ok(!started)
}

/// Rebuilds the URL states from every capture in `warc_dir`; returns how many captures were read.
pub(crate) fn from_archive(db: &Database, warc_dir: &Path) -> Result<u64> {
    {
        let txn = db.begin_write()?;
        let mut urls = txn.open_table(URLS)?;
        if urls.len()? > 0 {
            // A rebuild interrupted earlier: start over, captures must be applied once each.
            urls.retain(|_, _| false)?;
        }
        drop(urls);
        txn.commit()?;
    }
    let mut read = 0u64;
    let mut captures = CaptureReader::open(warc_dir, None)?.peekable();
    while captures.peek().is_some() {
        let txn = db.begin_write()?;
        {
            let mut urls = txn.open_table(URLS)?;
            for sc in captures.by_ref() {
                let sc = sc?;
                read += 1;
                let Some(key) = canon::canonical_key(&sc.capture.url) else {
                    continue;
                };
                let mut st: UrlState = match urls.get(key.as_str())? {
                    Some(v) => get_json(v.value())?,
                    None => UrlState::default(),
                };
                apply(&mut st, &sc);
                urls.insert(key.as_str(), serde_json::to_vec(&st)?.as_slice())?;
                if read.is_multiple_of(BATCH) {
                    tracing::info!(
                        captures = read,
                        "rebuilding the crawl state from the archive"
                    );
                    break;
                }
            }
        }
        txn.commit()?;
    }
    Ok(read)
}

/// One capture applied to its URL's state.
fn apply(st: &mut UrlState, sc: &StoredCapture) {
    let c = &sc.capture;
    let revisit = c.kind == CaptureKind::Revisit;
    let is_list = if revisit {
        // A `304` confirms the page it refers to, list or not.
        st.is_list
    } else {
        c.status == 200 && is_list_page(sc)
    };
    st.record(&Observed {
        url: &c.url,
        status: if revisit { 304 } else { c.status },
        captured_at: c.captured_at,
        digest: c.digest.clone().unwrap_or_default(),
        etag: sc.http_header("etag"),
        last_modified: sc.http_header("last-modified"),
        is_list,
    });
    if c.via.is_some() {
        st.via = c.via.clone();
        st.via_column = c.via_column.clone();
        // Found on a list page: the crawl exempts such pages from trap budgets.
        st.listed = true;
    }
}

/// A `200` HTML page that the crawl would page through as a list (column page, `<datastore>`,
/// list engine): the crawl's own link reader decides.
fn is_list_page(sc: &StoredCapture) -> bool {
    let content_type = sc.http_header("content-type");
    let Ok(body) = sc.body() else {
        return false;
    };
    if !page::is_html(content_type, &body) {
        return false;
    }
    let Ok(url) = Url::parse(&sc.capture.url) else {
        return false;
    };
    let html = page::decode(&body, content_type).text;
    crate::links::page_links(&url, &html).is_list
}
