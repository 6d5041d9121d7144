//! Integration tests of `jinan-server` against a real index built from fixture documents: every
//! route through `oneshot` (no socket), hostile requests, live index changes, one real-socket run
//! and a headless-chromium run of the search page. One test binary, so the index library is linked
//! once.

mod api;
mod browser;
mod common;
mod hostile;
mod socket;
#[path = "../../../../tests/support/browser.rs"]
mod support_browser;
mod workbench;
