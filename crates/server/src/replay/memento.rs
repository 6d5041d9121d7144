//! Memento (RFC 7089) forms: the `Link` header of replay answers and the link-format TimeMap.
//!
//! Targets are path-absolute references (`/web/...`), which RFC 8288 resolves against the request
//! URL: the server does not trust the `Host` header to spell its own address.

use super::archive::Entry;
use super::target::http_date;
use jinan_types::{archive_url, timestamp14};

/// `rel` of a memento in a list: `first`, `last`, both or neither.
fn memento_rel(i: usize, n: usize) -> &'static str {
    match (i == 0, i + 1 == n) {
        (true, true) => "first last memento",
        (true, false) => "first memento",
        (false, true) => "last memento",
        (false, false) => "memento",
    }
}

/// The `Link` header of a memento (or of the TimeGate's redirect): original, TimeGate, TimeMap,
/// and the first and last mementos.
pub fn link_header(original: &str, list: &[Entry]) -> String {
    let mut parts = vec![
        format!("<{original}>; rel=\"original\""),
        format!("</web/{original}>; rel=\"timegate\""),
        format!("</timemap/link/{original}>; rel=\"timemap\"; type=\"application/link-format\""),
    ];
    let n = list.len();
    for (i, e) in list.iter().enumerate() {
        if i == 0 || i + 1 == n {
            parts.push(format!(
                "<{}>; rel=\"{}\"; datetime=\"{}\"",
                archive_url(&e.url, &e.at),
                memento_rel(i, n),
                http_date(&e.at)
            ));
        }
    }
    parts.join(", ")
}

/// The TimeMap of `original` (`application/link-format`): every memento, oldest first.
pub fn timemap(original: &str, list: &[Entry]) -> String {
    let mut lines = vec![format!("<{original}>; rel=\"original\"")];
    let mut me =
        format!("</timemap/link/{original}>; rel=\"self\"; type=\"application/link-format\"");
    if let (Some(first), Some(last)) = (list.first(), list.last()) {
        me.push_str(&format!(
            "; from=\"{}\"; until=\"{}\"",
            http_date(&first.at),
            http_date(&last.at)
        ));
    }
    lines.push(me);
    lines.push(format!("</web/{original}>; rel=\"timegate\""));
    let n = list.len();
    for (i, e) in list.iter().enumerate() {
        lines.push(format!(
            "</web/{}/{}>; rel=\"{}\"; datetime=\"{}\"",
            timestamp14(&e.at),
            e.url,
            memento_rel(i, n),
            http_date(&e.at)
        ));
    }
    let mut out = lines.join(",\n");
    out.push('\n');
    out
}
