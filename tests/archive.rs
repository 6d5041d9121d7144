//! The archive as other tools see it: responses stored as received and checked by `warcio check`,
//! revisits and every capture replayed by pywb, our CDXJ against `cdxj-indexer`, WACZ packages
//! through `wacz validate`, fixity checks, and a corpus written in the old layout.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Utc};
use jinan_types::{Capture, CaptureKind};
use sha2::Digest;
use testsite::{Request, Site};

use crate::pywb::{warc_paths, Pywb};
use crate::util::{captures, plain_site, site, stderr, Workspace};

fn ts14(t: &DateTime<Utc>) -> String {
    t.format("%Y%m%d%H%M%S").to_string()
}

fn host_of(base: &str) -> String {
    url::Url::parse(base)
        .map(|u| format!("{}:{}", u.host_str().unwrap(), u.port().unwrap()))
        .unwrap()
}

/// What the site served at `path` (before any content coding).
fn rendered(site: &Site, base: &str, path: &str) -> Vec<u8> {
    site.render(&Request::get(path).with_header("Host", &host_of(base)))
        .body
}

/// `warcio check` (the CLI) on every WARC file: exit 0 and no digest problem reported.
fn warcio_check_cli(corpus: &Path) {
    let files = warc_paths(corpus);
    assert!(!files.is_empty());
    let out = Command::new("warcio")
        .arg("check")
        .arg("-v")
        .args(&files)
        .output()
        .expect("warcio not found: run scripts/setup.sh (pip install warcio)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "warcio check failed: {text}{}",
        stderr(&out)
    );
    assert!(
        text.contains("digest pass"),
        "warcio checked no digest: {text}"
    );
    assert!(!text.contains("digest fail"), "{text}");
}

#[test]
fn responses_are_stored_as_received_and_read_back_decoded() {
    let server = site(40);
    let base = server.base_url();
    let ws = Workspace::new();
    ws.crawl_fast(&base);
    let warc = ws.corpus().join("warc");
    let caps = captures(&ws.corpus());
    let now = server.with_site(|s| s.clone());
    let mut forms = HashSet::new();
    for a in now.articles().iter().filter(|a| a.live) {
        let url = format!("{}{}", base.trim_end_matches('/'), a.path);
        let c = caps
            .iter()
            .find(|c| c.url == url && c.status == 200)
            .unwrap_or_else(|| panic!("{url} not captured"));
        let sc = jinan_corpus::read_capture(&warc, &c.location).unwrap();
        let wire = testsite::wire_for(&a.path);
        forms.insert(wire);
        assert_eq!(sc.http_header("Content-Encoding"), wire.coding(), "{url}");
        assert_eq!(
            sc.http_header("X-Archive-Orig-Transfer-Encoding"),
            wire.chunked().then_some("chunked"),
            "{url}"
        );
        assert_eq!(sc.http_header("Transfer-Encoding"), None);
        // The payload digest is that of the bytes received; the body decodes to the page.
        assert_eq!(
            c.digest.as_deref(),
            Some(jinan_corpus::sha1_digest(&sc.payload).as_str())
        );
        let page = rendered(&now, &base, &a.path);
        assert_eq!(sc.body().unwrap().as_ref(), page.as_slice(), "{url}");
        if wire.coding().is_some() {
            assert_ne!(sc.payload, page, "{url} stored decoded");
        } else {
            assert_eq!(sc.payload, page);
        }
    }
    assert_eq!(forms.len(), 5, "not every wire form was crawled: {forms:?}");
    warcio_check_cli(&ws.corpus());

    // Extraction and search read the decoded bodies: a rare word of every compressed article is
    // found.
    ws.ok(&["index"]);
    for a in now.articles().iter().filter(|a| a.live) {
        let Some(word) = &a.rare_word else { continue };
        let v = ws.search_json(word, &[]);
        assert_eq!(
            v["total"],
            1,
            "{word} of {} ({:?})",
            a.path,
            testsite::wire_for(&a.path)
        );
    }
}

#[test]
fn warcinfo_names_software_host_operator_robots_and_collection() {
    let server = plain_site(5);
    let base = server.base_url();
    let ws = Workspace::new();
    let mut args = crate::util::fast("crawl", &base).to_vec();
    args.extend(["--operator", "Jinan Archive Team <archive@example.org>"]);
    args.extend(["--max-pages", "5"]);
    ws.ok(&args);
    // The collection comes from jinan.toml when no flag gives it.
    std::fs::write(
        ws.dir.path().join("jinan.toml"),
        "[crawl]\ncollection = \"jinan-test\"\n",
    )
    .unwrap();
    ws.ok(&args);
    let script = r#"
import sys, glob, json
from warcio.archiveiterator import ArchiveIterator
out = []
for f in sorted(glob.glob(sys.argv[1] + '/*.warc.gz')):
    with open(f, 'rb') as fh:
        rec = next(iter(ArchiveIterator(fh)))
        assert rec.rec_type == 'warcinfo', rec.rec_type
        fields = {}
        for line in rec.content_stream().read().decode('utf-8').splitlines():
            k, _, v = line.partition(': ')
            fields[k] = v
        out.append(fields)
print(json.dumps(out))
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(ws.corpus().join("warc"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let infos: Vec<BTreeMap<String, String>> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(infos.len(), 2);
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    for (i, info) in infos.iter().enumerate() {
        assert_eq!(
            info["software"],
            format!("jinan/{}", env!("CARGO_PKG_VERSION"))
        );
        assert_eq!(info["hostname"], host.trim());
        assert_eq!(info["operator"], "Jinan Archive Team <archive@example.org>");
        assert!(info["robots"].starts_with("obey robots.txt"), "{info:?}");
        assert!(info["http-header-user-agent"].starts_with("jinan/"));
        assert_eq!(
            info["isPartOf"],
            if i == 0 { "jinan" } else { "jinan-test" }
        );
        assert_eq!(info["format"], "WARC File Format 1.1");
        assert!(info["conformsTo"].contains("warc-1.1"));
    }
}

/// A fixture crawled twice with edits and new articles between the runs: revisits present.
struct TwoRounds {
    server: testsite::Server,
    base: String,
    ws: Workspace,
    /// The site as served in each round.
    rounds: [Site; 2],
    /// When the second round started.
    second_at: DateTime<Utc>,
}

fn two_rounds(articles: usize) -> TwoRounds {
    let server = plain_site(articles);
    let base = server.base_url();
    let ws = Workspace::new();
    ws.crawl_fast(&base);
    let first = server.with_site(|s| s.clone());
    // Replay addresses captures by the second: let the clock pass the first round's last second.
    let last = captures(&ws.corpus())
        .iter()
        .map(|c| ts14(&c.captured_at))
        .max()
        .unwrap();
    while ts14(&Utc::now()) <= last {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    server.with_site(|s| {
        s.edit(3);
        s.add(2);
    });
    let second = server.with_site(|s| s.clone());
    let second_at = Utc::now();
    ws.crawl_fast(&base);
    let revisits = captures(&ws.corpus())
        .iter()
        .filter(|c| c.kind == CaptureKind::Revisit)
        .count();
    assert!(revisits > 0, "no revisits after the recrawl");
    TwoRounds {
        server,
        base,
        ws,
        rounds: [first, second],
        second_at,
    }
}

impl TwoRounds {
    /// Every capture of every article with the page the site served at that time.
    fn article_captures(&self) -> Vec<(Capture, Vec<u8>, Option<String>)> {
        let caps = captures(&self.ws.corpus());
        let mut out = Vec::new();
        let live_now = self.server.with_site(|s| s.articles());
        for a in live_now.iter().filter(|a| a.live) {
            let url = format!("{}{}", self.base.trim_end_matches('/'), a.path);
            for c in caps.iter().filter(|c| c.url == url) {
                assert!(matches!(c.status, 200 | 304), "{url}: {}", c.status);
                let round = usize::from(c.captured_at >= self.second_at);
                let page = rendered(&self.rounds[round], &self.base, &a.path);
                out.push((c.clone(), page, a.rare_word.clone()));
            }
        }
        out
    }
}

/// Every capture time of every article replays in pywb: the archived payload is byte for byte
/// what the site served then, and the rewritten page shows the article's text. Returns how many
/// of the captures were revisits.
fn assert_replays(pywb: &Pywb, caps: &[(Capture, Vec<u8>, Option<String>)]) -> usize {
    let mut revisits = 0;
    for (c, page, rare) in caps {
        let ts = ts14(&c.captured_at);
        let raw = pywb.replay(&ts, &c.url, true);
        assert_eq!(raw.status, 200, "{ts} {} ({:?})", c.url, c.kind);
        assert!(
            raw.body == *page,
            "{ts} {} ({:?}) replays other bytes ({} vs {})",
            c.url,
            c.kind,
            raw.body.len(),
            page.len()
        );
        if let Some(word) = rare {
            let shown = pywb.replay(&ts, &c.url, false);
            assert_eq!(shown.status, 200);
            assert!(shown.text().contains(word.as_str()), "{ts} {}", c.url);
        }
        revisits += usize::from(c.kind == CaptureKind::Revisit);
    }
    revisits
}

#[test]
fn every_capture_replays_in_pywb_revisits_included() {
    let t = two_rounds(40);
    warcio_check_cli(&t.ws.corpus());
    let caps = t.article_captures();
    assert!(caps.len() >= 80, "{} article captures", caps.len());
    let pywb = Pywb::with_warcs(&warc_paths(&t.ws.corpus()));
    assert!(assert_replays(&pywb, &caps) > 0, "no revisit replayed");
}

/// Our CDXJ, field by field, as `cdxj-indexer` writes it for the same files.
#[test]
fn cdxj_export_matches_cdxj_indexer_and_pywb_replays_from_it() {
    let t = two_rounds(30);
    let ours = t.ws.ok(&["export", "--format", "cdxj"]);
    let lines: Vec<&str> = ours.lines().collect();
    let mut sorted = lines.clone();
    sorted.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    assert_eq!(lines, sorted, "CDXJ not in byte order");
    let out = Command::new("cdxj-indexer")
        .arg("--sort")
        .arg(t.ws.corpus().join("warc"))
        .output()
        .expect("cdxj-indexer not found: run scripts/setup.sh (pip install cdxj-indexer)");
    assert!(out.status.success(), "{}", stderr(&out));
    let theirs = String::from_utf8(out.stdout).unwrap();
    let parse = |text: &str| -> Vec<(String, String, serde_json::Value)> {
        let mut v: Vec<_> = text
            .lines()
            .map(|l| {
                let mut it = l.splitn(3, ' ');
                let key = it.next().unwrap().to_string();
                let ts = it.next().unwrap().to_string();
                let json: serde_json::Value = serde_json::from_str(it.next().unwrap()).unwrap();
                (key, ts, json)
            })
            .collect();
        v.sort_by(|a, b| (&a.0, &a.1, a.2.to_string()).cmp(&(&b.0, &b.1, b.2.to_string())));
        v
    };
    let (a, b) = (parse(&ours), parse(&theirs));
    assert_eq!(a.len(), b.len(), "capture counts differ");
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y);
    }
    assert_eq!(ours, theirs, "CDXJ lines differ from cdxj-indexer's");
    assert!(lines
        .iter()
        .any(|l| l.contains("\"mime\": \"warc/revisit\"")));

    // pywb replays with our index in place of its own.
    let cdxj = t.ws.dir.path().join("ours.cdxj");
    std::fs::write(&cdxj, &ours).unwrap();
    let pywb = Pywb::with_index(&warc_paths(&t.ws.corpus()), &cdxj);
    assert!(assert_replays(&pywb, &t.article_captures()) > 0);
}

/// Extracts a ZIP with Python's zipfile (the reader py-wacz uses) into `dest`.
fn unzip(file: &Path, dest: &Path) {
    let out = Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])",
        ])
        .arg(file)
        .arg(dest)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn wacz_package_validates_and_replays() {
    let t = two_rounds(30);
    t.ws.ok(&["index"]);
    let wacz = t.ws.dir.path().join("collection.wacz");
    let wacz_arg = wacz.to_str().unwrap();
    t.ws.ok(&["export", "--format", "wacz", "--output", wacz_arg]);
    let out = Command::new("wacz")
        .args(["validate", "-f", wacz_arg])
        .output()
        .expect("wacz not found: run scripts/setup.sh (pip install wacz)");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && said.contains("Validation succeeded"),
        "wacz validate: {said}{}",
        stderr(&out)
    );

    let dir = tempfile::tempdir().unwrap();
    unzip(&wacz, dir.path());
    // Every file is listed with its true size and SHA-256; the WARC files are the corpus's own.
    let pkg: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("datapackage.json")).unwrap())
            .unwrap();
    assert_eq!(pkg["profile"], "data-package");
    assert_eq!(pkg["wacz_version"], "1.1.1");
    let mut listed = HashSet::new();
    for r in pkg["resources"].as_array().unwrap() {
        let path = r["path"].as_str().unwrap();
        let data = std::fs::read(dir.path().join(path)).unwrap();
        assert_eq!(r["bytes"].as_u64(), Some(data.len() as u64), "{path}");
        let hash = format!("sha256:{:x}", sha2::Sha256::digest(&data));
        assert_eq!(r["hash"].as_str(), Some(hash.as_str()), "{path}");
        listed.insert(path.to_string());
    }
    let mut warcs: Vec<PathBuf> = Vec::new();
    for w in warc_paths(&t.ws.corpus()) {
        let name = format!("archive/{}", w.file_name().unwrap().to_str().unwrap());
        assert!(listed.contains(&name), "{name} not in the package");
        let packed = dir.path().join(&name);
        assert_eq!(std::fs::read(&packed).unwrap(), std::fs::read(&w).unwrap());
        warcs.push(packed);
    }
    for p in ["indexes/index.cdx", "pages/pages.jsonl"] {
        assert!(listed.contains(p), "{p} not in the package");
    }
    let digest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("datapackage-digest.json")).unwrap())
            .unwrap();
    let pkg_bytes = std::fs::read(dir.path().join("datapackage.json")).unwrap();
    assert_eq!(
        digest["hash"].as_str().unwrap(),
        format!("sha256:{:x}", sha2::Sha256::digest(&pkg_bytes))
    );
    // The index is the CDXJ export.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("indexes/index.cdx")).unwrap(),
        t.ws.ok(&["export", "--format", "cdxj"])
    );

    // pages.jsonl: a header with hasText, then every article with its text, Chinese segmented.
    let pages = std::fs::read_to_string(dir.path().join("pages/pages.jsonl")).unwrap();
    let mut lines = pages.lines();
    let header: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(header["format"], "json-pages-1.0");
    assert_eq!(header["hasText"], true);
    let pages: BTreeMap<String, serde_json::Value> = lines
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|v| (v["url"].as_str().unwrap().to_string(), v))
        .collect();
    // Every article of the site is there, with the text the index holds.
    let indexed: BTreeMap<String, serde_json::Value> =
        t.ws.ok(&["export", "--format", "jsonl"])
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .map(|v| (v["url"].as_str().unwrap().to_string(), v))
            .collect();
    assert_eq!(pages.len(), indexed.len());
    let truth = t.server.with_site(|s| s.truth(&t.base));
    let mut chinese = 0;
    for a in &truth {
        let p = pages
            .get(&a.url)
            .unwrap_or_else(|| panic!("{} not in pages.jsonl", a.url));
        let doc = &indexed[&a.url];
        assert_eq!(p["title"], doc["title"]);
        assert_eq!(p["id"], doc["id"]);
        assert!(p["ts"].as_str().is_some_and(|ts| ts.ends_with('Z')));
        let text = p["text"].as_str().unwrap();
        let body = doc["body"].as_str().unwrap();
        assert_eq!(
            text.split_whitespace().collect::<String>(),
            body.split_whitespace().collect::<String>(),
            "{}",
            a.url
        );
        if a.lang == jinan_types::Lang::Zh && !a.body.is_empty() {
            chinese += 1;
            let han_words = text
                .split_whitespace()
                .filter(|w| w.chars().all(jinan_index::tokenizer::is_han))
                .count();
            assert!(han_words > 3, "{} not segmented: {text:.80}", a.url);
        }
    }
    assert!(chinese > 0, "no Chinese article in the fixture");

    // pywb replays the WARC files taken out of the package.
    let pywb = Pywb::with_warcs(&warcs);
    assert!(assert_replays(&pywb, &t.article_captures()) > 0);
}

#[test]
fn verify_reports_a_flipped_byte_by_file_and_offset() {
    let server = plain_site(20);
    let ws = Workspace::new();
    ws.crawl_fast(&server.base_url());
    let report = ws.ok(&["verify", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert!(v["records"].as_u64().unwrap() > 20);
    assert!(v["payload_digests"].as_u64().unwrap() > 10);
    assert_eq!(v["damaged"].as_array().map(Vec::len), Some(0));

    // Flip one byte in the middle of some response record, in a copy of the corpus.
    let entries: Vec<jinan_corpus::IndexEntry> =
        jinan_corpus::CaptureIndex::open(&ws.corpus().join("warc"))
            .unwrap()
            .map(Result::unwrap)
            .filter(|e| e.kind == CaptureKind::Response && e.length > 400)
            .collect();
    let victim = &entries[entries.len() / 2];
    let copy = Workspace::new();
    std::fs::create_dir_all(copy.corpus().join("warc")).unwrap();
    for w in warc_paths(&ws.corpus()) {
        std::fs::copy(&w, copy.corpus().join("warc").join(w.file_name().unwrap())).unwrap();
    }
    let file = copy.corpus().join("warc").join(&victim.filename);
    let mut data = std::fs::read(&file).unwrap();
    let at = (victim.offset + victim.length / 2) as usize;
    data[at] ^= 0x55;
    std::fs::write(&file, data).unwrap();
    let out = copy.jinan(&["verify"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let line = format!("DAMAGED {} at byte {}", victim.filename, victim.offset);
    assert!(text.contains(&line), "{line} not in: {text}");
    assert_eq!(text.matches("DAMAGED").count(), 1, "{text}");
    assert!(
        stderr(&out).contains("1 damaged record"),
        "{}",
        stderr(&out)
    );
}

/// Where the old-layout corpus was crawled from: `testsite serve --articles 20 --no-hazards
/// --addr 127.0.0.1:18471`, crawled twice (so revisits are present) by jinan before responses were
/// stored as received.
const OLD_BASE: &str = "http://127.0.0.1:18471/";

fn old_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/old-layout")
}

#[test]
fn an_old_layout_corpus_still_reads_indexes_exports_and_replays() {
    let ws = Workspace::new();
    let warc = ws.corpus().join("warc");
    std::fs::create_dir_all(&warc).unwrap();
    for w in warc_paths(&old_corpus()) {
        std::fs::copy(&w, warc.join(w.file_name().unwrap())).unwrap();
    }
    let caps = captures(&ws.corpus());
    assert!(caps.iter().any(|c| c.kind == CaptureKind::Revisit));
    let site = Site::new(testsite::SiteConfig {
        articles: 20,
        hazards: false,
        ..Default::default()
    });
    // Old records hold decoded bodies with the wire headers renamed: they read back as stored,
    // and replay byte for byte. (The fixture has changed since, so the stored pages are the
    // reference, not today's rendering.)
    let mut replayable = Vec::new();
    let mut renamed = 0;
    for a in site.articles() {
        let url = format!("{}{}", OLD_BASE.trim_end_matches('/'), a.path);
        let mine: Vec<&Capture> = caps.iter().filter(|c| c.url == url).collect();
        assert!(!mine.is_empty(), "{url} not in the old corpus");
        for c in mine.into_iter().filter(|c| c.kind == CaptureKind::Response) {
            let sc = jinan_corpus::read_capture(&warc, &c.location).unwrap();
            assert_eq!(sc.body().unwrap().as_ref(), sc.payload.as_slice(), "{url}");
            assert!(
                String::from_utf8_lossy(&sc.payload).contains("<html"),
                "{url}"
            );
            renamed += usize::from(sc.http_header("X-Archive-Orig-Content-Encoding").is_some());
            // Old revisits hold the 304 head, which pywb serves as an empty 304: only the
            // responses replay there (jinan's own replay reads them through the corpus).
            replayable.push((c.clone(), sc.payload.clone(), a.rare_word.clone()));
        }
    }
    assert!(renamed > 0, "no old record of a compressed answer");
    ws.ok(&["index"]);
    for a in site.articles() {
        if let Some(word) = &a.rare_word {
            assert_eq!(ws.search_json(word, &[])["total"], 1, "{word}");
        }
    }
    ws.ok(&["verify"]);
    let cdxj = ws.ok(&["export", "--format", "cdxj"]);
    assert!(cdxj.lines().count() >= caps.len());
    let pywb = Pywb::with_warcs(&warc_paths(&ws.corpus()));
    assert_eq!(assert_replays(&pywb, &replayable), 0);
}
