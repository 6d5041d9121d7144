//! The one error type of `jinan-archive`.

use std::path::PathBuf;

/// What can go wrong exporting, packaging or checking the collection.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading the corpus failed (I/O or a damaged record).
    #[error(transparent)]
    Corpus(#[from] jinan_corpus::Error),
    /// A file of the package or the corpus could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Writing to the output stream failed.
    #[error("writing output: {0}")]
    Output(#[source] std::io::Error),
    /// Nothing to package.
    #[error("the corpus has no WARC files")]
    Empty,
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// `Result` with the archive [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
