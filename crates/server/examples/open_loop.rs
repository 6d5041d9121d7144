//! Open-loop load at a fixed rate (what wrk2 does; Debian has no wrk2): request `i` is due at
//! `start + i / RATE` whether or not earlier answers have come back, and its latency is counted
//! from the moment it was due, not from when it was sent. A closed-loop tool such as wrk sends
//! the next request only after an answer, so a slow server also slows the load and its stalls
//! vanish from the percentiles ("coordinated omission"); a reading room of researchers does not
//! wait for each other.
//!
//! `open_loop http://ADDR PATHS RATE SECONDS` reads one request path a line from PATHS (e.g.
//! `benches/server/varied.py ARTICLES 10000 --paths`), cycles through them at RATE requests/s
//! for SECONDS and prints the latency percentiles and one `SUMMARY` line like the wrk scripts'
//! (benches/lib/summary.lua). Non-2xx answers and transport errors are counted, not timed.

use std::time::{Duration, Instant};

use tokio::sync::mpsc;

/// One answered request: how late it finished after it was due, and whether it succeeded.
struct Outcome {
    latency: Duration,
    ok: bool,
    transport_error: bool,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn usage() -> ! {
    eprintln!("usage: open_loop http://ADDR PATHS RATE SECONDS");
    std::process::exit(2);
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base, paths, rate, secs] = args.as_slice() else {
        usage()
    };
    let (Ok(rate), Ok(secs)) = (rate.parse::<f64>(), secs.parse::<f64>()) else {
        usage()
    };
    if rate <= 0.0 || secs <= 0.0 {
        usage()
    }
    let text = std::fs::read_to_string(paths).unwrap_or_else(|e| {
        eprintln!("open_loop: cannot read {paths}: {e}");
        std::process::exit(1)
    });
    let urls: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with('/'))
        .map(|p| format!("{}{p}", base.trim_end_matches('/')))
        .collect();
    if urls.is_empty() {
        eprintln!("open_loop: {paths} has no request paths (lines starting with /)");
        std::process::exit(1);
    }
    // reqwest is built without a TLS provider (workspace Cargo.toml); plain HTTP needs none, but
    // the client's builder asks for one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1024)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap_or_else(|e| {
            eprintln!("open_loop: {e}");
            std::process::exit(1)
        });
    let total = (rate * secs).round() as usize;
    let interval = Duration::from_secs_f64(1.0 / rate);
    let (tx, mut rx) = mpsc::unbounded_channel::<Outcome>();
    let start = Instant::now();
    let sender = tokio::spawn(async move {
        for i in 0..total {
            let due = start + interval.mul_f64(i as f64);
            tokio::time::sleep_until(due.into()).await;
            let client = client.clone();
            let url = urls[i % urls.len()].clone();
            let tx = tx.clone();
            tokio::spawn(async move {
                let answer = async {
                    let resp = client.get(&url).send().await?;
                    let ok = resp.status().is_success();
                    resp.bytes().await?;
                    Ok::<bool, reqwest::Error>(ok)
                }
                .await;
                let _ = tx.send(Outcome {
                    latency: due.elapsed(),
                    ok: matches!(answer, Ok(true)),
                    transport_error: answer.is_err(),
                });
            });
        }
    });
    let mut latencies = Vec::with_capacity(total);
    let (mut non_2xx, mut transport) = (0usize, 0usize);
    while let Some(o) = rx.recv().await {
        match (o.ok, o.transport_error) {
            (true, _) => latencies.push(o.latency),
            (false, true) => transport += 1,
            (false, false) => non_2xx += 1,
        }
    }
    let _ = sender.await;
    let elapsed = start.elapsed();
    latencies.sort_unstable();
    let answered = latencies.len() + non_2xx;
    println!(
        "{} requests due at {rate:.0}/s over {secs:.0} s; {answered} answered in {:.1} s",
        total,
        elapsed.as_secs_f64()
    );
    for p in [50.0, 90.0, 99.0, 99.9, 100.0] {
        println!("  p{p:<5} {:>9.2} ms", ms(percentile(&latencies, p)));
    }
    println!(
        "SUMMARY requests={answered} rps={:.0} p50_ms={:.2} p99_ms={:.2} max_ms={:.2} errors_transport={transport} non_2xx_3xx={non_2xx}",
        answered as f64 / elapsed.as_secs_f64(),
        ms(percentile(&latencies, 50.0)),
        ms(percentile(&latencies, 99.0)),
        ms(percentile(&latencies, 100.0)),
    );
}
