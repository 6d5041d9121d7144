//! Round trips through the WARC writer and reader, rotation, torn tails and `warcio` compatibility.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::process::Command;

use chrono::{TimeZone, Utc};
use jinan_corpus::{
    read_capture, repair, warc_files, CaptureKind, CaptureReader, Cursor, Fetch, Revisit, WarcInfo,
    WarcRecords, WarcWriter,
};

fn info() -> WarcInfo {
    WarcInfo {
        software: "jinan-test/0".into(),
        hostname: "test-host".into(),
        operator: Some("Test Operator <op@example.test>".into()),
        user_agent: "jinan-test".into(),
        robots: "obey robots.txt (User-agent: jinan-test)".into(),
        is_part_of: "test-collection".into(),
    }
}

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

const HEAD: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 17\r\n\r\n";

/// A response head of a gzip-compressed, chunked answer (the client undid the chunking).
const GZIP_CHUNKED_HEAD: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n";

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Writes `n` article fetches (every third with list metadata) and returns their URLs.
fn write_n(dir: &Path, n: usize, max: u64) -> Vec<String> {
    let mut w = WarcWriter::create(dir, max, &info()).unwrap();
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
    let mut w = WarcWriter::create(dir, 1 << 30, &info()).unwrap();
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
    assert_eq!(c0.payload, b0);
    assert_eq!(c0.body().unwrap().as_ref(), b0.as_slice());
    assert!(!c0.capture.truncated && c0.capture.via.is_none());
    // The head is stored as received.
    assert_eq!(c0.http_header("content-length"), Some("17"));
    assert_eq!(c0.http_header("Content-Encoding"), None);

    assert!(caps[1].capture.truncated);
    assert_eq!(
        caps[1].capture.via.as_deref(),
        Some("http://example.test/col/col2/index.html")
    );
    assert_eq!(caps[1].payload, b"cut here");

    // The revisit has an empty block; its 304 head comes back from the metadata record.
    assert_eq!(caps[2].capture.kind, CaptureKind::Revisit);
    assert_eq!(caps[2].capture.status, 304);
    assert_eq!(caps[2].capture.digest.as_deref(), Some(digest.as_str()));
    assert!(caps[2].payload.is_empty());
    assert_eq!(caps[2].http_header("etag"), Some("\"x\""));
    let rv_rec = WarcRecords::open(&dir.join(&loc2.file), loc2.offset)
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    assert!(rv_rec.block.is_empty());
    assert_eq!(
        rv_rec.header("WARC-Refers-To-Target-URI"),
        Some("http://example.test/a.html")
    );
    assert_eq!(
        rv_rec.header("WARC-Refers-To-Date"),
        Some("2024-05-06T07:08:09.000000Z")
    );

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
        let fields = String::from_utf8(first.block.clone()).unwrap();
        for want in [
            "software: jinan-test/0\r\n",
            "hostname: test-host\r\n",
            "operator: Test Operator <op@example.test>\r\n",
            "robots: obey robots.txt (User-agent: jinan-test)\r\n",
            "isPartOf: test-collection\r\n",
            "format: WARC File Format 1.1\r\n",
        ] {
            assert!(fields.contains(want), "{want:?} not in {fields:?}");
        }
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
    let w = WarcWriter::create(tmp.path(), 1000, &info()).unwrap();
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
    let mut w = WarcWriter::create(dir, 1 << 30, &info()).unwrap();
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
    let zipped = gzip(&body(4));
    w.write_fetch(&fetch(
        "http://example.test/z.html",
        &zipped,
        GZIP_CHUNKED_HEAD,
    ))
    .unwrap();
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
            "metadata={} request=29 response=28 revisit=1 warcinfo={files_n}",
            9 + 1 + 1
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

#[test]
fn responses_are_stored_as_received_and_decode_on_reading() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut w = WarcWriter::create(dir, 1 << 30, &info()).unwrap();
    let page = body(7);
    let zipped = gzip(&page);
    let loc = w
        .write_fetch(&fetch(
            "http://example.test/z.html",
            &zipped,
            GZIP_CHUNKED_HEAD,
        ))
        .unwrap();
    w.sync().unwrap();
    let sc = read_capture(dir, &loc).unwrap();
    // Bytes and coding as received; only the undone chunking is renamed.
    assert_eq!(sc.payload, zipped);
    assert_eq!(sc.http_header("Content-Encoding"), Some("gzip"));
    assert_eq!(sc.http_header("Transfer-Encoding"), None);
    assert_eq!(
        sc.http_header("X-Archive-Orig-Transfer-Encoding"),
        Some("chunked")
    );
    assert_eq!(
        sc.capture.digest.as_deref(),
        Some(jinan_corpus::sha1_digest(&zipped).as_str())
    );
    assert_eq!(sc.body().unwrap().as_ref(), page.as_slice());
}

#[test]
fn the_capture_index_lists_every_response_and_revisit_at_its_offset() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_n(dir, 30, 5_000);
    let mut w = WarcWriter::create(dir, 1 << 30, &info()).unwrap();
    let mut rv = fetch(
        "http://example.test/art/3.html",
        b"",
        b"HTTP/1.1 304 Not Modified\r\n\r\n",
    );
    let digest = jinan_corpus::sha1_digest(&body(3));
    rv.revisit = Some(Revisit {
        refers_to_date: Some(Utc::now()),
        refers_to_record: None,
        digest: Some(&digest),
    });
    w.write_fetch(&rv).unwrap();
    w.sync().unwrap();
    let (caps, _) = read_all(dir, None);
    let entries: Vec<_> = jinan_corpus::CaptureIndex::open(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .collect();
    assert_eq!(entries.len(), caps.len());
    for (e, c) in entries.iter().zip(&caps) {
        assert_eq!(e.url, c.capture.url);
        assert_eq!(
            (&e.filename, e.offset),
            (&c.capture.location.file, c.capture.location.offset)
        );
        assert_eq!(e.digest, c.capture.digest);
        assert_eq!(e.timestamp, "20240506070809");
        assert!(e.surt.starts_with("test,example)/art/"), "{}", e.surt);
        // The length is that of the record's gzip member: the next member starts right after.
        let mut recs = WarcRecords::open(&dir.join(&e.filename), e.offset).unwrap();
        let rec = recs.next().unwrap().unwrap();
        assert_eq!(rec.compressed_len, e.length);
    }
    let last = entries.last().unwrap();
    assert_eq!(last.kind, CaptureKind::Revisit);
    assert_eq!(last.mime.as_deref(), Some("warc/revisit"));
    assert_eq!(last.status, None);
    assert_eq!(entries[0].mime.as_deref(), Some("text/html"));
    assert_eq!(entries[0].status, Some(200));
    let line = entries[0].cdxj_line();
    assert!(
        line.starts_with("test,example)/art/0.html 20240506070809 {\"url\": \"http://example.test/art/0.html\", \"mime\": \"text/html\", \"status\": \"200\", \"digest\": \"sha1:"),
        "{line}"
    );
    assert!(line.ends_with(&format!("\"filename\": \"{}\"}}", entries[0].filename)));
}
