//! Handing the collection on: the CDXJ capture index ([`write_cdxj`]), WACZ packages
//! ([`write_wacz`]) and fixity checks ([`verify`]) of a corpus's WARC files.
//!
//! Everything here reads the WARC files through `jinan-corpus` and writes standard formats that
//! other tools check: `cdxj-indexer`/pywb for CDXJ, `wacz validate` (py-wacz) and ReplayWeb.page
//! for WACZ, `warcio check` for the digests that [`verify`] recomputes.

mod cdxj;
mod error;
mod verify;
mod wacz;
mod zip;

pub use cdxj::{cdxj_lines, write_cdxj};
pub use error::{Error, Result};
pub use verify::{verify, Damage, VerifyReport};
pub use wacz::{write_wacz, Page, WaczSummary, WACZ_VERSION};
pub use zip::{EntryFacts, ZipWriter};
