//! Reading the archive back: records of one file, captures across files from a cursor, one capture
//! at a known location, and the repair of torn tails left by a crash.
//!
//! The indexer follows the archive with a [`Cursor`] saved in its own commits, so the cursor only
//! ever points at the end of a complete capture group: after a crash, [`repair`] cuts a torn group
//! off at or after that point, never before it, and new data always goes to a new file.

use std::borrow::Cow;
use std::fs::{File, OpenOptions};
use std::io::{BufReader, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use jinan_types::{Capture, CaptureKind, WarcLocation};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::record::{
    capture_of, corrupt, parse_fields, parse_http, read_member, Counting, HttpHead, MemberError,
    WarcRecord,
};
use crate::writer::PROFILE_SERVER_NOT_MODIFIED;

/// WARC file names of the corpus in `warc_dir`, sorted (which is capture order). A missing folder
/// has none.
pub fn warc_files(warc_dir: &Path) -> Result<Vec<String>> {
    let rd = match std::fs::read_dir(warc_dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(warc_dir, e)),
    };
    let mut names = Vec::new();
    for entry in rd {
        let entry = entry.map_err(|e| Error::io(warc_dir, e))?;
        if let Some(name) = entry.file_name().to_str() {
            if parse_file_name(name).is_some() {
                names.push(name.to_string());
            }
        }
    }
    names.sort();
    Ok(names)
}

/// `jinan-<14 digits>-<5+ digits>.warc.gz` → (timestamp, sequence number).
pub(crate) fn parse_file_name(name: &str) -> Option<(String, u32)> {
    let rest = name.strip_prefix("jinan-")?.strip_suffix(".warc.gz")?;
    let (stamp, seq) = rest.split_once('-')?;
    if stamp.len() != 14 || !stamp.bytes().all(|b| b.is_ascii_digit()) || seq.len() < 5 {
        return None;
    }
    Some((stamp.to_string(), seq.parse().ok()?))
}

/// A position in the archive: after the last capture group a [`CaptureReader`] returned.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub file: String,
    pub offset: u64,
}

/// One capture read back: the capture facts, its HTTP response headers and its payload as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCapture {
    pub capture: Capture,
    /// The HTTP response headers as stored (empty for a revisit without an HTTP head).
    pub http_headers: Vec<(String, String)>,
    /// The entity body as stored: `Content-Encoding` kept, chunked framing undone when the record
    /// holds it chunked. Empty for a revisit. [`StoredCapture::body`] decodes it.
    pub payload: Vec<u8>,
    /// `WARC-Record-ID` of the response or revisit record.
    pub record_id: String,
}

impl StoredCapture {
    /// First HTTP response header of that name (case-insensitive).
    pub fn http_header(&self, name: &str) -> Option<&str> {
        crate::payload::header_value(&self.http_headers, name)
    }

    /// The body with its content coding undone: what extraction, history and search read. A
    /// body cut at the crawl's size cap decodes as far as it goes; a body that decodes to more
    /// than [`crate::payload::MAX_BODY_BYTES`] (a decompression bomb) is an error.
    pub fn body(&self) -> Result<Cow<'_, [u8]>> {
        crate::payload::decode_body(
            &self.http_headers,
            &self.payload,
            self.capture.truncated,
            crate::payload::MAX_BODY_BYTES,
        )
    }
}

/// The records of one WARC file, from a byte offset (which must be the start of a gzip member).
pub struct WarcRecords {
    name: String,
    reader: Counting<BufReader<File>>,
    done: bool,
}

impl WarcRecords {
    /// Opens `path` at `offset`.
    pub fn open(path: &Path, offset: u64) -> Result<WarcRecords> {
        let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
        file.seek(SeekFrom::Start(offset))
            .map_err(|e| Error::io(path, e))?;
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        Ok(WarcRecords {
            name,
            reader: Counting::new(BufReader::with_capacity(1 << 16, file), offset),
            done: false,
        })
    }

    /// Byte offset of the next record.
    pub fn offset(&self) -> u64 {
        self.reader.pos()
    }

    fn next_member(&mut self) -> std::result::Result<Option<WarcRecord>, MemberError> {
        if self.done {
            return Ok(None);
        }
        let r = read_member(&mut self.reader);
        if !matches!(r, Ok(Some(_))) {
            self.done = true;
        }
        r
    }
}

impl Iterator for WarcRecords {
    type Item = Result<WarcRecord>;
    fn next(&mut self) -> Option<Self::Item> {
        let offset = self.reader.pos();
        match self.next_member() {
            Ok(r) => r.map(Ok),
            Err(MemberError::Io(e)) => Some(Err(Error::io(&self.name, e))),
            Err(MemberError::Truncated(reason) | MemberError::Invalid(reason)) => {
                Some(Err(corrupt(&self.name, offset, reason)))
            }
        }
    }
}

/// Captures (response/revisit records with their metadata record merged in) in archive order.
///
/// Stops cleanly at a torn or damaged tail of the last file (a crawl in progress or a crash).
/// A torn tail of an earlier file (a crash, not yet repaired) is skipped with a warning; other damage
/// in an earlier file is an error.
pub struct CaptureReader {
    dir: PathBuf,
    files: Vec<String>,
    idx: usize,
    current: Option<WarcRecords>,
    pending: Option<WarcRecord>,
    cursor: Cursor,
    finished: bool,
}

impl CaptureReader {
    /// Starts at `from` (`None` = the beginning). A cursor naming a file that no longer exists
    /// continues with the first file sorting after it.
    pub fn open(warc_dir: &Path, from: Option<&Cursor>) -> Result<Self> {
        let files = warc_files(warc_dir)?;
        let (idx, offset, cursor) = match from {
            Some(c) => match files.iter().position(|f| f == &c.file) {
                Some(i) => (i, c.offset, c.clone()),
                None => {
                    let i = files
                        .iter()
                        .position(|f| f.as_str() > c.file.as_str())
                        .unwrap_or(files.len());
                    (i, 0, c.clone())
                }
            },
            None => (
                0,
                0,
                Cursor {
                    file: files.first().cloned().unwrap_or_default(),
                    offset: 0,
                },
            ),
        };
        let current = match files.get(idx) {
            Some(name) => Some(WarcRecords::open(&warc_dir.join(name), offset)?),
            None => None,
        };
        Ok(CaptureReader {
            dir: warc_dir.to_path_buf(),
            files,
            idx,
            current,
            pending: None,
            cursor,
            finished: false,
        })
    }

    /// Position after the last capture group returned.
    pub fn cursor(&self) -> Cursor {
        self.cursor.clone()
    }

    /// Next record, moving across files. `Ok(None)` at the end of the archive.
    fn next_record(&mut self) -> Result<Option<WarcRecord>> {
        if let Some(r) = self.pending.take() {
            return Ok(Some(r));
        }
        loop {
            let Some(cur) = self.current.as_mut() else {
                return Ok(None);
            };
            let offset = cur.offset();
            match cur.next_member() {
                Ok(Some(r)) => return Ok(Some(r)),
                Ok(None) => {}
                Err(MemberError::Io(e)) => {
                    return Err(Error::io(self.dir.join(&self.files[self.idx]), e))
                }
                Err(MemberError::Truncated(reason)) => {
                    let name = self.files[self.idx].clone();
                    if self.is_last_file()? {
                        tracing::warn!(file = %name, offset, %reason, "WARC file ends in a torn record; stopping there");
                        return Ok(None);
                    }
                    tracing::warn!(file = %name, offset, %reason, "WARC file ends in a torn record (run repair); skipping to the next file");
                }
                Err(MemberError::Invalid(reason)) => {
                    let name = self.files[self.idx].clone();
                    if self.is_last_file()? {
                        tracing::warn!(file = %name, offset, %reason, "WARC file ends in a damaged record; stopping there");
                        return Ok(None);
                    }
                    return Err(corrupt(&name, offset, reason));
                }
            }
            // End of this file: on to the next one.
            if !self.advance_file()? {
                return Ok(None);
            }
        }
    }

    fn is_last_file(&mut self) -> Result<bool> {
        self.files = warc_files(&self.dir)?;
        let name = &self.files.get(self.idx).cloned().unwrap_or_default();
        Ok(!self.files.iter().any(|f| f > name))
    }

    fn advance_file(&mut self) -> Result<bool> {
        let name = self.files.get(self.idx).cloned().unwrap_or_default();
        self.files = warc_files(&self.dir)?;
        match self.files.iter().position(|f| *f > name) {
            Some(i) => {
                self.idx = i;
                self.current = Some(WarcRecords::open(&self.dir.join(&self.files[i]), 0)?);
                self.cursor = Cursor {
                    file: self.files[i].clone(),
                    offset: 0,
                };
                Ok(true)
            }
            None => {
                self.current = None;
                Ok(false)
            }
        }
    }

    fn next_capture(&mut self) -> Result<Option<StoredCapture>> {
        loop {
            let Some(rec) = self.next_record()? else {
                return Ok(None);
            };
            if !matches!(rec.warc_type(), "response" | "revisit") {
                continue;
            }
            let file = self.files[self.idx].clone();
            let mut end = rec.offset + rec.compressed_len;
            let mut meta = None;
            match self.next_record_in_file() {
                Some(m) if is_metadata_of(&m, &rec) => {
                    end = m.offset + m.compressed_len;
                    meta = Some(m);
                }
                Some(other) => self.pending = Some(other),
                None => {}
            }
            let capture = stored_capture(&file, &rec, meta.as_ref())?;
            self.cursor = Cursor { file, offset: end };
            return Ok(Some(capture));
        }
    }

    /// The record after the current one if it is in the same file and readable; errors are left for
    /// the next call to meet.
    fn next_record_in_file(&mut self) -> Option<WarcRecord> {
        let cur = self.current.as_mut()?;
        let pos = cur.offset();
        match cur.next_member() {
            Ok(r) => r,
            Err(_) => {
                // Re-open at the same position so the next call reports (or skips) the damage.
                let path = self.dir.join(&self.files[self.idx]);
                self.current = WarcRecords::open(&path, pos).ok();
                None
            }
        }
    }
}

impl Iterator for CaptureReader {
    type Item = Result<StoredCapture>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        match self.next_capture() {
            Ok(Some(c)) => Some(Ok(c)),
            Ok(None) => {
                self.finished = true;
                None
            }
            Err(e) => {
                self.finished = true;
                Some(Err(e))
            }
        }
    }
}

fn is_metadata_of(m: &WarcRecord, rec: &WarcRecord) -> bool {
    m.warc_type() == "metadata" && m.header("WARC-Concurrent-To") == Some(rec.record_id())
}

/// Reads the capture whose response or revisit record starts at `at`, with what its metadata
/// record says (`via`, `via_column`, a truncation by the crawler, a revisit's 304 head).
pub fn read_capture(warc_dir: &Path, at: &WarcLocation) -> Result<StoredCapture> {
    read_capture_with(warc_dir, at, true)
}

/// [`read_capture`] without the metadata record (half the inflating): the status, headers and
/// payload as received, which is all that replay of a response needs. `via`, `via_column` and a
/// truncation known only to the metadata stay empty; a revisit gets no HTTP head.
pub fn read_response(warc_dir: &Path, at: &WarcLocation) -> Result<StoredCapture> {
    read_capture_with(warc_dir, at, false)
}

fn read_capture_with(warc_dir: &Path, at: &WarcLocation, metadata: bool) -> Result<StoredCapture> {
    if crate::reader::parse_file_name(&at.file).is_none() {
        return Err(Error::BadFileName(at.file.clone()));
    }
    let mut records = WarcRecords::open(&warc_dir.join(&at.file), at.offset)?;
    let rec = match records.next() {
        Some(r) => r?,
        None => {
            return Err(Error::NotACapture {
                file: at.file.clone(),
                offset: at.offset,
                reason: "end of file".into(),
            })
        }
    };
    if !matches!(rec.warc_type(), "response" | "revisit") {
        return Err(Error::NotACapture {
            file: at.file.clone(),
            offset: at.offset,
            reason: format!("a {} record", rec.warc_type()),
        });
    }
    let meta = match metadata.then(|| records.next()).flatten() {
        Some(Ok(m)) if is_metadata_of(&m, &rec) => Some(m),
        _ => None,
    };
    stored_capture(&at.file, &rec, meta.as_ref())
}

/// Builds the capture of a response/revisit record and its optional metadata record.
fn stored_capture(
    file: &str,
    rec: &WarcRecord,
    meta: Option<&WarcRecord>,
) -> Result<StoredCapture> {
    let (url, captured_at) = capture_of(file, rec.offset, |n| rec.header(n))?;
    let kind = if rec.warc_type() == "revisit" {
        CaptureKind::Revisit
    } else {
        CaptureKind::Response
    };
    let fields = meta
        .map(|m| parse_fields(String::from_utf8_lossy(&m.block).lines()))
        .unwrap_or_default();
    let http = match (parse_http(&rec.block), kind) {
        (Some(h), _) => h,
        // Our revisits carry no HTTP head (so that replay tools take the confirmed capture's);
        // the 304 head is in the metadata record.
        (None, CaptureKind::Revisit) => revisit_head(rec, &fields),
        (None, CaptureKind::Response) => {
            return Err(corrupt(file, rec.offset, "no HTTP head in block"))
        }
    };
    let payload = match kind {
        CaptureKind::Response => {
            let stored = rec.block.get(http.body_start..).unwrap_or_default();
            crate::payload::unchunk(&http.headers, stored).into_owned()
        }
        CaptureKind::Revisit => Vec::new(),
    };
    let content_type = http
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("Content-Type"))
        .map(|(_, v)| v.clone());
    let field = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let truncated = rec.header("WARC-Truncated").is_some() || field("truncated").is_some();
    Ok(StoredCapture {
        capture: Capture {
            url,
            captured_at,
            status: http.status,
            kind,
            digest: rec.header("WARC-Payload-Digest").map(str::to_string),
            content_type,
            via: field("via"),
            via_column: field("via-column"),
            truncated,
            location: WarcLocation {
                file: file.to_string(),
                offset: rec.offset,
            },
        },
        http_headers: http.headers,
        payload,
        record_id: rec.record_id().to_string(),
    })
}

/// The HTTP head of a revisit whose block is empty: from the metadata fields `response-status`
/// and `response-header`, else a bare 304 for a server-not-modified revisit.
fn revisit_head(rec: &WarcRecord, fields: &[(String, String)]) -> HttpHead {
    let status_line = fields
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("response-status"))
        .map(|(_, v)| v.as_str());
    let status = status_line
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(
            if rec.header("WARC-Profile") == Some(PROFILE_SERVER_NOT_MODIFIED) {
                304
            } else {
                0
            },
        );
    let header_lines: Vec<&str> = fields
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("response-header"))
        .map(|(_, v)| v.as_str())
        .collect();
    HttpHead {
        status,
        headers: parse_fields(header_lines.into_iter()),
        body_start: rec.block.len(),
    }
}

/// A file whose torn tail [`repair`] cut off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Repair {
    pub file: String,
    pub old_len: u64,
    pub new_len: u64,
    pub reason: String,
}

/// Cuts a torn last record (and a `request` left without its response) off each WARC file.
///
/// Reads every file through, so its cost grows with the archive (decompression only).
pub fn repair(warc_dir: &Path) -> Result<Vec<Repair>> {
    let mut out = Vec::new();
    for name in warc_files(warc_dir)? {
        let path = warc_dir.join(&name);
        let old_len = std::fs::metadata(&path)
            .map_err(|e| Error::io(&path, e))?
            .len();
        let mut records = WarcRecords::open(&path, 0)?;
        let mut orphan_request: Option<u64> = None;
        let cut = loop {
            let offset = records.offset();
            match records.next_member() {
                Ok(Some(r)) => match r.warc_type() {
                    "request" => orphan_request = Some(r.offset),
                    "response" | "revisit" => orphan_request = None,
                    _ => {}
                },
                Ok(None) => {
                    break orphan_request.map(|o| (o, "request without response".to_string()))
                }
                Err(MemberError::Io(e)) => return Err(Error::io(&path, e)),
                Err(MemberError::Truncated(reason) | MemberError::Invalid(reason)) => {
                    break Some((orphan_request.unwrap_or(offset), reason));
                }
            }
        };
        if let Some((new_len, reason)) = cut {
            let f = OpenOptions::new()
                .write(true)
                .open(&path)
                .map_err(|e| Error::io(&path, e))?;
            f.set_len(new_len).map_err(|e| Error::io(&path, e))?;
            f.sync_all().map_err(|e| Error::io(&path, e))?;
            tracing::warn!(file = %name, old_len, new_len, %reason, "cut torn tail off WARC file");
            out.push(Repair {
                file: name,
                old_len,
                new_len,
                reason,
            });
        }
    }
    Ok(out)
}
