//! `export --format wacz`: the whole collection as one WACZ 1.1.1 package (Web Archive Collection
//! Zipped), the layout `wacz validate` (py-wacz) checks and ReplayWeb.page opens:
//!
//! - `archive/<name>.warc.gz`: the corpus's WARC files, stored byte for byte (ZIP "stored", so
//!   each record's gzip member stays readable at its offset);
//! - `indexes/index.cdx`: the CDXJ index of those files (the same lines as `export --format cdxj`);
//! - `pages/pages.jsonl`: a `json-pages-1.0` header with `"hasText": true`, then one line per
//!   article (`id`, `url`, `ts`, `title`, `text`);
//! - `datapackage.json`: `profile` `data-package`, `wacz_version` `1.1.1`, and every file's
//!   `path`, `name`, `bytes` and `sha256:` hash;
//! - `datapackage-digest.json`: the SHA-256 of `datapackage.json`.
//!
//! The package is written to a temporary file beside the output and renamed into place, so a
//! failed export leaves no half package under the requested name.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::zip::{EntryFacts, ZipWriter};

/// The WACZ format version written (the one py-wacz validates).
pub const WACZ_VERSION: &str = "1.1.1";

/// One article for `pages/pages.jsonl`.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub id: String,
    pub url: String,
    /// Capture time of the version the text comes from.
    pub ts: DateTime<Utc>,
    pub title: String,
    /// Full text, words separated by spaces (Chinese already segmented by the caller).
    pub text: String,
}

/// What went into a package.
#[derive(Debug, Clone, PartialEq)]
pub struct WaczSummary {
    pub files: Vec<EntryFacts>,
    pub warc_files: u64,
    pub captures: u64,
    pub pages: u64,
    /// Size of the package.
    pub bytes: u64,
}

/// Removes a temporary file unless disarmed.
struct TempFile(Option<PathBuf>);

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

fn temp_beside(output: &Path, what: &str) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "package.wacz".into());
    output.with_file_name(format!(".{name}.{what}.{}", std::process::id()))
}

/// Packages the WARC files of `warc_dir` and `pages` into a WACZ file at `output`. `software`
/// and `title` go into `datapackage.json`.
pub fn write_wacz(
    warc_dir: &Path,
    pages: impl IntoIterator<Item = Page>,
    output: &Path,
    software: &str,
    title: &str,
) -> Result<WaczSummary> {
    let files = jinan_corpus::warc_files(warc_dir)?;
    if files.is_empty() {
        return Err(Error::Empty);
    }
    let created = Utc::now();
    // The page list goes to a temporary file first: its size must be known before it is zipped.
    let pages_path = temp_beside(output, "pages");
    let _pages_tmp = TempFile(Some(pages_path.clone()));
    // The capture index (inflating every record) and the page list (segmenting every text) are
    // independent: build them side by side.
    let (page_count, index) = std::thread::scope(|s| {
        let index = s.spawn(|| crate::cdxj::cdxj_lines(warc_dir));
        let page_count = write_pages(&pages_path, pages);
        let index = index
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (page_count, index)
    });
    let (page_count, index) = (page_count?, index?);
    let mut index_bytes = Vec::with_capacity(index.iter().map(|l| l.len() + 1).sum());
    for l in &index {
        index_bytes.extend_from_slice(l.as_bytes());
        index_bytes.push(b'\n');
    }

    let zip_path = temp_beside(output, "tmp");
    let mut zip_tmp = TempFile(Some(zip_path.clone()));
    let out = File::create(&zip_path).map_err(|e| Error::io(&zip_path, e))?;
    let mut zip = ZipWriter::new(BufWriter::with_capacity(1 << 20, out), created);
    let zerr = |e| Error::io(&zip_path, e);
    let mut facts = Vec::new();
    for name in &files {
        let path = warc_dir.join(name);
        let mut f = File::open(&path).map_err(|e| Error::io(&path, e))?;
        let size = f.metadata().map_err(|e| Error::io(&path, e))?.len();
        facts.push(
            zip.add(&format!("archive/{name}"), size, &mut f)
                .map_err(|e| Error::io(&path, e))?,
        );
    }
    facts.push(
        zip.add_bytes("indexes/index.cdx", &index_bytes)
            .map_err(zerr)?,
    );
    {
        let mut f = File::open(&pages_path).map_err(|e| Error::io(&pages_path, e))?;
        let size = f.metadata().map_err(|e| Error::io(&pages_path, e))?.len();
        facts.push(
            zip.add("pages/pages.jsonl", size, &mut f)
                .map_err(|e| Error::io(&pages_path, e))?,
        );
    }
    let package = datapackage(&facts, created, software, title);
    zip.add_bytes("datapackage.json", &package).map_err(zerr)?;
    let digest = json!({
        "path": "datapackage.json",
        "hash": format!("sha256:{}", data_encoding::HEXLOWER.encode(&Sha256::digest(&package))),
    });
    let digest = serde_json::to_vec_pretty(&digest).unwrap_or_default();
    zip.add_bytes("datapackage-digest.json", &digest)
        .map_err(zerr)?;
    let out = zip.finish().map_err(zerr)?;
    let file = out
        .into_inner()
        .map_err(|e| Error::io(&zip_path, e.into_error()))?;
    file.sync_all().map_err(zerr)?;
    let bytes = file.metadata().map_err(zerr)?.len();
    drop(file);
    std::fs::rename(&zip_path, output).map_err(|e| Error::io(output, e))?;
    zip_tmp.0 = None;
    Ok(WaczSummary {
        files: facts,
        warc_files: files.len() as u64,
        captures: index.len() as u64,
        pages: page_count,
        bytes,
    })
}

/// Writes `pages/pages.jsonl` to `path`; returns the number of pages.
fn write_pages(path: &Path, pages: impl IntoIterator<Item = Page>) -> Result<u64> {
    let f = File::create(path).map_err(|e| Error::io(path, e))?;
    let mut w = BufWriter::with_capacity(1 << 20, f);
    let err = |e| Error::io(path, e);
    let header =
        json!({"format": "json-pages-1.0", "id": "pages", "title": "All Pages", "hasText": true});
    serde_json::to_writer(&mut w, &header).map_err(|e| err(e.into()))?;
    w.write_all(b"\n").map_err(err)?;
    let mut n = 0;
    for p in pages {
        let line = json!({
            "id": p.id,
            "url": p.url,
            "ts": p.ts.to_rfc3339_opts(SecondsFormat::Secs, true),
            "title": p.title,
            "text": p.text,
        });
        serde_json::to_writer(&mut w, &line).map_err(|e| err(e.into()))?;
        w.write_all(b"\n").map_err(err)?;
        n += 1;
    }
    w.flush().map_err(err)?;
    Ok(n)
}

/// `datapackage.json` for the entries written so far.
fn datapackage(
    facts: &[EntryFacts],
    created: DateTime<Utc>,
    software: &str,
    title: &str,
) -> Vec<u8> {
    let resources: Vec<serde_json::Value> = facts
        .iter()
        .map(|f| {
            let name = f.path.rsplit('/').next().unwrap_or(&f.path).to_lowercase();
            json!({
                "name": name,
                "path": f.path,
                "hash": format!("sha256:{}", f.sha256),
                "bytes": f.bytes,
            })
        })
        .collect();
    let v = json!({
        "profile": "data-package",
        "resources": resources,
        "title": title,
        "created": created.to_rfc3339_opts(SecondsFormat::Secs, true),
        "wacz_version": WACZ_VERSION,
        "software": software,
    });
    // A JSON value always serialises.
    serde_json::to_vec_pretty(&v).unwrap_or_default()
}
