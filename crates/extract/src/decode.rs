//! Bytes to text: which charset a page is really in.
//!
//! Government pages name their charset in several places and often name the wrong one (old pages
//! declare `gb2312` while the server sends `UTF-8` or nothing, newer ones declare `gb2312` over
//! UTF-8 bytes). The order is: a byte-order mark, the HTTP header, the page's own `<meta>`, then
//! detection with `chardetng`. A declared charset is trusted only when decoding with it is clean;
//! otherwise valid UTF-8 wins, and after that detection. `gb2312` and `gbk` labels decode as GBK
//! (encoding_rs maps them so; its GBK decoder accepts all of GB18030), which is what those pages are.

use encoding_rs::{Encoding, GB18030, GBK, UTF_8};

/// How [`decode`] chose the charset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodedBy {
    /// A byte-order mark at the start of the bytes.
    Bom,
    /// The `charset` parameter of the HTTP `Content-Type`.
    Header,
    /// `<meta charset>` or `<meta http-equiv="Content-Type">` in the page.
    Meta,
    /// A declaration was present but wrong (its decoding had errors); the bytes are valid UTF-8.
    Utf8Override,
    /// No usable declaration and the bytes are valid UTF-8.
    Utf8Valid,
    /// Statistical detection (`chardetng`).
    Detected,
}

/// A page decoded to text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, with any byte-order mark removed.
    pub text: String,
    /// The WHATWG name of the encoding used (`UTF-8`, `GBK`, `windows-1252`, ...).
    pub encoding: &'static str,
    /// Which rule chose the encoding.
    pub how: DecodedBy,
}

/// How many leading bytes are searched for a `<meta>` charset declaration. The HTML standard says
/// 1024; Hanweb pages often put long comments and scripts first, so look further.
const META_SCAN: usize = 8192;

/// How many bytes charset detection reads, from the first non-ASCII one: 4 KiB is some 2,000
/// Chinese characters, enough to tell GBK from Big5 or Latin; 16 KiB made detection a quarter of
/// the time on undeclared pages and changed no answer on the benchmark sets.
const DETECT_SAMPLE: usize = 4 * 1024;

/// Decodes `bytes` (an HTML page) to text. `content_type` is the HTTP `Content-Type` header, if any.
///
/// Never fails: undecodable sequences become U+FFFD.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> Decoded {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let body = &bytes[bom_len..];
        let (text, _) = enc.decode_without_bom_handling(body);
        return Decoded {
            text: text.into_owned(),
            encoding: enc.name(),
            how: DecodedBy::Bom,
        };
    }
    let declared = content_type
        .and_then(charset_param)
        .and_then(|l| Encoding::for_label(l.as_bytes()))
        .map(|e| (e, DecodedBy::Header))
        .or_else(|| meta_charset(bytes).map(|e| (e, DecodedBy::Meta)));
    if let Some((enc, how)) = declared {
        let enc = normalize(enc);
        if enc == UTF_8 {
            if let Ok(s) = std::str::from_utf8(bytes) {
                return Decoded {
                    text: s.to_owned(),
                    encoding: UTF_8.name(),
                    how,
                };
            }
            tracing::debug!("page declared UTF-8 but is not valid UTF-8; detecting");
        } else {
            // Bytes that are valid UTF-8 with non-ASCII content are almost never meant as a legacy
            // charset, whatever the declaration says.
            if has_non_ascii(bytes) {
                if let Ok(s) = std::str::from_utf8(bytes) {
                    tracing::debug!(
                        declared = enc.name(),
                        "declared charset overridden: bytes are UTF-8"
                    );
                    return Decoded {
                        text: s.to_owned(),
                        encoding: UTF_8.name(),
                        how: DecodedBy::Utf8Override,
                    };
                }
            }
            let (text, had_errors) = enc.decode_without_bom_handling(bytes);
            // A handful of bad sequences in a long page (a truncated character, a stray byte) do
            // not make the declaration wrong; a wrong declaration garbles far more.
            let bad = if had_errors {
                text.matches('\u{FFFD}').count()
            } else {
                0
            };
            if bad == 0 || bad * 1000 < text.len() {
                return Decoded {
                    text: text.into_owned(),
                    encoding: enc.name(),
                    how,
                };
            }
            tracing::debug!(
                declared = enc.name(),
                "declared charset gives malformed text; detecting"
            );
        }
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        return Decoded {
            text: s.to_owned(),
            encoding: UTF_8.name(),
            how: DecodedBy::Utf8Valid,
        };
    }
    let enc = detect(bytes);
    let (text, _) = enc.decode_without_bom_handling(bytes);
    Decoded {
        text: text.into_owned(),
        encoding: enc.name(),
        how: DecodedBy::Detected,
    }
}

/// GB2312 pages are really GBK; encoding_rs already maps the labels so, and GB18030 decodes the
/// same bytes, so both are reported as GBK. Other encodings are kept.
fn normalize(enc: &'static Encoding) -> &'static Encoding {
    if enc == GB18030 {
        GBK
    } else {
        enc
    }
}

/// Moves `i` back to just after an ASCII byte, so a sample does not start inside a character.
fn floor_ascii(bytes: &[u8], mut i: usize) -> usize {
    while i > 0 && bytes[i - 1] >= 0x80 {
        i -= 1;
    }
    i
}

fn has_non_ascii(bytes: &[u8]) -> bool {
    bytes.iter().any(|b| *b >= 0x80)
}

fn detect(bytes: &[u8]) -> &'static Encoding {
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    // Markup is ASCII and says nothing; a window starting at the first non-ASCII byte decides as
    // well as the whole page would, at bounded cost.
    let from = bytes.iter().position(|b| *b >= 0x80).unwrap_or(0);
    let from = floor_ascii(bytes, from.saturating_sub(64));
    let sample = &bytes[from..bytes.len().min(from + DETECT_SAMPLE)];
    det.feed(sample, sample.len() == bytes.len());
    // The site is Chinese: a `.cn` hint breaks ties towards GBK.
    normalize(det.guess(Some(b"cn"), chardetng::Utf8Detection::Allow))
}

/// The `charset` parameter of a `Content-Type` value (`text/html; charset="gb2312"`).
pub(crate) fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|part| {
        let (k, v) = part.split_once('=')?;
        if k.trim().eq_ignore_ascii_case("charset") {
            let v = v.trim().trim_matches(|c| c == '"' || c == '\'').trim();
            (!v.is_empty()).then_some(v)
        } else {
            None
        }
    })
}

/// Finds a charset named by a `<meta>` tag in the first [`META_SCAN`] bytes.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(META_SCAN)];
    let mut i = 0;
    while let Some(pos) = find_ci(&head[i..], b"<meta") {
        let start = i + pos + 5;
        let end = head[start..]
            .iter()
            .position(|b| *b == b'>')
            .map_or(head.len(), |p| start + p);
        let tag = &head[start..end];
        if let Some(label) = charset_in_meta(tag) {
            if let Some(enc) = Encoding::for_label(label) {
                // A page cannot be in UTF-16 if we could read this ASCII: the standard says UTF-8.
                if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                    return Some(UTF_8);
                }
                return Some(enc);
            }
        }
        i = end;
        if i >= head.len() {
            break;
        }
    }
    None
}

/// The charset label inside one `<meta ...>` tag's attribute text, either `charset=X` or
/// `content="text/html; charset=X"`.
fn charset_in_meta(tag: &[u8]) -> Option<&[u8]> {
    let pos = find_ci(tag, b"charset")?;
    let rest = &tag[pos + 7..];
    let rest = trim_start(rest);
    let rest = rest.strip_prefix(b"=")?;
    let rest = trim_start(rest);
    let rest = match rest.first() {
        Some(b'"') | Some(b'\'') => &rest[1..],
        _ => rest,
    };
    let len = rest
        .iter()
        .position(|b| {
            matches!(
                b,
                b'"' | b'\'' | b';' | b' ' | b'/' | b'>' | b'\t' | b'\n' | b'\r'
            )
        })
        .unwrap_or(rest.len());
    (len > 0).then(|| &rest[..len])
}

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

/// Case-insensitive ASCII search.
fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZH: &str = "济南市国际友好城市交流硕果累累，以色列克法尔萨巴市获奖。";

    fn gbk(s: &str) -> Vec<u8> {
        GBK.encode(s).0.into_owned()
    }

    #[test]
    fn bom_wins() {
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("<p>héllo</p>".as_bytes());
        let d = decode(&b, Some("text/html; charset=gb2312"));
        assert_eq!(d.how, DecodedBy::Bom);
        assert_eq!(d.text, "<p>héllo</p>");
        let mut u16 = vec![0xFF, 0xFE];
        for c in "<p>济南</p>".encode_utf16() {
            u16.extend_from_slice(&c.to_le_bytes());
        }
        let d = decode(&u16, None);
        assert_eq!((d.text.as_str(), d.encoding), ("<p>济南</p>", "UTF-16LE"));
    }

    #[test]
    fn header_charset_gb2312_is_gbk() {
        let page = format!("<html><body><p>{ZH}</p></body></html>");
        let d = decode(&gbk(&page), Some("text/html; charset=GB2312"));
        assert_eq!(d.how, DecodedBy::Header);
        assert_eq!(d.encoding, "GBK");
        assert!(d.text.contains(ZH));
    }

    #[test]
    fn meta_charset_and_http_equiv() {
        let a = format!("<html><head><meta charset=\"gbk\"></head><body>{ZH}</body></html>");
        let d = decode(&gbk(&a), Some("text/html"));
        assert_eq!((d.how, d.encoding), (DecodedBy::Meta, "GBK"));
        assert!(d.text.contains(ZH));
        let b = format!(
            "<HTML><HEAD><META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=gb2312'>\
             </HEAD><BODY>{ZH}</BODY></HTML>"
        );
        let d = decode(&gbk(&b), None);
        assert_eq!((d.how, d.encoding), (DecodedBy::Meta, "GBK"));
        assert!(d.text.contains(ZH));
    }

    #[test]
    fn gbk_page_with_no_charset_is_detected() {
        let page = format!("<html><body><p>{ZH}{ZH}</p><p>{ZH}</p></body></html>");
        let d = decode(&gbk(&page), Some("text/html"));
        assert_eq!(d.how, DecodedBy::Detected);
        assert_eq!(d.encoding, "GBK");
        assert!(d.text.contains(ZH));
    }

    #[test]
    fn utf8_page_declared_gb2312_is_utf8() {
        let page = format!("<html><head><meta charset=gb2312></head><body>{ZH}</body></html>");
        let d = decode(page.as_bytes(), None);
        assert_eq!((d.how, d.encoding), (DecodedBy::Utf8Override, "UTF-8"));
        assert!(d.text.contains(ZH));
        let d = decode(page.as_bytes(), Some("text/html; charset=gb2312"));
        assert_eq!(d.how, DecodedBy::Utf8Override);
    }

    #[test]
    fn gbk_page_declared_utf8_is_detected() {
        let page = format!("<html><body><p>{ZH}{ZH}{ZH}</p></body></html>");
        let d = decode(&gbk(&page), Some("text/html; charset=utf-8"));
        assert_eq!((d.how, d.encoding), (DecodedBy::Detected, "GBK"));
        assert!(d.text.contains(ZH));
    }

    #[test]
    fn plain_utf8_without_declaration() {
        let d = decode("<p>Kfar Saba – 济南</p>".as_bytes(), None);
        assert_eq!((d.how, d.encoding), (DecodedBy::Utf8Valid, "UTF-8"));
        let d = decode(b"", None);
        assert_eq!(d.text, "");
    }

    #[test]
    fn charset_param_forms() {
        assert_eq!(
            charset_param("text/html; charset=\"GB2312\""),
            Some("GB2312")
        );
        assert_eq!(charset_param("text/html;CHARSET=utf-8 "), Some("utf-8"));
        assert_eq!(charset_param("text/html"), None);
        assert_eq!(charset_param("text/html; charset="), None);
    }
}
