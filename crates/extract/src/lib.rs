//! Article extraction: page bytes plus address in, [`Article`] out.
//!
//! `jinan index` and `jinan extract` both turn fetched pages into articles through [`extract`]. The
//! [`page`] module is the one page layer every stage shares: charset decoding, whether a response is
//! HTML, the kinds of Hanweb address, column ids and names, entity unescaping; the crawler reads
//! links from pages it decodes and sniffs there. Work is pure (no I/O) and proceeds in three steps:
//!
//! 1. [`decode`]: bytes to text, choosing the charset from a BOM, the HTTP header, the page's
//!    `<meta>`, or detection, and distrusting declarations that do not fit the bytes.
//! 2. Parse with html5ever, through a tree sink of our own, into a flat node array (`dom`), so
//!    later passes are loops and never recurse, whatever the nesting.
//! 3. Pages made by Hanweb's CMS (detected by their markers) get exact, template-aware rules
//!    (`hanweb`); any other page goes through a general main-content method (`general`).
//!
//! ```
//! let html = r#"<html><head><meta name="ArticleTitle" content="Kfar Saba rewarded">
//! <meta name="PubDate" content="2018-11-19 10:05"></head><body>
//! <div id="zoom"><p>An international friendship city of Jinan was rewarded.</p></div>
//! <div>Produced By 大汉网络 大汉版通发布系统</div></body></html>"#.as_bytes();
//! let url = "http://english.jinan.gov.cn/art/2018/11/19/art_30173_2743600.html";
//! let a = jinan_extract::extract(html, url, &jinan_extract::Hints::default()).unwrap();
//! assert_eq!(a.title, "Kfar Saba rewarded");
//! assert_eq!(a.date.unwrap().to_string(), "2018-11-19");
//! assert_eq!(a.body, "An international friendship city of Jinan was rewarded.");
//! ```

mod decode;
mod dom;
mod fields;
mod general;
mod hanweb;
pub mod page;
mod text;

pub use decode::{decode, Decoded, DecodedBy};
pub use jinan_types::{Article, Lang};

/// Largest page [`extract`] accepts, in bytes. Bigger inputs are not articles.
pub const MAX_BYTES: usize = 32 * 1024 * 1024;

/// Why a page could not be extracted.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ExtractError {
    /// The bytes are not a text page (a PDF, an image, an archive, other binary data).
    #[error("not an HTML page: {0}")]
    NotHtml(String),
    /// The page is larger than [`MAX_BYTES`].
    #[error("page too large: {size} bytes (limit {limit})")]
    TooLarge { size: usize, limit: usize },
}

/// This crate's result type.
pub type Result<T> = std::result::Result<T, ExtractError>;

/// What the caller knows about a page besides its bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hints<'a> {
    /// The HTTP `Content-Type` header.
    pub content_type: Option<&'a str>,
    /// The name of the column (list page) the article was found on, used when the page names none.
    pub column: Option<&'a str>,
}

/// Extracts the article from a page.
///
/// `url` is the page's address (used for site rules and the date in old-style Hanweb addresses).
/// Pages with no text give an article with an empty body; only binary or oversized input is an
/// error. Never panics.
pub fn extract(bytes: &[u8], url: &str, hints: &Hints<'_>) -> Result<Article> {
    if bytes.len() > MAX_BYTES {
        return Err(ExtractError::TooLarge {
            size: bytes.len(),
            limit: MAX_BYTES,
        });
    }
    if let page::Sniffed::Binary(what) = page::sniff(hints.content_type, bytes) {
        return Err(ExtractError::NotHtml(what));
    }
    let decoded = decode(bytes, hints.content_type);
    tracing::debug!(url, encoding = decoded.encoding, how = ?decoded.how, "decoded");
    Ok(extract_text(&decoded.text, url, hints))
}

/// Extracts the article from already decoded HTML text.
pub fn extract_text(html: &str, url: &str, hints: &Hints<'_>) -> Article {
    let dom = dom::Dom::parse(html);
    let m = hanweb::markers(&dom, url);
    let mut article = if m.is_hanweb() {
        tracing::debug!(url, "hanweb page");
        let general_body = || general::body(&dom, &general::title(&dom), general::Captions::Text);
        hanweb::extract(&dom, url, &m, hints.column, &general_body)
    } else {
        let title = general::title(&dom);
        let body = text::join(&general::body(
            &dom,
            &title,
            general::Captions::NotOfArticles,
        ));
        Article {
            url: url.to_string(),
            date: general::date(&dom, url),
            source: general::source(&dom),
            column: hints.column.map(text::squash).filter(|c| !c.is_empty()),
            lang: Lang::En,
            title,
            body,
        }
    };
    article.lang = if article.body.is_empty() {
        fields::lang_of(&article.title)
    } else {
        fields::lang_of(&article.body)
    };
    article
}

#[cfg(test)]
mod tests;
