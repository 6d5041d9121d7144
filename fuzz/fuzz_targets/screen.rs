//! The request-line screen of `jinan serve` against hyper on the same bytes: while no line is over
//! the limit, the answers with and without the screen must be identical.
//!
//! Run: `cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run screen -- -max_total_time=600`

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    jinan_server::screen_check::check(data);
});
