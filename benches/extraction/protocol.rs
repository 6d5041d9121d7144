//! The benchmark protocol every Rust extraction driver follows, written once: jinan's `predict`
//! example (crates/extract/examples/predict.rs) and the peers' driver (peers/src/main.rs) include
//! this file by path. Pages are read and un-gzipped before any clock starts, each set's pages get
//! the address its ground truth names (wcxb), runs are repeated and the best is kept, and the
//! result is one line on stderr that benches/extraction/run.sh reads.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

/// `(id, raw bytes)` of every page of a benchmark set, sorted by file name: `aeb` and `wcxb` from
/// `html/<id>.html.gz`, `wced` from `original/<id>.html`, anything else from `<id>.html` or
/// `<id>.html.gz` files in the folder itself.
pub fn pages(kind: &str, dir: &Path) -> Vec<(String, Vec<u8>)> {
    let folder = match kind {
        "aeb" | "wcxb" => dir.join("html"),
        "wced" => dir.join("original"),
        _ => dir.to_path_buf(),
    };
    let mut entries: Vec<_> = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    entries.sort();
    let mut out = Vec::new();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let bytes = std::fs::read(&p).unwrap_or_default();
        if let Some(id) = name.strip_suffix(".html.gz") {
            let mut v = Vec::new();
            if flate2::read::GzDecoder::new(&bytes[..])
                .read_to_end(&mut v)
                .is_ok()
            {
                out.push((id.to_string(), v));
            }
        } else if let Some(id) = name.strip_suffix(".html") {
            out.push((id.to_string(), bytes));
        }
    }
    out
}

/// `{id: url}` of a set's pages: for wcxb, the `url` of each ground-truth file; none otherwise.
pub fn page_urls(kind: &str, dir: &Path) -> HashMap<String, String> {
    let mut out = HashMap::new();
    if kind != "wcxb" {
        return out;
    }
    for e in std::fs::read_dir(dir.join("ground-truth"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let p = e.path();
        let Some(id) = p.file_stem().and_then(|s| s.to_str()).map(str::to_string) else {
            continue;
        };
        let v: serde_json::Value = std::fs::read(&p)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        if let Some(u) = v.get("url").and_then(|u| u.as_str()) {
            out.insert(id, u.to_string());
        }
    }
    out
}

/// How many times to run (`PREDICT_REPEAT`, default 3): the machine is shared, and the best run
/// is the least disturbed figure.
pub fn repeat() -> usize {
    std::env::var("PREDICT_REPEAT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
        .max(1)
}

/// The result line: `pages N bytes B seconds S pages/s P MB/s M`.
pub fn report(pages: usize, bytes: usize, secs: f64) {
    eprintln!(
        "pages {pages} bytes {bytes} seconds {secs:.3} pages/s {:.1} MB/s {:.2}",
        pages as f64 / secs,
        bytes as f64 / secs / 1e6
    );
}
