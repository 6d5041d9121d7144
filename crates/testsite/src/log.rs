//! The request log: one JSON line per request, so tests can check a crawler's politeness (rate,
//! concurrency, robots, conditional GETs) from what the server saw.

use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

/// One request as the server saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// When the request started, RFC 3339 with milliseconds (UTC).
    pub time: String,
    /// Milliseconds since the Unix epoch when the request started (same instant as `time`).
    pub ts_ms: i64,
    pub method: String,
    /// Path with query.
    pub path: String,
    /// Status sent; 0 when the connection was reset instead.
    pub status: u16,
    /// Requests in flight when this one started, this one included.
    pub in_flight: usize,
    pub user_agent: Option<String>,
    /// The request carried `If-None-Match` or `If-Modified-Since`.
    pub conditional: bool,
    /// Injected fault, if any: `once`, `burst`, `refuse`, `reset`, `slow`.
    pub fault: Option<String>,
    /// Milliseconds from start to answer.
    pub duration_ms: u64,
}

/// In-memory log with an optional JSON-lines file.
#[derive(Debug, Default)]
pub struct RequestLog {
    entries: Mutex<Vec<LogEntry>>,
    file: Option<Mutex<File>>,
}

impl RequestLog {
    /// A log that also appends to `path` when given.
    pub fn new(path: Option<&Path>) -> std::io::Result<RequestLog> {
        let file = match path {
            Some(p) => Some(Mutex::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)?,
            )),
            None => None,
        };
        Ok(RequestLog {
            entries: Mutex::new(Vec::new()),
            file,
        })
    }

    pub fn push(&self, e: LogEntry) {
        if let Some(f) = &self.file {
            if let (Ok(mut f), Ok(line)) = (f.lock(), serde_json::to_string(&e)) {
                if let Err(err) = writeln!(f, "{line}") {
                    tracing::warn!("request log write failed: {err}");
                }
            }
        }
        if let Ok(mut v) = self.entries.lock() {
            v.push(e);
        }
    }

    /// Entries in the order requests finished.
    pub fn entries(&self) -> Vec<LogEntry> {
        self.entries.lock().map(|v| v.clone()).unwrap_or_default()
    }

    pub fn clear(&self) {
        if let Ok(mut v) = self.entries.lock() {
            v.clear();
        }
    }
}
