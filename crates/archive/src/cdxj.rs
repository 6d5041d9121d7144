//! `export --format cdxj`: the capture index of the corpus as CDXJ lines, sorted bytewise (as
//! `LC_ALL=C sort`), the order pywb and other replay tools binary-search.

use std::io::Write;
use std::path::Path;

use jinan_corpus::CaptureIndex;

use crate::error::{Error, Result};

/// Every CDXJ line of the WARC files in `warc_dir`, sorted bytewise (no newlines).
pub fn cdxj_lines(warc_dir: &Path) -> Result<Vec<String>> {
    let mut lines = Vec::new();
    for entry in CaptureIndex::open(warc_dir)? {
        lines.push(entry?.cdxj_line());
    }
    lines.sort_unstable();
    Ok(lines)
}

/// Writes the sorted CDXJ index of `warc_dir` to `out`, one line each; returns the line count.
pub fn write_cdxj(warc_dir: &Path, out: &mut impl Write) -> Result<u64> {
    let lines = cdxj_lines(warc_dir)?;
    for l in &lines {
        out.write_all(l.as_bytes()).map_err(Error::Output)?;
        out.write_all(b"\n").map_err(Error::Output)?;
    }
    Ok(lines.len() as u64)
}
