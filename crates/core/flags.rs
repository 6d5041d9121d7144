//! The command line, the environment and `jinan.toml`, declared once.
//!
//! Each command's options are one struct that derives both clap (`Args`) and serde: the clap
//! attributes give the flag, its environment variable (`env`, for the options a deployment sets)
//! and its default (`default_value_t` from the owning crate's constant), and the same field names
//! are the keys of that command's table in `jinan.toml`. So `--help`, the environment, the file and
//! the defaults cannot drift apart. Precedence: a flag, then the environment, then the file, then
//! the default: clap resolves the first two and the default, and [`Config::apply`] lets a file key
//! replace only a value clap took from its default (it asks clap where each value came from).
//!
//! Adding an option is adding one field (with its doc comment, which is its `--help` line) to the
//! command's options struct; it is then a flag, a `jinan.toml` key and, with `env`, a variable.

use clap::parser::ValueSource;
use clap::{ArgMatches, Args, FromArgMatches, Parser, Subcommand, ValueEnum};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The live site: the default target of `jinan crawl`.
pub const DEFAULT_SEED: &str = "http://english.jinan.gov.cn/";
/// Where `jinan serve` listens by default.
pub const DEFAULT_ADDR: &str = "127.0.0.1:7700";

#[derive(Parser, Debug)]
#[command(
    name = "jinan",
    version,
    about = "Crawl, archive (WARC), extract and search english.jinan.gov.cn",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub places: Places,
    /// Config file (TOML); default `jinan.toml` in the working directory, if present
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

/// The data folders every command uses (top-level keys of `jinan.toml`).
#[derive(Args, Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Places {
    /// Folder of the corpus: WARC files, crawl state
    #[arg(
        long,
        global = true,
        env = "JINAN_CORPUS",
        value_name = "DIR",
        default_value = "corpus"
    )]
    pub corpus: PathBuf,
    /// Folder of the search index
    #[arg(
        long,
        global = true,
        env = "JINAN_INDEX",
        value_name = "DIR",
        default_value = "index"
    )]
    pub index: PathBuf,
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
    /// Re-read every WARC record and check its digests (fixity); exit 1 if any is damaged
    Verify(VerifyArgs),
}

#[derive(Args, Debug)]
pub struct VerifyArgs {
    #[arg(long, value_enum, default_value = "text")]
    pub format: TextOrJson,
}

impl Command {
    /// The `jinan.toml` table of this command, if it reads one (`ingest` reads `[crawl]`). Only
    /// pass `Some` tables to [`Config::apply`]; `None` there means the top-level keys.
    pub fn table(&self) -> Option<&'static str> {
        match self {
            Command::Crawl(_) | Command::Ingest(_) => Some("crawl"),
            Command::Search(_) => Some("search"),
            Command::Serve(_) => Some("serve"),
            Command::Export(_) => Some("export"),
            Command::History(_) => Some("history"),
            Command::Stats(_) => Some("stats"),
            // `index` is the top-level key naming the index folder, so that command has no table.
            Command::Index(_) | Command::Extract(_) | Command::Verify(_) => None,
            // The workbench commands take flags only.
            Command::Trend(_) | Command::Watch(_) | Command::Dups(_) => None,
        }
    }
}

/// Options of `crawl` and `ingest` (`[crawl]` in `jinan.toml`).
#[derive(Args, Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrawlArgs {
    /// Start URL (repeatable)
    #[arg(long = "seed", value_name = "URL", env = "JINAN_SEEDS", value_delimiter = ',', default_value = DEFAULT_SEED)]
    pub seeds: Vec<String>,
    /// Host (or host:port) the crawl may fetch from (repeatable); none = the seeds' hosts
    #[arg(
        long = "allow-host",
        value_name = "HOST",
        env = "JINAN_ALLOW_HOSTS",
        value_delimiter = ','
    )]
    pub allow_hosts: Vec<String>,
    /// Stop after this many fetches
    #[arg(long, value_name = "N", env = "JINAN_MAX_PAGES")]
    pub max_pages: Option<u64>,
    /// Links followed from a seed at most
    #[arg(long, value_name = "N", env = "JINAN_MAX_DEPTH", default_value_t = jinan_crawler::DEFAULT_MAX_DEPTH)]
    pub max_depth: u32,
    /// Requests in flight at most (1 to 1024)
    #[arg(long, value_name = "N", env = "JINAN_CONCURRENCY", default_value_t = jinan_crawler::DEFAULT_CONCURRENCY)]
    pub concurrency: usize,
    /// Requests per second per host at most; 0 = unlimited
    #[arg(long, value_name = "R", env = "JINAN_RATE", allow_negative_numbers = true, default_value_t = jinan_crawler::DEFAULT_RATE)]
    pub rate: f64,
    /// Seconds before one request gives up
    #[arg(long, value_name = "SECS", env = "JINAN_TIMEOUT", allow_negative_numbers = true, default_value_t = jinan_crawler::DEFAULT_TIMEOUT_SECS)]
    pub timeout: f64,
    /// User-Agent header
    #[arg(long, value_name = "S", env = "JINAN_USER_AGENT", default_value = jinan_crawler::DEFAULT_USER_AGENT)]
    pub user_agent: String,
    /// Who runs the crawl (name and contact), written into each WARC file's warcinfo
    #[arg(long, value_name = "S", env = "JINAN_OPERATOR")]
    pub operator: Option<String>,
    /// Collection name written into each WARC file's warcinfo (isPartOf)
    #[arg(long, value_name = "NAME", env = "JINAN_COLLECTION", default_value = jinan_crawler::DEFAULT_COLLECTION)]
    pub collection: String,
    /// Summary format
    #[arg(long, value_enum, default_value_t = SummaryFormat::Text)]
    pub format: SummaryFormat,
}

/// Options of `index` (flags only: `index` in `jinan.toml` names the index folder).
#[derive(Args, Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexArgs {
    /// Re-extract every capture into a fresh index and swap it in atomically
    #[arg(long)]
    pub rebuild: bool,
    /// Summary format
    #[arg(long, value_enum, default_value_t = SummaryFormat::Text)]
    pub format: SummaryFormat,
}

#[derive(Args, Debug)]
pub struct ExtractArgs {
    /// HTML file, or `-` for standard input
    pub file: PathBuf,
    /// The page's address (for site rules and relative links)
    #[arg(long)]
    pub url: Option<String>,
    #[arg(long, value_enum, default_value_t = ArticleFormat::Json)]
    pub format: ArticleFormat,
}

/// The filters of `trend` and `watch add`, as `search` takes them. They reach the index through
/// the server's parsers as query parameters ([`FilterArgs::pairs`]), so the command line and the
/// HTTP API accept and refuse the same values with the same words; a saved search stores them as
/// given.
#[derive(Args, Debug, Clone, Default, Serialize, Deserialize)]
pub struct FilterArgs {
    /// Earliest date, YYYY-MM-DD (inclusive)
    #[arg(long)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Latest date, YYYY-MM-DD (inclusive)
    #[arg(long)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Only this column (exact name)
    #[arg(long)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// Only this language (en or zh)
    #[arg(long)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// Leave out articles deleted from the site
    #[arg(long)]
    #[serde(default)]
    pub live: bool,
}

impl FilterArgs {
    /// The filters given, as the query parameters of the HTTP API (`live=true` when set).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out: Vec<(&'static str, String)> = [
            ("from", &self.from),
            ("to", &self.to),
            ("column", &self.column),
            ("lang", &self.lang),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.clone().map(|v| (k, v)))
        .collect();
        if self.live {
            out.push(("live", "true".into()));
        }
        out
    }

    /// The filters as they would be typed (`--from "2020-01-01" --live`).
    pub fn flags(&self) -> String {
        let flags: Vec<String> = self
            .pairs()
            .into_iter()
            .map(|(k, v)| match k {
                "live" => "--live".to_string(),
                _ => format!("--{k} {v:?}"),
            })
            .collect();
        flags.join(" ")
    }
}

/// `search QUERY [options]`.
#[derive(Args, Debug)]
pub struct SearchArgs {
    /// The query: words (ANDed), "phrases", OR, NOT, -word, title:, body:, prefix*
    pub query: String,
    #[command(flatten)]
    pub options: SearchOptions,
}

/// Options of `search` (`[search]`).
#[derive(Args, Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchOptions {
    /// Hits per page, or `all` (every hit, written as found, in index order)
    #[arg(long, value_name = "N|all", value_parser = parse_limit,
          default_value_t = SearchLimit::Count(jinan_index::params::DEFAULT_LIMIT))]
    pub limit: SearchLimit,
    /// Hits to skip
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub offset: usize,
    /// Earliest date, YYYY-MM-DD (inclusive)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = jinan_index::params::parse_day)]
    pub from: Option<chrono::NaiveDate>,
    /// Latest date, YYYY-MM-DD (inclusive)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = jinan_index::params::parse_day)]
    pub to: Option<chrono::NaiveDate>,
    /// Only this column (exact name)
    #[arg(long, value_name = "NAME")]
    pub column: Option<String>,
    /// Only this language (en or zh)
    #[arg(long, value_name = "en|zh")]
    pub lang: Option<jinan_types::Lang>,
    /// Leave out articles deleted from the site
    #[arg(long)]
    pub live: bool,
    /// relevance, or date (newest first)
    #[arg(long, value_name = "relevance|date", default_value = "relevance")]
    pub sort: jinan_types::Sort,
    /// Also count all hits per column, language and year
    #[arg(long)]
    pub facets: bool,
    /// Show near-identical copies as hits of their own instead of folding them into the first
    #[arg(long)]
    pub no_collapse: bool,
    #[arg(long, value_enum, default_value_t = SearchFormat::Text)]
    pub format: SearchFormat,
}

/// `--limit`: a number of hits, or every hit (`all`; the same words in `jinan.toml`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchLimit {
    All,
    Count(usize),
}

impl std::fmt::Display for SearchLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SearchLimit::All => f.write_str("all"),
            SearchLimit::Count(n) => write!(f, "{n}"),
        }
    }
}

impl Serialize for SearchLimit {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            SearchLimit::All => s.serialize_str("all"),
            SearchLimit::Count(n) => s.serialize_u64(*n as u64),
        }
    }
}

impl<'de> Deserialize<'de> for SearchLimit {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Count(usize),
            Word(String),
        }
        match Raw::deserialize(d)
            .map_err(|_| serde::de::Error::custom("limit: expected a whole number or \"all\""))?
        {
            Raw::Count(n) => Ok(SearchLimit::Count(n)),
            Raw::Word(w) => parse_limit(&w).map_err(serde::de::Error::custom),
        }
    }
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

/// Options of `serve` (`[serve]`).
#[derive(Args, Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServeArgs {
    /// Address to listen on
    #[arg(long, value_name = "HOST:PORT", env = "JINAN_ADDR", default_value = DEFAULT_ADDR)]
    pub addr: String,
    /// Answers kept for repeated searches until the index changes; 0 turns the cache off
    #[arg(long, value_name = "N", env = "JINAN_CACHE", default_value_t = jinan_server::CACHED_ANSWERS)]
    pub cache: usize,
}

/// Options of `export` (`[export]`).
#[derive(Args, Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportArgs {
    #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
    pub format: ExportFormat,
    /// Index name written into `bulk` actions
    #[arg(long, default_value = "jinan", value_name = "NAME")]
    pub bulk_index: String,
    /// Leave out articles deleted from the site
    #[arg(long)]
    pub live: bool,
    /// File to write (`--format wacz`)
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `history URL [options]`.
#[derive(Args, Debug)]
pub struct HistoryArgs {
    pub url: String,
    #[command(flatten)]
    pub options: HistoryOptions,
}

/// Options of `history` (`[history]`).
#[derive(Args, Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryOptions {
    /// Show the text changes between the last two versions
    #[arg(long)]
    pub diff: bool,
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

/// Options of `stats` (`[stats]`).
#[derive(Args, Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatsArgs {
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SearchFormat {
    Text,
    Json,
    /// One hit object per line.
    Jsonl,
    Csv,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SummaryFormat {
    Text,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextOrJson {
    Text,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArticleFormat {
    Json,
    Text,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Jsonl,
    Csv,
    Bulk,
    Cdxj,
    Wacz,
}

/// Parses a command line: the options and clap's record of where each value came from.
pub fn parse_from(args: &[std::ffi::OsString]) -> Result<(Cli, ArgMatches), clap::Error> {
    use clap::CommandFactory;
    let matches = Cli::command().try_get_matches_from(args)?;
    let cli = Cli::from_arg_matches(&matches)?;
    Ok((cli, matches))
}

/// `jinan.toml`, read but not yet applied: the top-level keys and one table per command.
#[derive(Debug, Default)]
pub struct Config {
    path: PathBuf,
    text: String,
    table: toml::Table,
}

/// Tables `jinan.toml` may have, one per command that reads options from it.
const TABLES: &[&str] = &[
    "crawl", "index", "search", "serve", "export", "history", "stats",
];

impl Config {
    /// Reads `--config FILE` (which must exist) or `./jinan.toml` (if it exists), and checks every
    /// table against its command's options (unknown keys and wrong types are errors, whichever
    /// command runs).
    pub fn load(explicit: Option<&Path>) -> anyhow::Result<Config> {
        let (path, must_exist) = match explicit {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from("jinan.toml"), false),
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => {
                return Ok(Config::default())
            }
            Err(e) => {
                return Err(crate::messages::usage(format!(
                    "cannot read config file {}: {e}",
                    path.display()
                )))
            }
        };
        let table: toml::Table = toml::from_str(&text).map_err(|e| {
            // The reason (say "expected `=`") and where it is.
            let at = e.span().map_or(String::new(), |span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                format!(" (line {line}, column {column})")
            });
            let reason = e.message().trim().replace('\n', " ");
            crate::messages::usage(format!("bad config file {}: {reason}{at}", path.display()))
        })?;
        let config = Config { path, text, table };
        config.check::<Places>(None)?;
        config.check::<CrawlArgs>(Some("crawl"))?;
        config.check::<SearchOptions>(Some("search"))?;
        config.check::<ServeArgs>(Some("serve"))?;
        config.check::<ExportArgs>(Some("export"))?;
        config.check::<HistoryOptions>(Some("history"))?;
        config.check::<StatsArgs>(Some("stats"))?;
        Ok(config)
    }

    /// The keys of one table (`None`: the top level, without the tables).
    fn keys(&self, table: Option<&str>) -> anyhow::Result<toml::Table> {
        match table {
            None => Ok(self
                .table
                .iter()
                .filter(|(k, v)| !(TABLES.contains(&k.as_str()) && v.is_table()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()),
            Some(name) => match self.table.get(name) {
                None => Ok(toml::Table::new()),
                Some(toml::Value::Table(t)) => Ok(t.clone()),
                Some(_) => Err(self.bad(Some(name), "expected a table")),
            },
        }
    }

    fn bad(&self, table: Option<&str>, why: impl std::fmt::Display) -> anyhow::Error {
        let place = table.map(|t| format!(" [{t}]")).unwrap_or_default();
        let why = why.to_string();
        // Where: the line of the key the reason names (serde says "unknown field `limt`").
        let at = why
            .split('`')
            .nth(1)
            .and_then(|key| {
                self.text
                    .lines()
                    .position(|l| l.trim_start().starts_with(key))
            })
            .map_or(String::new(), |i| format!(" (line {})", i + 1));
        crate::messages::usage(format!(
            "bad config file {}{place}: {why}{at}",
            self.path.display()
        ))
    }

    /// Applies a table to its command's defaults, to find mistakes before anything runs.
    fn check<T: Args + FromArgMatches + Serialize + DeserializeOwned>(
        &self,
        table: Option<&str>,
    ) -> anyhow::Result<()> {
        let cmd = T::augment_args(clap::Command::new("jinan").no_binary_name(true));
        let matches = cmd
            .try_get_matches_from(std::iter::empty::<String>())
            .map_err(|e| self.bad(table, e.kind()))?;
        let defaults = T::from_arg_matches(&matches).map_err(|e| self.bad(table, e.kind()))?;
        self.apply(defaults, &matches, table).map(drop)
    }

    /// `options` as clap parsed them, with each key of `table` in the file replacing the value of
    /// an option that neither a flag nor the environment set.
    pub fn apply<T: Serialize + DeserializeOwned>(
        &self,
        options: T,
        matches: &ArgMatches,
        table: Option<&str>,
    ) -> anyhow::Result<T> {
        let keys = self.keys(table)?;
        if keys.is_empty() {
            return Ok(options);
        }
        let mut value = serde_json::to_value(&options)?;
        let Some(fields) = value.as_object_mut() else {
            return Ok(options);
        };
        for (key, v) in keys {
            // Unknown keys go in as they are: deserializing names them.
            let known = fields.contains_key(&key);
            let explicit = known
                && matches!(
                    matches.value_source(&key),
                    Some(ValueSource::CommandLine | ValueSource::EnvVariable)
                );
            if !explicit {
                fields.insert(key, serde_json::to_value(v)?);
            }
        }
        serde_json::from_value(value).map_err(|e| self.bad(table, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse_from(args: &[&str]) -> (Cli, ArgMatches) {
        let matches = Cli::command().try_get_matches_from(args).unwrap();
        (Cli::from_arg_matches(&matches).unwrap(), matches)
    }

    fn config(text: &str) -> Config {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jinan.toml");
        std::fs::write(&path, text).unwrap();
        Config::load(Some(&path)).unwrap()
    }

    fn crawl_options(args: &[&str], file: &Config) -> CrawlArgs {
        let (cli, m) = parse_from(args);
        let Command::Crawl(a) = cli.command else {
            panic!("not crawl")
        };
        let (_, sub) = m.subcommand().unwrap();
        file.apply(a, sub, Some("crawl")).unwrap()
    }

    #[test]
    fn defaults_come_from_the_crates() {
        let a = crawl_options(&["jinan", "crawl"], &Config::default());
        let c = jinan_crawler::CrawlConfig::new(Vec::new());
        assert_eq!(a.max_depth, c.max_depth);
        assert_eq!(a.concurrency, c.concurrency);
        assert_eq!(a.rate, c.rate);
        assert_eq!(a.timeout, c.timeout.as_secs_f64());
        assert_eq!(a.user_agent, c.user_agent);
        assert_eq!(a.seeds, [DEFAULT_SEED]);
    }

    #[test]
    fn flags_win_over_the_file_which_wins_over_defaults() {
        // The environment sits between flags and the file; it is exercised through the binary
        // (tests/cli.rs), since setting variables here would race other tests.
        let file = config(
            "corpus = \"/c\"\n[crawl]\nrate = 5\nmax_depth = 3\nseeds = [\"http://a.test/\"]\n",
        );
        let a = crawl_options(&["jinan", "crawl", "--rate", "1"], &file);
        assert_eq!((a.rate, a.max_depth), (1.0, 3));
        assert_eq!(a.seeds, ["http://a.test/"]);
        assert_eq!(a.concurrency, jinan_crawler::DEFAULT_CONCURRENCY);
        let (cli, m) = parse_from(&["jinan", "stats", "--index", "/i"]);
        let places = file.apply(cli.places, &m, None).unwrap();
        assert_eq!(
            (places.corpus.as_path(), places.index.as_path()),
            (Path::new("/c"), Path::new("/i"))
        );
    }

    #[test]
    fn file_mistakes_name_their_table_and_reason() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jinan.toml");
        for (text, want) in [
            (
                "[crawl]\nmax_dept = 3\n",
                "[crawl]: unknown field `max_dept`",
            ),
            ("[serve]\ncache = \"many\"\n", "[serve]: invalid type"),
            ("[search]\nsort = \"popular\"\n", "[search]"),
            ("corpsu = \"x\"\n", "unknown field `corpsu`"),
        ] {
            std::fs::write(&path, text).unwrap();
            let e = Config::load(Some(&path)).unwrap_err().to_string();
            assert!(e.contains(want), "{text:?}: {e}");
        }
    }

    #[test]
    fn help_shows_each_default_and_variable_once() {
        let mut cli = Cli::command();
        cli.build();
        let help = cli
            .find_subcommand_mut("crawl")
            .unwrap()
            .render_long_help()
            .to_string();
        let depth = format!("[default: {}]", jinan_crawler::DEFAULT_MAX_DEPTH);
        assert!(help.contains(&depth), "{help}");
        assert!(help.contains(jinan_crawler::DEFAULT_USER_AGENT), "{help}");
        assert_eq!(help.matches("JINAN_RATE").count(), 1, "{help}");
        assert_eq!(help.matches("JINAN_CORPUS").count(), 1, "{help}");
        let top = Cli::command().render_long_help().to_string();
        assert_eq!(top.matches("JINAN_INDEX").count(), 1, "{top}");
    }
}
