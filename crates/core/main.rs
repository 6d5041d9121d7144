//! `jinan`: the one binary. Parses the command line, sets up logging, runs one command and turns
//! its outcome into an exit code and, on failure, one line on stderr.

mod commands;
mod flags;
mod full;
mod handover;
mod lock;
mod messages;
mod output;
mod progress;
mod research;
mod watch;

use std::process::ExitCode;

/// mimalloc instead of glibc's allocator: 7% less CPU a search under load and a third less peak
/// memory for `jinan index` (BENCHMARKS.md, session 10).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let raw: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let args: Vec<String> = raw
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let (cli, matches) = match flags::parse_from(&raw) {
        Ok(parsed) => parsed,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion)
                || e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            {
                let _ = e.print();
                return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
            }
            // Usage errors: one line, like every other error, and exit 2.
            eprintln!("jinan: {}", messages::clap_line(&e, &args));
            return ExitCode::from(messages::USAGE as u8);
        }
    };
    init_logging();
    match commands::run(cli, &matches) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed stdout (`jinan export | head -1`) means the reader has all it wants.
        Err(err) if messages::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("jinan: {}", messages::one_line(&err));
            tracing::debug!("error detail: {err:?}");
            ExitCode::from(messages::exit_code(&err) as u8)
        }
    }
}

/// Logs go to stderr through `tracing`, filtered by `RUST_LOG` (default: warnings only).
fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(output::color(&std::io::stderr()))
        .try_init();
}
