//! `testsite`: a deterministic imitation of english.jinan.gov.cn (a Hanweb CMS site) served on
//! loopback, with ground truth, for every crawler, extractor, index and server test and benchmark.
//!
//! The real site is unreachable from here, so this crate reproduces what `shared/SITE.md`
//! describes: column pages whose lists hide in `<script type="text/xml"><datastore>` and continue
//! behind `dataproxy.jsp` (POST and GET), both article address generations, four article
//! layouts (modern + meta, old GBK tables, no meta, UTF-8 mislabelled gb2312), all the
//! boilerplate, and the server behaviours crawlers must survive.
//!
//! ```no_run
//! use testsite::{Server, Site, SiteConfig};
//! let site = Site::new(SiteConfig { articles: 2_000, ..SiteConfig::default() });
//! let server = Server::start(site).unwrap();
//! let base = server.base_url();                       // "http://127.0.0.1:PORT/"
//! let truth = server.with_site(|s| s.truth(&base));   // what a perfect extractor outputs
//! # let _ = truth;
//! ```
//!
//! # Content
//! Everything is a function of `seed`: article `i`'s column, date (2012..2026), language (about a
//! quarter Chinese), layout, address and text come from `(seed, i)`. Indices 0..11 have fixed roles
//! so that even a 20-article site has every kind of page: 0 the Kfar Saba seed
//! (`/art/2018/11/19/art_30173_2743600.html`), 1 the Kharkiv seed, 2 a title with
//! `<script>alert(1)</script>`, 3 a title and one image caption only, 4 an empty body, 5 and 6 old
//! GBK layouts (en, zh), 7 and 10 no-meta pages (10 without breadcrumb), 8 a Chinese no-meta page
//! without breadcrumb, 9 a UTF-8 page declared gb2312. Each generated article has a planted rare
//! word ([`content::rare_word`], `zq` + base-36 index + `vk`) and even-numbered Chinese ones a rare
//! compound of four uncommon characters ([`content::rare_zh`]).
//!
//! Some generated articles republish an earlier one ([`content::copy_of`]: about one in fifteen,
//! some notices three times) under another address and another column of the same language, a
//! few days later, with the shapes of change real sites show ([`content::Republish`]: a title
//! prefix, an added paragraph, or only the date line), their own rare words and their own edits.
//! [`Site::dup_groups`] is the ground truth of those near-duplicate groups.
//!
//! # Ground truth: the body rules
//! [`Site::truth`] gives the Article JSON of every live article; `body` is built by
//! [`content::body_text`]:
//! - each paragraph, sub-heading, list item, table row and image caption is its own paragraph;
//!   paragraphs are separated by exactly one blank line (`\n\n`), in page order;
//! - a table row is its non-empty cells joined by ` | ` (header row included, a spanning cell
//!   counted once), a table's caption its own paragraph before the rows; tables come in the shapes
//!   of [`content::TableShape`] (td only, th header, caption, colspan total row, an empty cell,
//!   nested in a layout table);
//! - captions keep their credit (`... [Photo/jinan.gov.cn]`); images themselves give no text;
//! - whitespace inside a paragraph (including `&nbsp;` and U+3000 indents) collapses to one space,
//!   and paragraphs are trimmed; empty paragraphs are dropped (the empty-body page has body `""`);
//! - nothing outside the article body: no title, date/source line, menu, breadcrumb, share links,
//!   【Print】【Close】, related stories, attachment links, counter or footer
//!   ([`Site::boilerplate_strings`] lists them; no truth body contains any).
//!
//! `title` is the title as shown (entities decoded); `date` the publication day; `source` the
//! ContentSource / `Source:`/`来源：` value, or the host of a no-meta page's date line
//! (`english.jinan.gov.cn 2019-03-04`), else null (no-meta pages whose date line is
//! `Updated: ...` or `发布日期：...`); `column` the column name (from `ColumnName`, else the last
//! breadcrumb entry; no-meta pages without a breadcrumb are linked ONLY from their column's list,
//! so the list page's column name is the truth); `lang` by the SITE.md rule on the body.
//!
//! # Lists
//! Eight ordinary columns (see [`lists::COLUMNS`]) list their live articles newest first; the
//! page embeds 45 records and the proxy serves the rest (`startrecord`/`endrecord`, or `page` +
//! `perpage`; columns with `page_only` ignore `startrecord`). The proxy answers an empty
//! datastore unless `columnid`, `unitid` and `webid` match the page. Two aggregate columns use
//! other engines: "Spotlight" a JSON gateway and "专题专栏" a `showJsContent.do` script; every
//! article they show is also listed in an ordinary column, so a crawler that only records
//! unknown list shapes still reaches every article.
//!
//! # Hazards (on by default, [`SiteConfig::hazards`])
//! See [`special`] and [`traps`] for the fixed paths and [`Server`] for behaviours that need state: once-only
//! 500/429/503 ([`ArticleInfo::once_status`]), the WAF cookie redirect ([`ArticleInfo::waf`]), the
//! slow page, fault drills ([`Faults`], [`RefusalBurst`]), scripted once-only answers with a
//! Retry-After ([`Server::answer_once`]), robots modes ([`RobotsMode`]) and the request log.

pub mod banks;
pub mod content;
pub mod hostile;
pub mod lists;
pub mod log;
pub mod server;
mod site;
pub mod special;
pub mod templates;
pub mod traps;
pub mod wire;

pub use content::{AddrGen, Kind, Template};
pub use jinan_types::{Article, Lang};
pub use log::LogEntry;
pub use server::{Faults, RefusalBurst, RetryAfter, Server};
pub use site::{ArticleInfo, Site, SiteConfig};
pub use special::RobotsMode;
pub use wire::{wire_for, Wire};

/// Errors of this crate (only the server and the CLI can fail).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Other(String),
}

/// Result of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// One HTTP request as [`Site::render`] sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `POST`, `HEAD`, ...
    pub method: String,
    /// Path with query, e.g. `/module/web/jpage/dataproxy.jsp?page=2`.
    pub target: String,
    /// Header names in any case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// A GET of `target` (path with optional query).
    pub fn get(target: &str) -> Request {
        Request {
            method: "GET".into(),
            target: target.into(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A form POST (`application/x-www-form-urlencoded`).
    pub fn post_form(target: &str, form: &str) -> Request {
        Request {
            method: "POST".into(),
            target: target.into(),
            headers: vec![(
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            )],
            body: form.as_bytes().to_vec(),
        }
    }

    /// Adds a header (builder style).
    pub fn with_header(mut self, name: &str, value: &str) -> Request {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// First header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The path, without query.
    pub fn path(&self) -> &str {
        self.target.split(['?', '#']).next().unwrap_or("")
    }

    /// The decoded query pairs.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        match self.target.split_once('?') {
            Some((_, q)) => {
                let q = q.split('#').next().unwrap_or("");
                url::form_urlencoded::parse(q.as_bytes())
                    .into_owned()
                    .collect()
            }
            None => Vec::new(),
        }
    }

    /// The value of a cookie sent in `Cookie` headers.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("cookie"))
            .flat_map(|(_, v)| v.split(';'))
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
    }
}

/// One HTTP response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The bytes on the wire (gzip-compressed for the gzip bomb, GBK for old pages).
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: Vec<u8>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body,
        }
    }

    /// First header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}
