//! The data that flows between jinan's stages, and nothing else.
//!
//! The pipeline is crawl → extract → index → search. Each stage hands the next one a value defined
//! here: the crawler a [`Capture`] (what was fetched, and where it sits in the WARC files), the
//! extractor an [`Article`], the indexer a [`Document`] (an article with its archive times), search a
//! [`SearchResults`] of [`Hit`]s. Keeping them in one small crate with no I/O lets every stage be
//! tested on its own and keeps the JSON that users see (INTERFACE.md) defined in one place.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

pub mod table;

/// Language of an article body: `zh` when most letters are Chinese characters, else `en`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error for a value that does not name a language, sort order or format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    pub what: &'static str,
    pub value: String,
    pub expected: &'static str,
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown {} {:?} (expected {})",
            self.what, self.value, self.expected
        )
    }
}

impl std::error::Error for UnknownValue {}

impl FromStr for Lang {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" => Ok(Lang::En),
            "zh" => Ok(Lang::Zh),
            _ => Err(UnknownValue {
                what: "language",
                value: s.to_string(),
                expected: "en or zh",
            }),
        }
    }
}

/// One article as the extractor sees it: the Article JSON of INTERFACE.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Article {
    pub url: String,
    pub title: String,
    /// Publication date, `YYYY-MM-DD`.
    pub date: Option<NaiveDate>,
    pub source: Option<String>,
    pub column: Option<String>,
    pub lang: Lang,
    /// Main text in reading order, paragraphs separated by one blank line.
    pub body: String,
}

/// Where a capture sits in the archive: a WARC file (name only, relative to `corpus/warc/`) and
/// the byte offset of its gzip member there.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WarcLocation {
    pub file: String,
    pub offset: u64,
}

/// What kind of WARC record a capture was stored as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CaptureKind {
    /// A full response (any HTTP status).
    Response,
    /// A `304 Not Modified` (or identical payload) recorded as a `revisit`.
    Revisit,
}

/// One fetch of one URL, as recorded in the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capture {
    pub url: String,
    pub captured_at: DateTime<Utc>,
    pub status: u16,
    pub kind: CaptureKind,
    /// `sha1:BASE32` digest of the payload (the WARC-Payload-Digest).
    pub digest: Option<String>,
    pub content_type: Option<String>,
    /// The list (column) page this URL was discovered on, if any.
    pub via: Option<String>,
    /// The column name shown on that list page, if known.
    pub via_column: Option<String>,
    /// True when the body was cut at the size limit.
    pub truncated: bool,
    pub location: WarcLocation,
}

/// An article as stored in the index: the article plus its archive facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// Stable id for the URL (see [`article_id`]).
    pub id: String,
    #[serde(flatten)]
    pub article: Article,
    pub captured_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    /// Payload digest of the capture the text came from.
    pub digest: Option<String>,
}

/// Stable id of an article: the first 16 hex digits of the FNV-1a 64 hash of its canonical URL.
/// Stable across runs, machines and versions, so a re-export upserts.
pub fn article_id(url: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in url.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// `YYYYMMDDhhmmss` (UTC) of a capture time: the timestamp of replay paths, TimeMaps and CDXJ.
pub fn timestamp14(t: &DateTime<Utc>) -> String {
    t.format("%Y%m%d%H%M%S").to_string()
}

/// How far a capture time is from a time named by an archive timestamp, counted as the
/// timestamp counts: in whole seconds (`20261202190631` names every capture of that second, so
/// one at 19:06:31.997 is at distance 0 from it, not 997 ms past it).
pub fn seconds_apart(capture: &DateTime<Utc>, named: &DateTime<Utc>) -> u64 {
    capture.timestamp().abs_diff(named.timestamp())
}

/// Path of the archived copy of `url` captured at `t` on `jinan serve`: `/web/<14 digits>/<url>`.
pub fn archive_url(url: &str, t: &DateTime<Utc>) -> String {
    format!("/web/{}/{url}", timestamp14(t))
}

/// Order of search results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    #[default]
    Relevance,
    /// Newest first.
    Date,
}

impl FromStr for Sort {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "relevance" => Ok(Sort::Relevance),
            "date" => Ok(Sort::Date),
            _ => Err(UnknownValue {
                what: "sort",
                value: s.to_string(),
                expected: "relevance or date",
            }),
        }
    }
}

// The limits of a search, the one place they are written (README "Limits" states them for users).

/// Hits per search (one page) unless `limit` says otherwise.
pub const DEFAULT_LIMIT: usize = 10;
/// Largest `limit` of one page of hits (`/api/search`, the search page, `jinan search --limit N`).
pub const MAX_LIMIT: usize = 100;
/// Deepest `offset` a search may page to: deeper pages cost memory for nothing a reader needs.
pub const MAX_OFFSET: usize = 10_000;
/// Longest query, in bytes of UTF-8 (about 1,360 Chinese characters).
pub const MAX_QUERY_BYTES: usize = 4096;

/// A search as the CLI and the HTTP API both express it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchRequest {
    pub query: String,
    pub limit: usize,
    pub offset: usize,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub column: Option<String>,
    pub lang: Option<Lang>,
    /// Leave out articles deleted from the site.
    pub live: bool,
    pub sort: Sort,
    /// Also count the matches per column, language and year ([`Facets`]).
    #[serde(default)]
    pub facets: bool,
    /// Fold near-identical copies into the first hit of their group ([`Hit::copies`]).
    #[serde(default = "yes")]
    pub collapse: bool,
}

fn yes() -> bool {
    true
}

impl SearchRequest {
    pub fn new(query: impl Into<String>) -> Self {
        SearchRequest {
            query: query.into(),
            limit: DEFAULT_LIMIT,
            offset: 0,
            from: None,
            to: None,
            column: None,
            lang: None,
            live: false,
            sort: Sort::Relevance,
            facets: false,
            collapse: true,
        }
    }
}

/// One search hit (Search JSON of INTERFACE.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub url: String,
    pub title: String,
    pub date: Option<NaiveDate>,
    pub column: Option<String>,
    pub lang: Lang,
    pub score: f32,
    pub deleted_at: Option<DateTime<Utc>>,
    /// HTML-escaped text with matches wrapped in `<b>`…`</b>`.
    pub snippet: String,
    /// The archived copy of the version that was indexed ([`archive_url`]).
    pub archive_url: String,
    /// Near-identical copies folded into this hit (when the search collapses them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub copies: Vec<DupArticle>,
}

/// An article as listed among near-duplicates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DupArticle {
    pub url: String,
    pub title: String,
    pub date: Option<NaiveDate>,
    pub column: Option<String>,
    pub lang: Lang,
    pub deleted_at: Option<DateTime<Utc>>,
    /// Where the archived copy is replayed (as [`Hit::archive_url`]).
    #[serde(default)]
    pub archive_url: String,
}

/// Near-identical articles: the same text republished (earliest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DupGroup {
    pub articles: Vec<DupArticle>,
}

/// `jinan dups --format json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dups {
    /// Articles long enough to be fingerprinted.
    pub fingerprinted: u64,
    pub groups: Vec<DupGroup>,
}

/// The answer to a [`SearchRequest`] (Search JSON of INTERFACE.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    pub query: String,
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
    pub hits: Vec<Hit>,
    /// Counts over all matches, when the request asked for them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facets: Option<Facets>,
}

/// How many matches have one value of a facet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

/// Matches of a search per column and language (most first) and per year (oldest first), over
/// all hits with the filters applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Facets {
    pub column: Vec<FacetCount>,
    pub lang: Vec<FacetCount>,
    pub year: Vec<FacetCount>,
}

/// Period of a trend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Interval {
    #[default]
    Year,
    Month,
}

impl FromStr for Interval {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "year" => Ok(Interval::Year),
            "month" => Ok(Interval::Month),
            _ => Err(UnknownValue {
                what: "interval",
                value: s.to_string(),
                expected: "year or month",
            }),
        }
    }
}

/// One period of a trend: matches, articles dated in the period (filters applied), their ratio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    /// `2018` or `2018-03`.
    pub period: String,
    pub count: u64,
    pub total: u64,
    /// `count / total` (0 when the period has no article).
    pub share: f64,
}

/// The trend of one query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendSeries {
    pub query: String,
    pub points: Vec<TrendPoint>,
}

/// Trend JSON of INTERFACE.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trend {
    pub interval: Interval,
    pub series: Vec<TrendSeries>,
}

/// Failures of one kind, with a few examples.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct FailureCount {
    pub kind: String,
    pub count: u64,
    pub examples: Vec<String>,
}

/// What the crawl state knows (part of `jinan stats`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CrawlStats {
    /// URLs known to the crawl state.
    pub urls_known: u64,
    /// Fetches stored, by HTTP status (`"200"`, `"304"`, `"404"`, ...).
    pub pages_by_status: std::collections::BTreeMap<String, u64>,
    pub pages_fetched: u64,
    pub failures: Vec<FailureCount>,
    pub last_crawl_started: Option<DateTime<Utc>>,
    pub last_crawl_finished: Option<DateTime<Utc>>,
    pub warc_files: u64,
    pub warc_bytes: u64,
}

/// What the index knows (part of `jinan stats`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct IndexStats {
    pub articles: u64,
    pub deleted: u64,
    pub by_lang: std::collections::BTreeMap<String, u64>,
    pub by_column: std::collections::BTreeMap<String, u64>,
    pub last_indexed: Option<DateTime<Utc>>,
    pub index_bytes: u64,
}

/// `jinan stats`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Stats {
    pub crawl: CrawlStats,
    /// `None` (JSON `null`) while no index exists yet: a corpus that was crawled but never indexed.
    pub index: Option<IndexStats>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_json_matches_interface() {
        let a = Article {
            url: "http://english.jinan.gov.cn/art/2018/11/19/art_30173_2743600.html".into(),
            title: "T".into(),
            date: NaiveDate::from_ymd_opt(2018, 11, 19),
            source: None,
            column: Some("Sisterly Jinan".into()),
            lang: Lang::En,
            body: "a\n\nb".into(),
        };
        let v = serde_json::to_value(&a).unwrap();
        assert_eq!(v["date"], "2018-11-19");
        assert_eq!(v["source"], serde_json::Value::Null);
        assert_eq!(v["lang"], "en");
        let back: Article = serde_json::from_value(v).unwrap();
        assert_eq!(back, a);
    }

    #[test]
    fn ids_are_stable_and_distinct() {
        assert_eq!(article_id("http://a/"), article_id("http://a/"));
        assert_ne!(article_id("http://a/1"), article_id("http://a/2"));
        assert_eq!(article_id("").len(), 16);
    }

    #[test]
    fn parse_enums() {
        assert_eq!("ZH".parse::<Lang>().unwrap(), Lang::Zh);
        assert!("fr".parse::<Lang>().is_err());
        assert_eq!("date".parse::<Sort>().unwrap(), Sort::Date);
        assert!("x"
            .parse::<Sort>()
            .unwrap_err()
            .to_string()
            .contains("relevance or date"));
    }
}
