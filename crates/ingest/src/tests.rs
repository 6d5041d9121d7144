//! The loop on a real corpus (written with jinan-corpus in a temporary folder) and a real index.

use super::*;
use chrono::{TimeZone, Utc};
use jinan_corpus::{Fetch, Revisit, WarcWriter};
use jinan_index::Searcher;
use jinan_types::SearchRequest;

const REQ: &[u8] = b"GET / HTTP/1.1\r\nHost: h.test\r\n\r\n";
const HTML: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n";
const PDF: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n\r\n";
const GONE: &[u8] = b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n";
const NOT_MODIFIED: &[u8] = b"HTTP/1.1 304 Not Modified\r\n\r\n";

fn article_url(n: u32) -> String {
    format!("http://h.test/art/2018/11/{n}/art_30173_{n}.html")
}

fn article(title: &str) -> Vec<u8> {
    format!(
        "<html><head><meta name=\"ArticleTitle\" content=\"{title}\">\
         <meta name=\"PubDate\" content=\"2018-11-19 10:05\"></head><body><div id=\"zoom\">\
         <p>{title} is a story about the springs of Jinan and its sister cities.</p></div>\
         <div>Produced By 大汉网络 大汉版通发布系统</div></body></html>"
    )
    .into_bytes()
}

/// One fetch to archive.
struct F {
    url: String,
    head: &'static [u8],
    body: Vec<u8>,
    revisit: bool,
}

fn got(url: &str, head: &'static [u8], body: &[u8]) -> F {
    F {
        url: url.to_string(),
        head,
        body: body.to_vec(),
        revisit: false,
    }
}

fn not_modified(url: &str) -> F {
    F {
        url: url.to_string(),
        head: NOT_MODIFIED,
        body: Vec::new(),
        revisit: true,
    }
}

struct Corpus {
    _tmp: tempfile::TempDir,
    warc: PathBuf,
    index: PathBuf,
}

impl Corpus {
    fn new() -> Corpus {
        let tmp = tempfile::tempdir().unwrap();
        let warc = tmp.path().join("warc");
        let index = tmp.path().join("index");
        Corpus {
            _tmp: tmp,
            warc,
            index,
        }
    }

    /// Appends fetches as a new WARC file.
    fn write(&self, fetches: &[F]) {
        let info = jinan_corpus::WarcInfo {
            software: "jinan-ingest-test".into(),
            hostname: "test".into(),
            operator: None,
            user_agent: "jinan-ingest-test".into(),
            robots: "obey robots.txt".into(),
            is_part_of: "test".into(),
        };
        let mut w = WarcWriter::create(&self.warc, 1 << 30, &info).unwrap();
        for (i, f) in fetches.iter().enumerate() {
            w.write_fetch(&Fetch {
                url: &f.url,
                captured_at: Utc.with_ymd_and_hms(2024, 5, 6, 7, 8, i as u32).unwrap(),
                ip: None,
                request: REQ,
                response_head: f.head,
                body: &f.body,
                revisit: f.revisit.then(Revisit::default),
                via: None,
                via_column: None,
                truncated: false,
            })
            .unwrap();
        }
        w.sync().unwrap();
    }

    fn run(&self, rebuild: bool) -> IndexSummary {
        run(&self.warc, &self.index, rebuild, &mut Quiet).unwrap()
    }

    fn hits(&self, q: &str) -> Vec<(String, bool)> {
        let s = Searcher::open(&self.index).unwrap();
        s.search(&SearchRequest::new(q))
            .unwrap()
            .hits
            .into_iter()
            .map(|h| (h.url, h.deleted_at.is_some()))
            .collect()
    }
}

#[test]
fn each_kind_of_capture_does_what_it_means() {
    let c = Corpus::new();
    let (a1, a2) = (article_url(1), article_url(2));
    let (b1, b2) = (article("Kfar Saba"), article("Kharkiv"));
    c.write(&[
        got(&a1, HTML, &b1),
        got(&a2, HTML, &b2),
        not_modified(&a1),
        got("http://h.test/col/col30173/index.html", HTML, &b1),
        got(
            "http://h.test/module/download/downfile.jsp?f=a.pdf",
            PDF,
            b"%PDF-1.4",
        ),
        got(&a2, GONE, b"<html>gone</html>"),
    ]);
    let s = c.run(false);
    assert_eq!(
        (
            s.captures_read,
            s.articles_indexed,
            s.deleted,
            s.skipped,
            s.extract_failures
        ),
        (6, 2, 1, 3, 0)
    );
    assert_eq!(c.hits("Kfar"), [(a1.clone(), false)]);
    assert_eq!(
        c.hits("Kharkiv"),
        [(a2, true)],
        "a 404 marks the article deleted"
    );
}

#[test]
fn runs_resume_from_the_committed_cursor() {
    let c = Corpus::new();
    let (a1, a2) = (article_url(1), article_url(2));
    c.write(&[got(&a1, HTML, &article("Kfar Saba"))]);
    assert_eq!(c.run(false).captures_read, 1);
    assert_eq!(c.run(false).captures_read, 0, "nothing new: nothing read");
    c.write(&[got(&a2, HTML, &article("Kharkiv"))]);
    let s = c.run(false);
    assert_eq!((s.captures_read, s.articles_indexed), (1, 1));
    let s = c.run(true);
    assert!(s.rebuilt);
    assert_eq!((s.captures_read, s.articles_indexed), (2, 2));
    assert_eq!(c.hits("springs").len(), 2);
}

#[test]
fn a_panicking_capture_is_counted_as_failed_and_the_rest_is_indexed() {
    let c = Corpus::new();
    let (a1, a2, a3) = (article_url(1), article_url(2), article_url(3));
    c.write(&[
        got(&a1, HTML, &article("Kfar Saba")),
        got(&a2, HTML, &article("Kharkiv")),
        got(&a3, HTML, &article("Vaasa")),
    ]);
    let poisoned = a2.clone();
    let step = move |sc: &StoredCapture| {
        if sc.capture.url == poisoned {
            panic!("injected failure");
        }
        action_for(sc)
    };
    let s = run_with(&c.warc, &c.index, false, &mut Quiet, &step).unwrap();
    assert_eq!(
        (s.captures_read, s.articles_indexed, s.extract_failures),
        (3, 2, 1)
    );
    assert_eq!(s.failures.len(), 1);
    assert_eq!(s.failures[0].url, a2);
    assert!(
        s.failures[0].reason.contains("injected failure"),
        "{:?}",
        s.failures
    );
    assert_eq!(
        c.hits("Vaasa").len(),
        1,
        "captures after the panic are indexed"
    );
    assert!(c.hits("Kharkiv").is_empty());
    // The failure was reported, not lost: a rebuild (with a working extractor) picks it up.
    assert_eq!(c.run(true).articles_indexed, 3);
}

#[test]
fn a_missing_archive_is_its_own_error() {
    let c = Corpus::new();
    assert!(matches!(
        run(&c.warc, &c.index, false, &mut Quiet),
        Err(Error::NoCaptures(_))
    ));
}

#[test]
fn articles_are_read_as_the_index_reads_them() {
    let c = Corpus::new();
    let short =
        b"<html><head><title>About</title></head><body><p>2020-01-02 short</p></body></html>";
    c.write(&[
        got(&article_url(1), HTML, &article("Kfar Saba")),
        got("http://h.test/about.html", HTML, short),
        got("http://h.test/", HTML, &article("Home")),
    ]);
    let reader = CaptureReader::open(&c.warc, None).unwrap();
    let got: Vec<Option<String>> = reader
        .map(|sc| article_of(&sc.unwrap()).unwrap().map(|a| a.title))
        .collect();
    assert_eq!(got, [Some("Kfar Saba".to_string()), None, None]);
}

#[test]
fn payloads_round_trip_and_foreign_ones_are_ignored() {
    let p = payload(Some(Cursor {
        file: "jinan-1-00000.warc.gz".into(),
        offset: 42,
    }));
    assert_eq!(Payload::cursor_of(&p).map(|c| c.offset), Some(42));
    assert_eq!(
        Payload::cursor_of("{\"version\": 99, \"cursor\": null}"),
        None
    );
    assert_eq!(Payload::cursor_of("not json"), None);
}
