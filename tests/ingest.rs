//! Unattended ingest (issue 7): the cron command twice, history, export, stats, deletions.

use crate::util::{fast, hit_urls, site, stderr, Workspace};
use std::process::Command;

/// The command of the README's crontab line, run from the data folder holding `jinan.toml`.
pub const CRON_COMMAND: &str = "jinan ingest";

fn write_config(ws: &Workspace, base: &str) {
    let toml = format!(
        "corpus = \"corpus\"\nindex = \"index\"\n[crawl]\nseeds = [\"{base}\"]\nrate = 0\nconcurrency = 8\ntimeout = 2\n"
    );
    std::fs::write(ws.dir.path().join("jinan.toml"), toml).unwrap();
}

/// Runs the cron line's command as cron would: a shell, no terminal, in the data folder.
fn run_cron(ws: &Workspace) -> std::process::Output {
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_jinan"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!("{}:/usr/bin:/bin", bin_dir.display());
    Command::new("sh")
        .arg("-c")
        .arg(format!(
            "cd '{}' && {CRON_COMMAND}",
            ws.dir.path().display()
        ))
        .env_clear()
        .env("PATH", path)
        .output()
        .expect("run the cron command")
}

fn summary_field(line: &str, key: &str) -> u64 {
    let at = line
        .find(&format!("{key} "))
        .unwrap_or_else(|| panic!("no {key:?} in {line:?}"));
    line[at + key.len() + 1..]
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no number after {key:?} in {line:?}"))
}

#[test]
fn cron_command_twice_second_run_changes_nothing() {
    let server = site(150);
    let ws = Workspace::new();
    write_config(&ws, &server.base_url());

    let first = run_cron(&ws);
    assert_eq!(
        first.status.code(),
        Some(0),
        "first run: {}",
        stderr(&first)
    );
    let out1 = String::from_utf8_lossy(&first.stdout).to_string();
    assert_eq!(
        out1.trim_end().lines().count(),
        1,
        "one summary line: {out1}"
    );
    assert!(summary_field(&out1, "new") > 100, "{out1}");
    assert!(
        !String::from_utf8_lossy(&first.stderr).contains('\r'),
        "progress bar drawn without a terminal"
    );

    server.clear_log();
    let second = run_cron(&ws);
    assert_eq!(
        second.status.code(),
        Some(0),
        "second run: {}",
        stderr(&second)
    );
    let out2 = String::from_utf8_lossy(&second.stdout).to_string();
    assert_eq!(summary_field(&out2, "new"), 0, "{out2}");
    assert_eq!(summary_field(&out2, "changed"), 0, "{out2}");
    assert_eq!(summary_field(&out2, "deleted"), 0, "{out2}");
    // Articles were revalidated, not downloaded again.
    let log = server.log();
    let article_200s: Vec<_> = log
        .iter()
        .filter(|e| e.path.contains("/art/") && e.status == 200)
        .collect();
    let article_304s = log
        .iter()
        .filter(|e| e.path.contains("/art/") && e.status == 304)
        .count();
    assert!(article_304s > 100, "only {article_304s} conditional hits");
    assert!(
        article_200s.is_empty(),
        "articles fetched again in full: {:?}",
        article_200s.iter().take(5).collect::<Vec<_>>()
    );
}

#[test]
fn history_export_stats_and_deletions() {
    let server = site(80);
    let base = server.base_url();
    let ws = Workspace::new();
    let ingest = fast("ingest", &base);
    ws.ok(&ingest);
    let edited = server.with_site(|s| s.edit(1));
    let deleted = server.with_site(|s| s.delete(1));
    ws.ok(&ingest);

    // History of the edited article: two captures, the text changed, and --diff shows it.
    let url = format!("{}{}", base.trim_end_matches('/'), edited[0]);
    let h: serde_json::Value =
        serde_json::from_str(&ws.ok(&["history", &url, "--format", "json"])).unwrap();
    let caps = h["captures"].as_array().expect("captures");
    assert!(caps.len() >= 2, "{h}");
    assert_eq!(caps.last().unwrap()["text_changed"], true, "{h}");
    let diff = ws.ok(&["history", &url, "--diff"]);
    assert!(
        diff.lines()
            .any(|l| l.starts_with('+') && !l.starts_with("+++")),
        "{diff}"
    );

    // The deleted article stays searchable, marked deleted; --live hides it.
    let del_url = format!("{}{}", base.trim_end_matches('/'), deleted[0]);
    let doc: serde_json::Value = {
        let export = ws.ok(&["export", "--format", "jsonl"]);
        let line = export
            .lines()
            .find(|l| l.contains(&format!("\"url\":\"{del_url}\"")))
            .expect("deleted article exported");
        serde_json::from_str(line).unwrap()
    };
    assert!(doc["deleted_at"].is_string(), "{doc}");
    let title = doc["title"].as_str().unwrap().to_string();
    let q = format!("\"{}\"", title.replace('"', " "));
    let all = ws.search_json(&q, &[]);
    assert!(
        hit_urls(&all).contains(&del_url),
        "deleted article not searchable: {all}"
    );
    let live = ws.search_json(&q, &["--live"]);
    assert!(
        !hit_urls(&live).contains(&del_url),
        "--live shows a deleted article"
    );

    // Export: one line per article with a stable id; bulk pairs an action with each document.
    let jsonl = ws.ok(&["export", "--format", "jsonl"]);
    let docs: Vec<serde_json::Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let urls: std::collections::HashSet<_> = docs
        .iter()
        .map(|d| d["url"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(urls.len(), docs.len(), "an article exported twice");
    assert!(docs
        .iter()
        .all(|d| d["id"].is_string() && d["captured_at"].is_string()));
    let again = ws.ok(&["export", "--format", "jsonl"]);
    assert_eq!(jsonl, again, "export is not stable");
    let bulk = ws.ok(&["export", "--format", "bulk"]);
    let lines: Vec<_> = bulk.lines().collect();
    assert_eq!(lines.len(), 2 * docs.len());
    let action: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    let first: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(action["index"]["_id"], first["id"]);
    // What a user loads into OpenSearch: the README's mapping as written and the bulk file with
    // an index name, read by the opensearch-py client (scripts/setup.sh installs it).
    let bulk_file = ws.dir.path().join("bulk.ndjson");
    std::fs::write(
        &bulk_file,
        ws.ok(&["export", "--format", "bulk", "--bulk-index", "jinan"]),
    )
    .unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("python3")
        .arg(root.join("tests/data/opensearch_check.py"))
        .arg(root.join("README.md"))
        .arg(&bulk_file)
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "opensearch-py rejects the export or the README's mapping (scripts/setup.sh installs it): {}",
        stderr(&out)
    );
    let checked: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        checked["documents"].as_u64(),
        Some(docs.len() as u64),
        "{checked}"
    );
    assert_eq!(
        checked["indices"],
        serde_json::json!(["jinan"]),
        "{checked}"
    );
    let csv = ws.ok(&["export", "--format", "csv"]);
    assert!(csv.starts_with("id,url,title,date,source,column,lang,captured_at,deleted_at,body"));

    // Stats.
    let s: serde_json::Value =
        serde_json::from_str(&ws.ok(&["stats", "--format", "json"])).unwrap();
    assert!(s["crawl"]["pages_fetched"].as_u64().unwrap() > 80, "{s}");
    assert_eq!(
        s["index"]["articles"].as_u64().unwrap() as usize,
        docs.len(),
        "{s}"
    );
    assert!(s["index"]["deleted"].as_u64().unwrap() >= 1, "{s}");
    let text = ws.ok(&["stats"]);
    assert!(
        text.contains("fetches") && text.contains("latest status"),
        "{text}"
    );
}

/// Issue 17: a second ingest of an unchanged site reported `redirect-loop` for the articles that
/// old addresses redirect to (the Kharkiv seed among them) once those had answered 304 in the same
/// crawl: a 304 was taken for a redirect. An unchanged site fails the same way twice.
#[test]
fn a_second_ingest_of_an_unchanged_site_reports_the_same_failures() {
    let server = site(300);
    let base = server.base_url();
    let ws = Workspace::new();
    let args = [
        "ingest",
        "--seed",
        &base,
        "--rate",
        "0",
        "--timeout",
        "2",
        "--format",
        "json",
    ];
    let failures = |out: String| -> serde_json::Value {
        let v: serde_json::Value = serde_json::from_str(&out).expect("ingest JSON");
        v["crawl"]["failed_by_kind"].clone()
    };
    let mut first = failures(ws.ok(&args));
    let second = failures(ws.ok(&args));
    // The same failures, each counted by the run that met it again, except the trap limits: the
    // trap pages answer 304 now, so the links beyond their budgets are not read again.
    assert!(first["trap-limit"].as_u64().unwrap_or(0) > 0, "{first}");
    assert!(second.get("trap-limit").is_none(), "{second}");
    first
        .as_object_mut()
        .expect("failures")
        .remove("trap-limit");
    assert_eq!(first, second, "an unchanged site failed differently");
    // The only redirect loop is the fixture's own (`/loop/`), in `stats` too.
    let stats: serde_json::Value =
        serde_json::from_str(&ws.ok(&["stats", "--format", "json"])).expect("stats JSON");
    let loops: Vec<String> = stats["crawl"]["failures"]
        .as_array()
        .expect("failures")
        .iter()
        .filter(|f| f["kind"] == "redirect-loop")
        .flat_map(|f| f["examples"].as_array().cloned().unwrap_or_default())
        .filter_map(|u| u.as_str().map(str::to_string))
        .collect();
    assert!(
        !loops.is_empty(),
        "the fixture's redirect loop was not found"
    );
    assert!(
        loops.iter().all(|u| u.contains("/loop/")),
        "pages that are no loops recorded as redirect loops: {loops:?}"
    );
    let kharkiv = server
        .with_site(|s| s.path_of(1))
        .expect("the Kharkiv seed");
    let url = format!("{}{kharkiv}", base.trim_end_matches('/'));
    let history: serde_json::Value =
        serde_json::from_str(&ws.ok(&["history", &url, "--format", "json"])).expect("history");
    let statuses: Vec<u64> = history["captures"]
        .as_array()
        .expect("captures")
        .iter()
        .filter_map(|c| c["status"].as_u64())
        .collect();
    assert_eq!(statuses, [200, 304], "{history}");
}
