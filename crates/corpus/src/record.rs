//! One WARC record as bytes: building a record as its own gzip member, and decoding one member back.
//!
//! Writer and reader share this module so that the two sides agree on header names, line endings and
//! digests. The HTTP helpers here prepare a response head for storage (as received, except that
//! the undone chunked framing is said by renaming `Transfer-Encoding` `X-Archive-Orig-`, the pywb
//! convention) and read heads back.

use std::io::{self, BufRead, Read, Write};

use chrono::{DateTime, SecondsFormat, Utc};
use flate2::write::GzEncoder;
use flate2::Compression;
use sha1::{Digest, Sha1};

/// Largest decoded record the reader accepts; bigger means damaged data (or a decompression bomb).
pub(crate) const MAX_RECORD_BYTES: u64 = 1 << 30;

/// `sha1:` + base32 digest of `bytes`, the form of `WARC-Payload-Digest` and `WARC-Block-Digest`.
pub fn sha1_digest(bytes: &[u8]) -> String {
    let hash = Sha1::digest(bytes);
    format!("sha1:{}", data_encoding::BASE32.encode(&hash))
}

/// The target URI and capture time of a `response` or `revisit` record, read from its headers (by
/// `header`) the one way every reader of captures reads them: the URI without the `<...>` of
/// WARC/1.0 drafts, the date as RFC 3339 with or without fractions of a second. A record without
/// either is damaged: the error names `file` and `offset`.
pub(crate) fn capture_of<'a>(
    file: &str,
    offset: u64,
    header: impl Fn(&str) -> Option<&'a str>,
) -> crate::Result<(String, DateTime<Utc>)> {
    let url = header("WARC-Target-URI")
        .map(|u| u.trim_start_matches('<').trim_end_matches('>'))
        .ok_or_else(|| corrupt(file, offset, "no WARC-Target-URI"))?;
    let at = header("WARC-Date")
        .and_then(|d| DateTime::parse_from_rfc3339(d).ok())
        .map(|d| d.with_timezone(&Utc))
        .ok_or_else(|| corrupt(file, offset, "missing or bad WARC-Date"))?;
    Ok((url.to_string(), at))
}

/// The error of a damaged record.
pub(crate) fn corrupt(file: &str, offset: u64, reason: impl Into<String>) -> crate::Error {
    crate::Error::Corrupt {
        file: file.to_string(),
        offset,
        reason: reason.into(),
    }
}

/// A fresh `<urn:uuid:...>` record id.
pub(crate) fn new_record_id() -> String {
    format!("<urn:uuid:{}>", uuid::Uuid::new_v4())
}

/// WARC-Date form: UTC, microseconds (WARC/1.1 allows fractions of a second).
pub(crate) fn warc_date(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Header values may not contain line breaks; anything else is written as given (UTF-8).
fn clean_value(v: &str) -> String {
    v.chars()
        .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
        .collect()
}

/// A record being built: WARC headers (without Content-Length, added at the end) and its block.
pub(crate) struct RecordBuilder {
    headers: Vec<(&'static str, String)>,
    block: Vec<u8>,
}

impl RecordBuilder {
    pub(crate) fn new(warc_type: &str, record_id: &str, date: &DateTime<Utc>) -> Self {
        RecordBuilder {
            headers: vec![
                ("WARC-Type", warc_type.to_string()),
                ("WARC-Record-ID", record_id.to_string()),
                ("WARC-Date", warc_date(date)),
            ],
            block: Vec::new(),
        }
    }

    pub(crate) fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, clean_value(value)));
        self
    }

    pub(crate) fn opt_header(self, name: &'static str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.header(name, v),
            None => self,
        }
    }

    pub(crate) fn block(mut self, content_type: &str, block: Vec<u8>) -> Self {
        self.headers
            .push(("Content-Type", content_type.to_string()));
        self.block = block;
        self
    }

    /// The record as one complete gzip member.
    pub(crate) fn gzip(self) -> io::Result<Vec<u8>> {
        let mut head = String::with_capacity(512);
        head.push_str("WARC/1.1\r\n");
        for (name, value) in &self.headers {
            head.push_str(name);
            head.push_str(": ");
            head.push_str(value);
            head.push_str("\r\n");
        }
        head.push_str(&format!(
            "WARC-Block-Digest: {}\r\n",
            sha1_digest(&self.block)
        ));
        head.push_str(&format!("Content-Length: {}\r\n\r\n", self.block.len()));
        let mut enc = GzEncoder::new(
            Vec::with_capacity(self.block.len() / 3 + 512),
            Compression::new(6),
        );
        enc.write_all(head.as_bytes())?;
        enc.write_all(&self.block)?;
        enc.write_all(b"\r\n\r\n")?;
        enc.finish()
    }
}

/// One WARC record read back from a file.
#[derive(Debug, Clone)]
pub struct WarcRecord {
    /// Byte offset of the record's gzip member in its file.
    pub offset: u64,
    /// Compressed length of the member.
    pub compressed_len: u64,
    /// WARC named fields in file order.
    pub headers: Vec<(String, String)>,
    /// The record block (`Content-Length` bytes).
    pub block: Vec<u8>,
}

impl WarcRecord {
    /// First header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `WARC-Type`, empty when missing.
    pub fn warc_type(&self) -> &str {
        self.header("WARC-Type").unwrap_or("")
    }

    /// `WARC-Record-ID`, empty when missing.
    pub fn record_id(&self) -> &str {
        self.header("WARC-Record-ID").unwrap_or("")
    }

    /// The body of the HTTP message in an `application/http` block (what `WARC-Payload-Digest`
    /// covers); `None` for other blocks and for a block that is only an HTTP head or empty.
    pub fn http_body(&self) -> Option<&[u8]> {
        let is_http = self.header("Content-Type").is_some_and(|t| {
            t.trim()
                .to_ascii_lowercase()
                .starts_with("application/http")
        });
        if !is_http || self.block.is_empty() {
            return None;
        }
        let (_, body_start) = find_head_end(&self.block)?;
        Some(&self.block[body_start..])
    }
}

/// Why a gzip member could not be turned into a record.
#[derive(Debug)]
pub(crate) enum MemberError {
    /// The data ends inside the member: a torn write.
    Truncated(String),
    /// The data is not a valid member or record.
    Invalid(String),
    /// The file could not be read.
    Io(io::Error),
}

/// A `BufRead` that counts the bytes its consumer has taken, so member boundaries are known exactly.
pub(crate) struct Counting<R> {
    inner: R,
    pos: u64,
}

impl<R: BufRead> Counting<R> {
    pub(crate) fn new(inner: R, pos: u64) -> Self {
        Counting { inner, pos }
    }

    pub(crate) fn pos(&self) -> u64 {
        self.pos
    }
}

impl<R: BufRead> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let avail = self.inner.fill_buf()?;
        let n = avail.len().min(buf.len());
        buf[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        self.pos += amt as u64;
        self.inner.consume(amt);
    }
}

/// Decodes the next member. `Ok(None)` at a clean end of data.
pub(crate) fn read_member<R: BufRead>(
    r: &mut Counting<R>,
) -> Result<Option<WarcRecord>, MemberError> {
    let offset = r.pos();
    match r.fill_buf() {
        Ok([]) => return Ok(None),
        Ok(_) => {}
        Err(e) => return Err(MemberError::Io(e)),
    }
    let mut data = Vec::new();
    {
        let dec = flate2::bufread::GzDecoder::new(&mut *r);
        let mut limited = dec.take(MAX_RECORD_BYTES + 1);
        if let Err(e) = limited.read_to_end(&mut data) {
            return Err(match e.kind() {
                io::ErrorKind::UnexpectedEof => MemberError::Truncated(e.to_string()),
                _ => MemberError::Invalid(e.to_string()),
            });
        }
    }
    if data.len() as u64 > MAX_RECORD_BYTES {
        return Err(MemberError::Invalid("record larger than 1 GiB".into()));
    }
    let compressed_len = r.pos() - offset;
    // A member that decodes to nothing but whose bytes ran out is a torn header.
    if data.is_empty() {
        return Err(MemberError::Truncated("empty gzip member".into()));
    }
    parse_record(offset, compressed_len, data)
        .map(Some)
        .map_err(MemberError::Invalid)
}

/// A record read for indexing: its WARC headers and the first bytes of its block, the rest of the
/// member inflated only to find where it ends.
pub(crate) struct RecordHead {
    pub offset: u64,
    pub compressed_len: u64,
    pub headers: Vec<(String, String)>,
    /// The start of the block: up to `keep` bytes, fewer when the block is shorter.
    pub block_start: Vec<u8>,
}

impl RecordHead {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        crate::payload::header_value(&self.headers, name)
    }
}

/// Decodes the next member keeping only its WARC head and `keep` bytes of its block. `Ok(None)` at
/// a clean end of data.
pub(crate) fn read_member_head<R: BufRead>(
    r: &mut Counting<R>,
    keep: usize,
) -> Result<Option<RecordHead>, MemberError> {
    let offset = r.pos();
    match r.fill_buf() {
        Ok([]) => return Ok(None),
        Ok(_) => {}
        Err(e) => return Err(MemberError::Io(e)),
    }
    let classify = |e: io::Error| match e.kind() {
        io::ErrorKind::UnexpectedEof => MemberError::Truncated(e.to_string()),
        _ => MemberError::Invalid(e.to_string()),
    };
    let mut dec = flate2::bufread::GzDecoder::new(&mut *r);
    let mut data = Vec::with_capacity(4096);
    let mut buf = [0u8; 8192];
    // Read until the WARC head has ended and `keep` block bytes are in (or the member ends).
    let mut parsed: Option<(usize, usize)> = None;
    loop {
        if let Some((body_start, _)) = parsed {
            if data.len() >= body_start + keep {
                break;
            }
        } else if data.len() as u64 > MAX_RECORD_BYTES {
            return Err(MemberError::Invalid("WARC head never ends".into()));
        }
        let n = dec.read(&mut buf).map_err(classify)?;
        if n == 0 {
            break;
        }
        data.extend_from_slice(&buf[..n]);
        if parsed.is_none() {
            if let Some((_, body_start)) = find_head_end(&data) {
                parsed = Some((body_start, 0));
            }
        }
    }
    // Inflate the rest only to find the member's end.
    io::copy(&mut dec, &mut io::sink()).map_err(classify)?;
    drop(dec);
    if data.is_empty() {
        return Err(MemberError::Truncated("empty gzip member".into()));
    }
    let (head_end, body_start) = find_head_end(&data)
        .ok_or_else(|| MemberError::Invalid("no end of WARC headers".into()))?;
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.lines();
    let version = lines.next().unwrap_or("");
    if !version.starts_with("WARC/") {
        return Err(MemberError::Invalid(format!(
            "not a WARC record (starts {version:?})"
        )));
    }
    let headers = parse_fields(lines);
    let end = data.len().min(body_start + keep);
    Ok(Some(RecordHead {
        offset,
        compressed_len: r.pos() - offset,
        headers,
        block_start: data[body_start..end].to_vec(),
    }))
}

/// Splits decoded record bytes into headers and block.
fn parse_record(offset: u64, compressed_len: u64, mut data: Vec<u8>) -> Result<WarcRecord, String> {
    let (head_end, body_start) = find_head_end(&data).ok_or("no end of WARC headers")?;
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.lines();
    let version = lines.next().unwrap_or("");
    if !version.starts_with("WARC/") {
        return Err(format!("not a WARC record (starts {version:?})"));
    }
    let headers = parse_fields(lines);
    let len: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("Content-Length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .ok_or("missing or bad Content-Length")?;
    if data.len() < body_start + len {
        return Err(format!("block shorter than Content-Length {len}"));
    }
    data.truncate(body_start + len);
    let block = data.split_off(body_start);
    Ok(WarcRecord {
        offset,
        compressed_len,
        headers,
        block,
    })
}

/// `Name: value` lines, with folded continuation lines joined.
pub(crate) fn parse_fields<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.is_empty() {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(last) = out.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
            continue;
        }
        if let Some((n, v)) = line.split_once(':') {
            out.push((n.trim().to_string(), v.trim().to_string()));
        }
    }
    out
}

/// End of a header section: index where it ends and where the content starts.
pub(crate) fn find_head_end(data: &[u8]) -> Option<(usize, usize)> {
    let crlf = data
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, i + 4));
    let lf = data
        .windows(2)
        .position(|w| w == b"\n\n")
        .map(|i| (i, i + 2));
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(if b.0 < a.0 { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// An HTTP message split into status (0 for a request), header fields and the byte index of its body.
pub(crate) struct HttpHead {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body_start: usize,
}

/// Parses the head of an HTTP message stored in a record block. `None` when there is no head.
pub(crate) fn parse_http(block: &[u8]) -> Option<HttpHead> {
    let (head_end, body_start) = find_head_end(block).unwrap_or((block.len(), block.len()));
    let head = String::from_utf8_lossy(&block[..head_end]);
    let mut lines = head.lines();
    let first = lines.next()?;
    let status = if first.starts_with("HTTP/") {
        first
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())?
    } else {
        0
    };
    Some(HttpHead {
        status,
        headers: parse_fields(lines),
        body_start,
    })
}

/// A response head as received, for storage in front of the body bytes as received: lines end in
/// CRLF, the head in exactly one blank line, and `Transfer-Encoding` is renamed
/// `X-Archive-Orig-Transfer-Encoding` (the pywb convention for headers that no longer describe the
/// stored bytes) because the client undid the chunked framing. Everything else is kept as sent,
/// `Content-Encoding` and `Content-Length` included.
pub(crate) fn stored_response_head(head: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(head.len() + 32);
    let text_end = find_head_end(head).map(|(e, _)| e).unwrap_or(head.len());
    for (i, line) in head[..text_end].split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        if i > 0 && header_name_is(line, "transfer-encoding") {
            out.extend_from_slice(b"X-Archive-Orig-");
        }
        out.extend_from_slice(line);
        out.extend_from_slice(b"\r\n");
    }
    if out.is_empty() {
        out.extend_from_slice(b"HTTP/1.1 200 OK\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out
}

fn header_name_is(line: &[u8], name: &str) -> bool {
    line.iter().position(|&b| b == b':').is_some_and(|c| {
        String::from_utf8_lossy(&line[..c])
            .trim()
            .eq_ignore_ascii_case(name)
    })
}

/// Metadata fields holding a revisit's HTTP head: `response-status: <status line>` and one
/// `response-header: <Name: value>` per header line.
pub(crate) fn head_fields(head: &[u8]) -> String {
    let text_end = find_head_end(head).map(|(e, _)| e).unwrap_or(head.len());
    let text = String::from_utf8_lossy(&head[..text_end]);
    let mut out = String::new();
    for (i, line) in text
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let name = if i == 0 {
            "response-status"
        } else {
            "response-header"
        };
        out.push_str(name);
        out.push_str(": ");
        out.push_str(line.trim());
        out.push_str("\r\n");
    }
    out
}

/// A raw request head ending in exactly one blank line, followed by the request body if the
/// message had one (a POST form).
pub(crate) fn normalize_request_head(head: &[u8]) -> Vec<u8> {
    let (text_end, body_start) = find_head_end(head).unwrap_or((head.len(), head.len()));
    let mut out = Vec::with_capacity(head.len() + 4);
    for line in head[..text_end].split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if !line.is_empty() {
            out.extend_from_slice(line);
            out.extend_from_slice(b"\r\n");
        }
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&head[body_start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_is_sha1_base32() {
        // SHA-1 of the empty string is da39a3ee5e6b4b0d3255bfef95601890afd80709.
        assert_eq!(sha1_digest(b""), "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
    }

    #[test]
    fn response_head_is_stored_as_received_but_for_undone_chunking() {
        let head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\ncontent-length: 12\r\n\r\n";
        let out = String::from_utf8(stored_response_head(head)).unwrap();
        assert_eq!(
            out,
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\
             X-Archive-Orig-Transfer-Encoding: chunked\r\ncontent-length: 12\r\n\r\n"
        );
        let bare = String::from_utf8(stored_response_head(b"HTTP/1.1 304 Not Modified\n")).unwrap();
        assert_eq!(bare, "HTTP/1.1 304 Not Modified\r\n\r\n");
        assert_eq!(
            head_fields(b"HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n"),
            "response-status: HTTP/1.1 304 Not Modified\r\nresponse-header: ETag: \"x\"\r\n"
        );
    }

    #[test]
    fn request_head_gets_one_blank_line() {
        let out = normalize_request_head(b"GET / HTTP/1.1\r\nHost: a\r\n");
        assert_eq!(out, b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        let post = normalize_request_head(b"POST /p HTTP/1.1\nHost: a\n\ncol=1&webid=38");
        assert_eq!(post, b"POST /p HTTP/1.1\r\nHost: a\r\n\r\ncol=1&webid=38");
    }

    #[test]
    fn member_roundtrip_and_truncation() {
        let now = Utc::now();
        let bytes = RecordBuilder::new("resource", "<urn:uuid:x>", &now)
            .header("WARC-Target-URI", "http://a/\r\nEvil: 1")
            .block("text/plain", b"hello".to_vec())
            .gzip()
            .unwrap();
        let mut two = bytes.clone();
        two.extend_from_slice(&bytes);
        let mut r = Counting::new(&two[..], 0);
        let rec = read_member(&mut r).unwrap().unwrap();
        assert_eq!(rec.block, b"hello");
        assert_eq!(rec.header("warc-target-uri"), Some("http://a/  Evil: 1"));
        assert_eq!(rec.compressed_len, bytes.len() as u64);
        let rec2 = read_member(&mut r).unwrap().unwrap();
        assert_eq!(rec2.offset, bytes.len() as u64);
        assert!(read_member(&mut r).unwrap().is_none());
        for cut in [1, 10, bytes.len() / 2, bytes.len() - 1] {
            let mut r = Counting::new(&bytes[..cut], 0);
            match read_member(&mut r) {
                Err(MemberError::Truncated(_)) | Err(MemberError::Invalid(_)) => {}
                other => panic!("cut at {cut}: {other:?}"),
            }
        }
    }
}
