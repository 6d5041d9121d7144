//! Article extraction: page bytes plus address in, [`Article`] out.
//!
//! `jinan index` and `jinan extract` both turn fetched pages into articles through [`extract`], and
//! the crawler reads links from pages decoded by [`decode`]. Work is pure (no I/O) and proceeds in
//! three steps:
//!
//! 1. [`decode`]: bytes to text, choosing the charset from a BOM, the HTTP header, the page's
//!    `<meta>`, or detection, and distrusting declarations that do not fit the bytes.
//! 2. Parse with html5ever (via `scraper`) into a flat node array (`dom`), so later passes are loops
//!    and never recurse, whatever the nesting.
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
    check_text(bytes, hints.content_type)?;
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
        let general_body = || general::body(&dom, &general::title(&dom));
        hanweb::extract(&dom, url, &m, hints.column, &general_body)
    } else {
        let title = general::title(&dom);
        let body = text::join(&general::body(&dom, &title));
        Article {
            url: url.to_string(),
            date: general::date(&dom, url),
            source: None,
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

/// Rejects bytes that are plainly not a text page.
fn check_text(bytes: &[u8], content_type: Option<&str>) -> Result<()> {
    if let Some(ct) = content_type {
        let mime = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let binary = mime.starts_with("image/")
            || mime.starts_with("audio/")
            || mime.starts_with("video/")
            || mime.starts_with("font/")
            || matches!(
                mime.as_str(),
                "application/pdf"
                    | "application/zip"
                    | "application/octet-stream"
                    | "application/msword"
                    | "application/gzip"
                    | "application/x-rar-compressed"
                    | "application/vnd.ms-excel"
            )
            || mime.starts_with("application/vnd.openxmlformats");
        if binary {
            return Err(ExtractError::NotHtml(format!("content type {mime}")));
        }
    }
    const MAGIC: &[(&[u8], &str)] = &[
        (b"%PDF-", "PDF"),
        (b"\x89PNG", "PNG image"),
        (b"\xFF\xD8\xFF", "JPEG image"),
        (b"GIF8", "GIF image"),
        (b"PK\x03\x04", "ZIP archive"),
        (b"\x1F\x8B", "gzip data"),
        (b"Rar!", "RAR archive"),
        (b"\xD0\xCF\x11\xE0", "Office document"),
    ];
    for (magic, what) in MAGIC {
        if bytes.starts_with(magic) {
            return Err(ExtractError::NotHtml((*what).to_string()));
        }
    }
    // UTF-16 pages carry NULs legitimately; they start with a BOM.
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    if !utf16 {
        let head = &bytes[..bytes.len().min(4096)];
        let controls = head
            .iter()
            .filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B)))
            .count();
        if controls * 20 > head.len() {
            return Err(ExtractError::NotHtml("binary data".to_string()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
