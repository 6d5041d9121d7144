//! End-to-end tests of the built `jinan` binary against the fixture site served on loopback.
//! One test binary (as ripgrep does); modules by theme; shared helpers in `util`.

mod pywb;
#[path = "support/browser.rs"]
mod support_browser;
mod util;
mod web;

mod archive;
mod cli;
mod crawl;
mod drill;
mod history;
mod index;
mod ingest;
mod replay;
mod replay_browser;
mod slice;
mod workbench;
