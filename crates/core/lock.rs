//! Run locks on the corpus and the index folders.
//!
//! `crawl` locks the corpus, `index` the index, `ingest` both; a second run that finds a lock held
//! exits 3 at once, having changed nothing. The lock is an advisory `flock` on `DIR/.lock`, so the
//! kernel releases it when its holder dies, however it dies: a lock left by a killed run is simply
//! free. The file also records who took it (pid, command, time), which makes the message of a
//! refused run useful and lets us log that a dead run's lock was taken over.

use crate::messages;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// A held lock; released on drop (and by the kernel if the process dies).
#[derive(Debug)]
pub struct RunLock {
    file: File,
    path: PathBuf,
}

impl RunLock {
    /// Takes `dir/.lock` for `what` (e.g. "crawl"), creating `dir` if needed.
    pub fn acquire(dir: &Path, what: &str) -> anyhow::Result<RunLock> {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
        let path = dir.join(".lock");
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", path.display()))?;
        let mut previous = String::new();
        let _ = file.read_to_string(&mut previous);
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let holder = previous.trim();
                let holder = if holder.is_empty() {
                    "another jinan run"
                } else {
                    holder
                };
                return Err(messages::locked(format!(
                    "{} is locked by {holder}; nothing was changed",
                    path.display()
                )));
            }
            Err(TryLockError::Error(e)) => {
                return Err(anyhow::anyhow!("cannot lock {}: {e}", path.display()))
            }
        }
        if !previous.trim().is_empty() {
            tracing::info!(
                "took over {} left by a run that ended without releasing it ({})",
                path.display(),
                previous.trim()
            );
        }
        let note = format!(
            "jinan {what} (pid {}, since {})\n",
            std::process::id(),
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        file.set_len(0)?;
        file.seek(SeekFrom::Start(0))?;
        file.write_all(note.as_bytes())?;
        file.sync_data()?;
        Ok(RunLock { file, path })
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        // Empty the note so the next run does not report a takeover; the flock goes with the fd.
        let _ = self.file.set_len(0);
        tracing::debug!("released {}", self.path.display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_is_refused_with_exit_3() {
        let dir = tempfile::tempdir().unwrap();
        let first = RunLock::acquire(dir.path(), "crawl").unwrap();
        let err = RunLock::acquire(dir.path(), "index").unwrap_err();
        assert_eq!(messages::exit_code(&err), messages::LOCKED);
        assert!(err.to_string().contains("jinan crawl (pid"), "{err}");
        drop(first);
        RunLock::acquire(dir.path(), "index").unwrap();
    }
}
