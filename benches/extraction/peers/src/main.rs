//! Runs one peer extractor over a benchmark folder and writes `{id: text}` predictions.
//!
//! Usage: `extraction-peers rs-trafilatura|trafilatura-rs|dom_smoothie aeb|wced|wcxb DIR OUT.json`
//!
//! Same protocol as jinan's `predict` example and `trafilatura_predict.py`: pages are read,
//! un-gzipped and decoded (UTF-8 if valid, else GB18030, as the sets' DATA.md say) before the clock
//! starts; only extraction is timed, on one thread, best of `PREDICT_REPEAT` (default 3) runs.
//! wcxb pages get the address their ground-truth file names. Prints
//! `pages N bytes B seconds S pages/s P MB/s M` to stderr.

use std::path::Path;
use std::time::Instant;

#[path = "../../protocol.rs"]
mod protocol;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 5 {
        eprintln!("usage: extraction-peers rs-trafilatura|trafilatura-rs|dom_smoothie aeb|wced|wcxb DIR OUT.json");
        std::process::exit(2);
    }
    let (peer, kind, dir, out) = (&args[1], &args[2], Path::new(&args[3]), &args[4]);
    let urls = protocol::page_urls(kind, dir);
    // Decoded before the clock: UTF-8 if valid, else GB18030, as the sets' DATA.md say.
    let pages: Vec<(String, String, usize)> = protocol::pages(kind, dir)
        .into_iter()
        .map(|(id, bytes)| {
            let n = bytes.len();
            let text = match String::from_utf8(bytes) {
                Ok(s) => s,
                Err(e) => encoding_rs::GB18030.decode(e.as_bytes()).0.into_owned(),
            };
            (id, text, n)
        })
        .collect();
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
    let repeat = protocol::repeat();
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
    protocol::report(pages.len(), total, secs);
}
