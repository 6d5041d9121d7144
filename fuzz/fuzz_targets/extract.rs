//! Fuzz target: any bytes, with or without a content type, must extract or fail cleanly.
//!
//! Run: `cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run extract corpus/extract
//! ../crates/extract/tests/fuzz_cases -- -dict=extract.dict -max_total_time=1800`
//! (new inputs go to `corpus/extract`; what it finds is kept in
//! `crates/extract/tests/fuzz_cases/`, which `tests/fuzz_cases.rs` replays the same way).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../crates/extract/tests/support/fuzz_replay.rs"]
mod fuzz_replay;

fuzz_target!(|data: &[u8]| fuzz_replay::replay(data));
