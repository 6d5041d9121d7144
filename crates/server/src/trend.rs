//! `GET /api/trend?q=A&q=B&interval=year|month&from=&to=&column=&lang=&live=&format=json|csv`:
//! the Trend JSON of INTERFACE.md (or its CSV), the numbers behind the page's trend chart.

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use jinan_types::{table, Interval, SearchRequest, Trend};

use crate::params::{search_request, SearchParams};
use crate::{ApiError, AppState};

/// The parsed trend request: one search request per query (they share the filters), the interval
/// and whether CSV was asked for.
pub struct TrendQuery {
    pub queries: Vec<SearchRequest>,
    pub interval: Interval,
    pub csv: bool,
}

/// Reads a trend request from query pairs (`q` repeated). The filters are parsed by the shared
/// search parser, so they fail with the same sentences as everywhere else.
pub fn parse(pairs: &[(String, String)]) -> Result<TrendQuery, ApiError> {
    let get = |k: &str| last(pairs, k);
    let base = SearchParams {
        from: get("from"),
        to: get("to"),
        column: get("column"),
        lang: get("lang"),
        live: get("live"),
        ..Default::default()
    };
    let texts: Vec<&String> = pairs
        .iter()
        .filter(|(k, v)| k == "q" && !v.trim().is_empty())
        .map(|(_, v)| v)
        .collect();
    if texts.is_empty() {
        return Err(ApiError::BadRequest(
            "give one or more queries to trend: /api/trend?q=A&q=B".into(),
        ));
    }
    let mut queries = Vec::with_capacity(texts.len());
    for q in texts {
        queries.push(search_request(&SearchParams {
            q: Some(q.clone()),
            ..base.clone()
        })?);
    }
    let interval = match get("interval").as_deref().map(str::trim) {
        None | Some("") => Interval::Year,
        Some(v) => v
            .parse::<Interval>()
            .map_err(|e| ApiError::BadRequest(e.to_string()))?,
    };
    let csv = match get("format").as_deref().map(str::trim) {
        None | Some("") | Some("json") => false,
        Some("csv") => true,
        Some(v) => {
            return Err(ApiError::BadRequest(format!(
                "unknown format {v:?} (expected json or csv)"
            )))
        }
    };
    Ok(TrendQuery {
        queries,
        interval,
        csv,
    })
}

/// Runs a parsed trend request.
pub fn run(s: &jinan_index::Searcher, t: &TrendQuery) -> Result<Trend, ApiError> {
    let texts: Vec<String> = t.queries.iter().map(|r| r.query.clone()).collect();
    s.trend(&texts, t.interval, &t.queries[0])
        .map_err(ApiError::from_index)
}

/// The value of the last `k=` pair (a repeated single-valued parameter: the last one wins, as for
/// the search parameters).
pub fn last(pairs: &[(String, String)], k: &str) -> Option<String> {
    pairs
        .iter()
        .rev()
        .find(|(key, _)| key == k)
        .map(|(_, v)| v.clone())
}

/// The query pairs of a raw query string.
pub fn pairs(raw: Option<&str>) -> Result<Vec<(String, String)>, ApiError> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(raw.unwrap_or(""))
        .map_err(|e| ApiError::BadRequest(format!("the query string cannot be read: {e}")))
}

pub async fn api_trend(
    State(st): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let t = parse(&pairs(raw.as_deref())?)?;
    let csv = t.csv;
    let trend = st.live.with(move |s| run(s, &t)).await?;
    Ok(if csv {
        (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/csv; charset=utf-8"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("attachment; filename=\"jinan-trend.csv\""),
                ),
            ],
            table::trend_csv(&trend),
        )
            .into_response()
    } else {
        axum::Json(trend).into_response()
    })
}
