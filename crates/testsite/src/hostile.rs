//! Pages that try everything an archived page could do to run script or reach outside the archive,
//! for replay safety tests: inline and external scripts (plain, `language=javascript`, SVG,
//! `document.write`), `on*=` handlers, `javascript:`/`data:` links, forms, iframes (`src` and
//! `srcdoc`), `<meta http-equiv=refresh>` (both spellings), `<base>`, stylesheets, CSS `url()` and
//! `@import`, `ping=`, `srcset=`, `<noscript>` pixels, preloads and `background=`.
//!
//! `?outside=HOST:PORT` names the address standing in for "outside" (a test's second listener);
//! every hostile reference points there or back at the live site, so a test can see any request
//! that escapes. Not linked from the home page: a test seeds the crawl with [`SCRIPTS_PAGE`].

use crate::templates::esc;
use crate::{Request, Response};

/// The main hostile page (English, UTF-8).
pub const SCRIPTS_PAGE: &str = "/hostile/scripts.html";
/// A Chinese page in GBK with the same tricks in old Hanweb spelling.
pub const GBK_PAGE: &str = "/hostile/gbk.html";
/// A page the main one frames (the crawler follows `iframe src`): as hostile, one level down.
pub const FRAME_PAGE: &str = "/hostile/frame.html";
/// A stylesheet with `url()` and `@import` pointing outside (linked with `<a>` too, so a crawl
/// archives it).
pub const STYLESHEET: &str = "/hostile/style.css";
/// Text every hostile page shows, for tests to find.
pub const MARKER: &str = "Hostile fixture page";

fn outside(req: &Request) -> String {
    req.query_pairs()
        .into_iter()
        .find(|(k, _)| k == "outside")
        .map(|(_, v)| v)
        .filter(|v| {
            v.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".:-[]".contains(c))
        })
        .unwrap_or_else(|| "127.0.0.1:9".to_string())
}

/// The hostile pages, or `None` for other paths.
pub fn route(path: &str, req: &Request, host: &str) -> Option<Response> {
    let o = outside(req);
    let q = format!("?outside={}", esc(&o));
    match path {
        SCRIPTS_PAGE => Some(html(
            "text/html; charset=utf-8",
            scripts_page(&o, &q, host).into_bytes(),
        )),
        FRAME_PAGE => Some(html(
            "text/html; charset=utf-8",
            frame_page(&o).into_bytes(),
        )),
        GBK_PAGE => {
            let page = gbk_page(&o);
            let (bytes, _, _) = encoding_rs::GBK.encode(&page);
            Some(html("text/html; charset=gbk", bytes.into_owned()))
        }
        STYLESHEET => Some(html(
            "text/css",
            format!(
                "@import url(\"http://{o}/import.css\");\n@import 'http://{o}/import2.css' screen;\n\
body {{ background: #fff url(http://{o}/bg.png) no-repeat; }}\n\
.logo {{ background-image: url('/picture/0/missing-logo.gif'); }}\n\
@font-face {{ font-family: x; src: url(\"http://{o}/font.woff\") format(\"woff\"); }}\n\
h1 {{ color: #234; border-bottom: 2px solid #c9a227; }}\n"
            )
            .into_bytes(),
        )),
        _ => None,
    }
}

fn html(ctype: &str, body: Vec<u8>) -> Response {
    Response::new(200, ctype, body)
}

fn scripts_page(o: &str, q: &str, host: &str) -> String {
    format!(
        r##"<!DOCTYPE html>
<html><head>
<meta charset="utf-8">
<base href="http://{o}/base/">
<title>{MARKER}: scripts</title>
<meta http-equiv="refresh" content="2;url=http://{o}/refresh">
<link rel="stylesheet" href="http://{host}{STYLESHEET}{q}">
<link rel="stylesheet" href="http://{o}/evil.css">
<link rel="prefetch" href="http://{o}/prefetch">
<link rel="dns-prefetch" href="//{o}/">
<style>@import url(http://{o}/inline-import.css); .banner {{ background: url("http://{o}/inline-bg.png"); }}</style>
<script>alert('inline'); window.top.location = 'http://{o}/js-nav'; fetch('http://{o}/fetch');</script>
<script src="http://{o}/evil.js"></script>
<script type="module">import 'http://{o}/module.js';</script>
</head>
<body onload="alert('onload')">
<h1>{MARKER}</h1>
<p class="banner" style="background-image:url('http://{o}/style-attr.png')">Every trick an archived page could try.</p>
<p><img src="http://{o}/pixel.gif" onerror="alert('onerror')" alt="outside image"> <img src="pixel-relative.gif" alt="relative to base"></p>
<p><img srcset="http://{o}/srcset.png 2x" src="/picture/0/quancheng-square.jpg" alt="srcset"></p>
<p><a href="javascript:alert('js-link')">javascript link</a> <a href=" JaVaScRiPt:alert(2)">spaced</a>
<a href="data:text/html,&lt;script&gt;alert(3)&lt;/script&gt;">data link</a>
<a href="http://{o}/outside-link">outside link</a> <a href="http://{host}{STYLESHEET}{q}">stylesheet</a>
<a href="/" ping="http://{o}/ping">home</a></p>
<form action="http://{o}/form" method="post"><input name="q" value="x"><input type="image" src="http://{o}/form-image.png" alt="go"><button type="submit" formaction="http://{o}/formaction">send</button></form>
<iframe src="http://{host}{FRAME_PAGE}{q}" width="400" height="120"></iframe>
<iframe src="http://{o}/outside-frame.html" width="100" height="50"></iframe>
<iframe srcdoc="&lt;script&gt;alert('srcdoc')&lt;/script&gt;" width="100" height="50"></iframe>
<svg width="10" height="10"><script>alert('svg')</script><image href="http://{o}/svg.png" width="10" height="10"/></svg>
<object data="http://{o}/object.swf" width="10" height="10"></object>
<embed src="http://{o}/embed.swf" width="10" height="10">
<video poster="http://{o}/poster.png" src="http://{o}/video.mp4" width="10" height="10"></video>
<table background="http://{o}/table-bg.png"><tr><td>table</td></tr></table>
<noscript><img src="http://{o}/noscript.gif" alt=""></noscript>
<div onclick="alert('click')" onmouseover="alert('hover')">hover me</div>
</body></html>
"##
    )
}

fn frame_page(o: &str) -> String {
    format!(
        r##"<!DOCTYPE html><html><head><meta charset="utf-8"><title>{MARKER}: frame</title>
<META HTTP-EQUIV="Refresh" CONTENT="0; URL='http://{o}/frame-refresh'">
<script>alert('frame'); parent.document.body.innerHTML = 'pwned';</script></head>
<body><p>{MARKER} in a frame.</p><form action="http://{o}/frame-form"><input name="a"></form>
<script>document.forms[0].submit();</script></body></html>
"##
    )
}

fn gbk_page(o: &str) -> String {
    format!(
        r##"<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{MARKER}：济南</title>
<script language="javascript" src="http://{o}/hanweb.js"></script>
<script language="javascript">document.write('<script src="http://{o}/written.js"><\/script>'); window.open('http://{o}/popup');</script>
</head><body>
<p>{MARKER}。泉城济南欢迎您。</p>
<a href="javascript:void(0)" onclick="window.open('http://{o}/open')">打开</a>
<a href="#" onClick="location.href='http://{o}/onclick-nav'">跳转</a>
<img src="http://{o}/gbk-pixel.gif" onload="alert('img')">
<form name="search" action="http://{o}/search" target="_blank"><input name="kw"></form>
</body></html>
"##
    )
}
