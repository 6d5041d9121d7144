//! `GET /api/export?q=&format=csv|jsonl&...`: every hit of a search, streamed.
//!
//! The search is checked first (a bad query or filter is the usual JSON `400`), then the hits are
//! written on the blocking pool into chunks that travel to the client through a small bounded
//! channel: a slow client slows the walk down instead of filling memory, and a client that goes
//! away stops it. The hits are [`jinan_index::HitStream`]'s (index order, not ranked; `limit` and
//! `sort` do not apply).

use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use jinan_types::table;
use serde::Deserialize;

use crate::params::{search_request, SearchParams};
use crate::{query_error, ApiError, AppState};

/// Bytes gathered before a chunk is sent.
const CHUNK_BYTES: usize = 64 * 1024;
/// Chunks in flight between the writer and the client.
const CHUNKS_IN_FLIGHT: usize = 4;

/// Formats of the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Jsonl,
}

impl ExportFormat {
    /// Parses `format=` (default `jsonl`).
    pub fn parse(v: Option<&str>) -> Result<ExportFormat, ApiError> {
        match v.map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(ExportFormat::Jsonl),
            Some(v) if v.eq_ignore_ascii_case("jsonl") => Ok(ExportFormat::Jsonl),
            Some(v) if v.eq_ignore_ascii_case("csv") => Ok(ExportFormat::Csv),
            Some(v) => Err(ApiError::BadRequest(format!(
                "unknown format {v:?} (expected csv or jsonl)"
            ))),
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Jsonl => "application/x-ndjson",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Jsonl => "jsonl",
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ExportParams {
    #[serde(flatten)]
    search: SearchParams,
    format: Option<String>,
}

pub async fn api_export(
    State(st): State<AppState>,
    q: Result<Query<ExportParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = q.map_err(query_error)?;
    let format = ExportFormat::parse(params.format.as_deref())?;
    let mut search = params.search;
    // Everything is exported: a page size means nothing here.
    search.limit = None;
    let req = search_request(&search)?;
    let stream = st
        .live
        .with(move |s| s.stream(&req).map_err(ApiError::from_index))
        .await?;
    let (tx, mut rx) =
        tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(CHUNKS_IN_FLIGHT);
    tokio::task::spawn_blocking(move || {
        let mut buf = Vec::with_capacity(CHUNK_BYTES + 4096);
        if format == ExportFormat::Csv {
            buf.extend_from_slice(table::csv_line(&table::SEARCH_CSV_HEADER).as_bytes());
        }
        let walked = stream.for_each(|hit| -> Result<(), ExportStop> {
            match format {
                ExportFormat::Csv => buf.extend_from_slice(table::search_csv_line(&hit).as_bytes()),
                ExportFormat::Jsonl => {
                    serde_json::to_writer(&mut buf, &hit)
                        .map_err(|e| ExportStop::Failed(e.to_string()))?;
                    buf.push(b'\n');
                }
            }
            if buf.len() >= CHUNK_BYTES {
                let chunk = Bytes::from(std::mem::take(&mut buf));
                tx.blocking_send(Ok(chunk))
                    .map_err(|_| ExportStop::ClientGone)?;
            }
            Ok(())
        });
        match walked {
            Ok(()) => {
                if !buf.is_empty() {
                    let _ = tx.blocking_send(Ok(Bytes::from(buf)));
                }
            }
            Err(ExportStop::ClientGone) => tracing::debug!("export client went away"),
            Err(ExportStop::Failed(e)) => {
                tracing::error!(error = %e, "export failed mid-way");
                // Ends the body with an error, so the client sees a cut transfer, not a short file.
                let _ = tx.blocking_send(Err(std::io::Error::other(e)));
            }
        }
    });
    let body = Body::from_stream(futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)));
    let name = format!("jinan-export.{}", format.extension());
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
                    .map_err(|e| ApiError::Internal(e.to_string()))?,
            ),
        ],
        body,
    )
        .into_response())
}

/// Why a walk stopped early.
enum ExportStop {
    ClientGone,
    Failed(String),
}

impl From<jinan_index::Error> for ExportStop {
    fn from(e: jinan_index::Error) -> Self {
        ExportStop::Failed(e.to_string())
    }
}
