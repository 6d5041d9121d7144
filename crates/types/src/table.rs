//! The CSV shapes of INTERFACE.md (search hits, trends), written once for the command line and
//! the HTTP API: RFC 4180 fields (quoted when they hold a comma, quote or line break), `\n` line
//! ends, a header row.

use crate::{Hit, Trend};

/// Header of search CSV.
pub const SEARCH_CSV_HEADER: [&str; 8] = [
    "url",
    "title",
    "date",
    "column",
    "lang",
    "score",
    "deleted_at",
    "snippet",
];

/// Header of trend CSV.
pub const TREND_CSV_HEADER: [&str; 5] = ["query", "period", "count", "total", "share"];

/// One CSV line (with its `\n`).
pub fn csv_line<S: AsRef<str>>(fields: &[S]) -> String {
    let mut out = String::new();
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let f = f.as_ref();
        if f.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&f.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(f);
        }
    }
    out.push('\n');
    out
}

/// The search CSV line of a hit: the snippet as plain text.
pub fn search_csv_line(h: &Hit) -> String {
    csv_line(&[
        h.url.clone(),
        h.title.clone(),
        h.date.map(|d| d.to_string()).unwrap_or_default(),
        h.column.clone().unwrap_or_default(),
        h.lang.as_str().to_string(),
        format!("{:.4}", h.score),
        h.deleted_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        plain_snippet(&h.snippet),
    ])
}

/// A snippet (escaped HTML with `<b>` marks) as plain text.
pub fn plain_snippet(snippet: &str) -> String {
    unescape_html(&snippet.replace("<b>", "").replace("</b>", ""))
}

/// Undoes the escaping of snippets (`&lt;`, `&gt;`, `&quot;`, `&#39;`, `&amp;`).
pub fn unescape_html(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// Trend CSV, header included: one line per query and period.
pub fn trend_csv(t: &Trend) -> String {
    let mut out = csv_line(&TREND_CSV_HEADER);
    for s in &t.series {
        for p in &s.points {
            out.push_str(&csv_line(&[
                s.query.clone(),
                p.period.clone(),
                p.count.to_string(),
                p.total.to_string(),
                format!("{:.6}", p.share),
            ]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_when_needed() {
        assert_eq!(
            csv_line(&["a", "b,c", "say \"hi\"", "x\ny"]),
            "a,\"b,c\",\"say \"\"hi\"\"\",\"x\ny\"\n"
        );
        assert_eq!(plain_snippet("a <b>x</b> &amp; &lt;y&gt;"), "a x & <y>");
    }
}
