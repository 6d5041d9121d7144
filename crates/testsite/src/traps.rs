//! Crawler traps of the shapes real sites have (hazards only), each linked from the home page and
//! each endless: a calendar whose days are query values with day, week and month views linking
//! each other (three alternating URL shapes), links carrying a fresh session id on every view
//! (`;jsessionid=` in the path, `sid=` and `PHPSESSID=` in the query), repeated path segments
//! (`/zt/jinan/zt/jinan/...`, `/topics/topics/...`), ever-deeper relative links
//! (`/docs/p1/p2/p3/...`), search results whose page number always grows, and sort/order parameter
//! permutations of those results.
//!
//! Only the session-id pages are a finite set (the [`SESSION_ITEMS`] items and their index): a
//! crawler that strips session ids fetches each once.

use crate::content::fnv;
use crate::templates::{esc, footer, header, Ctx};
use crate::Request;
use chrono::{Datelike, Duration, NaiveDate};
use jinan_types::Lang;
use std::fmt::Write as _;

/// Day view of the query-valued calendar (the entry linked from the home page).
pub const QUERY_CALENDAR: &str = "/calendar.html?date=2024-01-15";
/// Index of the session-id service pages.
pub const SESSION_INDEX: &str = "/eservice/index.jsp";
/// Items behind [`SESSION_INDEX`] (`/eservice/item.jsp?id=1..=N`).
pub const SESSION_ITEMS: usize = 5;
/// A page linking itself one level deeper with the same two segments.
pub const REPEATED_PAIR: &str = "/zt/jinan/index.html";
/// A page linking itself one level deeper with the same segment.
pub const REPEATED_ONE: &str = "/topics/index.html";
/// A page linking `p<N+1>/index.html` below itself, forever.
pub const DEEPER: &str = "/docs/p1/index.html";
/// Search results with a next page, always.
pub const SEARCH: &str = "/search/results.jsp?q=jinan&page=1";

/// Every trap entry the home page links.
pub const ENTRIES: &[&str] = &[
    QUERY_CALENDAR,
    SESSION_INDEX,
    REPEATED_PAIR,
    REPEATED_ONE,
    DEEPER,
    SEARCH,
];

/// Renders a trap page, or `None` when `req` is not one.
pub fn page(ctx: &Ctx, req: &Request) -> Option<String> {
    // A servlet container accepts `;jsessionid=...` after any path.
    let path = req.path().split(';').next().unwrap_or("");
    let q = req.query_pairs();
    let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    match path {
        "/calendar.html" => calendar(ctx, get("date"), get("view"), get("month")),
        SESSION_INDEX => Some(session_page(ctx, req, "E-services")),
        "/eservice/item.jsp" => {
            let id: usize = get("id")?.parse().ok()?;
            (1..=SESSION_ITEMS)
                .contains(&id)
                .then(|| session_page(ctx, req, &format!("E-service {id}")))
        }
        "/search/results.jsp" => search(ctx, get("q")?, get("page")?, get("sort"), get("order")),
        _ => segments(ctx, path),
    }
}

fn page_html(ctx: &Ctx, title: &str, links: &[(String, String)]) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{0}</title></head><body>\n",
        esc(title)
    );
    h.push_str(&header(ctx, Lang::En));
    let _ = writeln!(h, "<h2>{}</h2><ul>", esc(title));
    for (href, text) in links {
        let _ = writeln!(h, "<li><a href=\"{}\">{}</a></li>", esc(href), esc(text));
    }
    h.push_str("</ul>\n");
    h.push_str(&footer(Lang::En));
    h.push_str("</body></html>\n");
    h
}

fn calendar(
    ctx: &Ctx,
    date: Option<&str>,
    view: Option<&str>,
    month: Option<&str>,
) -> Option<String> {
    let day = |d: NaiveDate| (format!("/calendar.html?date={d}"), format!("{d}"));
    let week = |d: NaiveDate| {
        (
            format!("/calendar.html?date={d}&view=week"),
            format!("Week of {d}"),
        )
    };
    let month_of = |d: NaiveDate| {
        (
            format!("/calendar.html?month={:04}-{:02}", d.year(), d.month()),
            format!("{:04}-{:02}", d.year(), d.month()),
        )
    };
    if let Some(m) = month {
        let first = NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok()?;
        let prev = first - Duration::days(1);
        let next = first + Duration::days(32);
        let mut links = vec![month_of(prev), month_of(next)];
        links.extend([0, 7, 14, 21].map(|k| week(first + Duration::days(k))));
        return Some(page_html(ctx, &format!("Events in {m}"), &links));
    }
    let d = NaiveDate::parse_from_str(date?, "%Y-%m-%d").ok()?;
    let links = match view {
        Some("week") => {
            let mut l = vec![week(d - Duration::days(7)), week(d + Duration::days(7))];
            l.extend((0..7).map(|k| day(d + Duration::days(k))));
            l.push(month_of(d));
            l
        }
        None => vec![
            day(d - Duration::days(1)),
            day(d + Duration::days(1)),
            week(d),
            month_of(d),
        ],
        Some(_) => return None,
    };
    Some(page_html(ctx, &format!("Events on {d}"), &links))
}

/// A fresh session id for every view of every page (a function of the request).
fn session_id(req: &Request, salt: usize) -> String {
    let a = fnv(format!("{}#{salt}", req.target).as_bytes());
    let b = fnv(format!("{salt}#{}", req.target).as_bytes());
    format!("{a:016X}{b:016X}")
}

fn session_page(ctx: &Ctx, req: &Request, title: &str) -> String {
    let mut links = Vec::new();
    for id in 1..=SESSION_ITEMS {
        let sid = session_id(req, id);
        links.push((
            format!("/eservice/item.jsp;jsessionid={sid}?id={id}"),
            format!("Service {id}"),
        ));
        links.push((
            format!(
                "/eservice/item.jsp?id={id}&sid={}",
                sid.to_ascii_lowercase()
            ),
            format!("Service {id} (guide)"),
        ));
        links.push((
            format!("/eservice/item.jsp?PHPSESSID={sid}&id={id}"),
            format!("Service {id} (apply)"),
        ));
    }
    links.push((
        format!("{SESSION_INDEX};jsessionid={}", session_id(req, 0)),
        "All e-services".into(),
    ));
    page_html(ctx, title, &links)
}

fn search(
    ctx: &Ctx,
    q: &str,
    page: &str,
    sort: Option<&str>,
    order: Option<&str>,
) -> Option<String> {
    let n: u64 = page.parse().ok().filter(|n| *n >= 1)?;
    let q = url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>();
    let at = |p: u64, s: Option<&str>, o: Option<&str>| match (s, o) {
        (Some(s), Some(o)) => format!("/search/results.jsp?q={q}&page={p}&sort={s}&order={o}"),
        _ => format!("/search/results.jsp?q={q}&page={p}"),
    };
    let mut links = vec![(at(n + 1, sort, order), "Next page".to_string())];
    if n > 1 {
        links.push((at(n - 1, sort, order), "Previous page".into()));
    }
    for s in ["date", "title", "relevance"] {
        for o in ["asc", "desc"] {
            // Parameter order varies too, as it does when each link is built by a different script.
            let href = if o == "asc" {
                format!("/search/results.jsp?order={o}&sort={s}&page={n}&q={q}")
            } else {
                at(n, Some(s), Some(o))
            };
            links.push((href, format!("Sort by {s}, {o}")));
        }
    }
    Some(page_html(ctx, &format!("Search results, page {n}"), &links))
}

/// `/zt/jinan/(zt/jinan/)*index.html`, `/topics/(topics/)*index.html`, `/docs/p1/p2/.../index.html`.
fn segments(ctx: &Ctx, path: &str) -> Option<String> {
    let dir = path.strip_suffix("/index.html")?;
    let segs: Vec<&str> = dir.split('/').skip(1).collect();
    let link = match segs.first().copied()? {
        "zt" if segs.chunks(2).all(|c| c == ["zt", "jinan"]) => "zt/jinan/index.html".to_string(),
        "topics" if segs.iter().all(|s| *s == "topics") => "topics/index.html".to_string(),
        "docs" => {
            let levels = &segs[1..];
            let ok = !levels.is_empty()
                && levels
                    .iter()
                    .enumerate()
                    .all(|(i, s)| *s == format!("p{}", i + 1));
            if !ok {
                return None;
            }
            format!("p{}/index.html", levels.len() + 1)
        }
        _ => return None,
    };
    Some(page_html(
        ctx,
        "Special topics",
        &[(link, "More on this topic".into())],
    ))
}
