//! Replay through `jinan serve` (issue 13): every version of every article at every capture time,
//! the raw copy byte for byte, revisits, Memento TimeGate and TimeMap read as a Memento client
//! reads them, `archive_url` in hits, and bad replay requests.

use std::collections::HashMap;
use std::net::SocketAddr;

use chrono::{DateTime, Utc};

use crate::util::{fast, site, Workspace};
use crate::web::{get, parse_links, Answer, Link};

/// The body of a fixture page as it answers the crawler (same Host header), decoded when the
/// fixture compressed it.
fn live_bytes(site: SocketAddr, path: &str) -> Vec<u8> {
    let mut a = get(site, path, &[]);
    // Behind the fixture's WAF: a 302 to the same URL with a cookie to send back, as a browser
    // (and the crawler) does.
    if a.status == 302 {
        if let Some(cookie) = a.header("set-cookie").and_then(|c| c.split(';').next()) {
            let cookie = cookie.to_string();
            a = get(site, path, &[("Cookie", &cookie)]);
        }
    }
    assert_eq!(a.status, 200, "fixture {path}: {}", a.status);
    a.body
}

/// The payload of an `id_` answer with its content coding (gzip, br) undone by decoders of the
/// test's own, not the corpus reader's.
fn decoded(a: &Answer) -> Vec<u8> {
    match a.header("content-encoding") {
        Some(enc) if enc.eq_ignore_ascii_case("gzip") => {
            let mut out = Vec::new();
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&a.body[..]), &mut out)
                .expect("gunzip id_ payload");
            out
        }
        Some(enc) if enc.eq_ignore_ascii_case("br") => {
            let mut out = Vec::new();
            std::io::Read::read_to_end(
                &mut brotli_decompressor::Decompressor::new(&a.body[..], 4096),
                &mut out,
            )
            .expect("brotli-decode id_ payload");
            out
        }
        _ => a.body.clone(),
    }
}

/// What a TimeMap lists: (14-digit timestamp, memento path, datetime).
fn mementos(links: &[Link]) -> Vec<(String, String, DateTime<Utc>)> {
    links
        .iter()
        .filter(|l| l.has_rel("memento"))
        .map(|l| {
            let dt = l.param("datetime").expect("memento without datetime");
            let dt = DateTime::parse_from_rfc2822(dt)
                .unwrap_or_else(|e| panic!("bad datetime {dt:?}: {e}"))
                .with_timezone(&Utc);
            let ts = l
                .target
                .strip_prefix("/web/")
                .and_then(|r| r.split('/').next())
                .expect("memento target is /web/<ts>/<url>")
                .to_string();
            (ts, l.target.clone(), dt)
        })
        .collect()
}

/// The 14-digit form of a 1..14-digit prefix, filled with the earliest moment (as pywb pads).
/// A day filled past its month's end is the month's last day.
fn padded(prefix: &str) -> DateTime<Utc> {
    let mut full = format!("{prefix}{}", &"10000101000000"[prefix.len()..]);
    loop {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(&full, "%Y%m%d%H%M%S") {
            return t.and_utc();
        }
        let day: u32 = full[6..8].parse().unwrap();
        assert!(
            prefix.len() < 8 && day > 28,
            "{prefix} does not pad to a time"
        );
        full.replace_range(6..8, &format!("{:02}", day - 1));
    }
}

fn timemap(addr: SocketAddr, url: &str) -> Vec<Link> {
    let a = get(addr, &format!("/timemap/link/{url}"), &[]);
    assert_eq!(a.status, 200, "timemap of {url}: {}", a.text());
    assert_eq!(a.header("content-type"), Some("application/link-format"));
    parse_links(&a.text())
}

struct Crawled {
    ws: Workspace,
    server: testsite::Server,
    base: String,
    edited: Vec<String>,
    deleted: Vec<String>,
    /// Fixture bytes of each article path before the mutation.
    before: HashMap<String, Vec<u8>>,
}

/// Ingest, edit two articles and delete one, ingest again.
fn crawled_twice() -> Crawled {
    let server = site(30);
    let base = server.base_url();
    let ws = Workspace::new();
    ws.ok(&fast("ingest", &base));
    let paths: Vec<String> =
        server.with_site(|s| s.articles().into_iter().map(|a| a.path).collect());
    let before = paths
        .iter()
        .map(|p| (p.clone(), live_bytes(server.addr(), p)))
        .collect();
    let edited = server.with_site(|s| s.edit(2));
    let deleted = server.with_site(|s| s.delete(1));
    ws.ok(&fast("ingest", &base));
    Crawled {
        ws,
        server,
        base,
        edited,
        deleted,
        before,
    }
}

fn edit_marker(lang: jinan_types::Lang) -> &'static str {
    match lang {
        jinan_types::Lang::Zh => "第1次修订",
        jinan_types::Lang::En => "revision 1)",
    }
}

#[test]
fn every_version_at_every_capture_time() {
    let c = crawled_twice();
    let served = c.ws.serve();
    let addr = served.addr;
    let articles = c.server.with_site(|s| s.articles());
    let mut checked_revisit = false;
    for art in articles.iter().filter(|a| a.live) {
        let url = format!("{}{}", c.base.trim_end_matches('/'), art.path);
        let links = timemap(addr, &url);
        let list = mementos(&links);
        assert!(list.len() >= 2, "{url}: {} mementos", list.len());
        let stamps: std::collections::HashSet<_> = list.iter().map(|m| &m.0).collect();
        assert_eq!(
            stamps.len(),
            list.len(),
            "two captures in one second: {list:?}"
        );
        let edited = c.edited.contains(&art.path);
        for (i, (ts, path, dt)) in list.iter().enumerate() {
            // The banner page frames the rewritten copy of the same capture.
            let framed = get(addr, path, &[]);
            assert_eq!(framed.status, 200, "{path}");
            let page = framed.text();
            assert!(page.contains(&format!("src=\"/web/{ts}mp_/")), "{page}");
            assert!(page.contains("/timeline?url="), "no timeline link: {page}");
            assert!(
                page.contains(&format!("/web/{ts}id_/")),
                "no raw link: {page}"
            );
            assert_eq!(
                framed.header("memento-datetime"),
                Some(dt.format("%a, %d %b %Y %H:%M:%S GMT").to_string().as_str())
            );
            let copy = get(addr, &format!("/web/{ts}mp_/{url}"), &[]);
            assert_eq!(copy.status, 200, "{ts} {url}");
            let text = copy.text();
            assert!(text.contains("<title>"), "{ts} {url}: {text:.300}");
            let marker = edit_marker(art.lang);
            let new_version = edited && i == list.len() - 1;
            assert_eq!(
                text.contains(marker),
                new_version,
                "{url} at {ts}: edit marker {marker:?} present = {}",
                text.contains(marker)
            );
            // The raw copy is what the fixture sent at that time.
            let raw = get(addr, &format!("/web/{ts}id_/{url}"), &[]);
            assert_eq!(raw.status, 200);
            assert!(raw
                .header("content-type")
                .unwrap_or("")
                .starts_with("text/html"));
            // Captures of the second ingest are what the fixture serves now (an edit, or a
            // related-stories list without the deleted article; a 304 confirms the same bytes).
            let expected = if list.len() > 1 && i == list.len() - 1 {
                live_bytes(c.server.addr(), &art.path)
            } else {
                c.before[&art.path].clone()
            };
            let got = decoded(&raw);
            if got != expected {
                let at = got
                    .iter()
                    .zip(&expected)
                    .position(|(a, b)| a != b)
                    .unwrap_or(0);
                panic!("{url} at {ts}: id_ differs from the fixture's bytes (coding {:?}, {} vs {} bytes, first difference at {at}: {:?} vs {:?})",
                    raw.header("content-encoding"), got.len(), expected.len(),
                    String::from_utf8_lossy(&got[at.saturating_sub(80)..(at + 80).min(got.len())]),
                    String::from_utf8_lossy(&expected[at.saturating_sub(80)..(at + 80).min(expected.len())]));
            }
            if !edited && i > 0 {
                checked_revisit = true;
            }
        }
        // Every prefix of each capture's timestamp answers with the nearest capture.
        for (ts, _, _) in &list {
            for n in 1..=14 {
                let prefix = &ts[..n];
                let want = padded(prefix);
                let nearest = list
                    .iter()
                    .min_by_key(|m| (m.2 - want).num_milliseconds().unsigned_abs())
                    .unwrap();
                let a = get(addr, &format!("/web/{prefix}/{url}"), &[]);
                assert_eq!(a.status, 200, "/web/{prefix}/{url}");
                assert_eq!(
                    a.header("memento-datetime"),
                    Some(
                        nearest
                            .2
                            .format("%a, %d %b %Y %H:%M:%S GMT")
                            .to_string()
                            .as_str()
                    ),
                    "/web/{prefix}/{url}"
                );
            }
        }
    }
    assert!(checked_revisit, "no article was confirmed by a 304 revisit");
    // A deleted article's captures still replay (the 404 capture as archived).
    let gone = format!("{}{}", c.base.trim_end_matches('/'), c.deleted[0]);
    let list = mementos(&timemap(addr, &gone));
    let first = &list[0];
    let a = get(addr, &format!("/web/{}mp_/{gone}", first.0), &[]);
    assert_eq!(a.status, 200, "first capture of the deleted article");
}

#[test]
fn memento_timegate_and_timemap_as_a_client_reads_them() {
    let c = crawled_twice();
    let served = c.ws.serve();
    let addr = served.addr;
    let url = format!("{}{}", c.base.trim_end_matches('/'), c.edited[0]);
    let links = timemap(addr, &url);
    assert!(
        links
            .iter()
            .any(|l| l.has_rel("original") && l.target == url),
        "{links:?}"
    );
    assert!(links
        .iter()
        .any(|l| l.has_rel("self") && l.param("type") == Some("application/link-format")));
    let gate = links
        .iter()
        .find(|l| l.has_rel("timegate"))
        .expect("timegate link");
    let list = mementos(&links);
    assert_eq!(links.iter().filter(|l| l.has_rel("first")).count(), 1);
    assert_eq!(links.iter().filter(|l| l.has_rel("last")).count(), 1);
    assert!(links.iter().find(|l| l.has_rel("first")).unwrap().target == list[0].1);
    assert!(links.iter().find(|l| l.has_rel("last")).unwrap().target == list.last().unwrap().1);
    assert!(
        list.windows(2).all(|w| w[0].2 < w[1].2),
        "mementos not in time order"
    );

    // Without Accept-Datetime the TimeGate sends the latest; with it, the nearest.
    let a = get(addr, &gate.target, &[]);
    assert_eq!(a.status, 302);
    assert_eq!(
        a.header("vary").map(str::to_ascii_lowercase).as_deref(),
        Some("accept-datetime")
    );
    assert_eq!(a.header("location"), Some(list.last().unwrap().1.as_str()));
    for (want, expect) in [
        (list[0].2 - chrono::Duration::days(400), &list[0]),
        (list[0].2, &list[0]),
        (
            list.last().unwrap().2 + chrono::Duration::days(1),
            list.last().unwrap(),
        ),
    ] {
        let ad = want.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
        let a = get(addr, &gate.target, &[("Accept-Datetime", &ad)]);
        assert_eq!(a.status, 302, "{ad}");
        assert_eq!(a.header("location"), Some(expect.1.as_str()), "{ad}");
        let l = parse_links(a.header("link").expect("Link on the TimeGate answer"));
        assert!(l.iter().any(|l| l.has_rel("original") && l.target == url));
        assert!(l.iter().any(|l| l.has_rel("timemap")));
        // Follow the redirect: the memento says when it was captured and what it is a copy of.
        let m = get(addr, a.header("location").unwrap(), &[]);
        assert_eq!(m.status, 200);
        let md = m.header("memento-datetime").expect("Memento-Datetime");
        assert_eq!(
            DateTime::parse_from_rfc2822(md)
                .unwrap()
                .with_timezone(&Utc),
            expect.2
        );
        let ml = parse_links(m.header("link").expect("Link on the memento"));
        assert!(
            ml.iter().any(|l| l.has_rel("original") && l.target == url),
            "{ml:?}"
        );
        assert!(ml
            .iter()
            .any(|l| l.has_rel("timegate") && l.target == gate.target));
        assert!(ml.iter().any(|l| l.has_rel("timemap")));
    }
    let a = get(addr, &gate.target, &[("Accept-Datetime", "last Tuesday")]);
    assert_eq!(a.status, 400);
    assert!(a.json()["error"].is_string());
    bad_replay_requests_get_json_4xx(&c, addr);
}

#[test]
fn hits_carry_archive_urls_of_the_indexed_version() {
    let c = crawled_twice();
    let served = c.ws.serve();
    let addr = served.addr;
    let arts = c.server.with_site(|s| s.articles());
    for path in c.edited.iter().chain(&c.deleted) {
        let art = arts.iter().find(|a| &a.path == path).unwrap();
        let url = format!("{}{}", c.base.trim_end_matches('/'), path);
        let q = format!("\"{}\"", art.title.replace('"', " "));
        let v = c.ws.search_json(&q, &[]);
        let hit = v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["url"] == url.as_str())
            .unwrap_or_else(|| panic!("{url} not found by its title: {v}"));
        let archive = hit["archive_url"].as_str().expect("archive_url");
        let ts = archive
            .strip_prefix("/web/")
            .unwrap()
            .split('/')
            .next()
            .unwrap();
        assert_eq!(ts.len(), 14, "{archive}");
        assert_eq!(archive, format!("/web/{ts}/{url}"));
        let list = mementos(&timemap(addr, &url));
        let copy = get(addr, &format!("/web/{ts}mp_/{url}"), &[]);
        assert_eq!(copy.status, 200);
        if c.edited.contains(path) {
            // The indexed version is the edited one: the latest capture.
            assert_eq!(ts, list.last().unwrap().0, "{archive}");
            assert!(copy.text().contains(edit_marker(art.lang)));
        } else {
            // A deleted article opens its last capture with the page (not the 404).
            assert_eq!(ts, list[list.len() - 2].0, "{archive}");
            let raw = get(addr, &format!("/web/{ts}id_/{url}"), &[]);
            assert!(
                decoded(&raw) == c.before[path],
                "{archive} is not the page as it was"
            );
        }
        // The API and the page give the same address.
        let api = get(addr, &format!("/api/search?q={}", enc(&q)), &[]).json();
        assert!(
            api["hits"]
                .as_array()
                .unwrap()
                .iter()
                .any(|h| h["archive_url"] == archive),
            "{api}"
        );
        let page = get(addr, &format!("/?q={}", enc(&q)), &[]).text();
        assert!(
            page.contains(&format!("href=\"{archive}\"")),
            "search page lacks {archive}"
        );
    }
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Unknown and unarchivable addresses 404, malformed timestamps 400, with the API's JSON error.
fn bad_replay_requests_get_json_4xx(c: &Crawled, addr: SocketAddr) {
    let known = format!("{}{}", c.base.trim_end_matches('/'), c.edited[0]);
    let cases: Vec<(String, u16)> = vec![
        (
            format!(
                "/web/2024/{}/art/nowhere.html",
                c.base.trim_end_matches('/')
            ),
            404,
        ),
        ("/web/2024/http://evil.example/".into(), 404),
        ("/web/2024/file:///etc/passwd".into(), 404),
        ("/web/2024id_/file:///etc/passwd".into(), 404),
        ("/web/2024/data:text/html,hello".into(), 404),
        ("/timemap/link/http://evil.example/".into(), 404),
        ("/web/http://evil.example/".into(), 404),
        (format!("/web/2024x/{known}"), 400),
        (format!("/web/20241301/{known}"), 400),
        (format!("/web/123456789012345/{known}"), 400),
        (format!("/web/2024zz_/{known}"), 400),
    ];
    for (path, status) in cases {
        let a = get(addr, &path, &[]);
        assert_eq!(a.status, status, "{path}: {}", a.text());
        let v = a.json();
        assert!(
            v["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{path}: {v}"
        );
        assert!(v["code"].is_string(), "{path}: {v}");
    }
}
