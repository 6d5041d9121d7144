//! Runs one peer extractor over a benchmark folder and writes `{id: text}` predictions.
//!
//! Usage: `extraction-peers rs-trafilatura|trafilatura-rs|dom_smoothie aeb|wced|wcxb DIR OUT.json`
//!
//! Same protocol as jinan's `predict` example and `trafilatura_predict.py`: pages are read,
//! un-gzipped and decoded (UTF-8 if valid, else GB18030, as the sets' DATA.md say) before the clock
//! starts; only extraction is timed, on one thread, best of `PREDICT_REPEAT` (default 3) runs.
//! wcxb pages get the address their ground-truth file names. Prints
//! `pages N bytes B seconds S pages/s P MB/s M` to stderr.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 5 {
        eprintln!("usage: extraction-peers rs-trafilatura|trafilatura-rs|dom_smoothie aeb|wced|wcxb DIR OUT.json");
        std::process::exit(2);
    }
    let (peer, kind, dir, out) = (&args[1], &args[2], Path::new(&args[3]), &args[4]);
    let folder = match kind.as_str() {
        "wced" => dir.join("original"),
        _ => dir.join("html"),
    };
    let urls = if kind == "wcxb" { page_urls(&dir.join("ground-truth")) } else { HashMap::new() };
    let mut entries: Vec<_> = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    entries.sort();
    let mut pages: Vec<(String, String, usize)> = Vec::new();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
        let raw = std::fs::read(&p).unwrap_or_default();
        let (id, bytes) = if let Some(id) = name.strip_suffix(".html.gz") {
            let mut v = Vec::new();
            let _ = flate2::read::GzDecoder::new(&raw[..]).read_to_end(&mut v);
            (id.to_string(), v)
        } else if let Some(id) = name.strip_suffix(".html") {
            (id.to_string(), raw)
        } else {
            continue;
        };
        let n = bytes.len();
        let text = match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => encoding_rs::GB18030.decode(e.as_bytes()).0.into_owned(),
        };
        pages.push((id, text, n));
    }
    let run: fn(&str, Option<&str>) -> String = match peer.as_str() {
        "rs-trafilatura" => |html, url| {
            let mut o = rs_trafilatura::Options::default();
            o.url = url.map(str::to_string);
            rs_trafilatura::extract_with_options(html, &o)
                .map(|r| r.content_text)
                .unwrap_or_default()
        },
        "trafilatura-rs" => |html, _| {
            trafilatura::extract(html, &trafilatura::Options::default())
                .map(|r| r.content_text)
                .unwrap_or_default()
        },
        "dom_smoothie" => |html, url| {
            let cfg = dom_smoothie::Config {
                text_mode: dom_smoothie::TextMode::Formatted,
                ..Default::default()
            };
            dom_smoothie::Readability::new(html, url, Some(cfg))
                .and_then(|mut r| r.parse())
                .map(|a| a.text_content.to_string())
                .unwrap_or_default()
        },
        other => {
            eprintln!("unknown peer {other}");
            std::process::exit(2);
        }
    };
    let repeat: usize = std::env::var("PREDICT_REPEAT").ok().and_then(|v| v.parse().ok()).unwrap_or(3).max(1);
    let total: usize = pages.iter().map(|p| p.2).sum();
    let mut secs = f64::MAX;
    let mut map = serde_json::Map::new();
    for _ in 0..repeat {
        let start = Instant::now();
        let mut got = Vec::with_capacity(pages.len());
        for (id, html, _) in &pages {
            got.push((id, run(html, urls.get(id).map(String::as_str))));
        }
        secs = secs.min(start.elapsed().as_secs_f64());
        map = got.into_iter().map(|(id, t)| (id.clone(), serde_json::Value::String(t))).collect();
    }
    std::fs::write(out, serde_json::to_string(&map).unwrap_or_default()).unwrap_or_else(|e| panic!("{out}: {e}"));
    eprintln!(
        "pages {} bytes {} seconds {:.3} pages/s {:.1} MB/s {:.2}",
        pages.len(),
        total,
        secs,
        pages.len() as f64 / secs,
        total as f64 / secs / 1e6
    );
}

fn page_urls(dir: &Path) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        let Some(id) = p.file_stem().and_then(|s| s.to_str()).map(str::to_string) else { continue };
        let v: serde_json::Value =
            std::fs::read(&p).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
        if let Some(u) = v.get("url").and_then(|u| u.as_str()) {
            out.insert(id, u.to_string());
        }
    }
    out
}
