//! Replay's only door into the corpus: capture entries read from the WARC folder (from a cursor,
//! so a growing archive is followed, never rescanned) and one record read at its offset.
//!
//! Everything replay knows about the WARC files goes through here, so that a change of the
//! corpus reader API is a change of this file only. Records are read with `jinan-corpus`, which
//! undoes content and transfer codings on read; [`Record::payload`] is the payload as stored.

use std::path::Path;

use chrono::{DateTime, Utc};
use jinan_corpus::{CaptureKind, CaptureReader, Cursor, WarcLocation};

/// One capture, as the capture index keeps it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub url: String,
    pub at: DateTime<Utc>,
    pub status: u16,
    pub revisit: bool,
    pub digest: Option<String>,
    pub mime: Option<String>,
    pub location: WarcLocation,
    /// A redirect's target (`Location`, resolved against the URL).
    pub redirect: Option<String>,
    /// Filled in by the capture index: a redirect to the same address (a cookie wall, a retry).
    pub self_redirect: bool,
}

/// A response or revisit record read back.
pub struct Record {
    pub status: u16,
    /// HTTP response headers as archived.
    pub headers: Vec<(String, String)>,
    /// The payload as stored in the record.
    pub payload: Vec<u8>,
    /// The payload with content coding undone (what a browser renders).
    pub body: Vec<u8>,
}

impl Record {
    /// First header of that name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Failures reading the corpus (logged; the client sees a 500 without detail).
pub type Error = jinan_corpus::Error;

/// Entries of every capture after `from` (the start when `None`), and the cursor after the last
/// complete one. A torn tail of a file being written is left for the next call.
pub fn entries_since(
    warc_dir: &Path,
    from: Option<&Cursor>,
) -> Result<(Vec<Entry>, Cursor), Error> {
    let mut reader = CaptureReader::open(warc_dir, from)?;
    let mut out = Vec::new();
    for item in reader.by_ref() {
        let sc = item?;
        let redirect = (300..400).contains(&sc.capture.status).then(|| {
            sc.http_headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("location"))
                .and_then(|(_, v)| url::Url::parse(&sc.capture.url).ok()?.join(v.trim()).ok())
                .map(|u| u.to_string())
        });
        let c = sc.capture;
        out.push(Entry {
            url: c.url,
            at: c.captured_at,
            status: c.status,
            revisit: c.kind == CaptureKind::Revisit,
            digest: c.digest,
            mime: c.content_type,
            location: c.location,
            redirect: redirect.flatten(),
            self_redirect: false,
        });
    }
    Ok((out, reader.cursor()))
}

/// A cheap fingerprint of the WARC folder (file names and sizes): when it has not changed, there
/// is nothing new to read.
pub fn fingerprint(warc_dir: &Path) -> Result<Vec<(String, u64)>, Error> {
    let mut out = Vec::new();
    for name in jinan_corpus::warc_files(warc_dir)? {
        let len = std::fs::metadata(warc_dir.join(&name)).map_or(0, |m| m.len());
        out.push((name, len));
    }
    Ok(out)
}

/// Reads the record of the capture at `at` (not its metadata record: replay does not need it).
pub fn read(warc_dir: &Path, at: &WarcLocation) -> Result<Record, Error> {
    let sc = jinan_corpus::read_response(warc_dir, at)?;
    let body = sc.body()?.into_owned();
    Ok(Record {
        status: sc.capture.status,
        payload: sc.payload,
        body,
        headers: sc.http_headers,
    })
}
