//! Regression cases from the fuzz target (`fuzz/`): every file in `tests/fuzz_cases/` is an input
//! libFuzzer found (a crash, a timeout, or a new path worth keeping), replayed the way
//! `fuzz/fuzz_targets/extract.rs` feeds it: the first byte picks the hints, the rest is the page.
//! Each must extract or fail with an error, never panic, and give a trimmed body.

#[path = "support/fuzz_replay.rs"]
mod fuzz_replay;
use fuzz_replay::replay;

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
