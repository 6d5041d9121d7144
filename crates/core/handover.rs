//! The commands that hand the collection on: `export --format cdxj`, `export --format wacz` and
//! `verify`. Thin: options in, `jinan-archive` does the work, results out.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

use crate::messages::usage;

/// `export --format cdxj`: the sorted CDXJ index of every capture to stdout.
pub fn export_cdxj(corpus: &Path) -> anyhow::Result<()> {
    let warc = jinan_corpus::warc_dir(corpus);
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    jinan_archive::write_cdxj(&warc, &mut out).context("writing the CDXJ index")?;
    out.flush()?;
    Ok(())
}

/// `export --format wacz --output FILE`: the whole corpus as a WACZ package.
pub fn export_wacz(
    corpus: &Path,
    docs: Vec<jinan_types::Document>,
    output: Option<&Path>,
) -> anyhow::Result<()> {
    let output = output.ok_or_else(|| usage("--format wacz needs --output FILE"))?;
    let warc = jinan_corpus::warc_dir(corpus);
    if jinan_corpus::warc_files(&warc)?.is_empty() {
        return Err(usage(format!(
            "no WARC files in {}: run `jinan crawl` first",
            warc.display()
        )));
    }
    let pages = docs.into_iter().map(|d| jinan_archive::Page {
        text: jinan_index::tokenizer::spaced_words(&d.article.body),
        title: d.article.title,
        url: d.article.url,
        ts: d.captured_at,
        id: d.id,
    });
    let software = concat!("jinan ", env!("CARGO_PKG_VERSION"));
    let summary = jinan_archive::write_wacz(&warc, pages, output, software, "jinan collection")
        .with_context(|| format!("writing {}", output.display()))?;
    eprintln!(
        "jinan: wrote {} ({} bytes): {} WARC files, {} captures, {} pages",
        output.display(),
        summary.bytes,
        summary.warc_files,
        summary.captures,
        summary.pages
    );
    Ok(())
}

/// `verify`: re-reads every record and checks its digests; exit 1 (an error) if any is damaged.
pub fn verify(corpus: &Path, json: bool) -> anyhow::Result<()> {
    let warc = jinan_corpus::warc_dir(corpus);
    let report = jinan_archive::verify(&warc).context("verifying the WARC files")?;
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "{} files, {} records: {} block digests and {} payload digests match",
            report.files, report.records, report.block_digests, report.payload_digests
        )?;
        for d in &report.damaged {
            writeln!(out, "DAMAGED {} at byte {}: {}", d.file, d.offset, d.reason)?;
        }
    }
    out.flush()?;
    if !report.damaged.is_empty() {
        anyhow::bail!(
            "{} damaged record(s) in {}",
            report.damaged.len(),
            warc.display()
        );
    }
    Ok(())
}
