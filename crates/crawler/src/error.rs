//! The one error type of `jinan-crawler`. Failed fetches are not errors: they are recorded in the
//! crawl state by kind; an error here means the crawl itself could not go on (disk, database).

/// What stops a crawl.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Corpus(#[from] jinan_corpus::Error),
    #[error("crawl state database: {0}")]
    State(#[from] redb::Error),
    /// The state file is not a database redb can open (damaged, or another file in its place).
    /// Nothing is overwritten: the state is a cache of the WARC files, rebuilt from them once the
    /// file is moved aside.
    #[error("{}: not a usable crawl state ({source}); move it aside and the next crawl rebuilds it from the WARC files", path.display())]
    DamagedState {
        path: std::path::PathBuf,
        #[source]
        source: redb::Error,
    },
    #[error("crawl state record: {0}")]
    Record(#[from] serde_json::Error),
    #[error("HTTP client: {0}")]
    Client(String),
    #[error("{0}")]
    Config(String),
    #[error("{path}: {source}")]
    Io {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the crawl's storage thread stopped unexpectedly")]
    StoreGone,
}

macro_rules! redb_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Error {
            fn from(e: $t) -> Self {
                Error::State(e.into())
            }
        }
    )*};
}
redb_from!(
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

/// `Result` with the crawler [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
