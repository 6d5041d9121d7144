//! What one stored capture means for the index: an article to add, a deletion, or nothing.
//!
//! The rules, written once and used by `jinan index` and by `history` alike: a `revisit` (304)
//! changes nothing; a `404` or `410` means the page was deleted from the site, at the capture's
//! time; a `200` that is an HTML page ([`jinan_extract::page::is_html`]) at an address that is not
//! navigation ([`jinan_extract::page::url_kind`]) is extracted; a page that is not a Hanweb article
//! counts only when dated and with some main text.

use jinan_corpus::StoredCapture;
use jinan_extract::page::{self, UrlKind};
use jinan_types::{article_id, Article, CaptureKind, Document};

/// Pages that are not Hanweb articles are indexed only when dated and with at least this much
/// main text (calendars, indexes and other undated pages are navigation, not articles).
pub const MIN_GENERAL_BODY: usize = 200;

/// What a capture does to the index.
#[derive(Debug)]
pub enum Action {
    /// Add (or replace) the article of this URL.
    Upsert(Box<Document>),
    /// The page is gone from the site (404/410) since `at`.
    Delete {
        url: String,
        at: chrono::DateTime<chrono::Utc>,
    },
    /// Not an article (revisit, other status, not HTML, navigation, too thin).
    Skip,
    /// The extractor refused the page or failed on it: why.
    Failed(String),
}

/// The article a capture holds, read exactly as the index reads it: `Ok(None)` when the capture
/// is not an article (a revisit, a status other than 200, not HTML, a navigation address, a
/// general page without date or with too little text).
pub fn article_of(sc: &StoredCapture) -> Result<Option<Article>, jinan_extract::ExtractError> {
    let cap = &sc.capture;
    if cap.kind == CaptureKind::Revisit || cap.status != 200 {
        return Ok(None);
    }
    // The stored bytes are the body as received: undo its content coding first.
    let body = sc
        .body()
        .map_err(|e| jinan_extract::ExtractError::NotHtml(e.to_string()))?;
    if !page::is_html(cap.content_type.as_deref(), &body) {
        return Ok(None);
    }
    let kind = page::url_kind(&cap.url);
    if kind.is_navigation() {
        return Ok(None);
    }
    let hints = jinan_extract::Hints {
        content_type: cap.content_type.as_deref(),
        column: cap.via_column.as_deref(),
    };
    let article = jinan_extract::extract(&body, &cap.url, &hints)?;
    let thin = article.date.is_none() || article.body.chars().count() < MIN_GENERAL_BODY;
    if kind == UrlKind::Other && thin {
        return Ok(None);
    }
    Ok(Some(article))
}

/// What one capture means for the index.
pub fn action_for(sc: &StoredCapture) -> Action {
    let cap = &sc.capture;
    if cap.kind == CaptureKind::Response && matches!(cap.status, 404 | 410) {
        return Action::Delete {
            url: cap.url.clone(),
            at: cap.captured_at,
        };
    }
    match article_of(sc) {
        Ok(Some(article)) => Action::Upsert(Box::new(Document {
            id: article_id(&article.url),
            article,
            captured_at: cap.captured_at,
            deleted_at: None,
            digest: cap.digest.clone(),
        })),
        Ok(None) => Action::Skip,
        Err(e) => {
            tracing::debug!("extracting {}: {e}", cap.url);
            Action::Failed(e.to_string())
        }
    }
}
