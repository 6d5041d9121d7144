//! Appending captures to the archive: one WARC/1.1 file at a time, rotated at a size limit.
//!
//! Each fetch is written as one group (`request`, `response` or `revisit`, optional `metadata`), every
//! record its own gzip member, the whole group in a single `write` so that a crash leaves at most one
//! torn group at the end of the file (which [`crate::repair`] cuts off). A failed write is undone by
//! truncating the file back to where the group started, so a full disk never leaves half a group.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use jinan_types::WarcLocation;

use crate::error::{Error, Result};
use crate::reader::{parse_file_name, warc_files};
use crate::record::{
    head_fields, new_record_id, normalize_request_head, sha1_digest, stored_response_head,
    RecordBuilder,
};

/// Profile of a `revisit` record for a `304 Not Modified`.
pub const PROFILE_SERVER_NOT_MODIFIED: &str =
    "http://netpreserve.org/warc/1.1/revisit/server-not-modified";

/// What a `304 Not Modified` refers back to.
#[derive(Debug, Clone, Copy, Default)]
pub struct Revisit<'a> {
    /// When the stored version was captured (`WARC-Refers-To-Date`).
    pub refers_to_date: Option<DateTime<Utc>>,
    /// `WARC-Record-ID` of the stored version's record, if known (`WARC-Refers-To`).
    pub refers_to_record: Option<&'a str>,
    /// Payload digest of the stored version, written as the revisit's `WARC-Payload-Digest` so that
    /// readers know which content is still current.
    pub digest: Option<&'a str>,
}

/// One fetch to archive.
#[derive(Debug, Clone, Copy)]
pub struct Fetch<'a> {
    /// The URL requested (the `WARC-Target-URI`).
    pub url: &'a str,
    pub captured_at: DateTime<Utc>,
    /// Address of the server that answered.
    pub ip: Option<IpAddr>,
    /// Raw HTTP request head (request line + headers), followed by the request body for a POST.
    pub request: &'a [u8],
    /// HTTP response head (status line + headers) as received, stored as it is except that
    /// `Transfer-Encoding` is renamed `X-Archive-Orig-Transfer-Encoding`: the client undid the
    /// chunked framing, so `body` is the unframed entity. For a revisit the head goes into the
    /// metadata record (see [`WarcWriter::write_fetch`]).
    pub response_head: &'a [u8],
    /// The body bytes as received (`Content-Encoding` kept; empty for a revisit).
    pub body: &'a [u8],
    /// `Some` for a `304 Not Modified`: written as a `revisit` record.
    pub revisit: Option<Revisit<'a>>,
    /// The list page the URL was found on.
    pub via: Option<&'a str>,
    /// The column name of that list page.
    pub via_column: Option<&'a str>,
    /// The body was cut at the size limit (`WARC-Truncated: length`).
    pub truncated: bool,
}

/// What the `warcinfo` record at the start of every file says about the crawl.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarcInfo {
    /// Name and version of the crawler, e.g. `jinan/0.1.0`.
    pub software: String,
    /// The machine that crawled.
    pub hostname: String,
    /// Who ran the crawl (a person or organisation and how to reach them), if configured.
    pub operator: Option<String>,
    /// The `User-Agent` sent.
    pub user_agent: String,
    /// The robots policy obeyed, e.g. `obey robots.txt (User-agent: jinan)`.
    pub robots: String,
    /// The collection the files belong to (`isPartOf`).
    pub is_part_of: String,
}

impl WarcInfo {
    /// The `application/warc-fields` block.
    fn fields(&self) -> String {
        let mut f = format!("software: {}\r\n", one_line(&self.software));
        f.push_str(&format!("hostname: {}\r\n", one_line(&self.hostname)));
        if let Some(op) = &self.operator {
            f.push_str(&format!("operator: {}\r\n", one_line(op)));
        }
        f.push_str(&format!(
            "http-header-user-agent: {}\r\n",
            one_line(&self.user_agent)
        ));
        f.push_str(&format!("robots: {}\r\n", one_line(&self.robots)));
        f.push_str(&format!("isPartOf: {}\r\n", one_line(&self.is_part_of)));
        f.push_str("format: WARC File Format 1.1\r\n");
        f.push_str(
            "conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n",
        );
        f
    }
}

/// This machine's host name (from the kernel), `localhost` when it cannot be read.
pub fn host_name() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .map(|s| s.trim().to_string())
        .find(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "localhost".to_string())
}

/// Appends fetch groups to `jinan-<UTC yyyymmddHHMMSS>-<seq:05>.warc.gz` files in one folder.
pub struct WarcWriter {
    dir: PathBuf,
    max_file_bytes: u64,
    info: WarcInfo,
    file: File,
    name: String,
    len: u64,
    groups: u64,
    warcinfo_id: String,
    stamp: String,
    seq: u32,
    /// A failed write could not be undone yet: retry the truncation before writing again.
    dirty: bool,
}

impl WarcWriter {
    /// Starts a NEW file in `warc_dir` (created if missing), named to sort after every existing file,
    /// beginning with a `warcinfo` record; later writes rotate to a new file once the current one holds
    /// `max_file_bytes` or more.
    pub fn create(warc_dir: &Path, max_file_bytes: u64, info: &WarcInfo) -> Result<WarcWriter> {
        std::fs::create_dir_all(warc_dir).map_err(|e| Error::io(warc_dir, e))?;
        let (stamp, seq) = match warc_files(warc_dir)?
            .last()
            .and_then(|n| parse_file_name(n))
        {
            Some((stamp, seq)) => (stamp, seq + 1),
            None => (String::new(), 0),
        };
        let (file, name, warcinfo_id, len, stamp) = open_new(warc_dir, &stamp, seq, info)?;
        Ok(WarcWriter {
            dir: warc_dir.to_path_buf(),
            max_file_bytes,
            info: info.clone(),
            file,
            name,
            len,
            groups: 0,
            warcinfo_id,
            stamp,
            seq,
            dirty: false,
        })
    }

    /// Name of the file being written.
    pub fn file_name(&self) -> &str {
        &self.name
    }

    /// Writes request + response|revisit (+ metadata) as one group; returns where the response or
    /// revisit record starts.
    ///
    /// A revisit record has an empty block: replay tools (pywb, warcio) then take the HTTP head
    /// and payload of the capture it names, so every capture time replays as the page. The 304
    /// head itself is kept in the metadata record (`response-status`, one `response-header` per
    /// header line), where [`crate::read_capture`] finds it again.
    pub fn write_fetch(&mut self, f: &Fetch<'_>) -> Result<WarcLocation> {
        if self.dirty {
            self.undo()?;
        }
        if self.len >= self.max_file_bytes && self.groups > 0 {
            self.rotate()?;
        }
        let group = self.build_group(f).map_err(|e| Error::io(self.path(), e))?;
        let offset = self.len + group.request_len as u64;
        if let Err(e) = self.file.write_all(&group.bytes) {
            self.dirty = true;
            // Best effort now; retried before the next write if it fails.
            let _ = self.undo();
            return Err(Error::io(self.path(), e));
        }
        self.len += group.bytes.len() as u64;
        self.groups += 1;
        Ok(WarcLocation {
            file: self.name.clone(),
            offset,
        })
    }

    /// Flushes the current file to disk (fsync): after this, every location returned so far survives
    /// a power cut.
    pub fn sync(&mut self) -> Result<()> {
        self.file.flush().map_err(|e| Error::io(self.path(), e))?;
        self.file.sync_data().map_err(|e| Error::io(self.path(), e))
    }

    fn path(&self) -> PathBuf {
        self.dir.join(&self.name)
    }

    fn undo(&mut self) -> Result<()> {
        self.file
            .set_len(self.len)
            .map_err(|e| Error::io(self.path(), e))?;
        self.dirty = false;
        Ok(())
    }

    fn rotate(&mut self) -> Result<()> {
        self.sync()?;
        let seq = self.seq + 1;
        let (file, name, warcinfo_id, len, stamp) =
            open_new(&self.dir, &self.stamp, seq, &self.info)?;
        tracing::debug!(old = %self.name, new = %name, "rotating WARC file");
        self.file = file;
        self.name = name;
        self.warcinfo_id = warcinfo_id;
        self.len = len;
        self.groups = 0;
        self.stamp = stamp;
        self.seq = seq;
        Ok(())
    }

    fn build_group(&self, f: &Fetch<'_>) -> std::io::Result<Group> {
        let response_id = new_record_id();
        let request_id = new_record_id();
        let ip = f.ip.map(|ip| ip.to_string());
        let request = RecordBuilder::new("request", &request_id, &f.captured_at)
            .header("WARC-Target-URI", f.url)
            .header("WARC-Warcinfo-ID", &self.warcinfo_id)
            .header("WARC-Concurrent-To", &response_id)
            .opt_header("WARC-IP-Address", ip.as_deref())
            .block(
                "application/http;msgtype=request",
                normalize_request_head(f.request),
            )
            .gzip()?;
        let response = match &f.revisit {
            None => {
                let mut block = stored_response_head(f.response_head);
                block.extend_from_slice(f.body);
                RecordBuilder::new("response", &response_id, &f.captured_at)
                    .header("WARC-Target-URI", f.url)
                    .header("WARC-Warcinfo-ID", &self.warcinfo_id)
                    .opt_header("WARC-IP-Address", ip.as_deref())
                    .header("WARC-Payload-Digest", &sha1_digest(f.body))
                    .opt_header("WARC-Truncated", f.truncated.then_some("length"))
                    .block("application/http;msgtype=response", block)
                    .gzip()?
            }
            Some(r) => {
                let date = r.refers_to_date.map(|d| crate::record::warc_date(&d));
                RecordBuilder::new("revisit", &response_id, &f.captured_at)
                    .header("WARC-Target-URI", f.url)
                    .header("WARC-Warcinfo-ID", &self.warcinfo_id)
                    .opt_header("WARC-IP-Address", ip.as_deref())
                    .header("WARC-Profile", PROFILE_SERVER_NOT_MODIFIED)
                    .header("WARC-Refers-To-Target-URI", f.url)
                    .opt_header("WARC-Refers-To-Date", date.as_deref())
                    .opt_header("WARC-Refers-To", r.refers_to_record)
                    .opt_header("WARC-Payload-Digest", r.digest)
                    .gzip()?
            }
        };
        let mut fields = String::new();
        if let Some(v) = f.via {
            fields.push_str(&format!("via: {}\r\n", one_line(v)));
        }
        if let Some(v) = f.via_column {
            fields.push_str(&format!("via-column: {}\r\n", one_line(v)));
        }
        if f.truncated {
            fields.push_str("truncated: length\r\n");
        }
        if f.revisit.is_some() {
            fields.push_str(&head_fields(f.response_head));
        }
        let metadata = if fields.is_empty() {
            Vec::new()
        } else {
            RecordBuilder::new("metadata", &new_record_id(), &f.captured_at)
                .header("WARC-Target-URI", f.url)
                .header("WARC-Warcinfo-ID", &self.warcinfo_id)
                .header("WARC-Concurrent-To", &response_id)
                .block("application/warc-fields", fields.into_bytes())
                .gzip()?
        };
        let request_len = request.len();
        let mut bytes = request;
        bytes.reserve(response.len() + metadata.len());
        bytes.extend_from_slice(&response);
        bytes.extend_from_slice(&metadata);
        Ok(Group { bytes, request_len })
    }
}

struct Group {
    bytes: Vec<u8>,
    request_len: usize,
}

fn one_line(v: &str) -> String {
    v.chars()
        .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

/// Creates the next file (timestamp never earlier than `min_stamp`) and writes its `warcinfo`.
/// Returns (file, name, warcinfo id, length, timestamp used).
fn open_new(
    dir: &Path,
    min_stamp: &str,
    seq: u32,
    info: &WarcInfo,
) -> Result<(File, String, String, u64, String)> {
    let now = Utc::now();
    let mut stamp = now.format("%Y%m%d%H%M%S").to_string();
    if stamp.as_str() < min_stamp {
        stamp = min_stamp.to_string();
    }
    let name = format!("jinan-{stamp}-{seq:05}.warc.gz");
    let path = dir.join(&name);
    let mut file = OpenOptions::new()
        .append(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    let info_id = new_record_id();
    let record = RecordBuilder::new("warcinfo", &info_id, &now)
        .header("WARC-Filename", &name)
        .block("application/warc-fields", info.fields().into_bytes())
        .gzip()
        .map_err(|e| Error::io(&path, e))?;
    let written = file.write_all(&record).and_then(|_| file.sync_data());
    if let Err(e) = written {
        // Leave no half-made file behind (a full disk, typically).
        drop(file);
        let _ = std::fs::remove_file(&path);
        return Err(Error::io(&path, e));
    }
    // Make the new directory entry durable too.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    tracing::debug!(file = %name, "started WARC file");
    Ok((file, name, info_id, record.len() as u64, stamp))
}
