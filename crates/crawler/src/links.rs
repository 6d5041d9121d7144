//! What a fetched page leads to: ordinary links, and the Hanweb list engines that hide a column's
//! article list from an HTML parser (`<datastore>` records in script text and the `dataproxy.jsp`
//! pages behind them, the JSON gateway, `showJsContent.do`).
//!
//! Pure functions over bytes, so each list shape is tested with small inline pages.

use std::sync::{LazyLock, OnceLock};

use jinan_extract::page::{self, unescape, UrlKind};
use regex::Regex;
use scraper::{Html, Selector};
use url::Url;

/// The jpage list proxy of a column, with the ids read from the column page.
#[derive(Debug, Clone, PartialEq)]
pub struct Jpage {
    pub proxy: Url,
    pub webid: String,
    pub columnid: String,
    pub unitid: String,
    pub webname: String,
    pub path: String,
    pub total: Option<usize>,
    pub per_page: usize,
}

/// Where a list page keeps (the rest of) its list.
#[derive(Debug, Clone, PartialEq)]
pub enum ListSource {
    Jpage(Jpage),
    /// JSON gateway URL for page 1 (`pageNo=1`).
    Gateway(Url),
    /// `showJsContent.do` script URL.
    ShowJs(Url),
}

/// What a page leads to.
#[derive(Debug, Default, Clone)]
pub struct PageLinks {
    /// Ordinary links (`a`, `area`, `frame`, `iframe`).
    pub links: Vec<Url>,
    /// Links from list records embedded in the page.
    pub records: Vec<Url>,
    pub lists: Vec<ListSource>,
    /// Column name of a list page ([`jinan_extract::page::list_column_name`]).
    pub column: Option<String>,
    /// The page is a column (list) page: `/col/colN/` or has a list engine.
    pub is_list: bool,
    /// A column page whose list shape is not known (records none, engines none), or a jpage list
    /// whose proxy ids could not be read.
    pub unknown_list: Option<String>,
}

fn re(cell: &'static OnceLock<Regex>, pat: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pat).unwrap_or_else(|e| panic!("bad built-in regex {pat}: {e}")))
}

fn href_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r#"(?i)href\s*=\s*["']([^"'<>]+)["']"#)
}

fn record_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"(?s)<record>\s*(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?\s*</record>",
    )
}

/// Links inside HTML fragments (list records): every `href`.
pub fn hrefs(base: &Url, fragment: &str) -> Vec<Url> {
    href_re()
        .captures_iter(fragment)
        .filter_map(|c| c.get(1))
        .filter_map(|m| resolve(base, &unescape(m.as_str())))
        .collect()
}

fn resolve(base: &Url, href: &str) -> Option<Url> {
    let h = href.trim();
    if h.is_empty() || h.starts_with('#') {
        return None;
    }
    let lower = h.to_ascii_lowercase();
    if lower.starts_with("javascript:") || lower.starts_with("mailto:") || lower.starts_with("tel:")
    {
        return None;
    }
    let u = base.join(h).ok()?;
    matches!(u.scheme(), "http" | "https").then_some(u)
}

/// Records of a `<datastore>` (column page or proxy answer), as links.
pub fn datastore_records(base: &Url, text: &str) -> Vec<Url> {
    record_re()
        .captures_iter(text)
        .filter_map(|c| c.get(1))
        .flat_map(|m| hrefs(base, m.as_str()))
        .collect()
}

/// `<totalrecord>` of a proxy answer.
pub fn datastore_total(text: &str) -> Option<usize> {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"(?i)<totalrecord>\s*(\d+)\s*</totalrecord>")
        .captures(text)?
        .get(1)?
        .as_str()
        .parse()
        .ok()
}

/// The script parameters read from a jpage column page.
const JS_PARAMS: &[&str] = &[
    "unitid",
    "webid",
    "columnid",
    "webname",
    "path",
    "proxyUrl",
    "totalRecord",
    "perPage",
];

/// `name: 'value'` / `name = value` in script text; `name` is one of [`JS_PARAMS`].
fn js_param(text: &str, name: &str) -> Option<String> {
    static RES: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
        JS_PARAMS
            .iter()
            .map(|n| {
                let pat = format!(r#"(?i)\b{n}\s*[:=]\s*['"]?([^'",\s}}]*)['"]?"#);
                (
                    *n,
                    Regex::new(&pat).unwrap_or_else(|e| panic!("bad built-in regex {pat}: {e}")),
                )
            })
            .collect()
    });
    debug_assert!(JS_PARAMS.contains(&name), "{name} missing from JS_PARAMS");
    let (_, r) = RES.iter().find(|(n, _)| *n == name)?;
    let v = r.captures(text)?.get(1)?.as_str().to_string();
    (!v.is_empty()).then_some(v)
}

/// Reads the jpage proxy and ids from a column page (the `nextgroup` link first, then the script).
pub fn jpage_params(base: &Url, text: &str) -> Option<Jpage> {
    static NG: OnceLock<Regex> = OnceLock::new();
    let next = re(&NG, r#"(?is)<nextgroup>.*?href\s*=\s*["']([^"']+)["']"#)
        .captures(text)
        .and_then(|c| c.get(1))
        .and_then(|m| resolve(base, &unescape(m.as_str())));
    let q = |name: &str| {
        next.as_ref()
            .and_then(|u| {
                u.query_pairs()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.into_owned())
            })
            .filter(|v| !v.is_empty())
            .or_else(|| js_param(text, name))
    };
    let proxy = match js_param(text, "proxyUrl").and_then(|p| resolve(base, &p)) {
        Some(p) => p,
        None => {
            let mut u = next.clone()?;
            u.set_query(None);
            u
        }
    };
    let unitid = q("unitid").or_else(|| {
        static DIV: OnceLock<Regex> = OnceLock::new();
        re(
            &DIV,
            r#"(?is)<div\s+id\s*=\s*["'](\d+)["']>\s*<script\s+type\s*=\s*["']text/xml"#,
        )
        .captures(text)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string())
    })?;
    Some(Jpage {
        proxy,
        webid: q("webid")?,
        columnid: q("columnid")?,
        unitid,
        webname: q("webname").unwrap_or_default(),
        path: q("path").unwrap_or_else(|| "/".into()),
        total: js_param(text, "totalRecord").and_then(|v| v.parse().ok()),
        per_page: js_param(text, "perPage")
            .and_then(|v| v.parse().ok())
            .filter(|n| *n > 0)
            .unwrap_or(15),
    })
}

impl Jpage {
    fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("col", "1".into()),
            ("appid", "1".into()),
            ("webid", self.webid.clone()),
            ("path", self.path.clone()),
            ("columnid", self.columnid.clone()),
            ("sourceContentType", "1".into()),
            ("unitid", self.unitid.clone()),
            ("webname", self.webname.clone()),
            ("permissiontype", "0".into()),
        ]
    }

    /// POST form request: URL (`startrecord`, `endrecord`, `perpage` in the query) and form body.
    pub fn post(&self, start: usize, end: usize) -> (Url, String) {
        let mut u = self.proxy.clone();
        u.query_pairs_mut()
            .clear()
            .append_pair("startrecord", &start.to_string())
            .append_pair("endrecord", &end.to_string())
            .append_pair("perpage", &self.per_page.to_string());
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(self.fields())
            .finish();
        (u, body)
    }

    /// GET fallback for servers that honour only `page=N`.
    pub fn get(&self, page: usize) -> Url {
        let mut u = self.proxy.clone();
        {
            let mut q = u.query_pairs_mut();
            q.clear().append_pair("page", &page.to_string());
            q.extend_pairs(self.fields());
            q.append_pair("perpage", &self.per_page.to_string());
        }
        u
    }
}

/// The links of a JSON gateway answer (`{"data": {"html": ...}}`) and its total, if it is one.
pub fn gateway_records(base: &Url, body: &[u8]) -> Option<(Vec<Url>, Option<usize>)> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let data = v.get("data")?;
    let html = data.get("html")?.as_str()?;
    let total = data
        .get("total")
        .and_then(|t| t.as_u64())
        .map(|t| t as usize);
    Some((hrefs(base, html), total))
}

/// The links written by a `showJsContent.do` script (`document.write("...")`), if it is one.
pub fn showjs_records(base: &Url, body: &[u8]) -> Option<Vec<Url>> {
    let text = String::from_utf8_lossy(body);
    let start = text.find("document.write(")? + "document.write(".len();
    let end = text.rfind(')')?;
    let arg = text.get(start..end)?.trim();
    let html: String = serde_json::from_str(arg).ok().or_else(|| {
        // Single-quoted JavaScript strings: good enough to find hrefs.
        Some(
            arg.trim_matches(['\'', '"'])
                .replace("\\\"", "\"")
                .replace("\\/", "/"),
        )
    })?;
    Some(hrefs(base, &html))
}

/// Parses a page: links, embedded list records and list engines, column name.
pub fn page_links(page_url: &Url, html: &str) -> PageLinks {
    let doc = Html::parse_document(html);
    let mut out = PageLinks::default();
    let base = doc
        .select(&sel("base[href]"))
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|h| page_url.join(h).ok())
        .unwrap_or_else(|| page_url.clone());
    for (css, attr) in [
        ("a[href]", "href"),
        ("area[href]", "href"),
        ("frame[src]", "src"),
        ("iframe[src]", "src"),
    ] {
        for el in doc.select(&sel(css)) {
            if let Some(u) = el.value().attr(attr).and_then(|h| resolve(&base, h)) {
                out.links.push(u);
            }
        }
    }
    let mut scripts = String::new();
    for s in doc.select(&sel("script")) {
        scripts.extend(s.text());
        scripts.push('\n');
        if let Some(src) = s.value().attr("src") {
            if src.contains("showJsContent.do") {
                if let Some(u) = resolve(&base, src) {
                    out.lists.push(ListSource::ShowJs(u));
                }
            }
        }
    }
    let has_datastore = scripts.contains("<datastore>");
    if has_datastore {
        out.records = datastore_records(&base, &scripts);
        match jpage_params(&base, html) {
            Some(j) => out.lists.push(ListSource::Jpage(j)),
            None if scripts.contains("jpage") || scripts.contains("<nextgroup>") => {
                out.unknown_list = Some("jpage list without readable proxy ids".into())
            }
            None => {}
        }
    }
    static GW: OnceLock<Regex> = OnceLock::new();
    if let Some(m) = re(&GW, r#"['"]([^'"]*/api-gateway/[^'"]+)['"]"#)
        .captures(&scripts)
        .and_then(|c| c.get(1))
    {
        if let Some(u) = resolve(&base, &unescape(m.as_str())) {
            out.lists.push(ListSource::Gateway(u));
        }
    }
    let col_path = page::url_kind(page_url.as_str()) == UrlKind::Column;
    out.is_list = col_path || has_datastore || !out.lists.is_empty();
    if out.is_list {
        out.column = page::list_column_name(html);
    }
    if col_path && out.records.is_empty() && out.lists.is_empty() && out.unknown_list.is_none() {
        out.unknown_list = Some("column page with no known list engine".into());
    }
    out
}

fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad built-in selector {css}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMN: &str = r#"<html><head><meta name="ColumnName" content="Sisterly Jinan"><title>Sisterly Jinan - x</title></head><body>
<a href="/index.html">Home</a> <a href="http://OTHER.example/">x</a> <a href="javascript:void(0)">js</a>
<div id="92871"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=38&path=/&columnid=30173&unitid=92871&webname=english.jinan.gov.cn&permissiontype=0"></a>]]></nextgroup>
<recordset>
<record><![CDATA[
<li><a href="/art/2018/11/19/art_30173_2743600.html" title="K">Kfar Saba</a><span>2018-11-19</span></li>
]]></record>
<record><![CDATA[<li><a href="/col/col108306/art/2026/art_0123456789abcdef0123456789abcdef.html">New</a></li>]]></record>
</recordset></datastore></script></div>
<script>$('#92871').jpage({ totalRecord: 236, perPage: 15, proxyUrl: '/module/web/jpage/dataproxy.jsp', webid: '38', columnid: '30173', unitid: '92871' });</script>
</body></html>"#;

    #[test]
    fn datastore_records_and_proxy_ids_come_from_script_text() {
        let base = Url::parse("http://h.test/col/col30173/index.html").unwrap();
        let p = page_links(&base, COLUMN);
        assert!(p.is_list);
        assert_eq!(p.column.as_deref(), Some("Sisterly Jinan"));
        let recs: Vec<&str> = p.records.iter().map(|u| u.path()).collect();
        assert_eq!(
            recs,
            [
                "/art/2018/11/19/art_30173_2743600.html",
                "/col/col108306/art/2026/art_0123456789abcdef0123456789abcdef.html"
            ]
        );
        // Record links are not ordinary links; javascript: is dropped.
        assert_eq!(p.links.len(), 2);
        let Some(ListSource::Jpage(j)) = p.lists.first() else {
            panic!("{:?}", p.lists)
        };
        assert_eq!(
            j.proxy.as_str(),
            "http://h.test/module/web/jpage/dataproxy.jsp"
        );
        assert_eq!(
            (j.webid.as_str(), j.columnid.as_str(), j.unitid.as_str()),
            ("38", "30173", "92871")
        );
        assert_eq!((j.total, j.per_page), (Some(236), 15));
        let (u, body) = j.post(46, 90);
        assert_eq!(u.query(), Some("startrecord=46&endrecord=90&perpage=15"));
        assert!(
            body.contains("columnid=30173")
                && body.contains("unitid=92871")
                && body.contains("webid=38")
        );
        assert!(j.get(4).query().unwrap().starts_with("page=4&"));
        assert!(p.unknown_list.is_none());
    }

    #[test]
    fn proxy_gateway_and_showjs_answers() {
        let base = Url::parse("http://h.test/col/col1/").unwrap();
        let xml = "<?xml version=\"1.0\"?><datastore><totalrecord>236</totalrecord><recordset>\
<record><![CDATA[<li><a href=\"/art/2019/1/2/art_1_3.html\">t</a></li>]]></record></recordset></datastore>";
        assert_eq!(datastore_total(xml), Some(236));
        assert_eq!(
            datastore_records(&base, xml)[0].path(),
            "/art/2019/1/2/art_1_3.html"
        );
        let json = br#"{"success":true,"data":{"html":"<ul><li><a href=\"/art/a.html\">a</a></li></ul>","total":41}}"#;
        let (links, total) = gateway_records(&base, json).unwrap();
        assert_eq!((links[0].path(), total), ("/art/a.html", Some(41)));
        assert!(gateway_records(&base, b"{\"data\":null}").is_none());
        let js = br#"document.write("<ul class=\"js-list\"><li><a href=\"/art/b.html\">b</a></li></ul>");"#;
        assert_eq!(showjs_records(&base, js).unwrap()[0].path(), "/art/b.html");
    }

    #[test]
    fn unknown_list_shapes_are_flagged() {
        let art = Url::parse(
            "http://h.test/col/col108306/art/2026/art_0123456789abcdef0123456789abcdef.html",
        )
        .unwrap();
        assert!(!page_links(&art, "<html><body><p>text</p></body></html>").is_list);
        let base = Url::parse("http://h.test/col/col77/index.html").unwrap();
        let p = page_links(
            &base,
            "<html><body><div id='list'></div><script>loadList(77)</script></body></html>",
        );
        assert!(p.is_list);
        assert!(p.unknown_list.is_some());
        let gw = "<html><body><script>load('/api-gateway/jpaas-publish-server/front/page/build/unit?pageId=5&pageNo=1');</script></body></html>";
        let p = page_links(&base, gw);
        assert!(matches!(p.lists.first(), Some(ListSource::Gateway(_))));
        assert!(p.unknown_list.is_none());
    }

    #[test]
    fn record_links_read_each_entity_once() {
        // Former disagreement: `&amp;` was decoded first, so `&amp;lt;` in a href became `<`.
        let base = Url::parse("http://h.test/col/col1/").unwrap();
        let got = hrefs(
            &base,
            r#"<a href="/a.jsp?x=1&amp;y=2&amp;amp;z=&amp;lt;">a</a>"#,
        );
        assert_eq!(got[0].query(), Some("x=1&y=2&amp;z=&lt;"));
    }
}
