//! Writes the fixture site's article pages straight into a WARC corpus, as a crawl of it would
//! have stored them (request + response records, the article's column as the list page that led
//! to it), without serving or crawling: the way to a corpus of a million articles for the scale
//! benchmarks (issue 16), which a crawl of the fixture would take hours to make.
//!
//! usage: warc_corpus N CORPUS_DIR [BASE_URL]   (BASE_URL default http://english.jinan.gov.cn/)
//!
//! Then `jinan --corpus CORPUS_DIR --index INDEX index`. Prints one JSON line: articles, bytes of
//! HTML, WARC bytes, seconds.

use std::time::Instant;

use chrono::{Duration, TimeZone, Utc};
use jinan_corpus::{Fetch, WarcInfo, WarcWriter};
use testsite::{Request, Site, SiteConfig};

/// WARC files are cut at this size, as the crawler's default does.
const WARC_FILE_BYTES: u64 = 1 << 30;

/// The status line's reason phrase, from the `http` crate's table.
fn reason(status: u16) -> &'static str {
    hyper::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: warc_corpus N CORPUS_DIR [BASE_URL]";
    let n: usize = match args.next().and_then(|s| s.parse().ok()) {
        Some(n) => n,
        None => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    };
    let Some(corpus) = args.next() else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let base = args
        .next()
        .unwrap_or_else(|| "http://english.jinan.gov.cn/".to_string());
    let base_url = url::Url::parse(&base).unwrap_or_else(|e| {
        eprintln!("warc_corpus: {base}: {e}");
        std::process::exit(2)
    });
    let host = base_url.host_str().unwrap_or("localhost").to_string();
    let root = base.trim_end_matches('/');

    let site = Site::new(SiteConfig {
        articles: n,
        hazards: false,
        ..Default::default()
    });
    let warc = jinan_corpus::warc_dir(std::path::Path::new(&corpus));
    std::fs::create_dir_all(&warc).unwrap_or_else(|e| {
        eprintln!("warc_corpus: {}: {e}", warc.display());
        std::process::exit(1)
    });
    let info = WarcInfo {
        software: format!("warc_corpus (jinan fixture) {}", env!("CARGO_PKG_VERSION")),
        hostname: jinan_corpus::host_name(),
        operator: None,
        user_agent: "warc_corpus".into(),
        robots: "none (written from the fixture, not crawled)".into(),
        is_part_of: "jinan-fixture".into(),
    };
    let mut writer = WarcWriter::create(&warc, WARC_FILE_BYTES, &info).unwrap_or_else(|e| {
        eprintln!("warc_corpus: {e}");
        std::process::exit(1)
    });
    let started = Instant::now();
    let t0 = Utc
        .with_ymd_and_hms(2026, 11, 1, 0, 0, 0)
        .single()
        .expect("a valid date");
    let (mut html_bytes, mut written) = (0u64, 0usize);
    for a in site.articles() {
        let url = format!("{root}{}", a.path);
        let request = format!(
            "GET {} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: warc_corpus\r\nAccept: */*\r\n\r\n",
            a.path
        );
        let resp = site.render(&Request::get(&a.path).with_header("Host", &host));
        let mut head = format!("HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status));
        for (k, v) in &resp.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", resp.body.len()));
        let list = format!("{root}/col/col{}/index.html", a.column_id);
        let fetch = Fetch {
            url: &url,
            captured_at: t0 + Duration::milliseconds(written as i64 * 10),
            ip: None,
            request: request.as_bytes(),
            response_head: head.as_bytes(),
            body: &resp.body,
            revisit: None,
            via: Some(&list),
            via_column: Some(&a.column_name),
            truncated: false,
        };
        if let Err(e) = writer.write_fetch(&fetch) {
            eprintln!("warc_corpus: {url}: {e}");
            std::process::exit(1);
        }
        html_bytes += resp.body.len() as u64;
        written += 1;
        if written % 100_000 == 0 {
            eprintln!(
                "warc_corpus: {written} of {n} ({:.0} s)",
                started.elapsed().as_secs_f64()
            );
        }
    }
    if let Err(e) = writer.sync() {
        eprintln!("warc_corpus: {e}");
        std::process::exit(1);
    }
    let warc_bytes: u64 = std::fs::read_dir(&warc)
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0);
    println!(
        "{{\"articles\":{written},\"html_bytes\":{html_bytes},\"warc_bytes\":{warc_bytes},\"seconds\":{:.1}}}",
        started.elapsed().as_secs_f64()
    );
}
