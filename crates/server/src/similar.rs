//! More like this: `GET /api/similar?url=URL[&limit=N]` (Search JSON) and the page
//! `GET /similar?url=URL` that each hit's "similar" link opens.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jinan_types::SearchResults;
use maud::{html, DOCTYPE};
use serde::Deserialize;

use crate::i18n::Ui;
use crate::page::{self, CSS};
use crate::params::{SearchParams, DEFAULT_LIMIT, MAX_QUERY_BYTES};
use crate::{query_error, ApiError, AppState};

#[derive(Debug, Deserialize)]
pub struct SimilarParams {
    url: Option<String>,
    limit: Option<String>,
    ui: Option<String>,
}

fn parse(p: &SimilarParams) -> Result<(String, usize), ApiError> {
    let url = p
        .url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .ok_or_else(|| ApiError::BadRequest("give the article's address: ?url=URL".into()))?;
    if url.len() > MAX_QUERY_BYTES {
        return Err(ApiError::BadRequest(format!(
            "the url is too long ({} bytes; at most {MAX_QUERY_BYTES})",
            url.len()
        )));
    }
    // The limit follows the search rules (through the shared parser).
    let limit = crate::params::search_request(&SearchParams {
        q: Some(url.to_string()),
        limit: p.limit.clone(),
        ..Default::default()
    })?
    .limit;
    Ok((url.to_string(), limit))
}

async fn similar(st: &AppState, url: String, limit: usize) -> Result<SearchResults, ApiError> {
    let lookup = url.clone();
    st.live
        .with(move |s| s.similar(&lookup, limit).map_err(ApiError::from_index))
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no article with url {url:?} in the index")))
}

pub async fn api_similar(
    State(st): State<AppState>,
    q: Result<Query<SimilarParams>, QueryRejection>,
) -> Result<axum::Json<SearchResults>, ApiError> {
    let Query(p) = q.map_err(query_error)?;
    let (url, limit) = parse(&p)?;
    Ok(axum::Json(similar(&st, url, limit).await?))
}

pub async fn similar_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<SimilarParams>, QueryRejection>,
) -> Response {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let (ui, answer) = match q {
        Ok(Query(p)) => {
            let ui = Ui::choose(p.ui.as_deref(), accept);
            let answer = match parse(&p) {
                Ok((url, _)) => similar(&st, url, DEFAULT_LIMIT).await,
                Err(e) => Err(e),
            };
            (ui, answer)
        }
        Err(e) => (Ui::choose(None, accept), Err(query_error(e))),
    };
    let t = ui.texts();
    let status = match &answer {
        Ok(_) => StatusCode::OK,
        Err(e) => e.code_and_status().1,
    };
    let url = answer.as_ref().map(|r| r.query.clone()).unwrap_or_default();
    let switch = page::path_with_ui("/similar", &[("url", url.clone())], ui.other());
    let markup = html! {
        (DOCTYPE)
        html lang=(t.html_lang) {
            (page::head(&format!("{} {url} – {}", t.similar_to, t.brand), CSS))
            body {
                (page::header(ui, &switch, &SearchParams::default()))
                main {
                    @match &answer {
                        Err(e) => p.error role="alert" { (e.message()) },
                        Ok(r) => {
                            h1.similar { (t.similar_to) " " a href=(page::safe_href(&r.query)) { (r.query) } }
                            ol.hits {
                                @for hit in &r.hits { (page::hit_view(ui, hit)) }
                            }
                            p { a href=(page::href_with_ui(&[], ui)) { (t.back) } }
                        }
                    }
                }
            }
        }
    };
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::VARY, "accept-language"),
        ],
        markup.into_string(),
    )
        .into_response()
}
