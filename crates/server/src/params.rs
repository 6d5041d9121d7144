//! Search parameters as users type them, turned into a [`SearchRequest`].
//!
//! The CLI (`jinan search`), the JSON API (`/api/search`) and the search page (`/`) all accept the
//! same options as text. They go through [`search_request`] alone, so a limit, a date or a sort order
//! means the same thing, and fails with the same sentence, everywhere.

use chrono::NaiveDate;
use jinan_types::{Lang, SearchRequest, Sort, MAX_LIMIT};
pub use jinan_types::{DEFAULT_LIMIT, MAX_OFFSET, MAX_QUERY_BYTES};
use serde::Deserialize;

/// Longest accepted column name, in bytes.
const MAX_COLUMN_BYTES: usize = 512;

/// Search options exactly as received: every field is the raw text (query string of the API, form
/// of the page, flags of the CLI). Empty strings count as absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct SearchParams {
    /// The query (`q`).
    pub q: Option<String>,
    pub limit: Option<String>,
    pub offset: Option<String>,
    /// First day, inclusive, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last day, inclusive, `YYYY-MM-DD`.
    pub to: Option<String>,
    pub column: Option<String>,
    /// `en` or `zh`.
    pub lang: Option<String>,
    /// `relevance` (default) or `date`.
    pub sort: Option<String>,
    /// Leave out deleted articles: `1`, `true`, `yes`, `on` (or empty, present) mean yes.
    pub live: Option<String>,
}

/// Why a set of search parameters was refused. Each message is one sentence a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    #[error("the query is empty: give some words to search for (parameter q)")]
    EmptyQuery,
    #[error("the query is too long ({0} bytes; at most {MAX_QUERY_BYTES})")]
    QueryTooLong(usize),
    #[error("{name} must be a whole number, not {value:?}")]
    NotANumber { name: &'static str, value: String },
    #[error("limit must be between 1 and {MAX_LIMIT}, not {0}")]
    LimitOutOfRange(String),
    #[error("offset must be at most {MAX_OFFSET}, not {0}; narrow the search instead")]
    OffsetTooLarge(String),
    #[error("{name} must be a date written YYYY-MM-DD, not {value:?}")]
    BadDate { name: &'static str, value: String },
    #[error("the from date {from} is after the to date {to}")]
    EmptyDateRange { from: NaiveDate, to: NaiveDate },
    #[error("unknown language {0:?} (expected en or zh)")]
    UnknownLang(String),
    #[error("unknown sort {0:?} (expected relevance or date)")]
    UnknownSort(String),
    #[error("live must be true or false, not {0:?}")]
    BadBool(String),
    #[error("the column name is too long ({0} bytes; at most {MAX_COLUMN_BYTES})")]
    ColumnTooLong(usize),
}

/// Parses and validates search parameters: the one code path for the CLI, the API and the page.
///
/// `limit` is 1..=100 (default 10), `offset` 0..=10000 (default 0), `from`/`to` are inclusive
/// `YYYY-MM-DD` dates with `from <= to`, `lang` is `en`/`zh`, `sort` is `relevance`/`date`, `live` a
/// boolean. The query must be non-empty and at most [`MAX_QUERY_BYTES`] bytes; its syntax is checked
/// by the index when it runs.
pub fn search_request(params: &SearchParams) -> Result<SearchRequest, ParamError> {
    let query = present(&params.q).ok_or(ParamError::EmptyQuery)?;
    if query.len() > MAX_QUERY_BYTES {
        return Err(ParamError::QueryTooLong(query.len()));
    }
    let mut req = SearchRequest::new(query);
    if let Some(v) = present(&params.limit) {
        let n = number("limit", v)?;
        if n == 0 || n > MAX_LIMIT as u64 {
            return Err(ParamError::LimitOutOfRange(v.to_string()));
        }
        req.limit = n as usize;
    } else {
        req.limit = DEFAULT_LIMIT;
    }
    if let Some(v) = present(&params.offset) {
        let n = number("offset", v)?;
        if n > MAX_OFFSET as u64 {
            return Err(ParamError::OffsetTooLarge(v.to_string()));
        }
        req.offset = n as usize;
    }
    req.from = present(&params.from).map(|v| date("from", v)).transpose()?;
    req.to = present(&params.to).map(|v| date("to", v)).transpose()?;
    if let (Some(from), Some(to)) = (req.from, req.to) {
        if from > to {
            return Err(ParamError::EmptyDateRange { from, to });
        }
    }
    if let Some(c) = present(&params.column) {
        if c.len() > MAX_COLUMN_BYTES {
            return Err(ParamError::ColumnTooLong(c.len()));
        }
        req.column = Some(c.to_string());
    }
    req.lang = present(&params.lang)
        .map(|v| {
            v.parse::<Lang>()
                .map_err(|_| ParamError::UnknownLang(v.to_string()))
        })
        .transpose()?;
    if let Some(v) = present(&params.sort) {
        req.sort = v
            .parse::<Sort>()
            .map_err(|_| ParamError::UnknownSort(v.to_string()))?;
    }
    if let Some(v) = &params.live {
        req.live = boolean(v)?;
    }
    Ok(req)
}

/// The trimmed value, or None when missing or blank.
fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn number(name: &'static str, v: &str) -> Result<u64, ParamError> {
    // Only plain digits: no sign, no `0x`, no exponent. Too many digits is "out of range", not
    // "not a number", so clamp overflow to u64::MAX and let the caller's range check speak.
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParamError::NotANumber {
            name,
            value: v.to_string(),
        });
    }
    Ok(v.parse::<u64>().unwrap_or(u64::MAX))
}

fn date(name: &'static str, v: &str) -> Result<NaiveDate, ParamError> {
    let ok_shape = v.len() == 10
        && v.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    let parsed = if ok_shape {
        NaiveDate::parse_from_str(v, "%Y-%m-%d").ok()
    } else {
        None
    };
    parsed.ok_or_else(|| ParamError::BadDate {
        name,
        value: v.to_string(),
    })
}

fn boolean(v: &str) -> Result<bool, ParamError> {
    match v.trim().to_ascii_lowercase().as_str() {
        // A bare `?live` (or an empty checkbox value) means "yes, live only".
        "" | "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(ParamError::BadBool(v.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> SearchParams {
        let mut s = SearchParams {
            q: Some("jinan".into()),
            ..Default::default()
        };
        for (k, v) in pairs {
            let v = Some(v.to_string());
            match *k {
                "q" => s.q = v,
                "limit" => s.limit = v,
                "offset" => s.offset = v,
                "from" => s.from = v,
                "to" => s.to = v,
                "column" => s.column = v,
                "lang" => s.lang = v,
                "sort" => s.sort = v,
                "live" => s.live = v,
                _ => panic!("unknown test key {k}"),
            }
        }
        s
    }

    #[test]
    fn defaults() {
        let r = search_request(&p(&[])).unwrap();
        assert_eq!(r, SearchRequest::new("jinan"));
        assert_eq!(r.limit, 10);
    }

    #[test]
    fn every_field() {
        let r = search_request(&p(&[
            ("q", "  sister city "),
            ("limit", "100"),
            ("offset", "20"),
            ("from", "2018-01-01"),
            ("to", "2018-12-31"),
            ("column", "Sisterly Jinan"),
            ("lang", "ZH"),
            ("sort", "date"),
            ("live", "on"),
        ]))
        .unwrap();
        assert_eq!(r.query, "sister city");
        assert_eq!((r.limit, r.offset), (100, 20));
        assert_eq!(r.from, NaiveDate::from_ymd_opt(2018, 1, 1));
        assert_eq!(r.to, NaiveDate::from_ymd_opt(2018, 12, 31));
        assert_eq!(r.column.as_deref(), Some("Sisterly Jinan"));
        assert_eq!(r.lang, Some(Lang::Zh));
        assert_eq!(r.sort, Sort::Date);
        assert!(r.live);
    }

    #[test]
    fn blanks_are_absent() {
        let r = search_request(&p(&[
            ("limit", ""),
            ("from", " "),
            ("lang", ""),
            ("sort", ""),
            ("column", ""),
        ]))
        .unwrap();
        assert_eq!(r, SearchRequest::new("jinan"));
    }

    #[test]
    fn refusals() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("q", "   ")], "query is empty"),
            (&[("limit", "ten")], "limit must be a whole number"),
            (&[("limit", "-1")], "limit must be a whole number"),
            (&[("limit", "1e2")], "limit must be a whole number"),
            (&[("limit", "0")], "between 1 and 100"),
            (&[("limit", "101")], "between 1 and 100"),
            (&[("limit", "99999999999999999999999")], "between 1 and 100"),
            (&[("offset", "x")], "offset must be a whole number"),
            (&[("offset", "10001")], "at most 10000"),
            (&[("from", "2018-13-01")], "from must be a date"),
            (&[("from", "2018-1-1")], "from must be a date"),
            (&[("to", "+2018-01-01")], "to must be a date"),
            (&[("to", "yesterday")], "to must be a date"),
            (
                &[("from", "2019-01-01"), ("to", "2018-01-01")],
                "is after the to date",
            ),
            (&[("lang", "fr")], "unknown language"),
            (&[("sort", "random")], "unknown sort"),
            (&[("live", "maybe")], "live must be true or false"),
        ];
        for (pairs, want) in cases {
            let err = search_request(&p(pairs)).unwrap_err().to_string();
            assert!(err.contains(want), "{pairs:?}: {err:?} lacks {want:?}");
        }
        let long = "a".repeat(MAX_QUERY_BYTES + 1);
        assert_eq!(
            search_request(&p(&[("q", &long)])),
            Err(ParamError::QueryTooLong(MAX_QUERY_BYTES + 1))
        );
        assert!(search_request(&SearchParams::default()).is_err());
    }

    #[test]
    fn one_day_range_and_live_false() {
        let r = search_request(&p(&[
            ("from", "2020-02-29"),
            ("to", "2020-02-29"),
            ("live", "false"),
        ]))
        .unwrap();
        assert_eq!(r.from, r.to);
        assert!(!r.live);
    }
}
