//! Tests of the served site over real sockets: validators, once-only errors, WAF, slow page, fault
//! drills, robots modes, mutation while serving, and the request log.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;
use testsite::{Faults, RefusalBurst, RetryAfter, RobotsMode, Server, Site, SiteConfig};

struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A minimal HTTP/1.1 client (one request per connection) so tests see exactly what is sent.
fn request(
    server: &Server,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<Resp> {
    let mut s = TcpStream::connect(server.addr())?;
    s.set_read_timeout(Some(Duration::from_secs(20)))?;
    let mut req = format!(
        "{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
        server.addr()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() {
        req.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no header end"))?;
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Ok(Resp {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    })
}

fn get(server: &Server, target: &str) -> Resp {
    request(server, "GET", target, &[], "").expect("request")
}

fn start(n: usize) -> Server {
    Server::start(Site::new(SiteConfig {
        articles: n,
        slow_delay: Duration::from_millis(600),
        ..SiteConfig::default()
    }))
    .expect("server starts")
}

#[test]
fn serves_pages_with_validators_and_logs_them() {
    let server = start(60);
    let base = server.base_url();
    assert!(base.starts_with("http://127.0.0.1:") && base.ends_with('/'));
    let home = get(&server, "/");
    assert_eq!(home.status, 200);
    let text = String::from_utf8_lossy(&home.body).to_string();
    assert!(
        text.contains(&format!("{}art/2018/11/19/art_30173_2743600.html", base)),
        "absolute links use the Host"
    );
    let path = "/art/2018/11/19/art_30173_2743600.html";
    let r = get(&server, path);
    assert_eq!(r.status, 200);
    let etag = r.header("etag").expect("etag").to_string();
    let r304 = request(&server, "GET", path, &[("If-None-Match", &etag)], "").expect("conditional");
    assert_eq!(r304.status, 304);
    let lm = r.header("last-modified").expect("lm").to_string();
    assert_eq!(
        request(&server, "GET", path, &[("If-Modified-Since", &lm)], "")
            .expect("ims")
            .status,
        304
    );
    // GBK page: no charset in the header.
    let gbk = server
        .with_site(|s| {
            s.articles()
                .into_iter()
                .find(|i| i.encoding == "gbk")
                .map(|i| i.path)
        })
        .expect("gbk");
    assert_eq!(get(&server, &gbk).header("content-type"), Some("text/html"));
    // A POST to the proxy.
    let p = request(
        &server,
        "POST",
        "/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=45&perpage=15",
        &[],
        "col=1&appid=1&webid=38&path=/&columnid=30173&sourceContentType=1&unitid=92871&webname=x&permissiontype=0",
    )
    .expect("post");
    assert!(String::from_utf8_lossy(&p.body).contains("<record>"));
    let log = server.log();
    assert!(log.len() >= 6);
    let e = log.iter().find(|e| e.status == 304).expect("a 304 entry");
    assert!(e.conditional && e.path == path && e.method == "GET" && e.in_flight >= 1);
    assert!(chrono::DateTime::parse_from_rfc3339(&e.time).is_ok());
    assert_eq!(
        e.time.len(),
        "2026-01-01T00:00:00.000Z".len(),
        "milliseconds"
    );
    assert!(log.iter().any(|e| e.method == "POST"));
    server.clear_log();
    assert!(server.log().is_empty());
}

#[test]
fn once_errors_then_success() {
    let server = start(200);
    let infos = server.with_site(|s| s.articles());
    for code in [500u16, 429, 503] {
        let info = infos
            .iter()
            .find(|i| i.once_status == Some(code))
            .expect("an article for each code");
        let first = get(&server, &info.path);
        assert_eq!(first.status, code);
        if code != 500 {
            assert_eq!(first.header("retry-after"), Some("1"));
        }
        assert_eq!(get(&server, &info.path).status, 200);
    }
    assert_eq!(get(&server, "/col/col30176/index.html").status, 500);
    assert_eq!(get(&server, "/col/col30176/index.html").status, 200);
    let log = server.log();
    assert_eq!(
        log.iter()
            .filter(|e| e.fault.as_deref() == Some("once"))
            .count(),
        4
    );
}

#[test]
fn waf_cookie_redirect() {
    let server = start(100);
    let info = server
        .with_site(|s| s.articles().into_iter().find(|i| i.waf))
        .expect("WAF article");
    let r = get(&server, &info.path);
    assert_eq!(r.status, 302);
    assert_eq!(r.header("location"), Some(info.path.as_str()));
    let cookie = r
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .expect("cookie")
        .to_string();
    assert_eq!(
        get(&server, &info.path).status,
        302,
        "still redirected without the cookie"
    );
    let ok = request(&server, "GET", &info.path, &[("Cookie", &cookie)], "").expect("with cookie");
    assert_eq!(ok.status, 200);
}

/// Polls `cond` every 5 ms until it holds; fails the test after a deadline generous enough for a
/// loaded machine.
fn wait_for(what: &str, cond: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !cond() {
        assert!(
            std::time::Instant::now() < deadline,
            "never happened: {what}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn slow_page_and_in_flight_count() {
    // Slow enough that the quick request below surely starts while the slow one is answered.
    let server = std::sync::Arc::new(
        Server::start(Site::new(SiteConfig {
            articles: 30,
            slow_delay: Duration::from_secs(3),
            ..SiteConfig::default()
        }))
        .expect("server starts"),
    );
    let s2 = server.clone();
    let slow = std::thread::spawn(move || get(&s2, testsite::special::SLOW_PAGE).status);
    // The slow request is logged only when it ends: wait until the server is answering it.
    wait_for("the slow request in flight", || server.in_flight() == 1);
    assert_eq!(get(&server, "/robots.txt").status, 200);
    assert_eq!(slow.join().expect("thread"), 200);
    let log = server.log();
    let quick = log
        .iter()
        .find(|e| e.path == "/robots.txt")
        .expect("robots");
    assert_eq!(quick.in_flight, 2, "the slow request was in flight");
    let s = log
        .iter()
        .find(|e| e.path == testsite::special::SLOW_PAGE)
        .expect("slow");
    assert_eq!(s.fault.as_deref(), Some("slow"));
    assert!(s.duration_ms >= 3000);
}

#[test]
fn fault_drills() {
    let server = start(30);
    server.set_faults(Faults {
        error_rate: 1.0,
        burst: 3,
        reset_rate: 0.0,
    });
    let codes: Vec<u16> = (0..4).map(|_| get(&server, "/").status).collect();
    assert!(codes.iter().all(|c| (500..600).contains(c)), "{codes:?}");
    assert_eq!(
        get(&server, "/robots.txt").status,
        200,
        "robots.txt is never faulted"
    );
    server.set_faults(Faults {
        error_rate: 0.0,
        burst: 0,
        reset_rate: 1.0,
    });
    let r = request(&server, "GET", "/", &[], "");
    match r {
        Err(e) => assert!(
            matches!(
                e.kind(),
                std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::UnexpectedEof
            ),
            "{e:?}"
        ),
        Ok(r) => panic!("expected a reset, got {}", r.status),
    }
    assert_eq!(server.log().last().map(|e| e.status), Some(0));
    server.set_faults(Faults {
        error_rate: 0.3,
        burst: 2,
        reset_rate: 0.2,
    });
    let mut ok = 0;
    let mut bad = 0;
    for _ in 0..60 {
        match request(&server, "GET", "/", &[], "") {
            Ok(r) if r.status == 200 => ok += 1,
            _ => bad += 1,
        }
    }
    assert!(ok > 0 && bad > 0, "ok {ok} bad {bad}");
    server.set_faults(Faults::default());
    assert_eq!(get(&server, "/").status, 200);
}

#[test]
fn robots_modes_and_mutation_while_serving() {
    let server = start(80);
    assert_eq!(get(&server, "/robots.txt").status, 200);
    server.set_robots(RobotsMode::NotFound);
    assert_eq!(get(&server, "/robots.txt").status, 404);
    server.set_robots(RobotsMode::ServerError);
    assert_eq!(get(&server, "/robots.txt").status, 500);
    server.set_robots(RobotsMode::Normal);
    let deleted = server.with_site(|s| s.delete(3));
    for p in &deleted {
        let st = get(&server, p).status;
        assert!(st == 404 || st == 410);
    }
    let added = server.with_site(|s| s.add(2));
    for p in &added {
        assert_eq!(get(&server, p).status, 200);
    }
}

#[test]
fn log_file_gets_json_lines() {
    let dir = std::env::temp_dir().join(format!("testsite-log-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("requests.jsonl");
    let _ = std::fs::remove_file(&file);
    {
        let site = Site::new(SiteConfig {
            articles: 20,
            ..SiteConfig::default()
        });
        let server = Server::start_on(site, "127.0.0.1:0".parse().expect("addr"), Some(&file))
            .expect("server");
        for p in ["/", "/robots.txt", "/nope"] {
            get(&server, p);
        }
    }
    let text = std::fs::read_to_string(&file).expect("log file");
    let entries: Vec<testsite::LogEntry> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(entries.len(), 3);
    assert!(entries.iter().any(|e| e.path == "/nope" && e.status == 404));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn scripted_once_answers_carry_the_retry_after_asked_for() {
    let server = start(30);
    let path = server.with_site(|s| s.path_of(20)).expect("article 20");
    server.answer_once(&path, 429, Some(RetryAfter::Seconds(2)));
    server.answer_once(
        "/robots.txt",
        503,
        Some(RetryAfter::DateIn(Duration::from_millis(1500))),
    );
    let first = get(&server, &path);
    assert_eq!(first.status, 429);
    assert_eq!(first.header("retry-after"), Some("2"));
    assert_eq!(get(&server, &path).status, 200, "once only");
    let robots = get(&server, "/robots.txt");
    assert_eq!(robots.status, 503);
    // An HTTP-date at least 1.5 s after the answer's own Date (whole seconds, rounded up).
    let parse = |v: Option<&str>| {
        chrono::DateTime::parse_from_rfc2822(v.expect("header")).expect("HTTP-date")
    };
    let after = parse(robots.header("retry-after")) - parse(robots.header("date"));
    assert!(
        (2..=3).contains(&after.num_seconds()),
        "Retry-After {:?}, Date {:?}",
        robots.header("retry-after"),
        robots.header("date")
    );
    assert_eq!(get(&server, "/robots.txt").status, 200);
    let once = server
        .log()
        .iter()
        .filter(|e| e.fault.as_deref() == Some("once"))
        .count();
    assert_eq!(once, 2);
}

#[test]
fn refusal_burst_refuses_everything_for_a_while_then_ends() {
    let server = start(30);
    // Long enough for the six requests below on a loaded machine; its end is waited for.
    let duration = Duration::from_secs(3);
    server.set_refusal_burst(Some(RefusalBurst { after: 2, duration }));
    assert_eq!(get(&server, "/").status, 200);
    assert_eq!(get(&server, "/index.html").status, 200);
    let first_refusal = std::time::Instant::now();
    let refused: Vec<u16> = (0..4).map(|_| get(&server, "/").status).collect();
    assert_eq!(refused, [403, 412, 418, 403]);
    assert_eq!(
        get(&server, "/robots.txt").status,
        200,
        "robots.txt is spared"
    );
    // Refusals go on (in the same 403, 412, 418 cycle) until the burst is over.
    let mut more = 0;
    loop {
        let status = get(&server, "/").status;
        if status == 200 {
            break;
        }
        assert_eq!(
            status,
            [403, 412, 418][(4 + more) % 3],
            "refusal {}",
            5 + more
        );
        more += 1;
        assert!(
            first_refusal.elapsed() < duration + Duration::from_secs(30),
            "the burst never ended"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(first_refusal.elapsed() >= duration, "the burst ended early");
    let log = server.log();
    assert_eq!(
        log.iter()
            .filter(|e| e.fault.as_deref() == Some("refuse"))
            .count(),
        4 + more
    );
    server.set_refusal_burst(None);
    assert_eq!(get(&server, "/").status, 200);
}
