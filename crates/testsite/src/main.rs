//! `testsite`: run the fixture site by hand, print its ground truth, or render one page.

use clap::{Parser, Subcommand};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use testsite::{Request, Server, Site, SiteConfig};

#[derive(Parser)]
#[command(
    name = "testsite",
    version,
    about = "Hanweb-structured imitation of english.jinan.gov.cn"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(clap::Args, Clone)]
struct SiteArgs {
    /// Number of articles.
    #[arg(long, default_value_t = 200)]
    articles: usize,
    /// Seed of all content.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Leave out the hazards (trap pages, once-only errors, WAF redirect).
    #[arg(long)]
    no_hazards: bool,
}

impl SiteArgs {
    fn config(&self, slow_secs: f64) -> SiteConfig {
        SiteConfig {
            seed: self.seed,
            articles: self.articles,
            slow_delay: std::time::Duration::from_secs_f64(slow_secs.max(0.0)),
            hazards: !self.no_hazards,
        }
    }
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve the site until killed; the first stdout line is `listening on http://ADDR/`.
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        #[arg(long, default_value = "127.0.0.1:0")]
        addr: SocketAddr,
        /// Delay of the slow page, seconds.
        #[arg(long, default_value_t = 40.0)]
        slow_secs: f64,
        /// Append the request log (JSON lines) to this file.
        #[arg(long)]
        log: Option<PathBuf>,
    },
    /// Print the ground truth (Article JSON, one per line) for a server at --base.
    Truth {
        #[command(flatten)]
        site: SiteArgs,
        #[arg(long, default_value = "http://english.jinan.gov.cn/")]
        base: String,
    },
    /// Print one page's bytes (as served) to stdout.
    Render {
        /// Path with optional query, e.g. /art/2018/11/19/art_30173_2743600.html
        path: String,
        #[command(flatten)]
        site: SiteArgs,
        /// Host header to render absolute links with.
        #[arg(long, default_value = "english.jinan.gov.cn")]
        host: String,
    },
    /// Print every article's info (JSON lines): path, template, language, rare word, column.
    Articles {
        #[command(flatten)]
        site: SiteArgs,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("testsite: {e}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match cli.cmd {
        Cmd::Serve {
            site,
            addr,
            slow_secs,
            log,
        } => {
            let server = Server::start_on(Site::new(site.config(slow_secs)), addr, log.as_deref())?;
            writeln!(out, "listening on {}", server.base_url())?;
            out.flush()?;
            loop {
                std::thread::park();
            }
        }
        Cmd::Truth { site, base } => {
            for a in Site::new(site.config(0.0)).truth(&base) {
                serde_json::to_writer(&mut out, &a)?;
                writeln!(out)?;
            }
        }
        Cmd::Render { path, site, host } => {
            let s = Site::new(site.config(0.0));
            let r = s.render(&Request::get(&path).with_header("Host", &host));
            if r.status != 200 {
                eprintln!("testsite: {path} answers {}", r.status);
            }
            out.write_all(&r.body)?;
        }
        Cmd::Articles { site } => {
            for a in Site::new(site.config(0.0)).articles() {
                serde_json::to_writer(&mut out, &a)?;
                writeln!(out)?;
            }
        }
    }
    out.flush()
}
