//! The HTTP side of the crawl: one client with a cookie store and no automatic redirects, a
//! per-host politeness schedule (rate, Retry-After, slow-down after 403/412/418), a global cap on
//! requests in flight, bounded retries with exponential backoff and jitter, a per-request timeout,
//! and a body cap that counts the bytes received.
//!
//! Bodies are kept as the server sent them (no automatic decompression: the archive stores the
//! bytes received, `Content-Encoding` and all); the decoded body that link extraction and the
//! page layer read is made once per answer by `jinan_corpus::decode_body`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;
use reqwest::header::{HeaderMap, HeaderValue};
use tokio::sync::Semaphore;
use tokio::time::Instant;
use url::Url;

use crate::canon::host_port;
use crate::error::{Error, Result};
use crate::CrawlConfig;

/// One HTTP exchange as it will be archived.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub url: Url,
    pub captured_at: DateTime<Utc>,
    pub ip: Option<IpAddr>,
    /// Request head as sent (reconstructed: reqwest adds cookies itself), followed by the form
    /// body for a POST.
    pub request: Vec<u8>,
    pub status: u16,
    pub response_head: Vec<u8>,
    pub headers: HeaderMap,
    /// The body bytes as received (content coding kept, chunked framing undone by the client),
    /// cut at the size cap: what the archive stores.
    pub payload: Vec<u8>,
    /// The body with its content coding undone (at most the size cap): what parsing reads.
    pub body: Vec<u8>,
    /// The received bytes were cut at the size cap.
    pub truncated: bool,
}

impl Exchange {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A request to make.
#[derive(Debug, Clone)]
pub struct Req {
    pub url: Url,
    /// `Some(form)` for a POST with an urlencoded form body.
    pub form: Option<String>,
    pub headers: Vec<(&'static str, String)>,
}

impl Req {
    pub fn get(url: Url) -> Req {
        Req {
            url,
            form: None,
            headers: Vec::new(),
        }
    }
}

/// Why a request produced no response; each carries a message naming the host and the cause.
#[derive(Debug, Clone)]
pub enum FetchError {
    Timeout(String),
    Reset(String),
    /// The host name did not resolve.
    Dns(String),
    /// Nothing listens at the host and port.
    Refused(String),
    /// Any other failure to connect (unreachable network, TLS).
    Connect(String),
    Other(String),
}

impl FetchError {
    /// The failure kind recorded in the crawl state (`stats`).
    pub fn kind(&self) -> &'static str {
        match self {
            FetchError::Timeout(_) => "timeout",
            FetchError::Reset(_) => "reset",
            FetchError::Dns(_) => "dns",
            FetchError::Refused(_) => "refused",
            FetchError::Connect(_) => "connect",
            FetchError::Other(_) => "http-error",
        }
    }
    pub fn message(&self) -> &str {
        match self {
            FetchError::Timeout(m)
            | FetchError::Reset(m)
            | FetchError::Dns(m)
            | FetchError::Refused(m)
            | FetchError::Connect(m)
            | FetchError::Other(m) => m,
        }
    }
}

/// One host's politeness schedule.
#[derive(Debug, Default)]
struct HostState {
    /// When the last request to the host started.
    last_start: Option<Instant>,
    /// No request before this instant (the server's Retry-After).
    hold_until: Option<Instant>,
    /// Extra spacing after refusals (403/412/418): doubled by each burst, halved by each ordinary
    /// answer to a request sent under it.
    penalty: Duration,
    /// When the penalty was last raised. Answers to requests started before it belong to the burst
    /// already counted: they neither raise the penalty again nor lower it.
    raised_at: Option<Instant>,
}

impl HostState {
    /// The earliest start allowed for the next request.
    fn earliest(&self, interval: Duration) -> Option<Instant> {
        let spaced = self.last_start.map(|t| t + interval + self.penalty);
        match (spaced, self.hold_until) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }
}

/// The crawl's HTTP client and politeness state.
pub struct Http {
    client: reqwest::Client,
    interval: Duration,
    in_flight: Semaphore,
    hosts: Mutex<HashMap<String, HostState>>,
    max_body: u64,
    retries: u32,
    retry_base: Duration,
    max_retry_after: Duration,
    user_agent: String,
}

/// Shortest slow-down after a refusal.
const MIN_PENALTY: Duration = Duration::from_millis(500);
/// Longest slow-down applied to a host after refusals.
const MAX_PENALTY: Duration = Duration::from_secs(30);
/// A penalty halved below this is over.
const PENALTY_FLOOR: Duration = Duration::from_millis(50);

/// A redirect: 3xx with a target to follow (`304 Not Modified` is an answer, not a redirect).
pub fn is_redirect(status: u16) -> bool {
    (300..400).contains(&status) && status != 304
}

/// Statuses by which servers and their firewalls refuse a client they find too eager.
pub fn is_refusal(status: u16) -> bool {
    matches!(status, 403 | 412 | 418)
}

/// Makes rustls use `ring` for every client of the process (reqwest is built without a provider of
/// its own; see the workspace Cargo.toml). Installing twice is harmless: the first one stays.
pub(crate) fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl Http {
    pub fn new(cfg: &CrawlConfig) -> Result<Http> {
        install_tls_provider();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .timeout(cfg.timeout)
            .connect_timeout(cfg.timeout.min(Duration::from_secs(15)))
            .user_agent(cfg.user_agent.clone())
            // The archive keeps the bytes as received: we ask for and decode codings ourselves.
            .no_gzip()
            .no_brotli()
            .no_deflate()
            .pool_max_idle_per_host(cfg.concurrency.max(1))
            .build()
            .map_err(|e| Error::Client(e.to_string()))?;
        // A small margin keeps the server-side count within R per second despite scheduling jitter.
        let interval = if cfg.rate > 0.0 {
            Duration::from_secs_f64(1.0 / cfg.rate) + Duration::from_millis(15)
        } else {
            Duration::ZERO
        };
        Ok(Http {
            client,
            interval,
            in_flight: Semaphore::new(cfg.concurrency.max(1)),
            hosts: Mutex::new(HashMap::new()),
            max_body: cfg.max_body_bytes,
            retries: cfg.retries,
            retry_base: cfg.retry_base,
            max_retry_after: cfg.max_retry_after,
            user_agent: cfg.user_agent.clone(),
        })
    }

    fn with_host<R>(&self, url: &Url, f: impl FnOnce(&mut HostState) -> R) -> R {
        let key = host_port(url).unwrap_or_default();
        let mut g = match self.hosts.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        f(g.entry(key).or_default())
    }

    /// Waits for the host's next start slot and takes it. The slot is computed afresh after each
    /// wait, so a penalty or a Retry-After that arrives meanwhile applies to waiting requests too.
    async fn wait_turn(&self, url: &Url) -> Instant {
        let interval = self.interval;
        loop {
            let wait = self.with_host(url, |h| {
                let now = Instant::now();
                match h.earliest(interval) {
                    Some(t) if t > now => Some(t),
                    _ => {
                        h.last_start = Some(now);
                        None
                    }
                }
            });
            match wait {
                Some(t) => tokio::time::sleep_until(t).await,
                None => return Instant::now(),
            }
        }
    }

    /// Delays the host's next request until `until` at the earliest.
    fn hold_host(&self, url: &Url, until: Instant) {
        self.with_host(url, |h| {
            h.hold_until = Some(h.hold_until.map_or(until, |n| n.max(until)))
        });
    }

    /// Raises the host's penalty after a refusal, lowers it after an ordinary answer; answers to
    /// requests started before the last raise are ignored (same burst).
    fn adjust_penalty(&self, url: &Url, status: u16, started: Instant) {
        self.with_host(url, |h| {
            let after_raise = h.raised_at.is_none_or(|r| started > r);
            if !after_raise {
                return;
            }
            if is_refusal(status) {
                h.penalty = (h.penalty * 2).clamp(MIN_PENALTY, MAX_PENALTY);
                h.raised_at = Some(Instant::now());
                tracing::warn!(url = %url, status, penalty_ms = h.penalty.as_millis() as u64, "server refuses: slowing down");
            } else if !h.penalty.is_zero() && (status < 400 || matches!(status, 404 | 410)) {
                h.penalty /= 2;
                if h.penalty < PENALTY_FLOOR {
                    h.penalty = Duration::ZERO;
                    tracing::info!(url = %url, "server answers again: back to the normal pace");
                }
            }
        })
    }

    /// Sends with retries on 5xx, 429, resets, timeouts and connection errors (bounded, exponential
    /// backoff with jitter, Retry-After honoured up to a cap). Other statuses are returned as they are.
    pub async fn send(&self, req: &Req) -> std::result::Result<Exchange, FetchError> {
        self.send_with(req, self.retries).await
    }

    /// [`Http::send`] with at most `retries` retries.
    pub async fn send_with(
        &self,
        req: &Req,
        retries: u32,
    ) -> std::result::Result<Exchange, FetchError> {
        let mut attempt = 0u32;
        loop {
            let result = self.send_once(req).await;
            let retry_after = match &result {
                Ok(x) if x.status >= 500 || x.status == 429 => Some(self.retry_after_of(x)),
                Ok(_) => None,
                Err(FetchError::Other(_)) => None,
                Err(_) => Some(None),
            };
            let Some(retry_after) = retry_after else {
                return result;
            };
            if let Some(r) = retry_after {
                // The server asked for a pause: no request to this host before it ends.
                self.hold_host(&req.url, Instant::now() + r);
            }
            if attempt >= retries {
                return result;
            }
            attempt += 1;
            let backoff = {
                let base = self.retry_base.saturating_mul(1 << (attempt - 1).min(10));
                let jitter = rand::rng().random_range(0.0..0.5);
                base.mul_f64(1.0 + jitter).min(Duration::from_secs(60))
            };
            let wait = retry_after.map_or(backoff, |r| r.max(backoff));
            let why = match &result {
                Ok(x) => format!("status {}", x.status),
                Err(e) => e.message().to_string(),
            };
            tracing::debug!(url = %req.url, attempt, wait_ms = wait.as_millis() as u64, %why, "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    /// The pause a response asks for (`Retry-After`), capped at `max_retry_after`.
    pub fn retry_after_of(&self, x: &Exchange) -> Option<Duration> {
        let asked = retry_after(x.header("retry-after")?, x.header("date"))?;
        if asked > self.max_retry_after {
            tracing::info!(url = %x.url, asked_s = asked.as_secs(), cap_s = self.max_retry_after.as_secs(), "Retry-After longer than the cap: waiting the cap");
        }
        Some(asked.min(self.max_retry_after))
    }

    async fn send_once(&self, req: &Req) -> std::result::Result<Exchange, FetchError> {
        let _permit = self
            .in_flight
            .acquire()
            .await
            .map_err(|e| FetchError::Other(e.to_string()))?;
        let started = self.wait_turn(&req.url).await;
        let captured_at = Utc::now();
        let mut rb = match &req.form {
            Some(form) => self
                .client
                .post(req.url.clone())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(form.clone()),
            None => self.client.get(req.url.clone()),
        };
        rb = rb
            .header("Accept", ACCEPT)
            .header("Accept-Encoding", ACCEPT_ENCODING);
        for (k, v) in &req.headers {
            rb = rb.header(*k, v.as_str());
        }
        let request = self.request_head(req);
        let mut resp = rb.send().await.map_err(classify)?;
        let status = resp.status().as_u16();
        self.adjust_penalty(&req.url, status, started);
        let ip = resp.remote_addr().map(|a| a.ip());
        let headers = resp.headers().clone();
        let response_head = response_head(resp.version(), resp.status(), &headers);
        let mut payload = Vec::new();
        let mut truncated = false;
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    let room = self.max_body.saturating_sub(payload.len() as u64) as usize;
                    if chunk.len() > room {
                        payload.extend_from_slice(&chunk[..room]);
                        truncated = true;
                        break;
                    }
                    payload.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(classify(e)),
            }
        }
        let body = decoded_body(&headers, &payload, self.max_body);
        Ok(Exchange {
            url: req.url.clone(),
            captured_at,
            ip,
            request,
            status,
            response_head,
            headers,
            payload,
            body,
            truncated,
        })
    }

    fn request_head(&self, req: &Req) -> Vec<u8> {
        let path = match req.url.query() {
            Some(q) => format!("{}?{q}", req.url.path()),
            None => req.url.path().to_string(),
        };
        let method = if req.form.is_some() { "POST" } else { "GET" };
        let host = match req.url.port() {
            Some(p) => format!("{}:{p}", req.url.host_str().unwrap_or_default()),
            None => req.url.host_str().unwrap_or_default().to_string(),
        };
        let mut h = format!(
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {}\r\n",
            self.user_agent
        );
        h.push_str(&format!(
            "Accept: {ACCEPT}\r\nAccept-Encoding: {ACCEPT_ENCODING}\r\n"
        ));
        for (k, v) in &req.headers {
            h.push_str(&format!("{k}: {v}\r\n"));
        }
        if let Some(form) = &req.form {
            h.push_str(&format!(
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
                form.len()
            ));
        } else {
            h.push_str("\r\n");
        }
        h.into_bytes()
    }
}

/// The `Accept` header of every request.
const ACCEPT: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
/// The content codings we ask for (and can undo).
const ACCEPT_ENCODING: &str = "gzip, deflate, br";

/// The body with its content coding undone, for parsing: at most `limit` bytes, as far as it
/// decodes (a damaged or cut stream gives what came before the damage).
fn decoded_body(headers: &HeaderMap, payload: &[u8], limit: u64) -> Vec<u8> {
    let coding: Vec<(String, String)> = headers
        .get_all(reqwest::header::CONTENT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| ("Content-Encoding".to_string(), v.to_string()))
        .collect();
    let coding = match coding.len() {
        0 | 1 => coding,
        _ => vec![(
            "Content-Encoding".to_string(),
            coding
                .iter()
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        )],
    };
    match jinan_corpus::decode_body(&coding, payload, true, limit) {
        Ok(b) => b.into_owned(),
        Err(e) => {
            // An unknown coding: parse nothing rather than bytes of another format.
            tracing::debug!(error = %e, "body not decodable");
            Vec::new()
        }
    }
}

fn response_head(
    version: reqwest::Version,
    status: reqwest::StatusCode,
    headers: &HeaderMap,
) -> Vec<u8> {
    let v = match version {
        reqwest::Version::HTTP_10 => "HTTP/1.0",
        reqwest::Version::HTTP_2 => "HTTP/2",
        _ => "HTTP/1.1",
    };
    let mut out = format!(
        "{v} {} {}\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    )
    .into_bytes();
    for (k, val) in headers {
        out.extend_from_slice(k.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(val.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out
}

fn classify(e: reqwest::Error) -> FetchError {
    use std::error::Error as _;
    let mut chain = e.to_string();
    let mut innermost = String::new();
    let mut refused = false;
    let mut src = e.source();
    while let Some(s) = src {
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        innermost = s.to_string();
        refused |= s
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused);
        src = s.source();
    }
    tracing::debug!(error = %chain, "request failed");
    let lower = chain.to_ascii_lowercase();
    let host = e.url().and_then(host_port).unwrap_or_default();
    let say = |what: &str| {
        let said = innermost
            .to_ascii_lowercase()
            .contains(&what.to_ascii_lowercase());
        if innermost.is_empty() || said {
            format!("{host}: {what}")
        } else {
            format!("{host}: {what} ({innermost})")
        }
    };
    if e.is_timeout() {
        FetchError::Timeout(say("no answer before the timeout"))
    } else if e.is_connect() {
        if lower.contains("dns error") || lower.contains("failed to lookup address") {
            FetchError::Dns(say("DNS lookup failed"))
        } else if refused || lower.contains("connection refused") {
            FetchError::Refused(say("connection refused"))
        } else {
            FetchError::Connect(say("connection failed"))
        }
    } else if e.is_request() || e.is_body() || e.is_decode() {
        let reset = ["reset", "closed", "broken pipe", "incomplete"]
            .iter()
            .any(|w| lower.contains(w));
        if e.is_decode() && !reset {
            FetchError::Other(say("undecodable answer"))
        } else {
            FetchError::Reset(say("connection reset"))
        }
    } else {
        FetchError::Other(say("request failed"))
    }
}

/// The delay a `Retry-After` value asks for: delay-seconds, or an HTTP-date. A date is measured
/// from the response's `Date` header when there is one (so a server whose clock is off still gets
/// the pause it meant), else from our clock; a date in the past means no delay.
pub fn retry_after(value: &str, date: Option<&str>) -> Option<Duration> {
    let v = value.trim();
    if let Ok(s) = v.parse::<u64>() {
        return Some(Duration::from_secs(s));
    }
    let until = httpdate::parse_http_date(v).ok()?;
    let now = date
        .and_then(|d| httpdate::parse_http_date(d.trim()).ok())
        .unwrap_or_else(std::time::SystemTime::now);
    Some(until.duration_since(now).unwrap_or_default())
}

/// `If-None-Match` / `If-Modified-Since` headers from stored validators.
pub fn conditional_headers(
    etag: Option<&str>,
    last_modified: Option<&str>,
) -> Vec<(&'static str, String)> {
    let mut h = Vec::new();
    if let Some(e) = etag.filter(|e| HeaderValue::from_str(e).is_ok()) {
        h.push(("If-None-Match", e.to_string()));
    }
    if let Some(lm) = last_modified.filter(|e| HeaderValue::from_str(e).is_ok()) {
        h.push(("If-Modified-Since", lm.to_string()));
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        assert_eq!(retry_after("3", None), Some(Duration::from_secs(3)));
        assert_eq!(retry_after(" 120 ", None), Some(Duration::from_secs(120)));
        // An HTTP-date is measured from the response's Date when given.
        assert_eq!(
            retry_after(
                "Wed, 21 Oct 2015 07:28:30 GMT",
                Some("Wed, 21 Oct 2015 07:28:00 GMT")
            ),
            Some(Duration::from_secs(30))
        );
        // Without a Date header, from our clock: a past date is no delay, a future one is.
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:00 GMT", None),
            Some(Duration::ZERO)
        );
        let later = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(90));
        let d = retry_after(&later, None).unwrap();
        assert!(
            d > Duration::from_secs(85) && d <= Duration::from_secs(90),
            "{d:?}"
        );
        assert_eq!(retry_after("soon", None), None);
        assert_eq!(retry_after("-5", None), None);
    }

    fn exchange(status: u16, headers: &[(&'static str, &str)]) -> Exchange {
        let mut h = HeaderMap::new();
        for (k, v) in headers {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        Exchange {
            url: Url::parse("http://h.test/a.html").unwrap(),
            captured_at: Utc::now(),
            ip: None,
            request: Vec::new(),
            status,
            response_head: Vec::new(),
            headers: h,
            payload: Vec::new(),
            body: Vec::new(),
            truncated: false,
        }
    }

    #[test]
    fn a_long_retry_after_is_capped() {
        let mut cfg = CrawlConfig::new(Vec::new());
        cfg.max_retry_after = Duration::from_secs(5);
        let http = Http::new(&cfg).unwrap();
        let ask = |v: &str| http.retry_after_of(&exchange(503, &[("retry-after", v)]));
        assert_eq!(ask("3"), Some(Duration::from_secs(3)));
        assert_eq!(ask("86400"), Some(Duration::from_secs(5)));
        let x = exchange(
            429,
            &[
                ("retry-after", "Thu, 22 Oct 2015 07:28:00 GMT"),
                ("date", "Wed, 21 Oct 2015 07:28:00 GMT"),
            ],
        );
        assert_eq!(http.retry_after_of(&x), Some(Duration::from_secs(5)));
        assert_eq!(http.retry_after_of(&exchange(503, &[])), None);
    }

    #[test]
    fn refusals_raise_the_penalty_once_per_burst_and_answers_lower_it() {
        let http = Http::new(&CrawlConfig::new(Vec::new())).unwrap();
        let url = Url::parse("http://h.test/a.html").unwrap();
        let penalty = || http.with_host(&url, |h| h.penalty);
        let t0 = Instant::now();
        http.adjust_penalty(&url, 403, t0);
        assert_eq!(penalty(), MIN_PENALTY);
        // Requests that were already in flight when the first refusal came are the same burst.
        http.adjust_penalty(&url, 412, t0);
        http.adjust_penalty(&url, 200, t0);
        assert_eq!(penalty(), MIN_PENALTY);
        // A request sent under the penalty and refused again doubles it.
        std::thread::sleep(Duration::from_millis(2));
        let t1 = Instant::now();
        http.adjust_penalty(&url, 418, t1);
        assert_eq!(penalty(), MIN_PENALTY * 2);
        // Ordinary answers to later requests halve it, down to nothing.
        let mut seen = vec![penalty()];
        std::thread::sleep(Duration::from_millis(2));
        while !penalty().is_zero() {
            http.adjust_penalty(&url, 200, Instant::now());
            seen.push(penalty());
            assert!(seen.len() < 10, "{seen:?}");
        }
        assert_eq!(seen[1], MIN_PENALTY);
        // Server errors and other client errors neither raise nor lower it.
        http.adjust_penalty(&url, 403, Instant::now());
        std::thread::sleep(Duration::from_millis(2));
        http.adjust_penalty(&url, 503, Instant::now());
        http.adjust_penalty(&url, 400, Instant::now());
        assert_eq!(penalty(), MIN_PENALTY);
        // It never grows past the cap.
        for _ in 0..20 {
            std::thread::sleep(Duration::from_millis(1));
            http.adjust_penalty(&url, 403, Instant::now());
        }
        assert_eq!(penalty(), MAX_PENALTY);
    }
}
