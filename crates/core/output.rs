//! How results are printed: search hits (text, JSON, CSV), exports (JSONL, CSV, `_bulk`), history
//! and stats. Formatting only; the data comes from the libraries.

use jinan_ingest::IndexSummary;
use jinan_server::history::{Change, Diff, History};
use jinan_types::table;
use jinan_types::{Article, CaptureKind, Document, Facets, Hit, SearchResults, Stats};
use std::io::{IsTerminal, Write};
use unicode_width::UnicodeWidthStr;

/// True when output to `stream` may use colour and bold: a terminal, and `NO_COLOR` unset or
/// empty (https://no-color.org).
pub fn color(stream: &impl IsTerminal) -> bool {
    stream.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

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
    table::unescape_html(&s)
}

/// `1 hit`, `2 hits`.
fn hits(n: usize) -> String {
    if n == 1 {
        "1 hit".to_string()
    } else {
        format!("{n} hits")
    }
}

pub fn search_text(r: &SearchResults, out: &mut impl Write) -> std::io::Result<()> {
    let tty = color(&std::io::stdout());
    if r.total == 0 {
        writeln!(out, "no hits for: {}", r.query)?;
        return Ok(());
    }
    if r.hits.is_empty() {
        writeln!(
            out,
            "{} for: {}; --offset {} is past the last one (use --offset 0 to {})",
            hits(r.total),
            r.query,
            r.offset,
            r.total - 1
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "{} for: {} (showing {}-{})",
        hits(r.total),
        r.query,
        r.offset + 1,
        r.offset + r.hits.len()
    )?;
    for (i, h) in r.hits.iter().enumerate() {
        hit_text(out, r.offset + i + 1, h, tty)?;
    }
    if let Some(f) = &r.facets {
        facets_text(f, out)?;
    }
    Ok(())
}

/// One hit of the text format, numbered `n`.
pub fn hit_text(out: &mut impl Write, n: usize, h: &Hit, tty: bool) -> std::io::Result<()> {
    let date = h
        .date
        .map_or_else(|| "----------".into(), |d| d.to_string());
    let deleted = match h.deleted_at {
        Some(t) => format!(" [deleted {}]", t.date_naive()),
        None => String::new(),
    };
    writeln!(out, "\n{n}. {}{}", h.title, deleted)?;
    writeln!(
        out,
        "   {date}  {}  {}",
        h.column.as_deref().unwrap_or("-"),
        h.url
    )?;
    if !h.snippet.is_empty() {
        writeln!(out, "   {}", snippet_text(&h.snippet, tty))?;
    }
    if !h.copies.is_empty() {
        let n = h.copies.len();
        writeln!(
            out,
            "   + {n} near-identical {}:",
            if n == 1 { "copy" } else { "copies" }
        )?;
        for c in &h.copies {
            writeln!(
                out,
                "     {}  {}  {}",
                c.date
                    .map_or_else(|| "----------".into(), |d| d.to_string()),
                c.column.as_deref().unwrap_or("-"),
                c.url
            )?;
        }
    }
    Ok(())
}

/// The facets of a search as text: one line per facet, values with their counts.
pub fn facets_text(f: &Facets, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out)?;
    for (name, counts) in [("column", &f.column), ("lang", &f.lang), ("year", &f.year)] {
        let parts: Vec<String> = counts
            .iter()
            .map(|c| format!("{} ({})", c.value, c.count))
            .collect();
        writeln!(out, "{name:<7} {}", parts.join(", "))?;
    }
    Ok(())
}

pub fn search_csv(r: &SearchResults, out: &mut impl Write) -> anyhow::Result<()> {
    out.write_all(table::csv_line(&table::SEARCH_CSV_HEADER).as_bytes())?;
    for h in &r.hits {
        out.write_all(table::search_csv_line(h).as_bytes())?;
    }
    Ok(())
}

/// One hit object per line.
pub fn search_jsonl(r: &SearchResults, out: &mut impl Write) -> anyhow::Result<()> {
    for h in &r.hits {
        serde_json::to_writer(&mut *out, h)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// An article export (`jsonl`, `csv`, `_bulk`) written one document at a time, so that memory
/// stays flat whatever the size of the index.
pub enum Export<W: Write> {
    Jsonl(W),
    Csv(Box<csv::Writer<W>>),
    /// Elasticsearch/OpenSearch `_bulk` NDJSON into the named index: an `index` action keyed by
    /// the article id, then the document, so loading a newer export again upserts.
    Bulk(W, String),
}

impl<W: Write> Export<W> {
    /// A JSON-lines export.
    pub fn jsonl(out: W) -> Self {
        Export::Jsonl(out)
    }

    /// A CSV export; writes the header row.
    pub fn csv(out: W) -> anyhow::Result<Self> {
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
        Ok(Export::Csv(Box::new(w)))
    }

    /// A `_bulk` export into the index named `index`.
    pub fn bulk(out: W, index: &str) -> Self {
        Export::Bulk(out, index.to_string())
    }

    pub fn write(&mut self, d: &Document) -> anyhow::Result<()> {
        match self {
            Export::Jsonl(out) => {
                serde_json::to_writer(&mut *out, d)?;
                out.write_all(b"\n")?;
            }
            Export::Csv(w) => {
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
            Export::Bulk(out, index) => {
                let action = serde_json::json!({"index": {"_index": index, "_id": d.id}});
                serde_json::to_writer(&mut *out, &action)?;
                out.write_all(b"\n")?;
                serde_json::to_writer(&mut *out, d)?;
                out.write_all(b"\n")?;
            }
        }
        Ok(())
    }

    /// Flushes what is buffered.
    pub fn finish(self) -> anyhow::Result<()> {
        match self {
            Export::Jsonl(mut out) | Export::Bulk(mut out, _) => out.flush()?,
            Export::Csv(mut w) => w.flush()?,
        }
        Ok(())
    }
}

/// `jinan history` as text: one row per capture (time, status, kind, digest, what the text did).
pub fn history_text(h: &History, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<20} {:>6} {:<8} {:<37} text",
        "captured (UTC)", "status", "kind", "digest"
    )?;
    for r in &h.captures {
        let kind = match r.kind {
            CaptureKind::Response => "response",
            CaptureKind::Revisit => "revisit",
        };
        let text = match (r.change, r.version) {
            (Some(Change::Deleted), _) => "deleted".to_string(),
            (Some(c), Some(v)) => format!("{} (version {v})", c.as_str()),
            (Some(c), None) => c.as_str().to_string(),
            (None, _) => "-".to_string(),
        };
        writeln!(
            out,
            "{:<20} {:>6} {:<8} {:<37} {}",
            r.captured_at.format("%Y-%m-%d %H:%M:%S"),
            r.status,
            kind,
            r.digest.as_deref().unwrap_or("-"),
            text
        )?;
    }
    Ok(())
}

/// `jinan history --diff` as text: the note, if any, then the unified diff with changed words
/// marked, or why there is none.
pub fn diff_text(d: &Diff, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out)?;
    if let Some(note) = &d.note {
        writeln!(out, "{note}")?;
    }
    match (&d.from, &d.to) {
        (Some(a), Some(b)) if !d.changed => writeln!(
            out,
            "no text change between version {} ({}) and version {} ({})",
            a.version,
            a.captured_at.format("%Y-%m-%d %H:%M:%S"),
            b.version,
            b.captured_at.format("%Y-%m-%d %H:%M:%S")
        ),
        (Some(_), Some(_)) => out.write_all(d.unified().as_bytes()),
        _ => Ok(()),
    }
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

/// `text` padded with spaces to `width` columns of a terminal (Chinese characters take two).
fn pad(text: &str, width: usize) -> String {
    let w = text.width();
    format!("{text}{}", " ".repeat(width.saturating_sub(w)))
}

pub fn stats_text(s: &Stats, out: &mut impl Write) -> std::io::Result<()> {
    let c = &s.crawl;
    let t = |o: Option<chrono::DateTime<chrono::Utc>>| {
        o.map_or_else(
            || "never".into(),
            |t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        )
    };
    // Every value starts in one column, whatever the width of the names before it.
    let names = c
        .failures
        .iter()
        .map(|f| f.kind.width() + 4)
        .chain(
            s.index
                .iter()
                .flat_map(|i| i.by_column.keys())
                .map(|k| k.width() + 4),
        )
        .chain(
            s.index
                .iter()
                .flat_map(|i| i.by_lang.keys())
                .map(|k| k.width() + 4),
        )
        .chain(c.pages_by_status.keys().map(|k| k.width() + 4))
        .max()
        .unwrap_or(0);
    let w = names.max(18);
    let row = |out: &mut dyn Write, indent: usize, name: &str, value: String| {
        writeln!(
            out,
            "{}{} {value}",
            " ".repeat(indent),
            pad(name, w - indent)
        )
    };
    writeln!(out, "crawl")?;
    row(out, 2, "urls known", c.urls_known.to_string())?;
    row(
        out,
        2,
        "fetches",
        format!(
            "{} (every fetch stored, recrawls included)",
            c.pages_fetched
        ),
    )?;
    if !c.pages_by_status.is_empty() {
        row(
            out,
            2,
            "latest status",
            "(URLs by the status of their last fetch)".into(),
        )?;
        for (status, n) in &c.pages_by_status {
            row(out, 4, status, n.to_string())?;
        }
    }
    row(
        out,
        2,
        "last crawl",
        format!(
            "{} (finished {})",
            t(c.last_crawl_started),
            t(c.last_crawl_finished)
        ),
    )?;
    row(
        out,
        2,
        "warc files",
        format!("{} ({})", c.warc_files, human_bytes(c.warc_bytes)),
    )?;
    let failed: u64 = c.failures.iter().map(|f| f.count).sum();
    row(out, 2, "failures", failed.to_string())?;
    for f in &c.failures {
        row(
            out,
            4,
            &f.kind,
            format!("{}  e.g. {}", f.count, f.examples.join(" ")),
        )?;
    }
    writeln!(out, "index")?;
    let Some(i) = &s.index else {
        return row(
            out,
            2,
            "articles",
            "none: no index yet (run `jinan index`)".into(),
        );
    };
    row(
        out,
        2,
        "articles",
        format!("{} ({} deleted)", i.articles, i.deleted),
    )?;
    if !i.by_lang.is_empty() {
        row(out, 2, "by language", String::new())?;
        for (lang, n) in &i.by_lang {
            row(out, 4, lang, n.to_string())?;
        }
    }
    if !i.by_column.is_empty() {
        row(out, 2, "by column", String::new())?;
        for (col, n) in &i.by_column {
            row(out, 4, col, n.to_string())?;
        }
    }
    row(out, 2, "last indexed", t(i.last_indexed))?;
    row(out, 2, "index size", human_bytes(i.index_bytes))?;
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
    fn stats_columns_align_by_display_width() {
        let mut s = Stats::default();
        let i = s.index.get_or_insert_with(Default::default);
        i.by_column.insert("国际友城".into(), 12);
        i.by_column.insert("Sisterly Jinan".into(), 7);
        s.crawl.failures.push(jinan_types::FailureCount {
            kind: "a-very-long-failure-kind-name".into(),
            count: 3,
            examples: vec!["http://a/".into()],
        });
        let mut out = Vec::new();
        stats_text(&s, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let col = |needle: &str| {
            let line = text.lines().find(|l| l.contains(needle)).unwrap();
            let at = line.find(needle).unwrap() + needle.len();
            let rest = &line[at..];
            line[..at].width() + (rest.len() - rest.trim_start().len())
        };
        let start = col("国际友城");
        assert_eq!(col("Sisterly Jinan"), start, "{text}");
        assert_eq!(col("a-very-long-failure-kind-name"), start, "{text}");
        assert_eq!(col("urls known"), start, "{text}");
    }

    #[test]
    fn hit_counts_are_words_and_the_query_is_echoed_as_typed() {
        let mut r = SearchResults {
            query: "\"泉城\" title:济南".into(),
            total: 1,
            offset: 0,
            limit: 10,
            hits: Vec::new(),
            facets: None,
        };
        let text = |r: &SearchResults| {
            let mut out = Vec::new();
            search_text(r, &mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        r.offset = 3;
        assert_eq!(
            text(&r),
            "1 hit for: \"泉城\" title:济南; --offset 3 is past the last one (use --offset 0 to 0)\n"
        );
        r.total = 0;
        assert_eq!(text(&r), "no hits for: \"泉城\" title:济南\n");
        assert_eq!(hits(2), "2 hits");
    }

    #[test]
    fn bytes_are_human() {
        assert_eq!(human_bytes(512), "512.0 B");
        assert_eq!(human_bytes(2048), "2.0 KB");
    }
}
