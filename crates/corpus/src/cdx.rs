//! The capture index: one [`IndexEntry`] per `response` and `revisit` record (SURT key, 14-digit
//! timestamp, URL, mime, status, payload digest, record length and offset, file name), as CDXJ
//! lines the way pywb and `cdxj-indexer` write them.
//!
//! Reading the index inflates each record once to find its end but keeps only the WARC head and the
//! start of the block (the HTTP head), so it costs decompression and nothing else.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use jinan_types::CaptureKind;

use crate::error::{Error, Result};
use crate::reader::warc_files;
use crate::record::{
    capture_of, corrupt, parse_http, read_member_head, skip_member_unless, Counting, MemberError,
    RecordHead,
};
use crate::surt::surt;

/// Block bytes kept per record: enough for any sane HTTP head.
const HEAD_BYTES: usize = 32 * 1024;

/// One capture in the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    /// SURT key of the URL (see [`surt`]).
    pub surt: String,
    /// `YYYYMMDDhhmmss` of the `WARC-Date`.
    pub timestamp: String,
    /// The `WARC-Target-URI`.
    pub url: String,
    /// Content type without parameters (`warc/revisit` for a revisit), as pywb indexes it.
    pub mime: Option<String>,
    /// HTTP status; `None` for a revisit that stores no HTTP head (ours).
    pub status: Option<u16>,
    /// `WARC-Payload-Digest`.
    pub digest: Option<String>,
    /// Length of the record's gzip member in its file.
    pub length: u64,
    /// Byte offset of the record's gzip member.
    pub offset: u64,
    /// File name in the WARC folder.
    pub filename: String,
    pub kind: CaptureKind,
}

impl IndexEntry {
    /// The CDXJ line (without newline), field for field what `cdxj-indexer` writes: numbers as
    /// strings, JSON with `", "`/`": "` separators and non-ASCII escaped.
    pub fn cdxj_line(&self) -> String {
        let mut s = String::with_capacity(self.url.len() * 2 + 200);
        s.push_str(&self.surt);
        s.push(' ');
        s.push_str(&self.timestamp);
        s.push_str(" {");
        let status = self.status.map(|n| n.to_string());
        let length = self.length.to_string();
        let offset = self.offset.to_string();
        let fields = [
            ("url", Some(self.url.as_str())),
            ("mime", self.mime.as_deref()),
            ("status", status.as_deref()),
            ("digest", self.digest.as_deref()),
            ("length", Some(length.as_str())),
            ("offset", Some(offset.as_str())),
            ("filename", Some(self.filename.as_str())),
        ];
        let mut first = true;
        for (name, value) in fields {
            let Some(v) = value else { continue };
            if !first {
                s.push_str(", ");
            }
            first = false;
            json_string(&mut s, name);
            s.push_str(": ");
            json_string(&mut s, v);
        }
        s.push('}');
        s
    }
}

/// A JSON string as Python's `json.dumps` writes it (ASCII only, lowercase `\u` escapes).
fn json_string(out: &mut String, v: &str) {
    out.push('"');
    for c in v.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7f => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The index entry of a record, `None` for records other than `response` and `revisit`.
fn entry_of(file: &str, rec: &RecordHead) -> Result<Option<IndexEntry>> {
    let kind = match rec.header("WARC-Type") {
        Some("response") => CaptureKind::Response,
        Some("revisit") => CaptureKind::Revisit,
        _ => return Ok(None),
    };
    let (url, at) = capture_of(file, rec.offset, |n| rec.header(n))?;
    let timestamp = at.format("%Y%m%d%H%M%S").to_string();
    let http = parse_http(&rec.block_start);
    let mime = match kind {
        CaptureKind::Revisit => Some("warc/revisit".to_string()),
        CaptureKind::Response => http
            .as_ref()
            .and_then(|h| crate::payload::header_value(&h.headers, "Content-Type"))
            .and_then(|v| v.split([';', ' ', '\t']).next())
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string),
    };
    Ok(Some(IndexEntry {
        surt: surt(&url),
        timestamp,
        url,
        mime,
        status: http.map(|h| h.status),
        digest: rec.header("WARC-Payload-Digest").map(str::to_string),
        length: rec.compressed_len,
        offset: rec.offset,
        filename: file.to_string(),
        kind,
    }))
}

/// Index entries of every WARC file in `warc_dir`, in file order (files sorted, records as
/// written). A torn tail of the last file (a crawl writing now) ends the index quietly; damage
/// elsewhere is an error naming file and offset.
pub struct CaptureIndex {
    dir: PathBuf,
    files: Vec<String>,
    idx: usize,
    reader: Option<Counting<BufReader<File>>>,
    finished: bool,
}

impl CaptureIndex {
    /// The index of every file in `warc_dir`.
    pub fn open(warc_dir: &Path) -> Result<CaptureIndex> {
        Ok(CaptureIndex {
            dir: warc_dir.to_path_buf(),
            files: warc_files(warc_dir)?,
            idx: 0,
            reader: None,
            finished: false,
        })
    }

    /// The index of the given files only (names in `warc_dir`).
    pub fn of_files(warc_dir: &Path, files: Vec<String>) -> CaptureIndex {
        CaptureIndex {
            dir: warc_dir.to_path_buf(),
            files,
            idx: 0,
            reader: None,
            finished: false,
        }
    }

    fn next_entry(&mut self) -> Result<Option<IndexEntry>> {
        loop {
            let Some(name) = self.files.get(self.idx).cloned() else {
                return Ok(None);
            };
            let path = self.dir.join(&name);
            let reader = match &mut self.reader {
                Some(r) => r,
                None => {
                    let f = File::open(&path).map_err(|e| Error::io(&path, e))?;
                    self.reader
                        .insert(Counting::new(BufReader::with_capacity(1 << 16, f), 0))
                }
            };
            let offset = reader.pos();
            let step = match skip_member_unless(reader, &["response", "revisit"]) {
                Ok(true) => continue,
                Ok(false) => read_member_head(reader, HEAD_BYTES),
                Err(e) => Err(e),
            };
            match step {
                Ok(Some(rec)) => {
                    if let Some(e) = entry_of(&name, &rec)? {
                        return Ok(Some(e));
                    }
                }
                Ok(None) => {
                    self.reader = None;
                    self.idx += 1;
                }
                Err(MemberError::Io(e)) => return Err(Error::io(&path, e)),
                Err(MemberError::Truncated(reason)) if self.idx + 1 == self.files.len() => {
                    tracing::warn!(file = %name, offset, %reason, "WARC file ends in a torn record; index stops there");
                    return Ok(None);
                }
                Err(MemberError::Truncated(reason) | MemberError::Invalid(reason)) => {
                    return Err(corrupt(&name, offset, reason))
                }
            }
        }
    }
}

impl Iterator for CaptureIndex {
    type Item = Result<IndexEntry>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        let r = self.next_entry().transpose();
        if !matches!(r, Some(Ok(_))) {
            self.finished = true;
        }
        r
    }
}
