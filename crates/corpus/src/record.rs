//! One WARC record as bytes: building a record as its own gzip member, and decoding one member back.
//!
//! Writer and reader share this module so that the two sides agree on header names, line endings and
//! digests. The HTTP helpers here prepare a response head for storage (as received, except that
//! the undone chunked framing is said by renaming `Transfer-Encoding` `X-Archive-Orig-`, the pywb
//! convention) and read heads back.

use std::io::{self, BufRead, Read, Write};

use chrono::{DateTime, SecondsFormat, Utc};
use flate2::Compression;
use sha1::{Digest, Sha1};

/// Largest decoded record the reader accepts; bigger means damaged data (or a decompression bomb).
pub(crate) const MAX_RECORD_BYTES: u64 = 1 << 30;

/// The gzip extra subfield (RFC 1952 `FEXTRA`, id `JL`, 9 bytes: the member's compressed length,
/// 8 bytes little-endian, then a code of its `WARC-Type`) in which the writer says what each
/// member is, so that the capture index can jump from member to member, skip the records that are
/// no captures without inflating them, and inflate only the heads of the others. Gzip readers
/// ignore it; members without it (other tools' files, our older ones) are inflated as before.
const LENGTH_SUBFIELD: [u8; 2] = *b"JL";
/// Where the length sits in a member we write: 10 header bytes, `XLEN`, then `SI1 SI2 LEN`.
const LENGTH_AT: usize = 16;
/// The `WARC-Type` codes of the subfield's last byte.
const TYPE_CODES: [(&str, u8); 8] = [
    ("warcinfo", b'w'),
    ("response", b's'),
    ("resource", b'c'),
    ("request", b'q'),
    ("metadata", b'm'),
    ("revisit", b'v'),
    ("conversion", b'n'),
    ("continuation", b't'),
];

/// What a member we wrote says of itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct MemberHint {
    len: u64,
    warc_type: Option<&'static str>,
}

/// The hint of a member starting with `start` (our `JL` subfield), if it carries one.
fn member_hint(start: &[u8]) -> Option<MemberHint> {
    const FEXTRA: u8 = 4;
    if start.len() < 12 || start[..3] != [0x1f, 0x8b, 8] || start[3] & FEXTRA == 0 {
        return None;
    }
    let xlen = u16::from_le_bytes([start[10], start[11]]) as usize;
    let mut sub = start.get(12..12 + xlen)?;
    while sub.len() >= 4 {
        let len = u16::from_le_bytes([sub[2], sub[3]]) as usize;
        let data = sub.get(4..4 + len)?;
        if sub[..2] == LENGTH_SUBFIELD && (len == 8 || len == 9) {
            let n = u64::from_le_bytes(data[..8].try_into().ok()?);
            let warc_type = data
                .get(8)
                .and_then(|c| TYPE_CODES.iter().find(|(_, k)| k == c))
                .map(|(t, _)| *t);
            return (n > 0).then_some(MemberHint { len: n, warc_type });
        }
        sub = &sub[4 + len..];
    }
    None
}

/// The length a member starting with `start` says it has, if it says one.
fn member_len_hint(start: &[u8]) -> Option<u64> {
    member_hint(start).map(|h| h.len)
}

/// Skips the next member without inflating it when it says it is a record of a type not in
/// `wanted`; true if it did. The skipped length is checked by what follows it (the next member or
/// the end of the data).
pub(crate) fn skip_member_unless<R: BufRead>(
    r: &mut Counting<R>,
    wanted: &[&str],
) -> Result<bool, MemberError> {
    let hint = match r.fill_buf() {
        Ok(start) => member_hint(start),
        Err(e) => return Err(MemberError::Io(e)),
    };
    let Some(MemberHint {
        len,
        warc_type: Some(t),
    }) = hint
    else {
        return Ok(false);
    };
    if wanted.contains(&t) {
        return Ok(false);
    }
    let done = io::copy(&mut (&mut *r).take(len), &mut io::sink()).map_err(MemberError::Io)?;
    if done < len {
        return Err(MemberError::Truncated("member ends early".into()));
    }
    match r.fill_buf() {
        Ok([]) => Ok(true),
        Ok(next) if next.len() < 2 || next[..2] == [0x1f, 0x8b] => Ok(true),
        Ok(_) => Err(MemberError::Invalid(
            "gzip member length field: no member follows".into(),
        )),
        Err(e) => Err(MemberError::Io(e)),
    }
}

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
        let code = self
            .headers
            .iter()
            .find(|(n, _)| *n == "WARC-Type")
            .and_then(|(_, t)| TYPE_CODES.iter().find(|(name, _)| name == t))
            .map(|(_, c)| *c);
        let mut extra = Vec::with_capacity(13);
        extra.extend_from_slice(&LENGTH_SUBFIELD);
        extra.extend_from_slice(&(8 + u16::from(code.is_some())).to_le_bytes());
        extra.extend_from_slice(&[0; 8]);
        extra.extend(code);
        let mut enc = flate2::GzBuilder::new().extra(extra).write(
            Vec::with_capacity(self.block.len() / 3 + 512),
            Compression::new(6),
        );
        enc.write_all(head.as_bytes())?;
        enc.write_all(&self.block)?;
        enc.write_all(b"\r\n\r\n")?;
        let mut member = enc.finish()?;
        let len = (member.len() as u64).to_le_bytes();
        member[LENGTH_AT..LENGTH_AT + 8].copy_from_slice(&len);
        Ok(member)
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
    let hint = match r.fill_buf() {
        Ok([]) => return Ok(None),
        Ok(start) => member_len_hint(start),
        Err(e) => return Err(MemberError::Io(e)),
    };
    let classify = |e: io::Error| match e.kind() {
        io::ErrorKind::UnexpectedEof => MemberError::Truncated(e.to_string()),
        _ => MemberError::Invalid(e.to_string()),
    };
    let mut dec = flate2::bufread::GzDecoder::new(&mut *r);
    let mut data = Vec::with_capacity(4096);
    // Small steps: the heads are the first few hundred bytes of a record, and with a length hint
    // nothing after them needs inflating.
    let mut buf = [0u8; 2048];
    // Read until the WARC head has ended and `keep` block bytes are in (or the member ends); when
    // the member says its length, only until the block's HTTP head has ended too.
    let mut body_start: Option<usize> = None;
    let mut early = false;
    loop {
        if let Some(b) = body_start {
            if data.len() >= b + keep {
                break;
            }
            if hint.is_some() && find_head_end(&data[b..]).is_some() {
                early = true;
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
        if body_start.is_none() {
            body_start = find_head_end(&data).map(|(_, b)| b);
        }
    }
    let early = early || (hint.is_some() && body_start.is_some_and(|b| data.len() >= b + keep));
    if !early {
        // Inflate the rest only to find the member's end.
        io::copy(&mut dec, &mut io::sink()).map_err(classify)?;
    }
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
    if let (true, Some(len)) = (early, hint) {
        let block_len: u64 = crate::payload::header_value(&headers, "Content-Length")
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(|| MemberError::Invalid("no Content-Length".into()))?;
        skip_to_member_end(r, offset, len, body_start as u64 + block_len + 4)?;
    }
    let end = data.len().min(body_start + keep);
    Ok(Some(RecordHead {
        offset,
        compressed_len: r.pos() - offset,
        headers,
        block_start: data[body_start..end].to_vec(),
    }))
}

/// Moves `r` to the end of the member that starts at `offset` and says it is `len` bytes long,
/// checking the claim against the gzip trailer: its `ISIZE` must be `inflated` (the record's
/// size: WARC head, block, the closing blank lines) and the next byte must start a member or the
/// file must end there. A torn member is `Truncated`; a length that disagrees is `Invalid`.
fn skip_to_member_end<R: BufRead>(
    r: &mut Counting<R>,
    offset: u64,
    len: u64,
    inflated: u64,
) -> Result<(), MemberError> {
    let bad = |what: &str| MemberError::Invalid(format!("gzip member length field: {what}"));
    let end = offset.saturating_add(len);
    let torn = || MemberError::Truncated("member ends early".into());
    let skip = |r: &mut Counting<R>, n: u64| -> Result<(), MemberError> {
        let done = io::copy(&mut (&mut *r).take(n), &mut io::sink()).map_err(MemberError::Io)?;
        if done < n {
            return Err(torn());
        }
        Ok(())
    };
    if r.pos() + 8 <= end {
        skip(r, end - 8 - r.pos())?;
        let mut trailer = [0u8; 8];
        r.read_exact(&mut trailer).map_err(|e| match e.kind() {
            io::ErrorKind::UnexpectedEof => torn(),
            _ => MemberError::Io(e),
        })?;
        let isize = u32::from_le_bytes([trailer[4], trailer[5], trailer[6], trailer[7]]);
        if u64::from(isize) != inflated & 0xffff_ffff {
            return Err(bad("the trailer's size disagrees with the record's"));
        }
    } else if r.pos() <= end {
        // The inflater has read into the trailer already.
        skip(r, end - r.pos())?;
    } else {
        return Err(bad("shorter than what was inflated"));
    }
    match r.fill_buf() {
        Ok([]) => Ok(()),
        Ok(next) if next.len() < 2 || next[..2] == [0x1f, 0x8b] => Ok(()),
        Ok(_) => Err(bad("no member follows")),
        Err(e) => Err(MemberError::Io(e)),
    }
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
    let crlf = memchr::memmem::find(data, b"\r\n\r\n");
    // A bare-LF end counts only if it comes first: look for it before the CRLF end only.
    let lf_zone = crlf.map_or(data, |i| &data[..(i + 1).min(data.len())]);
    match (memchr::memmem::find(lf_zone, b"\n\n"), crlf) {
        (Some(i), _) => Some((i, i + 2)),
        (None, Some(i)) => Some((i, i + 4)),
        (None, None) => None,
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

    /// A response with a large block: the HTTP head ends early, the rest would be inflated only to
    /// find the member's end.
    fn response_member(body_len: usize) -> Vec<u8> {
        let mut block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n".to_vec();
        // Incompressible-ish bytes, so that the member is long.
        let mut x: u32 = 7;
        block.extend((0..body_len).map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (x >> 16) as u8
        }));
        RecordBuilder::new("response", "<urn:uuid:y>", &Utc::now())
            .header("WARC-Target-URI", "http://a/x.html")
            .block("application/http; msgtype=response", block)
            .gzip()
            .unwrap()
    }

    /// Plain gzip of the same record, as other tools (and our older files) write it.
    fn without_hint(member: &[u8]) -> Vec<u8> {
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(member)
            .read_to_end(&mut raw)
            .unwrap();
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), Compression::new(6));
        enc.write_all(&raw).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn members_say_their_length_and_the_head_reader_jumps_by_it() {
        let ours = response_member(200_000);
        assert_eq!(
            member_hint(&ours),
            Some(MemberHint {
                len: ours.len() as u64,
                warc_type: Some("response")
            })
        );
        let plain = without_hint(&ours);
        assert_eq!(member_len_hint(&plain), None);
        // ours, plain, ours: every head found at its offset, whichever way its end is found.
        let mut file = ours.clone();
        file.extend_from_slice(&plain);
        file.extend_from_slice(&ours);
        let mut r = Counting::new(&file[..], 0);
        let mut offsets = Vec::new();
        while let Some(h) = read_member_head(&mut r, 32 * 1024).unwrap() {
            assert_eq!(h.header("WARC-Type"), Some("response"));
            assert!(h.block_start.starts_with(b"HTTP/1.1 200 OK\r\n"));
            offsets.push((h.offset, h.compressed_len));
        }
        let (a, b) = (ours.len() as u64, plain.len() as u64);
        assert_eq!(offsets, vec![(0, a), (a, b), (a + b, a)]);
    }

    #[test]
    fn records_that_are_no_captures_are_skipped_uninflated() {
        let meta = RecordBuilder::new("metadata", "<urn:uuid:m>", &Utc::now())
            .header("WARC-Target-URI", "http://a/x.html")
            .block("application/warc-fields", b"via: http://a/\r\n".to_vec())
            .gzip()
            .unwrap();
        let ours = response_member(50_000);
        let mut file = meta.clone();
        file.extend_from_slice(&ours);
        let mut r = Counting::new(&file[..], 0);
        assert!(skip_member_unless(&mut r, &["response", "revisit"]).unwrap());
        assert_eq!(r.pos(), meta.len() as u64);
        assert!(!skip_member_unless(&mut r, &["response", "revisit"]).unwrap());
        assert_eq!(r.pos(), meta.len() as u64);
        let h = read_member_head(&mut r, 1024).unwrap().unwrap();
        assert_eq!(
            (h.offset, h.compressed_len),
            (meta.len() as u64, ours.len() as u64)
        );
        // Without the hint nothing is skipped.
        let plain = without_hint(&meta);
        let mut r = Counting::new(&plain[..], 0);
        assert!(!skip_member_unless(&mut r, &["response"]).unwrap());
        // A torn skipped member is torn.
        let mut r = Counting::new(&meta[..meta.len() - 3], 0);
        assert!(matches!(
            skip_member_unless(&mut r, &["response"]),
            Err(MemberError::Truncated(_))
        ));
    }

    #[test]
    fn a_torn_or_lying_length_is_an_error_not_a_wrong_entry() {
        let ours = response_member(100_000);
        // Torn anywhere after the head: the jump runs out of data.
        for cut in [ours.len() / 2, ours.len() - 5, ours.len() - 1] {
            let mut r = Counting::new(&ours[..cut], 0);
            match read_member_head(&mut r, 32 * 1024) {
                Err(MemberError::Truncated(_)) => {}
                other => panic!("cut at {cut}: {:?}", other.map(|h| h.map(|h| h.offset))),
            }
        }
        // A length field that is too short or too long is caught by the trailer and what follows.
        for delta in [-3i64, 5] {
            let mut lying = ours.clone();
            let n = (ours.len() as i64 + delta) as u64;
            lying[LENGTH_AT..LENGTH_AT + 8].copy_from_slice(&n.to_le_bytes());
            lying.extend_from_slice(&ours);
            let mut r = Counting::new(&lying[..], 0);
            match read_member_head(&mut r, 32 * 1024) {
                Err(MemberError::Invalid(_)) => {}
                other => panic!(
                    "length off by {delta}: {:?}",
                    other.map(|h| h.map(|h| h.offset))
                ),
            }
        }
    }
}
