//! Rewriting an archived page so that it shows as captured and reaches nothing outside the archive.
//!
//! Every address in the page is resolved (against `<base href>` when there is one, then the page's
//! own URL) and either pointed at its archived copy or cut and marked not archived:
//! - links (`a`, `area`) to archived pages become `/web/<ts>/<url>` opening in the top window
//!   (with the banner), others lose their `href` and get `data-jinan-missing` and a title;
//! - resources (images, stylesheets, frames, media, `background=`, CSS `url()` and `@import` in
//!   `<style>`, `style=` and stylesheets) become `/web/<ts>mp_/<url>` when archived and are removed
//!   otherwise;
//! - what can run or leave is removed: `<script>`, `<noscript>`, `on*=` handlers, `javascript:`
//!   and every other non-http address, `<meta http-equiv=refresh>`, `<base>`, form actions,
//!   `ping=`, `srcdoc=`, `srcset=` and preloads.
//!
//! Rewriting is one layer; the answer's CSP (`sandbox`, no `allow-scripts`, `default-src 'self'`)
//! is the other, so that what the rewriter misses still cannot run or reach outside.

use std::cell::RefCell;

use lol_html::html_content::{ContentType, Element};
use lol_html::{element, rewrite_str, text, RewriteStrSettings};
use url::Url;

/// Style added to the page so that cut links and images look cut.
const MISSING_STYLE: &str = "<style>[data-jinan-missing]{text-decoration:line-through dotted;cursor:not-allowed}img[data-jinan-missing]{outline:1px dashed #b88}</style>";

/// What the rewriter needs to know about the archive.
pub struct Context<'a> {
    /// The archived page's URL.
    pub page: &'a Url,
    /// 14-digit timestamp of the capture shown: archived links point at it (nearest wins).
    pub timestamp: &'a str,
    /// True when a URL has an archived copy.
    pub archived: &'a dyn Fn(&Url) -> bool,
}

impl Context<'_> {
    fn resolve(&self, base: &Url, raw: &str) -> Option<Url> {
        let raw = raw.trim();
        let u = base.join(raw).ok()?;
        matches!(u.scheme(), "http" | "https").then_some(u)
    }

    /// The archived copy of a resource, or `None` when it is not archived.
    fn resource(&self, base: &Url, raw: &str) -> Option<String> {
        let u = self.resolve(base, raw)?;
        (self.archived)(&u).then(|| format!("/web/{}mp_/{}", self.timestamp, u))
    }

    /// The archived copy of a linked page, or `Err(absolute form)` when not archived.
    fn link(&self, base: &Url, raw: &str) -> Result<String, String> {
        match self.resolve(base, raw) {
            Some(u) if (self.archived)(&u) => Ok(format!("/web/{}/{}", self.timestamp, u)),
            Some(u) => Err(u.to_string()),
            None => Err(describe(base, raw)),
        }
    }
}

/// How a cut address that is not a web address is named in the page: by its scheme only (a
/// `javascript:` body is not kept, not even in an attribute).
fn describe(base: &Url, raw: &str) -> String {
    match base.join(raw.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => u.to_string(),
        Ok(u) => format!("a {}: address", u.scheme()),
        Err(_) => "an unreadable address".to_string(),
    }
}

/// Elements and attributes that load a resource.
const RESOURCES: &[(&str, &str)] = &[
    ("img[src]", "src"),
    ("input[src]", "src"),
    ("source[src]", "src"),
    ("video[src]", "src"),
    ("video[poster]", "poster"),
    ("audio[src]", "src"),
    ("track[src]", "src"),
    ("embed[src]", "src"),
    ("object[data]", "data"),
    ("iframe[src]", "src"),
    ("frame[src]", "src"),
    ("link[href]", "href"),
    ("[background]", "background"),
];

fn mark_missing(el: &mut Element<'_, '_>, attr: &str, what: &str) {
    el.remove_attribute(attr);
    let _ = el.set_attribute("data-jinan-missing", what);
    if el.get_attribute("title").is_none() {
        let _ = el.set_attribute("title", &format!("not archived: {what}"));
    }
}

/// Rewrites an archived HTML page (already decoded to text).
pub fn html(page: &str, cx: &Context<'_>) -> Result<String, lol_html::errors::RewritingError> {
    let base = RefCell::new(cx.page.clone());
    let style_buf = RefCell::new(String::new());
    let mut handlers = vec![
        element!("base", |el| {
            if let Some(h) = el.get_attribute("href") {
                let b = cx.page.join(h.trim()).ok();
                if let Some(b) = b.filter(|b| matches!(b.scheme(), "http" | "https")) {
                    *base.borrow_mut() = b;
                }
            }
            el.remove();
            Ok(())
        }),
        element!("script, noscript, template, portal", |el| {
            el.remove();
            Ok(())
        }),
        element!("meta[http-equiv]", |el| {
            let equiv = el.get_attribute("http-equiv").unwrap_or_default();
            match equiv.trim().to_ascii_lowercase().as_str() {
                "content-type" => {
                    let _ = el.set_attribute("content", "text/html; charset=utf-8");
                }
                "content-security-policy" => {}
                _ => el.remove(),
            }
            Ok(())
        }),
        element!("meta[charset]", |el| {
            let _ = el.set_attribute("charset", "utf-8");
            Ok(())
        }),
        element!("link[rel]", |el| {
            let rel = el
                .get_attribute("rel")
                .unwrap_or_default()
                .to_ascii_lowercase();
            let loads = [
                "preload",
                "prefetch",
                "preconnect",
                "dns-prefetch",
                "prerender",
                "modulepreload",
                "manifest",
                "import",
            ];
            if rel.split_ascii_whitespace().any(|r| loads.contains(&r)) {
                el.remove();
            }
            Ok(())
        }),
        element!("*", |el| {
            let names: Vec<String> = el.attributes().iter().map(|a| a.name()).collect();
            for n in names {
                if n.starts_with("on")
                    || matches!(
                        n.as_str(),
                        "ping"
                            | "srcdoc"
                            | "srcset"
                            | "imagesrcset"
                            | "formaction"
                            | "xlink:href"
                            | "integrity"
                            | "nonce"
                    )
                {
                    el.remove_attribute(&n);
                }
            }
            if let Some(style) = el.get_attribute("style") {
                let b = base.borrow().clone();
                let _ = el.set_attribute("style", &css(&style, &b, cx));
            }
            if matches!(el.tag_name().as_str(), "image" | "use" | "feimage") {
                el.remove_attribute("href");
            }
            Ok(())
        }),
        element!("a[href], area[href]", |el| {
            let href = el.get_attribute("href").unwrap_or_default();
            if href.trim_start().starts_with('#') {
                return Ok(());
            }
            let b = base.borrow().clone();
            match cx.link(&b, &href) {
                Ok(archived) => {
                    let _ = el.set_attribute("href", &archived);
                    let _ = el.set_attribute("target", "_top");
                }
                Err(what) => mark_missing(el, "href", &what),
            }
            Ok(())
        }),
        element!("form", |el| {
            el.remove_attribute("action");
            let _ = el.set_attribute("data-jinan-missing", "form");
            Ok(())
        }),
        element!("head", |el| {
            el.append(MISSING_STYLE, ContentType::Html);
            Ok(())
        }),
        text!("style", |t| {
            style_buf.borrow_mut().push_str(t.as_str());
            if t.last_in_text_node() {
                let b = base.borrow().clone();
                let out = css(&style_buf.borrow(), &b, cx);
                style_buf.borrow_mut().clear();
                t.replace(&out, ContentType::Html);
            } else {
                t.remove();
            }
            Ok(())
        }),
    ];
    for (selector, attr) in RESOURCES {
        let attr = *attr;
        let base = &base;
        handlers.push(element!(selector, move |el| {
            let Some(v) = el.get_attribute(attr) else {
                return Ok(());
            };
            let b = base.borrow().clone();
            match cx.resource(&b, &v) {
                Some(archived) => {
                    let _ = el.set_attribute(attr, &archived);
                }
                None => {
                    mark_missing(el, attr, &describe(&b, &v));
                }
            }
            Ok(())
        }));
    }
    let settings = RewriteStrSettings {
        element_content_handlers: handlers,
        ..RewriteStrSettings::new()
    };
    rewrite_str(page, settings)
}

/// Rewrites the addresses of a stylesheet (or a `style=` value): archived `url()` and `@import`
/// targets point at their copies; others become `none` (`url()`) or are dropped (`@import`).
pub fn css(text: &str, base: &Url, cx: &Context<'_>) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let lower = text.to_ascii_lowercase();
    let mut i = 0;
    while i < text.len() {
        let next_url = lower[i..].find("url(").map(|p| p + i);
        let next_import = lower[i..].find("@import").map(|p| p + i);
        let (at, is_import) = match (next_url, next_import) {
            (Some(u), Some(m)) if m < u => (m, true),
            (Some(u), _) => (u, false),
            (None, Some(m)) => (m, true),
            (None, None) => break,
        };
        out.push_str(&text[i..at]);
        if is_import {
            let end = text[at..].find(';').map_or(text.len(), |p| at + p + 1);
            let rule = &text[at..end];
            let target = import_target(rule);
            match target.and_then(|t| cx.resource(base, &t)) {
                Some(archived) => {
                    out.push_str(&format!("@import url(\"{archived}\");"));
                }
                None => out.push_str("/* @import not archived */"),
            }
            i = end;
        } else {
            let open = at + 4;
            let close = text[open..].find(')').map_or(text.len(), |p| open + p);
            let inner = text[open..close].trim().trim_matches(['"', '\'']).trim();
            match cx.resource(base, inner) {
                Some(archived) if !inner.is_empty() => {
                    out.push_str(&format!("url(\"{archived}\")"))
                }
                _ => out.push_str("none"),
            }
            i = (close + 1).min(text.len());
        }
    }
    if i < text.len() {
        out.push_str(&text[i..]);
    }
    out
}

/// The address of an `@import` rule (`@import "x";`, `@import url(x) screen;`).
fn import_target(rule: &str) -> Option<String> {
    let rest = rule.get("@import".len()..)?.trim_start();
    let rest = if rest.len() >= 4 && rest[..4].eq_ignore_ascii_case("url(") {
        &rest[4..rest.find(')')?]
    } else {
        rest
    };
    let rest = rest.trim();
    let q = rest.chars().next()?;
    let value = if q == '"' || q == '\'' {
        rest[1..].split(q).next()?
    } else {
        rest.split([' ', ';']).next()?
    };
    Some(value.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(page: &str) -> String {
        let url = Url::parse("http://site.example/art/a.html").unwrap();
        let archived =
            |u: &Url| u.host_str() == Some("site.example") && !u.path().contains("missing");
        let cx = Context {
            page: &url,
            timestamp: "20240101000000",
            archived: &archived,
        };
        html(page, &cx).unwrap()
    }

    #[test]
    fn links_point_at_archived_copies_or_are_cut() {
        let out = run(
            r##"<html><head></head><body><a href="b.html">b</a><a href="http://other.example/">o</a><a href="javascript:alert(1)">j</a><a href="#top">t</a><img src="/missing.png"><img src="/p.gif"></body></html>"##,
        );
        assert!(
            out.contains(r#"href="/web/20240101000000/http://site.example/art/b.html""#),
            "{out}"
        );
        assert!(
            out.contains(r#"data-jinan-missing="http://other.example/""#),
            "{out}"
        );
        assert!(!out.contains("alert(1)"), "{out}");
        assert!(out.contains(r##"href="#top""##), "{out}");
        assert!(
            out.contains(r#"src="/web/20240101000000mp_/http://site.example/p.gif""#),
            "{out}"
        );
        assert!(!out.contains("src=\"/missing.png"), "{out}");
        assert!(
            out.contains(r#"data-jinan-missing="http://site.example/missing.png""#),
            "{out}"
        );
    }

    #[test]
    fn scripts_handlers_refresh_and_base_are_removed() {
        let out = run(
            r#"<html><head><base href="http://evil.example/"><meta http-equiv="refresh" content="0;url=http://evil.example/"><script>alert(1)</script><script src="http://evil.example/x.js"></script></head><body onload="alert(2)"><div onclick="x()">d</div><form action="http://evil.example/post"><input></form><iframe src="http://evil.example/"></iframe><a href="c.html" ping="http://evil.example/ping">c</a></body></html>"#,
        );
        for bad in [
            "<script",
            "onload",
            "onclick",
            "refresh",
            "<base",
            "evil.example/post",
            "ping=",
        ] {
            assert!(!out.contains(bad), "{bad} left in {out}");
        }
        // The base pointed elsewhere, so relative links resolve against it and are not archived.
        assert!(
            out.contains(r#"data-jinan-missing="http://evil.example/c.html""#),
            "{out}"
        );
    }

    #[test]
    fn stylesheets_keep_archived_urls_and_lose_the_rest() {
        let url = Url::parse("http://site.example/css/a.css").unwrap();
        let archived = |u: &Url| u.host_str() == Some("site.example");
        let cx = Context {
            page: &url,
            timestamp: "2024",
            archived: &archived,
        };
        let out = css(
            "@import url(\"http://evil.example/x.css\"); @import 'b.css'; body{background:url(bg.png) no-repeat} i{background:URL( http://evil.example/i.png )}",
            &url,
            &cx,
        );
        assert!(!out.contains("evil.example"), "{out}");
        assert!(
            out.contains("@import url(\"/web/2024mp_/http://site.example/css/b.css\");"),
            "{out}"
        );
        assert!(
            out.contains("url(\"/web/2024mp_/http://site.example/css/bg.png\") no-repeat"),
            "{out}"
        );
        assert!(out.contains("background:none"), "{out}");
    }
}
