//! Fuzz target: any bytes, with or without a content type, must extract or fail cleanly.
//!
//! Run: `cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run extract corpus/extract
//! ../crates/extract/tests/fuzz_cases -- -dict=extract.dict -max_total_time=1800`
//! (new inputs go to `corpus/extract`; what it finds is kept in
//! `crates/extract/tests/fuzz_cases/`, which `tests/fuzz_cases.rs` replays the same way).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the hints, so the charset and Hanweb paths are both reached.
    let (sel, page) = data.split_first().map_or((0, data), |(s, p)| (*s, p));
    let content_type = match sel % 4 {
        0 => None,
        1 => Some("text/html; charset=gb2312"),
        2 => Some("text/html; charset=utf-8"),
        _ => Some("text/html"),
    };
    let url = if sel & 4 == 0 {
        "http://english.jinan.gov.cn/art/2018/11/19/art_30173_2743600.html"
    } else {
        "http://example.com/news/story.html"
    };
    let hints = jinan_extract::Hints { content_type, column: Some("Sisterly Jinan") };
    let _ = jinan_extract::decode(page, content_type);
    if let Ok(a) = jinan_extract::extract(page, url, &hints) {
        assert!(!a.body.starts_with(char::is_whitespace));
    }
});
