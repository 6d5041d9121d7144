//! One function per subcommand: resolve options, take the locks the command needs, call the
//! libraries, print results to stdout.

use crate::flags::{
    self, ArticleFormat, Cli, Command, Config, CrawlArgs, ExportArgs, ExtractArgs, HistoryArgs,
    SearchArgs, SearchFormat, ServeArgs, StatsArgs, SummaryFormat, TextOrJson,
};
use crate::lock::RunLock;
use crate::messages::{self, usage};
use crate::output;
use crate::progress::Progress;
use anyhow::Context;
use jinan_ingest::IndexSummary;
use jinan_types::Stats;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Resolved locations shared by every command.
struct Places {
    corpus: PathBuf,
    index: PathBuf,
}

pub fn run(cli: Cli, matches: &clap::ArgMatches) -> anyhow::Result<()> {
    let config = Config::load(cli.config.as_deref())?;
    let flags::Places { corpus, index } = config.apply(cli.places, matches, None)?;
    let places = Places { corpus, index };
    // The subcommand's own matches say which of its options came from a flag or the environment.
    let sub = matches.subcommand().map(|(_, m)| m).unwrap_or(matches);
    let table = cli.command.table();
    match cli.command {
        Command::Crawl(args) => crawl(&places, config.apply(args, sub, table)?),
        Command::Index(args) => {
            let _lock = RunLock::acquire(&places.index, "index")?;
            let summary = run_index(&places, args.rebuild)?;
            print_index_summary(&summary, args.format)
        }
        Command::Ingest(args) => ingest(&places, config.apply(args, sub, table)?),
        Command::Extract(args) => extract(args),
        Command::Search(mut args) => {
            args.options = config.apply(args.options, sub, table)?;
            search(&places, args)
        }
        Command::Serve(args) => serve(&places, config.apply(args, sub, table)?),
        Command::Export(args) => export(&places, config.apply(args, sub, table)?),
        Command::Trend(args) => crate::research::trend(&open_searcher(&places.index)?, args),
        Command::Watch(args) => crate::watch::run(&places.corpus, &places.index, args),
        Command::Dups(args) => crate::research::dups(&open_searcher(&places.index)?, args),
        Command::History(mut args) => {
            args.options = config.apply(args.options, sub, table)?;
            history(&places, args)
        }
        Command::Stats(args) => stats_cmd(&places, config.apply(args, sub, table)?),
        Command::Verify(args) => {
            crate::handover::verify(&places.corpus, args.format == TextOrJson::Json)
        }
    }
}

fn crawl_config(args: &CrawlArgs) -> anyhow::Result<jinan_crawler::CrawlConfig> {
    let seeds: Vec<String> = if args.seeds.is_empty() {
        vec![flags::DEFAULT_SEED.to_string()]
    } else {
        args.seeds.clone()
    };
    let mut parsed = Vec::with_capacity(seeds.len());
    for s in &seeds {
        let u = url::Url::parse(s).map_err(|e| usage(format!("bad seed URL {s:?}: {e}")))?;
        if !matches!(u.scheme(), "http" | "https") {
            return Err(usage(format!(
                "bad seed URL {s:?}: only http and https can be crawled"
            )));
        }
        parsed.push(u);
    }
    let mut cfg = jinan_crawler::CrawlConfig::new(parsed);
    if !args.allow_hosts.is_empty() {
        cfg.allow_hosts = args
            .allow_hosts
            .iter()
            .map(|h| h.to_ascii_lowercase())
            .collect();
    }
    cfg.max_pages = args.max_pages;
    cfg.max_depth = args.max_depth;
    {
        let c = args.concurrency;
        if c == 0 || c > 1024 {
            return Err(usage(format!(
                "--concurrency must be between 1 and 1024, not {c}"
            )));
        }
        cfg.concurrency = c;
    }
    {
        let r = args.rate;
        if !r.is_finite() || r < 0.0 {
            return Err(usage(format!(
                "--rate must be 0 (unlimited) or a positive number, not {r}"
            )));
        }
        cfg.rate = r;
    }
    {
        let t = args.timeout;
        if !t.is_finite() || t <= 0.0 || t > 86_400.0 {
            return Err(usage(format!(
                "--timeout must be a positive number of seconds, not {t}"
            )));
        }
        cfg.timeout = Duration::from_secs_f64(t);
    }
    {
        let ua = &args.user_agent;
        if ua.trim().is_empty() || ua.chars().any(|c| c.is_control()) {
            return Err(usage("--user-agent must be non-empty printable text"));
        }
        cfg.user_agent = ua.clone();
    }
    let text = |flag: &str, v: &Option<String>| -> anyhow::Result<Option<String>> {
        match v {
            Some(v) if v.trim().is_empty() || v.chars().any(|c| c.is_control()) => {
                Err(usage(format!("{flag} must be non-empty printable text")))
            }
            Some(v) => Ok(Some(v.trim().to_string())),
            None => Ok(None),
        }
    };
    if let Some(op) = text("--operator", &args.operator)? {
        cfg.operator = Some(op);
    }
    if let Some(c) = text("--collection", &Some(args.collection.clone()))? {
        cfg.collection = c;
    }
    Ok(cfg)
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// Crawls with `cfg` (parsed before the lock was taken, so that bad options fail first).
fn run_crawl(
    places: &Places,
    cfg: &jinan_crawler::CrawlConfig,
) -> anyhow::Result<jinan_crawler::CrawlSummary> {
    let progress = Progress::new("crawl");
    let summary = runtime()?
        .block_on(jinan_crawler::crawl(&places.corpus, cfg, &progress))
        .context("crawl failed")?;
    progress.finish();
    Ok(summary)
}

fn crawl(places: &Places, args: CrawlArgs) -> anyhow::Result<()> {
    let cfg = crawl_config(&args)?;
    let _lock = RunLock::acquire(&places.corpus, "crawl")?;
    let summary = run_crawl(places, &cfg)?;
    let mut out = std::io::stdout().lock();
    match args.format {
        SummaryFormat::Json => writeln!(out, "{}", serde_json::to_string(&summary)?)?,
        SummaryFormat::Text => writeln!(out, "{}", output::crawl_line(&summary))?,
    }
    reached_something(&summary)
}

/// A crawl that reached no page although some were due is a failed run (exit 1), so that cron
/// hears of an outage; what was recorded is kept, and the summary is printed first.
fn reached_something(summary: &jinan_crawler::CrawlSummary) -> anyhow::Result<()> {
    match &summary.unreachable {
        Some(why) => Err(anyhow::anyhow!("the crawl reached no page: {why}")),
        None => Ok(()),
    }
}

fn ingest(places: &Places, args: CrawlArgs) -> anyhow::Result<()> {
    let cfg = crawl_config(&args)?;
    let _corpus_lock = RunLock::acquire(&places.corpus, "ingest")?;
    let _index_lock = RunLock::acquire(&places.index, "ingest")?;
    let crawl = run_crawl(places, &cfg)?;
    let index = run_index(places, false)?;
    let watches = crate::watch::report(&places.corpus, &places.index)?;
    let mut out = std::io::stdout().lock();
    match args.format {
        SummaryFormat::Json => writeln!(
            out,
            "{}",
            serde_json::json!({"crawl": crawl, "index": index, "watches": watches})
        )?,
        SummaryFormat::Text => {
            writeln!(out, "{}", output::ingest_line(&crawl, &index))?;
            crate::watch::report_text(&watches, &mut out)?;
        }
    }
    reached_something(&crawl)
}

/// `jinan index`: the ingest library, with a progress bar; no WARC folder yet is bad usage.
fn run_index(places: &Places, rebuild: bool) -> anyhow::Result<IndexSummary> {
    let mut progress = Progress::new("index");
    let warc = jinan_corpus::warc_dir(&places.corpus);
    let summary = jinan_ingest::run(&warc, &places.index, rebuild, &mut progress);
    progress.finish();
    for f in summary.iter().flat_map(|s| &s.failures) {
        eprintln!("jinan: could not extract {}: {}", f.url, f.reason);
    }
    summary.map_err(|e| match e {
        jinan_ingest::Error::NoCaptures(_) => usage(e.to_string()),
        e => anyhow::Error::new(e),
    })
}

fn print_index_summary(s: &IndexSummary, format: SummaryFormat) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        SummaryFormat::Json => writeln!(out, "{}", serde_json::to_string(s)?)?,
        SummaryFormat::Text => writeln!(out, "{}", output::index_line(s))?,
    }
    Ok(())
}

fn extract(args: ExtractArgs) -> anyhow::Result<()> {
    let bytes = if args.file.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .context("reading standard input")?;
        buf
    } else {
        std::fs::read(&args.file)
            .map_err(|e| usage(format!("cannot read {}: {e}", args.file.display())))?
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(usage(format!(
            "{} is empty: there is no page to extract",
            if args.file.as_os_str() == "-" {
                "standard input".to_string()
            } else {
                args.file.display().to_string()
            }
        )));
    }
    let url = match &args.url {
        Some(u) => {
            url::Url::parse(u).map_err(|e| usage(format!("bad --url {u:?}: {e}")))?;
            u.clone()
        }
        None => file_url(&args.file),
    };
    let article = jinan_extract::extract(&bytes, &url, &jinan_extract::Hints::default())
        .map_err(|e| usage(format!("cannot extract {}: {e}", args.file.display())))?;
    let mut out = std::io::stdout().lock();
    match args.format {
        ArticleFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&article)?)?,
        ArticleFormat::Text => out.write_all(output::article_text(&article).as_bytes())?,
    }
    Ok(())
}

/// A `file://` URL for a page read from disk (or stdin), so relative links still resolve.
fn file_url(path: &Path) -> String {
    if path.as_os_str() == "-" {
        return "file:///dev/stdin".into();
    }
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    url::Url::from_file_path(&abs).map_or_else(|_| "file:///page.html".into(), |u| u.to_string())
}

fn open_searcher(index: &Path) -> anyhow::Result<jinan_index::Searcher> {
    jinan_index::Searcher::open(index).map_err(|e| index_error(index, e))
}

/// An index that cannot be opened, as one line a user can act on: a missing index is bad usage
/// (a mistyped `--index`, or nothing indexed yet); a damaged one needs a rebuild (the library's
/// detail is logged at `RUST_LOG=debug`).
fn index_error(index: &Path, e: jinan_index::Error) -> anyhow::Error {
    match e {
        jinan_index::Error::NoIndex(_) => usage(format!(
            "no index at {}: run `jinan index` (or `jinan ingest`) first, or check --index",
            index.display()
        )),
        e @ jinan_index::Error::SchemaMismatch { .. } => anyhow::Error::new(e),
        other => {
            tracing::debug!("opening the index at {}: {other}", index.display());
            anyhow::anyhow!(
                "the index at {} is damaged and cannot be read: run `jinan index --rebuild`",
                index.display()
            )
        }
    }
}

/// The corpus folder, which must exist for the commands that read it.
fn require_corpus(corpus: &Path) -> anyhow::Result<()> {
    if corpus.is_dir() {
        return Ok(());
    }
    Err(usage(format!(
        "no corpus at {}: run `jinan crawl` (or `jinan ingest`) first, or check --corpus",
        corpus.display()
    )))
}

/// An option given on the command line with an empty value (`--from ''`) is a mistake, not
/// "no filter" (which is leaving the option out).
fn reject_blank(options: &[(&str, &Option<String>)]) -> anyhow::Result<()> {
    for (name, value) in options {
        if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
            return Err(usage(format!(
                "{name} needs a value; leave the option out for no {}",
                name.trim_start_matches('-')
            )));
        }
    }
    Ok(())
}

fn search(places: &Places, args: SearchArgs) -> anyhow::Result<()> {
    let o = args.options;
    reject_blank(&[("--column", &o.column)])?;
    let req = jinan_types::SearchRequest {
        limit: jinan_index::params::DEFAULT_LIMIT,
        offset: o.offset,
        from: o.from,
        to: o.to,
        column: o.column,
        lang: o.lang,
        live: o.live,
        sort: o.sort,
        facets: o.facets,
        collapse: !o.no_collapse,
        ..jinan_types::SearchRequest::new(args.query)
    };
    let mut req = jinan_index::checked(req).map_err(|e| usage(e.to_string()))?;
    let all = match o.limit {
        flags::SearchLimit::All => true,
        flags::SearchLimit::Count(0) => {
            return Err(usage("--limit must be at least 1 (or `all`)"));
        }
        flags::SearchLimit::Count(n) => {
            req.limit = n;
            false
        }
    };
    let searcher = open_searcher(&places.index)?;
    // The command line has no upper limit: `all`, or any number (the shared rules cap the API).
    let format = o.format;
    if all {
        let stream = searcher.stream(&req)?;
        return crate::full::write_all(&req, stream, format);
    }
    let results = searcher.search_unbounded(&req)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        SearchFormat::Json => writeln!(out, "{}", serde_json::to_string(&results)?)?,
        SearchFormat::Jsonl => output::search_jsonl(&results, &mut out)?,
        SearchFormat::Csv => output::search_csv(&results, &mut out)?,
        SearchFormat::Text => output::search_text(&results, &mut out)?,
    }
    out.flush()?;
    Ok(())
}

fn serve(places: &Places, args: ServeArgs) -> anyhow::Result<()> {
    let addr_text = args.addr;
    let addr: std::net::SocketAddr = addr_text.parse().map_err(|_| {
        usage(format!(
            "bad --addr {addr_text:?}: expected HOST:PORT, e.g. 127.0.0.1:7700"
        ))
    })?;
    let corpus = places.corpus.clone();
    let index = places.index.clone();
    let stats_fn: Arc<dyn Fn() -> Result<serde_json::Value, String> + Send + Sync> =
        Arc::new(move || {
            collect_stats(&corpus, &index, false)
                .map_err(|e| messages::one_line(&e))
                .and_then(|s| serde_json::to_value(s).map_err(|e| e.to_string()))
        });
    let cfg = jinan_server::ServerConfig {
        index_dir: places.index.clone(),
        corpus_dir: places.corpus.clone(),
        addr,
        stats: stats_fn,
        cache_entries: args.cache,
    };
    // Announced once the address is bound: a busy port fails before anything is printed.
    let announce = |bound: std::net::SocketAddr| {
        eprintln!("jinan: serving http://{bound}/ (Ctrl-C to stop)");
    };
    runtime()?.block_on(jinan_server::serve(cfg, announce, shutdown_signal()))?;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM, for graceful shutdown.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

fn export(places: &Places, args: ExportArgs) -> anyhow::Result<()> {
    if args.format == flags::ExportFormat::Cdxj {
        return crate::handover::export_cdxj(&places.corpus);
    }
    if args.format != flags::ExportFormat::Wacz && args.output.is_some() {
        return Err(usage(
            "--output is for --format wacz (other formats go to stdout)",
        ));
    }
    let searcher = open_searcher(&places.index)?;
    let keep = |d: &jinan_types::Document| !(args.live && d.deleted_at.is_some());
    let out = std::io::BufWriter::new(std::io::stdout().lock());
    // Every format but WACZ is written a document at a time, in constant memory.
    let mut export = match args.format {
        flags::ExportFormat::Jsonl => output::Export::jsonl(out),
        flags::ExportFormat::Csv => output::Export::csv(out)?,
        flags::ExportFormat::Bulk => output::Export::bulk(out, &args.bulk_index),
        flags::ExportFormat::Wacz => {
            let mut docs = Vec::new();
            searcher.for_each_document(|d| {
                if keep(&d) {
                    docs.push(d);
                }
                Ok::<(), anyhow::Error>(())
            })?;
            return crate::handover::export_wacz(&places.corpus, docs, args.output.as_deref());
        }
        // Written above, from the WARC files alone.
        flags::ExportFormat::Cdxj => return Ok(()),
    };
    searcher.for_each_document(|d| if keep(&d) { export.write(&d) } else { Ok(()) })?;
    export.finish()
}

fn history(places: &Places, args: HistoryArgs) -> anyhow::Result<()> {
    require_corpus(&places.corpus)?;
    let warc = jinan_corpus::warc_dir(&places.corpus);
    let h = jinan_server::history::history(&warc, &args.url).map_err(|e| match e {
        e @ jinan_server::history::HistoryError::NotFound { .. } => {
            usage(format!("{e} at {}", places.corpus.display()))
        }
        e if e.is_bad_input() => usage(e.to_string()),
        e => anyhow::Error::new(e).context("reading the history"),
    })?;
    let diff = if args.options.diff {
        Some(h.diff(None, None)?)
    } else {
        None
    };
    let mut out = std::io::stdout().lock();
    match args.options.format {
        TextOrJson::Json => {
            let mut v = serde_json::to_value(&h)?;
            if let Some(d) = &diff {
                v["diff"] = serde_json::to_value(d)?;
            }
            writeln!(out, "{v}")?;
        }
        TextOrJson::Text => {
            output::history_text(&h, &mut out)?;
            if let Some(d) = &diff {
                output::diff_text(d, &mut out)?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// The `stats` of a corpus and its index. `strict` (the `stats` command): a missing corpus is bad
/// usage (a mistyped `--corpus` must not read as an empty archive). Otherwise (`/api/stats` of a
/// server that may start before the first crawl) it counts as empty. A corpus crawled but not yet
/// indexed is a normal state: its index part is `None` (`null`), said as such, never zeros.
fn collect_stats(corpus: &Path, index: &Path, strict: bool) -> anyhow::Result<Stats> {
    if strict {
        require_corpus(corpus)?;
    }
    let crawl = if corpus.join("state.redb").exists() || corpus.join("warc").exists() {
        jinan_crawler::stats(corpus).context("reading crawl state")?
    } else {
        Default::default()
    };
    let index = match jinan_index::Searcher::open(index) {
        Ok(s) => Some(s.stats().map_err(|e| index_error(index, e))?),
        Err(jinan_index::Error::NoIndex(_)) => None,
        Err(e) => return Err(index_error(index, e)),
    };
    Ok(Stats { crawl, index })
}

fn stats_cmd(places: &Places, args: StatsArgs) -> anyhow::Result<()> {
    let stats = collect_stats(&places.corpus, &places.index, true)?;
    let mut out = std::io::stdout().lock();
    match args.format {
        TextOrJson::Json => writeln!(out, "{}", serde_json::to_string_pretty(&stats)?)?,
        TextOrJson::Text => output::stats_text(&stats, &mut out)?,
    }
    out.flush()?;
    Ok(())
}
