//! The search page (`GET /`): server-rendered HTML that works with JavaScript off.
//!
//! Researchers use this page directly, so it must be readable at a glance: a query box with
//! filters, hits with their highlighted snippet, paging, and a bar chart of matching articles per
//! year drawn here as SVG. Everything goes through maud, which escapes every interpolated value;
//! the one exception, the snippet (already escaped HTML with `<b>` marks from the index), passes
//! through [`safe_snippet`] first so that no other tag can ever reach the browser.

use jinan_types::{SearchRequest, SearchResults, Sort};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde::Deserialize;

use crate::i18n::Ui;
use crate::params::SearchParams;

/// Hits per page on the search page.
pub const PAGE_SIZE: usize = 10;

/// Query string of the page: the search options, a 1-based page number and the interface
/// language.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PageParams {
    #[serde(flatten)]
    pub search: SearchParams,
    pub page: Option<String>,
    /// `en` or `zh` (see [`Ui::choose`]).
    pub ui: Option<String>,
}

/// What the page shows below the form.
pub enum Outcome {
    /// No query yet.
    Empty,
    /// A user error (bad parameter or query), shown in place of results.
    Error(String),
    /// The index is missing or broken.
    Unavailable(String),
    Results {
        req: SearchRequest,
        results: Box<SearchResults>,
        years: Vec<(i32, u64)>,
    },
}

/// Renders the whole page.
pub fn render(
    params: &SearchParams,
    ui: Ui,
    columns: &[(String, u64)],
    outcome: &Outcome,
) -> Markup {
    let t = ui.texts();
    let q = params.q.as_deref().unwrap_or("");
    // Echo at most a screenful of a (possibly huge, refused) query back into the box.
    let q_echo: String = q.chars().take(300).collect();
    let title = if q.trim().is_empty() {
        format!("{} – {}", t.brand, t.search)
    } else {
        format!("{q_echo} – {} {}", t.brand, t.search)
    };
    let switch = href_with_ui(&base_pairs(params), ui.other());
    html! {
        (DOCTYPE)
        html lang=(t.html_lang) {
            (head(&title, CSS))
            body {
                (header(ui, &switch, params))
                (form(params, ui, &q_echo, columns))
                @match outcome {
                    Outcome::Empty => main { p.hint {
                        @for (i, part) in t.hint.iter().enumerate() {
                            @if i % 2 == 1 { code { (part) } } @else { (part) }
                        }
                    } },
                    Outcome::Error(msg) => main { p.error role="alert" { (msg) } },
                    Outcome::Unavailable(msg) => main { p.error role="alert" { (msg) } },
                    Outcome::Results { req, results, years } => (results_view(params, ui, req, results, years)),
                }
            }
        }
    }
}

/// The `<head>` of every page the server renders: UTF-8, the viewport, the title (escaped), the
/// page's style sheet.
pub(crate) fn head(title: &str, css: &'static str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) }
            style { (PreEscaped(css)) }
        }
    }
}

/// The header: brand, tagline, the trend page and the language switch.
pub fn header(ui: Ui, switch: &str, params: &SearchParams) -> Markup {
    let t = ui.texts();
    let mut trend_pairs: Vec<(&str, String)> = Vec::new();
    if let Some(q) = params.q.as_ref().filter(|q| !q.trim().is_empty()) {
        trend_pairs.push(("q", q.clone()));
    }
    html! {
        header {
            a.brand href=(href_with_ui(&[], ui)) { (t.brand) }
            span.tagline { (t.tagline) }
            nav.top {
                a.trendlink href=(path_with_ui("/trend", &trend_pairs, ui)) { (t.trends) }
                a.switch href=(switch) hreflang=(ui.other().texts().html_lang) lang=(ui.other().texts().html_lang) {
                    (ui.other().texts().name)
                }
            }
        }
    }
}

fn form(params: &SearchParams, ui: Ui, q: &str, columns: &[(String, u64)]) -> Markup {
    let t = ui.texts();
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    let column = v(&params.column);
    let lang = v(&params.lang);
    let sort = v(&params.sort);
    let live = params.live.as_deref().is_some_and(|v| {
        !matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "0" | "false" | "no" | "off"
        )
    });
    html! {
        form.search method="get" action="/" role="search" {
            input type="hidden" name="ui" value=(ui.param());
            div.qrow {
                input type="search" name="q" value=(q) placeholder=(t.placeholder)
                    aria-label=(t.query_label) autofocus;
                button type="submit" { (t.search) }
            }
            div.filters {
                label { (t.from) " " input type="date" name="from" value=(v(&params.from)); }
                label { (t.to) " " input type="date" name="to" value=(v(&params.to)); }
                label { (t.column) " "
                    select name="column" {
                        option value="" { (t.all_columns) }
                        @for (name, n) in columns {
                            option value=(name) selected[*name == column] { (name) " (" (t.number(*n)) ")" }
                        }
                        @if !column.is_empty() && !columns.iter().any(|(c, _)| *c == column) {
                            option value=(column) selected { (column) }
                        }
                    }
                }
                label { (t.language) " "
                    select name="lang" {
                        option value="" { (t.any) }
                        option value="en" selected[lang.eq_ignore_ascii_case("en")] { (t.english) }
                        option value="zh" selected[lang.eq_ignore_ascii_case("zh")] { (t.chinese) }
                    }
                }
                label { (t.sort) " "
                    select name="sort" {
                        option value="relevance" { (t.relevance) }
                        option value="date" selected[sort.eq_ignore_ascii_case("date")] { (t.newest) }
                    }
                }
                label { input type="checkbox" name="live" value="1" checked[live]; " " (t.hide_deleted) }
            }
        }
    }
}

fn results_view(
    params: &SearchParams,
    ui: Ui,
    req: &SearchRequest,
    r: &SearchResults,
    years: &[(i32, u64)],
) -> Markup {
    let t = ui.texts();
    let first = r.offset + 1;
    let last = r.offset + r.hits.len();
    html! {
        div.results {
            main {
                p.summary {
                    @if r.total == 0 { (t.no_match) }
                    @else if r.hits.is_empty() { (t.matches(r.total)) (t.past_last()) }
                    @else { (t.matches(r.total)) (t.showing(first, last, req.sort == Sort::Date)) }
                }
                @if r.total > 0 { (downloads(params, ui)) }
                @if !years.is_empty() { (chart(params, ui, years)) }
                ol.hits start=(first) {
                    @for hit in &r.hits { (hit_view(ui, hit)) }
                }
                (pager(params, ui, r))
            }
            @if let Some(f) = r.facets.as_ref().filter(|_| r.total > 0) { (facets_view(params, ui, f)) }
        }
    }
}

/// One hit: title, deleted mark, date, column, language, address, snippet.
pub fn hit_view(ui: Ui, hit: &jinan_types::Hit) -> Markup {
    let t = ui.texts();
    html! {
        li.hit {
            div.htitle {
                a.title href=(archive_href(&hit.archive_url)) title=(t.archived_note) { (if hit.title.trim().is_empty() { &hit.url } else { &hit.title }) }
                @if let Some(d) = hit.deleted_at {
                    " " span.deleted title=(t.deleted_note) {
                        (t.deleted) " " (t.date(d.date_naive()))
                    }
                }
            }
            div.meta {
                @if let Some(d) = hit.date { time datetime=(d) { (t.date(d)) } " · " }
                @if let Some(c) = &hit.column { span.column { (c) } " · " }
                span.lang { (t.lang_name(hit.lang.as_str())) } " · "
                a.url.live href=(safe_href(&hit.url)) rel="noreferrer" title=(t.live_note) { (hit.url) } " · "
                a.similar href=(path_with_ui("/similar", &[("url", hit.url.clone())], ui)) { (t.similar) }
            }
            p.snippet { (PreEscaped(safe_snippet(&hit.snippet))) }
            @if !hit.copies.is_empty() {
                details.copies {
                    summary { (t.copies(hit.copies.len())) }
                    ul { @for c in &hit.copies {
                        li {
                            a href=(archive_href(&c.archive_url)) title=(t.archived_note) { (if c.title.trim().is_empty() { &c.url } else { &c.title }) }
                            " · " @if let Some(d) = c.date { time datetime=(d) { (t.date(d)) } " · " }
                            @if let Some(col) = &c.column { span.column { (col) } }
                        }
                    } }
                }
            }
        }
    }
}

/// Links to every hit of the search as CSV and JSON Lines (`/api/export`).
fn downloads(params: &SearchParams, ui: Ui) -> Markup {
    let t = ui.texts();
    let pairs: Vec<(&str, String)> = base_pairs(params)
        .into_iter()
        .filter(|(k, _)| !matches!(*k, "limit" | "sort"))
        .collect();
    let link = |format: &str| {
        let mut p = pairs.clone();
        p.push(("format", format.to_string()));
        path_href("/api/export", &p)
    };
    html! {
        p.downloads {
            (t.download) " "
            a.download.csv href=(link("csv")) download { "CSV" } " · "
            a.download.jsonl href=(link("jsonl")) download { "JSON Lines" } " · "
            a.feed href=(path_href("/feed", &pairs)) type="application/atom+xml" { "Atom" }
        }
    }
}

/// Counts of the hits per column, language and year, each a link that adds the filter (or, for
/// the filter in force, removes it).
fn facets_view(params: &SearchParams, ui: Ui, f: &jinan_types::Facets) -> Markup {
    let t = ui.texts();
    let pairs = base_pairs(params);
    let with = |drop: &[&str], add: &[(&'static str, String)]| {
        let mut p: Vec<(&str, String)> = pairs
            .iter()
            .filter(|(k, _)| !drop.contains(k))
            .cloned()
            .collect();
        p.extend(add.iter().cloned());
        href_with_ui(&p, ui)
    };
    let active = |k: &str, v: &str| pairs.iter().any(|(pk, pv)| *pk == k && pv == v);
    html! {
        aside.facets aria-label=(t.facets) {
            h2 { (t.facets) }
            section.facet.column {
                h3 { (t.columns) }
                ul { @for c in &f.column {
                    @let on = active("column", &c.value);
                    li.on[on] { a href=(if on { with(&["column"], &[]) } else { with(&["column"], &[("column", c.value.clone())]) }) {
                        span.v { (c.value) } " " span.n { (t.number(c.count)) }
                    } }
                } }
            }
            section.facet.lang {
                h3 { (t.languages) }
                ul { @for c in &f.lang {
                    @let on = active("lang", &c.value);
                    li.on[on] { a href=(if on { with(&["lang"], &[]) } else { with(&["lang"], &[("lang", c.value.clone())]) }) {
                        span.v { (t.lang_name(&c.value)) } " " span.n { (t.number(c.count)) }
                    } }
                } }
            }
            section.facet.year {
                h3 { (t.years) }
                ul { @for c in &f.year {
                    @let from = format!("{}-01-01", c.value);
                    @let on = active("from", &from) && active("to", &format!("{}-12-31", c.value));
                    li.on[on] { a href=(if on { with(&["from", "to"], &[]) } else { with(&["from", "to"], &[("from", from.clone()), ("to", format!("{}-12-31", c.value))]) }) {
                        span.v { (c.value) } " " span.n { (t.number(c.count)) }
                    } }
                } }
            }
        }
    }
}

/// Page links: previous, a window of page numbers around the current one, next.
fn pager(params: &SearchParams, ui: Ui, r: &SearchResults) -> Markup {
    let t = ui.texts();
    let limit = r.limit.max(1);
    let reachable = crate::params::MAX_OFFSET / limit + 1;
    let pages = r.total.div_ceil(limit).min(reachable);
    let current = r.offset / limit + 1;
    if pages <= 1 && current == 1 {
        return html! {};
    }
    let mut shown: Vec<usize> = vec![1];
    shown.extend(current.saturating_sub(2).max(2)..=(current + 2).min(pages));
    if pages > 1 {
        shown.push(pages);
    }
    shown.dedup();
    html! {
        nav.pages aria-label=(t.pages) {
            @if current > 1 { a.prev rel="prev" href=(page_href(params, ui, current - 1)) { (t.previous) } }
            @for (i, p) in shown.iter().enumerate() {
                @if i > 0 && *p > shown[i - 1] + 1 { span.gap { "…" } }
                @if *p == current { span.current aria-current="page" { (t.number(*p as u64)) } }
                @else { a href=(page_href(params, ui, *p)) { (t.number(*p as u64)) } }
            }
            @if current < pages { a.next rel="next" href=(page_href(params, ui, current + 1)) { (t.next) } }
        }
    }
}

/// The bar chart: one bar per year from the first to the last year with matches (gaps shown as
/// empty years), count above each bar, each bar a link that narrows the search to its year.
fn chart(params: &SearchParams, ui: Ui, years: &[(i32, u64)]) -> Markup {
    let t = ui.texts();
    let (Some(&(y0, _)), Some(&(y1, _))) = (
        years.iter().min_by_key(|y| y.0),
        years.iter().max_by_key(|y| y.0),
    ) else {
        return html! {};
    };
    // A corrupt date far in the past must not make thousands of bars.
    let y0 = y0.max(y1 - 59);
    let series: Vec<(i32, u64)> = (y0..=y1)
        .map(|y| {
            (
                y,
                years
                    .iter()
                    .filter(|(yy, _)| *yy == y)
                    .map(|(_, n)| n)
                    .sum(),
            )
        })
        .collect();
    let max = series.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let (w, h, top, bottom) = (640.0_f64, 150.0_f64, 18.0_f64, 22.0_f64);
    let slot = w / series.len() as f64;
    let bar_w = (slot * 0.72).clamp(1.0, 40.0);
    let label_every = (series.len() as f64 / 16.0).ceil().max(1.0) as usize;
    let total: u64 = series.iter().map(|(_, n)| n).sum();
    html! {
        figure.chart {
            figcaption { (t.per_year) }
            svg viewBox=(format!("0 0 {w} {h}")) width="100%" role="img"
                aria-label=(format!("{}: {}, {y0}–{y1}", t.per_year, t.articles(total))) {
                line x1="0" y1=(h - bottom) x2=(w) y2=(h - bottom) stroke="#999" stroke-width="1" {}
                @for (i, (year, n)) in series.iter().enumerate() {
                    @let bh = (h - top - bottom) * (*n as f64) / (max as f64);
                    @let x = slot * i as f64 + (slot - bar_w) / 2.0;
                    @let cx = slot * i as f64 + slot / 2.0;
                    a href=(year_href(params, ui, *year)) {
                        title { (t.year(*year)) ": " (t.articles(*n)) }
                        rect.bar x=(fmt(x)) y=(fmt(h - bottom - bh)) width=(fmt(bar_w)) height=(fmt(bh)) {}
                        @if *n > 0 && (series.len() <= 24 || *n == max) {
                            text.count x=(fmt(cx)) y=(fmt(h - bottom - bh - 4.0)) text-anchor="middle" { (t.number(*n)) }
                        }
                    }
                    @if i % label_every == 0 || i == series.len() - 1 {
                        text.year x=(fmt(cx)) y=(fmt(h - 6.0)) text-anchor="middle" { (year) }
                    }
                }
            }
        }
    }
}

pub fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

/// The snippet as HTML that can hold no tag but `<b>` and `</b>`: any other `<` or `>` is escaped.
/// The index already escapes; this is the second lock on the door.
pub fn safe_snippet(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        let keep = ["<b>", "</b>"].into_iter().find(|t| rest.starts_with(t));
        if let Some(tag) = keep {
            out.push_str(tag);
            rest = &rest[tag.len()..];
            continue;
        }
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Only http(s) links are made clickable; anything else (say `javascript:`) links nowhere.
pub fn safe_href(url: &str) -> &str {
    let lower = url
        .trim_start()
        .get(..8)
        .unwrap_or(url)
        .to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        url
    } else {
        "#"
    }
}

/// A hit's archived copy: a path on this server (`/web/...`), never anything else.
fn archive_href(path: &str) -> &str {
    if path.starts_with("/web/") {
        path
    } else {
        "#"
    }
}

/// `/?…` with the current options and `page = n`.
fn page_href(params: &SearchParams, ui: Ui, n: usize) -> String {
    let mut pairs = base_pairs(params);
    if n > 1 {
        pairs.push(("page", n.to_string()));
    }
    href_with_ui(&pairs, ui)
}

/// `/?…` with the current options narrowed to one year (page 1).
fn year_href(params: &SearchParams, ui: Ui, year: i32) -> String {
    let mut pairs: Vec<_> = base_pairs(params)
        .into_iter()
        .filter(|(k, _)| *k != "from" && *k != "to")
        .collect();
    pairs.push(("from", format!("{year:04}-01-01")));
    pairs.push(("to", format!("{year:04}-12-31")));
    href_with_ui(&pairs, ui)
}

/// The search options of the page as query pairs (blank ones left out).
pub fn base_pairs(p: &SearchParams) -> Vec<(&'static str, String)> {
    let fields = [
        ("q", &p.q),
        ("from", &p.from),
        ("to", &p.to),
        ("column", &p.column),
        ("lang", &p.lang),
        ("sort", &p.sort),
        ("live", &p.live),
        ("limit", &p.limit),
    ];
    fields
        .into_iter()
        .filter_map(|(k, v)| {
            v.as_ref()
                .filter(|v| !v.is_empty() || k == "live")
                .map(|v| (k, v.clone()))
        })
        .collect()
}

/// `/?pairs&ui=..`: a link of the search page that keeps the interface language.
pub fn href_with_ui(pairs: &[(&str, String)], ui: Ui) -> String {
    path_with_ui("/", pairs, ui)
}

/// `path?pairs&ui=..`.
pub fn path_with_ui(path: &str, pairs: &[(&str, String)], ui: Ui) -> String {
    let mut p = pairs.to_vec();
    p.push(("ui", ui.param().to_string()));
    path_href(path, &p)
}

/// `path?pairs` (just `path` without pairs).
pub fn path_href(path: &str, pairs: &[(&str, String)]) -> String {
    match serde_urlencoded::to_string(pairs) {
        Ok(qs) if !qs.is_empty() => format!("{path}?{qs}"),
        _ => path.to_string(),
    }
}

pub const CSS: &str = r#"
:root{--fg:#1d2433;--muted:#5b6475;--accent:#0b5cad;--line:#dde2ea;--bg:#fff;--mark:#fff1a8}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1120px;padding:1rem 1.25rem 3rem;font:16px/1.5 system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Hiragino Sans GB","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;color:var(--fg);background:var(--bg)}
html:lang(zh-CN) body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Hiragino Sans GB","Microsoft YaHei","WenQuanYi Micro Hei",system-ui,sans-serif}
header{display:flex;align-items:baseline;gap:.75rem;margin-bottom:.75rem}
nav.top{margin-left:auto;display:flex;gap:1rem}
nav.top a{color:var(--accent)}
.results{display:grid;grid-template-columns:minmax(0,1fr) 15rem;gap:1.5rem;align-items:start}
@media (max-width:760px){.results{grid-template-columns:1fr}}
aside.facets{border-left:1px solid var(--line);padding-left:1rem;font-size:.9rem}
aside.facets h2{font-size:1rem;margin:.5rem 0}
aside.facets h3{font-size:.85rem;color:var(--muted);margin:.8rem 0 .2rem;text-transform:uppercase;letter-spacing:.03em}
aside.facets ul{list-style:none;margin:0;padding:0}
aside.facets li a{display:flex;justify-content:space-between;gap:.5rem;text-decoration:none;color:var(--fg);padding:.05rem .25rem;border-radius:4px}
aside.facets li a:hover{background:#eef3fa}
aside.facets li.on a{background:var(--accent);color:#fff}
aside.facets .n{color:var(--muted)}
aside.facets li.on .n{color:#fff}
.downloads{font-size:.85rem;color:var(--muted)}
.downloads a{color:var(--accent)}
details.copies{font-size:.85rem;color:var(--muted);margin-top:.2rem}
details.copies summary{cursor:pointer}
fieldset.queries{border:0;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:.4rem}
fieldset.queries legend{font-size:.9rem;color:var(--muted);margin-bottom:.3rem}
fieldset.queries input{flex:1 1 10rem;padding:.35rem .5rem;border:1px solid #b9c2d0;border-radius:6px}
.trendchart text{font-size:11px;fill:var(--muted)}
ul.legend{list-style:none;display:flex;flex-wrap:wrap;gap:1rem;padding:0;font-size:.9rem}
.swatch{display:inline-block;width:.9rem;height:.9rem;border-radius:2px;vertical-align:middle}
.brand{font-weight:700;font-size:1.5rem;color:var(--accent);text-decoration:none}
.tagline{color:var(--muted)}
form.search{border:1px solid var(--line);border-radius:8px;padding:.75rem;background:#f7f9fc}
.qrow{display:flex;gap:.5rem}
.qrow input{flex:1;font-size:1.05rem;padding:.45rem .6rem;border:1px solid #b9c2d0;border-radius:6px}
button{font-size:1rem;padding:.45rem 1rem;border:0;border-radius:6px;background:var(--accent);color:#fff;cursor:pointer}
.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;margin-top:.6rem;font-size:.9rem;color:var(--muted)}
.filters input,.filters select{font:inherit;padding:.15rem .3rem}
.summary,.hint{color:var(--muted)}
.error{color:#8a1010;background:#fdecec;border:1px solid #f3c2c2;padding:.5rem .75rem;border-radius:6px}
.chart{margin:.5rem 0 1rem}
.chart figcaption{font-size:.85rem;color:var(--muted)}
.chart .bar{fill:#6d9fd6}
.chart a:hover .bar{fill:var(--accent)}
.chart text{font-size:11px;fill:var(--muted)}
ol.hits{padding-left:1.5rem}
.hit{margin:0 0 1.1rem}
.htitle a{font-size:1.08rem;color:var(--accent);text-decoration:none}
.htitle a:hover{text-decoration:underline}
.deleted{font-size:.75rem;color:#8a1010;border:1px solid #e3a5a5;border-radius:4px;padding:0 .3rem;vertical-align:middle}
.meta{font-size:.82rem;color:var(--muted);overflow-wrap:anywhere}
.snippet{margin:.2rem 0 0}
.snippet b{background:var(--mark);font-weight:600}
nav.pages{display:flex;flex-wrap:wrap;gap:.35rem;align-items:center;margin-top:1rem}
nav.pages a,nav.pages span{padding:.2rem .55rem;border:1px solid var(--line);border-radius:5px;text-decoration:none}
nav.pages .current{background:var(--accent);color:#fff;border-color:var(--accent)}
nav.pages .gap{border:0}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_keeps_only_b() {
        assert_eq!(safe_snippet("a <b>x</b> &amp; y"), "a <b>x</b> &amp; y");
        assert_eq!(
            safe_snippet("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(safe_snippet("<b onclick=x>"), "&lt;b onclick=x&gt;");
        assert_eq!(safe_snippet("友好<b>城市</b>"), "友好<b>城市</b>");
    }

    #[test]
    fn hrefs() {
        assert_eq!(safe_href("javascript:alert(1)"), "#");
        assert_eq!(
            safe_href("http://english.jinan.gov.cn/a"),
            "http://english.jinan.gov.cn/a"
        );
        let p = SearchParams {
            q: Some("友好 & city".into()),
            lang: Some(String::new()),
            ..Default::default()
        };
        assert_eq!(
            page_href(&p, Ui::En, 2),
            "/?q=%E5%8F%8B%E5%A5%BD+%26+city&page=2&ui=en"
        );
        assert_eq!(
            year_href(&p, Ui::Zh, 2018),
            "/?q=%E5%8F%8B%E5%A5%BD+%26+city&from=2018-01-01&to=2018-12-31&ui=zh"
        );
    }

    #[test]
    fn chart_fills_gaps() {
        let svg = chart(&SearchParams::default(), Ui::En, &[(2016, 3), (2019, 5)]).into_string();
        for y in 2016..=2019 {
            assert!(svg.contains(&format!(">{y}</text>")), "{svg}");
        }
        assert_eq!(svg.matches("<rect").count(), 4);
        assert!(svg.contains("<title>2017: 0 articles</title>"));
        let zh = chart(&SearchParams::default(), Ui::Zh, &[(2016, 3)]).into_string();
        assert!(zh.contains("<title>2016年: 3 篇</title>"), "{zh}");
    }
}
