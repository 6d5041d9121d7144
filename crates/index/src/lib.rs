//! `jinan-index`: the tantivy index of jinan's articles and everything that searches it.
//!
//! * [`Writer`] adds articles (one document per URL), marks deleted ones, commits atomically
//!   with a caller-owned payload (the WARC cursor), and builds new generations for `--rebuild`.
//! * [`Searcher`] answers the query language of INTERFACE.md with filters, sorting, paging and
//!   highlighted snippets, and follows new commits and generations cheaply.
//! * [`params`] turns search options (text from HTTP, typed from the CLI) into a checked
//!   `SearchRequest`: the one set of limits and messages.
//! * [`tokenizer`] holds the one analyzer (jieba-rs for Chinese, stemmed English) used at index
//!   time, query time and for snippets.
//!
//! Layout on disk: `dir/CURRENT` names the live `dir/gen-<n>/`, a tantivy index with a schema
//! version file (see [`generation`] and [`schema`]).

mod collect;
pub mod dict;
pub mod dups;
mod error;
mod facets;
mod filters;
mod fold;
pub mod generation;
pub mod pairs;
pub mod params;
mod per_segments;
pub mod query;
pub mod schema;
mod searcher;
mod similar;
pub mod snippet;
mod stream;
pub mod tokenizer;
mod trend;
mod writer;

pub use error::{Error, Result};
pub use params::{checked, search_request, ParamError, SearchParams};
pub use schema::SCHEMA_VERSION;
pub use searcher::{Searcher, MAX_OFFSET};
pub use stream::HitStream;
pub use writer::{Prepared, Preparer, Writer, WriterOptions};
