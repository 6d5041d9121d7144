//! What a replay request asks for: the path after `/web/` split into a timestamp, a mode and the
//! archived URL, and the time forms replay speaks (14-digit timestamps, RFC 1123 dates).
//!
//! Modes follow pywb: none (the banner page framing the copy), `mp_` (the rewritten copy itself,
//! what the frame shows) and `id_` (the payload as archived). A timestamp has 1 to 14 digits of
//! `YYYYMMDDhhmmss`; missing digits are filled with the earliest value (`2018` is 2018-01-01
//! 00:00:00), and a day filled past the end of its month is the month's last day.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use url::Url;

/// How an archived copy is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The banner page with the copy in a sandboxed frame.
    Framed,
    /// The rewritten copy (`mp_`), what the frame loads.
    Rewritten,
    /// The archived payload byte for byte (`id_`).
    Raw,
}

impl Mode {
    /// The suffix after the timestamp in a replay path.
    pub fn suffix(self) -> &'static str {
        match self {
            Mode::Framed => "",
            Mode::Rewritten => "mp_",
            Mode::Raw => "id_",
        }
    }
}

/// A parsed `/web/...` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebRequest {
    /// `/web/<ts><mode>/<url>`.
    Memento {
        at: DateTime<Utc>,
        mode: Mode,
        url: Url,
    },
    /// `/web/<url>`: the TimeGate.
    TimeGate { url: Url },
}

/// Why a replay path is refused: a malformed timestamp (400) or an address that cannot be in the
/// archive (404).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetError {
    BadTimestamp(String),
    NotArchivable(String),
}

/// Largest archived URL accepted in a path.
pub const MAX_URL_BYTES: usize = 8 * 1024;

/// Parses what follows `/web/` (path and query exactly as received).
pub fn parse(rest: &str) -> Result<WebRequest, TargetError> {
    let (first, after) = rest.split_once('/').unwrap_or((rest, ""));
    let looks_like_stamp = first.starts_with(|c: char| c.is_ascii_digit())
        && !first.contains(['.', ':', '?'])
        && !after.is_empty();
    if !looks_like_stamp {
        return Ok(WebRequest::TimeGate {
            url: target_url(rest)?,
        });
    }
    let digits_end = first
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(first.len());
    let (digits, suffix) = first.split_at(digits_end);
    let mode = match suffix {
        "" => Mode::Framed,
        "mp_" => Mode::Rewritten,
        "id_" => Mode::Raw,
        other => {
            return Err(TargetError::BadTimestamp(format!(
                "{first:?} is not a timestamp: expected 1 to 14 digits (YYYYMMDDhhmmss) optionally followed by id_ or mp_, not {other:?}"
            )))
        }
    };
    let at = parse_timestamp(digits)?;
    Ok(WebRequest::Memento {
        at,
        mode,
        url: target_url(after)?,
    })
}

/// A timestamp of 1 to 14 digits, padded as the module doc says.
pub fn parse_timestamp(digits: &str) -> Result<DateTime<Utc>, TargetError> {
    const EARLIEST: &str = "10000101000000";
    let bad = |why: &str| {
        TargetError::BadTimestamp(format!(
            "bad timestamp {digits:?}: {why} (1 to 14 digits of YYYYMMDDhhmmss)"
        ))
    };
    if digits.is_empty() || digits.len() > 14 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("not 1 to 14 digits"));
    }
    let full = format!("{digits}{}", &EARLIEST[digits.len()..]);
    let n = |r: std::ops::Range<usize>| full[r].parse::<u32>().unwrap_or(0);
    let (year, month, mut day) = (n(0..4) as i32, n(4..6), n(6..8));
    let (hour, minute, second) = (n(8..10), n(10..12), n(12..14));
    if year < 1000 {
        return Err(bad("the year is before 1000"));
    }
    if !(1..=12).contains(&month) {
        return Err(bad("no such month"));
    }
    let last = last_day(year, month);
    if day > last && digits.len() < 8 {
        day = last;
    }
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| bad("no such day"))?;
    let time = date
        .and_hms_opt(hour, minute, second)
        .ok_or_else(|| bad("no such time of day"))?;
    Ok(Utc.from_utc_datetime(&time))
}

fn last_day(year: i32, month: u32) -> u32 {
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(ny, nm, 1)
        .and_then(|d| d.pred_opt())
        .map_or(28, |d| d.day())
}

/// The archived URL of a path: `http`/`https` only (a `file:` or `data:` URL, or anything else,
/// cannot be in the archive). A scheme-less `host/path` means `http://host/path`, and a scheme
/// whose `//` a proxy collapsed (`http:/host/`) is repaired.
pub fn target_url(raw: &str) -> Result<Url, TargetError> {
    let not = |why: String| TargetError::NotArchivable(why);
    if raw.is_empty() {
        return Err(not(
            "give an archived address: /web/<timestamp>/<url>".into()
        ));
    }
    if raw.len() > MAX_URL_BYTES {
        return Err(not(format!(
            "the archived address is too long ({} bytes; at most {MAX_URL_BYTES})",
            raw.len()
        )));
    }
    let lower = raw.get(..8).unwrap_or(raw).to_ascii_lowercase();
    let text = if lower.starts_with("http://") || lower.starts_with("https://") {
        raw.to_string()
    } else if let Some(rest) = ["http:/", "https:/"]
        .iter()
        .find_map(|p| lower.starts_with(p).then(|| &raw[p.len()..]))
    {
        let scheme = if lower.starts_with("https") {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{rest}")
    } else if raw.contains("://")
        || raw
            .split(['/', '?'])
            .next()
            .is_some_and(|h| h.contains(':') && !h.contains('.'))
    {
        return Err(not(format!(
            "{raw:?} is not a web address this archive can hold (http or https only)"
        )));
    } else {
        format!("http://{raw}")
    };
    let url = Url::parse(&text).map_err(|e| not(format!("{raw:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(not(format!(
            "{raw:?} is not a web address this archive can hold (http or https only)"
        )));
    }
    Ok(url)
}

/// A time as an HTTP date (`Tue, 20 Nov 2018 08:00:00 GMT`), the form of `Memento-Datetime`.
pub fn http_date(t: &DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// An `Accept-Datetime` value (RFC 1123 date, as RFC 7089 asks).
pub fn parse_http_date(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc2822(s.trim())
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> String {
        jinan_types::timestamp14(&parse_timestamp(s).unwrap())
    }

    #[test]
    fn timestamps_pad_to_the_earliest_moment() {
        assert_eq!(ts("2018"), "20180101000000");
        assert_eq!(ts("2"), "20000101000000");
        assert_eq!(ts("201811"), "20181101000000");
        assert_eq!(ts("2018113"), "20181130000000");
        assert_eq!(ts("20181119083015"), "20181119083015");
        assert!(parse_timestamp("20181319").is_err());
        assert!(parse_timestamp("20181131").is_err());
        assert!(parse_timestamp("201811192500").is_err());
        assert!(parse_timestamp("123456789012345").is_err());
        assert!(parse_timestamp("0999").is_err());
    }

    #[test]
    fn every_prefix_of_a_real_timestamp_parses() {
        for stamp in ["20261130235959", "20240229120000", "20181119083015"] {
            for n in 1..=14 {
                let prefix = &stamp[..n];
                let at = parse_timestamp(prefix).unwrap_or_else(|e| panic!("{prefix}: {e:?}"));
                assert!(jinan_types::timestamp14(&at).as_str() <= stamp);
            }
        }
    }

    #[test]
    fn paths_split_into_timestamp_mode_and_url() {
        let r = parse("2018id_/http://h.example/a?x=1").unwrap();
        match r {
            WebRequest::Memento { mode, url, .. } => {
                assert_eq!(mode, Mode::Raw);
                assert_eq!(url.as_str(), "http://h.example/a?x=1");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse("http://h.example/").unwrap(),
            WebRequest::TimeGate { .. }
        ));
        assert!(matches!(
            parse("20180101/http:/h.example/").unwrap(),
            WebRequest::Memento {
                mode: Mode::Framed,
                ..
            }
        ));
        assert!(matches!(
            parse("2018xx_/http://h/"),
            Err(TargetError::BadTimestamp(_))
        ));
        assert!(matches!(
            parse("2018/file:///etc/passwd"),
            Err(TargetError::NotArchivable(_))
        ));
        assert!(matches!(
            parse("2018/data:text/html,hi"),
            Err(TargetError::NotArchivable(_))
        ));
        assert!(matches!(
            parse("javascript:alert(1)"),
            Err(TargetError::NotArchivable(_))
        ));
    }

    #[test]
    fn http_dates_round_trip() {
        let t = parse_timestamp("20181119083015").unwrap();
        assert_eq!(http_date(&t), "Mon, 19 Nov 2018 08:30:15 GMT");
        assert_eq!(parse_http_date(&http_date(&t)), Some(t));
        assert_eq!(parse_http_date("yesterday"), None);
    }
}
