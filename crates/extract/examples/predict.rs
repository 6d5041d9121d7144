//! Benchmark driver: extracts every page of a benchmark folder and writes `{id: Article}` JSON.
//!
//! Usage: `predict aeb|wced|wcxb|dir INPUT_DIR OUT.json`
//! - `aeb`: scrapinghub_aeb (`html/<id>.html.gz`);
//! - `wced`: zh_wced (`original/<id>.html`);
//! - `wcxb`: wcxb_dev (`html/<id>.html.gz`, each page given the `url` its ground-truth file names);
//! - `dir`: any folder of `*.html` files (id = file stem);
//! - `fixture`: the articles of a `testsite` fixture of INPUT_DIR articles (a number), with their
//!   content types and column hints (id = URL).
//!
//! Pages are read and un-gzipped before the clock starts; only `extract` is timed, on one thread.
//! Prints `pages N bytes B seconds S pages/s P MB/s M` to stderr: the best of `PREDICT_REPEAT`
//! (default 3) runs.

/// The allocator the `jinan` binary runs with (`crates/core/main.rs`): the extractor is measured
/// as shipped.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::Path;
use std::time::Instant;

#[path = "../../../benches/extraction/protocol.rs"]
mod protocol;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 {
        eprintln!("usage: predict aeb|wced|dir INPUT_DIR OUT.json");
        std::process::exit(2);
    }
    let (kind, dir, out) = (&args[1], Path::new(&args[2]), &args[3]);
    if kind == "fixture" {
        return fixture(args[2].parse().unwrap_or(2000), out);
    }
    let urls = protocol::page_urls(kind, dir);
    let pages = protocol::pages(kind, dir);
    let hints = jinan_extract::Hints::default();
    let total: usize = pages.iter().map(|(_, b)| b.len()).sum();
    let repeat = protocol::repeat();
    let mut secs = f64::MAX;
    let mut results = Vec::new();
    for _ in 0..repeat {
        let start = Instant::now();
        results = Vec::with_capacity(pages.len());
        for (id, bytes) in &pages {
            let url = urls
                .get(id)
                .cloned()
                .unwrap_or_else(|| format!("http://bench.invalid/{id}.html"));
            results.push((id.clone(), jinan_extract::extract(bytes, &url, &hints)));
        }
        secs = secs.min(start.elapsed().as_secs_f64());
    }
    let mut map = serde_json::Map::new();
    for (id, r) in results {
        let v = match r {
            Ok(a) => serde_json::to_value(a).unwrap_or_default(),
            Err(e) => serde_json::json!({"body": "", "error": e.to_string()}),
        };
        map.insert(id, v);
    }
    std::fs::write(out, serde_json::to_string_pretty(&map).unwrap_or_default())
        .unwrap_or_else(|e| panic!("{out}: {e}"));
    protocol::report(pages.len(), total, secs);
}

/// Times extraction of every live fixture article, with the hints the indexer passes.
fn fixture(articles: usize, out: &str) {
    use testsite::{Request, Site, SiteConfig};
    let site = Site::new(SiteConfig {
        articles,
        hazards: false,
        ..SiteConfig::default()
    });
    let pages: Vec<(String, Option<String>, String, Vec<u8>)> = site
        .articles()
        .into_iter()
        .filter(|a| a.live)
        .map(|a| {
            let r = site.render(&Request::get(&a.path));
            let ct = r.header("content-type").map(str::to_string);
            (
                format!("http://english.jinan.gov.cn{}", a.path),
                ct,
                a.column_name.clone(),
                r.body,
            )
        })
        .collect();
    let total: usize = pages.iter().map(|p| p.3.len()).sum();
    let repeat = protocol::repeat();
    let mut secs = f64::MAX;
    let mut map = serde_json::Map::new();
    for _ in 0..repeat {
        let start = Instant::now();
        let mut results = Vec::with_capacity(pages.len());
        for (url, ct, col, body) in &pages {
            let hints = jinan_extract::Hints {
                content_type: ct.as_deref(),
                column: Some(col),
            };
            results.push((url, jinan_extract::extract(body, url, &hints)));
        }
        secs = secs.min(start.elapsed().as_secs_f64());
        map = results
            .into_iter()
            .map(|(u, r)| {
                (
                    u.clone(),
                    r.map(|a| serde_json::to_value(a).unwrap_or_default())
                        .unwrap_or_default(),
                )
            })
            .collect();
    }
    std::fs::write(out, serde_json::to_string(&map).unwrap_or_default())
        .unwrap_or_else(|e| panic!("{out}: {e}"));
    protocol::report(pages.len(), total, secs);
}
