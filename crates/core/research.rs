//! The research commands: `jinan trend` (matches per period against all articles of the period)
//! and `jinan dups` (groups of near-identical articles).
//! Requests go through the server's parsers, so the command line and the HTTP API agree on every
//! option and error.

use std::io::Write;

use clap::{Args, ValueEnum};
use jinan_types::{table, Dups, Trend};

use crate::flags::FilterArgs;
use crate::messages::usage;

#[derive(Args, Debug)]
pub struct TrendArgs {
    /// One or more queries, each its own series
    #[arg(required = true, value_name = "QUERY")]
    pub queries: Vec<String>,
    /// year or month [default: year]
    #[arg(long)]
    pub interval: Option<String>,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[arg(long, value_enum, default_value = "text")]
    pub format: TrendFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrendFormat {
    Text,
    Json,
    Csv,
}

/// `jinan trend`.
pub fn trend(searcher: &jinan_index::Searcher, args: TrendArgs) -> anyhow::Result<()> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for q in &args.queries {
        if q.trim().is_empty() {
            return Err(usage(
                "a trend query is empty: give some words to search for",
            ));
        }
        pairs.push(("q".into(), q.clone()));
    }
    if let Some(interval) = &args.interval {
        pairs.push(("interval".into(), interval.clone()));
    }
    pairs.extend(
        args.filters
            .pairs()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v)),
    );
    let request = jinan_server::trend_request(&pairs).map_err(|e| usage(e.message()))?;
    let trend = jinan_server::run_trend(searcher, &request).map_err(|e| match e {
        jinan_server::ApiError::Internal(detail) => anyhow::anyhow!("trend failed: {detail}"),
        other => usage(other.message()),
    })?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        TrendFormat::Json => writeln!(out, "{}", serde_json::to_string(&trend)?)?,
        TrendFormat::Csv => out.write_all(table::trend_csv(&trend).as_bytes())?,
        TrendFormat::Text => trend_text(&trend, &mut out)?,
    }
    out.flush()?;
    Ok(())
}

/// A table: one row per period, the period's article total, then count and share per query.
fn trend_text(t: &Trend, out: &mut impl Write) -> std::io::Result<()> {
    let Some(first) = t.series.first() else {
        return Ok(());
    };
    if first.points.is_empty() {
        return writeln!(out, "no dated articles match the filters");
    }
    let width = |q: &str| q.chars().count().max(16);
    write!(out, "{:<8} {:>8}", "period", "articles")?;
    for s in &t.series {
        write!(out, "  {:>w$}", s.query, w = width(&s.query))?;
    }
    writeln!(out)?;
    for (i, p) in first.points.iter().enumerate() {
        write!(out, "{:<8} {:>8}", p.period, p.total)?;
        for s in &t.series {
            let pt = &s.points[i];
            let cell = format!("{} ({:.1}%)", pt.count, pt.share * 100.0);
            write!(out, "  {:>w$}", cell, w = width(&s.query))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

#[derive(Args, Debug)]
pub struct DupsArgs {
    #[arg(long, value_enum, default_value = "text")]
    pub format: DupsFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DupsFormat {
    Text,
    Json,
}

/// `jinan dups`.
pub fn dups(searcher: &jinan_index::Searcher, args: DupsArgs) -> anyhow::Result<()> {
    let dups = searcher.dups()?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        DupsFormat::Json => writeln!(out, "{}", serde_json::to_string(&dups)?)?,
        DupsFormat::Text => dups_text(&dups, &mut out)?,
    }
    out.flush()?;
    Ok(())
}

fn dups_text(d: &Dups, out: &mut impl Write) -> std::io::Result<()> {
    let copies: usize = d.groups.iter().map(|g| g.articles.len() - 1).sum();
    writeln!(
        out,
        "{} groups of near-identical articles ({copies} copies) among {} fingerprinted articles",
        d.groups.len(),
        d.fingerprinted
    )?;
    for (i, g) in d.groups.iter().enumerate() {
        writeln!(out, "\n{}. {} articles", i + 1, g.articles.len())?;
        for a in &g.articles {
            writeln!(
                out,
                "   {}  {:<16}  {}  {}{}",
                a.date
                    .map_or_else(|| "----------".into(), |d| d.to_string()),
                a.column.as_deref().unwrap_or("-"),
                a.url,
                a.title,
                if a.deleted_at.is_some() {
                    " [deleted]"
                } else {
                    ""
                }
            )?;
        }
    }
    Ok(())
}
