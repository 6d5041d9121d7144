//! Shared helpers: start the fixture site, run the built binary in a scratch folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A scratch corpus + index pair, removed on drop.
pub struct Workspace {
    pub dir: tempfile::TempDir,
    /// Folder holding `corpus/` and `index/` (the scratch folder unless moved, e.g. to a tmpfs).
    data: PathBuf,
}

impl Workspace {
    pub fn new() -> Workspace {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().to_path_buf();
        Workspace { dir, data }
    }

    /// Keeps corpus and index under `data` instead (commands still run in the scratch folder).
    pub fn with_data_dir(mut self, data: &Path) -> Workspace {
        self.data = data.to_path_buf();
        self
    }

    pub fn corpus(&self) -> PathBuf {
        self.data.join("corpus")
    }

    pub fn index(&self) -> PathBuf {
        self.data.join("index")
    }

    /// `jinan --corpus C --index I ARGS...`, run in the scratch folder (so no `jinan.toml` leaks in).
    pub fn jinan(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_jinan"));
        cmd.current_dir(self.dir.path())
            .arg("--corpus")
            .arg(self.corpus())
            .arg("--index")
            .arg(self.index())
            .args(args)
            .env_remove("JINAN_CORPUS")
            .env_remove("JINAN_INDEX")
            .env_remove("RUST_LOG");
        cmd.output().expect("run jinan")
    }

    /// Like [`Workspace::jinan`], but fails the test unless the exit code is 0; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.jinan(args);
        assert!(
            out.status.success(),
            "jinan {args:?} exited {:?}\nstderr: {}\nstdout: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// `search QUERY ARGS... --format json`, parsed.
    pub fn search_json(&self, query: &str, extra: &[&str]) -> serde_json::Value {
        let mut args = vec!["search", query, "--format", "json"];
        args.extend_from_slice(extra);
        serde_json::from_str(&self.ok(&args)).expect("search JSON")
    }

    /// Crawl the fixture fast (no rate limit, [`fast`]).
    pub fn crawl_fast(&self, base: &str) -> String {
        self.ok(&fast("crawl", base))
    }

    /// Runs `jinan ARGS...` and SIGKILLs it as soon as `ready()` holds (polled every 5 ms). The
    /// kill must land mid-work: the test fails if the run ends before `ready()` does.
    pub fn kill_when(&self, args: &[&str], ready: impl Fn() -> bool) {
        let mut child = self.spawn(args);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
        loop {
            if let Some(status) = child.try_wait().expect("poll child") {
                panic!("jinan {args:?} ended ({status}) before the moment to kill it");
            }
            if ready() {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "jinan {args:?}: the moment to kill it never came"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        child.kill().expect("SIGKILL");
        let status = child.wait().expect("wait for jinan");
        assert!(
            status.code().is_none(),
            "jinan {args:?} ended by itself ({status}) instead of being killed"
        );
    }

    /// URLs of `export --format jsonl`, in export order.
    pub fn exported_urls(&self) -> Vec<String> {
        self.ok(&["export", "--format", "jsonl"])
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).expect("export JSON line");
                v["url"].as_str().expect("url").to_string()
            })
            .collect()
    }
}

/// `CMD --seed BASE` with the options every fixture run uses: no rate limit, 8 in flight, and a
/// 2 s timeout (a hung page gives up quickly).
pub fn fast<'a>(cmd: &'a str, base: &'a str) -> [&'a str; 9] {
    [
        cmd,
        "--seed",
        base,
        "--rate",
        "0",
        "--concurrency",
        "8",
        "--timeout",
        "2",
    ]
}

/// Asserts that the index holds every live article of the fixture, and each URL once.
pub fn assert_live_indexed_once(ws: &Workspace, server: &testsite::Server) {
    let urls = ws.exported_urls();
    let unique: std::collections::HashSet<&String> = urls.iter().collect();
    assert_eq!(unique.len(), urls.len(), "an article indexed twice");
    let base = server.base_url();
    let live: Vec<String> = server
        .with_site(|s| s.truth(&base))
        .into_iter()
        .map(|a| a.url)
        .collect();
    let missing: Vec<_> = live
        .iter()
        .filter(|u| !unique.contains(u))
        .take(5)
        .collect();
    assert!(
        missing.is_empty(),
        "live articles missing from the index: {missing:?}"
    );
}

/// Stderr of an output as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// URLs of the hits of a Search JSON answer.
pub fn hit_urls(v: &serde_json::Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|h| h["url"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// How long the fixture's slow page takes in these tests: slow, but inside [`fast`]'s timeout.
/// A page that times out is retried three times with backoff (11 s or so), and that wait was the
/// tail of every crawl here; the timeout itself is tested where it is the subject (the crawler's
/// own tests, `crawl::a_host_that_never_answers_fails_the_crawl`).
pub const SLOW_PAGE_DELAY: std::time::Duration = std::time::Duration::from_millis(300);

/// The fixture site with `n` articles, served on 127.0.0.1.
pub fn site(n: usize) -> testsite::Server {
    let cfg = testsite::SiteConfig {
        articles: n,
        slow_delay: SLOW_PAGE_DELAY,
        ..Default::default()
    };
    testsite::Server::start(testsite::Site::new(cfg)).expect("start fixture site")
}

impl Workspace {
    /// Starts `jinan ARGS...` without waiting (for kill tests).
    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        Command::new(env!("CARGO_BIN_EXE_jinan"))
            .current_dir(self.dir.path())
            .arg("--corpus")
            .arg(self.corpus())
            .arg("--index")
            .arg(self.index())
            .args(args)
            .env_remove("RUST_LOG")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn jinan")
    }
}

/// Bytes of the data under `dir`: every file but the hidden ones (`.lock`); 0 when it does not
/// exist.
pub fn dir_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_bytes(&e.path()),
            _ => e.metadata().map_or(0, |m| m.len()),
        })
        .sum()
}

/// Every capture in the corpus, in archive order.
pub fn captures(corpus: &Path) -> Vec<jinan_types::Capture> {
    let dir = corpus.join("warc");
    jinan_corpus::CaptureReader::open(&dir, None)
        .expect("open WARC files")
        .map(|c| c.expect("read capture").capture)
        .collect()
}

/// Reads every record of every WARC file with Python's warcio; fails the test on any error.
/// warcio is installed by scripts/setup.sh; its absence is a failure, not a skip.
pub fn warcio_check(corpus: &Path) {
    let script = r#"
import sys, glob
from warcio.archiveiterator import ArchiveIterator
n = 0
files = sorted(glob.glob(sys.argv[1] + '/*.warc.gz'))
assert files, 'no WARC files'
for f in files:
    with open(f, 'rb') as fh:
        it = ArchiveIterator(fh, check_digests=True)
        for rec in it:
            rec.content_stream().read()
            n += 1
print(n)
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(corpus.join("warc"))
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "warcio could not read the WARC files (run scripts/setup.sh to install warcio): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let n: usize = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(0);
    assert!(n > 0, "warcio read no records");
}

/// The fixture site with `n` articles and no hazards (no trap pages, once-only errors or WAF), for
/// tests that script the server's behaviour themselves.
pub fn plain_site(n: usize) -> testsite::Server {
    let cfg = testsite::SiteConfig {
        articles: n,
        hazards: false,
        ..Default::default()
    };
    testsite::Server::start(testsite::Site::new(cfg)).expect("start fixture site")
}

/// `jinan stats --format json`: failures by kind (kind → count).
///
/// Read from the crawl state itself (what `stats` shows of it): `stats` wants an index, and the
/// crawl tests have none.
pub fn failure_counts(ws: &Workspace) -> std::collections::BTreeMap<String, u64> {
    jinan_crawler::stats(&ws.corpus())
        .expect("crawl stats")
        .failures
        .into_iter()
        .map(|f| (f.kind, f.count))
        .collect()
}

/// `jinan serve --addr 127.0.0.1:0` for a workspace: the child and the address it announced.
/// Stopped (SIGKILL) on drop.
pub struct Served {
    pub child: std::process::Child,
    pub addr: std::net::SocketAddr,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Workspace {
    /// Starts `jinan serve` on a free port and waits for its announcement (one stderr line,
    /// printed once the port is bound).
    pub fn serve(&self) -> Served {
        use std::io::BufRead;
        let mut child = Command::new(env!("CARGO_BIN_EXE_jinan"))
            .current_dir(self.dir.path())
            .arg("--corpus")
            .arg(self.corpus())
            .arg("--index")
            .arg(self.index())
            .args(["serve", "--addr", "127.0.0.1:0"])
            .env_remove("RUST_LOG")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn jinan serve");
        let mut line = String::new();
        let mut err = std::io::BufReader::new(child.stderr.take().expect("stderr"));
        err.read_line(&mut line).expect("read the announcement");
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("no address announced: {line:?}"));
        // Keep draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in err.lines() {});
        Served { child, addr }
    }
}

/// `GET path` over HTTP/1.1 on a fresh connection: the status and the body as text.
pub fn http_get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("connect to jinan serve");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read the answer");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP answer");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("a status code");
    let chunked = head.lines().any(|l| {
        l.to_ascii_lowercase()
            .starts_with("transfer-encoding: chunked")
    });
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_string()
    };
    (status, body)
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        body = &rest[n + 2..];
    }
    out
}

/// `jinan ARGS...` with standard output a pipe whose reading end is already closed (as after
/// `| head -1`): its exit status and stderr.
pub fn with_closed_stdout(ws: &Workspace, args: &[&str]) -> (Option<i32>, String) {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_jinan"))
        .current_dir(ws.dir.path())
        .arg("--corpus")
        .arg(ws.corpus())
        .arg("--index")
        .arg(ws.index())
        .args(args)
        .env_remove("RUST_LOG")
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("run jinan");
    (out.status.code(), stderr(&out))
}
