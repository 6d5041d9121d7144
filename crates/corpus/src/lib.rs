//! The corpus on disk: WARC/1.1 files that are the single source of truth of a jinan archive.
//!
//! Layout (`--corpus DIR`): `DIR/warc/jinan-<UTC yyyymmddHHMMSS>-<seq:05>.warc.gz`, names sorting in
//! capture order. [`WarcWriter`] appends fetches (each record its own gzip member, so any record can
//! be read from its byte offset), [`CaptureReader`] follows the archive from a [`Cursor`],
//! [`read_capture`] reads one capture at a [`WarcLocation`], and [`repair`] cuts off a record torn by
//! a crash. [`captures_of`] lists every capture of one page (by its [`canon`] key), oldest first:
//! the archive is the truth `history`, the API and the timeline read. [`StoredCapture::body`]
//! (through [`decode_body`]) undoes the content coding of a stored body; [`CaptureIndex`] lists
//! every capture as a CDXJ [`IndexEntry`].
//!
//! Why not the `warc` crate: it compresses a whole file as a single gzip stream and does not report
//! compressed offsets, so records could not be read from an offset; the format needed here is small
//! enough to write directly on `flate2`.

pub mod canon;
mod cdx;
mod error;
mod payload;
mod reader;
mod record;
mod surt;
mod writer;

use std::path::{Path, PathBuf};

pub use cdx::{CaptureIndex, IndexEntry};
pub use error::{Error, Result};
pub use jinan_types::{Capture, CaptureKind, WarcLocation};
pub use payload::{decode_body, header_value, unchunk, MAX_BODY_BYTES};
pub use reader::{
    read_capture, read_response, repair, warc_files, CaptureReader, Cursor, Repair, StoredCapture,
    WarcRecords,
};
pub use record::{sha1_digest, WarcRecord};
pub use surt::surt;
pub use writer::{host_name, Fetch, Revisit, WarcInfo, WarcWriter, PROFILE_SERVER_NOT_MODIFIED};

/// `DIR/warc`: the WARC folder of a corpus.
pub fn warc_dir(corpus_dir: &Path) -> PathBuf {
    corpus_dir.join("warc")
}

/// Total size in bytes of the corpus's WARC files, and how many there are.
pub fn warc_size(warc_dir: &Path) -> Result<(u64, u64)> {
    let files = warc_files(warc_dir)?;
    let mut bytes = 0;
    for f in &files {
        let p = warc_dir.join(f);
        bytes += std::fs::metadata(&p).map_err(|e| Error::io(&p, e))?.len();
    }
    Ok((files.len() as u64, bytes))
}

/// Every capture of the page `url` (compared by [`canon::canonicalize`]), oldest first, read from
/// the WARC files themselves (a scan of the archive: the crawl state is only a cache of it).
/// A URL that does not parse has no captures.
pub fn captures_of(warc_dir: &Path, url: &str) -> Result<Vec<Capture>> {
    let Some(key) = canon::canonical_key(url) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for sc in CaptureReader::open(warc_dir, None)? {
        let c = sc?.capture;
        if canon::canonical_key(&c.url).as_deref() == Some(key.as_str()) {
            out.push(c);
        }
    }
    // Files sort in capture order already; a stable sort keeps that order for equal times.
    out.sort_by_key(|c| c.captured_at);
    Ok(out)
}
