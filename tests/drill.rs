//! The fault drill (issue 7): `jinan ingest` killed with SIGKILL at random points, against a site
//! that fails (5xx bursts, connection resets), on a disk that fills up; afterwards a clean run
//! completes, the index holds every live article exactly once, every WARC file reads back whole,
//! and no capture stored before was lost.

use crate::util::{
    assert_live_indexed_once, dir_bytes, fast, stderr, warcio_check, Workspace, SLOW_PAGE_DELAY,
};
use std::collections::HashSet;
use std::path::Path;
use std::process::Command;

/// A small tmpfs mounted over a folder, unmounted on drop. Needs root (CI runs as root).
struct Tmpfs(std::path::PathBuf);

/// Runs `mount ARGS DIR`; fails the test with `what` and mount's message.
fn mount(args: &[&str], dir: &Path, what: &str) {
    let out = Command::new("mount")
        .args(args)
        .arg(dir)
        .output()
        .expect("run mount");
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Tmpfs {
        std::fs::create_dir_all(dir).unwrap();
        mount(
            &["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"],
            dir,
            "the disk-full drill mounts a small tmpfs and needs root",
        );
        Tmpfs(dir.to_path_buf())
    }

    fn resize(&self, size: &str) {
        mount(&["-o", &format!("remount,size={size}")], &self.0, "remount");
    }

    fn used_kib(&self) -> u64 {
        let out = Command::new("df")
            .args(["-k", "--output=used"])
            .arg(&self.0)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .nth(1)
            .and_then(|l| l.trim().parse().ok())
            .unwrap()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Record ids of every capture now in the corpus.
fn capture_ids(corpus: &Path) -> HashSet<String> {
    jinan_corpus::CaptureReader::open(&corpus.join("warc"), None)
        .expect("open WARC files")
        .map(|c| c.expect("read capture").record_id)
        .collect()
}

#[test]
fn ingest_survives_kills_faults_and_a_full_disk() {
    let site = testsite::Site::new(testsite::SiteConfig {
        articles: 150,
        slow_delay: SLOW_PAGE_DELAY,
        ..Default::default()
    });
    let server = testsite::Server::start(site).expect("fixture");
    let base = server.base_url();
    let scratch = Workspace::new();
    let disk = Tmpfs::mount(&scratch.dir.path().join("disk"), "256m");
    let ws = scratch.with_data_dir(&disk.0);
    let corpus = ws.corpus();
    let ingest = fast("ingest", &base);

    // 1. Kills at different moments while the site fails now and then.
    server.set_faults(testsite::Faults {
        error_rate: 0.03,
        burst: 4,
        reset_rate: 0.03,
    });
    // Three kills while crawling (once the run has archived a little, then more), two while
    // indexing (once the index has grown): each lands mid-run.
    let index = ws.index();
    for grow in [20_000u64, 200_000, 600_000] {
        let start = dir_bytes(&corpus);
        ws.kill_when(&ingest, || dir_bytes(&corpus) >= start + grow);
    }
    for grow in [1u64, 50_000] {
        let start = dir_bytes(&index);
        ws.kill_when(&ingest, || dir_bytes(&index) >= start + grow);
    }
    // A run that ends on its own under faults is still "done" (failures are data).
    let out = ws.jinan(&ingest);
    assert_eq!(
        out.status.code(),
        Some(0),
        "ingest under faults: {}",
        stderr(&out)
    );
    let stored = capture_ids(&corpus);
    assert!(!stored.is_empty());

    // 2. The disk fills up during the next run: one clear line, exit 1, nothing lost.
    server.set_faults(testsite::Faults::default());
    server.with_site(|s| s.edit(120));
    disk.resize(&format!("{}k", disk.used_kib() + 96));
    let out = ws.jinan(&ingest);
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a full disk must fail the run: {err}"
    );
    assert_eq!(
        err.trim_end()
            .lines()
            .filter(|l| l.starts_with("jinan: "))
            .count(),
        1,
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.to_lowercase().contains("space") || err.to_lowercase().contains("disk"),
        "{err}"
    );

    // 3. Room again, site healthy: a clean run completes and everything is whole.
    disk.resize("256m");
    let out = ws.jinan(&ingest);
    assert_eq!(out.status.code(), Some(0), "clean run: {}", stderr(&out));
    let after = capture_ids(&corpus);
    let lost: Vec<_> = stored.difference(&after).take(5).collect();
    assert!(lost.is_empty(), "captures lost: {lost:?}");
    warcio_check(&corpus);

    assert_live_indexed_once(&ws, &server);
    drop(disk);
}
