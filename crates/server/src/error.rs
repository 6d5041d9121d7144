//! Every error the HTTP API can answer, with its code and status in one table.
//!
//! Clients see the same JSON shape everywhere, `{"error": "<one sentence>", "code": "<code>"}`:
//! from our handlers, from axum's extractors and from the tower layers (timeouts, size limits), which
//! [`json_errors`] rewrites. Internal details are logged, never shown.

use axum::body::Body;
use axum::http::{header, HeaderValue, Response, StatusCode};
use axum::response::IntoResponse;
use axum::Json;

use crate::params::ParamError;

/// An error answer of the API.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A parameter is missing or malformed.
    #[error(transparent)]
    Param(#[from] ParamError),
    /// A parameter other than the search options is missing or malformed.
    #[error("{0}")]
    BadRequest(String),
    /// The index could not parse the query.
    #[error("{0}")]
    Query(String),
    #[error("{0}")]
    NotFound(String),
    /// No index yet, or one this program cannot read (old schema).
    #[error("{0}")]
    Unavailable(String),
    /// Something broke on our side; the detail is logged.
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    /// The table: stable code and HTTP status of each kind of error.
    pub fn code_and_status(&self) -> (&'static str, StatusCode) {
        match self {
            ApiError::Param(_) => ("bad_parameter", StatusCode::BAD_REQUEST),
            ApiError::BadRequest(_) => ("bad_request", StatusCode::BAD_REQUEST),
            ApiError::Query(_) => ("bad_query", StatusCode::BAD_REQUEST),
            ApiError::NotFound(_) => ("not_found", StatusCode::NOT_FOUND),
            ApiError::Unavailable(_) => ("index_unavailable", StatusCode::SERVICE_UNAVAILABLE),
            ApiError::Internal(_) => ("internal", StatusCode::INTERNAL_SERVER_ERROR),
        }
    }

    /// The sentence shown to the user.
    pub fn message(&self) -> String {
        match self {
            ApiError::Internal(_) => "internal server error; see the server log".to_string(),
            other => other.to_string(),
        }
    }

    /// Maps an index error: the user's fault (bad query) is a 400, a missing index a 503, the rest
    /// a logged 500.
    pub fn from_index(e: jinan_index::Error) -> ApiError {
        match e {
            jinan_index::Error::NoIndex(dir) => ApiError::Unavailable(format!(
                "there is no index in {} yet; run `jinan index` first",
                dir.display()
            )),
            e @ jinan_index::Error::SchemaMismatch { .. } => ApiError::Unavailable(e.to_string()),
            e if e.is_user_error() => ApiError::Query(e.to_string()),
            e => ApiError::Internal(e.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> axum::response::Response {
        let (code, status) = self.code_and_status();
        match &self {
            ApiError::Internal(detail) => tracing::error!(%detail, "internal error"),
            ApiError::Unavailable(detail) => tracing::warn!(%detail, "index unavailable"),
            _ => tracing::debug!(error = %self, code, "client error"),
        }
        (
            status,
            Json(serde_json::json!({ "error": self.message(), "code": code })),
        )
            .into_response()
    }
}

/// Middleware body: an error status that is not already JSON (an extractor rejection, a timeout, a
/// body limit, a wrong method) gets the API's JSON error body instead. The search page sets its own
/// HTML errors and is left alone (it answers `text/html`).
pub async fn json_errors<B>(res: Response<B>) -> Response<Body>
where
    B: axum::body::HttpBody<Data = axum::body::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    let res = res.map(Body::new);
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let ctype = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // Archived answers (replay carries Memento-Datetime) keep the status and body they had.
    if ctype.starts_with("application/json")
        || ctype.starts_with("text/html")
        || res.headers().contains_key("memento-datetime")
    {
        return res;
    }
    let code = match status {
        StatusCode::REQUEST_TIMEOUT => "timeout",
        StatusCode::PAYLOAD_TOO_LARGE => "too_large",
        StatusCode::URI_TOO_LONG => "uri_too_long",
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => "headers_too_large",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::NOT_FOUND => "not_found",
        s if s.is_server_error() => "internal",
        _ => "bad_request",
    };
    let message = match status {
        StatusCode::REQUEST_TIMEOUT => "the request took too long and was stopped".to_string(),
        StatusCode::METHOD_NOT_ALLOWED => "this address only answers GET".to_string(),
        s => s.canonical_reason().unwrap_or("error").to_lowercase(),
    };
    let (mut parts, _) = res.into_parts();
    let body = serde_json::json!({ "error": message, "code": code }).to_string();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}
