//! Benchmark of indexing and search on an article corpus (Article JSON lines, e.g. the output of
//! `cargo run --release -p testsite -- truth --articles 100000`). See benches/index/RESULTS.md.
//!
//! `cargo run --release -p jinan-index --example bench -- ARTICLES.jsonl WORK_DIR`
//! writes `WORK_DIR/index/` and `WORK_DIR/queries.jsonl` (the 1,000 queries, also used by
//! benches/index/fts5.py) and prints the figures as JSON.

/// The allocator the `jinan` binary runs with (`crates/core/main.rs`): measured as shipped.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::Instant;

use chrono::{NaiveDate, Utc};
use jinan_index::tokenizer::{analyze, analyzer, is_han};
use jinan_index::{dups, Searcher, Writer};
use jinan_types::{Article, Document, Lang, SearchRequest, Sort};

mod shared;

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?.to_string();
            line.split_whitespace().nth(1)?.parse::<f64>().ok()
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

struct Rng(u64);
impl Rng {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

#[derive(serde::Serialize)]
struct BenchQuery {
    kind: &'static str,
    q: String,
    words: Vec<String>,
    phrase: bool,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    sort_date: bool,
}

fn english_words(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 4)
        .collect()
}

fn make_queries(articles: &[Article]) -> Vec<BenchQuery> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let en: Vec<&Article> = articles
        .iter()
        .filter(|a| a.lang == Lang::En && !a.body.is_empty())
        .collect();
    let zh: Vec<&Article> = articles
        .iter()
        .filter(|a| a.lang == Lang::Zh || a.body.chars().any(is_han))
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while out.len() < 1000 {
        i += 1;
        let a = en[rng.next(en.len())];
        let words = english_words(&a.body);
        if words.len() < 3 {
            continue;
        }
        let k = rng.next(words.len() - 1);
        let w = words[k].to_lowercase();
        let q = match i % 6 {
            0 => BenchQuery {
                kind: "term",
                q: w.clone(),
                words: vec![w],
                phrase: false,
                from: None,
                to: None,
                sort_date: false,
            },
            1 => {
                let w2 = words[rng.next(words.len())].to_lowercase();
                BenchQuery {
                    kind: "and",
                    q: format!("{w} {w2}"),
                    words: vec![w, w2],
                    phrase: false,
                    from: None,
                    to: None,
                    sort_date: false,
                }
            }
            2 => {
                // two adjacent words of the body (no punctuation in between)
                let Some(pos) = a.body.find(words[k]) else {
                    continue;
                };
                let rest = &a.body[pos + words[k].len()..];
                if !rest.starts_with(' ') {
                    continue;
                }
                let next = english_words(rest).first().copied().unwrap_or("");
                if next.is_empty() || !rest[1..].starts_with(next) {
                    continue;
                }
                let n = next.to_lowercase();
                BenchQuery {
                    kind: "phrase",
                    q: format!("\"{w} {n}\""),
                    words: vec![w, n],
                    phrase: true,
                    from: None,
                    to: None,
                    sort_date: false,
                }
            }
            3 => {
                if zh.is_empty() {
                    continue;
                }
                let z = zh[rng.next(zh.len())];
                let han: Vec<String> = z
                    .body
                    .split(|c: char| !is_han(c))
                    .filter(|r| r.chars().count() >= 4)
                    .map(|r| r.chars().take(2 + rng.next(3)).collect())
                    .collect();
                if han.is_empty() {
                    continue;
                }
                let h = han[rng.next(han.len())].clone();
                BenchQuery {
                    kind: "chinese",
                    q: h.clone(),
                    words: vec![h],
                    phrase: true,
                    from: None,
                    to: None,
                    sort_date: false,
                }
            }
            4 => {
                let y = 2010 + rng.next(14) as i32;
                BenchQuery {
                    kind: "filtered",
                    q: w.clone(),
                    words: vec![w],
                    phrase: false,
                    from: NaiveDate::from_ymd_opt(y, 1, 1),
                    to: NaiveDate::from_ymd_opt(y + 2, 12, 31),
                    sort_date: false,
                }
            }
            _ => BenchQuery {
                kind: "sorted",
                q: w.clone(),
                words: vec![w],
                phrase: false,
                from: None,
                to: None,
                sort_date: true,
            },
        };
        out.push(q);
    }
    out
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(input), Some(work)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: bench ARTICLES.jsonl WORK_DIR");
        std::process::exit(2);
    };
    let work = std::path::Path::new(work);
    let articles = shared::read_articles(input)?;
    let mb = shared::text_mb(&articles);

    // `BENCH_QUERIES_ONLY=1` reuses WORK_DIR/index from an earlier run (for profiling queries).
    let queries_only = std::env::var_os("BENCH_QUERIES_ONLY").is_some();
    let dir = work.join("index");
    let (mut tokens, mut tok_secs, mut index_secs, mut rss) =
        (0usize, f64::NAN, f64::NAN, f64::NAN);
    let (mut fingerprinted, mut fp_secs) = (0usize, f64::NAN);
    if !queries_only {
        // Tokenization alone, one thread.
        let mut an = analyzer();
        let t = Instant::now();
        for a in &articles {
            tokens += analyze(&mut an, &a.title).len() + analyze(&mut an, &a.body).len();
        }
        tok_secs = t.elapsed().as_secs_f64();

        // Near-duplicate fingerprints alone, one thread.
        let t = Instant::now();
        fingerprinted = articles
            .iter()
            .filter(|a| dups::fingerprint(&a.body).is_some())
            .count();
        fp_secs = t.elapsed().as_secs_f64();

        // Indexing: default writer (200 MB, 2 threads), one commit at the end, merges included.
        let _ = std::fs::remove_dir_all(&dir);
        let t = Instant::now();
        let mut w = Writer::open(&dir)?;
        let now = Utc::now();
        // As `jinan index` does: a batch of 512 documents is prepared (fingerprinted) on all
        // cores, then fed to the writer.
        let preparer = w.preparer();
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        for batch in articles.chunks(512) {
            let docs: Vec<Document> = batch
                .iter()
                .map(|a| shared::document(a.clone(), now))
                .collect();
            for p in preparer.prepare_all(&docs, cores) {
                w.upsert_prepared(p)?;
            }
        }
        w.commit("bench")?;
        w.publish()?;
        index_secs = t.elapsed().as_secs_f64();
        rss = peak_rss_mb();
    }

    // Queries.
    let queries = make_queries(&articles);
    let mut qf = std::io::BufWriter::new(std::fs::File::create(work.join("queries.jsonl"))?);
    for q in &queries {
        serde_json::to_writer(&mut qf, q)?;
        std::io::Write::write_all(&mut qf, b"\n")?;
    }
    drop(qf);
    let s = Searcher::open(&dir)?;
    let reqs: Vec<SearchRequest> = queries
        .iter()
        .map(|q| {
            let mut r = SearchRequest::new(q.q.clone());
            r.from = q.from;
            r.to = q.to;
            if q.sort_date {
                r.sort = Sort::Date;
            }
            r
        })
        .collect();
    for r in reqs.iter().take(100) {
        s.search(r)?;
    }
    let mut lat = Vec::new();
    let mut by_kind: std::collections::BTreeMap<&str, Vec<f64>> = Default::default();
    let mut hits = 0usize;
    let mut slowest: Vec<(f64, &str, &str, usize)> = Vec::new();
    for (r, q) in reqs.iter().zip(&queries) {
        let t = Instant::now();
        let res = s.search(r)?;
        let ms = t.elapsed().as_secs_f64() * 1e3;
        hits += usize::from(res.total > 0);
        slowest.push((ms, q.kind, &q.q, res.total));
        lat.push(ms);
        by_kind.entry(q.kind).or_default().push(ms);
    }
    lat.sort_by(f64::total_cmp);
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    slowest.truncate(12);
    // The same queries without hits (limit 0: matching and counting only, no documents, no snippets).
    let mut count_only = Vec::new();
    for r in &reqs {
        let mut r = r.clone();
        r.limit = 0;
        let t = Instant::now();
        s.search(&r)?;
        count_only.push(t.elapsed().as_secs_f64() * 1e3);
    }
    count_only.sort_by(f64::total_cmp);
    // The same queries with the search page's facets (columns, languages, years) counted.
    let mut faceted = Vec::new();
    for r in &reqs {
        let mut r = r.clone();
        r.facets = true;
        let t = Instant::now();
        s.search(&r)?;
        faceted.push(t.elapsed().as_secs_f64() * 1e3);
    }
    faceted.sort_by(f64::total_cmp);
    // The same queries without folding near-identical copies (the cost of folding a page).
    let mut unfolded = Vec::new();
    for r in &reqs {
        let mut r = r.clone();
        r.collapse = false;
        let t = Instant::now();
        s.search(&r)?;
        unfolded.push(t.elapsed().as_secs_f64() * 1e3);
    }
    unfolded.sort_by(f64::total_cmp);
    let kinds: serde_json::Map<String, serde_json::Value> = by_kind
        .into_iter()
        .map(|(k, mut v)| {
            v.sort_by(f64::total_cmp);
            (
                k.to_string(),
                serde_json::json!({"n": v.len(), "p50_ms": pct(&v, 0.5), "p99_ms": pct(&v, 0.99)}),
            )
        })
        .collect();
    let report = serde_json::json!({
        "articles": articles.len(),
        "text_mb": mb,
        "tokens": tokens,
        "tokenize_secs_1_thread": tok_secs,
        "tokenize_mb_per_s_1_thread": mb / tok_secs,
        "fingerprinted": fingerprinted,
        "fingerprint_secs_1_thread": fp_secs,
        "index_secs": index_secs,
        "index_articles_per_s": articles.len() as f64 / index_secs,
        "index_mb_per_s": mb / index_secs,
        "peak_rss_mb": rss,
        "index_bytes": s.stats()?.index_bytes,
        "queries": lat.len(),
        "queries_with_hits": hits,
        "query_p50_ms": pct(&lat, 0.5),
        "query_p99_ms": pct(&lat, 0.99),
        "query_mean_ms": lat.iter().sum::<f64>() / lat.len() as f64,
        "count_only_p50_ms": pct(&count_only, 0.5),
        "count_only_p99_ms": pct(&count_only, 0.99),
        "faceted_p50_ms": pct(&faceted, 0.5),
        "faceted_p99_ms": pct(&faceted, 0.99),
        "unfolded_p50_ms": pct(&unfolded, 0.5),
        "unfolded_p99_ms": pct(&unfolded, 0.99),
        "by_kind": kinds,
        "slowest": slowest
            .iter()
            .map(|(ms, kind, q, total)| serde_json::json!({"ms": ms, "kind": kind, "q": q, "total": total}))
            .collect::<Vec<_>>(),
    });
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
