//! Column pages and the list engines behind them: Hanweb's jpage `<datastore>` with the
//! `dataproxy.jsp` proxy (POST `startrecord/endrecord`, GET `page=N`), a JSON gateway and a
//! `showJsContent.do` script list.
//!
//! A column page embeds only its first [`EMBEDDED`] records; the rest are reachable only through
//! the proxy, with the ids (`webid`, `unitid`, `columnid`) and the proxy path read from the page.

use crate::templates::{breadcrumb, esc, footer, header, Ctx};
use jinan_types::Lang;
use std::fmt::Write as _;

/// Records per list page.
pub const PER_PAGE: usize = 15;
/// Records embedded in a column page (3 pages of 15).
pub const EMBEDDED: usize = 3 * PER_PAGE;
/// The site's webid.
pub const WEBID: u32 = 38;

/// How a column publishes its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ListEngine {
    /// `<datastore>` in a `<script type="text/xml">` plus `dataproxy.jsp`.
    Jpage,
    /// A JSON gateway answering `{"data": {"html": "..."}}`.
    JsonGateway,
    /// `/jact/front/datacall/showJsContent.do?iid=N` answering `document.write(...)`.
    ShowJs,
}

/// One column (section) of the site.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct ColumnDef {
    pub id: u32,
    pub name: &'static str,
    pub lang: Lang,
    pub unitid: u32,
    /// The proxy path the column page names.
    pub proxy: &'static str,
    /// Honours only `page=N` (ignores `startrecord`/`endrecord`).
    pub page_only: bool,
    pub engine: ListEngine,
    /// For aggregate columns (JSON gateway, showJs): the ordinary columns they show the newest
    /// articles of, and how many.
    pub shows: &'static [u8],
    pub shows_newest: usize,
    /// iid of a showJs column.
    pub iid: u32,
}

const WEB: &str = "/module/web/jpage/dataproxy.jsp";
const OLD: &str = "/module/jpage/dataproxy.jsp";

const fn col(
    id: u32,
    name: &'static str,
    lang: Lang,
    unitid: u32,
    proxy: &'static str,
    page_only: bool,
) -> ColumnDef {
    ColumnDef {
        id,
        name,
        lang,
        unitid,
        proxy,
        page_only,
        engine: ListEngine::Jpage,
        shows: &[],
        shows_newest: 0,
        iid: 0,
    }
}

/// Every column. Indices 0..8 are ordinary jpage columns that articles belong to; 8 and 9 are
/// aggregate columns whose articles are all also listed in an ordinary column.
pub const COLUMNS: &[ColumnDef] = &[
    col(30173, "Sisterly Jinan", Lang::En, 92871, WEB, false),
    col(30174, "A World City", Lang::En, 92872, WEB, false),
    col(30175, "Loving Jinan", Lang::En, 92873, OLD, false),
    col(30176, "Best Urban Life", Lang::En, 92874, WEB, false),
    col(30177, "Zoom In", Lang::En, 92875, WEB, true),
    col(108306, "Invest in Jinan", Lang::En, 301_655, OLD, false),
    col(108310, "泉城要闻", Lang::Zh, 301_660, WEB, false),
    col(108311, "区县动态", Lang::Zh, 301_661, OLD, true),
    ColumnDef {
        id: 108401,
        name: "Spotlight",
        lang: Lang::En,
        unitid: 301_700,
        proxy: "",
        page_only: false,
        engine: ListEngine::JsonGateway,
        shows: &[2, 3],
        shows_newest: 40,
        iid: 0,
    },
    ColumnDef {
        id: 108402,
        name: "专题专栏",
        lang: Lang::Zh,
        unitid: 301_701,
        proxy: "",
        page_only: false,
        engine: ListEngine::ShowJs,
        shows: &[6],
        shows_newest: 20,
        iid: 5201,
    },
];

/// Number of ordinary columns (the ones articles belong to).
pub const ORDINARY: usize = 8;

/// Finds a column by id.
pub fn by_id(id: u32) -> Option<(usize, &'static ColumnDef)> {
    COLUMNS.iter().enumerate().find(|(_, c)| c.id == id)
}

/// One list entry.
#[derive(Debug, Clone)]
pub struct Record {
    pub path: String,
    pub title: String,
    pub date: String,
}

/// `<li>` markup of one record.
pub fn record_li(r: &Record) -> String {
    format!(
        "<li><a href=\"{}\" title=\"{}\" target=\"_blank\">{}</a><span>{}</span></li>",
        esc(&r.path),
        esc(&r.title),
        esc(&r.title),
        r.date
    )
}

fn record_xml(r: &Record, out: &mut String) {
    let _ = write!(out, "<record><![CDATA[\n{}\n]]></record>\n", record_li(r));
}

/// The column page of a jpage column: first records embedded in `<datastore>`, the rest behind
/// the proxy.
pub fn column_page(ctx: &Ctx, c: &ColumnDef, total: usize, first: &[Record]) -> String {
    let mut h = page_head(ctx, c);
    let _ = write!(
        h,
        "<div class=\"list\">\n<h2>{}</h2>\n<div id=\"{}\"><script type=\"text/xml\"><datastore>\n",
        esc(c.name),
        c.unitid
    );
    let _ = writeln!(
        h,
        "<nextgroup><![CDATA[<a href=\"{}?page=1&appid=1&webid={WEBID}&path=/&columnid={}&unitid={}&webname={}&permissiontype=0\"></a>]]></nextgroup>",
        c.proxy,
        c.id,
        c.unitid,
        webname(c)
    );
    h.push_str("<recordset>\n");
    for r in first {
        record_xml(r, &mut h);
    }
    h.push_str("</recordset>\n</datastore></script></div>\n</div>\n");
    let _ = write!(
        h,
        "<script language=\"javascript\" src=\"/module/jslib/jquery/jpage/jquery.page.min.js\"></script>\n\
<script>$(document).ready(function(){{ $('#{unit}').jpage({{ dataStore: $('#{unit} datastore'), totalRecord: {total}, \
perPage: {PER_PAGE}, groupSize: 3, proxyUrl: '{proxy}', webid: '{WEBID}', columnid: '{col}', unitid: '{unit}', \
dataBefore: '<ul class=\"list-ul\">', dataAfter: '</ul>', barPosition: 'bottom', ajaxParam: {{ col: 1, appid: 1, \
webid: {WEBID}, path: '/', columnid: {col}, sourceContentType: 1, unitid: {unit}, webname: '{wn}', permissiontype: 0 }} }}); }});</script>\n",
        unit = c.unitid,
        proxy = c.proxy,
        col = c.id,
        wn = webname(c),
    );
    h.push_str(&footer(c.lang));
    h.push_str("</body>\n</html>\n");
    h
}

fn webname(c: &ColumnDef) -> &'static str {
    if c.lang == Lang::Zh {
        "济南市人民政府"
    } else {
        "english.jinan.gov.cn"
    }
}

fn page_head(ctx: &Ctx, c: &ColumnDef) -> String {
    let mut h = String::with_capacity(32 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\" />\n\
<title>{} - english.jinan.gov.cn</title>\n<meta name=\"ColumnName\" content=\"{}\">\n<meta name=\"SiteName\" content=\"english.jinan.gov.cn\">\n</head>\n<body>\n",
        esc(c.name),
        esc(c.name)
    );
    h.push_str(&header(ctx, c.lang));
    h.push_str(&breadcrumb(c, c.lang));
    h
}

/// Parameters of a proxy request (from the query string and the form body together).
#[derive(Debug, Default, Clone)]
pub struct ProxyParams {
    pub columnid: Option<u32>,
    pub unitid: Option<u32>,
    pub webid: Option<u32>,
    pub startrecord: Option<usize>,
    pub endrecord: Option<usize>,
    pub perpage: Option<usize>,
    pub page: Option<usize>,
}

impl ProxyParams {
    pub fn from_pairs<'a>(pairs: impl Iterator<Item = (String, String)> + 'a) -> ProxyParams {
        let mut p = ProxyParams::default();
        for (k, v) in pairs {
            let n = v.trim().parse::<usize>().ok();
            match k.to_ascii_lowercase().as_str() {
                "columnid" => p.columnid = n.map(|x| x as u32),
                "unitid" => p.unitid = n.map(|x| x as u32),
                "webid" => p.webid = n.map(|x| x as u32),
                "startrecord" => p.startrecord = n,
                "endrecord" => p.endrecord = n,
                "perpage" => p.perpage = n,
                "page" => p.page = n,
                _ => {}
            }
        }
        p
    }
}

/// Which slice (0-based, end exclusive) of a `total`-record list a proxy request asks for.
pub fn proxy_slice(c: &ColumnDef, p: &ProxyParams, total: usize) -> (usize, usize) {
    let per = p.perpage.unwrap_or(PER_PAGE).clamp(1, 300);
    let by_page = |page: usize| {
        let start = page.max(1).saturating_sub(1).saturating_mul(per);
        (start.min(total), start.saturating_add(per).min(total))
    };
    if c.page_only {
        return by_page(p.page.unwrap_or(1));
    }
    match (p.startrecord, p.endrecord) {
        (Some(s), e) => {
            let s = s.max(1);
            let e = e.unwrap_or(s + 3 * per - 1).max(s).min(s + 299);
            ((s - 1).min(total), e.min(total))
        }
        (None, _) => by_page(p.page.unwrap_or(1)),
    }
}

/// The proxy's XML answer.
pub fn proxy_xml(total: usize, per_page: usize, records: &[Record]) -> String {
    let pages = total.div_ceil(per_page.max(1));
    let mut x = String::with_capacity(256 + records.len() * 200);
    let _ = write!(
        x,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<datastore>\n<totalrecord>{total}</totalrecord>\n<totalpage>{pages}</totalpage>\n<recordset>\n"
    );
    for r in records {
        record_xml(r, &mut x);
    }
    x.push_str("</recordset>\n</datastore>\n");
    x
}

/// Address of the JSON gateway for page `n` of column `c`.
pub fn gateway_url(c: &ColumnDef, page: usize) -> String {
    format!(
        "/api-gateway/jpaas-publish-server/front/page/build/unit?webId={WEBID}&pageId={}&parseType=bulidstatic&pageType=column&tagId=list&pageNo={page}&pageSize={PER_PAGE}",
        c.id
    )
}

/// Column page of the JSON gateway column: an empty list filled by script.
pub fn gateway_page(ctx: &Ctx, c: &ColumnDef) -> String {
    let mut h = page_head(ctx, c);
    let _ = write!(
        h,
        "<div class=\"list\"><h2>{}</h2><ul id=\"gateway-list\"></ul><div id=\"pager\"></div></div>\n\
<script>var pageNo = 1; function load(n) {{ $.getJSON('{}'.replace('pageNo=1', 'pageNo=' + n), function (res) {{ \
$('#gateway-list').html(res.data.html); }}); }} load(pageNo);</script>\n",
        esc(c.name),
        gateway_url(c, 1)
    );
    h.push_str(&footer(c.lang));
    h.push_str("</body>\n</html>\n");
    h
}

/// The JSON gateway's answer.
pub fn gateway_json(records: &[Record], total: usize, page: usize) -> String {
    let html: String = records.iter().map(record_li).collect();
    serde_json::json!({
        "success": true,
        "data": { "html": format!("<ul>{html}</ul>"), "total": total, "pageNo": page, "pageSize": PER_PAGE }
    })
    .to_string()
}

/// Column page of the showJs column: the list comes from a script.
pub fn showjs_page(ctx: &Ctx, c: &ColumnDef) -> String {
    let mut h = page_head(ctx, c);
    let _ = write!(
        h,
        "<div class=\"list\"><h2>{}</h2>\n<script type=\"text/javascript\" src=\"/jact/front/datacall/showJsContent.do?iid={}\"></script>\n</div>\n",
        esc(c.name),
        c.iid
    );
    h.push_str(&footer(c.lang));
    h.push_str("</body>\n</html>\n");
    h
}

/// The showJs answer: JavaScript that writes the list.
pub fn showjs_js(records: &[Record]) -> String {
    let html: String = records.iter().map(record_li).collect();
    let quoted =
        serde_json::Value::String(format!("<ul class=\"js-list\">{html}</ul>")).to_string();
    format!("document.write({quoted});\n")
}
