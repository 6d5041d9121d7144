//! The site as a pure value: routing one [`Request`] to one [`Response`], the ground truth, and the
//! mutations recrawl tests need. No I/O, no clocks, no delays: [`crate::Server`] adds those.

use crate::content::{self, fnv, AddrGen, Kind, Meta, Rng, Template, SPECIALS};
use crate::lists::{self, ListEngine, ProxyParams, Record, COLUMNS, ORDINARY};
use crate::special::{self, RobotsMode};
use crate::templates::{self, ArticlePage, Ctx, Link};
use crate::traps;
use crate::{Request, Response};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use jinan_types::{Article, Lang};
use std::collections::HashMap;

/// How the fixture is built.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// Everything is a function of this seed.
    pub seed: u64,
    /// Number of articles at start (at least 20 is sensible; fewer works).
    pub articles: usize,
    /// How long the slow page ([`special::SLOW_PAGE`]) waits before answering (server only).
    pub slow_delay: std::time::Duration,
    /// Link and enable the hazards: trap pages on the home page (slow, 5 MB, gzip bomb, redirect
    /// loop, calendars and the other [`crate::traps`]), once-only 500/429/503 answers and the WAF cookie redirect. Turn off for
    /// benchmarks that want a plain site.
    pub hazards: bool,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            seed: 1,
            articles: 200,
            slow_delay: std::time::Duration::from_secs(40),
            hazards: true,
        }
    }
}

/// What the site knows about one article (for tests and tools).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ArticleInfo {
    pub index: usize,
    /// Canonical path, e.g. `/art/2018/11/19/art_30173_2743600.html`.
    pub path: String,
    pub title: String,
    pub date: NaiveDate,
    pub template: Template,
    pub gen: AddrGen,
    pub lang: Lang,
    pub kind: Kind,
    /// False once deleted.
    pub live: bool,
    /// What a GET answers: 200, or 404/410 once deleted.
    pub status: u16,
    /// Number of edits applied.
    pub version: u32,
    /// For a republished notice (a near-duplicate): the index of the article it copies.
    pub copy_of: Option<usize>,
    /// A word found in this article's body and nowhere else (None for the seeds and the
    /// caption-only and empty pages).
    pub rare_word: Option<String>,
    /// A Chinese compound found only in this article (some Chinese articles).
    pub rare_zh: Option<String>,
    pub column_id: u32,
    pub column_name: String,
    /// The page names its column (meta or breadcrumb); when false the column is known only from
    /// the list page, which is its only link.
    pub column_in_page: bool,
    /// `utf-8` or `gbk` (the bytes on the wire).
    pub encoding: &'static str,
    /// Status answered once before the page works (500, 429 or 503), when the server applies it.
    pub once_status: Option<u16>,
    /// Behind the WAF cookie redirect.
    pub waf: bool,
}

/// The fixture site: deterministic content plus the mutations applied so far.
#[derive(Debug, Clone)]
pub struct Site {
    cfg: SiteConfig,
    metas: Vec<Meta>,
    /// Per ordinary column: live article indices, newest first.
    lists: Vec<Vec<u32>>,
    versions: HashMap<u32, u32>,
    modified: HashMap<u32, NaiveDateTime>,
    deleted: HashMap<u32, u16>,
    added: u32,
    clock: u32,
    robots: RobotsMode,
}

const WAF_COOKIE: &str = "__jsluid_s";
const DEFAULT_HOST: &str = "english.jinan.gov.cn";

fn http_date(t: NaiveDateTime) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

impl Site {
    /// Builds the site (computes each article's small meta record; text is generated lazily).
    pub fn new(cfg: SiteConfig) -> Site {
        let metas: Vec<Meta> = (0..cfg.articles as u32)
            .map(|i| content::meta(cfg.seed, i, None))
            .collect();
        let mut lists = vec![Vec::new(); ORDINARY];
        for m in &metas {
            if let Some(l) = lists.get_mut(usize::from(m.column)) {
                l.push(m.index);
            }
        }
        for l in &mut lists {
            l.sort_by(|a, b| {
                let (ma, mb) = (&metas[*a as usize], &metas[*b as usize]);
                (mb.published, mb.index).cmp(&(ma.published, ma.index))
            });
        }
        Site {
            cfg,
            metas,
            lists,
            versions: HashMap::new(),
            modified: HashMap::new(),
            deleted: HashMap::new(),
            added: 0,
            clock: 0,
            robots: RobotsMode::Normal,
        }
    }

    pub fn config(&self) -> &SiteConfig {
        &self.cfg
    }

    pub fn robots_mode(&self) -> RobotsMode {
        self.robots
    }

    pub fn set_robots(&mut self, mode: RobotsMode) {
        self.robots = mode;
    }

    /// Canonical path of article `index` (None past the end).
    pub fn path_of(&self, index: usize) -> Option<String> {
        self.metas.get(index).map(|m| self.path(m))
    }

    fn path(&self, m: &Meta) -> String {
        let col = COLUMNS[usize::from(m.column)].id;
        let d = m.published.date();
        let y = d.format("%Y");
        match m.gen {
            AddrGen::Old => {
                let id = match m.kind {
                    Kind::SeedKfarSaba => content::KFAR_SABA_ID,
                    Kind::SeedKharkiv => content::KHARKIV_ID,
                    _ => content::OLD_ID_BASE + u64::from(m.index),
                };
                format!(
                    "/art/{y}/{}/{}/art_{col}_{id}.html",
                    d.format("%-m"),
                    d.format("%-d")
                )
            }
            AddrGen::NewInColumn => format!(
                "/col/col{col}/art/{y}/art_{}.html",
                content::hex_id(self.cfg.seed, m.index)
            ),
            AddrGen::NewPlain => format!(
                "/art/{y}/art_{}.html",
                content::hex_id(self.cfg.seed, m.index)
            ),
        }
    }

    /// The article a path names, if any (deleted ones included).
    pub fn index_of(&self, path: &str) -> Option<usize> {
        let parts: Vec<&str> = path.split('/').collect();
        let index = match parts.as_slice() {
            ["", "art", _, _, _, file] => {
                let id: u64 = file
                    .strip_prefix("art_")?
                    .strip_suffix(".html")?
                    .rsplit('_')
                    .next()?
                    .parse()
                    .ok()?;
                match id {
                    content::KFAR_SABA_ID => 0,
                    content::KHARKIV_ID => 1,
                    _ => usize::try_from(id.checked_sub(content::OLD_ID_BASE)?).ok()?,
                }
            }
            ["", "art", _, file] | ["", "col", _, "art", _, file] => {
                let hex = file.strip_prefix("art_")?.strip_suffix(".html")?;
                content::index_from_hex(self.cfg.seed, hex)? as usize
            }
            _ => return None,
        };
        let m = self.metas.get(index)?;
        (self.path(m) == path).then_some(index)
    }

    fn live(&self, index: u32) -> bool {
        (index as usize) < self.metas.len() && !self.deleted.contains_key(&index)
    }

    fn version(&self, index: u32) -> u32 {
        self.versions.get(&index).copied().unwrap_or(0)
    }

    fn text(&self, m: &Meta) -> content::Text {
        content::text(self.cfg.seed, m, self.version(m.index))
    }

    /// Status a hazard-enabled server answers once for this path before serving it.
    pub fn once_status(&self, path: &str) -> Option<u16> {
        if !self.cfg.hazards {
            return None;
        }
        if path == "/col/col30176/index.html" {
            return Some(500);
        }
        let i = self.index_of(path)?;
        once_for(i)
    }

    /// True when the server should delay this path by `slow_delay`.
    pub fn is_slow(&self, path: &str) -> bool {
        path == special::SLOW_PAGE
    }

    fn waf(&self, i: usize) -> bool {
        self.cfg.hazards && i >= 2 && i % 67 == 15
    }

    /// For a page behind the WAF (server only): the cookie (`name`, `value`) a client must send
    /// back; without it the server answers 302 to the same URL with `Set-Cookie`.
    pub fn waf_cookie(&self, path: &str) -> Option<(&'static str, String)> {
        let i = self.index_of(path)?;
        if !self.waf(i) || !self.live(i as u32) {
            return None;
        }
        Some((
            WAF_COOKIE,
            format!(
                "{:016x}",
                fnv(format!("{}-{}", self.cfg.seed, i).as_bytes())
            ),
        ))
    }

    /// Every article (live and deleted).
    pub fn articles(&self) -> Vec<ArticleInfo> {
        self.metas.iter().map(|m| self.info(m)).collect()
    }

    /// One article's info.
    pub fn article(&self, index: usize) -> Option<ArticleInfo> {
        self.metas.get(index).map(|m| self.info(m))
    }

    fn info(&self, m: &Meta) -> ArticleInfo {
        let t = self.text(m);
        let c = &COLUMNS[usize::from(m.column)];
        let status = self.deleted.get(&m.index).copied().unwrap_or(200);
        ArticleInfo {
            index: m.index as usize,
            path: self.path(m),
            title: t.title,
            date: m.published.date(),
            template: m.template,
            gen: m.gen,
            lang: m.lang,
            kind: m.kind,
            live: status == 200,
            status,
            version: self.version(m.index),
            copy_of: m.copy_of.map(|i| i as usize),
            rare_word: t.rare_word,
            rare_zh: t.rare_zh,
            column_id: c.id,
            column_name: c.name.to_string(),
            column_in_page: templates::names_column(m),
            encoding: if m.template == Template::OldTable {
                "gbk"
            } else {
                "utf-8"
            },
            once_status: if self.cfg.hazards {
                once_for(m.index as usize)
            } else {
                None
            },
            waf: self.waf(m.index as usize),
        }
    }

    /// The Article JSON a perfect extractor outputs for every live article. `base_url` is the
    /// server's base (`http://127.0.0.1:PORT/`); the URL is base + canonical path.
    pub fn truth(&self, base_url: &str) -> Vec<Article> {
        let base = base_url.trim_end_matches('/');
        self.metas
            .iter()
            .filter(|m| self.live(m.index))
            .map(|m| {
                let t = self.text(m);
                let body = content::body_text(&t.blocks);
                Article {
                    url: format!("{base}{}", self.path(m)),
                    title: content::normalize_ws(&t.title),
                    date: Some(m.published.date()),
                    source: templates::truth_source(m, &t),
                    column: Some(COLUMNS[usize::from(m.column)].name.to_string()),
                    lang: content::lang_of(&body),
                    body,
                }
            })
            .collect()
    }

    /// The ground truth of near-duplicates: every group of live articles that are one notice
    /// republished (the original first, then its copies), as URLs (base + path). Only groups with
    /// at least two live members.
    pub fn dup_groups(&self, base_url: &str) -> Vec<Vec<String>> {
        let base = base_url.trim_end_matches('/');
        let mut groups: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
        for m in &self.metas {
            if let Some(orig) = m.copy_of {
                groups
                    .entry(orig)
                    .or_insert_with(|| vec![orig])
                    .push(m.index);
            }
        }
        groups
            .into_values()
            .map(|g| {
                g.into_iter()
                    .filter(|i| self.live(*i))
                    .map(|i| format!("{base}{}", self.path(&self.metas[i as usize])))
                    .collect::<Vec<_>>()
            })
            .filter(|g| g.len() >= 2)
            .collect()
    }

    /// Every boilerplate string pages carry outside article bodies.
    pub fn boilerplate_strings(&self) -> Vec<&'static str> {
        templates::BOILERPLATE.to_vec()
    }

    /// Old addresses that answer 301 to the article (`/jnen/art/<index>.htm`), with the target path.
    pub fn moved(&self) -> Vec<(String, String)> {
        [1usize, 5, 12]
            .iter()
            .filter(|i| {
                self.metas
                    .get(**i)
                    .is_some_and(|m| !templates::list_only(m))
            })
            .map(|i| (format!("/jnen/art/{i}.htm"), self.path(&self.metas[*i])))
            .collect()
    }

    fn deterministic_pick(&self, n: usize, salt: u64) -> Vec<u32> {
        let mut eligible: Vec<u32> = self
            .metas
            .iter()
            .map(|m| m.index)
            .filter(|i| *i >= SPECIALS && self.live(*i))
            .collect();
        let mut r = Rng::for_parts(&[self.cfg.seed, salt, u64::from(self.clock)]);
        let n = n.min(eligible.len());
        for k in 0..n {
            let j = k + r.below(eligible.len() - k);
            eligible.swap(k, j);
        }
        eligible.truncate(n);
        eligible
    }

    /// Edits `n` live articles (their text, ETag and Last-Modified change); returns their paths.
    pub fn edit(&mut self, n: usize) -> Vec<String> {
        let picked = self.deterministic_pick(n, 0xed17);
        self.clock += 1;
        let when = edit_base() + Duration::minutes(i64::from(self.clock));
        picked
            .into_iter()
            .map(|i| {
                *self.versions.entry(i).or_insert(0) += 1;
                self.modified.insert(i, when);
                self.path(&self.metas[i as usize])
            })
            .collect()
    }

    /// Deletes `n` live articles (every third answers 410, the others 404); returns their paths.
    pub fn delete(&mut self, n: usize) -> Vec<String> {
        let picked = self.deterministic_pick(n, 0xde1e);
        self.clock += 1;
        let mut out = Vec::new();
        for (k, i) in picked.into_iter().enumerate() {
            self.deleted.insert(i, if k % 3 == 2 { 410 } else { 404 });
            let col = usize::from(self.metas[i as usize].column);
            if let Some(l) = self.lists.get_mut(col) {
                l.retain(|x| *x != i);
            }
            out.push(self.path(&self.metas[i as usize]));
        }
        out
    }

    /// Adds `n` new articles, newer than all others (so at the top of their column lists).
    pub fn add(&mut self, n: usize) -> Vec<String> {
        self.clock += 1;
        let mut out = Vec::new();
        for _ in 0..n {
            let index = self.metas.len() as u32;
            let m = content::meta(self.cfg.seed, index, Some(self.added));
            self.added += 1;
            self.metas.push(m);
            if let Some(l) = self.lists.get_mut(usize::from(m.column)) {
                l.insert(0, index);
            }
            out.push(self.path(&m));
        }
        out
    }

    fn record(&self, i: u32) -> Record {
        let m = &self.metas[i as usize];
        Record {
            path: self.path(m),
            title: content::title(self.cfg.seed, m),
            date: m.published.format("%Y-%m-%d").to_string(),
        }
    }

    /// Live article indices of column `c` (index into [`COLUMNS`]), newest first: for aggregate
    /// columns, the newest linkable articles of the columns they show.
    pub fn column_list(&self, c: usize) -> Vec<u32> {
        let Some(def) = COLUMNS.get(c) else {
            return Vec::new();
        };
        if def.engine == ListEngine::Jpage {
            return self.lists.get(c).cloned().unwrap_or_default();
        }
        let mut all: Vec<u32> = def
            .shows
            .iter()
            .flat_map(|s| {
                self.lists
                    .get(usize::from(*s))
                    .map(|l| {
                        l.iter()
                            .copied()
                            .filter(|i| !templates::list_only(&self.metas[*i as usize]))
                            .take(def.shows_newest)
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            })
            .collect();
        all.sort_by(|a, b| {
            let (ma, mb) = (&self.metas[*a as usize], &self.metas[*b as usize]);
            (mb.published, mb.index).cmp(&(ma.published, ma.index))
        });
        all.truncate(def.shows_newest);
        all
    }

    fn related(&self, m: &Meta) -> Vec<Link> {
        let Some(list) = self.lists.get(usize::from(m.column)) else {
            return Vec::new();
        };
        let key = |i: &u32| {
            let x = &self.metas[*i as usize];
            std::cmp::Reverse((x.published, x.index))
        };
        let pos = list
            .binary_search_by_key(&key(&m.index), key)
            .unwrap_or_else(|p| p);
        let lo = pos.saturating_sub(3);
        let moved = self.moved();
        list[lo..(pos + 4).min(list.len())]
            .iter()
            .filter(|i| **i != m.index && !templates::list_only(&self.metas[**i as usize]))
            .take(4)
            .map(|i| {
                let x = &self.metas[*i as usize];
                let path = self.path(x);
                let href = moved
                    .iter()
                    .find(|(_, p)| *p == path)
                    .map(|(o, _)| o.clone())
                    .unwrap_or(path);
                Link {
                    href,
                    title: content::title(self.cfg.seed, x),
                }
            })
            .collect()
    }

    /// Renders one request. Pure: no delays, no faults, no once-only errors and no WAF redirect
    /// (the server adds those).
    pub fn render(&self, req: &Request) -> Response {
        let ctx = Ctx {
            host: req.header("host").unwrap_or(DEFAULT_HOST).to_string(),
        };
        let path = req.path();
        let resp = self.route(&ctx, req, path);
        conditional(req, resp)
    }

    fn route(&self, ctx: &Ctx, req: &Request, path: &str) -> Response {
        match path {
            "/" | "/index.html" => return self.home(ctx),
            "/robots.txt" => {
                return match self.robots {
                    RobotsMode::Normal => {
                        Response::new(200, "text/plain", special::robots_txt().into_bytes())
                    }
                    RobotsMode::NotFound => not_found(),
                    RobotsMode::ServerError => Response::new(
                        500,
                        "text/html",
                        b"<html><body>Internal Server Error</body></html>".to_vec(),
                    ),
                }
            }
            "/module/web/jpage/dataproxy.jsp" | "/module/jpage/dataproxy.jsp" => {
                return self.proxy(req)
            }
            "/api-gateway/jpaas-publish-server/front/page/build/unit" => return self.gateway(req),
            "/jact/front/datacall/showJsContent.do" => return self.showjs(req),
            "/module/download/downfile.jsp" => {
                return if req
                    .query_pairs()
                    .iter()
                    .any(|(k, v)| k == "filename" && v == "jinan-guide.pdf")
                {
                    pdf_response()
                } else {
                    not_found()
                }
            }
            special::PDF_FILE => return pdf_response(),
            "/module/search/index.jsp" => {
                return html(special::simple(
                    ctx,
                    "Site search",
                    "Enter a keyword to search english.jinan.gov.cn.",
                ))
            }
            special::SLOW_PAGE => {
                return html(special::simple(
                    ctx,
                    "Annual report",
                    "The annual work report of the municipal government.",
                ))
            }
            special::BIG_PAGE => {
                return Response::new(
                    200,
                    "text/html; charset=utf-8",
                    special::big_page().to_vec(),
                )
            }
            special::GZIP_BOMB => {
                let mut r = Response::new(
                    200,
                    "text/html; charset=utf-8",
                    special::gzip_bomb().to_vec(),
                );
                r.headers.push(("Content-Encoding".into(), "gzip".into()));
                return r;
            }
            "/loop/a.html" => return redirect(302, "/loop/b.html"),
            "/loop/b.html" => return redirect(302, "/loop/a.html"),
            _ => {}
        }
        if let Some(rest) = path.strip_prefix("/col/col") {
            let id = rest
                .strip_suffix("/index.html")
                .or_else(|| rest.strip_suffix('/'));
            if let Some((c, _)) = id
                .and_then(|s| s.parse::<u32>().ok())
                .and_then(lists::by_id)
            {
                return self.column(ctx, c);
            }
        }
        if let Some(r) = crate::hostile::route(path, req, &ctx.host) {
            return r;
        }
        if path.starts_with("/picture/") {
            return Response::new(200, "image/gif", special::GIF.to_vec());
        }
        if self.cfg.hazards {
            if let Some(h) = traps::page(ctx, req) {
                return html(h);
            }
        }
        if let Some(rest) = path.strip_prefix("/calendar/") {
            let parts: Vec<&str> = rest.split('/').collect();
            if let [y, m, "index.html"] = parts.as_slice() {
                if let (Ok(y), Ok(m)) = (y.parse::<u32>(), m.parse::<u32>()) {
                    if (1..=12).contains(&m) && (1..=9999).contains(&y) {
                        return html(special::calendar(ctx, y, m));
                    }
                }
            }
        }
        if let Some(rest) = path.strip_prefix("/jnen/art/") {
            if let Some(i) = rest
                .strip_suffix(".htm")
                .and_then(|s| s.parse::<usize>().ok())
            {
                if let Some(m) = self.metas.get(i) {
                    return redirect(301, &ctx.abs(&self.path(m)));
                }
            }
        }
        if let Some(i) = self.index_of(path) {
            return self.article_page(ctx, i);
        }
        not_found()
    }

    fn home(&self, ctx: &Ctx) -> Response {
        // Kfar Saba first (linked every way), then the newest linkable articles of each column.
        let mut featured = Vec::new();
        if let Some(m) = self.metas.first().filter(|_| self.live(0)) {
            featured.push(special::Featured {
                path: self.path(m),
                title: content::title(self.cfg.seed, m),
            });
        }
        for l in &self.lists {
            for i in l
                .iter()
                .filter(|i| **i != 0 && !templates::list_only(&self.metas[**i as usize]))
                .take(2)
            {
                let m = &self.metas[*i as usize];
                featured.push(special::Featured {
                    path: self.path(m),
                    title: content::title(self.cfg.seed, m),
                });
            }
        }
        html(special::home(
            ctx,
            &featured,
            &self.moved(),
            self.cfg.hazards,
        ))
    }

    fn column(&self, ctx: &Ctx, c: usize) -> Response {
        let def = &COLUMNS[c];
        match def.engine {
            ListEngine::Jpage => {
                let list = self.column_list(c);
                let first: Vec<Record> = list
                    .iter()
                    .take(lists::EMBEDDED)
                    .map(|i| self.record(*i))
                    .collect();
                html(lists::column_page(ctx, def, list.len(), &first))
            }
            ListEngine::JsonGateway => html(lists::gateway_page(ctx, def)),
            ListEngine::ShowJs => html(lists::showjs_page(ctx, def)),
        }
    }

    fn proxy(&self, req: &Request) -> Response {
        let mut pairs = req.query_pairs();
        if req.method.eq_ignore_ascii_case("POST") {
            pairs.extend(url::form_urlencoded::parse(&req.body).into_owned());
        }
        let p = ProxyParams::from_pairs(pairs.into_iter());
        let found = p.columnid.and_then(lists::by_id).filter(|(c, def)| {
            *c < ORDINARY && p.unitid == Some(def.unitid) && p.webid == Some(lists::WEBID)
        });
        let xml = match found {
            Some((c, def)) => {
                let list = self.column_list(c);
                let (s, e) = lists::proxy_slice(def, &p, list.len());
                let recs: Vec<Record> = list[s..e].iter().map(|i| self.record(*i)).collect();
                lists::proxy_xml(
                    list.len(),
                    p.perpage.unwrap_or(lists::PER_PAGE).clamp(1, 300),
                    &recs,
                )
            }
            None => lists::proxy_xml(0, lists::PER_PAGE, &[]),
        };
        Response::new(200, "text/xml; charset=UTF-8", xml.into_bytes())
    }

    fn gateway(&self, req: &Request) -> Response {
        let q = req.query_pairs();
        let get = |k: &str| {
            q.iter()
                .find(|(a, _)| a.eq_ignore_ascii_case(k))
                .and_then(|(_, v)| v.parse::<usize>().ok())
        };
        let Some((c, def)) = get("pageId").and_then(|id| lists::by_id(id as u32)) else {
            return json_error();
        };
        if def.engine != ListEngine::JsonGateway {
            return json_error();
        }
        let page = get("pageNo").unwrap_or(1).max(1);
        let size = get("pageSize").unwrap_or(lists::PER_PAGE).clamp(1, 100);
        let list = self.column_list(c);
        let s = ((page - 1) * size).min(list.len());
        let e = (s + size).min(list.len());
        let recs: Vec<Record> = list[s..e].iter().map(|i| self.record(*i)).collect();
        Response::new(
            200,
            "application/json; charset=UTF-8",
            lists::gateway_json(&recs, list.len(), page).into_bytes(),
        )
    }

    fn showjs(&self, req: &Request) -> Response {
        let iid = req
            .query_pairs()
            .into_iter()
            .find(|(k, _)| k == "iid")
            .and_then(|(_, v)| v.parse::<u32>().ok());
        let Some(c) = COLUMNS
            .iter()
            .position(|d| d.engine == ListEngine::ShowJs && Some(d.iid) == iid)
        else {
            return not_found();
        };
        let recs: Vec<Record> = self
            .column_list(c)
            .iter()
            .map(|i| self.record(*i))
            .collect();
        Response::new(
            200,
            "application/javascript; charset=UTF-8",
            lists::showjs_js(&recs).into_bytes(),
        )
    }

    fn article_page(&self, ctx: &Ctx, i: usize) -> Response {
        let m = &self.metas[i];
        if let Some(status) = self.deleted.get(&m.index) {
            let mut r = not_found();
            r.status = *status;
            return r;
        }
        let text = self.text(m);
        let column = &COLUMNS[usize::from(m.column)];
        let path = self.path(m);
        let page = ArticlePage {
            meta: m,
            text: &text,
            column,
            path: &path,
            related: self.related(m),
            visits: 100 + fnv(path.as_bytes()) % 90_000,
        };
        let html_text = templates::article(ctx, &page);
        let (bytes, ctype) = match m.template {
            Template::OldTable => (
                encoding_rs::GBK.encode(&html_text).0.into_owned(),
                "text/html",
            ),
            Template::MislabeledUtf8 => (html_text.into_bytes(), "text/html; charset=gb2312"),
            Template::Modern => (html_text.into_bytes(), "text/html; charset=UTF-8"),
            Template::NoMeta => (html_text.into_bytes(), "text/html;charset=utf-8"),
        };
        let mut r = Response::new(200, ctype, bytes);
        let lm = self.modified.get(&m.index).copied().unwrap_or(m.published);
        r.headers.push(("Last-Modified".into(), http_date(lm)));
        r
    }
}

/// Articles from this index on never answer a once-only error. The errors are a class of hazard,
/// not a rate: a site of any size has the same 15 or so, two thirds with `Retry-After: 1` (which
/// rightly holds the whole host for a second), so a big fixture is no slower to crawl for them.
const ONCE_ONLY_BELOW: usize = 300;

fn once_for(i: usize) -> Option<u16> {
    if !(2..ONCE_ONLY_BELOW).contains(&i) {
        None
    } else if i % 53 == 7 {
        Some(500)
    } else if i % 59 == 12 {
        Some(429)
    } else if i % 61 == 14 {
        Some(503)
    } else {
        None
    }
}

fn edit_base() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 9, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default()
}

fn html(s: String) -> Response {
    Response::new(200, "text/html; charset=UTF-8", s.into_bytes())
}

fn not_found() -> Response {
    Response::new(
        404,
        "text/html; charset=UTF-8",
        "<html><head><title>404</title></head><body><h1>404 Not Found</h1><p>The page does not exist.</p></body></html>"
            .as_bytes()
            .to_vec(),
    )
}

fn json_error() -> Response {
    Response::new(
        200,
        "application/json",
        br#"{"success":false,"data":null,"message":"bad parameters"}"#.to_vec(),
    )
}

fn redirect(status: u16, location: &str) -> Response {
    let mut r = Response::new(
        status,
        "text/html",
        format!(
            "<html><body>Moved: <a href=\"{0}\">{0}</a></body></html>",
            templates::esc(location)
        )
        .into_bytes(),
    );
    r.headers.push(("Location".into(), location.to_string()));
    r
}

fn pdf_response() -> Response {
    let mut r = Response::new(200, "application/pdf", special::pdf().to_vec());
    r.headers.push((
        "Content-Disposition".into(),
        "attachment; filename=\"jinan-guide.pdf\"".into(),
    ));
    r
}

/// Adds an ETag to every 200 answer and turns it into a 304 when the request's validators match.
fn conditional(req: &Request, mut r: Response) -> Response {
    if r.status != 200 {
        return r;
    }
    let etag = format!("\"{:016x}\"", fnv(&r.body));
    r.headers.push(("ETag".into(), etag.clone()));
    let get = req.method.eq_ignore_ascii_case("GET") || req.method.eq_ignore_ascii_case("HEAD");
    if !get {
        return r;
    }
    let not_modified = if let Some(inm) = req.header("if-none-match") {
        inm.split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == etag || t == "*")
    } else if let (Some(ims), Some(lm)) =
        (req.header("if-modified-since"), r.header("last-modified"))
    {
        match (
            DateTime::parse_from_rfc2822(ims),
            DateTime::parse_from_rfc2822(lm),
        ) {
            (Ok(ims), Ok(lm)) => lm.with_timezone(&Utc) <= ims.with_timezone(&Utc),
            _ => false,
        }
    } else {
        false
    };
    if not_modified {
        r.status = 304;
        r.body.clear();
        r.headers
            .retain(|(k, _)| !k.eq_ignore_ascii_case("content-encoding"));
    }
    r
}
