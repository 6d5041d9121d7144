//! The home page and the pages that exist to test a crawler's manners: robots.txt, the calendar
//! trap, the redirect loop, the slow page, the 5 MB page, the gzip bomb and the PDF attachment.

use crate::lists::COLUMNS;
use crate::templates::{esc, footer, header, Ctx};
use flate2::write::GzEncoder;
use flate2::Compression;
use jinan_types::Lang;
use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::OnceLock;

/// Which robots.txt the site answers with (RFC 9309 drills).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RobotsMode {
    /// 200 with rules disallowing [`DISALLOWED_PREFIX`].
    #[default]
    Normal,
    /// 404: a crawler may fetch everything.
    NotFound,
    /// 500: a crawler must fetch nothing.
    ServerError,
}

/// Path prefix robots.txt disallows (and that pages link to).
pub const DISALLOWED_PREFIX: &str = "/module/search/";
/// A disallowed page every page links to.
pub const SEARCH_PAGE: &str = "/module/search/index.jsp?webid=38";
pub const SLOW_PAGE: &str = "/slow/report.html";
pub const BIG_PAGE: &str = "/big/statistics-yearbook.html";
pub const GZIP_BOMB: &str = "/bomb/archive.html";
pub const PDF_DOWNLOAD: &str = "/module/download/downfile.jsp?classid=0&filename=jinan-guide.pdf";
pub const PDF_FILE: &str = "/attach/0/jinan-guide.pdf";
pub const CALENDAR_START: &str = "/calendar/2024/1/index.html";
pub const REDIRECT_LOOP: &str = "/loop/a.html";
/// Links that answer 404.
pub const BROKEN: &[&str] = &[
    "/art/2015/3/3/art_30173_9999999.html",
    "/images/missing-banner.html",
    "/col/col99999/index.html",
];
/// Size of the gzip bomb once decompressed.
pub const BOMB_SIZE: usize = 60 * 1024 * 1024;
/// Minimum size of the big page.
pub const BIG_SIZE: usize = 5 * 1024 * 1024 + 300 * 1024;

pub fn robots_txt() -> String {
    format!(
        "# robots.txt for english.jinan.gov.cn\nUser-agent: *\nDisallow: {DISALLOWED_PREFIX}\nDisallow: /jact/front/mailpubdetail\n\nUser-agent: BadBot\nDisallow: /\n"
    )
}

/// A featured link on the home page.
pub struct Featured {
    pub path: String,
    pub title: String,
}

/// The home page. `featured` are articles to link (the first is linked in every form);
/// `moved` are old addresses that 301 to articles; `hazards` adds links to trap pages.
pub fn home(ctx: &Ctx, featured: &[Featured], moved: &[(String, String)], hazards: bool) -> String {
    let mut h = String::with_capacity(32 * 1024);
    h.push_str(
        "<!DOCTYPE html>\n<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\" />\n\
<title>english.jinan.gov.cn</title>\n<meta name=\"SiteName\" content=\"english.jinan.gov.cn\">\n</head>\n<body>\n",
    );
    h.push_str(&header(ctx, Lang::En));
    h.push_str("<div class=\"featured\"><h2>Featured</h2><ul>\n");
    let upper = format!("HTTP://{}", ctx.host.to_ascii_uppercase());
    for (k, f) in featured.iter().enumerate() {
        let t = esc(&f.title);
        let p = &f.path;
        let rel = p.trim_start_matches('/');
        if k == 0 {
            // The same article linked every way a Hanweb site links it.
            let _ = writeln!(h, "<li><a href=\"{rel}\">{t}</a></li>");
            let _ = writeln!(h, "<li><a href=\"{}\">{t}</a></li>", esc(&ctx.abs(p)));
            let _ = writeln!(h, "<li><a href=\"{p}#content\">{t}</a></li>");
            let _ = writeln!(h, "<li><a href=\"{p}?from=home\">{t}</a></li>");
            let _ = writeln!(h, "<li><a href=\"{}{p}\">{t}</a></li>", esc(&upper));
            let _ = writeln!(h, "<li><a href=\"./{rel}?from=home#top\">{t}</a></li>");
        } else {
            let href = match k % 5 {
                0 => rel.to_string(),
                1 => ctx.abs(p),
                2 => format!("{p}#content"),
                3 => format!("{p}?from=home"),
                _ => format!("{upper}{p}"),
            };
            let _ = writeln!(h, "<li><a href=\"{}\">{t}</a></li>", esc(&href));
        }
    }
    h.push_str("</ul></div>\n<div class=\"columns\"><ul>\n");
    for c in COLUMNS {
        let _ = writeln!(
            h,
            "<li><a href=\"{}\">{}</a></li>",
            esc(&ctx.abs(&format!("/col/col{}/", c.id))),
            esc(c.name)
        );
    }
    h.push_str("</ul></div>\n<div class=\"more\"><ul>\n");
    for (old, _) in moved {
        let _ = writeln!(h, "<li><a href=\"{}\">Archive story</a></li>", esc(old));
    }
    for b in BROKEN {
        let _ = writeln!(h, "<li><a href=\"{b}\">Old link</a></li>");
    }
    let _ = writeln!(
        h,
        "<li><a href=\"{}\">Investment guide (PDF)</a></li>",
        esc(PDF_DOWNLOAD)
    );
    let _ = writeln!(h, "<li><a href=\"{PDF_FILE}\">Investment guide</a></li>");
    let _ = writeln!(h, "<li><a href=\"{}\">Search</a></li>", esc(SEARCH_PAGE));
    if hazards {
        let _ = writeln!(
            h,
            "<li><a href=\"{CALENDAR_START}\">Events calendar</a></li>"
        );
        let _ = writeln!(h, "<li><a href=\"{REDIRECT_LOOP}\">Service guide</a></li>");
        let _ = writeln!(h, "<li><a href=\"{SLOW_PAGE}\">Annual report</a></li>");
        let _ = writeln!(
            h,
            "<li><a href=\"{BIG_PAGE}\">Statistical yearbook</a></li>"
        );
        let _ = writeln!(h, "<li><a href=\"{GZIP_BOMB}\">News archive</a></li>");
        for t in crate::traps::ENTRIES {
            let _ = writeln!(h, "<li><a href=\"{}\">More</a></li>", esc(t));
        }
    }
    h.push_str("</ul></div>\n<div class=\"links\"><ul>\n");
    for other in [
        "http://www.jinan.gov.cn/",
        "http://www.shandong.gov.cn/",
        "https://www.chinadaily.com.cn/m/shandong/jinan/",
        "http://en.sdnews.com.cn/",
    ] {
        let _ = writeln!(
            h,
            "<li><a href=\"{other}\" target=\"_blank\">{other}</a></li>"
        );
    }
    h.push_str("</ul></div>\n");
    h.push_str(&footer(Lang::En));
    h.push_str("</body>\n</html>\n");
    h
}

/// A month of the endless events calendar; links to the next and previous month forever.
pub fn calendar(ctx: &Ctx, year: u32, month: u32) -> String {
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    let (py, pm) = if month == 1 {
        (year.saturating_sub(1), 12)
    } else {
        (year, month - 1)
    };
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Events calendar {year}-{month:02}</title></head><body>\n"
    );
    h.push_str(&header(ctx, Lang::En));
    let _ = write!(
        h,
        "<h2>Events in {year}-{month:02}</h2><p>No events are listed for this month.</p>\n\
<p><a href=\"/calendar/{py}/{pm}/index.html\">Previous month</a> | <a href=\"/calendar/{ny}/{nm}/index.html\">Next month</a></p>\n"
    );
    h.push_str(&footer(Lang::En));
    h.push_str("</body></html>\n");
    h
}

/// A plain informational page (slow page, search page, loop target when it ends).
pub fn simple(ctx: &Ctx, title: &str, text: &str) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{}</title></head><body>\n",
        esc(title)
    );
    h.push_str(&header(ctx, Lang::En));
    let _ = writeln!(h, "<h2>{}</h2><p>{}</p>", esc(title), esc(text));
    h.push_str(&footer(Lang::En));
    h.push_str("</body></html>\n");
    h
}

/// A page over 5 MB: a long statistics table.
pub fn big_page() -> &'static [u8] {
    static BIG: OnceLock<Vec<u8>> = OnceLock::new();
    BIG.get_or_init(|| {
        let mut h = String::with_capacity(BIG_SIZE + 4096);
        h.push_str(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Jinan Statistical Yearbook</title></head><body>\n\
<h2>Jinan Statistical Yearbook</h2><table border=\"1\">\n",
        );
        let mut i = 0u64;
        while h.len() < BIG_SIZE {
            let _ = writeln!(
                h,
                "<tr><td>Row {i}</td><td>Indicator {}</td><td>{}</td><td>{}</td></tr>",
                i % 97,
                (i * 7919) % 100_003,
                (i * 104_729) % 9_973
            );
            i += 1;
        }
        h.push_str("</table></body></html>\n");
        h.into_bytes()
    })
}

/// The gzip bomb: a gzip stream that inflates to [`BOMB_SIZE`] bytes.
pub fn gzip_bomb() -> &'static [u8] {
    static BOMB: OnceLock<Vec<u8>> = OnceLock::new();
    BOMB.get_or_init(|| {
        let mut enc = GzEncoder::new(Vec::new(), Compression::best());
        let chunk = vec![b' '; 1024 * 1024];
        let _ =
            enc.write_all(b"<!DOCTYPE html><html><head><title>News archive</title></head><body>");
        let mut written = 0;
        while written < BOMB_SIZE {
            let _ = enc.write_all(&chunk);
            written += chunk.len();
        }
        enc.finish().unwrap_or_default()
    })
}

/// A small, valid one-page PDF.
pub fn pdf() -> &'static [u8] {
    static PDF: OnceLock<Vec<u8>> = OnceLock::new();
    PDF.get_or_init(|| {
        let stream = "BT /F1 18 Tf 72 720 Td (Jinan Investment Guide) Tj 0 -28 Td /F1 12 Tf \
(Springs, trade and culture in the capital of Shandong province.) Tj ET";
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
                .to_string(),
            format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        ];
        let mut out = String::from("%PDF-1.4\n");
        let mut offsets = Vec::new();
        for (i, o) in objects.iter().enumerate() {
            offsets.push(out.len());
            let _ = write!(out, "{} 0 obj\n{o}\nendobj\n", i + 1);
        }
        let xref = out.len();
        let _ = write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
        for off in offsets {
            let _ = writeln!(out, "{off:010} 00000 n ");
        }
        let _ = write!(out, "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1);
        out.into_bytes()
    })
}

/// A 1x1 GIF for `/picture/...` images.
pub const GIF: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0xff, 0xff, 0xff,
    0x00, 0x00, 0x00, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
];
