//! Render throughput of the fixture (no network): article pages, column pages and proxy pages on
//! a 100,000-article site. `cargo run --release -p testsite --example render_speed`

use std::time::Instant;
use testsite::{Request, Site, SiteConfig};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let t = Instant::now();
    let site = Site::new(SiteConfig {
        articles: n,
        ..SiteConfig::default()
    });
    println!(
        "built a {n}-article site in {:.3} s",
        t.elapsed().as_secs_f64()
    );
    let paths: Vec<String> = (0..n)
        .step_by((n / 5_000).max(1))
        .filter_map(|i| site.path_of(i))
        .collect();
    let t = Instant::now();
    let mut bytes = 0usize;
    for p in &paths {
        bytes += site.render(&Request::get(p)).body.len();
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "article pages: {} in {secs:.3} s = {:.0} pages/s, {:.1} MB/s, {:.1} KB/page",
        paths.len(),
        paths.len() as f64 / secs,
        bytes as f64 / secs / 1e6,
        bytes as f64 / paths.len() as f64 / 1e3
    );
    let t = Instant::now();
    for _ in 0..100 {
        site.render(&Request::get("/col/col30173/index.html"));
    }
    println!(
        "column page (45 records): {:.2} ms",
        t.elapsed().as_secs_f64() * 10.0
    );
    let t = Instant::now();
    for page in 1..=200 {
        let q = format!(
            "/module/web/jpage/dataproxy.jsp?page={page}&webid=38&columnid=30174&unitid=92872"
        );
        site.render(&Request::get(&q));
    }
    println!(
        "proxy page (15 records): {:.3} ms",
        t.elapsed().as_secs_f64() * 1000.0 / 200.0
    );
    let t = Instant::now();
    let truth = site.truth("http://127.0.0.1/");
    let text: usize = truth.iter().map(|a| a.body.len()).sum();
    println!(
        "truth: {} articles, {:.1} MB of body text ({:.0} B/article) in {:.2} s",
        truth.len(),
        text as f64 / 1e6,
        text as f64 / truth.len() as f64,
        t.elapsed().as_secs_f64()
    );
}
