//! The crawl loop: takes jobs from the frontier (state thread), fetches each one in its own task
//! (redirects, robots, conditional GET, list paging), and hands the outcome back to be archived and
//! committed. Failures of single pages are recorded by kind and never stop the crawl.

use std::collections::HashSet;
use std::path::Path;
use std::sync::mpsc::Sender;
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::oneshot;
use tokio::task::JoinSet;
use url::Url;

use crate::canon::{canonicalize, fetch_form, Scope};
use crate::error::{Error, Result};
use crate::fetch::{conditional_headers, is_redirect, Exchange, Http, Req};
use crate::links::{self, ListSource};
use crate::robots::{Robots, Verdict};
use crate::state::{self, Cmd, Job, Outcome, StoreConfig, Stored};
use crate::{CrawlConfig, CrawlSummary, Progress};
use jinan_extract::page;

struct Ctx {
    http: Http,
    robots: Robots,
    scope: Scope,
    cfg: CrawlConfig,
    /// Pages parsed at once (on the blocking pool): one per core.
    parsers: tokio::sync::Semaphore,
}

/// Joins the state thread when the crawl ends or is dropped, so the database is closed.
struct StoreHandle {
    tx: Option<Sender<Cmd>>,
    thread: Option<std::thread::JoinHandle<Result<()>>>,
}

impl StoreHandle {
    fn send(&self, cmd: Cmd) -> bool {
        self.tx.as_ref().is_some_and(|tx| tx.send(cmd).is_ok())
    }

    /// The state thread's own error, once it has stopped.
    fn failure(&mut self) -> Error {
        self.tx = None;
        match self.thread.take().map(|t| t.join()) {
            Some(Ok(Err(e))) => e,
            _ => Error::StoreGone,
        }
    }
}

impl Drop for StoreHandle {
    fn drop(&mut self) {
        self.tx = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

pub(crate) fn key_of(url: &Url) -> String {
    canonicalize(url).to_string()
}

pub(crate) async fn run(
    corpus_dir: &Path,
    cfg: &CrawlConfig,
    progress: &dyn Progress,
) -> Result<CrawlSummary> {
    let started = Instant::now();
    if cfg.seeds.is_empty() {
        return Err(Error::Config("no seed URL".into()));
    }
    let scope = Scope::new(&cfg.effective_allow_hosts());
    let warc = jinan_corpus::warc_dir(corpus_dir);
    std::fs::create_dir_all(&warc).map_err(|e| Error::Io {
        path: warc.clone(),
        source: e,
    })?;
    for r in jinan_corpus::repair(&warc)? {
        tracing::warn!(file = %r.file, cut = r.old_len - r.new_len, "repaired torn WARC tail");
    }
    let db = state::open_db(&corpus_dir.join("state.redb"))?;
    if crate::rebuild::needed(&db)? {
        match crate::rebuild::from_archive(&db, &warc) {
            Ok(0) => {}
            Ok(read) => tracing::info!(
                captures = read,
                "the crawl state was rebuilt from the WARC files (it had none)"
            ),
            // A damaged archive must not stop the crawl: the pages not read back are fetched
            // afresh, as they would have been without the rebuild.
            Err(e) => tracing::warn!(
                error = %e,
                "the crawl state could not be rebuilt from the whole archive; pages not read back are fetched afresh"
            ),
        }
    }
    let info = jinan_corpus::WarcInfo {
        software: concat!("jinan/", env!("CARGO_PKG_VERSION")).to_string(),
        hostname: jinan_corpus::host_name(),
        operator: cfg.operator.clone(),
        user_agent: cfg.user_agent.clone(),
        robots: format!(
            "obey robots.txt (User-agent: {})",
            crate::robots::agent_token(&cfg.user_agent)
        ),
        is_part_of: cfg.collection.clone(),
    };
    let writer = jinan_corpus::WarcWriter::create(&warc, cfg.warc_max_file_bytes, &info)?;
    let seeds = cfg
        .seeds
        .iter()
        .map(|s| {
            let u = fetch_form(s);
            Job {
                key: key_of(&u),
                url: u.to_string(),
                ..Job::default()
            }
        })
        .collect();
    let store_cfg = StoreConfig {
        seeds,
        max_depth: cfg.max_depth,
        max_shape_urls: cfg.max_shape_urls,
        max_redirects: cfg.max_redirects,
        max_pages: cfg.max_pages,
        // A kill loses at most one batch of archived-but-uncommitted pages, which the next run
        // fetches again; sized like the requests in flight, so that "fetched twice after a kill"
        // means no more than "in flight at the kill".
        commit_every: cfg
            .concurrency
            .clamp(state::COMMIT_EVERY_MIN, state::COMMIT_EVERY_MAX),
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let thread = std::thread::Builder::new()
        .name("jinan-crawl-store".into())
        .spawn(move || state::run(db, writer, store_cfg, rx))
        .map_err(|e| Error::Io {
            path: corpus_dir.to_path_buf(),
            source: e,
        })?;
    let mut store = StoreHandle {
        tx: Some(tx),
        thread: Some(thread),
    };

    let ctx = Arc::new(Ctx {
        http: Http::new(cfg)?,
        robots: Robots::new(cfg),
        scope,
        cfg: cfg.clone(),
        parsers: tokio::sync::Semaphore::new(
            std::thread::available_parallelism().map_or(2, |n| n.get()),
        ),
    });
    let mut tasks: JoinSet<Outcome> = JoinSet::new();
    let limit = cfg.concurrency.max(1);
    let mut done = 0u64;
    let mut queued = 0u64;
    loop {
        if tasks.len() < limit {
            let (rtx, rrx) = oneshot::channel();
            if !store.send(Cmd::Take {
                max: limit - tasks.len(),
                reply: rtx,
            }) {
                return Err(store.failure());
            }
            let Ok((jobs, q)) = rrx.await else {
                return Err(store.failure());
            };
            queued = q;
            for job in jobs {
                let ctx = ctx.clone();
                tasks.spawn(async move { process(&ctx, job).await });
            }
        }
        let Some(res) = tasks.join_next().await else {
            break;
        };
        let outcome = match res {
            Ok(o) => o,
            Err(e) => {
                tracing::error!("fetch task failed: {e}");
                continue;
            }
        };
        done += 1;
        progress.on_fetch(&outcome.job.url, outcome.status, done, queued);
        if !store.send(Cmd::Done(Box::new(outcome))) {
            return Err(store.failure());
        }
    }
    let (rtx, rrx) = oneshot::channel();
    if !store.send(Cmd::Finish { reply: rtx }) {
        return Err(store.failure());
    }
    let Ok(c) = rrx.await else {
        return Err(store.failure());
    };
    if let Some(Err(e)) = store
        .thread
        .take()
        .map(|t| t.join().unwrap_or(Err(Error::StoreGone)))
    {
        return Err(e);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let unreachable = c.unreachable();
    Ok(CrawlSummary {
        crawl: c.crawl_id,
        resumed: c.resumed,
        fetched: c.fetched,
        not_modified: c.not_modified,
        new: c.new,
        changed: c.changed,
        deleted: c.deleted,
        failed: c.failed_by_kind.values().sum(),
        failed_by_kind: c.failed_by_kind,
        held_back: c.held_back,
        bytes: c.bytes,
        unreachable,
        elapsed_secs: elapsed,
        pages_per_sec: if elapsed > 0.0 {
            c.fetched as f64 / elapsed
        } else {
            0.0
        },
    })
}

/// A link found on `from` (`via`: the list page it was read from, for list records).
fn found(from: &Job, url: &Url, via: Option<&str>, via_column: Option<&str>) -> Job {
    let u = fetch_form(url);
    Job {
        key: key_of(&u),
        url: u.to_string(),
        depth: from.depth + 1,
        via: via.map(str::to_string),
        via_column: via_column.map(str::to_string),
        ..Job::default()
    }
}

fn failure(o: &mut Outcome, kind: &str, msg: impl Into<String>) {
    let key = o.job.key.clone();
    o.failures.push((kind.to_string(), key, msg.into()));
}

async fn process(ctx: &Ctx, job: Job) -> Outcome {
    let mut o = Outcome {
        job: job.clone(),
        ..Outcome::default()
    };
    let Ok(url) = Url::parse(&job.url) else {
        failure(&mut o, "bad-url", "unparsable URL");
        return o;
    };
    if !ctx.scope.allows(&url) {
        failure(&mut o, "out-of-scope", "host not allowed");
        return o;
    }
    let (verdict, robots_xs) = ctx.robots.check(&ctx.http, &ctx.scope, &url).await;
    for x in robots_xs {
        let key = key_of(&x.url);
        o.stored.push(Stored {
            x,
            key,
            via: None,
            via_column: None,
            is_list: false,
        });
    }
    match verdict {
        Verdict::Allowed => {}
        Verdict::Disallowed => {
            failure(&mut o, "robots-disallowed", "disallowed by robots.txt");
            return o;
        }
        Verdict::Unavailable(why) => {
            // RFC 9309 2.3.1.4: nothing of the host is fetched; the URL waits for the next crawl.
            failure(
                &mut o,
                "robots-unavailable",
                format!("robots.txt unavailable ({why}): held back for the next crawl"),
            );
            o.held = true;
            return o;
        }
    }
    // Pages known as lists, and seeds, are always fetched in full; others conditionally.
    let conditional = job.ever_ok && !job.is_list && !job.seed;
    let headers = if conditional {
        conditional_headers(job.etag.as_deref(), job.last_modified.as_deref())
    } else {
        Vec::new()
    };
    // The WAF answer: a redirect to the same URL that sets a cookie. Followed at once (cookie store);
    // any other redirect is queued so that the frontier's dedup applies to its target.
    let mut x = None;
    for _ in 0..3 {
        match ctx
            .http
            .send(&Req {
                url: url.clone(),
                form: None,
                headers: headers.clone(),
            })
            .await
        {
            Err(e) => {
                failure(&mut o, e.kind(), e.message());
                return o;
            }
            Ok(resp) => {
                let target = resp.header("location").and_then(|l| url.join(l).ok());
                let same = target.as_ref().is_some_and(|t| key_of(t) == job.key);
                let sets_cookie = resp.headers.contains_key("set-cookie");
                if is_redirect(resp.status) && same && sets_cookie {
                    let key = job.key.clone();
                    o.stored.push(Stored {
                        x: resp,
                        key,
                        via: job.via.clone(),
                        via_column: job.via_column.clone(),
                        is_list: false,
                    });
                    continue;
                }
                x = Some(resp);
                break;
            }
        }
    }
    let Some(x) = x else {
        failure(&mut o, "redirect-loop", "cookie redirect did not settle");
        return o;
    };
    o.status = Some(x.status);
    let status = x.status;
    if is_redirect(status) {
        match x.header("location").and_then(|l| url.join(l).ok()) {
            Some(t) if key_of(&t) == job.key => {
                failure(&mut o, "redirect-loop", "redirects to itself")
            }
            Some(t) if ctx.scope.allows(&t) => {
                let mut next = found(&job, &t, job.via.as_deref(), job.via_column.as_deref());
                next.listed = job.listed;
                next.depth = job.depth;
                next.redirects = job.redirects + 1;
                o.found.push(next);
            }
            Some(t) => failure(&mut o, "redirect-out-of-scope", format!("redirect to {t}")),
            None => failure(&mut o, "http-3xx", "redirect without Location"),
        }
    }
    match status {
        200..=399 => {}
        404 | 410 if job.ever_ok => {} // deleted: recorded with its date by the state
        429 | 500..=599 => failure(
            &mut o,
            &format!("http-{status}"),
            "server error after retries",
        ),
        _ => failure(&mut o, &format!("http-{status}"), "client error"),
    }
    let (x, page) = match parse_page(ctx, &url, x).await {
        Ok(parsed) => parsed,
        Err(msg) => {
            failure(&mut o, "parse-error", msg);
            return o;
        }
    };
    let is_list = page.as_ref().is_some_and(|p| p.is_list) || (job.is_list && status == 304);
    o.stored.push(Stored {
        x,
        key: job.key.clone(),
        via: job.via.clone(),
        via_column: job.via_column.clone(),
        is_list,
    });
    let Some(page) = page else { return o };
    for l in &page.links {
        if ctx.scope.allows(l) {
            let mut next = found(&job, l, None, None);
            // What a list page links to is the site's own content (its articles, its pages).
            next.listed = page.is_list;
            o.found.push(next);
        }
    }
    let column = page.column.as_deref();
    let mut seen: HashSet<String> = HashSet::new();
    let mut records: Vec<Url> = page.records.clone();
    for r in &page.records {
        seen.insert(key_of(r));
    }
    if let Some(msg) = &page.unknown_list {
        failure(&mut o, "unknown-list", msg.clone());
    }
    for src in &page.lists {
        let got = match src {
            ListSource::Jpage(j) => jpage_pages(ctx, &url, column, j, &mut seen, &mut o).await,
            ListSource::Gateway(g) => gateway_pages(ctx, &url, column, g, &mut seen, &mut o).await,
            ListSource::ShowJs(s) => showjs_list(ctx, &url, column, s, &mut seen, &mut o).await,
        };
        records.extend(got);
    }
    for r in records {
        if ctx.scope.allows(&r) {
            let mut next = found(&job, &r, Some(url.as_str()), column);
            next.listed = true;
            o.found.push(next);
        }
    }
    o
}

/// Decodes and parses an HTML answer for its links, on the blocking pool and at most one page per
/// core at once: a page of up to 5 MiB would hold an async worker for a long while. The exchange
/// comes back whatever happens to the parse, so that it is archived; a parser panic is reported
/// as the page's failure.
async fn parse_page(
    ctx: &Ctx,
    url: &Url,
    x: Exchange,
) -> std::result::Result<(Exchange, Option<links::PageLinks>), String> {
    if x.status != 200 || !page::is_html(x.header("content-type"), &x.body) {
        return Ok((x, None));
    }
    let _permit = ctx.parsers.acquire().await.map_err(|e| e.to_string())?;
    let url = url.clone();
    tokio::task::spawn_blocking(move || {
        let page = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let html = page::decode(&x.body, x.header("content-type")).text;
            links::page_links(&url, &html)
        }));
        match page {
            Ok(p) => (x, Some(p)),
            Err(_) => {
                tracing::error!(url = %url, "the link parser panicked on this page");
                (x, None)
            }
        }
    })
    .await
    .map_err(|e| format!("link parsing did not finish: {e}"))
}

/// Fetches one list request and archives it; `None` when it failed (recorded).
async fn list_fetch(
    ctx: &Ctx,
    page: &Url,
    column: Option<&str>,
    req: Req,
    o: &mut Outcome,
) -> Option<Exchange> {
    match ctx.http.send(&req).await {
        Ok(x) => {
            let ok = x.status == 200;
            let key = key_of(&x.url);
            o.stored.push(Stored {
                x: x.clone(),
                key,
                via: Some(page.to_string()),
                via_column: column.map(str::to_string),
                is_list: true,
            });
            if ok {
                Some(x)
            } else {
                failure(o, "list-page", format!("{} answered {}", req.url, x.status));
                None
            }
        }
        Err(e) => {
            failure(o, "list-page", format!("{}: {}", req.url, e.message()));
            None
        }
    }
}

fn new_links(recs: Vec<Url>, seen: &mut HashSet<String>) -> Vec<Url> {
    recs.into_iter()
        .filter(|u| seen.insert(key_of(u)))
        .collect()
}

/// Pages through `dataproxy.jsp`: POST `startrecord`/`endrecord` first; when that brings nothing new
/// (servers that honour only `page`), GET `page=N` from the first page.
async fn jpage_pages(
    ctx: &Ctx,
    page: &Url,
    column: Option<&str>,
    j: &links::Jpage,
    seen: &mut HashSet<String>,
    o: &mut Outcome,
) -> Vec<Url> {
    let mut out = Vec::new();
    let mut total = j.total;
    let step = j.per_page * 3;
    let mut start = seen.len() + 1;
    let mut post_works = true;
    for _ in 0..ctx.cfg.max_list_requests {
        if total.is_some_and(|t| seen.len() >= t) {
            return out;
        }
        let (u, form) = j.post(start, start + step - 1);
        let Some(x) = list_fetch(
            ctx,
            page,
            column,
            Req {
                url: u,
                form: Some(form),
                headers: Vec::new(),
            },
            o,
        )
        .await
        else {
            post_works = false;
            break;
        };
        let text = String::from_utf8_lossy(&x.body);
        total = links::datastore_total(&text).or(total);
        let recs = links::datastore_records(&x.url, &text);
        let n = recs.len();
        let fresh = new_links(recs, seen);
        if fresh.is_empty() {
            post_works = n == 0 && start > 1 && total.is_none_or(|t| seen.len() >= t);
            break;
        }
        out.extend(fresh);
        start += n;
    }
    if post_works || total.is_some_and(|t| seen.len() >= t) {
        return out;
    }
    for p in 1..=ctx.cfg.max_list_requests {
        let Some(x) = list_fetch(ctx, page, column, Req::get(j.get(p)), o).await else {
            break;
        };
        let text = String::from_utf8_lossy(&x.body);
        total = links::datastore_total(&text).or(total);
        let recs = links::datastore_records(&x.url, &text);
        if recs.is_empty() {
            break;
        }
        out.extend(new_links(recs, seen));
        if total.is_some_and(|t| seen.len() >= t) {
            break;
        }
    }
    if total.is_some_and(|t| seen.len() < t) {
        failure(
            o,
            "list-incomplete",
            format!("{} of {:?} records reached", seen.len(), total),
        );
    }
    out
}

async fn gateway_pages(
    ctx: &Ctx,
    page: &Url,
    column: Option<&str>,
    first: &Url,
    seen: &mut HashSet<String>,
    o: &mut Outcome,
) -> Vec<Url> {
    let mut out = Vec::new();
    for n in 1..=ctx.cfg.max_list_requests {
        let mut u = first.clone();
        let pairs: Vec<(String, String)> = first
            .query_pairs()
            .map(|(k, v)| {
                if k.eq_ignore_ascii_case("pageNo") {
                    (k.into_owned(), n.to_string())
                } else {
                    (k.into_owned(), v.into_owned())
                }
            })
            .collect();
        u.query_pairs_mut().clear().extend_pairs(pairs);
        let Some(x) = list_fetch(ctx, page, column, Req::get(u), o).await else {
            break;
        };
        let Some((recs, total)) = links::gateway_records(&x.url, &x.body) else {
            failure(o, "unknown-list", "gateway answer without data.html");
            break;
        };
        if recs.is_empty() {
            break;
        }
        let before = seen.len();
        out.extend(new_links(recs, seen));
        if seen.len() == before || total.is_some_and(|t| seen.len() >= t) {
            break;
        }
    }
    out
}

async fn showjs_list(
    ctx: &Ctx,
    page: &Url,
    column: Option<&str>,
    src: &Url,
    seen: &mut HashSet<String>,
    o: &mut Outcome,
) -> Vec<Url> {
    let Some(x) = list_fetch(ctx, page, column, Req::get(src.clone()), o).await else {
        return Vec::new();
    };
    match links::showjs_records(&x.url, &x.body) {
        Some(recs) => new_links(recs, seen),
        None => {
            failure(
                o,
                "unknown-list",
                "showJsContent answer without document.write",
            );
            Vec::new()
        }
    }
}
