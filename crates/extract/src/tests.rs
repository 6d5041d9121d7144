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
        // The host that opens the line, then the date alone.
        (
            "english.jinan.gov.cn 5 March 2024",
            Some("english.jinan.gov.cn"),
        ),
        (
            "english.jinan.gov.cn2024-03-05",
            Some("english.jinan.gov.cn"),
        ),
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

#[test]
fn a_page_without_a_heading_finds_its_date_line_at_the_top_of_the_body() {
    // No `<h1>`: the title comes from `<title>`, and the date/source line sits in the body under
    // a font-size bar. It gives the date and the source and leaves the body, as does the line
    // that offers the page's QR code for a phone.
    let html = "<html><head><title>济南举办春节活动_济南市人民政府</title></head><body>\
        <div class=\"dqwz\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"/col/col2/index.html\">济南要闻</a></div>\
        <div id=\"zoom\"><div>【字体：<a>大</a> <a>中</a> <a>小</a>】</div>\
        <p>发布日期：2024-03-06 10:05 浏览次数：1234 来源：济南日报</p>\
        <p>济南市春节活动于周二开幕，游客从清晨起就来到趵突泉，傍晚护城河边灯笼点亮，活动将持续到本月底。</p>\
        <p>扫一扫在手机打开当前页</p><p>主办方预计将有超过一百万游客参加。来源：市文旅局。</p></div>\
        <div>Produced By 大汉网络 大汉版通发布系统</div></body></html>";
    let a = extract_text(
        html,
        "http://www.jinan.gov.cn/art/2024/3/5/art_1_1.html",
        &Hints::default(),
    );
    assert_eq!(a.title, "济南举办春节活动");
    assert_eq!(a.date, chrono::NaiveDate::from_ymd_opt(2024, 3, 6), "{a:?}");
    assert_eq!(a.source.as_deref(), Some("济南日报"), "{a:?}");
    assert_eq!(a.column.as_deref(), Some("济南要闻"));
    assert!(a.body.starts_with("济南市春节活动于周二开幕"), "{}", a.body);
    assert!(a.body.ends_with("来源：市文旅局。"), "{}", a.body);
    assert!(!a.body.contains("手机"), "{}", a.body);
}
