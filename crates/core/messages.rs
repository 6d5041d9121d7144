//! Exit codes and the one-line error messages users see.
//!
//! Scripts and cron rely on the exit codes of INTERFACE.md: 0 done, 1 the run failed, 2 bad usage or
//! bad input, 3 another run holds a lock. Errors travel as `anyhow::Error`; the few that need a code
//! other than 1 carry an [`Exit`] marker (or are typed library errors recognised here), and `main`
//! turns the whole chain into one line on stderr.

use std::fmt;

/// An error with an explicit exit code.
#[derive(Debug)]
pub struct Exit {
    pub code: i32,
    pub message: String,
}

impl fmt::Display for Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Exit {}

pub const FAILED: i32 = 1;
pub const USAGE: i32 = 2;
pub const LOCKED: i32 = 3;

/// Bad usage or bad input: exit 2.
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    Exit {
        code: USAGE,
        message: message.into(),
    }
    .into()
}

/// Another run holds a lock: exit 3.
pub fn locked(message: impl Into<String>) -> anyhow::Error {
    Exit {
        code: LOCKED,
        message: message.into(),
    }
    .into()
}

/// The exit code for an error chain.
pub fn exit_code(err: &anyhow::Error) -> i32 {
    if is_broken_pipe(err) {
        return 0;
    }
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<Exit>() {
            return e.code;
        }
        if let Some(e) = cause.downcast_ref::<jinan_index::Error>() {
            if e.is_user_error() {
                return USAGE;
            }
        }
        if let Some(e) = cause.downcast_ref::<jinan_server::history::HistoryError>() {
            if e.is_bad_input() {
                return USAGE;
            }
        }
    }
    FAILED
}

/// True when the error is a closed stdout (e.g. `jinan export | head -1`): not an error. The
/// writers wrap the I/O error in their own types (serde_json, csv), so each is asked.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|e| e.io_error_kind() == Some(BrokenPipe))
            || c.downcast_ref::<csv::Error>().is_some_and(
                |e| matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == BrokenPipe),
            )
    })
}

/// One line: the outermost message, then each distinct cause, joined with ": ".
pub fn one_line(err: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let s = cause.to_string().replace('\n', " ");
        if parts.last().is_some_and(|last| last.contains(&s)) {
            continue;
        }
        parts.push(s);
    }
    parts.join(": ")
}

/// clap's usage error as one line: the whole sentence (with the list it names: missing arguments,
/// allowed values, clap's tip), then the help of the command it is about. `args` is the command
/// line, for the hint about queries that start with `-`.
pub fn clap_line(e: &clap::Error, args: &[String]) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let rendered = e.render().to_string();
    let mut parts: Vec<String> = Vec::new();
    for line in rendered.lines().map(str::trim) {
        if line.starts_with("Usage:") || line.starts_with("For more information") {
            break;
        }
        if !line.is_empty() {
            parts.push(line.strip_prefix("error: ").unwrap_or(line).to_string());
        }
    }
    let mut msg = if parts.is_empty() {
        "bad usage".to_string()
    } else {
        parts.join(" ")
    };
    // "Usage: jinan search [OPTIONS] <QUERY>" names the command whose help to read.
    let command = rendered
        .lines()
        .find_map(|l| l.trim().strip_prefix("Usage:"))
        .map(|u| {
            u.split_whitespace()
                .take_while(|w| !w.starts_with(['[', '<', '-']))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| {
            // No usage line (e.g. an invalid value): the subcommand named on the command line.
            use clap::CommandFactory;
            let cli = crate::flags::Cli::command();
            args.iter()
                .skip(1)
                .find(|a| cli.get_subcommands().any(|c| c.get_name() == a.as_str()))
                .map(|sub| format!("jinan {sub}"))
                .unwrap_or_default()
        });
    let command = if command.is_empty() {
        "jinan".to_string()
    } else {
        command
    };
    if e.kind() == ErrorKind::UnknownArgument && command == "jinan search" {
        let bad = match e.get(ContextKind::InvalidArg) {
            Some(ContextValue::String(s)) => s.clone(),
            _ => String::new(),
        };
        let word = args
            .iter()
            .find(|a| a.starts_with('-') && !bad.is_empty() && a.starts_with(&bad))
            .cloned()
            .unwrap_or(bad);
        if !word.is_empty() {
            msg = format!(
                "unexpected argument {word:?}; to search for a query that starts with -, put -- before it: `jinan search -- {word}`"
            );
        }
    }
    // A typed option given an empty value (`--from ''`) is a mistake, not "no filter" (which is
    // leaving the option out): say so, whatever the option's type.
    if matches!(
        e.kind(),
        ErrorKind::ValueValidation | ErrorKind::InvalidValue
    ) {
        let blank = matches!(e.get(ContextKind::InvalidValue), Some(ContextValue::String(v)) if v.trim().is_empty());
        if let (true, Some(ContextValue::String(arg))) = (blank, e.get(ContextKind::InvalidArg)) {
            let name = arg.split_whitespace().next().unwrap_or(arg);
            msg = format!(
                "{name} needs a value; leave the option out for no {}",
                name.trim_start_matches('-')
            );
        }
    }
    format!("{msg} (see `{command} --help`)")
}
