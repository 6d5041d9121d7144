//! `GET /feed?q=&...`: an Atom feed (RFC 4287) of the 50 newest articles matching a search, so a
//! feed reader can follow a query. Same parameters and errors as `/api/search`; newest first,
//! copies not folded.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use jinan_types::{article_id, table, Sort};

use crate::params::{search_request, SearchParams};
use crate::{page, query_error, ApiError, AppState};

/// Entries in a feed.
pub const FEED_ENTRIES: usize = 50;

/// Text escaped for XML (characters XML 1.0 cannot hold are dropped).
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

pub async fn feed(
    State(st): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = q.map_err(query_error)?;
    let mut search = params;
    search.limit = None;
    search.sort = None;
    search.offset = None;
    let mut req = search_request(&search)?;
    req.limit = FEED_ENTRIES;
    req.sort = Sort::Date;
    req.collapse = false;
    let query = req.query.clone();
    let results = st
        .live
        .with(move |s| s.search(&req).map_err(ApiError::from_index))
        .await?;
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| h.bytes().all(|b| b.is_ascii_graphic()))
        .unwrap_or("localhost");
    let base = format!("http://{host}");
    let pairs = page::base_pairs(&search);
    let self_href = format!("{base}{}", page::path_href("/feed", &pairs));
    let page_href = format!("{base}{}", page::path_href("/", &pairs));
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let day =
        |d: Option<chrono::NaiveDate>| d.map_or_else(|| now.clone(), |d| format!("{d}T00:00:00Z"));
    let updated = results
        .hits
        .first()
        .map_or_else(|| now.clone(), |h| day(h.date));
    let mut body = String::with_capacity(1024 + results.hits.len() * 600);
    body.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    body.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    body.push_str(&format!(
        "  <title>{}</title>\n",
        xml(&format!("jinan: {query}"))
    ));
    body.push_str(&format!(
        "  <subtitle>{}</subtitle>\n",
        xml(&format!(
            "The {FEED_ENTRIES} newest archived articles of english.jinan.gov.cn matching {query:?}"
        ))
    ));
    body.push_str(&format!(
        "  <id>urn:jinan:feed:{}</id>\n",
        article_id(&self_href[base.len()..])
    ));
    body.push_str(&format!("  <updated>{updated}</updated>\n"));
    body.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml(&self_href)
    ));
    body.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml(&page_href)
    ));
    body.push_str("  <author><name>jinan</name></author>\n");
    body.push_str("  <generator>jinan</generator>\n");
    for h in &results.hits {
        let title = if h.title.trim().is_empty() {
            &h.url
        } else {
            &h.title
        };
        body.push_str("  <entry>\n");
        body.push_str(&format!("    <title>{}</title>\n", xml(title)));
        body.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml(&h.url)
        ));
        body.push_str(&format!(
            "    <id>urn:jinan:article:{}</id>\n",
            article_id(&h.url)
        ));
        body.push_str(&format!("    <updated>{}</updated>\n", day(h.date)));
        if let Some(d) = h.date {
            body.push_str(&format!("    <published>{d}T00:00:00Z</published>\n"));
        }
        if let Some(c) = &h.column {
            body.push_str(&format!("    <category term=\"{}\"/>\n", xml(c)));
        }
        body.push_str(&format!(
            "    <summary type=\"text\">{}</summary>\n",
            xml(&table::plain_snippet(&h.snippet))
        ));
        body.push_str("  </entry>\n");
    }
    body.push_str("</feed>\n");
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn xml_escapes_and_drops_what_xml_cannot_hold() {
        assert_eq!(super::xml("a<b>&\"'\u{1}c"), "a&lt;b&gt;&amp;&quot;&apos;c");
    }
}
