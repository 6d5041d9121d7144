//! The HTTP side of the crawl: one client with a cookie store and no automatic redirects, a
//! per-host politeness schedule (rate, Retry-After, slow-down after 403/412/418), a global cap on
//! requests in flight, bounded retries with exponential backoff and jitter, a per-request timeout,
//! and a body cap that counts decompressed bytes.

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
    /// Request head as sent (reconstructed: reqwest adds `Accept-Encoding` and cookies itself),
    /// followed by the form body for a POST.
    pub request: Vec<u8>,
    pub status: u16,
    pub response_head: Vec<u8>,
    pub headers: HeaderMap,
    /// Decoded body, cut at the size cap.
    pub body: Vec<u8>,
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

/// Why a request produced no response.
#[derive(Debug, Clone)]
pub enum FetchError {
    Timeout(String),
    Reset(String),
    Connect(String),
    Other(String),
}

impl FetchError {
    pub fn kind(&self) -> &'static str {
        match self {
            FetchError::Timeout(_) => "timeout",
            FetchError::Reset(_) => "reset",
            FetchError::Connect(_) => "connect",
            FetchError::Other(_) => "http-error",
        }
    }
    pub fn message(&self) -> &str {
        match self {
            FetchError::Timeout(m)
            | FetchError::Reset(m)
            | FetchError::Connect(m)
            | FetchError::Other(m) => m,
        }
    }
}

#[derive(Debug, Default)]
struct HostState {
    next: Option<Instant>,
    penalty: Duration,
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

/// Longest slow-down applied to a host after refusals.
const MAX_PENALTY: Duration = Duration::from_secs(30);

impl Http {
    pub fn new(cfg: &CrawlConfig) -> Result<Http> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .timeout(cfg.timeout)
            .connect_timeout(cfg.timeout.min(Duration::from_secs(15)))
            .user_agent(cfg.user_agent.clone())
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

    /// Reserves the host's next start slot.
    fn reserve(&self, url: &Url) -> Instant {
        let interval = self.interval;
        self.with_host(url, |h| {
            let now = Instant::now();
            let slot = h.next.map_or(now, |n| n.max(now));
            h.next = Some(slot + interval + h.penalty);
            slot
        })
    }

    /// Delays the host's next request until `until` at the earliest.
    fn hold_host(&self, url: &Url, until: Instant) {
        self.with_host(url, |h| {
            h.next = Some(h.next.map_or(until, |n| n.max(until)))
        });
    }

    fn adjust_penalty(&self, url: &Url, status: u16) {
        self.with_host(url, |h| {
            if matches!(status, 403 | 412 | 418) {
                h.penalty = (h.penalty * 2).max(Duration::from_millis(500)).min(MAX_PENALTY);
                tracing::info!(url = %url, status, penalty_ms = h.penalty.as_millis() as u64, "server refuses: slowing down");
            } else if status < 400 && !h.penalty.is_zero() {
                h.penalty /= 2;
                if h.penalty < Duration::from_millis(50) {
                    h.penalty = Duration::ZERO;
                }
            }
        })
    }

    /// Sends with retries on 5xx, 429, resets, timeouts and connection errors (bounded, exponential
    /// backoff with jitter, Retry-After honoured up to a cap). Other statuses are returned as they are.
    pub async fn send(&self, req: &Req) -> std::result::Result<Exchange, FetchError> {
        let mut attempt = 0u32;
        loop {
            let result = self.send_once(req).await;
            let retry_after = match &result {
                Ok(x) if x.status >= 500 || x.status == 429 => {
                    Some(x.header("retry-after").and_then(parse_retry_after))
                }
                Ok(_) => None,
                Err(FetchError::Other(_)) => None,
                Err(_) => Some(None),
            };
            let Some(retry_after) = retry_after else {
                return result;
            };
            if attempt >= self.retries {
                return result;
            }
            attempt += 1;
            let backoff = {
                let base = self.retry_base.saturating_mul(1 << (attempt - 1).min(10));
                let jitter = rand::rng().random_range(0.0..0.5);
                base.mul_f64(1.0 + jitter).min(Duration::from_secs(60))
            };
            let wait = retry_after
                .map(|r| r.min(self.max_retry_after))
                .unwrap_or(backoff);
            let why = match &result {
                Ok(x) => format!("status {}", x.status),
                Err(e) => e.message().to_string(),
            };
            tracing::debug!(url = %req.url, attempt, wait_ms = wait.as_millis() as u64, %why, "retrying");
            if retry_after.is_some() {
                // The server asked for a pause: no request to this host before it ends.
                self.hold_host(&req.url, Instant::now() + wait);
            }
            tokio::time::sleep(wait).await;
        }
    }

    async fn send_once(&self, req: &Req) -> std::result::Result<Exchange, FetchError> {
        let _permit = self
            .in_flight
            .acquire()
            .await
            .map_err(|e| FetchError::Other(e.to_string()))?;
        let slot = self.reserve(&req.url);
        tokio::time::sleep_until(slot).await;
        let captured_at = Utc::now();
        let mut rb = match &req.form {
            Some(form) => self
                .client
                .post(req.url.clone())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(form.clone()),
            None => self.client.get(req.url.clone()),
        };
        rb = rb.header(
            "Accept",
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        );
        for (k, v) in &req.headers {
            rb = rb.header(*k, v.as_str());
        }
        let request = self.request_head(req);
        let mut resp = rb.send().await.map_err(classify)?;
        let status = resp.status().as_u16();
        self.adjust_penalty(&req.url, status);
        let ip = resp.remote_addr().map(|a| a.ip());
        let headers = resp.headers().clone();
        let response_head = response_head(resp.version(), resp.status(), &headers);
        let mut body = Vec::new();
        let mut truncated = false;
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    let room = self.max_body.saturating_sub(body.len() as u64) as usize;
                    if chunk.len() > room {
                        body.extend_from_slice(&chunk[..room]);
                        truncated = true;
                        break;
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(classify(e)),
            }
        }
        Ok(Exchange {
            url: req.url.clone(),
            captured_at,
            ip,
            request,
            status,
            response_head,
            headers,
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
        h.push_str("Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n");
        h.push_str("Accept-Encoding: gzip, deflate, br\r\n");
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
    let msg = {
        use std::error::Error as _;
        let mut m = e.to_string();
        let mut src = e.source();
        while let Some(s) = src {
            m.push_str(": ");
            m.push_str(&s.to_string());
            src = s.source();
        }
        m
    };
    if e.is_timeout() {
        FetchError::Timeout(msg)
    } else if e.is_connect() {
        FetchError::Connect(msg)
    } else if e.is_request() || e.is_body() || e.is_decode() {
        let lower = msg.to_ascii_lowercase();
        if lower.contains("reset")
            || lower.contains("closed")
            || lower.contains("broken pipe")
            || lower.contains("incomplete")
        {
            FetchError::Reset(msg)
        } else if e.is_decode() {
            FetchError::Other(msg)
        } else {
            FetchError::Reset(msg)
        }
    } else {
        FetchError::Other(msg)
    }
}

/// `Retry-After`: seconds or an HTTP date.
pub fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(s) = v.parse::<u64>() {
        return Some(Duration::from_secs(s));
    }
    let t = httpdate::parse_http_date(v).ok()?;
    Some(
        t.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
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
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }
}
