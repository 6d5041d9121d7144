//! Regression cases from the fuzz target (`fuzz/`): every file in `tests/fuzz_cases/` is an input
//! libFuzzer found (a crash, a timeout, or a new path worth keeping), replayed the way
//! `fuzz/fuzz_targets/extract.rs` feeds it: the first byte picks the hints, the rest is the page.
//! Each must extract or fail with an error, never panic, and give a trimmed body.

use jinan_extract::{decode, extract, Hints};

fn replay(data: &[u8]) {
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
    let hints = Hints {
        content_type,
        column: Some("Sisterly Jinan"),
    };
    let _ = decode(page, content_type);
    if let Ok(a) = extract(page, url, &hints) {
        assert_eq!(a.body.trim(), a.body);
    }
}

#[test]
fn fuzz_cases_replay_cleanly() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_cases");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).expect("tests/fuzz_cases") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "md") {
            continue;
        }
        let data = std::fs::read(&p).expect("case");
        let r = std::panic::catch_unwind(|| replay(&data));
        assert!(r.is_ok(), "{} panics", p.display());
        n += 1;
    }
    assert!(n >= 3, "only {n} cases in {}", dir.display());
}
