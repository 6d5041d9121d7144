//! The timeline page (`GET /timeline?url=`): every capture of a page, the spans its text stayed
//! the same, links to each archived copy and to the diff of each change, and that diff itself
//! (`&from=TS&to=TS`). Rendered from the same [`History`] as `jinan history` and `/api/history`.

use maud::{html, Markup, DOCTYPE};

use crate::history::{is_han, Change, Diff, History, Op};

/// Renders the timeline of `h`, with `diff` below it when one was asked for.
pub fn render(h: &History, diff: Option<&Diff>) -> Markup {
    let title = h
        .captures
        .iter()
        .rev()
        .find_map(|r| r.version)
        .and_then(|v| h.version_text(v))
        .and_then(|t| t.lines().next())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or(&h.url)
        .to_string();
    let lang = if title.chars().any(is_han) {
        "zh"
    } else {
        "en"
    };
    let versions = h.spans.iter().map(|s| s.version).max().unwrap_or(0);
    let (first, last) = (h.captures.first(), h.captures.last());
    html! {
        (DOCTYPE)
        html lang=(lang) {
            (crate::page::head(&format!("{title} – timeline 时间线"), CSS))
            body {
                header {
                    a.brand href="/" { "jinan" }
                    span.tagline { "timeline · 时间线" }
                }
                h1 { (title) }
                p.url {
                    a href=(live_href(&h.url)) rel="noreferrer" { (h.url) }
                    " · " a href=(api_href("/api/history", &h.url, &[])) { "JSON" }
                }
                @if let (Some(f), Some(l)) = (first, last) {
                    p.summary {
                        (h.captures.len()) @if h.captures.len() == 1 { " capture" } @else { " captures" }
                        " (抓取) from " (day(&f.captured_at)) " to " (day(&l.captured_at)) "; "
                        (versions) @if versions == 1 { " version" } @else { " versions" } " of the text (版本)."
                    }
                }
                @if !h.spans.is_empty() {
                    section.spans {
                        h2 { "Text unchanged · 内容未变" }
                        ol {
                            @for s in &h.spans {
                                li {
                                    "Version " (s.version) ": " (day(&s.from))
                                    @if s.from != s.to { " – " (day(&s.to)) }
                                    " (" (s.captures) @if s.captures == 1 { " capture" } @else { " captures" } ")"
                                }
                            }
                        }
                    }
                }
                section.captures {
                    h2 { "Captures · 抓取记录" }
                    table {
                        thead { tr { th { "Captured (UTC) 时间" } th { "Status 状态" } th { "Kind 类型" } th { "Text 内容" } th { "Links 链接" } } }
                        tbody {
                            @for (i, r) in h.captures.iter().enumerate() {
                                @let change = r.change.map_or("–", Change::as_str);
                                tr class=(format!("c-{change}")) {
                                    td { time datetime=(r.captured_at.to_rfc3339()) { (day(&r.captured_at)) } }
                                    td { (r.status) }
                                    td { @match r.kind { jinan_types::CaptureKind::Revisit => "revisit", jinan_types::CaptureKind::Response => "response" } }
                                    td.change { (change) }
                                    td {
                                        a href=(r.archive_url) { "archived copy" }
                                        @if r.change == Some(Change::Changed) {
                                            @if let Some(prev) = previous_version_ts(h, i) {
                                                " · " a href=(format!("{}#diff", api_href("/timeline", &h.url, &[("from", &prev), ("to", &r.timestamp)]))) { "diff" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @if let Some(d) = diff { (diff_view(d)) }
            }
        }
    }
}

/// The timestamp of the first capture of the version before the one capture `i` shows.
fn previous_version_ts(h: &History, i: usize) -> Option<String> {
    let v = h.captures[i].version?;
    h.captures
        .iter()
        .find(|r| r.version == Some(v - 1))
        .map(|r| r.timestamp.clone())
}

fn diff_view(d: &Diff) -> Markup {
    html! {
        section #diff .diff {
            h2 { "Changes · 修改" }
            @if let Some(note) = &d.note { p.note { (note) } }
            @if let (Some(a), Some(b)) = (&d.from, &d.to) {
                p.sides {
                    "From version " (a.version) " (" a href=(a.archive_url) { (day(&a.captured_at)) } ")"
                    " to version " (b.version) " (" a href=(b.archive_url) { (day(&b.captured_at)) } ")"
                    @if !d.changed { ": the text is the same." }
                }
            }
            @for hunk in &d.hunks {
                div.hunk {
                    @for line in &hunk.lines {
                        @let class = match line.op { Op::Same => "same", Op::Del => "del", Op::Add => "add" };
                        p class=(class) {
                            @for part in &line.parts {
                                @if part.marked { mark { (part.text) } } @else { (part.text) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// An error in place of the timeline (bad URL, nothing archived).
pub fn render_error(message: &str) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            (crate::page::head("timeline – jinan", CSS))
            body {
                header { a.brand href="/" { "jinan" } span.tagline { "timeline · 时间线" } }
                p.error role="alert" { (message) }
            }
        }
    }
}

fn day(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// `path?url=U&k=v…`, every value URL-encoded.
fn api_href(path: &str, url: &str, extra: &[(&str, &str)]) -> String {
    let mut pairs = vec![("url", url)];
    pairs.extend_from_slice(extra);
    format!(
        "{path}?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
}

/// Only http(s) addresses become live links.
fn live_href(url: &str) -> &str {
    if url.starts_with("http://") || url.starts_with("https://") {
        url
    } else {
        "#"
    }
}

const CSS: &str = r#"
:root{--fg:#1d2433;--muted:#5b6475;--accent:#0b5cad;--line:#dde2ea}
body{margin:0 auto;max-width:960px;padding:1rem 1.25rem 3rem;font:16px/1.55 system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK SC","PingFang SC",sans-serif;color:var(--fg)}
header{display:flex;align-items:baseline;gap:.75rem}
.brand{font-weight:700;font-size:1.5rem;color:var(--accent);text-decoration:none}
.tagline,.summary,.url{color:var(--muted)}
h1{font-size:1.35rem;margin:.6rem 0 .2rem}
h2{font-size:1.05rem;margin:1.4rem 0 .4rem}
.url{overflow-wrap:anywhere;font-size:.9rem}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid var(--line);white-space:nowrap}
td:last-child{white-space:normal}
tr.c-changed td.change,tr.c-new td.change{font-weight:600;color:var(--accent)}
tr.c-deleted td.change{color:#8a1010;font-weight:600}
.diff p{margin:.15rem 0;padding:.1rem .5rem;white-space:pre-wrap;overflow-wrap:anywhere}
.diff .del{background:#fdecec}
.diff .add{background:#e9f7ec}
.diff .same{color:var(--muted)}
.diff .del mark{background:#f5b5b5;text-decoration:line-through}
.diff .add mark{background:#a9e2b5}
.hunk{border:1px solid var(--line);border-radius:6px;margin:.5rem 0;padding:.25rem 0}
.note{color:var(--muted);font-style:italic}
.error{color:#8a1010;background:#fdecec;border:1px solid #f3c2c2;padding:.5rem .75rem;border-radius:6px}
"#;
