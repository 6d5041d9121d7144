//! How results are printed: search hits (text, JSON, CSV), exports (JSONL, CSV, `_bulk`), history
//! and stats. Formatting only; the data comes from the libraries.

use crate::indexing::IndexSummary;
use jinan_types::{Article, Capture, CaptureKind, Document, SearchResults, Stats};
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::path::Path;

/// One line summing up a crawl.
pub fn crawl_line(s: &jinan_crawler::CrawlSummary) -> String {
    format!(
        "crawl: fetched {} (not modified {}), new {}, changed {}, deleted {}, failed {}{}{}, {:.1} MB, {:.1} pages/s, {:.1} s",
        s.fetched,
        s.not_modified,
        s.new,
        s.changed,
        s.deleted,
        s.failed,
        failures_by_kind(s),
        held_back(s),
        s.bytes as f64 / 1e6,
        s.pages_per_sec,
        s.elapsed_secs
    )
}

/// `, held back 5 until robots.txt answers` when a host's robots.txt was unavailable.
fn held_back(s: &jinan_crawler::CrawlSummary) -> String {
    if s.held_back == 0 {
        return String::new();
    }
    format!(", held back {} until robots.txt answers", s.held_back)
}

/// ` (timeout 2, http-404 3)` when anything failed.
fn failures_by_kind(s: &jinan_crawler::CrawlSummary) -> String {
    if s.failed_by_kind.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = s
        .failed_by_kind
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    format!(" ({})", parts.join(", "))
}

pub fn index_line(s: &IndexSummary) -> String {
    format!(
        "index: {} captures read, {} articles indexed, {} marked deleted, {} skipped, {} failed{}, {:.1} s",
        s.captures_read,
        s.articles_indexed,
        s.deleted,
        s.skipped,
        s.extract_failures,
        if s.rebuilt { ", rebuilt" } else { "" },
        s.seconds
    )
}

/// The one summary line of `jinan ingest`.
pub fn ingest_line(c: &jinan_crawler::CrawlSummary, i: &IndexSummary) -> String {
    format!(
        "ingest: new {}, changed {}, deleted {}, failed {}{}, fetched {}, not modified {}, indexed {}, {:.1} s",
        c.new,
        c.changed,
        c.deleted,
        c.failed,
        failures_by_kind(c),
        c.fetched,
        c.not_modified,
        i.articles_indexed,
        c.elapsed_secs + i.seconds
    )
}

/// `extract --format text`: the fields, then the body.
pub fn article_text(a: &Article) -> String {
    let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
    format!(
        "Title:  {}\nDate:   {}\nSource: {}\nColumn: {}\nLang:   {}\nURL:    {}\n\n{}\n",
        a.title,
        a.date.map_or_else(|| "-".into(), |d| d.to_string()),
        opt(&a.source),
        opt(&a.column),
        a.lang,
        a.url,
        a.body
    )
}

/// Turns a snippet (escaped HTML with `<b>` marks) into terminal text: bold on a terminal,
/// `**word**` otherwise.
fn snippet_text(snippet: &str, tty: bool) -> String {
    let (on, off) = if tty {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("**", "**")
    };
    let s = snippet.replace("<b>", on).replace("</b>", off);
    unescape_html(&s)
}

fn unescape_html(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

pub fn search_text(r: &SearchResults, out: &mut impl Write) -> std::io::Result<()> {
    let tty = std::io::stdout().is_terminal();
    if r.hits.is_empty() {
        writeln!(out, "no hits for {:?}", r.query)?;
        return Ok(());
    }
    writeln!(
        out,
        "{} hits for {:?}, showing {}-{}",
        r.total,
        r.query,
        r.offset + 1,
        r.offset + r.hits.len()
    )?;
    for (i, h) in r.hits.iter().enumerate() {
        let date = h
            .date
            .map_or_else(|| "----------".into(), |d| d.to_string());
        let deleted = match h.deleted_at {
            Some(t) => format!(" [deleted {}]", t.date_naive()),
            None => String::new(),
        };
        writeln!(out, "\n{}. {}{}", r.offset + i + 1, h.title, deleted)?;
        writeln!(
            out,
            "   {date}  {}  {}",
            h.column.as_deref().unwrap_or("-"),
            h.url
        )?;
        if !h.snippet.is_empty() {
            writeln!(out, "   {}", snippet_text(&h.snippet, tty))?;
        }
    }
    Ok(())
}

pub fn search_csv(r: &SearchResults, out: &mut impl Write) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["url", "title", "date", "column", "lang", "score"])?;
    for h in &r.hits {
        w.write_record([
            h.url.as_str(),
            h.title.as_str(),
            &h.date.map(|d| d.to_string()).unwrap_or_default(),
            h.column.as_deref().unwrap_or(""),
            h.lang.as_str(),
            &format!("{:.4}", h.score),
        ])?;
    }
    w.flush()?;
    Ok(())
}

pub fn export_jsonl(
    docs: impl Iterator<Item = Document>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    for d in docs {
        serde_json::to_writer(&mut *out, &d)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

pub fn export_csv(
    docs: impl Iterator<Item = Document>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "id",
        "url",
        "title",
        "date",
        "source",
        "column",
        "lang",
        "captured_at",
        "deleted_at",
        "body",
    ])?;
    for d in docs {
        let a = &d.article;
        w.write_record([
            d.id.as_str(),
            a.url.as_str(),
            a.title.as_str(),
            &a.date.map(|x| x.to_string()).unwrap_or_default(),
            a.source.as_deref().unwrap_or(""),
            a.column.as_deref().unwrap_or(""),
            a.lang.as_str(),
            &d.captured_at.to_rfc3339(),
            &d.deleted_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            a.body.as_str(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Elasticsearch/OpenSearch `_bulk` NDJSON: an `index` action keyed by the article id, then the
/// document, so loading a newer export again upserts.
pub fn export_bulk(
    docs: impl Iterator<Item = Document>,
    index: &str,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    for d in docs {
        let action = serde_json::json!({"index": {"_index": index, "_id": d.id}});
        serde_json::to_writer(&mut *out, &action)?;
        out.write_all(b"\n")?;
        serde_json::to_writer(&mut *out, &d)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// One row of `jinan history`.
#[derive(Serialize, Debug)]
pub struct VersionRow {
    pub captured_at: chrono::DateTime<chrono::Utc>,
    pub status: u16,
    pub kind: CaptureKind,
    pub digest: Option<String>,
    /// Whether the article text differs from the previous version with text (`null` when the
    /// capture has no text of its own, e.g. a revisit or an error page).
    pub text_changed: Option<bool>,
    pub file: String,
    pub offset: u64,
}

pub struct Versions {
    pub rows: Vec<VersionRow>,
    /// Article bodies of the captures that had one, oldest first.
    texts: Vec<String>,
}

impl Versions {
    /// Unified line diff of the last two versions' text (empty when equal or fewer than two).
    pub fn diff_last_two(&self) -> String {
        let n = self.texts.len();
        if n < 2 {
            return String::new();
        }
        let (old, new) = (&self.texts[n - 2], &self.texts[n - 1]);
        if old == new {
            return String::new();
        }
        similar::TextDiff::from_lines(old.as_str(), new.as_str())
            .unified_diff()
            .context_radius(2)
            .header("previous", "latest")
            .to_string()
    }
}

/// Reads every capture's text (through the extractor) to say whether it changed.
pub fn versions(warc_dir: &Path, captures: &[Capture]) -> Versions {
    let mut rows = Vec::with_capacity(captures.len());
    let mut texts: Vec<String> = Vec::new();
    for c in captures {
        let mut changed = None;
        if c.kind == CaptureKind::Response && c.status == 200 {
            let text = jinan_corpus::read_capture(warc_dir, &c.location)
                .ok()
                .and_then(|sc| {
                    let hints = jinan_extract::Hints {
                        content_type: c.content_type.as_deref(),
                        column: c.via_column.as_deref(),
                    };
                    jinan_extract::extract(&sc.body, &c.url, &hints).ok()
                });
            if let Some(a) = text {
                let t = format!("{}\n\n{}\n", a.title, a.body);
                changed = Some(texts.last().is_none_or(|prev| *prev != t));
                texts.push(t);
            }
        }
        rows.push(VersionRow {
            captured_at: c.captured_at,
            status: c.status,
            kind: c.kind,
            digest: c.digest.clone(),
            text_changed: changed,
            file: c.location.file.clone(),
            offset: c.location.offset,
        });
    }
    Versions { rows, texts }
}

pub fn history_text(v: &Versions, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<25} {:>6} {:<8} {:<40} text",
        "captured", "status", "kind", "digest"
    )?;
    for r in &v.rows {
        let kind = match r.kind {
            CaptureKind::Response => "response",
            CaptureKind::Revisit => "revisit",
        };
        let changed = match (r.text_changed, r.status) {
            (Some(true), _) => "changed",
            (Some(false), _) => "same",
            (None, 404 | 410) => "deleted",
            (None, _) => "-",
        };
        writeln!(
            out,
            "{:<25} {:>6} {:<8} {:<40} {}",
            r.captured_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            r.status,
            kind,
            r.digest.as_deref().unwrap_or("-"),
            changed
        )?;
    }
    Ok(())
}

fn human_bytes(b: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    format!("{v:.1} {}", UNITS[u])
}

pub fn stats_text(s: &Stats, out: &mut impl Write) -> std::io::Result<()> {
    let c = &s.crawl;
    let t = |o: Option<chrono::DateTime<chrono::Utc>>| {
        o.map_or_else(
            || "never".into(),
            |t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        )
    };
    writeln!(out, "crawl")?;
    writeln!(out, "  urls known        {}", c.urls_known)?;
    writeln!(out, "  pages fetched     {}", c.pages_fetched)?;
    for (status, n) in &c.pages_by_status {
        writeln!(out, "    status {status:<8} {n}")?;
    }
    writeln!(
        out,
        "  last crawl        {} (finished {})",
        t(c.last_crawl_started),
        t(c.last_crawl_finished)
    )?;
    writeln!(
        out,
        "  warc files        {} ({})",
        c.warc_files,
        human_bytes(c.warc_bytes)
    )?;
    let failed: u64 = c.failures.iter().map(|f| f.count).sum();
    writeln!(out, "  failures          {failed}")?;
    for f in &c.failures {
        writeln!(
            out,
            "    {:<16} {}  e.g. {}",
            f.kind,
            f.count,
            f.examples.join(" ")
        )?;
    }
    let i = &s.index;
    writeln!(out, "index")?;
    writeln!(
        out,
        "  articles          {} ({} deleted)",
        i.articles, i.deleted
    )?;
    for (lang, n) in &i.by_lang {
        writeln!(out, "    lang {lang:<10} {n}")?;
    }
    for (col, n) in &i.by_column {
        writeln!(out, "    column {col:<24} {n}")?;
    }
    writeln!(out, "  last indexed      {}", t(i.last_indexed))?;
    writeln!(out, "  index size        {}", human_bytes(i.index_bytes))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_marks_become_text() {
        assert_eq!(
            snippet_text("a <b>sister</b> &amp; b", false),
            "a **sister** & b"
        );
        assert_eq!(snippet_text("<b>x</b>", true), "\x1b[1mx\x1b[0m");
    }

    #[test]
    fn bytes_are_human() {
        assert_eq!(human_bytes(512), "512.0 B");
        assert_eq!(human_bytes(2048), "2.0 KB");
    }
}
