//! Crash safety with real SIGKILLs: a child process (this test binary, re-run with an environment
//! variable) upserts and commits in a loop; the parent kills it at varying moments and checks that
//! the index opens, holds exactly the last commit (payload and documents agree) and every URL once.

use std::collections::HashSet;
use std::process::Command;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use jinan_index::{Searcher, Writer, WriterOptions};
use jinan_types::{article_id, Article, Document, Lang};

const ENV: &str = "JINAN_INDEX_CRASH_DIR";
const BATCH: u64 = 40;
const FIXED: u64 = 10;

fn doc(url: String, body: String) -> Document {
    Document {
        id: article_id(&url),
        article: Article {
            url,
            title: "t".into(),
            body,
            lang: Lang::En,
            ..Default::default()
        },
        captured_at: Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap(),
        deleted_at: None,
        digest: None,
    }
}

/// The child: continue from the committed payload, forever, until killed.
#[test]
#[ignore = "run by sigkill_mid_write_leaves_the_last_commit"]
fn crash_child() {
    let Ok(dir) = std::env::var(ENV) else { return };
    let opts = WriterOptions {
        heap_bytes: 15_000_000,
        threads: 1,
    };
    let mut w = Writer::open_with(std::path::Path::new(&dir), opts).unwrap();
    let mut k: u64 = w.payload().map_or(0, |p| p.parse::<u64>().unwrap() + 1);
    loop {
        for i in 0..BATCH {
            let n = k * BATCH + i;
            w.upsert(&doc(
                format!("http://x/{n}"),
                format!("article {n} text words"),
            ))
            .unwrap();
        }
        for i in 0..FIXED {
            w.upsert(&doc(format!("http://x/fixed/{i}"), format!("version {k}")))
                .unwrap();
        }
        w.commit(&k.to_string()).unwrap();
        k += 1;
    }
}

#[test]
fn sigkill_mid_write_leaves_the_last_commit() {
    let dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let mut last_k = None;
    for round in 0..4u64 {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "crash_child",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(ENV, dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(400 + 170 * round));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();

        let w = Writer::open_with(
            dir.path(),
            WriterOptions {
                heap_bytes: 15_000_000,
                threads: 1,
            },
        )
        .unwrap();
        let Some(k) = w.payload().map(|p| p.parse::<u64>().unwrap()) else {
            continue; // killed before its first commit
        };
        drop(w);
        let s = Searcher::open(dir.path()).unwrap();
        let docs = s.documents().unwrap();
        let urls: HashSet<&str> = docs.iter().map(|d| d.article.url.as_str()).collect();
        assert_eq!(urls.len(), docs.len(), "every URL exactly once");
        assert_eq!(
            docs.len() as u64,
            (k + 1) * BATCH + FIXED,
            "exactly the documents of commit {k}"
        );
        let fixed = s.article("http://x/fixed/0").unwrap().unwrap();
        assert_eq!(fixed.article.body, format!("version {k}"));
        assert!(
            last_k.is_none_or(|l| k > l),
            "each run resumes after the last commit"
        );
        last_k = Some(k);
    }
    assert!(
        last_k.is_some(),
        "the child never committed: the test checked nothing"
    );
}
