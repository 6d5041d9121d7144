//! Tests of the public API on small hand-written pages.

use super::*;

#[test]
fn empty_input_gives_empty_article() {
    let a = extract(b"", "http://x/", &Hints::default()).unwrap();
    assert_eq!(a.body, "");
    assert_eq!(a.url, "http://x/");
}

#[test]
fn a_hanweb_date_line_may_name_its_month() {
    // English portals write the date line with the month's name as well as in figures; both are
    // the page's date, and neither stays in the body.
    for (line, source) in [
        ("Date: March 5, 2024 Source: Xinhua", Some("Xinhua")),
        ("Updated: Mar 5, 2024", None),
        (
            "Updated: 5 March 2024 | Source: China Daily",
            Some("China Daily"),
        ),
        ("发布时间：2024年3月5日 来源：济南日报", Some("济南日报")),
        ("Updated: 2024-03-05", None),
    ] {
        let html = format!(
            "<html><head><title>Spring festival - english.jinan.gov.cn</title></head><body>\
             <h1>Jinan hosts spring festival</h1><div id=\"zoom\"><p>{line}</p>\
             <p>The city opened its spring festival on Tuesday, with visitors at Baotu Spring \
             from early morning, and the lanterns lit at dusk along the moat.</p></div>\
             <div>Produced By 大汉网络 大汉版通发布系统</div></body></html>"
        );
        let a = extract_text(
            &html,
            "http://english.jinan.gov.cn/col/col1/art/2024/art_0123456789abcdef0123456789abcdef.html",
            &Hints::default(),
        );
        assert_eq!(
            a.date,
            chrono::NaiveDate::from_ymd_opt(2024, 3, 5),
            "{line}: {a:?}"
        );
        assert_eq!(a.source.as_deref(), source, "{line}");
        assert!(!a.body.contains("2024"), "{line}: {}", a.body);
        assert!(a.body.starts_with("The city opened"), "{line}: {}", a.body);
    }
}
