//! Tests of the public API on small hand-written pages.

use super::*;

#[test]
fn empty_input_gives_empty_article() {
    let a = extract(b"", "http://x/", &Hints::default()).unwrap();
    assert_eq!(a.body, "");
    assert_eq!(a.url, "http://x/");
}
