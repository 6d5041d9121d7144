//! HTML of article pages (four layouts) and the boilerplate every page carries.
//!
//! The layouts imitate the generations of Hanweb pages SITE.md describes: a modern page with meta
//! tags and `div#zoom`, an old GBK table layout, a page without any meta tags, and a UTF-8 page that
//! wrongly declares gb2312. The boilerplate (menu, breadcrumb, share links, 【Print】【Close】,
//! related stories, attachments, counter, footer) is built from the constants in
//! [`BOILERPLATE`], so tests can check that no extracted body contains any of them.

use crate::content::{Block, Kind, Meta, Table, TableShape, Template, Text};
use crate::lists::{ColumnDef, COLUMNS};
use jinan_types::Lang;
use std::fmt::Write as _;

/// Every boilerplate string the fixture's pages use outside article bodies. None of them occurs
/// in any ground-truth body (a test checks it).
pub const BOILERPLATE: &[&str] = &[
    "Produced By 大汉网络 大汉版通发布系统",
    "大汉网络",
    "大汉版通发布系统",
    "【Print】",
    "【Close】",
    "【打印】",
    "【关闭】",
    "Related stories",
    "相关新闻",
    "Share to:",
    "分享到：",
    "Attachment:",
    "附件：",
    "Visits:",
    "访问次数：",
    "All Rights Reserved",
    "版权所有：济南市人民政府",
    "鲁ICP备05004440号",
    "鲁公网安备37010202000011号",
    "网站标识码",
    "Sponsored by the Information Office of Jinan Municipal People's Government",
    "主办单位：济南市人民政府办公厅",
    "Address: No. 1 Longao North Road, Lixia District, Jinan",
    "地址：济南市历下区龙奥北路1号",
    "Location:",
    "当前位置：",
    "Font size:",
    "字号：",
    "Sisterly Jinan",
    "A World City",
    "Loving Jinan",
    "Best Urban Life",
    "Zoom In",
    "Invest in Jinan",
    "泉城要闻",
    "区县动态",
    "Spotlight",
    "专题专栏",
    "Site search",
    "english.jinan.gov.cn Mobile",
];

/// What a page render needs to know about the request.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The request's Host header (absolute links use it, so any port works).
    pub host: String,
}

impl Ctx {
    pub fn abs(&self, path: &str) -> String {
        format!("http://{}{}", self.host, path)
    }
}

/// HTML-escapes text for element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// A link in a "Related stories" list.
#[derive(Debug, Clone)]
pub struct Link {
    pub href: String,
    pub title: String,
}

/// Everything an article page shows.
pub struct ArticlePage<'a> {
    pub meta: &'a Meta,
    pub text: &'a Text,
    pub column: &'a ColumnDef,
    pub path: &'a str,
    pub related: Vec<Link>,
    pub visits: u64,
}

const STYLE: &str = "<style type=\"text/css\">body{margin:0;font-family:Arial,\"Microsoft YaHei\"}\
.menu li{float:left;list-style:none;padding:0 12px}#zoom p{line-height:2em}.footer{color:#666}</style>";

const SCRIPT: &str = "<script type=\"text/javascript\" src=\"/module/jslib/jquery/jquery.js\"></script>\n\
<script type=\"text/javascript\">var _hmt = _hmt || [];(function(){var hm=document.createElement('script');\
hm.src='/module/visitcount/visit.js?webid=38';document.getElementsByTagName('head')[0].appendChild(hm);})();</script>";

/// The header with the site search link and the top menu.
pub fn header(ctx: &Ctx, lang: Lang) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<div class=\"header\"><a href=\"/\"><img src=\"/images/english/logo.png\" alt=\"english.jinan.gov.cn\"/></a>\
<a class=\"mobile\" href=\"{}\">english.jinan.gov.cn Mobile</a> \
<a class=\"search\" href=\"/module/search/index.jsp?webid=38&amp;lang={}\">Site search</a></div>\n<ul class=\"menu\">",
        ctx.abs("/index.html"),
        lang.as_str()
    );
    for c in COLUMNS.iter() {
        let _ = write!(
            h,
            "<li><a href=\"/col/col{}/index.html\">{}</a></li>",
            c.id,
            esc(c.name)
        );
    }
    h.push_str("</ul>\n");
    h
}

pub fn breadcrumb(col: &ColumnDef, lang: Lang) -> String {
    if lang == Lang::Zh {
        format!(
            "<div class=\"location\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"/col/col{}/index.html\">{}</a></div>\n",
            col.id,
            esc(col.name)
        )
    } else {
        format!(
            "<div class=\"location\">Location: <a href=\"/\">Home</a> &gt; <a href=\"/col/col{}/index.html\">{}</a></div>\n",
            col.id,
            esc(col.name)
        )
    }
}

fn share(ctx: &Ctx, path: &str, lang: Lang) -> String {
    let u = esc(&ctx.abs(path));
    let label = if lang == Lang::Zh {
        "分享到："
    } else {
        "Share to:"
    };
    format!(
        "<div class=\"share\">{label} <a href=\"https://service.weibo.com/share/share.php?url={u}\">Weibo</a> \
<a href=\"https://www.facebook.com/sharer.php?u={u}\">Facebook</a> \
<a href=\"https://twitter.com/intent/tweet?url={u}\">Twitter</a> <a href=\"javascript:void(0)\">WeChat</a></div>\n"
    )
}

fn print_close(lang: Lang) -> &'static str {
    if lang == Lang::Zh {
        "<div class=\"print\"><a href=\"javascript:window.print()\">【打印】</a><a href=\"javascript:window.close()\">【关闭】</a></div>\n"
    } else {
        "<div class=\"print\"><a href=\"javascript:window.print()\">【Print】</a><a href=\"javascript:window.close()\">【Close】</a></div>\n"
    }
}

fn related(links: &[Link], lang: Lang) -> String {
    let mut h = String::new();
    let label = if lang == Lang::Zh {
        "相关新闻"
    } else {
        "Related stories"
    };
    let _ = write!(h, "<div class=\"related\"><h3>{label}</h3><ul>");
    for l in links {
        let _ = write!(
            h,
            "<li><a href=\"{}\" target=\"_blank\">{}</a></li>",
            esc(&l.href),
            esc(&l.title)
        );
    }
    h.push_str("</ul></div>\n");
    h
}

fn attachment(lang: Lang) -> String {
    let label = if lang == Lang::Zh {
        "附件："
    } else {
        "Attachment:"
    };
    format!(
        "<div class=\"attach\">{label} <a href=\"/module/download/downfile.jsp?classid=0&amp;filename=jinan-guide.pdf\">\
jinan-guide.pdf</a></div>\n"
    )
}

fn counter(visits: u64, lang: Lang) -> String {
    if lang == Lang::Zh {
        format!("<div class=\"counter\">访问次数：<span id=\"visits\">{visits}</span></div>\n")
    } else {
        format!("<div class=\"counter\">Visits: <span id=\"visits\">{visits}</span></div>\n")
    }
}

/// The footer every page ends with.
pub fn footer(lang: Lang) -> String {
    let first = if lang == Lang::Zh {
        "<p>主办单位：济南市人民政府办公厅 地址：济南市历下区龙奥北路1号</p>\
<p>版权所有：济南市人民政府 网站标识码3701000001</p>"
    } else {
        "<p>Sponsored by the Information Office of Jinan Municipal People's Government</p>\
<p>Address: No. 1 Longao North Road, Lixia District, Jinan</p>\
<p>Copyright &copy; Jinan Municipal People's Government. All Rights Reserved. 网站标识码3701000001</p>"
    };
    format!(
        "<div class=\"footer\">{first}<p><a href=\"https://beian.miit.gov.cn/\">鲁ICP备05004440号</a> \
<a href=\"http://www.beian.gov.cn/\">鲁公网安备37010202000011号</a></p>\
<p>Produced By 大汉网络 大汉版通发布系统</p></div>\n\
<script type=\"text/javascript\" src=\"/module/visitcount/visit.jsp?type=3&amp;webid=38\"></script>\n"
    )
}

fn date_str(m: &Meta) -> String {
    m.published.format("%Y-%m-%d").to_string()
}

fn datetime_str(m: &Meta) -> String {
    m.published.format("%Y-%m-%d %H:%M").to_string()
}

/// `<title>` text: the title plus the site-name suffix.
fn title_tag(title: &str, lang: Lang) -> String {
    if lang == Lang::Zh {
        format!("{}_济南市人民政府", esc(title))
    } else {
        format!("{} - english.jinan.gov.cn", esc(title))
    }
}

/// Body blocks as modern markup (template 1).
fn body_modern(blocks: &[Block], out: &mut String, styled: bool) {
    if styled {
        out.push_str("<style>#zoom img{max-width:100%}</style>");
    }
    for b in blocks {
        match b {
            Block::Para(t) => {
                let _ = writeln!(out, "<p style=\"text-indent:2em;\">{}</p>", esc(t));
            }
            Block::Heading(t) => {
                let _ = writeln!(out, "<p><strong>{}</strong></p>", esc(t));
            }
            Block::List(items) => {
                out.push_str("<ul>");
                for i in items {
                    let _ = write!(out, "<li>{}</li>", esc(i));
                }
                out.push_str("</ul>\n");
            }
            Block::Table(t) => table_html(t, out, false),
            Block::Image { src, caption } => {
                let _ = write!(
                    out,
                    "<p style=\"text-align:center;\"><img src=\"{}\" border=\"0\" alt=\"\"/></p>\n\
<p style=\"text-align:center;\">{}</p>\n",
                    esc(src),
                    esc(caption)
                );
            }
        }
    }
}

/// A table of data in its shape; `old` gives the sloppy markup of old templates (no end tags,
/// unquoted attributes).
fn table_html(t: &Table, out: &mut String, old: bool) {
    let layout = t.shape == TableShape::InLayout;
    if layout {
        out.push_str(if old {
            "<table width=100% border=0><tr><td align=center>"
        } else {
            "<table width=\"100%\" border=\"0\"><tr><td align=\"center\">"
        });
    }
    out.push_str(if old {
        "<table border=1 cellpadding=3>"
    } else {
        "<table border=\"1\">"
    });
    if let Some(c) = &t.caption {
        let _ = write!(out, "<caption>{}</caption>", esc(c));
    }
    let width = t.rows.first().map_or(0, Vec::len);
    let th_header = matches!(t.shape, TableShape::HeaderCells | TableShape::Caption);
    for (k, r) in t.rows.iter().enumerate() {
        let cell = if k == 0 && th_header { "th" } else { "td" };
        if k == 0 && th_header {
            out.push_str("<thead>");
        } else if k == usize::from(th_header) && !old {
            out.push_str("<tbody>");
        }
        out.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            let span = if i == 0 && r.len() < width {
                format!(" colspan=\"{}\"", width - r.len() + 1)
            } else {
                String::new()
            };
            let text = if c.is_empty() {
                "&nbsp;".to_string()
            } else {
                esc(c)
            };
            if old {
                let _ = write!(out, "<{cell}{span}>{text}");
            } else {
                let _ = write!(out, "<{cell}{span}>{text}</{cell}>");
            }
        }
        if !old {
            out.push_str("</tr>");
        }
        if k == 0 && th_header {
            out.push_str("</thead>");
        }
    }
    out.push_str(if old { "</table>" } else { "</tbody></table>" });
    if layout {
        out.push_str(if old {
            "</table>"
        } else {
            "</td></tr></table>"
        });
    }
    out.push('\n');
}

/// Body blocks as old, sloppy markup (template 2): unclosed `<p>`, `&nbsp;` or full-width indents.
fn body_old(blocks: &[Block], lang: Lang, out: &mut String) {
    let indent = if lang == Lang::Zh {
        "\u{3000}\u{3000}"
    } else {
        "&nbsp;&nbsp;&nbsp;&nbsp;"
    };
    for b in blocks {
        match b {
            Block::Para(t) => {
                let _ = writeln!(out, "<p>{indent}{}", esc(t));
            }
            Block::Heading(t) => {
                let _ = writeln!(out, "<p align=\"center\"><b>{}</b>", esc(t));
            }
            Block::List(items) => {
                out.push_str("<ul>");
                for i in items {
                    let _ = write!(out, "<li>{}", esc(i));
                }
                out.push_str("</ul>\n");
            }
            Block::Table(t) => table_html(t, out, true),
            Block::Image { src, caption } => {
                let _ = write!(
                    out,
                    "<p align=\"center\"><img src=\"{}\" border=0>\n<p align=\"center\"><font color=\"#333333\">{}</font>\n",
                    esc(src),
                    esc(caption)
                );
            }
        }
    }
}

/// Body blocks as plain HTML5 (template 3): `<h3>`, `<ol>`, `<figure>`.
fn body_plain(blocks: &[Block], out: &mut String) {
    for b in blocks {
        match b {
            Block::Para(t) => {
                let _ = writeln!(out, "<p>{}</p>", esc(t));
            }
            Block::Heading(t) => {
                let _ = writeln!(out, "<h3>{}</h3>", esc(t));
            }
            Block::List(items) => {
                out.push_str("<ol>\n");
                for i in items {
                    let _ = writeln!(out, "  <li>{}</li>", esc(i));
                }
                out.push_str("</ol>\n");
            }
            Block::Table(t) => table_html(t, out, false),
            Block::Image { src, caption } => {
                let _ = writeln!(
                    out,
                    "<figure><img src=\"{}\" alt=\"\"><figcaption>{}</figcaption></figure>",
                    esc(src),
                    esc(caption)
                );
            }
        }
    }
}

fn description(text: &Text) -> String {
    let first = text
        .blocks
        .iter()
        .find_map(|b| {
            if let Block::Para(p) = b {
                Some(p.as_str())
            } else {
                None
            }
        })
        .unwrap_or("");
    first.chars().take(80).collect()
}

/// Renders an article page as a string (encoding is applied by the caller).
pub fn article(ctx: &Ctx, p: &ArticlePage<'_>) -> String {
    match p.meta.template {
        Template::Modern => modern(ctx, p),
        Template::OldTable => old_table(ctx, p, "gb2312"),
        Template::MislabeledUtf8 => old_table(ctx, p, "gb2312"),
        Template::NoMeta => no_meta(ctx, p),
    }
}

fn tail(ctx: &Ctx, p: &ArticlePage<'_>, out: &mut String) {
    let lang = p.meta.lang;
    if p.meta.index.is_multiple_of(3) {
        out.push_str(&attachment(lang));
    }
    out.push_str(&share(ctx, p.path, lang));
    out.push_str(print_close(lang));
    out.push_str(&related(&p.related, lang));
    out.push_str(&counter(p.visits, lang));
}

fn modern(ctx: &Ctx, p: &ArticlePage<'_>) -> String {
    let (m, t, lang) = (p.meta, p.text, p.meta.lang);
    let mut h = String::with_capacity(16 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \
\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n\
<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\" />\n<title>{}</title>\n\
<meta name=\"SiteName\" content=\"english.jinan.gov.cn\">\n<meta name=\"SiteDomain\" content=\"english.jinan.gov.cn\">\n\
<meta name=\"SiteIDCode\" content=\"3701000001\">\n<meta name=\"ColumnName\" content=\"{}\">\n\
<meta name=\"ArticleTitle\" content=\"{}\">\n<meta name=\"PubDate\" content=\"{}\">\n\
<meta name=\"ContentSource\" content=\"{}\">\n<meta name=\"Keywords\" content=\"{}\">\n\
<meta name=\"Description\" content=\"{}\">\n<meta name=\"Url\" content=\"{}\">\n{STYLE}\n{SCRIPT}\n</head>\n<body>\n",
        title_tag(&t.title, lang),
        esc(p.column.name),
        esc(&t.title),
        datetime_str(m),
        esc(&t.source),
        esc(&t.keywords),
        esc(&description(t)),
        esc(&ctx.abs(p.path)),
    );
    h.push_str(&header(ctx, lang));
    h.push_str("<div class=\"main\">\n");
    h.push_str(&breadcrumb(p.column, lang));
    let _ = write!(
        h,
        "<div class=\"article\">\n<h1 class=\"title\">{}</h1>\n",
        esc(&t.title)
    );
    if lang == Lang::Zh {
        let _ = writeln!(
            h,
            "<div class=\"info\">发布日期：{}\u{3000}来源：{}\u{3000}<span>字号：<a href=\"#\">大</a> <a href=\"#\">中</a> <a href=\"#\">小</a></span></div>",
            datetime_str(m),
            esc(&t.source)
        );
    } else {
        // Hanweb prints source and date in two spans: a reader sees them fused
        // (`english.jinan.gov.cn2018-11-19`).
        let _ = writeln!(
            h,
            "<div class=\"info\"><span class=\"source\">{}</span><span class=\"date\">{}</span> \
<span class=\"font\">Font size: <a href=\"#\">A+</a> <a href=\"#\">A-</a></span></div>",
            esc(&t.source),
            date_str(m)
        );
    }
    h.push_str("<meta name=\"ContentStart\">\n<div id=\"zoom\">\n");
    body_modern(&t.blocks, &mut h, m.index % 4 == 2);
    h.push_str("</div>\n<meta name=\"ContentEnd\">\n");
    tail(ctx, p, &mut h);
    h.push_str("</div>\n</div>\n");
    h.push_str(&footer(lang));
    h.push_str("</body>\n</html>\n");
    h
}

fn old_table(ctx: &Ctx, p: &ArticlePage<'_>, declared: &str) -> String {
    let (m, t, lang) = (p.meta, p.text, p.meta.lang);
    let mut h = String::with_capacity(16 * 1024);
    let _ = write!(
        h,
        "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset={declared}\">\n\
<title>{}</title>\n{STYLE}\n<script language=\"javascript\">function doZoom(size){{document.getElementById('zoom').style.fontSize=size+'px';}}</script>\n\
</head>\n<body topmargin=\"0\" leftmargin=\"0\">\n<table width=\"1000\" border=\"0\" align=\"center\" cellpadding=\"0\" cellspacing=\"0\">\n<tr><td>",
        title_tag(&t.title, lang)
    );
    h.push_str(&header(ctx, lang));
    h.push_str("</td></tr>\n<tr><td class=\"nav\">");
    h.push_str(&breadcrumb(p.column, lang));
    let _ = write!(
        h,
        "</td></tr>\n<tr><td class=\"title\" align=\"center\"><b>{}</b></td></tr>\n",
        esc(&t.title)
    );
    if lang == Lang::Zh {
        let _ = writeln!(
            h,
            "<tr><td align=\"center\" class=\"info\">发布日期：{}&nbsp;&nbsp;来源：{}</td></tr>",
            date_str(m),
            esc(&t.source)
        );
    } else {
        let _ = writeln!(
            h,
            "<tr><td align=\"center\" class=\"info\">Updated: {}&nbsp;&nbsp;&nbsp;Source: {}</td></tr>",
            datetime_str(m),
            esc(&t.source)
        );
    }
    let div_variant = m.index % 2 == 1;
    if div_variant {
        h.push_str("<tr><td>\n<!--ContentStart--><div class=\"bt-content\">\n");
    } else {
        h.push_str("<tr><td class=\"bt_content\">\n<!--ContentStart-->\n");
    }
    body_old(&t.blocks, lang, &mut h);
    if div_variant {
        h.push_str("</div><!--ContentEnd-->\n</td></tr>\n<tr><td>");
    } else {
        h.push_str("<!--ContentEnd-->\n</td></tr>\n<tr><td>");
    }
    tail(ctx, p, &mut h);
    h.push_str("</td></tr>\n</table>\n");
    h.push_str(&footer(lang));
    h.push_str("</body>\n</html>\n");
    h
}

fn no_meta(ctx: &Ctx, p: &ArticlePage<'_>) -> String {
    let (m, t, lang) = (p.meta, p.text, p.meta.lang);
    let mut h = String::with_capacity(16 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html>\n<head>\n<title>{}</title>\n{STYLE}\n</head>\n<body>\n",
        title_tag(&t.title, lang)
    );
    h.push_str(&header(ctx, lang));
    if !m.no_breadcrumb {
        h.push_str(&breadcrumb(p.column, lang));
    }
    let _ = write!(
        h,
        "<div class=\"content\">\n<h2 class=\"art-title\">{}</h2>\n",
        esc(&t.title)
    );
    let date_line = match (lang, m.index % 2) {
        (Lang::Zh, _) => format!("发布日期：{}", date_str(m)),
        (Lang::En, 0) => format!("english.jinan.gov.cn {}", date_str(m)),
        (Lang::En, _) => format!("Updated: {}", date_str(m)),
    };
    let _ = writeln!(h, "<p class=\"date\">{date_line}</p>");
    let plain_div = m.index % 3 == 1;
    h.push_str(if plain_div {
        "<div class=\"article-text\">\n"
    } else {
        "<div class=\"zoom\">\n"
    });
    body_plain(&t.blocks, &mut h);
    h.push_str("</div>\n</div>\n");
    tail(ctx, p, &mut h);
    h.push_str(&footer(lang));
    h.push_str(SCRIPT);
    h.push_str("\n</body>\n</html>\n");
    h
}

/// Ground-truth source of an article page: what a perfect extractor reports.
pub fn truth_source(m: &Meta, t: &Text) -> Option<String> {
    match m.template {
        Template::Modern | Template::OldTable | Template::MislabeledUtf8 => Some(t.source.clone()),
        Template::NoMeta => {
            if m.lang == Lang::En && m.index.is_multiple_of(2) {
                Some("english.jinan.gov.cn".to_string())
            } else {
                None
            }
        }
    }
}

/// True when the article page names its column (meta or breadcrumb).
pub fn names_column(m: &Meta) -> bool {
    !(m.template == Template::NoMeta && m.no_breadcrumb)
}

/// Is this page special enough that it should not be linked from other pages (only from lists)?
pub fn list_only(m: &Meta) -> bool {
    !names_column(m) || m.kind == Kind::EmptyBody
}
