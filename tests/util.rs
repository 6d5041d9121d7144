//! Shared helpers: start the fixture site, run the built binary in a scratch folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A scratch corpus + index pair, removed on drop.
pub struct Workspace {
    pub dir: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Workspace {
        Workspace {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn corpus(&self) -> PathBuf {
        self.dir.path().join("corpus")
    }

    pub fn index(&self) -> PathBuf {
        self.dir.path().join("index")
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

    /// Crawl the fixture fast (no rate limit) with a short timeout, so the slow page gives up.
    pub fn crawl_fast(&self, base: &str) -> String {
        self.ok(&[
            "crawl",
            "--seed",
            base,
            "--rate",
            "0",
            "--concurrency",
            "8",
            "--timeout",
            "2",
        ])
    }
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

/// The fixture site with `n` articles, served on 127.0.0.1.
pub fn site(n: usize) -> testsite::Server {
    let cfg = testsite::SiteConfig {
        articles: n,
        ..Default::default()
    };
    testsite::Server::start(testsite::Site::new(cfg)).expect("start fixture site")
}

#[allow(dead_code)]
pub fn exists(p: &Path) -> bool {
    p.exists()
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
