//! `jinan verify`: fixity. Every record of every WARC file is read again and its
//! `WARC-Block-Digest` and `WARC-Payload-Digest` recomputed; a record whose gzip member does not
//! decode, or whose digests differ, is reported by file and offset. After damage the scan resumes
//! at the next gzip member that decodes, so one bad record does not hide the rest of the file.

use std::path::Path;

use jinan_corpus::{WarcRecord, WarcRecords};
use serde::Serialize;
use sha1::{Digest, Sha1};

use crate::error::{Error, Result};

/// One damaged record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Damage {
    pub file: String,
    pub offset: u64,
    pub reason: String,
}

/// What a fixity check found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    pub files: u64,
    pub records: u64,
    /// Block digests recomputed and found equal.
    pub block_digests: u64,
    /// Payload digests recomputed and found equal.
    pub payload_digests: u64,
    pub damaged: Vec<Damage>,
}

/// Checks every record of every WARC file in `warc_dir`.
pub fn verify(warc_dir: &Path) -> Result<VerifyReport> {
    let mut report = VerifyReport::default();
    for name in jinan_corpus::warc_files(warc_dir)? {
        report.files += 1;
        verify_file(warc_dir, &name, &mut report)?;
    }
    Ok(report)
}

fn verify_file(warc_dir: &Path, name: &str, report: &mut VerifyReport) -> Result<()> {
    let path = warc_dir.join(name);
    let mut from = 0u64;
    loop {
        let mut damaged_at = None;
        for rec in WarcRecords::open(&path, from)? {
            match rec {
                Ok(r) => {
                    report.records += 1;
                    check_record(name, &r, report);
                }
                Err(jinan_corpus::Error::Corrupt { offset, reason, .. }) => {
                    report.damaged.push(Damage {
                        file: name.to_string(),
                        offset,
                        reason,
                    });
                    damaged_at = Some(offset);
                    break;
                }
                Err(e) => return Err(e.into()),
            }
        }
        let Some(at) = damaged_at else {
            return Ok(());
        };
        match next_good_member(&path, at + 1)? {
            Some(next) => from = next,
            None => return Ok(()),
        }
    }
}

/// Offset of the first gzip member after `from` that decodes to a WARC record: the bytes
/// `1f 8b 08` can also occur inside compressed data, so a candidate only counts if it reads.
fn next_good_member(path: &Path, mut from: u64) -> Result<Option<u64>> {
    let data = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    loop {
        let start = (from as usize).min(data.len());
        let Some(i) = data[start..]
            .windows(3)
            .position(|w| w == [0x1f, 0x8b, 0x08])
        else {
            return Ok(None);
        };
        let candidate = (start + i) as u64;
        if matches!(WarcRecords::open(path, candidate)?.next(), Some(Ok(_))) {
            return Ok(Some(candidate));
        }
        from = candidate + 1;
    }
}

fn sha1_matches(expected: &str, data: &[u8]) -> Option<bool> {
    let (algo, value) = expected.split_once(':')?;
    if !algo.trim().eq_ignore_ascii_case("sha1") {
        return None;
    }
    let hash = Sha1::digest(data);
    let value = value.trim();
    Some(
        value.eq_ignore_ascii_case(&data_encoding::BASE32.encode(&hash))
            || value.eq_ignore_ascii_case(&data_encoding::HEXLOWER.encode(&hash)),
    )
}

fn check_record(file: &str, r: &WarcRecord, report: &mut VerifyReport) {
    let mut bad = |reason: String| {
        report.damaged.push(Damage {
            file: file.to_string(),
            offset: r.offset,
            reason,
        })
    };
    let mut block_ok = false;
    if let Some(d) = r.header("WARC-Block-Digest") {
        match sha1_matches(d, &r.block) {
            Some(true) => block_ok = true,
            Some(false) => bad(format!("{} record: block digest differs", r.warc_type())),
            None => {}
        }
    }
    let mut payload_ok = false;
    // A revisit's payload digest names the capture it confirms, not its own bytes.
    if r.warc_type() == "response" {
        if let (Some(d), Some(body)) = (r.header("WARC-Payload-Digest"), r.http_body()) {
            match sha1_matches(d, body) {
                Some(true) => payload_ok = true,
                Some(false) => bad("response record: payload digest differs".to_string()),
                None => {}
            }
        }
    }
    report.block_digests += u64::from(block_ok);
    report.payload_digests += u64::from(payload_ok);
}
