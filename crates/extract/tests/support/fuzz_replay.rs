//! How the fuzz target feeds an input to the extractor, written once for the fuzz target
//! (`fuzz/fuzz_targets/extract.rs`) and the regression test that replays what it found
//! (`tests/fuzz_cases.rs`); both include this file by path.

/// The first byte picks the hints (charset label or none, a Hanweb or a general address), so the
/// charset and Hanweb paths are both reached; the rest is the page. Extraction must give an
/// article with a trimmed body or an error, never panic.
pub fn replay(data: &[u8]) {
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
    let hints = jinan_extract::Hints {
        content_type,
        column: Some("Sisterly Jinan"),
    };
    let _ = jinan_extract::decode(page, content_type);
    if let Ok(a) = jinan_extract::extract(page, url, &hints) {
        assert_eq!(a.body.trim(), a.body);
    }
}
