//! The one error type of `jinan-index`, so callers can tell a user's bad query (exit 2, HTTP 400)
//! from a broken or missing index (exit 1, HTTP 500).

use std::path::PathBuf;

/// Everything that can go wrong in the index and search library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The query (or a filter) cannot be understood: a user error. The text is one sentence.
    #[error("bad query: {0}")]
    Query(String),
    /// A column filter names no column of the index.
    #[error("unknown column {name:?}; the columns are: {}", known.join(", "))]
    UnknownColumn { name: String, known: Vec<String> },
    /// The index was written by another schema version and must be rebuilt.
    #[error("index schema version {found} is not the supported version {expected}; run `jinan index --rebuild`")]
    SchemaMismatch { found: u32, expected: u32 },
    /// There is no index in this directory yet.
    #[error("no index in {0} (run `jinan index` first)")]
    NoIndex(PathBuf),
    /// The index directory holds something we cannot read (`CURRENT` names nothing valid, ...).
    #[error("corrupt index: {0}")]
    Corrupt(String),
    /// An operation that needs a committed writer was called with uncommitted changes.
    #[error("{0}")]
    Usage(&'static str),
    /// A full result set's walk ended before every hit was handed on (a worker failed).
    #[error("the full result set stopped before its end")]
    StreamStopped,
    #[error("index I/O error on {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("tantivy: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

impl Error {
    /// True for errors caused by the user's input (a query that cannot be parsed), which the CLI
    /// reports with exit code 2 and the server with HTTP 400.
    pub fn is_user_error(&self) -> bool {
        matches!(self, Error::Query(_) | Error::UnknownColumn { .. })
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;
