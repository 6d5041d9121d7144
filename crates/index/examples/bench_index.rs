//! Indexing alone, with explicit writer tuning and commit interval, to see what bounds indexing
//! throughput (see benches/index/RESULTS.md). Prints one JSON line.
//!
//! `cargo run --release -p jinan-index --example bench_index -- ARTICLES.jsonl WORK_DIR [THREADS]
//! [HEAP_MB] [COMMIT_EVERY]` (defaults: the `WriterOptions` defaults, one commit at the end).

/// The allocator the `jinan` binary runs with (`crates/core/main.rs`): measured as shipped.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::Instant;

use jinan_index::{Writer, WriterOptions};

mod shared;

/// Documents prepared at a time (as `jinan index` extracts and prepares 512 captures at a time).
const BATCH: usize = 512;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(input), Some(work)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: bench_index ARTICLES.jsonl WORK_DIR [THREADS] [HEAP_MB] [COMMIT_EVERY]");
        std::process::exit(2);
    };
    let defaults = WriterOptions::default();
    let arg = |i: usize, default: usize| -> Result<usize, std::num::ParseIntError> {
        args.get(i).map_or(Ok(default), |s| s.parse())
    };
    let options = WriterOptions {
        threads: arg(3, defaults.threads)?,
        heap_bytes: arg(4, defaults.heap_bytes / 1_000_000)? * 1_000_000,
    };
    let commit_every = arg(5, usize::MAX)?;
    let (docs, mb) = shared::documents(input)?;

    let dir = std::path::Path::new(work).join("index-only");
    let _ = std::fs::remove_dir_all(&dir);
    let t = Instant::now();
    let mut w = Writer::open_with(&dir, options)?;
    // As `jinan index` does: documents are prepared (fingerprinted) a batch at a time on all
    // cores, and the writer is fed prepared documents.
    let preparer = w.preparer();
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut i = 0;
    for batch in docs.chunks(BATCH) {
        for p in preparer.prepare_all(batch, cores) {
            w.upsert_prepared(p)?;
            i += 1;
            if i % commit_every == 0 {
                w.commit(&format!("{}", i - 1))?;
            }
        }
    }
    w.commit("end")?;
    let commit_secs = t.elapsed().as_secs_f64();
    w.publish()?;
    let secs = t.elapsed().as_secs_f64();
    let report = serde_json::json!({
        "articles": docs.len(),
        "text_mb": mb,
        "threads": options.threads,
        "heap_mb": options.heap_bytes / 1_000_000,
        "commit_every": (commit_every != usize::MAX).then_some(commit_every),
        "secs_to_last_commit": commit_secs,
        "secs_with_merges": secs,
        "mb_per_s": mb / secs,
    });
    println!("{report}");
    Ok(())
}
