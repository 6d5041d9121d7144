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
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<Exit>() {
            return e.code;
        }
        if let Some(e) = cause.downcast_ref::<jinan_index::Error>() {
            if e.is_user_error() {
                return USAGE;
            }
        }
        if let Some(e) = cause.downcast_ref::<std::io::Error>() {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                return 0;
            }
        }
    }
    FAILED
}

/// True when the error is a closed stdout (e.g. `jinan search x | head -1`): not an error.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
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

/// clap's usage error as one line: its first sentence, then where to look for help.
pub fn clap_line(e: &clap::Error) -> String {
    let rendered = e.render().to_string();
    let first = rendered
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("bad usage");
    let first = first.strip_prefix("error: ").unwrap_or(first);
    format!("{first} (see `jinan --help`)")
}
