//! The research workbench (issue 14) through the built binary on the fixture site, every answer
//! checked against the fixture's ground truth: full result sets (CLI and `/api/export`), facets,
//! trends (CLI and `/api/trend`), columns, near-duplicates (`jinan dups` and folded search),
//! more like this, the Atom feed (read by Python's feedparser) and saved searches.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

use chrono::Datelike;
use serde_json::Value;

use crate::util::{hit_urls, plain_site, site, stderr, Workspace};

/// The query every generated article matches: the planted rare words are `zq...vk`.
const ALL_RARE: &str = "zq*";

/// True when a text has a word starting with `zq` (what [`ALL_RARE`] matches).
fn has_rare(text: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric())
        .any(|w| w.to_lowercase().starts_with("zq"))
}

/// One HTTP/1.0 GET (the server closes the connection after the body): status, headers, body.
fn try_get(addr: &str, path: &str) -> std::io::Result<(u16, String, Vec<u8>)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(120)))?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n")?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no end of headers"))?;
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Ok((status, head, raw[split + 4..].to_vec()))
}

fn get(addr: &str, path: &str) -> (u16, String, String) {
    let (status, head, body) = try_get(addr, path).unwrap_or_else(|e| panic!("GET {path}: {e}"));
    (status, head, String::from_utf8(body).expect("utf-8 body"))
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// URLs of JSON Lines hits, checking each appears once.
fn jsonl_urls(text: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).expect("a JSON line");
        let url = v["url"].as_str().expect("url").to_string();
        assert!(seen.insert(url.clone()), "{url} written twice");
    }
    seen
}

/// URLs of search CSV, checking the header and that snippets are plain text.
fn csv_urls(text: &str) -> BTreeSet<String> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "url",
            "title",
            "date",
            "column",
            "lang",
            "score",
            "deleted_at",
            "snippet"
        ]
    );
    let mut seen = BTreeSet::new();
    for row in r.records() {
        let row = row.expect("a CSV row");
        assert!(!row[7].contains("<b>"), "snippet not plain: {:?}", &row[7]);
        assert!(seen.insert(row[0].to_string()), "{} written twice", &row[0]);
    }
    seen
}

/// Counts of a facet as the JSON gives them.
fn facet(v: &Value, name: &str) -> BTreeMap<String, u64> {
    v["facets"][name]
        .as_array()
        .unwrap_or_else(|| panic!("no facet {name} in {v}"))
        .iter()
        .map(|c| {
            (
                c["value"].as_str().unwrap().to_string(),
                c["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Pairwise precision and recall of found groups against true groups.
fn pair_scores(found: &[Vec<String>], truth: &[Vec<String>]) -> (f64, f64, usize, usize) {
    let pairs = |groups: &[Vec<String>]| -> HashSet<(String, String)> {
        let mut out = HashSet::new();
        for g in groups {
            for (i, a) in g.iter().enumerate() {
                for b in &g[i + 1..] {
                    let (x, y) = if a < b { (a, b) } else { (b, a) };
                    out.insert((x.clone(), y.clone()));
                }
            }
        }
        out
    };
    let (f, t) = (pairs(found), pairs(truth));
    let both = f.intersection(&t).count() as f64;
    let precision = if f.is_empty() {
        1.0
    } else {
        both / f.len() as f64
    };
    let recall = if t.is_empty() {
        1.0
    } else {
        both / t.len() as f64
    };
    (precision, recall, f.len(), t.len())
}

#[test]
fn research_workbench_on_the_fixture() {
    let server = site(2500);
    let base = server.base_url();
    let ws = Workspace::new();
    ws.crawl_fast(&base);
    ws.ok(&["index"]);
    let truth = server.with_site(|s| s.truth(&base));
    let matching: Vec<&jinan_types::Article> = truth
        .iter()
        .filter(|a| has_rare(&a.body) || has_rare(&a.title))
        .collect();
    let expected: BTreeSet<String> = matching.iter().map(|a| a.url.clone()).collect();
    assert!(
        expected.len() > 2000,
        "only {} articles match",
        expected.len()
    );

    // Full result sets: every expected URL, each once, in JSON Lines and CSV.
    let jsonl = ws.ok(&["search", ALL_RARE, "--limit", "all", "--format", "jsonl"]);
    assert_eq!(jsonl_urls(&jsonl), expected);
    let csv = ws.ok(&["search", ALL_RARE, "--limit", "all", "--format", "csv"]);
    assert_eq!(csv_urls(&csv), expected);
    let json: Value =
        serde_json::from_str(&ws.ok(&["search", ALL_RARE, "--limit", "all", "--format", "json"]))
            .unwrap();
    assert_eq!(json["total"].as_u64(), Some(expected.len() as u64));
    assert_eq!(hit_urls(&json).len(), expected.len());
    // Hits are written while the search runs: the first line arrives while the process is
    // still going (it cannot finish before the rest is read), so nothing waits for the last hit.
    let mut child = Command::new(env!("CARGO_BIN_EXE_jinan"))
        .arg("--index")
        .arg(ws.index())
        .args(["search", ALL_RARE, "--limit", "all", "--format", "jsonl"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    lines.read_line(&mut first).unwrap();
    assert!(first.starts_with("{\"url\""), "{first}");
    assert!(
        child.try_wait().unwrap().is_none(),
        "the search ended before its output was read"
    );
    let rest = lines.lines().count();
    assert_eq!(rest + 1, expected.len());
    assert!(child.wait().unwrap().success());

    // Facets over every hit, filters applied, counted from the truth.
    let (from, to) = ("2015-01-01", "2020-12-31");
    let v = ws.search_json(
        ALL_RARE,
        &["--facets", "--from", from, "--to", to, "--lang", "en"],
    );
    let in_filter: Vec<&&jinan_types::Article> = matching
        .iter()
        .filter(|a| {
            let d = a.date.unwrap().to_string();
            d.as_str() >= from && d.as_str() <= to && a.lang == jinan_types::Lang::En
        })
        .collect();
    assert_eq!(v["total"].as_u64(), Some(in_filter.len() as u64));
    let mut columns = BTreeMap::new();
    let mut years = BTreeMap::new();
    for a in &in_filter {
        *columns.entry(a.column.clone().unwrap()).or_insert(0u64) += 1;
        *years
            .entry(a.date.unwrap().year().to_string())
            .or_insert(0u64) += 1;
    }
    assert_eq!(facet(&v, "column"), columns);
    assert_eq!(facet(&v, "year"), years);
    assert_eq!(
        facet(&v, "lang"),
        BTreeMap::from([("en".to_string(), in_filter.len() as u64)])
    );
    let counts: Vec<u64> = v["facets"]["column"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .collect();
    assert!(
        counts.windows(2).all(|w| w[0] >= w[1]),
        "columns not largest first: {counts:?}"
    );

    // Columns: stats lists each with its article count; an unknown one is refused by name.
    let stats = ws.ok(&["stats"]);
    let mut per_column: BTreeMap<String, u64> = BTreeMap::new();
    for a in &truth {
        *per_column.entry(a.column.clone().unwrap()).or_insert(0) += 1;
    }
    for (c, n) in &per_column {
        assert!(
            stats
                .lines()
                .any(|l| l.contains(c.as_str()) && l.trim_end().ends_with(&format!(" {n}"))),
            "stats lacks column {c} with {n} articles:\n{stats}"
        );
    }
    let out = ws.jinan(&["search", "jinan", "--column", "Sisterly Jinn"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("Sisterly Jinn") && err.contains("Sisterly Jinan") && err.contains("泉城要闻"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");

    // Trends: per year, the matches and all articles of the year.
    let t: Value =
        serde_json::from_str(&ws.ok(&["trend", ALL_RARE, "Kharkiv", "--format", "json"])).unwrap();
    assert_eq!(t["interval"], "year");
    let series = t["series"].as_array().unwrap();
    assert_eq!(series.len(), 2);
    let mut totals: BTreeMap<String, u64> = BTreeMap::new();
    let mut hits: BTreeMap<String, u64> = BTreeMap::new();
    for a in &truth {
        let y = a.date.unwrap().year().to_string();
        *totals.entry(y.clone()).or_insert(0) += 1;
        if has_rare(&a.body) || has_rare(&a.title) {
            *hits.entry(y).or_insert(0) += 1;
        }
    }
    let points = series[0]["points"].as_array().unwrap();
    assert_eq!(series[0]["query"], ALL_RARE);
    assert_eq!(points.len(), totals.len(), "{t}");
    for p in points {
        let y = p["period"].as_str().unwrap();
        let (count, total) = (hits.get(y).copied().unwrap_or(0), totals[y]);
        assert_eq!(
            (p["count"].as_u64(), p["total"].as_u64()),
            (Some(count), Some(total)),
            "{p}"
        );
        let share = p["share"].as_f64().unwrap();
        assert!((share - count as f64 / total as f64).abs() < 1e-9, "{p}");
    }
    let monthly: Value = serde_json::from_str(&ws.ok(&[
        "trend",
        ALL_RARE,
        "--interval",
        "month",
        "--lang",
        "zh",
        "--format",
        "json",
    ]))
    .unwrap();
    let zh_2019_03 = matching
        .iter()
        .filter(|a| {
            a.lang == jinan_types::Lang::Zh
                && a.date.unwrap().format("%Y-%m").to_string() == "2019-03"
        })
        .count() as u64;
    let p = monthly["series"][0]["points"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["period"] == "2019-03")
        .cloned()
        .unwrap();
    assert_eq!(p["count"].as_u64(), Some(zh_2019_03));
    let csv = ws.ok(&["trend", ALL_RARE, "--format", "csv"]);
    assert_eq!(csv.lines().next(), Some("query,period,count,total,share"));
    assert_eq!(csv.lines().count(), totals.len() + 1);

    // Near-duplicates: the groups of `jinan dups` against the fixture's truth.
    let truth_groups = server.with_site(|s| s.dup_groups(&base));
    assert!(truth_groups.len() >= 50 && truth_groups.iter().any(|g| g.len() >= 3));
    let d: Value = serde_json::from_str(&ws.ok(&["dups", "--format", "json"])).unwrap();
    let found: Vec<Vec<String>> = d["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            g["articles"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["url"].as_str().unwrap().to_string())
                .collect()
        })
        .collect();
    let (precision, recall, nf, nt) = pair_scores(&found, &truth_groups);
    println!(
        "near-duplicate pairs: found {nf}, true {nt}, precision {precision:.3}, recall {recall:.3}"
    );
    assert!(
        precision >= 0.95 && recall >= 0.95,
        "precision {precision:.3} recall {recall:.3}"
    );

    // Search folds a group into its first hit; --no-collapse shows every copy.
    let group = truth_groups.iter().find(|g| g.len() >= 3).unwrap();
    let original = truth.iter().find(|a| a.url == group[0]).unwrap();
    let words: Vec<&str> = original.body.split_whitespace().take(12).collect();
    let phrase = format!("\"{}\"", words.join(" ").replace('"', ""));
    let v = ws.search_json(&phrase, &["--limit", "100"]);
    let shown: Vec<String> = hit_urls(&v);
    let members_shown: Vec<&String> = shown.iter().filter(|u| group.contains(u)).collect();
    assert_eq!(
        members_shown.len(),
        1,
        "copies not folded: {shown:?} for group {group:?}"
    );
    let holder = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| group.contains(&h["url"].as_str().unwrap().to_string()))
        .unwrap();
    let copies: BTreeSet<String> = holder["copies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["url"].as_str().unwrap().to_string())
        .collect();
    let others: BTreeSet<String> = group
        .iter()
        .filter(|u| **u != holder["url"].as_str().unwrap())
        .cloned()
        .collect();
    assert_eq!(copies, others);
    // Each copy links to its archived capture, as a hit does.
    for c in holder["copies"].as_array().unwrap() {
        let (url, archived) = (
            c["url"].as_str().unwrap(),
            c["archive_url"].as_str().unwrap(),
        );
        assert!(
            archived.starts_with("/web/") && archived.ends_with(url),
            "{archived} for {url}"
        );
    }
    let v = ws.search_json(&phrase, &["--limit", "100", "--no-collapse"]);
    let all: BTreeSet<String> = hit_urls(&v).into_iter().collect();
    assert!(
        group.iter().all(|u| all.contains(u)),
        "--no-collapse hides copies"
    );
    let text = ws.ok(&["search", &phrase]);
    assert!(text.contains("near-identical cop"), "{text}");

    // Over HTTP: the export streams the same hits; the trend answers the same numbers.
    let served = ws.serve();
    let addr = served.addr.to_string();
    let (status, head, body) = get(
        &addr,
        &format!("/api/export?q={}&format=csv", enc(ALL_RARE)),
    );
    assert_eq!(status, 200, "{head}");
    assert!(
        head.to_ascii_lowercase().contains("content-type: text/csv"),
        "{head}"
    );
    assert_eq!(csv_urls(&body), expected);
    let (status, _, body) = get(
        &addr,
        &format!("/api/export?q={}&format=jsonl", enc(ALL_RARE)),
    );
    assert_eq!(status, 200);
    assert_eq!(jsonl_urls(&body), expected);
    let (status, _, body) = get(
        &addr,
        &format!("/api/export?q={}&column=Nowhere", enc(ALL_RARE)),
    );
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("Sisterly Jinan"), "{body}");
    let (status, _, body) = get(&addr, &format!("/api/trend?q={}&q=Kharkiv", enc(ALL_RARE)));
    assert_eq!(status, 200, "{body}");
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap(), t);
    let (status, _, body) = get(
        &addr,
        &format!(
            "/api/search?q={}&facets=1&from={from}&to={to}&lang=en",
            enc(ALL_RARE)
        ),
    );
    assert_eq!(status, 200);
    assert_eq!(
        facet(&serde_json::from_str(&body).unwrap(), "column"),
        columns
    );

    // More like this, English and Chinese: never the article itself or its copies.
    let (status, _, body) = get(&addr, &format!("/api/similar?url={}", enc(&group[0])));
    assert_eq!(status, 200, "{body}");
    let similar = hit_urls(&serde_json::from_str(&body).unwrap());
    assert!(
        !similar.is_empty() && similar.iter().all(|u| !group.contains(u)),
        "{similar:?}"
    );
    let zh = truth
        .iter()
        .find(|a| a.lang == jinan_types::Lang::Zh && a.body.chars().count() > 300)
        .unwrap();
    let (status, _, body) = get(&addr, &format!("/api/similar?url={}", enc(&zh.url)));
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["hits"][0]["lang"], "zh", "{v}");
    assert_eq!(
        get(&addr, "/api/similar?url=http%3A%2F%2Fnowhere%2F").0,
        404
    );
    assert_eq!(get(&addr, "/api/similar").0, 400);

    // The Atom feed: a feed reader accepts it, and it holds the 50 newest matches.
    let (status, head, feed) = get(&addr, &format!("/feed?q={}", enc(ALL_RARE)));
    assert_eq!(status, 200, "{head}");
    let script = r#"
import sys, json, feedparser
d = feedparser.parse(sys.stdin.read())
print(json.dumps({"bozo": int(bool(d.bozo)), "why": str(d.get("bozo_exception", "")), "version": d.version, "title": d.feed.get("title"),
  "entries": [{"link": e.link, "published": e.get("published", "")[:10], "title": e.title} for e in d.entries]}))
"#;
    let mut py = Command::new("python3")
        .arg("-c")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3");
    py.stdin.take().unwrap().write_all(feed.as_bytes()).unwrap();
    let out = py.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "feedparser failed (scripts/setup.sh installs it): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let parsed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(parsed["bozo"], 0, "{parsed}");
    assert_eq!(parsed["version"], "atom10");
    let entries = parsed["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 50);
    let in_feed: BTreeSet<String> = entries
        .iter()
        .map(|e| e["link"].as_str().unwrap().to_string())
        .collect();
    assert!(in_feed.iter().all(|u| expected.contains(u)));
    let oldest_in = entries
        .iter()
        .map(|e| e["published"].as_str().unwrap().to_string())
        .min()
        .unwrap();
    let newest_out = matching
        .iter()
        .filter(|a| !in_feed.contains(&a.url))
        .map(|a| a.date.unwrap().to_string())
        .max()
        .unwrap();
    assert!(
        oldest_in >= newest_out,
        "the feed skipped a newer match: {oldest_in} < {newest_out}"
    );
}

#[test]
fn saved_searches_report_new_matches_at_each_ingest() {
    let server = plain_site(60);
    let base = server.base_url();
    let ws = Workspace::new();
    let ingest = |ws: &Workspace| -> Value {
        let mut args = crate::util::fast("ingest", &base).to_vec();
        args.extend(["--format", "json"]);
        serde_json::from_str(&ws.ok(&args)).expect("ingest JSON")
    };
    ingest(&ws);
    let added = ws.ok(&["watch", "add", "rare", ALL_RARE, "--lang", "en"]);
    assert!(added.contains("saved search"), "{added}");
    ws.ok(&["watch", "add", "kfar", "\"Kfar Saba\""]);
    let list = ws.ok(&["watch", "list"]);
    assert!(list.contains("rare") && list.contains("kfar"), "{list}");
    let out = ws.jinan(&["watch", "add", "rare", "x"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a duplicate name: {}",
        stderr(&out)
    );
    let out = ws.jinan(&["watch", "add", "bad name", "x"]);
    assert_eq!(out.status.code(), Some(2));

    // Nothing new since the searches were saved.
    let v = ingest(&ws);
    assert_eq!(v["watches"][0]["new"], 0, "{v}");
    assert_eq!(v["watches"][1]["new"], 0, "{v}");

    // New articles: the report names exactly the new English matches.
    let paths = server.with_site(|s| s.add(6));
    let new_en: BTreeSet<String> = server.with_site(|s| {
        s.truth(&base)
            .into_iter()
            .filter(|a| paths.iter().any(|p| a.url.ends_with(p.as_str())))
            .filter(|a| a.lang == jinan_types::Lang::En && has_rare(&a.body))
            .map(|a| a.url)
            .collect()
    });
    assert!(!new_en.is_empty());
    let v = ingest(&ws);
    let rare = &v["watches"][0];
    assert_eq!(rare["name"], "rare");
    assert_eq!(rare["new"].as_u64(), Some(new_en.len() as u64), "{v}");
    let listed: BTreeSet<String> = rare["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["url"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, new_en);
    assert_eq!(v["watches"][1]["new"], 0);
    // The text summary says the same in one line per search.
    server.with_site(|s| s.add(1));
    let text = ws.ok(&crate::util::fast("ingest", &base));
    assert!(
        text.lines().any(|l| l.starts_with("watch rare: ")),
        "{text}"
    );
    assert!(
        text.lines().any(|l| l.starts_with("watch kfar: 0 new")),
        "{text}"
    );

    ws.ok(&["watch", "rm", "kfar"]);
    assert!(!ws.ok(&["watch", "list"]).contains("kfar"));
    assert_eq!(ws.jinan(&["watch", "rm", "kfar"]).status.code(), Some(2));
}
