//! The banner page of `/web/<ts>/<url>`: a thin bar saying what is shown (capture time, the
//! address, links to the timeline, the live page and the raw copy) above a sandboxed frame with
//! the archived document. The bar is our page; the document is not, and lives in the frame only.

use chrono::{DateTime, Utc};
use jinan_types::timestamp14;
use maud::{html, Markup, DOCTYPE};

const STYLE: &str = "html,body{margin:0;height:100%;font:14px/1.4 system-ui,'Noto Sans CJK SC',sans-serif}\
body{display:flex;flex-direction:column}\
header{display:flex;flex-wrap:wrap;gap:.3em 1em;align-items:baseline;padding:.35em .8em;background:#1f2a36;color:#e8edf2;border-bottom:3px solid #c9a227}\
header a{color:#ffd86b}header .url{color:#b8c4cf;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;max-width:45em}\
header b{letter-spacing:.02em}iframe{flex:1;border:0;width:100%;background:#fff}";

/// Flags of the document frame: it may open archived links in the top window when clicked, and
/// nothing else (no scripts, no same origin, no forms, no popups).
pub const FRAME_SANDBOX: &str = "allow-top-navigation-by-user-activation";

/// The banner page for the capture of `url` taken at `at` (a revisit shows the page it confirmed).
pub fn page(url: &str, at: &DateTime<Utc>, status: u16, revisit: bool) -> Markup {
    let ts = timestamp14(at);
    let timeline = format!(
        "/timeline?url={}",
        url::form_urlencoded::byte_serialize(url.as_bytes()).collect::<String>()
    );
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Archived: " (url) }
                style { (maud::PreEscaped(STYLE)) }
            }
            body {
                header role="banner" {
                    b { a href="/" target="_top" { "jinan archive" } }
                    span.when {
                        "Captured 存档于 "
                        time datetime=(at.to_rfc3339()) { (at.format("%Y-%m-%d %H:%M:%S UTC")) }
                        @if revisit { " (unchanged since the previous capture)" }
                        @else if status != 200 { " (HTTP " (status) ")" }
                    }
                    a href=(timeline) target="_top" { "Timeline 时间线" }
                    a href=(url) target="_blank" rel="noreferrer noopener" { "Live page 原网页" }
                    a href=(format!("/web/{ts}id_/{url}")) target="_top" { "Raw copy 原始文件" }
                    span.url title=(url) { (url) }
                }
                iframe src=(format!("/web/{ts}mp_/{url}")) sandbox=(FRAME_SANDBOX) title="the archived page" {}
            }
        }
    }
}
