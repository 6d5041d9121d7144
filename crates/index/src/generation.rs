//! Index generations: `dir/CURRENT` names the live tantivy index `dir/gen-<n>/`.
//!
//! A rebuild writes `gen-<n+1>` beside the live one and then replaces `CURRENT` by writing a
//! temporary file, syncing it and renaming it over the old one (then syncing the directory), so a
//! reader always sees either the old or the new generation, never a mix. Readers re-read `CURRENT`
//! on refresh and switch; files of the old generation stay readable to searches in flight (open
//! files survive deletion), and generations older than the previous one are removed on publish.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use tantivy::Index;

use crate::error::{Error, Result};
use crate::schema;
use crate::tokenizer::{analyzer, ANALYZER_NAME};

/// The pointer file naming the live generation.
pub const CURRENT: &str = "CURRENT";

/// `gen-<n>` → `n`.
pub fn gen_number(name: &str) -> Option<u64> {
    let n = name.strip_prefix("gen-")?;
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse().ok()
}

/// The generation named by `dir/CURRENT`, or None when there is no CURRENT.
pub fn read_current(dir: &Path) -> Result<Option<String>> {
    let path = dir.join(CURRENT);
    match fs::read_to_string(&path) {
        Ok(s) => {
            let name = s.trim();
            if gen_number(name).is_none() {
                return Err(Error::Corrupt(format!(
                    "{} does not name a generation: {name:?}",
                    path.display()
                )));
            }
            Ok(Some(name.to_string()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// All `gen-<n>` directories in `dir`, sorted by `n`.
pub fn list(dir: &Path) -> Result<Vec<(u64, PathBuf)>> {
    let mut out = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(Error::io(dir, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        if let Some(n) = entry.file_name().to_str().and_then(gen_number) {
            if entry.path().is_dir() {
                out.push((n, entry.path()));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Atomically points `dir/CURRENT` at `name`: temp file, fsync, rename, fsync of the directory.
pub fn write_current(dir: &Path, name: &str) -> Result<()> {
    let tmp = dir.join(format!("{CURRENT}.tmp-{}", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(format!("{name}\n").as_bytes())?;
        f.sync_all()?;
        fs::rename(&tmp, dir.join(CURRENT))?;
        // Make the rename durable. Directories can be opened and synced on Unix.
        #[cfg(unix)]
        fs::File::open(dir)?.sync_all()?;
        Ok(())
    };
    write().map_err(|e| {
        let _ = fs::remove_file(&tmp);
        Error::io(dir.join(CURRENT), e)
    })
}

fn register(index: &Index) {
    index.tokenizers().register(ANALYZER_NAME, analyzer());
}

/// Creates a new, empty generation directory with our schema.
pub fn create(gen_dir: &Path) -> Result<Index> {
    fs::create_dir_all(gen_dir).map_err(|e| Error::io(gen_dir, e))?;
    let (schema, _) = schema::build();
    let index = Index::create_in_dir(gen_dir, schema)?;
    schema::write_version(gen_dir)?;
    register(&index);
    Ok(index)
}

/// Opens an existing generation after checking its schema version.
pub fn open(gen_dir: &Path) -> Result<Index> {
    schema::check_version(gen_dir)?;
    let index = Index::open_in_dir(gen_dir)?;
    register(&index);
    Ok(index)
}

/// Total size in bytes of the files of a generation.
pub fn size(gen_dir: &Path) -> u64 {
    fs::read_dir(gen_dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok()?.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}
