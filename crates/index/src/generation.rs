//! Index generations: `dir/CURRENT` names the live tantivy index `dir/gen-<n>/`.
//!
//! A rebuild writes `gen-<n+1>` beside the live one and then replaces `CURRENT` by writing a
//! temporary file, syncing it and renaming it over the old one (then syncing the directory), so a
//! reader always sees either the old or the new generation, never a mix. Readers re-read `CURRENT`
//! on refresh and switch.
//!
//! Each reader of a generation holds `dir/gen-<n>.readers` with a shared lock ([`hold`]) for as
//! long as it uses it, in whatever process. A writer removes an old generation only when it can
//! take that lock exclusively ([`remove_unused`]: on publish, and on every later `jinan index`),
//! so a running `jinan serve` keeps answering from the old generation until it has switched, and
//! the generation goes on the next run after that.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

use tantivy::Index;

use crate::error::{Error, Result};
use crate::pairs::PAIRS_ANALYZER_NAME;
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
    index
        .tokenizers()
        .register(PAIRS_ANALYZER_NAME, crate::pairs::pairs_analyzer());
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

/// `dir/gen-<n>.readers`, the lock file of a generation's readers.
fn readers_path(dir: &Path, gen: &str) -> PathBuf {
    dir.join(format!("{gen}.readers"))
}

/// A reader's shared hold on a generation; released on drop.
#[derive(Debug)]
pub struct Hold {
    _file: Option<File>,
}

/// Holds generation `gen` of `dir` for reading. Waits while a writer is removing it (the open that
/// follows then fails and the caller reads `CURRENT` again). In an index folder the reader cannot
/// write to, there is no hold: a writer there could not remove anything either.
pub fn hold(dir: &Path, gen: &str) -> Hold {
    let path = readers_path(dir, gen);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .and_then(|f| f.lock_shared().map(|()| f));
    match file {
        Ok(f) => Hold { _file: Some(f) },
        Err(e) => {
            tracing::debug!(path = %path.display(), error = %e, "reading without a hold on the generation");
            Hold { _file: None }
        }
    }
}

/// Removes every generation numbered below `below` that no reader holds, with its lock file, and
/// lock files left without a generation. A held generation stays for a later run.
pub fn remove_unused(dir: &Path, below: u64) -> Result<()> {
    for (n, path) in list(dir)? {
        if n >= below {
            continue;
        }
        let gen = format!("gen-{n}");
        if try_remove(dir, &gen, Some(&path)) {
            tracing::info!(path = %path.display(), "removed an old generation");
        } else {
            tracing::info!(path = %path.display(), "an old generation is still read (e.g. by `jinan serve`); a later run removes it");
        }
    }
    // Lock files of generations already gone (a reader that raced a removal re-creates one).
    let entries = fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(gen) = name.to_str().and_then(|n| n.strip_suffix(".readers")) else {
            continue;
        };
        if gen_number(gen).is_some_and(|n| n < below) && !dir.join(gen).exists() {
            try_remove(dir, gen, None);
        }
    }
    Ok(())
}

/// Removes `gen` (its folder, when given, then its lock file) if no reader holds it.
fn try_remove(dir: &Path, gen: &str, folder: Option<&Path>) -> bool {
    let lock = readers_path(dir, gen);
    let file = match OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock)
    {
        Ok(f) => f,
        Err(e) => {
            tracing::warn!(path = %lock.display(), "cannot check the readers of a generation: {e}");
            return false;
        }
    };
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => return false,
        Err(TryLockError::Error(e)) => {
            tracing::warn!(path = %lock.display(), "cannot lock a generation: {e}");
            return false;
        }
    }
    if let Some(folder) = folder {
        if let Err(e) = fs::remove_dir_all(folder) {
            tracing::warn!(path = %folder.display(), "could not remove an old generation: {e}");
            return false;
        }
    }
    let _ = fs::remove_file(&lock);
    true
}
