//! Shared helpers: start the fixture site, run the built binary in a scratch folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A scratch corpus + index pair, removed on drop.
pub struct Workspace {
    pub dir: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Workspace {
        Workspace { dir: tempfile::tempdir().expect("temp dir") }
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
            "crawl", "--seed", base, "--rate", "0", "--concurrency", "8", "--timeout", "2",
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
        .map(|a| a.iter().filter_map(|h| h["url"].as_str().map(String::from)).collect())
        .unwrap_or_default()
}

/// The fixture site with `n` articles, served on 127.0.0.1.
pub fn site(n: usize) -> testsite::Server {
    let cfg = testsite::SiteConfig { articles: n, ..Default::default() };
    testsite::Server::start(testsite::Site::new(cfg)).expect("start fixture site")
}

#[allow(dead_code)]
pub fn exists(p: &Path) -> bool {
    p.exists()
}
