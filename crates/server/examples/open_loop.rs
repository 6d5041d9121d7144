//! Open-loop load at a fixed rate, as a reading room of researchers makes it: request `i` is due
//! at `start + i / RATE` whatever became of the earlier ones, and its latency is counted from that
//! due time, not from when it was sent, so a stalled server is charged for the requests that
//! queue behind the stall (no coordinated omission, unlike a closed-loop tool such as `wrk`).
//!
//! `open_loop BASE PATHS RATE SECONDS [WARMUP_SECONDS]`, e.g.
//! `open_loop http://127.0.0.1:7795 paths.txt 200 30 5` with `paths.txt` from
//! `benches/server/varied.py --paths ARTICLES N` (one path a line, taken in turn). Prints the
//! latency percentiles from the due time and, for comparison, from the actual send; requests
//! answered other than 200 are counted as errors. The warm-up runs at the same rate and is not
//! counted.

use std::time::{Duration, Instant};

#[derive(Debug)]
struct Sample {
    /// From the due time to the end of the body.
    due: Duration,
    /// From the actual send to the end of the body.
    sent: Duration,
    ok: bool,
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[i.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

fn report(label: &str, mut v: Vec<Duration>) {
    v.sort_unstable();
    println!(
        "{label:>14}: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, p99.9 {:.2} ms, max {:.2} ms",
        percentile(&v, 50.0),
        percentile(&v, 90.0),
        percentile(&v, 99.0),
        percentile(&v, 99.9),
        percentile(&v, 100.0),
    );
}

async fn phase(
    client: &reqwest::Client,
    base: &str,
    paths: &[String],
    rate: f64,
    secs: f64,
    first: usize,
) -> Vec<Sample> {
    let n = (rate * secs).round() as usize;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let start = tokio::time::Instant::now();
    for i in 0..n {
        let due = start + Duration::from_secs_f64(i as f64 / rate);
        tokio::time::sleep_until(due).await;
        let url = format!("{base}{}", paths[(first + i) % paths.len()]);
        let client = client.clone();
        let tx = tx.clone();
        tokio::spawn(async move {
            let sent = Instant::now();
            let ok = match client.get(&url).send().await {
                Ok(r) => r.status() == reqwest::StatusCode::OK && r.bytes().await.is_ok(),
                Err(_) => false,
            };
            let end = Instant::now();
            let _ = tx.send(Sample {
                due: end.duration_since(due.into_std()),
                sent: end.duration_since(sent),
                ok,
            });
        });
    }
    drop(tx);
    let mut out = Vec::with_capacity(n);
    while let Some(s) = rx.recv().await {
        out.push(s);
    }
    out
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base, paths, rate, secs, rest @ ..] = args.as_slice() else {
        return Err("usage: open_loop BASE PATHS RATE SECONDS [WARMUP_SECONDS]".into());
    };
    let base = base.trim_end_matches('/').to_string();
    let paths: Vec<String> = std::fs::read_to_string(paths)?
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with('/'))
        .map(String::from)
        .collect();
    if paths.is_empty() {
        return Err("no paths (lines starting with /) in the paths file".into());
    }
    let rate: f64 = rate.parse()?;
    let secs: f64 = secs.parse()?;
    let warmup: f64 = rest.first().map_or(Ok(0.0), |w| w.parse())?;
    // reqwest is built without a TLS provider (workspace Cargo.toml); plain HTTP needs none, but
    // building a client asks for one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let mut next = 0;
    if warmup > 0.0 {
        next = phase(&client, &base, &paths, rate, warmup, 0).await.len();
    }
    let wall = Instant::now();
    let samples = phase(&client, &base, &paths, rate, secs, next).await;
    let wall = wall.elapsed().as_secs_f64();
    let errors = samples.iter().filter(|s| !s.ok).count();
    println!(
        "{} requests at {rate} req/s over {wall:.1} s ({:.1} req/s done), {errors} errors",
        samples.len(),
        samples.len() as f64 / wall
    );
    report("from due time", samples.iter().map(|s| s.due).collect());
    report("from send", samples.iter().map(|s| s.sent).collect());
    Ok(())
}
