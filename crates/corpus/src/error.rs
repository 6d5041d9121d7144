//! The one error type of `jinan-corpus`, so callers can tell I/O trouble from a damaged archive.

use std::path::PathBuf;

/// Everything that can go wrong reading or writing the corpus.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An operating-system error on a file or folder.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A WARC record that cannot be decoded, not at the end of the last file.
    #[error("damaged WARC record in {file} at byte {offset}: {reason}")]
    Corrupt {
        file: String,
        offset: u64,
        reason: String,
    },
    /// The record at a location is not what the caller asked for.
    #[error("no capture in {file} at byte {offset}: {reason}")]
    NotACapture {
        file: String,
        offset: u64,
        reason: String,
    },
    /// A stored body whose content coding cannot be undone (damaged, unsupported, or too large).
    #[error("cannot decode {coding} body: {reason}")]
    Undecodable { coding: String, reason: String },
    /// A WARC file name that does not belong to this corpus.
    #[error("not a WARC file of this corpus: {0}")]
    BadFileName(String),
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// True when the underlying cause is a full disk (or quota), so callers can say so plainly.
    pub fn is_disk_full(&self) -> bool {
        match self {
            Error::Io { source, .. } => {
                source.kind() == std::io::ErrorKind::StorageFull
                    || source.raw_os_error() == Some(28)
                    || source.raw_os_error() == Some(122)
            }
            _ => false,
        }
    }
}

/// `Result` with the corpus [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
