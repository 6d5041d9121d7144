//! Round trips through the WARC writer and reader, rotation, torn tails and `warcio` compatibility.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::process::Command;

use chrono::{TimeZone, Utc};
use jinan_corpus::{
    read_capture, repair, warc_files, CaptureKind, CaptureReader, Cursor, Fetch, Revisit,
    WarcRecords, WarcWriter,
};

const REQ: &[u8] =
    b"GET /art/1.html HTTP/1.1\r\nHost: example.test\r\nUser-Agent: jinan-test\r\n\r\n";

fn body(i: usize) -> Vec<u8> {
    format!(
        "<html><body><p>article {i}</p>{}</body></html>",
        "x".repeat(i * 37 % 900)
    )
    .into_bytes()
}

fn fetch<'a>(url: &'a str, body: &'a [u8], head: &'a [u8]) -> Fetch<'a> {
    Fetch {
        url,
        captured_at: Utc.with_ymd_and_hms(2024, 5, 6, 7, 8, 9).unwrap(),
        ip: Some(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        request: REQ,
        response_head: head,
        body,
        revisit: None,
        via: None,
        via_column: None,
        truncated: false,
    }
}

const HEAD: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Encoding: gzip\r\nContent-Length: 17\r\n\r\n";

/// Writes `n` article fetches (every third with list metadata) and returns their URLs.
fn write_n(dir: &Path, n: usize, max: u64) -> Vec<String> {
    let mut w = WarcWriter::create(dir, max, "jinan-test/0").unwrap();
    let mut urls = Vec::new();
    for i in 0..n {
        let url = format!("http://example.test/art/{i}.html");
        let b = body(i);
        let mut f = fetch(&url, &b, HEAD);
        if i % 3 == 0 {
            f.via = Some("http://example.test/col/col1/index.html");
            f.via_column = Some("Sisterly Jinan 姐妹城市");
        }
        w.write_fetch(&f).unwrap();
        urls.push(url);
    }
    w.sync().unwrap();
    urls
}

fn read_all(dir: &Path, from: Option<&Cursor>) -> (Vec<jinan_corpus::StoredCapture>, Cursor) {
    let mut r = CaptureReader::open(dir, from).unwrap();
    let caps: Vec<_> = r.by_ref().map(|c| c.unwrap()).collect();
    (caps, r.cursor())
}

#[test]
fn captures_round_trip_with_metadata_revisits_and_truncation() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut w = WarcWriter::create(dir, 1 << 30, "jinan-test/0").unwrap();
    let b0 = body(5);
    let loc0 = w
        .write_fetch(&fetch("http://example.test/a.html", &b0, HEAD))
        .unwrap();

    let mut big = fetch("http://example.test/big.html", b"cut here", HEAD);
    big.truncated = true;
    big.via = Some("http://example.test/col/col2/index.html");
    let loc1 = w.write_fetch(&big).unwrap();

    let digest = jinan_corpus::sha1_digest(&b0);
    let mut rv = fetch(
        "http://example.test/a.html",
        b"",
        b"HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n",
    );
    rv.revisit = Some(Revisit {
        refers_to_date: Some(Utc.with_ymd_and_hms(2024, 5, 6, 7, 8, 9).unwrap()),
        refers_to_record: None,
        digest: Some(&digest),
    });
    let loc2 = w.write_fetch(&rv).unwrap();
    w.sync().unwrap();
    assert_eq!(loc0.file, w.file_name());
    assert!(loc0.offset < loc1.offset && loc1.offset < loc2.offset);

    let (caps, cursor) = read_all(dir, None);
    assert_eq!(caps.len(), 3);
    let c0 = &caps[0];
    assert_eq!(c0.capture.url, "http://example.test/a.html");
    assert_eq!(c0.capture.status, 200);
    assert_eq!(c0.capture.kind, CaptureKind::Response);
    assert_eq!(c0.capture.digest.as_deref(), Some(digest.as_str()));
    assert_eq!(
        c0.capture.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(c0.capture.location, loc0);
    assert_eq!(
        c0.capture.captured_at,
        Utc.with_ymd_and_hms(2024, 5, 6, 7, 8, 9).unwrap()
    );
    assert_eq!(c0.body, b0);
    assert!(!c0.capture.truncated && c0.capture.via.is_none());
    // The wire headers no longer describe the decoded body, so they are renamed.
    let h = |name: &str| {
        c0.http_headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(h("X-Archive-Orig-Content-Encoding"), Some("gzip"));
    assert_eq!(h("Content-Length"), Some(b0.len().to_string().as_str()));
    assert_eq!(h("Content-Encoding"), None);

    assert!(caps[1].capture.truncated);
    assert_eq!(
        caps[1].capture.via.as_deref(),
        Some("http://example.test/col/col2/index.html")
    );
    assert_eq!(caps[1].body, b"cut here");

    assert_eq!(caps[2].capture.kind, CaptureKind::Revisit);
    assert_eq!(caps[2].capture.status, 304);
    assert_eq!(caps[2].capture.digest.as_deref(), Some(digest.as_str()));
    assert!(caps[2].body.is_empty());

    for (c, loc) in caps.iter().zip([&loc0, &loc1, &loc2]) {
        assert_eq!(&read_capture(dir, loc).unwrap(), c);
    }
    // The cursor is at the end of the file: nothing more to read from there.
    let len = std::fs::metadata(dir.join(&cursor.file)).unwrap().len();
    assert_eq!(cursor.offset, len);
    assert!(read_all(dir, Some(&cursor)).0.is_empty());
    // A request record is not a capture.
    let req_at = jinan_types::WarcLocation {
        file: loc0.file.clone(),
        offset: loc1.offset - 1,
    };
    assert!(read_capture(dir, &req_at).is_err());
}

#[test]
fn rotation_and_cursor_resume_follow_archive_order() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let urls = write_n(dir, 40, 4_000);
    let files = warc_files(dir).unwrap();
    assert!(files.len() > 3, "expected rotation, got {files:?}");
    for f in &files {
        let first = WarcRecords::open(&dir.join(f), 0)
            .unwrap()
            .next()
            .unwrap()
            .unwrap();
        assert_eq!(first.warc_type(), "warcinfo");
        assert_eq!(first.header("WARC-Filename"), Some(f.as_str()));
    }
    // A second writer starts a new file after the others.
    let more = write_n(dir, 5, 1 << 30);
    let files2 = warc_files(dir).unwrap();
    assert_eq!(files2.len(), files.len() + 1);
    assert!(files2.last().unwrap() > files.last().unwrap());

    let (all, _) = read_all(dir, None);
    let got: Vec<_> = all.iter().map(|c| c.capture.url.clone()).collect();
    assert_eq!(got, [urls, more].concat());
    let meta: Vec<_> = all.iter().map(|c| c.capture.via_column.is_some()).collect();
    assert_eq!(meta.iter().filter(|m| **m).count(), 14 + 2);
    assert_eq!(
        all[0].capture.via_column.as_deref(),
        Some("Sisterly Jinan 姐妹城市")
    );

    // Resume from every cursor position: the rest is exactly the remainder.
    let mut r = CaptureReader::open(dir, None).unwrap();
    let mut seen = 0;
    while let Some(c) = r.next() {
        c.unwrap();
        seen += 1;
        if seen % 7 == 0 {
            let cursor = r.cursor();
            let json = serde_json::to_string(&cursor).unwrap();
            let back: Cursor = serde_json::from_str(&json).unwrap();
            let rest = read_all(dir, Some(&back)).0;
            assert_eq!(rest.len(), all.len() - seen);
            assert_eq!(
                rest.first().map(|c| &c.capture),
                all.get(seen).map(|c| &c.capture)
            );
        }
    }
    assert_eq!(seen, all.len());
}

#[test]
fn new_files_sort_after_existing_ones_even_from_the_future() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("jinan-29991231235959-00007.warc.gz"), b"").unwrap();
    std::fs::write(tmp.path().join("notes.txt"), b"not a warc").unwrap();
    let w = WarcWriter::create(tmp.path(), 1000, "t").unwrap();
    assert_eq!(w.file_name(), "jinan-29991231235959-00008.warc.gz");
    assert_eq!(warc_files(tmp.path()).unwrap().len(), 2);
}

#[test]
fn torn_tails_are_read_up_to_and_repaired() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_n(dir, 6, 1 << 30);
    let name = warc_files(dir).unwrap().remove(0);
    let path = dir.join(&name);
    let full = std::fs::read(&path).unwrap();
    let (whole, _) = read_all(dir, None);
    let last_loc = whole.last().unwrap().capture.location.clone();
    // Cut the file at many points inside the last group (its request starts before last_loc).
    let group_start = {
        let recs: Vec<_> = WarcRecords::open(&path, 0)
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        recs.iter()
            .rev()
            .find(|r| r.warc_type() == "request")
            .unwrap()
            .offset
    };
    for cut in (group_start as usize + 1..full.len())
        .step_by(97)
        .chain([full.len() - 1])
    {
        std::fs::write(&path, &full[..cut]).unwrap();
        let (caps, cursor) = read_all(dir, None);
        let expect = if cut as u64 > last_loc.offset + 20 && caps.len() == 6 {
            6
        } else {
            5
        };
        assert_eq!(caps.len(), expect, "cut at {cut}");
        let fixes = repair(dir).unwrap();
        assert_eq!(fixes.len(), 1, "cut at {cut}");
        let new_len = fixes[0].new_len;
        assert!(new_len <= cut as u64 && new_len >= cursor.offset.min(group_start));
        // After repair the file reads whole, a second repair finds nothing, and writing goes on.
        assert!(WarcRecords::open(&path, 0).unwrap().all(|r| r.is_ok()));
        assert!(repair(dir).unwrap().is_empty());
        let (after, _) = read_all(dir, None);
        assert_eq!(after.len(), expect);
    }
    // A torn earlier file is skipped when a later file exists; the later file still reads.
    std::fs::write(&path, &full[..full.len() - 5]).unwrap();
    write_n(dir, 2, 1 << 30);
    let (caps, _) = read_all(dir, None);
    assert_eq!(caps.len(), 5 + 2);
    // Garbage in the middle of an earlier file is an error, not silently skipped.
    let mut bad = full.clone();
    let mid = whole[2].capture.location.offset as usize + 30;
    bad[mid..mid + 40].fill(0xAB);
    std::fs::write(&path, &bad).unwrap();
    assert!(CaptureReader::open(dir, None).unwrap().any(|c| c.is_err()));
}

/// The `warcio` command line, run through python3 (works whether or not the script is on PATH).
fn warcio_cli(args: &[&str]) -> Command {
    let mut c = Command::new("python3");
    c.args([
        "-c",
        "import sys; from warcio.cli import main; main(sys.argv[1:])",
    ])
    .args(args);
    c
}

#[test]
fn warcio_reads_every_record() {
    let probe = Command::new("python3")
        .args(["-c", "import warcio"])
        .output();
    match probe {
        Ok(o) if o.status.success() => {}
        _ => panic!(
            "this test needs Python 3 with warcio: run `pip install warcio` (CI installs it)"
        ),
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_n(dir, 25, 6_000);
    let mut w = WarcWriter::create(dir, 1 << 30, "jinan-test/0").unwrap();
    let b = body(3);
    let mut t = fetch("http://example.test/t.html", &b, HEAD);
    t.truncated = true;
    w.write_fetch(&t).unwrap();
    let mut rv = fetch(
        "http://example.test/t.html",
        b"",
        b"HTTP/1.1 304 Not Modified\r\n\r\n",
    );
    rv.revisit = Some(Revisit {
        refers_to_date: Some(Utc::now()),
        refers_to_record: Some("<urn:uuid:1>"),
        digest: None,
    });
    w.write_fetch(&rv).unwrap();
    let nf = fetch(
        "http://example.test/gone.html",
        b"not found",
        b"HTTP/1.1 404 Not Found\r\n\r\n",
    );
    w.write_fetch(&nf).unwrap();
    w.sync().unwrap();
    drop(w);

    let files: Vec<String> = warc_files(dir)
        .unwrap()
        .iter()
        .map(|f| dir.join(f).to_string_lossy().into_owned())
        .collect();
    let check = warcio_cli(&["check", "-v"]).args(&files).output().unwrap();
    let out = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success(),
        "warcio check failed:\n{out}\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(!out.contains("digest failed"), "{out}");
    assert!(
        out.contains("digest pass"),
        "warcio checked no digest:\n{out}"
    );

    let mut script = tempfile::NamedTempFile::new().unwrap();
    write!(
        script,
        r#"
import sys, collections
from warcio.archiveiterator import ArchiveIterator
counts = collections.Counter()
for path in sys.argv[1:]:
    with open(path, 'rb') as fh:
        it = ArchiveIterator(fh, check_digests='raise')
        for rec in it:
            rec.content_stream().read()
            counts[rec.rec_type] += 1
            if rec.rec_type == 'response':
                assert rec.http_headers.get_statuscode() in ('200', '404'), rec.http_headers
            assert rec.rec_headers.get_header('WARC-Record-ID').startswith('<urn:uuid:')
print(' '.join('%s=%d' % kv for kv in sorted(counts.items())))
"#
    )
    .unwrap();
    let run = Command::new("python3")
        .arg(script.path())
        .args(&files)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "warcio iteration failed:\n{out}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let files_n = files.len();
    assert_eq!(
        out.trim(),
        format!(
            "metadata={} request=28 response=27 revisit=1 warcinfo={files_n}",
            9 + 1
        )
    );
    // warcio's own index agrees with our offsets.
    let idx = warcio_cli(&["index", "-f", "warc-type,offset"])
        .args(&files)
        .output()
        .unwrap();
    assert!(idx.status.success());
    let (caps, _) = read_all(dir, None);
    let idx_out = String::from_utf8_lossy(&idx.stdout);
    for c in &caps {
        let needle = format!("\"offset\": \"{}\"", c.capture.location.offset);
        assert!(
            idx_out.contains(&needle),
            "offset {} not in warcio index",
            c.capture.location.offset
        );
    }
}
