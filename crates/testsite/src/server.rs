//! Serving a [`Site`] over HTTP/1.1 on loopback, with what needs time or state: the slow page,
//! once-only 500/429/503 answers (the site's own and scripted ones with a chosen Retry-After),
//! fault drills (5xx bursts, connection resets, a run of 403/412/418 refusals), the request log.
//!
//! Built on hyper directly (not axum's router) because the site does its own routing and a
//! connection reset needs control of the socket: the connection's I/O wrapper sets `SO_LINGER 0`
//! and fails, so the client sees a real RST.

use crate::content::Rng;
use crate::log::{LogEntry, RequestLog};
use crate::special::RobotsMode;
use crate::wire::WireBody;
use crate::{Request, Response, Site};
use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::Path;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// Fault drill settings, changeable while serving. Rates are probabilities per request (0..=1).
/// `/robots.txt` is never faulted (its behaviour is [`RobotsMode`]'s job).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Faults {
    /// Chance that a request starts a burst of 5xx answers.
    pub error_rate: f64,
    /// Length of a burst (requests answered 503/500/502 in a row, this one included; 0 = 1).
    pub burst: u32,
    /// Chance that a request's connection is reset instead of answered.
    pub reset_rate: f64,
}

struct FaultState {
    faults: Faults,
    rng: Rng,
    burst_left: u32,
}

/// The `Retry-After` of a scripted answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    /// Delay-seconds: `Retry-After: N`.
    Seconds(u32),
    /// An HTTP-date this long after the answer, rounded up to the whole second (HTTP-dates have no
    /// fractions), so a client that waits until the date waits at least this long.
    DateIn(Duration),
}

impl RetryAfter {
    /// The header value for an answer sent at `now`.
    pub fn header_value(&self, now: SystemTime) -> String {
        match self {
            RetryAfter::Seconds(n) => n.to_string(),
            RetryAfter::DateIn(d) => {
                let at = (now + *d)
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .unwrap_or_default();
                let secs = at.as_secs() + u64::from(at.subsec_nanos() > 0);
                chrono::DateTime::from_timestamp(i64::try_from(secs).unwrap_or(i64::MAX), 0)
                    .unwrap_or_default()
                    .format("%a, %d %b %Y %H:%M:%S GMT")
                    .to_string()
            }
        }
    }
}

/// A firewall that turns on the client: after `after` requests (robots.txt aside) answered
/// normally, every request is refused with 403, 412 and 418 in turn for `duration`, then the site
/// answers normally again. Refusals are logged with the fault `refuse`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefusalBurst {
    pub after: u32,
    pub duration: Duration,
}

#[derive(Default)]
struct RefusalState {
    burst: Option<RefusalBurst>,
    seen: u32,
    started: Option<Instant>,
    refused: u32,
}

impl RefusalState {
    /// The refusal status for a request arriving now, if it is refused.
    fn next(&mut self) -> Option<u16> {
        let burst = self.burst?;
        let started = match self.started {
            Some(t) => t,
            None => {
                self.seen += 1;
                if self.seen <= burst.after {
                    return None;
                }
                *self.started.insert(Instant::now())
            }
        };
        if started.elapsed() >= burst.duration {
            return None;
        }
        self.refused += 1;
        Some([403, 412, 418][((self.refused - 1) % 3) as usize])
    }
}

struct State {
    site: RwLock<Site>,
    log: RequestLog,
    in_flight: AtomicUsize,
    once_done: Mutex<HashSet<String>>,
    /// Scripted once-only answers by path: status and Retry-After.
    scripted: Mutex<HashMap<String, (u16, Option<RetryAfter>)>>,
    faults: Mutex<FaultState>,
    refusals: Mutex<RefusalState>,
}

/// A running fixture server (its own tokio runtime on a background thread). Dropping it stops it.
pub struct Server {
    addr: SocketAddr,
    state: Arc<State>,
    stop: Option<tokio::sync::watch::Sender<bool>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Serves `site` on 127.0.0.1 and a free port.
    pub fn start(site: Site) -> std::io::Result<Server> {
        Server::start_on(site, SocketAddr::from(([127, 0, 0, 1], 0)), None)
    }

    /// Serves `site` on `addr`, appending the request log to `log_file` when given.
    pub fn start_on(
        site: Site,
        addr: SocketAddr,
        log_file: Option<&Path>,
    ) -> std::io::Result<Server> {
        let listener = std::net::TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let seed = site.config().seed;
        let state = Arc::new(State {
            site: RwLock::new(site),
            log: RequestLog::new(log_file)?,
            in_flight: AtomicUsize::new(0),
            once_done: Mutex::new(HashSet::new()),
            scripted: Mutex::new(HashMap::new()),
            faults: Mutex::new(FaultState {
                faults: Faults::default(),
                rng: Rng::for_parts(&[seed, 0xfa17]),
                burst_left: 0,
            }),
            refusals: Mutex::new(RefusalState::default()),
        });
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("testsite")
            .enable_all()
            .build()?;
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let st = state.clone();
        let thread = std::thread::Builder::new()
            .name("testsite-server".into())
            .spawn(move || {
                rt.block_on(async move {
                    match tokio::net::TcpListener::from_std(listener) {
                        Ok(l) => accept_loop(l, st, stop_rx).await,
                        Err(e) => tracing::error!("testsite listener: {e}"),
                    }
                });
                rt.shutdown_background();
            })?;
        Ok(Server {
            addr,
            state,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT/`
    pub fn base_url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request so far, in the order they finished.
    pub fn log(&self) -> Vec<LogEntry> {
        self.state.log.entries()
    }

    /// Requests being answered right now.
    pub fn in_flight(&self) -> usize {
        self.state.in_flight.load(Ordering::SeqCst)
    }

    pub fn clear_log(&self) {
        self.state.log.clear();
    }

    /// Runs `f` on the site (e.g. to mutate it) while serving.
    pub fn with_site<R>(&self, f: impl FnOnce(&mut Site) -> R) -> R {
        let mut g = match self.state.site.write() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        f(&mut g)
    }

    pub fn set_faults(&self, f: Faults) {
        if let Ok(mut s) = self.state.faults.lock() {
            s.faults = f;
            s.burst_left = 0;
        }
    }

    /// Starts (or with `None` ends) a [`RefusalBurst`] drill; its request count starts from zero.
    pub fn set_refusal_burst(&self, burst: Option<RefusalBurst>) {
        if let Ok(mut r) = self.state.refusals.lock() {
            *r = RefusalState {
                burst,
                ..RefusalState::default()
            };
        }
    }

    /// The next request for `path` (without query; robots.txt included) is answered `status`
    /// with `retry_after`, once; later ones as usual. Logged with the fault `once`.
    pub fn answer_once(&self, path: &str, status: u16, retry_after: Option<RetryAfter>) {
        if let Ok(mut m) = self.state.scripted.lock() {
            m.insert(path.to_string(), (status, retry_after));
        }
    }

    pub fn set_robots(&self, mode: RobotsMode) {
        self.with_site(|s| s.set_robots(mode));
    }

    /// Forgets which once-only errors were already served (they will fire again).
    pub fn reset_once(&self) {
        if let Ok(mut s) = self.state.once_done.lock() {
            s.clear();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(true);
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

async fn accept_loop(
    listener: tokio::net::TcpListener,
    state: Arc<State>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            acc = listener.accept() => {
                let (stream, _) = match acc {
                    Ok(x) => x,
                    Err(e) => { tracing::debug!("accept: {e}"); continue; }
                };
                let _ = stream.set_nodelay(true);
                let kill = Arc::new(AtomicBool::new(false));
                let io = TokioIo::new(ResettableIo { inner: stream, kill: kill.clone() });
                let st = state.clone();
                let mut stop_conn = stop.clone();
                tokio::spawn(async move {
                    let svc = service_fn(move |req| handle(st.clone(), kill.clone(), req));
                    let conn = http1::Builder::new().keep_alive(true).serve_connection(io, svc);
                    tokio::pin!(conn);
                    tokio::select! {
                        r = conn.as_mut() => { if let Err(e) = r { tracing::debug!("connection: {e}"); } }
                        _ = stop_conn.changed() => {}
                    }
                });
            }
        }
    }
}

#[derive(Debug)]
struct Reset;
impl std::fmt::Display for Reset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("injected connection reset")
    }
}
impl std::error::Error for Reset {}

async fn handle(
    state: Arc<State>,
    kill: Arc<AtomicBool>,
    req: hyper::Request<hyper::body::Incoming>,
) -> Result<hyper::Response<WireBody>, Reset> {
    let started = Instant::now();
    let now = chrono::Utc::now();
    let in_flight = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    let _guard = InFlight(&state.in_flight);
    let (parts, body) = req.into_parts();
    let target = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let mut headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .filter_map(|(k, v)| {
            v.to_str()
                .ok()
                .map(|v| (k.as_str().to_string(), v.to_string()))
        })
        .collect();
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        if let Some(a) = parts.uri.authority() {
            headers.push(("host".into(), a.to_string()));
        }
    }
    let body = match Limited::new(body, 1 << 20).collect().await {
        Ok(b) => b.to_bytes().to_vec(),
        Err(_) => Vec::new(),
    };
    let request = Request {
        method: parts.method.as_str().to_string(),
        target,
        headers,
        body,
    };
    let (resp, fault) = respond(&state, &request).await;
    let entry = LogEntry {
        time: now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        ts_ms: now.timestamp_millis(),
        method: request.method.clone(),
        path: request.target.clone(),
        status: resp.as_ref().map(|r| r.status).unwrap_or(0),
        in_flight,
        user_agent: request.header("user-agent").map(str::to_string),
        conditional: request.header("if-none-match").is_some()
            || request.header("if-modified-since").is_some(),
        fault: fault.map(str::to_string),
        duration_ms: started.elapsed().as_millis() as u64,
    };
    state.log.push(entry);
    let Some(mut resp) = resp else {
        kill.store(true, Ordering::SeqCst);
        return Err(Reset);
    };
    let chunked = crate::wire::apply(
        &request.target,
        request.header("accept-encoding"),
        &mut resp,
    );
    let mut b = hyper::Response::builder().status(resp.status);
    for (k, v) in &resp.headers {
        b = b.header(k.as_str(), v.as_str());
    }
    b = b.header("Server", "Hanweb/JCMS");
    let body = if request.method.eq_ignore_ascii_case("HEAD") {
        Bytes::new()
    } else {
        Bytes::from(resp.body)
    };
    b.body(WireBody::new(body, chunked)).map_err(|_| Reset)
}

struct InFlight<'a>(&'a AtomicUsize);
impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Decides the answer: scripted once-only answers first, then faults and refusals, then the
/// site's once-only errors, then the slow delay, then the page. None means "reset the connection".
async fn respond(state: &State, req: &Request) -> (Option<Response>, Option<&'static str>) {
    let path = req.path().to_string();
    let scripted = state.scripted.lock().ok().and_then(|mut m| m.remove(&path));
    if let Some((code, retry_after)) = scripted {
        return (Some(error_page(code, retry_after)), Some("once"));
    }
    if path != "/robots.txt" {
        let refused = state.refusals.lock().ok().and_then(|mut r| r.next());
        if let Some(code) = refused {
            return (Some(error_page(code, None)), Some("refuse"));
        }
        if let Ok(mut f) = state.faults.lock() {
            if f.burst_left > 0 {
                f.burst_left -= 1;
                let code = [503, 500, 502][(f.burst_left % 3) as usize];
                return (Some(error_page(code, None)), Some("burst"));
            }
            let roll = (f.rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
            let faults = f.faults;
            if roll < faults.error_rate {
                f.burst_left = faults.burst.saturating_sub(1);
                return (Some(error_page(503, None)), Some("burst"));
            }
            if roll < faults.error_rate + faults.reset_rate {
                return (None, Some("reset"));
            }
        }
    }
    let (once, slow, delay, waf) = {
        let site = match state.site.read() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        (
            site.once_status(&path),
            site.is_slow(&path),
            site.config().slow_delay,
            site.waf_cookie(&path),
        )
    };
    if let Some((name, value)) = waf {
        if req.cookie(name) != Some(value.as_str()) {
            let mut r = Response::new(
                302,
                "text/html",
                b"<html><body>Checking your browser...</body></html>".to_vec(),
            );
            r.headers.push(("Location".into(), req.target.clone()));
            r.headers.push((
                "Set-Cookie".into(),
                format!("{name}={value}; Path=/; HttpOnly"),
            ));
            return (Some(r), Some("waf"));
        }
    }
    if let Some(code) = once {
        let first = state
            .once_done
            .lock()
            .map(|mut s| s.insert(path.clone()))
            .unwrap_or(false);
        if first {
            let retry = (code != 500).then_some(RetryAfter::Seconds(1));
            return (Some(error_page(code, retry)), Some("once"));
        }
    }
    if slow {
        tokio::time::sleep(delay).await;
    }
    let site = match state.site.read() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    };
    (Some(site.render(req)), slow.then_some("slow"))
}

fn error_page(code: u16, retry_after: Option<RetryAfter>) -> Response {
    let mut r = Response::new(
        code,
        "text/html; charset=UTF-8",
        format!(
            "<html><head><title>{code}</title></head><body><h1>Error {code}</h1></body></html>"
        )
        .into_bytes(),
    );
    if let Some(ra) = retry_after {
        r.headers
            .push(("Retry-After".into(), ra.header_value(SystemTime::now())));
    }
    r
}

/// The connection's socket; once `kill` is set it fails every operation and, when dropped,
/// closes with `SO_LINGER 0` so the peer gets a RST.
struct ResettableIo {
    inner: TcpStream,
    kill: Arc<AtomicBool>,
}

impl ResettableIo {
    fn killed(&self) -> bool {
        self.kill.load(Ordering::SeqCst)
    }
}

fn reset_err() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::ConnectionReset, "injected reset")
}

impl Drop for ResettableIo {
    fn drop(&mut self) {
        if self.killed() {
            let _ = socket2::SockRef::from(&self.inner).set_linger(Some(Duration::ZERO));
        }
    }
}

impl AsyncRead for ResettableIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if self.killed() {
            return Poll::Ready(Err(reset_err()));
        }
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for ResettableIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        if self.killed() {
            return Poll::Ready(Err(reset_err()));
        }
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        if self.killed() {
            return Poll::Ready(Err(reset_err()));
        }
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        if self.killed() {
            return Poll::Ready(Err(reset_err()));
        }
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
