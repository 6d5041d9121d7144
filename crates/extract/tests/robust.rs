//! Hostile input: malformed markup, empty and binary bytes, huge and deeply nested pages. Each must
//! give a clear error or an article (possibly with an empty body), never a panic.

use jinan_extract::{extract, ExtractError, Hints};

const URL: &str = "http://english.jinan.gov.cn/art/2018/11/19/art_30173_2743600.html";

#[test]
fn empty_and_whitespace_pages() {
    for page in [
        &b""[..],
        b"   \n",
        b"<html></html>",
        b"<!--",
        b"<script>",
        b"<p></p><p> </p>",
    ] {
        let a = extract(page, URL, &Hints::default()).expect("article");
        assert_eq!(a.body, "", "{page:?}");
    }
}

#[test]
fn binary_input_is_an_error() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    assert!(matches!(
        extract(png, URL, &Hints::default()),
        Err(ExtractError::NotHtml(_))
    ));
    let noise: Vec<u8> = (0..5000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    assert!(matches!(
        extract(&noise, URL, &Hints::default()),
        Err(ExtractError::NotHtml(_))
    ));
    let pdf_ct = Hints {
        content_type: Some("application/pdf"),
        column: None,
    };
    assert!(extract(b"<p>x</p>", URL, &pdf_ct).is_err());
}

#[test]
fn too_large_is_an_error() {
    let big = vec![b'a'; jinan_extract::MAX_BYTES + 1];
    let e = extract(&big, URL, &Hints::default()).unwrap_err();
    assert!(e.to_string().contains("too large"), "{e}");
}

#[test]
fn malformed_markup_still_extracts() {
    let page = "<html><head><title>T - english.jinan.gov.cn</title><body><div id=zoom><p>First paragraph\
                <p>Second &nbsp; paragraph<table><tr><td>cell<div></span></b><p>Third</i></div></div>";
    let a = extract(page.as_bytes(), URL, &Hints::default()).expect("article");
    assert!(
        a.body.starts_with("First paragraph\n\nSecond paragraph"),
        "{}",
        a.body
    );
    assert!(a.body.contains("Third"));
}

#[test]
fn ten_megabyte_page() {
    let para =
        "<p>Jinan has many springs, and people visit them, in all seasons, every year.</p>\n";
    let mut page = String::from("<html><body><div class=content>");
    while page.len() < 10 * 1024 * 1024 {
        page.push_str(para);
    }
    page.push_str("</div></body></html>");
    let a = extract(page.as_bytes(), "http://example.com/a", &Hints::default()).expect("article");
    assert!(a.body.len() > 9_000_000);
}

#[test]
fn deeply_nested_tables() {
    let depth = 5_000;
    let mut page = "<table><tr><td>".repeat(depth);
    page.push_str("<p>deep text, with a comma, and more words to score.</p>");
    page.push_str(&"</td></tr></table>".repeat(depth));
    let a = extract(page.as_bytes(), "http://example.com/a", &Hints::default()).expect("article");
    assert!(a.body.contains("deep text"));
    let divs = "<div class=zoom>".repeat(depth) + "x";
    let a = extract(divs.as_bytes(), URL, &Hints::default()).expect("article");
    assert_eq!(a.body, "x");
}
