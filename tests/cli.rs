//! Exit codes and error lines of the binary (INTERFACE.md "Exit codes").

use crate::util::{fast, site, stderr, with_closed_stdout, Workspace};

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
    ws.ok(&["index"]);
    let s: serde_json::Value =
        serde_json::from_str(&ws.ok(&["stats", "--format", "json"])).unwrap();
    assert!(s["crawl"]["pages_fetched"].as_u64().unwrap() >= 1, "{s}");
    assert_eq!(s["crawl"]["failures"], serde_json::json!([]), "{s}");
    let text = ws.ok(&["stats"]);
    let failures = text
        .lines()
        .find(|l| l.trim_start().starts_with("failures"))
        .map(|l| l.split_whitespace().collect::<Vec<_>>());
    assert_eq!(failures, Some(vec!["failures", "0"]), "{text}");
    // The status breakdown says what it counts, beside the count of every fetch.
    assert!(text.contains("(every fetch stored"), "{text}");
    assert!(text.contains("latest status"), "{text}");
}

/// Exit code 2 and one line on stderr that contains every one of `needles`.
fn refused(ws: &Workspace, args: &[&str], needles: &[&str]) {
    let out = ws.jinan(args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "{args:?}: not one line: {err}"
    );
    for n in needles {
        assert!(err.contains(n), "{args:?}: {err:?} lacks {n:?}");
    }
}

#[test]
fn usage_errors_keep_their_cause_and_point_to_the_right_help() {
    let ws = Workspace::new();
    refused(&ws, &["search"], &["<QUERY>", "`jinan search --help`"]);
    refused(
        &ws,
        &["stats", "--format", "xml"],
        &["xml", "text", "json", "`jinan stats --help`"],
    );
    refused(
        &ws,
        &["search", "-delegation"],
        &["jinan search -- -delegation"],
    );
    refused(
        &ws,
        &["search", "x", "--from", ""],
        &["--from needs a value"],
    );
    refused(
        &ws,
        &["search", "x", "--lang", " "],
        &["--lang needs a value"],
    );
    refused(
        &ws,
        &["crawl", "--bogus"],
        &["--bogus", "`jinan crawl --help`"],
    );
    let empty = ws.dir.path().join("empty.html");
    std::fs::write(&empty, "").unwrap();
    refused(&ws, &["extract", empty.to_str().unwrap()], &["is empty"]);
    std::fs::write(ws.dir.path().join("jinan.toml"), "[search]\nlimt = 5\n").unwrap();
    refused(
        &ws,
        &["stats"],
        &["jinan.toml", "unknown field `limt`", "line 2"],
    );
}

#[test]
fn a_missing_corpus_or_index_is_bad_usage_for_every_reader() {
    let ws = Workspace::new();
    for (args, needle) in [
        (&["stats"][..], "no corpus at"),
        (&["stats", "--format", "json"], "no corpus at"),
        (&["history", "http://english.jinan.gov.cn/"], "no corpus at"),
        (&["export"], "no index at"),
        (&["search", "jinan"], "no index at"),
    ] {
        refused(&ws, args, &[needle]);
    }
    // A corpus crawled but not indexed yet: `stats` shows the crawl and says there is no index
    // (`null` in JSON), rather than zeros that read like an empty index.
    std::fs::create_dir_all(ws.corpus().join("warc")).unwrap();
    let text = ws.ok(&["stats"]);
    assert!(text.contains("no index yet (run `jinan index`)"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&ws.ok(&["stats", "--format", "json"])).unwrap();
    assert!(json["index"].is_null(), "{json}");
}

#[test]
fn closed_stdout_corrupt_index_and_search_wording() {
    let server = site(30);
    let ws = Workspace::new();
    ws.ok(&fast("ingest", &server.base_url()));
    let url = crate::util::hit_urls(&ws.search_json("jinan", &[]))
        .pop()
        .expect("a hit");
    let page = ws.dir.path().join("page.html");
    std::fs::write(&page, "<html><body><p>Baotu Spring.</p></body></html>").unwrap();

    // `| head -1` and the like: exit 0 and nothing on stderr, for every command that prints.
    for args in [
        &["export"][..],
        &["export", "--format", "csv"],
        &["export", "--format", "bulk"],
        &["search", "jinan"],
        &["search", "jinan", "--format", "json"],
        &["search", "jinan", "--format", "csv"],
        &["stats"],
        &["stats", "--format", "json"],
        &["history", &url],
        &["history", &url, "--diff", "--format", "json"],
        &["extract", page.to_str().unwrap()],
        &["index"],
        &["--help"],
    ] {
        let (code, err) = with_closed_stdout(&ws, args);
        assert_eq!(code, Some(0), "{args:?}: {err}");
        assert_eq!(err, "", "{args:?}");
    }

    // Hit counts in words, the query as typed, an offset past the end.
    let v = ws.search_json("\"jinan\"", &[]);
    let total = v["total"].as_u64().unwrap();
    let text = ws.ok(&["search", "\"jinan\""]);
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with(&format!("{total} hits for: \"jinan\" (showing 1-")),
        "{first}"
    );
    let past = ws.ok(&["search", "jinan", "--offset", "5000"]);
    assert!(
        past.contains("past the last one") && past.contains("hits for"),
        "{past}"
    );
    refused(&ws, &["search", "()"], &["empty parentheses"]);

    // A damaged index: one short line that says how to repair it (detail at RUST_LOG=debug).
    let gen = std::fs::read_to_string(ws.index().join("CURRENT")).unwrap();
    std::fs::write(ws.index().join(gen.trim()).join("meta.json"), "{ not json").unwrap();
    for args in [&["stats"][..], &["search", "jinan"], &["export"]] {
        let out = ws.jinan(args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains("jinan index --rebuild"), "{args:?}: {err}");
        assert!(err.len() < 200, "{args:?}: {err}");
    }
}

#[test]
fn serve_announces_after_binding_and_a_busy_port_is_one_line() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    let ws = Workspace::new();
    let out = ws.jinan(&["serve", "--addr", &addr]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("cannot listen on") && !err.contains("serving"),
        "{err}"
    );

    // Announced means connectable at once; with no index, /healthz says so with a 503.
    let served = ws.serve();
    let (status, body) = crate::util::http_get(served.addr, "/healthz");
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("no index"), "{body}");
}

#[test]
fn no_color_turns_off_bold_on_a_terminal() {
    let server = site(10);
    let ws = Workspace::new();
    ws.ok(&fast("ingest", &server.base_url()));
    // `script` runs the command on a pseudo-terminal, where hits are printed with bold marks.
    let run = |no_color: bool| {
        let cmd = format!(
            "{} {} --corpus {} --index {} search jinan",
            if no_color { "NO_COLOR=1" } else { "" },
            env!("CARGO_BIN_EXE_jinan"),
            ws.corpus().display(),
            ws.index().display()
        );
        let out = std::process::Command::new("script")
            .args(["-qec", &cmd, "/dev/null"])
            .env_remove("NO_COLOR")
            .output()
            .expect("run script (util-linux)");
        assert!(out.status.success(), "{}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(run(false).contains("\x1b[1m"), "no bold on a terminal");
    assert!(!run(true).contains("\x1b["), "NO_COLOR ignored");
}

/// Where an option's value comes from: a flag, else the environment, else `jinan.toml`, else the
/// default (`serve` names the address it could not use, so the winner shows in the error line).
#[test]
fn options_come_from_flags_then_environment_then_the_file() {
    let ws = Workspace::new();
    let run = |args: &[&str], env: Option<&str>| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_jinan"));
        cmd.current_dir(ws.dir.path())
            .args(args)
            .env_remove("JINAN_CORPUS")
            .env_remove("JINAN_INDEX")
            .env_remove("JINAN_ADDR");
        if let Some(v) = env {
            cmd.env("JINAN_ADDR", v);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        stderr(&out)
    };
    std::fs::write(
        ws.dir.path().join("jinan.toml"),
        "corpus = \"corpus-from-file\"\n[serve]\naddr = \"addr-from-file\"\n",
    )
    .unwrap();
    assert!(run(&["serve"], None).contains("addr-from-file"));
    assert!(run(&["serve"], Some("addr-from-env")).contains("addr-from-env"));
    let flag = run(
        &["serve", "--addr", "addr-from-flag"],
        Some("addr-from-env"),
    );
    assert!(flag.contains("addr-from-flag"), "{flag}");
    assert!(run(&["stats"], None).contains("corpus-from-file"));
    let flag = run(&["stats", "--corpus", "corpus-from-flag"], None);
    assert!(flag.contains("corpus-from-flag"), "{flag}");
    // Without the file, the default.
    std::fs::remove_file(ws.dir.path().join("jinan.toml")).unwrap();
    assert!(run(&["stats"], None).contains("no corpus at corpus"));
}
