//! `jinan serve`: the HTTP JSON API and the search page over the jinan index.
//!
//! [`app`] builds the axum router (tests drive it without a socket); [`serve`] binds an address and
//! runs it with safe defaults until a shutdown signal. Every search, from the API, the page or the
//! CLI, is parsed by [`search_request`] and answered by the same `jinan_index::Searcher`, so all three
//! agree. Routes:
//!
//! | request | answer |
//! |---|---|
//! | `GET /api/search?q=&limit=&offset=&from=&to=&column=&lang=&sort=&live=` | Search JSON |
//! | `GET /api/article?url=URL` | the article (Article JSON plus `id`, `captured_at`, `deleted_at`), or 404 |
//! | `GET /api/stats` | the `jinan stats` JSON |
//! | `GET /api/history?url=URL` | the `jinan history --format json` JSON |
//! | `GET /api/diff?url=URL&from=TS&to=TS` | the text diff of two captures (default: the last two versions) |
//! | `GET /timeline?url=URL` | page: every capture, unchanged spans, archived copies, diffs (`&from=&to=`) |
//! | `GET /healthz` | `200 ok`, or `503` with the reason when there is no readable index |
//! | `GET /api/export?q=&format=csv\|jsonl&...` | every hit of the search, streamed |
//! | `GET /api/trend?q=A&q=B&interval=year\|month&...` | Trend JSON (`format=csv`: its CSV) |
//! | `GET /feed?q=&...` | Atom feed of the 50 newest matches |
//! | `GET /api/similar?url=URL` | Search JSON of the articles most like that one (`/similar`: a page) |
//! | `GET /trend?q=A&q=B&interval=&show=count\|share&...` | the trend chart page |
//! | `GET /` | the search page (`ui=en\|zh`, else `Accept-Language`) |
//! | `GET /web/<ts>/<url>`, `/web/<ts>mp_/<url>`, `/web/<ts>id_/<url>`, `/web/<url>` | replay and Memento TimeGate ([`replay`]) |
//! | `GET /timemap/link/<url>` | Memento TimeMap |
//!
//! Errors are `{"error": "...", "code": "..."}` with the status of [`ApiError::code_and_status`].

mod cache;
mod error;
mod export;
mod feed;
pub mod history;
pub mod i18n;
mod live;
mod page;
pub mod replay;
mod screen;
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub mod screen_check;
mod similar;
mod timeline;
mod trend;
mod trend_page;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, RawQuery, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use cache::{AnswerCache, Kind as AnswerKind, CACHED_ANSWERS};
pub use error::ApiError;
pub use i18n::Ui;
pub use live::{LiveIndex, REFRESH_EVERY};
pub use page::PAGE_SIZE;
// The search options and their rules live with the index, shared with the CLI.
use jinan_index::params::{self, search_request, SearchParams};
pub use jinan_index::params::{DEFAULT_LIMIT, MAX_OFFSET, MAX_QUERY_BYTES};
pub use screen::MAX_REQUEST_LINE;
pub use trend::{parse as trend_request, run as run_trend, TrendQuery};

/// Supplies the `jinan stats` JSON (the binary owns the corpus and knows how to read it).
pub type StatsFn = Arc<dyn Fn() -> std::result::Result<serde_json::Value, String> + Send + Sync>;

/// Longest time a request may take before it is answered `408`.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Requests handled at once; more wait their turn (within [`REQUEST_TIMEOUT`]).
pub const MAX_CONCURRENT_REQUESTS: usize = 64;
/// Largest request body accepted (every route is `GET`; a body has no use).
pub const MAX_BODY_BYTES: usize = 16 * 1024;
/// Largest total size of the request headers (the request line aside).
pub const MAX_HEADER_BYTES: usize = 32 * 1024;
/// Largest request head (request line + headers) a connection reads. Request lines are capped
/// at [`MAX_REQUEST_LINE`] before hyper sees them (a JSON `400`), headers at [`MAX_HEADER_BYTES`].
pub const MAX_REQUEST_HEAD: usize = 128 * 1024;
/// How long a client may take to send its request head.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long shutdown waits for requests in flight.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Errors of [`serve`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server I/O error: {0}")]
    Io(#[from] std::io::Error),
}

/// Result of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// What `jinan serve` needs.
#[derive(Clone)]
pub struct ServerConfig {
    pub index_dir: PathBuf,
    /// The corpus whose WARC files `/api/history`, `/api/diff` and `/timeline` read.
    pub corpus_dir: PathBuf,
    pub addr: SocketAddr,
    /// Supplies the `jinan stats` JSON for `/api/stats`.
    pub stats: StatsFn,
    /// Answers kept for repeated requests ([`CACHED_ANSWERS`] by default; 0 turns caching off).
    pub cache_entries: usize,
}

/// Shared state of the handlers.
#[derive(Clone)]
pub struct AppState {
    pub live: Arc<LiveIndex>,
    pub stats: StatsFn,
    /// Answers of repeated searches and pages, valid until the index changes.
    pub cache: Arc<AnswerCache>,
    /// The corpus folder, for the history routes (`None`: they answer 503).
    pub corpus: Option<Arc<PathBuf>>,
    /// Replay of the corpus, when the server has one.
    pub replay: Option<Arc<replay::Replay>>,
}

impl AppState {
    /// State over the index in `index_dir` (which may not exist yet: it is opened when it appears).
    /// Blocking (opens the index); call it before the runtime is busy or from `spawn_blocking`.
    pub fn new(index_dir: &std::path::Path, stats: StatsFn) -> AppState {
        AppState {
            live: Arc::new(LiveIndex::new(index_dir)),
            stats,
            cache: Arc::new(AnswerCache::default()),
            corpus: None,
            replay: None,
        }
    }

    /// The same state reading captures from the corpus in `dir` (history routes and replay; the
    /// replay's capture index is read in the background from [`serve_listener`], or on the first
    /// replay request).
    pub fn with_corpus(self, dir: &std::path::Path) -> AppState {
        AppState {
            corpus: Some(Arc::new(dir.to_path_buf())),
            replay: Some(Arc::new(replay::Replay::new(&jinan_corpus::warc_dir(dir)))),
            ..self
        }
    }

    /// The same state with a cache of `entries` answers (0: no caching).
    pub fn with_cache(self, entries: usize) -> AppState {
        AppState {
            cache: Arc::new(AnswerCache::new(entries)),
            ..self
        }
    }
}

/// The router with every route and the safety layers (timeout, concurrency and size limits,
/// tracing, JSON errors). Read-only: every route is `GET`.
pub fn app(state: AppState) -> Router {
    // Outermost last: tracing sees everything, error bodies are rewritten after every limit.
    Router::new()
        .route("/", get(search_page))
        .route("/api/search", get(api_search))
        .route("/api/article", get(api_article))
        .route("/api/stats", get(api_stats))
        .route("/api/history", get(api_history))
        .route("/api/diff", get(api_diff))
        .route("/timeline", get(timeline_page))
        .route("/api/export", get(export::api_export))
        .route("/api/trend", get(trend::api_trend))
        .route("/trend", get(trend_page::trend_page))
        .route("/feed", get(feed::feed))
        .route("/api/similar", get(similar::api_similar))
        .route("/similar", get(similar::similar_page))
        .route("/healthz", get(healthz))
        .route("/web/{*rest}", get(replay::web))
        .route("/timemap/link/{*rest}", get(replay::timemap))
        .fallback(|| async { ApiError::NotFound("no such page; see / for the search page".into()) })
        .with_state(state)
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(GlobalConcurrencyLimitLayer::new(MAX_CONCURRENT_REQUESTS))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(middleware::from_fn(limit_headers))
        .layer(middleware::map_response(error::json_errors))
        .layer(TraceLayer::new_for_http())
}

/// Answers 431 when the headers are larger than [`MAX_HEADER_BYTES`] in total.
async fn limit_headers(req: Request, next: Next) -> Response {
    let size: usize = req
        .headers()
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len() + 4)
        .sum();
    if size > MAX_HEADER_BYTES {
        let body = serde_json::json!({
            "error": format!("the request headers are too large ({size} bytes; at most {MAX_HEADER_BYTES})"),
            "code": "headers_too_large",
        });
        return (StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, Json(body)).into_response();
    }
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Replay answers set their own (stricter for archived documents).
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'",
        ));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    res
}

pub(crate) fn query_error(e: QueryRejection) -> ApiError {
    ApiError::BadRequest(format!(
        "the query string cannot be read: {}",
        e.body_text()
    ))
}

async fn api_search(
    State(st): State<AppState>,
    q: std::result::Result<Query<SearchParams>, QueryRejection>,
) -> std::result::Result<Response, ApiError> {
    let Query(params) = q.map_err(query_error)?;
    let req = search_request(&params)?;
    // The parsed request is the key: spellings of the same search share one entry.
    let key = serde_json::to_string(&req).map_err(|e| ApiError::Internal(e.to_string()))?;
    // Read before searching, so an answer is never filed under a newer index than its own.
    let version = st.live.fresh_version().await;
    let body = match st.cache.get(version, AnswerKind::Api, &key) {
        Some(hit) => hit,
        None => {
            let results = st
                .live
                .with(move |s| s.search(&req).map_err(ApiError::from_index))
                .await?;
            let body = axum::body::Bytes::from(
                serde_json::to_vec(&results).map_err(|e| ApiError::Internal(e.to_string()))?,
            );
            st.cache.put(version, AnswerKind::Api, &key, body.clone());
            body
        }
    };
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
struct ArticleParams {
    url: Option<String>,
}

async fn api_article(
    State(st): State<AppState>,
    q: std::result::Result<Query<ArticleParams>, QueryRejection>,
) -> std::result::Result<Json<jinan_types::Document>, ApiError> {
    let Query(params) = q.map_err(query_error)?;
    let url = params
        .url
        .map(|u| u.trim().to_string())
        .filter(|u| !u.is_empty());
    let url = url.ok_or_else(|| {
        ApiError::BadRequest("give the article's address: /api/article?url=URL".into())
    })?;
    if url.len() > MAX_QUERY_BYTES {
        return Err(ApiError::BadRequest(format!(
            "the url is too long ({} bytes; at most {MAX_QUERY_BYTES})",
            url.len()
        )));
    }
    // The spellings `history` accepts (fragment, host case, index.html, ...) find the article too.
    let lookup = article_keys(&url);
    let doc = st
        .live
        .with(move |s| {
            for key in &lookup {
                if let Some(doc) = s.article(key).map_err(ApiError::from_index)? {
                    return Ok(Some(doc));
                }
            }
            Ok(None)
        })
        .await?;
    doc.map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("no article with url {url:?} in the index")))
}

/// The index keys to try for a URL as typed: its canonical form (the archive's key), the form the
/// crawler fetched (which the index files articles under), then the text as given.
fn article_keys(url: &str) -> Vec<String> {
    let mut keys = Vec::new();
    if let Ok(u) = url::Url::parse(url) {
        keys.push(jinan_corpus::canon::canonicalize(&u).to_string());
        keys.push(jinan_corpus::canon::fetch_form(&u).to_string());
    }
    keys.push(url.to_string());
    keys.dedup();
    keys
}

/// `200 ok` while an index can be searched; `503` with the reason (no index yet, old schema,
/// unreadable) otherwise, so that a load balancer or a probe hears of it.
async fn healthz(State(st): State<AppState>) -> std::result::Result<&'static str, ApiError> {
    st.live.with(|_| Ok(())).await?;
    Ok("ok")
}

#[derive(Debug, Deserialize)]
struct HistoryParams {
    url: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

impl HistoryParams {
    fn url(&self, route: &str) -> std::result::Result<String, ApiError> {
        let url = self
            .url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .ok_or_else(|| {
                ApiError::BadRequest(format!("give the page's address: {route}?url=URL"))
            })?;
        if url.len() > MAX_QUERY_BYTES {
            return Err(ApiError::BadRequest(format!(
                "the url is too long ({} bytes; at most {MAX_QUERY_BYTES})",
                url.len()
            )));
        }
        Ok(url.to_string())
    }
}

impl From<history::HistoryError> for ApiError {
    fn from(e: history::HistoryError) -> ApiError {
        match e {
            e if e.is_bad_input() => ApiError::BadRequest(e.to_string()),
            e @ history::HistoryError::NotFound { .. } => ApiError::NotFound(e.to_string()),
            e => ApiError::Internal(e.to_string()),
        }
    }
}

/// Reads the history of `url` on the blocking pool (a scan of the WARC files).
async fn load_history(
    st: &AppState,
    url: String,
) -> std::result::Result<history::History, ApiError> {
    let corpus = st.corpus.clone().ok_or_else(|| {
        ApiError::Unavailable(
            "this server was started without a corpus; history is unavailable".into(),
        )
    })?;
    tokio::task::spawn_blocking(move || {
        history::history(&jinan_corpus::warc_dir(&corpus), &url).map_err(ApiError::from)
    })
    .await
    .map_err(|e| ApiError::Internal(format!("history task failed: {e}")))?
}

async fn api_history(
    State(st): State<AppState>,
    q: std::result::Result<Query<HistoryParams>, QueryRejection>,
) -> std::result::Result<Json<history::History>, ApiError> {
    let Query(params) = q.map_err(query_error)?;
    let url = params.url("/api/history")?;
    Ok(Json(load_history(&st, url).await?))
}

async fn api_diff(
    State(st): State<AppState>,
    q: std::result::Result<Query<HistoryParams>, QueryRejection>,
) -> std::result::Result<Json<history::Diff>, ApiError> {
    let Query(params) = q.map_err(query_error)?;
    let url = params.url("/api/diff")?;
    let h = load_history(&st, url).await?;
    Ok(Json(h.diff(params.from.as_deref(), params.to.as_deref())?))
}

async fn timeline_page(
    State(st): State<AppState>,
    q: std::result::Result<Query<HistoryParams>, QueryRejection>,
) -> Response {
    let run = async {
        let Query(params) = q.map_err(query_error)?;
        let url = params.url("/timeline")?;
        let h = load_history(&st, url).await?;
        let wants_diff = params.from.is_some() || params.to.is_some();
        let diff = if wants_diff {
            Some(h.diff(params.from.as_deref(), params.to.as_deref())?)
        } else {
            None
        };
        Ok::<_, ApiError>(timeline::render(&h, diff.as_ref()))
    };
    match run.await {
        Ok(page) => html_response(StatusCode::OK, page.into_string().into()),
        Err(e) => {
            let (_, status) = e.code_and_status();
            html_response(
                status,
                timeline::render_error(&e.message()).into_string().into(),
            )
        }
    }
}

async fn api_stats(
    State(st): State<AppState>,
) -> std::result::Result<Json<serde_json::Value>, ApiError> {
    let f = st.stats.clone();
    let v = tokio::task::spawn_blocking(move || f())
        .await
        .map_err(|e| ApiError::Internal(format!("stats task failed: {e}")))?
        .map_err(|e| ApiError::Internal(format!("stats: {e}")))?;
    Ok(Json(v))
}

async fn search_page(
    State(st): State<AppState>,
    headers: axum::http::HeaderMap,
    RawQuery(raw): RawQuery,
    q: std::result::Result<Query<page::PageParams>, QueryRejection>,
) -> Response {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let ui = Ui::choose(q.as_ref().ok().and_then(|p| p.0.ui.as_deref()), accept);
    // A page is a function of its query string, its language and the index version: answer
    // repeats from the cache.
    let key = format!("{}|{}", ui.param(), raw.unwrap_or_default());
    let version = st.live.fresh_version().await;
    if let Some(html) = st.cache.get(version, AnswerKind::Page, &key) {
        return html_response(StatusCode::OK, html);
    }
    let params = match q {
        Ok(Query(p)) => p,
        Err(e) => {
            let msg = query_error(e).to_string();
            let body = page::render(
                &SearchParams::default(),
                ui,
                &[],
                &page::Outcome::Error(msg),
            );
            return (StatusCode::BAD_REQUEST, Html(body.into_string())).into_response();
        }
    };
    let search = params.search;
    let wants_search = search.q.as_deref().is_some_and(|q| !q.trim().is_empty());
    let req = if wants_search {
        Some(page_request(&search, params.page.as_deref()))
    } else {
        None
    };
    let (status, columns, outcome) = match req {
        Some(Err(msg)) => {
            let columns = st
                .live
                .with_live(|live, s| Ok(live.columns(s)))
                .await
                .unwrap_or_default();
            (StatusCode::BAD_REQUEST, columns, page::Outcome::Error(msg))
        }
        other => {
            let req = other.and_then(|r| r.ok()).map(|mut r| {
                r.facets = true;
                r
            });
            let run = st
                .live
                .with_live(move |live, s| {
                    let columns = live.columns(s);
                    let Some(req) = req else {
                        return Ok((columns, page::Outcome::Empty));
                    };
                    // Hits, total, facets and the per-year chart in one pass over the matches.
                    let (results, years) = match s.search_with_years(&req) {
                        Ok(r) => r,
                        Err(e) => {
                            return Ok((
                                columns,
                                page::Outcome::Error(ApiError::from_index(e).message()),
                            ))
                        }
                    };
                    Ok((
                        columns,
                        page::Outcome::Results {
                            req,
                            results: Box::new(results),
                            years,
                        },
                    ))
                })
                .await;
            match run {
                Ok((columns, outcome @ page::Outcome::Error(_))) => {
                    (StatusCode::BAD_REQUEST, columns, outcome)
                }
                Ok((columns, outcome)) => (StatusCode::OK, columns, outcome),
                Err(e) => {
                    let (_, status) = e.code_and_status();
                    if matches!(e, ApiError::Internal(_)) {
                        tracing::error!(error = %e, "search page failed");
                    }
                    (
                        status,
                        Arc::new(Vec::new()),
                        page::Outcome::Unavailable(e.message()),
                    )
                }
            }
        }
    };
    let body = axum::body::Bytes::from(page::render(&search, ui, &columns, &outcome).into_string());
    if status == StatusCode::OK {
        st.cache.put(version, AnswerKind::Page, &key, body.clone());
    }
    html_response(status, body)
}

fn html_response(status: StatusCode, body: axum::body::Bytes) -> Response {
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            // The interface language follows Accept-Language when `ui` is not given.
            (header::VARY, HeaderValue::from_static("accept-language")),
        ],
        body,
    )
        .into_response()
}

/// The page's request: the search options with `page` (1-based, [`PAGE_SIZE`] hits a page unless
/// `limit` says otherwise) turned into the offset.
fn page_request(
    search: &SearchParams,
    page: Option<&str>,
) -> std::result::Result<jinan_types::SearchRequest, String> {
    let mut req = search_request(search).map_err(|e| e.to_string())?;
    let last_page = MAX_OFFSET / req.limit + 1;
    let page = match page.map(str::trim).filter(|p| !p.is_empty()) {
        None => 1,
        Some(p) => match p.parse::<usize>() {
            Ok(n) if (1..=last_page).contains(&n) => n,
            _ => {
                return Err(format!(
                    "page must be a whole number from 1 to {last_page}, not {p:?}"
                ))
            }
        },
    };
    req.offset = (page - 1) * req.limit;
    Ok(req)
}

/// Binds `cfg.addr`, opens the index, calls `ready` with the bound address (only now can clients
/// connect, so this is when to announce it), and serves until `shutdown` completes (then finishes
/// requests in flight, for at most [`SHUTDOWN_GRACE`]).
pub async fn serve(
    cfg: ServerConfig,
    ready: impl FnOnce(SocketAddr) + Send,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(cfg.addr)
        .await
        .map_err(|source| Error::Bind {
            addr: cfg.addr,
            source,
        })?;
    let dir = cfg.index_dir.clone();
    let stats = cfg.stats.clone();
    let entries = cfg.cache_entries;
    let corpus = cfg.corpus_dir.clone();
    let state = tokio::task::spawn_blocking(move || {
        AppState::new(&dir, stats)
            .with_cache(entries)
            .with_corpus(&corpus)
    })
    .await
    .map_err(|e| Error::Io(std::io::Error::other(e)))?;
    // A long-lived process loads jieba's full dictionary once (about 130 ms, in the background)
    // rather than building a small one for every Chinese query; both cut alike, so queries
    // answered meanwhile get the same answers.
    tokio::task::spawn_blocking(|| {
        jinan_index::dict::full();
    });
    ready(listener.local_addr()?);
    serve_listener(listener, state, shutdown).await
}

/// Serves `state` on an already bound listener (tests bind port 0 and read the address back).
/// Also refreshes the index every [`REFRESH_EVERY`] in the background.
pub async fn serve_listener(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use hyper_util::service::TowerToHyperService;

    let local = listener.local_addr()?;
    tracing::info!(addr = %local, index = %state.live.dir().display(), "serving");
    let refresher = tokio::spawn(state.live.clone().refresh_loop());
    if let Some(r) = state.replay.clone() {
        // Read the capture index now, so that the first replay does not wait for it.
        drop(tokio::task::spawn_blocking(move || r.load()));
    }
    let router = app(state);
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .max_buf_size(MAX_REQUEST_HEAD);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(c) => c,
                    Err(e) => {
                        // Out of file descriptors and the like: wait a little rather than spin.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let svc = TowerToHyperService::new(router.clone());
                let conn = builder.serve_connection_with_upgrades(TokioIo::new(screen::Screened::new(stream)), svc).into_owned();
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    if let Err(e) = conn.await {
                        tracing::debug!(%peer, error = %e, "connection ended with an error");
                    }
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    refresher.abort();
    tracing::info!("shutting down; finishing requests in flight");
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => tracing::warn!("requests still running after the grace period; stopping"),
    }
    Ok(())
}
