//! Search options turned into a checked [`SearchRequest`]: the one set of rules for every entry point.
//!
//! The JSON API (`/api/search`) and the search page (`/`) receive options as text
//! ([`SearchParams`], parsed by [`search_request`]); the CLI (`jinan search`) has them typed by clap
//! and builds a [`SearchRequest`] directly. Both end in [`checked`], so a limit, a date range or a
//! query length means the same thing, and fails with the same sentence, everywhere; text dates go
//! through [`parse_day`] in both.

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
    /// Count all hits per column, language and year (a boolean like `live`).
    pub facets: Option<String>,
    /// Fold near-identical copies into the first hit of their group (a boolean; default yes).
    pub collapse: Option<String>,
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
    #[error("expected a date written YYYY-MM-DD, not {0:?}")]
    NotADay(String),
    #[error("the from date {from} is after the to date {to}")]
    EmptyDateRange { from: NaiveDate, to: NaiveDate },
    #[error("unknown language {0:?} (expected en or zh)")]
    UnknownLang(String),
    #[error("unknown sort {0:?} (expected relevance or date)")]
    UnknownSort(String),
    #[error("{name} must be true or false, not {value:?}")]
    BadBool { name: &'static str, value: String },
    #[error("the column name is too long ({0} bytes; at most {MAX_COLUMN_BYTES})")]
    ColumnTooLong(usize),
}

/// Parses and validates search parameters given as text (API, page): the text is read into a
/// [`SearchRequest`], which [`checked`] then validates.
///
/// `limit` and `offset` are plain digits, `from`/`to` `YYYY-MM-DD` dates, `lang` `en`/`zh`, `sort`
/// `relevance`/`date`, `live` a boolean; blank values count as absent.
pub fn search_request(params: &SearchParams) -> Result<SearchRequest, ParamError> {
    let mut req = SearchRequest::new(present(&params.q).unwrap_or(""));
    req.limit = DEFAULT_LIMIT;
    if let Some(v) = present(&params.limit) {
        req.limit = number("limit", v)?;
    }
    if let Some(v) = present(&params.offset) {
        req.offset = number("offset", v)?;
    }
    req.from = present(&params.from).map(|v| date("from", v)).transpose()?;
    req.to = present(&params.to).map(|v| date("to", v)).transpose()?;
    req.column = present(&params.column).map(str::to_string);
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
        req.live = boolean("live", v)?;
    }
    if let Some(v) = &params.facets {
        req.facets = boolean("facets", v)?;
    }
    if let Some(v) = &params.collapse {
        req.collapse = boolean("collapse", v)?;
    }
    checked(req)
}

/// Validates a typed request: the rules every entry point shares.
///
/// The query is trimmed and must be non-empty and at most [`MAX_QUERY_BYTES`] bytes (its syntax is
/// checked by the index when it runs); `limit` is 1..=[`MAX_LIMIT`], `offset` at most
/// [`MAX_OFFSET`], `from <= to`, a column name at most 512 bytes (a blank one is no filter).
pub fn checked(mut req: SearchRequest) -> Result<SearchRequest, ParamError> {
    let query = req.query.trim();
    if query.is_empty() {
        return Err(ParamError::EmptyQuery);
    }
    if query.len() > MAX_QUERY_BYTES {
        return Err(ParamError::QueryTooLong(query.len()));
    }
    if query.len() != req.query.len() {
        req.query = query.to_string();
    }
    if req.limit == 0 || req.limit > MAX_LIMIT {
        return Err(ParamError::LimitOutOfRange(req.limit.to_string()));
    }
    if req.offset > MAX_OFFSET {
        return Err(ParamError::OffsetTooLarge(req.offset.to_string()));
    }
    if let (Some(from), Some(to)) = (req.from, req.to) {
        if from > to {
            return Err(ParamError::EmptyDateRange { from, to });
        }
    }
    if let Some(c) = &req.column {
        let c = c.trim();
        if c.len() > MAX_COLUMN_BYTES {
            return Err(ParamError::ColumnTooLong(c.len()));
        }
        req.column = (!c.is_empty()).then(|| c.to_string());
    }
    Ok(req)
}

/// The trimmed value, or None when missing or blank.
fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn number(name: &'static str, v: &str) -> Result<usize, ParamError> {
    // Only plain digits: no sign, no `0x`, no exponent. Too many digits is "out of range", not
    // "not a number", so clamp overflow to usize::MAX and let the range check speak.
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParamError::NotANumber {
            name,
            value: v.to_string(),
        });
    }
    Ok(v.parse::<usize>().unwrap_or(usize::MAX))
}

/// Reads a day written `YYYY-MM-DD` (exactly: four, two and two digits): the one date rule of the
/// API, the page and the CLI's `--from`/`--to`.
pub fn parse_day(v: &str) -> Result<NaiveDate, ParamError> {
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
    parsed.ok_or_else(|| ParamError::NotADay(v.to_string()))
}

fn date(name: &'static str, v: &str) -> Result<NaiveDate, ParamError> {
    parse_day(v).map_err(|_| ParamError::BadDate {
        name,
        value: v.to_string(),
    })
}

fn boolean(name: &'static str, v: &str) -> Result<bool, ParamError> {
    match v.trim().to_ascii_lowercase().as_str() {
        // A bare `?live` (or an empty checkbox value) means "yes, live only".
        "" | "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(ParamError::BadBool {
            name,
            value: v.to_string(),
        }),
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
                "facets" => s.facets = v,
                "collapse" => s.collapse = v,
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
        let col = "c".repeat(MAX_COLUMN_BYTES + 1);
        assert_eq!(
            search_request(&p(&[("column", col.as_str())])),
            Err(ParamError::ColumnTooLong(MAX_COLUMN_BYTES + 1))
        );
        let long = "a".repeat(MAX_QUERY_BYTES + 1);
        assert_eq!(
            search_request(&p(&[("q", &long)])),
            Err(ParamError::QueryTooLong(MAX_QUERY_BYTES + 1))
        );
        assert!(search_request(&SearchParams::default()).is_err());
    }

    #[test]
    fn typed_requests_meet_the_same_rules() {
        let mut r = SearchRequest::new("  springs ");
        r.column = Some(" ".into());
        let r = checked(r).unwrap();
        assert_eq!((r.query.as_str(), r.column), ("springs", None));
        let mut r = SearchRequest::new("x");
        r.limit = MAX_LIMIT + 1;
        let typed = checked(r).unwrap_err().to_string();
        let text = search_request(&p(&[("limit", "101")]))
            .unwrap_err()
            .to_string();
        assert_eq!(typed, text);
        let mut r = SearchRequest::new("x");
        r.offset = MAX_OFFSET + 1;
        assert!(matches!(checked(r), Err(ParamError::OffsetTooLarge(_))));
        assert_eq!(
            parse_day("2018-02-30"),
            Err(ParamError::NotADay("2018-02-30".into()))
        );
        assert_eq!(
            parse_day("2018-02-28"),
            Ok(NaiveDate::from_ymd_opt(2018, 2, 28).unwrap())
        );
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
