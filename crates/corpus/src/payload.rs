//! The HTTP body inside a stored response, decoded: the one place that knows how stored bytes turn
//! into the document a server meant.
//!
//! A `response` record holds the body as the server sent it: `Content-Encoding` (gzip, deflate, br)
//! kept, and chunked framing either undone by the crawler (the header is then stored renamed
//! `X-Archive-Orig-Transfer-Encoding`) or, in records written by other tools, still in place.
//! Records of the old layout hold an already decoded body with the wire headers renamed
//! `X-Archive-Orig-*`, which reads here as a body without coding. Extraction, indexing, history,
//! search and replay all decode through [`decode_body`].

use std::borrow::Cow;
use std::io::Read;

use crate::error::{Error, Result};

/// Largest decoded body a reader accepts ([`crate::StoredCapture::body`]); more is a
/// decompression bomb, not a page.
pub const MAX_BODY_BYTES: u64 = 32 << 20;

/// First header of that name (case-insensitive) in a parsed header list.
pub fn header_value<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// True when the headers say the body is framed with chunked transfer coding.
pub fn is_chunked(headers: &[(String, String)]) -> bool {
    header_value(headers, "Transfer-Encoding").is_some_and(|v| {
        v.split(',')
            .any(|c| c.trim().eq_ignore_ascii_case("chunked"))
    })
}

/// The payload of a stored message body: chunked framing undone when the headers announce it and
/// the bytes really are chunked (servers sometimes announce it and send plain bytes; a torn last
/// chunk keeps what arrived). Other bodies are returned as they are.
pub fn unchunk<'a>(headers: &[(String, String)], body: &'a [u8]) -> Cow<'a, [u8]> {
    if !is_chunked(headers) {
        return Cow::Borrowed(body);
    }
    match dechunk(body) {
        Some(b) => Cow::Owned(b),
        None => Cow::Borrowed(body),
    }
}

/// Undoes chunked framing; `None` when the bytes do not start as chunked data.
fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len());
    let mut first = true;
    loop {
        let Some(eol) = data.windows(2).position(|w| w == b"\r\n") else {
            // A torn size line after real chunks: keep what arrived.
            return (!first).then_some(out);
        };
        let line = std::str::from_utf8(&data[..eol]).ok()?;
        let size_text = line.split(';').next().unwrap_or("").trim();
        let Ok(size) = usize::from_str_radix(size_text, 16) else {
            return (!first).then_some(out);
        };
        first = false;
        data = &data[eol + 2..];
        if size == 0 {
            return Some(out);
        }
        if data.len() < size {
            out.extend_from_slice(data);
            return Some(out);
        }
        out.extend_from_slice(&data[..size]);
        data = data[size..].strip_prefix(b"\r\n").unwrap_or(&data[size..]);
    }
}

/// The codings of a `Content-Encoding` value, in the order they were applied.
fn codings(value: &str) -> impl Iterator<Item = String> + '_ {
    value
        .split(',')
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty() && c != "identity")
}

/// The body with its `Content-Encoding` undone, at most `limit` decoded bytes. Without a coding the
/// payload is returned as it is. With `partial` (a body cut at the size cap, or a caller that only
/// needs the start) the result is as much as decodes, cut at `limit`; otherwise a damaged coding or
/// more than `limit` bytes (a decompression bomb) is an error.
pub fn decode_body<'a>(
    headers: &[(String, String)],
    payload: &'a [u8],
    partial: bool,
    limit: u64,
) -> Result<Cow<'a, [u8]>> {
    let Some(value) = header_value(headers, "Content-Encoding") else {
        return Ok(Cow::Borrowed(payload));
    };
    let list: Vec<String> = codings(value).collect();
    let mut body: Cow<'a, [u8]> = Cow::Borrowed(payload);
    for coding in list.iter().rev() {
        body = Cow::Owned(decode_one(coding, &body, partial, limit)?);
    }
    Ok(body)
}

fn decode_one(coding: &str, data: &[u8], partial: bool, limit: u64) -> Result<Vec<u8>> {
    let bad = |reason: String| Error::Undecodable {
        coding: coding.to_string(),
        reason,
    };
    let mut out = Vec::with_capacity(data.len().saturating_mul(4).min(limit as usize));
    let result = match coding {
        "gzip" | "x-gzip" => read_limited(flate2::read::MultiGzDecoder::new(data), limit, &mut out),
        "deflate" => {
            // RFC 9110 says zlib-wrapped; some servers send raw deflate.
            let zlib = read_limited(flate2::read::ZlibDecoder::new(data), limit, &mut out);
            if zlib.is_err() && out.is_empty() {
                read_limited(flate2::read::DeflateDecoder::new(data), limit, &mut out)
            } else {
                zlib
            }
        }
        "br" => read_limited(
            brotli_decompressor::Decompressor::new(data, 1 << 16),
            limit,
            &mut out,
        ),
        other => return Err(bad(format!("unsupported content coding {other:?}"))),
    };
    match result {
        Ok(()) => Ok(out),
        Err(_) if partial => {
            out.truncate(limit as usize);
            Ok(out)
        }
        Err(e) => Err(bad(e.to_string())),
    }
}

/// Reads `r` to its end into `out`, failing (`OutOfMemory`) past `limit` bytes.
fn read_limited(r: impl Read, limit: u64, out: &mut Vec<u8>) -> std::io::Result<()> {
    r.take(limit + 1).read_to_end(out)?;
    if out.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::OutOfMemory,
            format!("decoded body larger than {limit} bytes"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn content_codings_are_undone() {
        let text = "<p>济南 Jinan</p>".repeat(50);
        let gz = gzip(text.as_bytes());
        let got = decode_body(&h(&[("content-encoding", "gzip")]), &gz, false, 1 << 20).unwrap();
        assert_eq!(got.as_ref(), text.as_bytes());

        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(text.as_bytes()).unwrap();
        let z = z.finish().unwrap();
        let got = decode_body(&h(&[("Content-Encoding", "deflate")]), &z, false, 1 << 20).unwrap();
        assert_eq!(got.as_ref(), text.as_bytes());
        let mut raw =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        raw.write_all(text.as_bytes()).unwrap();
        let raw = raw.finish().unwrap();
        let got =
            decode_body(&h(&[("Content-Encoding", "deflate")]), &raw, false, 1 << 20).unwrap();
        assert_eq!(got.as_ref(), text.as_bytes());

        // Two codings: applied gzip first, then gzip again; undone in reverse.
        let twice = gzip(&gz);
        let got = decode_body(
            &h(&[("Content-Encoding", "gzip, gzip")]),
            &twice,
            false,
            1 << 20,
        )
        .unwrap();
        assert_eq!(got.as_ref(), text.as_bytes());

        // No coding, identity, and an old-layout record (renamed header) borrow the stored bytes.
        for hs in [
            h(&[]),
            h(&[("Content-Encoding", "identity")]),
            h(&[("X-Archive-Orig-Content-Encoding", "gzip")]),
        ] {
            assert!(matches!(
                decode_body(&hs, b"plain", false, 10).unwrap(),
                Cow::Borrowed(b"plain")
            ));
        }
    }

    #[test]
    fn damaged_bombs_and_truncated_bodies() {
        let text = b"x".repeat(100_000);
        let gz = gzip(&text);
        let hs = h(&[("Content-Encoding", "gzip")]);
        let e = decode_body(&hs, &gz, false, 1000).unwrap_err();
        assert!(e.to_string().contains("larger than 1000"), "{e}");
        let cut = &gz[..gz.len() / 2];
        assert!(decode_body(&hs, cut, false, 1 << 20).is_err());
        // A body cut at the size cap decodes as far as it goes.
        let partial = decode_body(&hs, cut, true, 1 << 20).unwrap();
        assert!(!partial.is_empty() && text.starts_with(&partial));
        // Partial decoding of a bomb stops at the limit.
        assert_eq!(decode_body(&hs, &gz, true, 1000).unwrap().len(), 1000);
        let e = decode_body(&h(&[("Content-Encoding", "compress")]), b"x", false, 10).unwrap_err();
        assert!(e.to_string().contains("unsupported"), "{e}");
    }

    #[test]
    fn chunked_framing_is_undone_when_real() {
        let te = h(&[("Transfer-Encoding", "chunked")]);
        assert_eq!(
            unchunk(&te, b"5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n").as_ref(),
            b"hello, world"
        );
        // Announced but not chunked: the bytes as they are.
        assert_eq!(unchunk(&te, b"<html>").as_ref(), b"<html>");
        // A torn last chunk keeps what arrived.
        assert_eq!(
            unchunk(&te, b"5\r\nhello\r\n9\r\nwor").as_ref(),
            b"hellowor"
        );
        // Without the header nothing is touched.
        assert_eq!(
            unchunk(&h(&[]), b"5\r\nhello\r\n0\r\n\r\n").as_ref(),
            b"5\r\nhello\r\n0\r\n\r\n"
        );
    }
}
