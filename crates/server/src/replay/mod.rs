//! Replay of the archive, as pywb does it: `/web/<ts>/<url>` (banner + framed copy),
//! `/web/<ts>mp_/<url>` (the rewritten copy), `/web/<ts>id_/<url>` (the payload as archived),
//! `/web/<url>` (Memento TimeGate) and `/timemap/link/<url>` (Memento TimeMap).
//!
//! Safety: an archived page is never served as our own page. Its copy is rewritten
//! ([`rewrite`]) and answered with a CSP whose `sandbox` lacks `allow-scripts` and
//! `allow-same-origin` (no script runs, and the document gets an opaque origin, so it cannot
//! touch the search page's cookies or storage) and whose `default-src 'self'` keeps every load
//! inside this server. The raw copy (`id_`) carries the same CSP, so even unrewritten bytes run
//! nothing. The banner page frames the copy with the same sandbox flags.

mod archive;
mod banner;
pub mod captures;
mod memento;
mod rewrite;
pub mod target;

use std::path::Path;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use jinan_types::{archive_url, timestamp14};
use url::Url;

use crate::error::ApiError;
use crate::AppState;
use archive::Entry;
pub use captures::Captures;
use target::{Mode, TargetError, WebRequest};

/// CSP of archived documents (`mp_` and `id_`): sandboxed without scripts, loads from this server
/// only, no forms, no plugins, no `<base>`.
pub const ARCHIVED_CSP: &str = "sandbox allow-top-navigation-by-user-activation; default-src 'self'; script-src 'none'; object-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; form-action 'none'; base-uri 'none'";
/// CSP of the banner page: our own styles, the frame from this server, nothing else.
pub const BANNER_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; img-src 'self'; form-action 'none'; base-uri 'none'";

/// The `Memento-Datetime` header name.
const MEMENTO_DATETIME: HeaderName = HeaderName::from_static("memento-datetime");

/// Replay over one corpus.
pub struct Replay {
    captures: Captures,
}

impl Replay {
    /// Replay of the WARC files in `warc_dir`.
    pub fn new(warc_dir: &Path) -> Replay {
        Replay {
            captures: Captures::new(warc_dir),
        }
    }

    /// Reads what is new in the archive now (blocking; the server calls it at start).
    pub fn load(&self) {
        self.captures.refresh_if_due();
    }
}

impl From<TargetError> for ApiError {
    fn from(e: TargetError) -> ApiError {
        match e {
            TargetError::BadTimestamp(m) => ApiError::BadRequest(m),
            TargetError::NotArchivable(m) => ApiError::NotFound(m),
        }
    }
}

fn replay_of(st: &AppState) -> Result<Arc<Replay>, ApiError> {
    st.replay.clone().ok_or_else(|| {
        ApiError::NotFound("this server has no corpus to replay; start it with --corpus".into())
    })
}

/// Runs `f` on the blocking pool with a fresh capture index.
async fn with_captures<T, F>(r: Arc<Replay>, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Captures) -> Result<T, ApiError> + Send + 'static,
{
    if !r.captures.refresh_due() {
        return f(&r.captures);
    }
    tokio::task::spawn_blocking(move || {
        if !r.captures.refresh_if_due() {
            return Err(ApiError::Unavailable(
                "the archive's capture index is still being read (a large archive takes a few seconds after start); try again shortly".into(),
            ));
        }
        f(&r.captures)
    })
    .await
    .map_err(|e| ApiError::Internal(format!("replay task failed: {e}")))?
}

fn not_archived(url: &Url) -> ApiError {
    ApiError::NotFound(format!("{url} is not in the archive"))
}

fn path_rest<'a>(req: &'a Request, prefix: &str) -> &'a str {
    let pq = req
        .uri()
        .path_and_query()
        .map_or(req.uri().path(), |p| p.as_str());
    pq.strip_prefix(prefix).unwrap_or("")
}

fn header_value(s: &str) -> Result<HeaderValue, ApiError> {
    HeaderValue::from_str(s)
        .map_err(|_| ApiError::NotFound("this address cannot be replayed".into()))
}

/// `GET /web/...`.
pub async fn web(State(st): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let parsed = target::parse(path_rest(&req, "/web/"))?;
    let replay = replay_of(&st)?;
    match parsed {
        WebRequest::TimeGate { url } => timegate(replay, url, req.headers()).await,
        WebRequest::Memento { at, mode, url } => memento(replay, url, at, mode).await,
    }
}

async fn timegate(
    replay: Arc<Replay>,
    url: Url,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let wanted = match headers.get("accept-datetime") {
        None => None,
        Some(v) => Some(
            v.to_str()
                .ok()
                .and_then(target::parse_http_date)
                .ok_or_else(|| {
                    ApiError::BadRequest(
                        "Accept-Datetime must be an HTTP date, e.g. Tue, 20 Nov 2018 08:00:00 GMT"
                            .into(),
                    )
                })?,
        ),
    };
    let (list, chosen) = with_captures(replay, move |c| {
        let list = c.list(&url);
        let at = wanted
            .or_else(|| list.iter().map(|e| e.at).max())
            .ok_or_else(|| not_archived(&url))?;
        let chosen = captures::nearest(&list, at)
            .cloned()
            .ok_or_else(|| not_archived(&url))?;
        Ok((list, chosen))
    })
    .await?;
    let original = &chosen.url;
    let mut res = StatusCode::FOUND.into_response();
    let h = res.headers_mut();
    h.insert(
        header::LOCATION,
        header_value(&archive_url(original, &chosen.at))?,
    );
    h.insert(header::VARY, HeaderValue::from_static("accept-datetime"));
    h.insert(
        header::LINK,
        header_value(&memento::link_header(original, &list))?,
    );
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    Ok(res)
}

/// What a memento request resolved to: the capture chosen and the record whose payload shows it.
struct Resolved {
    list: Vec<Entry>,
    chosen: Entry,
    record: Option<archive::Record>,
}

async fn memento(
    replay: Arc<Replay>,
    url: Url,
    at: chrono::DateTime<chrono::Utc>,
    mode: Mode,
) -> Result<Response, ApiError> {
    let replay2 = replay.clone();
    let read_record = mode != Mode::Framed;
    let resolved = with_captures(replay, move |c| {
        let list = c.list(&url);
        let chosen = captures::nearest(&list, at)
            .cloned()
            .ok_or_else(|| not_archived(&url))?;
        let record = if read_record {
            let source = if chosen.revisit {
                captures::revisited(&list, &chosen).ok_or_else(|| {
                    ApiError::NotFound(format!(
                        "the capture of {url} at {} confirms a version that is not in the archive",
                        timestamp14(&chosen.at)
                    ))
                })?
            } else {
                &chosen
            };
            let rec = archive::read(c.warc_dir(), &source.location).map_err(|e| {
                ApiError::Internal(format!(
                    "reading {}@{}: {e}",
                    source.location.file, source.location.offset
                ))
            })?;
            Some(rec)
        } else {
            None
        };
        Ok(Resolved {
            list,
            chosen,
            record,
        })
    })
    .await?;
    let Resolved {
        list,
        chosen,
        record,
    } = resolved;
    let mut res = match (mode, record) {
        (Mode::Framed, _) | (_, None) => {
            let page = banner::page(&chosen.url, &chosen.at, chosen.status, chosen.revisit);
            let mut r = (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                )],
                page.into_string(),
            )
                .into_response();
            r.headers_mut().insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(BANNER_CSP),
            );
            r
        }
        (Mode::Raw, Some(rec)) => raw(&chosen, rec)?,
        (Mode::Rewritten, Some(rec)) => rewritten(&replay2, &chosen, rec).await?,
    };
    let h = res.headers_mut();
    h.insert(
        MEMENTO_DATETIME,
        header_value(&target::http_date(&chosen.at))?,
    );
    h.insert(
        header::LINK,
        header_value(&memento::link_header(&chosen.url, &list))?,
    );
    Ok(res)
}

/// The status a copy is answered with: the archived one (a revisit shows its page: 200).
fn replay_status(chosen: &Entry, rec: &archive::Record) -> StatusCode {
    let s = if chosen.revisit { 200 } else { rec.status };
    StatusCode::from_u16(s).unwrap_or(StatusCode::OK)
}

fn archived_csp(res: &mut Response) {
    res.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(ARCHIVED_CSP),
    );
}

/// `id_`: the payload as stored, with its archived `Content-Type` (and `Content-Encoding`, which
/// the stored bytes still carry).
fn raw(chosen: &Entry, rec: archive::Record) -> Result<Response, ApiError> {
    let status = replay_status(chosen, &rec);
    let mut res = (status, rec.payload.clone()).into_response();
    let h = res.headers_mut();
    h.remove(header::CONTENT_TYPE);
    for name in [header::CONTENT_TYPE, header::CONTENT_ENCODING] {
        if let Some(v) = rec
            .header(name.as_str())
            .and_then(|v| HeaderValue::from_str(v).ok())
        {
            h.insert(name, v);
        }
    }
    if let Some(loc) = rec.header("location") {
        let ts = timestamp14(&chosen.at);
        if let Ok(v) = HeaderValue::from_str(&archived_location(&chosen.url, loc, &ts, Mode::Raw)) {
            h.insert(header::LOCATION, v);
        }
    }
    archived_csp(&mut res);
    Ok(res)
}

/// A redirect's target inside the archive (`/web/<ts><mode>/<absolute url>`); a target that is
/// not a web address leads to the search page.
fn archived_location(page: &str, location: &str, ts: &str, mode: Mode) -> String {
    let abs = Url::parse(page)
        .ok()
        .and_then(|p| p.join(location.trim()).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"));
    match abs {
        Some(u) => format!("/web/{ts}{}/{u}", mode.suffix()),
        None => "/".to_string(),
    }
}

/// `mp_`: the copy rewritten to stay inside the archive.
async fn rewritten(
    replay: &Arc<Replay>,
    chosen: &Entry,
    rec: archive::Record,
) -> Result<Response, ApiError> {
    let status = replay_status(chosen, &rec);
    let ts = timestamp14(&chosen.at);
    let ctype = rec.header("content-type").map(str::to_string);
    let archived_type = ctype.as_deref().and_then(|m| HeaderValue::from_str(m).ok());
    let page = Url::parse(&chosen.url)
        .map_err(|_| ApiError::NotFound("this address cannot be replayed".into()))?;
    let location = rec
        .header("location")
        .map(|l| archived_location(&chosen.url, l, &ts, Mode::Rewritten));
    let kind = if jinan_extract::page::is_html(ctype.as_deref(), &rec.body) {
        Some(true)
    } else if ctype
        .as_deref()
        .is_some_and(|m| m.to_ascii_lowercase().contains("text/css"))
    {
        Some(false)
    } else {
        None
    };
    let body: Vec<u8> = match kind {
        None => rec.body,
        Some(is_page) => {
            let r = replay.clone();
            tokio::task::spawn_blocking(move || {
                let text = jinan_extract::page::decode(&rec.body, ctype.as_deref()).text;
                let archived = |u: &Url| r.captures.has(u);
                let cx = rewrite::Context {
                    page: &page,
                    timestamp: &ts,
                    archived: &archived,
                };
                if is_page {
                    rewrite::html(&text, &cx)
                        .map(String::into_bytes)
                        .map_err(|e| ApiError::Internal(format!("rewriting {page}: {e}")))
                } else {
                    Ok(rewrite::css(&text, &page, &cx).into_bytes())
                }
            })
            .await
            .map_err(|e| ApiError::Internal(format!("rewrite task failed: {e}")))??
        }
    };
    let mut res = (status, body).into_response();
    let h = res.headers_mut();
    let ctype = match kind {
        Some(true) => Some(HeaderValue::from_static("text/html; charset=utf-8")),
        Some(false) => Some(HeaderValue::from_static("text/css; charset=utf-8")),
        None => archived_type,
    };
    match ctype {
        Some(v) => {
            h.insert(header::CONTENT_TYPE, v);
        }
        None => {
            h.remove(header::CONTENT_TYPE);
        }
    }
    if let Some(loc) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        h.insert(header::LOCATION, loc);
    }
    archived_csp(&mut res);
    Ok(res)
}

/// `GET /timemap/link/<url>`.
pub async fn timemap(State(st): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let url = target::target_url(path_rest(&req, "/timemap/link/"))?;
    let replay = replay_of(&st)?;
    let list = with_captures(replay, move |c| {
        let list = c.list(&url);
        if list.is_empty() {
            return Err(not_archived(&url));
        }
        Ok(list)
    })
    .await?;
    let original = list.last().map(|e| e.url.clone()).unwrap_or_default();
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/link-format"),
        )],
        memento::timemap(&original, &list),
    )
        .into_response())
}
