//! Replay in a real browser (headless chromium through chromedriver): hostile archived pages run
//! nothing and reach nothing outside the archive, and archived articles (English and Chinese)
//! render, and so do their timelines, checked by screenshots that must not be blank. Without chromium the test fails, saying
//! how to install it (scripts/setup.sh does).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::support_browser::*;
use crate::util::{fast, site, Workspace};
use crate::web::get;

fn outside() -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind outside");
    let addr = l.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for mut s in l.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let n = s.read(&mut buf).unwrap_or(0);
            let line = String::from_utf8_lossy(&buf[..n])
                .lines()
                .next()
                .unwrap_or("")
                .to_string();
            log.lock().unwrap().push(line);
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 7\r\nConnection: close\r\n\r\noutside");
        }
    });
    (addr, seen)
}

#[test]
fn archived_pages_run_nothing_and_render() {
    let (chromium, driver) = browser_exes();
    let (out_addr, out_log) = outside();
    let server = site(20);
    let base = server.base_url();
    let o = out_addr.to_string();
    let hostile: Vec<String> = [testsite::hostile::SCRIPTS_PAGE, testsite::hostile::GBK_PAGE]
        .iter()
        .map(|p| format!("{}{p}?outside={o}", base.trim_end_matches('/')))
        .collect();
    let ws = Workspace::new();
    let mut args = fast("ingest", &base).to_vec();
    for h in &hostile {
        args.extend(["--seed", h.as_str()]);
    }
    ws.ok(&args);
    assert!(
        out_log.lock().unwrap().is_empty(),
        "the crawler itself went outside: {:?}",
        out_log.lock().unwrap()
    );
    let served = ws.serve();
    let addr = served.addr;

    // Archived copies of one English and one Chinese article, from search hits.
    let truth = server.with_site(|s| s.truth(&base));
    let mut shots = Vec::new();
    for lang in [jinan_types::Lang::En, jinan_types::Lang::Zh] {
        let art = truth
            .iter()
            .filter(|a| a.lang == lang && a.body.chars().count() > 200 && !a.title.contains('<'))
            .max_by_key(|a| a.body.len())
            .expect("an article in that language");
        let q = format!("\"{}\"", art.title.replace('"', " "));
        let v = ws.search_json(&q, &[]);
        let hit = v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["url"] == art.url.as_str())
            .unwrap_or_else(|| panic!("{} not found by its title: {v}", art.url))
            .clone();
        shots.push((
            lang,
            hit["archive_url"].as_str().unwrap().to_string(),
            art.title.clone(),
        ));
    }

    let chromedriver = Chromedriver::start(&driver);
    let profile = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let outcome = rt.block_on(async {
        let client = connect(&chromedriver.url, &chromium, profile.path(), (1100, 1000)).await;
        let r = drive(&client, addr, &server, &out_log, &hostile, &shots).await;
        let _ = client.close().await;
        r
    });
    drop(chromedriver);
    if let Err(m) = outcome {
        panic!("{m}");
    }
}

/// Nothing escaped: no alert is open, the top window is still at `at`, our banner is intact, no
/// request reached the outside listener or the live site.
async fn nothing_escaped(
    c: &Client,
    at: &str,
    server: &testsite::Server,
    out_log: &Mutex<Vec<String>>,
) -> Res {
    if let Ok(text) = c.get_alert_text().await {
        return Err(format!("an alert opened: {text:?}"));
    }
    let url = c.current_url().await.map_err(e("current url"))?;
    if url.as_str() != at {
        return Err(format!("the window navigated from {at} to {url}"));
    }
    let top = c
        .execute("return [typeof window.__pwned, document.body.innerText.includes('jinan archive'), document.body.innerText.includes('pwned')]", vec![])
        .await
        .map_err(e("top check"))?;
    if top != json!(["undefined", true, false]) {
        return Err(format!("the banner page was touched: {top}"));
    }
    let escaped = out_log.lock().unwrap().clone();
    if !escaped.is_empty() {
        return Err(format!("requests reached the outside: {escaped:?}"));
    }
    let live = server.log();
    if !live.is_empty() {
        return Err(format!(
            "requests reached the live site: {:?}",
            live.iter().take(5).collect::<Vec<_>>()
        ));
    }
    Ok(())
}

async fn drive(
    c: &Client,
    addr: SocketAddr,
    server: &testsite::Server,
    out_log: &Mutex<Vec<String>>,
    hostile: &[String],
    shots: &[(jinan_types::Lang, String, String)],
) -> Res {
    let root = format!("http://{addr}");
    server.clear_log();
    for url in hostile {
        // Through the TimeGate, as a reader following a link would.
        c.goto(&format!("{root}/web/{url}"))
            .await
            .map_err(e("open the hostile page"))?;
        wait_loaded(c, "/web/2").await?;
        let at = c.current_url().await.map_err(e("url"))?.to_string();
        c.enter_frame(0)
            .await
            .map_err(e("enter the archived document's frame"))?;
        let inner = c
            .execute("return [document.body ? document.body.innerText : '', document.scripts.length, document.forms.length ? document.forms[0].getAttribute('action') : null]", vec![])
            .await
            .map_err(e("frame check"))?;
        c.enter_parent_frame().await.map_err(e("leave the frame"))?;
        if !inner[0]
            .as_str()
            .unwrap_or("")
            .contains(testsite::hostile::MARKER)
        {
            return Err(format!(
                "the archived page is not shown in the frame: {inner}"
            ));
        }
        if inner[1] != 0 || !inner[2].is_null() {
            return Err(format!("scripts or a form action survived: {inner}"));
        }
        // The page's refreshes, timers and autosubmits fire within a second of loading; watch for
        // two (an observation window for something that must not happen, not a synchronisation).
        let until = Instant::now() + Duration::from_secs(2);
        while Instant::now() < until {
            nothing_escaped(c, &at, server, out_log).await?;
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        // The raw copy opened directly runs nothing either (same sandbox), on our origin or not.
        let ts = at
            .split("/web/")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .unwrap_or_default()
            .to_string();
        let raw = format!("{root}/web/{ts}id_/{url}");
        c.goto(&raw).await.map_err(e("open the raw copy"))?;
        wait_loaded(c, "id_/").await?;
        if let Ok(text) = c.get_alert_text().await {
            return Err(format!("the raw copy opened an alert: {text:?}"));
        }
        let now = c.current_url().await.map_err(e("url"))?;
        if now.as_str() != raw {
            return Err(format!("the raw copy navigated to {now}"));
        }
        let shared = c
            .execute("return [window.origin, typeof window.__pwned]", vec![])
            .await
            .map_err(e("origin check"))?;
        if shared[0] != "null" {
            return Err(format!("the raw copy runs on a real origin: {shared}"));
        }
        if !out_log.lock().unwrap().is_empty() || !server.log().is_empty() {
            return Err(format!(
                "the raw copy reached out: {:?}",
                out_log.lock().unwrap()
            ));
        }
    }
    // The archive sent no request to the live site for any of it.
    let _ = get(addr, "/healthz", &[]);
    for (lang, archive_url, title) in shots {
        c.goto(&format!("{root}{archive_url}"))
            .await
            .map_err(e("open a hit's archived copy"))?;
        wait_loaded(c, "/web/").await?;
        c.enter_frame(0).await.map_err(e("enter frame"))?;
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let shown = c
                .execute(
                    "return document.readyState == 'complete' ? document.title : ''",
                    vec![],
                )
                .await
                .map_err(e("frame title"))?;
            let shown = shown.as_str().unwrap_or("").to_string();
            let head: String = title.chars().take(8).collect();
            if shown.contains(&head) {
                break;
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "the archived copy of {title:?} never showed (title {shown:?})"
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        c.enter_parent_frame().await.map_err(e("leave frame"))?;
        let png = c.screenshot().await.map_err(e("screenshot"))?;
        let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("jinan-replay-{lang}.png"));
        std::fs::write(&path, &png).map_err(e("save screenshot"))?;
        check_not_blank(&png).map_err(|m| format!("screenshot {}: {m}", path.display()))?;
        // The banner's timeline link, followed as a reader would: every capture of the URL.
        c.find(Locator::Css("a[href^='/timeline?url=']"))
            .await
            .map_err(e("the banner's timeline link"))?
            .click()
            .await
            .map_err(e("click the timeline link"))?;
        wait_loaded(c, "/timeline?url=").await?;
        let listed = c
            .execute(
                "return [document.body.innerText, document.querySelectorAll(\"a[href^='/web/']\").length]",
                vec![],
            )
            .await
            .map_err(e("timeline check"))?;
        let captured_at = archive_url
            .trim_start_matches("/web/")
            .split('/')
            .next()
            .unwrap_or_default();
        let year = captured_at.get(..4).unwrap_or_default();
        if !listed[0].as_str().unwrap_or("").contains(year) || listed[1].as_u64().unwrap_or(0) == 0
        {
            return Err(format!(
                "the timeline of {archive_url} lists no capture: {listed}"
            ));
        }
        let png = c.screenshot().await.map_err(e("screenshot"))?;
        let path =
            Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("jinan-timeline-{lang}.png"));
        std::fs::write(&path, &png).map_err(e("save screenshot"))?;
        check_not_blank(&png).map_err(|m| format!("screenshot {}: {m}", path.display()))?;
    }
    if !server.log().is_empty() {
        return Err("replaying articles sent requests to the live site".into());
    }
    Ok(())
}
