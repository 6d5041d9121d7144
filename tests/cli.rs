//! Exit codes and error lines of the binary (INTERFACE.md "Exit codes").

use crate::util::{stderr, Workspace};

#[test]
fn search_without_an_index_is_a_usage_error() {
    let ws = Workspace::new();
    let out = ws.jinan(&["search", "anything"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.starts_with("jinan: "), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
}

#[test]
fn bad_options_exit_2_with_one_line() {
    let ws = Workspace::new();
    for args in [
        &["search", "x", "--limit", "abc"][..],
        &["search", "x", "--limit", "101"],
        &["search", "x", "--from", "2018-13-01"],
        &["search", "x", "--sort", "popular"],
        &["search", "x", "--lang", "fr"],
        &["crawl", "--seed", "not a url"],
        &["crawl", "--rate", "-1"],
        &["serve", "--addr", "nowhere"],
        &["extract", "/nonexistent/page.html"],
    ] {
        let out = ws.jinan(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.starts_with("jinan: "), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    // An unknown flag is clap's usage error: exit 2 as well.
    assert_eq!(ws.jinan(&["search", "x", "--bogus"]).status.code(), Some(2));
}

#[test]
fn a_held_lock_exits_3_and_changes_nothing() {
    let ws = Workspace::new();
    std::fs::create_dir_all(ws.index()).unwrap();
    // Hold the index lock the way another run would.
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(ws.index().join(".lock"))
        .unwrap();
    f.lock().unwrap();
    let out = ws.jinan(&["index"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        !ws.index().join("CURRENT").exists(),
        "index touched while locked"
    );
    drop(f);
}

#[test]
fn extract_reads_stdin_and_prints_article_json() {
    use std::io::Write;
    let page = "<html><head><meta name=\"ArticleTitle\" content=\"Springs of Jinan\">\
        <meta name=\"PubDate\" content=\"2020-03-04 10:05\"></head><body>\
        <div id=\"zoom\"><p>Baotu Spring is the first of the seventy-two famous springs.</p>\
        <p>It has been admired for centuries.</p></div>\
        <div>Produced By 大汉网络 大汉版通发布系统</div></body></html>";
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_jinan"))
        .args([
            "extract",
            "-",
            "--url",
            "http://english.jinan.gov.cn/art/2020/3/4/art_1_2.html",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(page.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["title"], "Springs of Jinan");
    assert_eq!(v["date"], "2020-03-04");
    assert_eq!(v["lang"], "en");
    let body = v["body"].as_str().unwrap();
    assert!(
        body.contains("Baotu Spring") && body.contains("\n\nIt has been"),
        "{body}"
    );
    assert!(!body.contains("大汉"), "{body}");
}

#[test]
fn stats_after_a_crawl_without_failures() {
    let server = crate::util::site(20);
    let ws = Workspace::new();
    let seed = format!("{}art/2018/11/19/art_30173_2743600.html", server.base_url());
    ws.ok(&["crawl", "--seed", &seed, "--max-depth", "0", "--rate", "0"]);
    let s: serde_json::Value =
        serde_json::from_str(&ws.ok(&["stats", "--format", "json"])).unwrap();
    assert!(s["crawl"]["pages_fetched"].as_u64().unwrap() >= 1, "{s}");
    assert_eq!(s["crawl"]["failures"], serde_json::json!([]), "{s}");
    let text = ws.ok(&["stats"]);
    assert!(text.contains("failures          0"), "{text}");
}
