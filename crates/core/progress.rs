//! Progress reporting on stderr for long work (crawl, index).
//!
//! On a terminal it is an indicatif bar; otherwise (cron, pipes, CI) a plain line at most every
//! few seconds, so logs stay readable and small. Results never go here: they go to stdout.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often a plain progress line is written when stderr is not a terminal.
const LINE_EVERY: Duration = Duration::from_secs(10);

pub struct Progress {
    what: &'static str,
    bar: Option<ProgressBar>,
    last_line: Mutex<Instant>,
    started: Instant,
}

impl Progress {
    pub fn new(what: &'static str) -> Progress {
        let bar = if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "{spinner} {prefix} {human_pos}/{human_len} [{elapsed_precise}] {per_sec} {wide_msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
            bar.set_style(style);
            bar.set_prefix(what);
            bar.enable_steady_tick(Duration::from_millis(200));
            Some(bar)
        } else {
            None
        };
        Progress {
            what,
            bar,
            last_line: Mutex::new(Instant::now()),
            started: Instant::now(),
        }
    }

    /// `done` of `total` (total may grow, as a crawl's frontier does); `msg` is the current item.
    pub fn update(&self, done: u64, total: Option<u64>, msg: &str) {
        if let Some(bar) = &self.bar {
            if let Some(t) = total {
                bar.set_length(t);
            }
            bar.set_position(done);
            bar.set_message(msg.to_string());
            return;
        }
        let Ok(mut last) = self.last_line.lock() else {
            return;
        };
        if last.elapsed() < LINE_EVERY {
            return;
        }
        *last = Instant::now();
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        let rate = done as f64 / secs;
        match total {
            Some(t) => eprintln!("jinan {}: {done}/{t} ({rate:.1}/s) {msg}", self.what),
            None => eprintln!("jinan {}: {done} ({rate:.1}/s) {msg}", self.what),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl jinan_crawler::Progress for Progress {
    fn on_fetch(&self, url: &str, status: Option<u16>, done: u64, queued: u64) {
        let msg = match status {
            Some(s) => format!("{s} {url}"),
            None => format!("failed {url}"),
        };
        self.update(done, Some(done + queued), &msg);
    }
}

impl jinan_ingest::Observer for Progress {
    fn progress(&mut self, captures: u64) {
        self.update(captures, None, "captures");
    }
    fn notice(&mut self, message: &str) {
        if let Some(bar) = &self.bar {
            bar.suspend(|| eprintln!("jinan: {message}"));
        } else {
            eprintln!("jinan: {message}");
        }
    }
}
