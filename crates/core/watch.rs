//! Saved searches (`jinan watch add|list|rm`) and what each `ingest` reports about them.
//!
//! The searches live in the corpus (`CORPUS/watches.json`, written atomically), with, per search,
//! the ids of the articles it matched at the previous ingest (`CORPUS/watch/NAME.seen`, one id a
//! line). An ingest runs every saved search over the whole index with its filters, reports the
//! matches it had not seen (newest first), and remembers the new set. So "new" means new to that
//! search: a fresh article, or an edited one that now matches. Adding a search records what it
//! matches already, so the first report holds only what arrives after it.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use jinan_types::{article_id, SearchRequest};
use serde::{Deserialize, Serialize};

use crate::flags::FilterArgs;
use crate::messages::usage;

/// Longest saved-search name.
const MAX_NAME: usize = 64;
/// Newest new matches listed per search in a report (the count covers all).
const LISTED: usize = 20;

#[derive(Args, Debug)]
pub struct WatchArgs {
    #[command(subcommand)]
    pub action: WatchAction,
}

#[derive(Subcommand, Debug)]
pub enum WatchAction {
    /// Save a search; each `ingest` reports its new matches
    Add(WatchAddArgs),
    /// List the saved searches
    List(WatchListArgs),
    /// Remove a saved search
    Rm(WatchRmArgs),
}

#[derive(Args, Debug)]
pub struct WatchAddArgs {
    /// Letters, digits, `-` and `_`
    pub name: String,
    /// The query, as for `jinan search`
    pub query: String,
    #[command(flatten)]
    pub filters: FilterArgs,
}

#[derive(Args, Debug)]
pub struct WatchListArgs {
    #[arg(long, value_enum, default_value = "text")]
    pub format: ListFormat,
}

#[derive(Args, Debug)]
pub struct WatchRmArgs {
    pub name: String,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListFormat {
    Text,
    Json,
}

/// One saved search as stored.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Watch {
    pub name: String,
    pub query: String,
    #[serde(flatten)]
    pub filters: FilterArgs,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Serialize, Deserialize, Debug, Default)]
struct WatchFile {
    watches: Vec<Watch>,
}

/// A new match, as reported.
#[derive(Serialize, Debug)]
pub struct NewMatch {
    pub url: String,
    pub title: String,
    pub date: Option<NaiveDate>,
}

/// What one ingest found for one saved search.
#[derive(Serialize, Debug)]
pub struct WatchReport {
    pub name: String,
    pub query: String,
    /// Articles matching now.
    pub matches: usize,
    /// Matches not seen at the previous ingest.
    pub new: usize,
    /// The newest of them (at most 20).
    pub articles: Vec<NewMatch>,
}

fn file(corpus: &Path) -> PathBuf {
    corpus.join("watches.json")
}

fn seen_file(corpus: &Path, name: &str) -> PathBuf {
    corpus.join("watch").join(format!("{name}.seen"))
}

fn load(corpus: &Path) -> anyhow::Result<WatchFile> {
    let path = file(corpus);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text)
            .with_context(|| format!("reading the saved searches in {}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(WatchFile::default()),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// Writes `bytes` to `path` through a temporary file and a rename, so a reader never sees half.
fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

fn save(corpus: &Path, f: &WatchFile) -> anyhow::Result<()> {
    write_atomic(&file(corpus), serde_json::to_string_pretty(f)?.as_bytes())
}

impl Watch {
    /// The search this watch runs (through the shared parser: the same rules as `jinan search`).
    fn request(&self) -> anyhow::Result<SearchRequest> {
        let params = jinan_index::SearchParams {
            q: Some(self.query.clone()),
            from: self.filters.from.clone(),
            to: self.filters.to.clone(),
            column: self.filters.column.clone(),
            lang: self.filters.lang.clone(),
            live: self.filters.live.then(|| "true".to_string()),
            ..Default::default()
        };
        let mut req = jinan_index::search_request(&params).map_err(|e| usage(e.to_string()))?;
        req.collapse = false;
        Ok(req)
    }
}

/// Ids of every article the search matches now, with the hits themselves for the new ones.
fn matches(
    searcher: &jinan_index::Searcher,
    req: &SearchRequest,
    seen: &HashSet<String>,
) -> anyhow::Result<(HashSet<String>, Vec<NewMatch>)> {
    let mut ids = HashSet::new();
    let mut fresh = Vec::new();
    searcher
        .stream(req)?
        .for_each(|hit| -> anyhow::Result<()> {
            let id = article_id(&hit.url);
            if !seen.contains(&id) {
                fresh.push(NewMatch {
                    url: hit.url,
                    title: hit.title,
                    date: hit.date,
                });
            }
            ids.insert(id);
            Ok(())
        })?;
    fresh.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.url.cmp(&b.url)));
    Ok((ids, fresh))
}

fn read_seen(corpus: &Path, name: &str) -> anyhow::Result<HashSet<String>> {
    let path = seen_file(corpus, name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(text.lines().map(str::to_string).collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(HashSet::new()),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

fn write_seen(corpus: &Path, name: &str, ids: &HashSet<String>) -> anyhow::Result<()> {
    let mut sorted: Vec<&String> = ids.iter().collect();
    sorted.sort();
    let mut text = String::with_capacity(sorted.len() * 17);
    for id in sorted {
        text.push_str(id);
        text.push('\n');
    }
    write_atomic(&seen_file(corpus, name), text.as_bytes())
}

/// `jinan watch ...`. `index` is where `add` records what the search matches already.
pub fn run(corpus: &Path, index: &Path, args: WatchArgs) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match args.action {
        WatchAction::Add(a) => {
            let name = a.name.trim().to_string();
            if name.is_empty()
                || name.len() > MAX_NAME
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(usage(format!(
                    "bad saved-search name {:?}: use 1 to {MAX_NAME} letters, digits, - or _",
                    a.name
                )));
            }
            let mut f = load(corpus)?;
            if f.watches.iter().any(|w| w.name == name) {
                return Err(usage(format!(
                    "a saved search named {name:?} exists already; `jinan watch rm {name}` first"
                )));
            }
            let w = Watch {
                name: name.clone(),
                query: a.query,
                filters: a.filters,
                created_at: chrono::Utc::now(),
            };
            let req = w.request()?;
            let mut current = 0;
            if let Ok(searcher) = jinan_index::Searcher::open(index) {
                let (ids, _) = matches(&searcher, &req, &HashSet::new())?;
                current = ids.len();
                write_seen(corpus, &name, &ids)?;
            }
            f.watches.push(w);
            save(corpus, &f)?;
            writeln!(
                out,
                "saved search {name:?} added ({current} articles match now; each ingest reports new ones)"
            )?;
        }
        WatchAction::List(a) => {
            let f = load(corpus)?;
            match a.format {
                ListFormat::Json => writeln!(out, "{}", serde_json::to_string(&f.watches)?)?,
                ListFormat::Text if f.watches.is_empty() => writeln!(
                    out,
                    "no saved searches (add one with `jinan watch add NAME QUERY`)"
                )?,
                ListFormat::Text => {
                    for w in &f.watches {
                        writeln!(out, "{:<20} {:?} {}", w.name, w.query, w.filters.flags())?;
                    }
                }
            }
        }
        WatchAction::Rm(a) => {
            let mut f = load(corpus)?;
            let before = f.watches.len();
            f.watches.retain(|w| w.name != a.name);
            if f.watches.len() == before {
                return Err(usage(format!("no saved search named {:?}", a.name)));
            }
            save(corpus, &f)?;
            let seen = seen_file(corpus, &a.name);
            if seen.exists() {
                std::fs::remove_file(&seen)
                    .with_context(|| format!("removing {}", seen.display()))?;
            }
            writeln!(out, "saved search {:?} removed", a.name)?;
        }
    }
    Ok(())
}

/// After an ingest: the new matches of every saved search, and the new seen sets written.
pub fn report(corpus: &Path, index: &Path) -> anyhow::Result<Vec<WatchReport>> {
    let f = load(corpus)?;
    if f.watches.is_empty() {
        return Ok(Vec::new());
    }
    let searcher = jinan_index::Searcher::open(index).context("opening the index")?;
    let mut reports = Vec::with_capacity(f.watches.len());
    for w in &f.watches {
        let req = match w.request() {
            Ok(r) => r,
            Err(e) => {
                eprintln!("jinan: saved search {:?} skipped: {e}", w.name);
                continue;
            }
        };
        let seen = read_seen(corpus, &w.name)?;
        let (ids, fresh) = match matches(&searcher, &req, &seen) {
            Ok(m) => m,
            Err(e) => {
                eprintln!("jinan: saved search {:?} skipped: {e}", w.name);
                continue;
            }
        };
        write_seen(corpus, &w.name, &ids)?;
        reports.push(WatchReport {
            name: w.name.clone(),
            query: w.query.clone(),
            matches: ids.len(),
            new: fresh.len(),
            articles: fresh.into_iter().take(LISTED).collect(),
        });
    }
    Ok(reports)
}

/// The report lines printed after the ingest summary.
pub fn report_text(reports: &[WatchReport], out: &mut impl Write) -> std::io::Result<()> {
    for r in reports {
        writeln!(
            out,
            "watch {}: {} new of {} matching {:?}",
            r.name, r.new, r.matches, r.query
        )?;
        for a in &r.articles {
            writeln!(
                out,
                "  {}  {}  {}",
                a.date
                    .map_or_else(|| "----------".into(), |d| d.to_string()),
                a.url,
                a.title
            )?;
        }
    }
    Ok(())
}
