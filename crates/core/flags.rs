//! Command-line flags and the optional `jinan.toml`, merged into one set of options.
//!
//! Every option can come from a flag, an environment variable (for the data folders) or the config
//! file; flags win over the environment, which wins over the file, which wins over the defaults.
//! Flags are parsed with clap into `Option`s (no clap defaults) precisely so that the merge can
//! tell "not given" from "given as the default value".

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The live site: the default target of `jinan crawl`.
pub const DEFAULT_SEED: &str = "http://english.jinan.gov.cn/";

#[derive(Parser, Debug)]
#[command(
    name = "jinan",
    version,
    about = "Crawl, archive (WARC), extract and search english.jinan.gov.cn",
    propagate_version = true
)]
pub struct Cli {
    /// Folder of the corpus: WARC files, crawl state [env: JINAN_CORPUS] [default: corpus]
    #[arg(long, global = true, env = "JINAN_CORPUS", value_name = "DIR")]
    pub corpus: Option<PathBuf>,
    /// Folder of the search index [env: JINAN_INDEX] [default: index]
    #[arg(long, global = true, env = "JINAN_INDEX", value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// Config file (TOML); default `jinan.toml` in the working directory, if present
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Fetch the site into the corpus (WARC), politely and resumably
    Crawl(CrawlArgs),
    /// Extract every capture not yet indexed and update the index
    Index(IndexArgs),
    /// Crawl, then index: the job cron runs
    Ingest(CrawlArgs),
    /// Extract one HTML page and print the article (needs no corpus)
    Extract(ExtractArgs),
    /// Search the index
    Search(SearchArgs),
    /// Serve the HTTP API and the search page
    Serve(ServeArgs),
    /// Write every article (latest version of each URL) to stdout
    Export(ExportArgs),
    /// Matching articles per year or month, against all articles of the period
    Trend(crate::research::TrendArgs),
    /// Saved searches: each `ingest` reports their new matches
    Watch(crate::watch::WatchArgs),
    /// Groups of near-identical articles (the same text republished)
    Dups(crate::research::DupsArgs),
    /// List every capture of a URL
    History(HistoryArgs),
    /// Pages fetched, articles indexed, failures, sizes
    Stats(StatsArgs),
}

#[derive(Args, Debug, Default, Clone)]
pub struct CrawlArgs {
    /// Start URL (repeatable) [default: http://english.jinan.gov.cn/]
    #[arg(long = "seed", value_name = "URL")]
    pub seeds: Vec<String>,
    /// Host (or host:port) the crawl may fetch from (repeatable) [default: the seeds' hosts]
    #[arg(long = "allow-host", value_name = "HOST")]
    pub allow_hosts: Vec<String>,
    /// Stop after this many fetches
    #[arg(long, value_name = "N")]
    pub max_pages: Option<u64>,
    /// Links followed from a seed at most [default: 20]
    #[arg(long, value_name = "N")]
    pub max_depth: Option<u32>,
    /// Requests in flight at most [default: 4]
    #[arg(long, value_name = "N")]
    pub concurrency: Option<usize>,
    /// Requests per second per host at most; 0 = unlimited [default: 2]
    #[arg(long, value_name = "R", allow_negative_numbers = true)]
    pub rate: Option<f64>,
    /// Seconds before one request gives up [default: 30]
    #[arg(long, value_name = "SECS", allow_negative_numbers = true)]
    pub timeout: Option<f64>,
    /// User-Agent header [default: jinan/VERSION (+homepage)]
    #[arg(long, value_name = "S")]
    pub user_agent: Option<String>,
    /// Summary format
    #[arg(long, value_enum)]
    pub format: Option<SummaryFormat>,
}

#[derive(Args, Debug, Default)]
pub struct IndexArgs {
    /// Re-extract every capture into a fresh index and swap it in atomically
    #[arg(long)]
    pub rebuild: bool,
    /// Summary format
    #[arg(long, value_enum)]
    pub format: Option<SummaryFormat>,
}

#[derive(Args, Debug)]
pub struct ExtractArgs {
    /// HTML file, or `-` for standard input
    pub file: PathBuf,
    /// The page's address (for site rules and relative links)
    #[arg(long)]
    pub url: Option<String>,
    #[arg(long, value_enum, default_value = "json")]
    pub format: ArticleFormat,
}

#[derive(Args, Debug)]
pub struct SearchArgs {
    /// The query: words (ANDed), "phrases", OR, NOT, -word, title:, body:, prefix*
    pub query: String,
    /// Hits per page, or `all` (every hit, written as found, in index order) [default: 10]
    #[arg(long, value_name = "N|all", value_parser = parse_limit)]
    pub limit: Option<SearchLimit>,
    /// Hits to skip
    #[arg(long, value_name = "N")]
    pub offset: Option<usize>,
    /// Earliest date, YYYY-MM-DD (inclusive)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = jinan_index::params::parse_day)]
    pub from: Option<chrono::NaiveDate>,
    /// Latest date, YYYY-MM-DD (inclusive)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = jinan_index::params::parse_day)]
    pub to: Option<chrono::NaiveDate>,
    /// Only this column (exact name)
    #[arg(long)]
    pub column: Option<String>,
    /// Only this language (en or zh)
    #[arg(long)]
    pub lang: Option<jinan_types::Lang>,
    /// Leave out articles deleted from the site
    #[arg(long)]
    pub live: bool,
    /// relevance or date (newest first)
    #[arg(long)]
    pub sort: Option<jinan_types::Sort>,
    /// Also count all hits per column, language and year
    #[arg(long)]
    pub facets: bool,
    /// Show near-identical copies as hits of their own instead of folding them into the first
    #[arg(long)]
    pub no_collapse: bool,
    #[arg(long, value_enum)]
    pub format: Option<SearchFormat>,
}

/// `--limit`: a number of hits, or every hit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchLimit {
    All,
    Count(usize),
}

/// Reads `--limit`: `all` or a whole number.
fn parse_limit(s: &str) -> Result<SearchLimit, String> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("all") {
        return Ok(SearchLimit::All);
    }
    s.parse::<usize>()
        .map(SearchLimit::Count)
        .map_err(|_| format!("expected a whole number or `all`, not {s:?}"))
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:7700]
    #[arg(long, value_name = "HOST:PORT")]
    pub addr: Option<String>,
    /// Answers kept for repeated searches until the index changes; 0 turns the cache off
    /// [default: 4096]
    #[arg(long, value_name = "N")]
    pub cache: Option<usize>,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: ExportFormat,
    /// Index name written into `bulk` actions
    #[arg(long, default_value = "jinan", value_name = "NAME")]
    pub bulk_index: String,
    /// Leave out articles deleted from the site
    #[arg(long)]
    pub live: bool,
}

#[derive(Args, Debug)]
pub struct HistoryArgs {
    pub url: String,
    /// Show the text changes between the last two versions
    #[arg(long)]
    pub diff: bool,
    #[arg(long, value_enum, default_value = "text")]
    pub format: TextOrJson,
}

#[derive(Args, Debug)]
pub struct StatsArgs {
    #[arg(long, value_enum, default_value = "text")]
    pub format: TextOrJson,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SearchFormat {
    Text,
    Json,
    /// One hit object per line.
    Jsonl,
    Csv,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SummaryFormat {
    Text,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextOrJson {
    Text,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArticleFormat {
    Json,
    Text,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Jsonl,
    Csv,
    Bulk,
}

/// `jinan.toml`: every option the flags have, grouped by command.
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub corpus: Option<PathBuf>,
    pub index: Option<PathBuf>,
    #[serde(default)]
    pub crawl: CrawlConfigFile,
    #[serde(default)]
    pub search: SearchConfigFile,
    #[serde(default)]
    pub serve: ServeConfigFile,
}

#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct CrawlConfigFile {
    #[serde(default)]
    pub seeds: Vec<String>,
    #[serde(default)]
    pub allow_hosts: Vec<String>,
    pub max_pages: Option<u64>,
    pub max_depth: Option<u32>,
    pub concurrency: Option<usize>,
    pub rate: Option<f64>,
    pub timeout: Option<f64>,
    pub user_agent: Option<String>,
    pub format: Option<SummaryFormat>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct SearchConfigFile {
    pub limit: Option<usize>,
    pub sort: Option<jinan_types::Sort>,
    pub format: Option<SearchFormat>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct ServeConfigFile {
    pub addr: Option<String>,
    pub cache: Option<usize>,
}

/// Reads `--config FILE` (which must exist) or `./jinan.toml` (if it exists).
pub fn load_config(explicit: Option<&Path>) -> anyhow::Result<ConfigFile> {
    let (path, must_exist) = match explicit {
        Some(p) => (p.to_path_buf(), true),
        None => (PathBuf::from("jinan.toml"), false),
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => {
            return Ok(ConfigFile::default())
        }
        Err(e) => {
            return Err(crate::messages::usage(format!(
                "cannot read config file {}: {e}",
                path.display()
            )))
        }
    };
    toml::from_str(&text).map_err(|e| {
        // The reason (say "unknown field `limt`, expected one of ...") and where it is.
        let at = e.span().map_or(String::new(), |span| {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!(" (line {line}, column {column})")
        });
        let reason = e.message().trim().replace('\n', " ");
        crate::messages::usage(format!("bad config file {}: {reason}{at}", path.display()))
    })
}

impl CrawlArgs {
    /// Flags first, then the config file.
    pub fn merged(mut self, file: &CrawlConfigFile) -> CrawlArgs {
        if self.seeds.is_empty() {
            self.seeds = file.seeds.clone();
        }
        if self.allow_hosts.is_empty() {
            self.allow_hosts = file.allow_hosts.clone();
        }
        self.max_pages = self.max_pages.or(file.max_pages);
        self.max_depth = self.max_depth.or(file.max_depth);
        self.concurrency = self.concurrency.or(file.concurrency);
        self.rate = self.rate.or(file.rate);
        self.timeout = self.timeout.or(file.timeout);
        self.user_agent = self.user_agent.or_else(|| file.user_agent.clone());
        self.format = self.format.or(file.format);
        self
    }
}
