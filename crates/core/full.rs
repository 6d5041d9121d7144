//! `jinan search --limit all`: every hit of a search written as it is found, in constant memory,
//! in each search format. The hits come from [`jinan_index::HitStream`] (index order, not ranked);
//! only the writer's buffer is held, so a query matching millions of articles costs no more
//! memory than one matching ten.

use std::io::{IsTerminal, Write};

use jinan_index::HitStream;
use jinan_types::{table, SearchRequest};

use crate::flags::SearchFormat;
use crate::output;

/// Writes every hit of `stream` (the full result set of `req`) to stdout in `format`.
pub fn write_all(
    req: &SearchRequest,
    stream: HitStream,
    format: SearchFormat,
) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let tty = stdout.is_terminal();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match format {
        SearchFormat::Jsonl => stream.for_each(|hit| -> anyhow::Result<()> {
            serde_json::to_writer(&mut out, &hit)?;
            out.write_all(b"\n")?;
            Ok(())
        })?,
        SearchFormat::Csv => {
            out.write_all(table::csv_line(&table::SEARCH_CSV_HEADER).as_bytes())?;
            stream.for_each(|hit| -> anyhow::Result<()> {
                out.write_all(table::search_csv_line(&hit).as_bytes())?;
                Ok(())
            })?;
        }
        SearchFormat::Json => {
            // The Search JSON object, its hits array written one hit at a time.
            let head = serde_json::json!({
                "query": req.query,
                "total": stream.total(),
                "offset": req.offset,
                "limit": stream.len(),
            })
            .to_string();
            let facets = stream.facets().map(serde_json::to_string).transpose()?;
            out.write_all(&head.as_bytes()[..head.len() - 1])?;
            out.write_all(b",\"hits\":[")?;
            let mut first = true;
            stream.for_each(|hit| -> anyhow::Result<()> {
                if !first {
                    out.write_all(b",")?;
                }
                first = false;
                serde_json::to_writer(&mut out, &hit)?;
                Ok(())
            })?;
            out.write_all(b"]")?;
            if let Some(f) = facets {
                write!(out, ",\"facets\":{f}")?;
            }
            out.write_all(b"}\n")?;
        }
        SearchFormat::Text => {
            if stream.is_empty() {
                writeln!(out, "no hits for {:?}", req.query)?;
                return Ok(out.flush()?);
            }
            writeln!(
                out,
                "{} hits for {:?}, showing all {} (index order)",
                stream.total(),
                req.query,
                stream.len()
            )?;
            let facets = stream.facets().cloned();
            let mut n = req.offset;
            stream.for_each(|hit| -> anyhow::Result<()> {
                n += 1;
                output::hit_text(&mut out, n, &hit, tty)?;
                Ok(())
            })?;
            if let Some(f) = facets {
                output::facets_text(&f, &mut out)?;
            }
        }
    }
    out.flush()?;
    Ok(())
}
