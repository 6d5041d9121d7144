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

use crate::params::SearchParams;

/// Hits per page on the search page.
pub const PAGE_SIZE: usize = 10;

/// Query string of the page: the search options plus a 1-based page number.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PageParams {
    #[serde(flatten)]
    pub search: SearchParams,
    pub page: Option<String>,
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
        results: SearchResults,
        years: Vec<(i32, u64)>,
    },
}

/// Renders the whole page.
pub fn render(params: &SearchParams, columns: &[(String, u64)], outcome: &Outcome) -> Markup {
    let q = params.q.as_deref().unwrap_or("");
    // Echo at most a screenful of a (possibly huge, refused) query back into the box.
    let q_echo: String = q.chars().take(300).collect();
    let title = if q.trim().is_empty() {
        "jinan search".to_string()
    } else {
        format!("{q_echo} – jinan search")
    };
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(CSS)) }
            }
            body {
                header {
                    a.brand href="/" { "jinan" }
                    span.tagline { "search the english.jinan.gov.cn archive" }
                }
                (form(params, &q_echo, columns))
                main {
                    @match outcome {
                        Outcome::Empty => p.hint { "Type words in English or Chinese. "
                            code { "\"sister city\"" } " is a phrase, " code { "deleg*" } " a prefix, "
                            code { "title:Kharkiv" } " searches titles, " code { "-word" } " excludes." },
                        Outcome::Error(msg) => p.error role="alert" { (msg) },
                        Outcome::Unavailable(msg) => p.error role="alert" { (msg) },
                        Outcome::Results { req, results, years } => (results_view(params, req, results, years)),
                    }
                }
            }
        }
    }
}

fn form(params: &SearchParams, q: &str, columns: &[(String, u64)]) -> Markup {
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
            div.qrow {
                input type="search" name="q" value=(q) placeholder="Search articles (English or 中文)"
                    aria-label="Search query" autofocus;
                button type="submit" { "Search" }
            }
            div.filters {
                label { "From " input type="date" name="from" value=(v(&params.from)); }
                label { "To " input type="date" name="to" value=(v(&params.to)); }
                label { "Column "
                    select name="column" {
                        option value="" { "All columns" }
                        @for (name, n) in columns {
                            option value=(name) selected[*name == column] { (name) " (" (n) ")" }
                        }
                        @if !column.is_empty() && !columns.iter().any(|(c, _)| *c == column) {
                            option value=(column) selected { (column) }
                        }
                    }
                }
                label { "Language "
                    select name="lang" {
                        option value="" { "Any" }
                        option value="en" selected[lang.eq_ignore_ascii_case("en")] { "English" }
                        option value="zh" selected[lang.eq_ignore_ascii_case("zh")] { "中文" }
                    }
                }
                label { "Sort "
                    select name="sort" {
                        option value="relevance" { "Relevance" }
                        option value="date" selected[sort.eq_ignore_ascii_case("date")] { "Newest first" }
                    }
                }
                label { input type="checkbox" name="live" value="1" checked[live]; " Hide deleted" }
            }
        }
    }
}

fn results_view(
    params: &SearchParams,
    req: &SearchRequest,
    r: &SearchResults,
    years: &[(i32, u64)],
) -> Markup {
    let first = r.offset + 1;
    let last = r.offset + r.hits.len();
    html! {
        p.summary {
            @if r.total == 0 { "No articles match." }
            @else if r.hits.is_empty() { (r.total) " articles match; this page is past the last one." }
            @else {
                (r.total) @if r.total == 1 { " article matches" } @else { " articles match" }
                "; showing " (first) "–" (last)
                @if req.sort == Sort::Date { ", newest first" }
                "."
            }
        }
        @if !years.is_empty() { (chart(params, years)) }
        ol.hits start=(first) {
            @for hit in &r.hits {
                li.hit {
                    div.htitle {
                        a.title href=(archive_href(&hit.archive_url)) title="the archived copy of this version" { (if hit.title.trim().is_empty() { &hit.url } else { &hit.title }) }
                        @if let Some(d) = hit.deleted_at {
                            " " span.deleted title="removed from the site; kept in the archive" {
                                "deleted " (d.format("%Y-%m-%d"))
                            }
                        }
                    }
                    div.meta {
                        @if let Some(d) = hit.date { time datetime=(d) { (d) } " · " }
                        @if let Some(c) = &hit.column { span.column { (c) } " · " }
                        span.lang { (hit.lang) } " · "
                        a.url.live href=(safe_href(&hit.url)) rel="noreferrer" title="the page on the live site" { (hit.url) }
                    }
                    p.snippet { (PreEscaped(safe_snippet(&hit.snippet))) }
                }
            }
        }
        (pager(params, r))
    }
}

/// Page links: previous, a window of page numbers around the current one, next.
fn pager(params: &SearchParams, r: &SearchResults) -> Markup {
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
        nav.pages aria-label="Result pages" {
            @if current > 1 { a.prev rel="prev" href=(page_href(params, current - 1)) { "‹ Previous" } }
            @for (i, p) in shown.iter().enumerate() {
                @if i > 0 && *p > shown[i - 1] + 1 { span.gap { "…" } }
                @if *p == current { span.current aria-current="page" { (p) } }
                @else { a href=(page_href(params, *p)) { (p) } }
            }
            @if current < pages { a.next rel="next" href=(page_href(params, current + 1)) { "Next ›" } }
        }
    }
}

/// The bar chart: one bar per year from the first to the last year with matches (gaps shown as
/// empty years), count above each bar, each bar a link that narrows the search to its year.
fn chart(params: &SearchParams, years: &[(i32, u64)]) -> Markup {
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
            figcaption { "Matching articles per year" }
            svg viewBox=(format!("0 0 {w} {h}")) width="100%" role="img"
                aria-label=(format!("{total} matching articles per year, {y0} to {y1}")) {
                line x1="0" y1=(h - bottom) x2=(w) y2=(h - bottom) stroke="#999" stroke-width="1" {}
                @for (i, (year, n)) in series.iter().enumerate() {
                    @let bh = (h - top - bottom) * (*n as f64) / (max as f64);
                    @let x = slot * i as f64 + (slot - bar_w) / 2.0;
                    @let cx = slot * i as f64 + slot / 2.0;
                    a href=(year_href(params, *year)) {
                        title { (year) ": " (n) @if *n == 1 { " article" } @else { " articles" } }
                        rect.bar x=(fmt(x)) y=(fmt(h - bottom - bh)) width=(fmt(bar_w)) height=(fmt(bh)) {}
                        @if *n > 0 && (series.len() <= 24 || *n == max) {
                            text.count x=(fmt(cx)) y=(fmt(h - bottom - bh - 4.0)) text-anchor="middle" { (n) }
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

fn fmt(v: f64) -> String {
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
fn safe_href(url: &str) -> &str {
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
fn page_href(params: &SearchParams, n: usize) -> String {
    let mut pairs = base_pairs(params);
    if n > 1 {
        pairs.push(("page", n.to_string()));
    }
    href(&pairs)
}

/// `/?…` with the current options narrowed to one year (page 1).
fn year_href(params: &SearchParams, year: i32) -> String {
    let mut pairs: Vec<_> = base_pairs(params)
        .into_iter()
        .filter(|(k, _)| *k != "from" && *k != "to")
        .collect();
    pairs.push(("from", format!("{year:04}-01-01")));
    pairs.push(("to", format!("{year:04}-12-31")));
    href(&pairs)
}

fn base_pairs(p: &SearchParams) -> Vec<(&'static str, String)> {
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

fn href(pairs: &[(&str, String)]) -> String {
    match serde_urlencoded::to_string(pairs) {
        Ok(qs) if !qs.is_empty() => format!("/?{qs}"),
        _ => "/".to_string(),
    }
}

const CSS: &str = r#"
:root{--fg:#1d2433;--muted:#5b6475;--accent:#0b5cad;--line:#dde2ea;--bg:#fff;--mark:#fff1a8}
*{box-sizing:border-box}
body{margin:0 auto;max-width:860px;padding:1rem 1.25rem 3rem;font:16px/1.5 system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK SC","PingFang SC",sans-serif;color:var(--fg);background:var(--bg)}
header{display:flex;align-items:baseline;gap:.75rem;margin-bottom:.75rem}
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
        assert_eq!(page_href(&p, 2), "/?q=%E5%8F%8B%E5%A5%BD+%26+city&page=2");
        assert_eq!(
            year_href(&p, 2018),
            "/?q=%E5%8F%8B%E5%A5%BD+%26+city&from=2018-01-01&to=2018-12-31"
        );
    }

    #[test]
    fn chart_fills_gaps() {
        let svg = chart(&SearchParams::default(), &[(2016, 3), (2019, 5)]).into_string();
        for y in 2016..=2019 {
            assert!(svg.contains(&format!(">{y}</text>")), "{svg}");
        }
        assert_eq!(svg.matches("<rect").count(), 4);
        assert!(svg.contains("<title>2017: 0 articles</title>"));
    }
}
