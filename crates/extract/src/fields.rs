//! Small readers for the article fields that are not body text: dates, the date/source line,
//! titles without their site-name suffix, breadcrumbs and the body's language.
//!
//! Hand-written scanners rather than regular expressions: the shapes are few and fixed
//! (`2018-11-19`, `2018/11/19`, `2018年11月19日`, `/art/2018/11/19/`), and a scanner states exactly
//! which ones are accepted.

use chrono::NaiveDate;
use jinan_types::Lang;

/// A date found in text, with its byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FoundDate {
    pub date: NaiveDate,
    pub start: usize,
    pub end: usize,
}

/// Finds the first plausible date in `s`: in figures (`YYYY-M-D`, `YYYY/M/D`, `YYYY.M.D`,
/// `YYYY年M月D日`), else with its month named ([`english_date`]: `March 5, 2024`).
pub(crate) fn find_date(s: &str) -> Option<FoundDate> {
    figures_date(s).or_else(|| english_date(s))
}

/// The first date written in figures in `s`.
fn figures_date(s: &str) -> Option<FoundDate> {
    let b = s.as_bytes();
    let mut i = 0;
    while i + 4 <= b.len() {
        if b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_digit()) {
            if let Some(f) = date_at(s, i) {
                return Some(f);
            }
        }
        i += 1;
    }
    None
}

fn date_at(s: &str, start: usize) -> Option<FoundDate> {
    let b = s.as_bytes();
    let (year, mut i) = digits(b, start, 4, 4)?;
    if !(1990..=2100).contains(&year) {
        return None;
    }
    let sep_len = sep(s, i)?;
    i += sep_len;
    let (month, j) = digits(b, i, 1, 2)?;
    i = j;
    let sep2 = sep(s, i)?;
    i += sep2;
    let (day, j) = digits(b, i, 1, 2)?;
    i = j;
    if s[i..].starts_with('日') {
        i += '日'.len_utf8();
    }
    let date = NaiveDate::from_ymd_opt(year as i32, month, day)?;
    Some(FoundDate {
        date,
        start,
        end: i,
    })
}

fn digits(b: &[u8], start: usize, min: usize, max: usize) -> Option<(u32, usize)> {
    let mut i = start;
    let mut v: u32 = 0;
    while i < b.len() && i - start < max && b[i].is_ascii_digit() {
        v = v * 10 + u32::from(b[i] - b'0');
        i += 1;
    }
    if i - start < min || (i < b.len() && b[i].is_ascii_digit()) {
        return None;
    }
    Some((v, i))
}

fn sep(s: &str, i: usize) -> Option<usize> {
    let rest = s.get(i..)?;
    for p in ["-", "/", ".", "年", "月"] {
        if rest.starts_with(p) {
            return Some(p.len());
        }
    }
    None
}

/// The date in an old-style Hanweb address (`/art/2018/11/19/art_30173_2743600.html`) or a
/// common dated path (`/2018/11/19/`, `/t20181119_123.html`).
pub(crate) fn date_from_url(url: &str) -> Option<NaiveDate> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let segs: Vec<&str> = path.split('/').collect();
    for w in segs.windows(3) {
        let (y, m, d) = (
            w[0].parse::<i32>(),
            w[1].parse::<u32>(),
            w[2].parse::<u32>(),
        );
        if let (Ok(y), Ok(m), Ok(d)) = (y, m, d) {
            if w[0].len() == 4 && (1990..=2100).contains(&y) {
                if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
                    return Some(date);
                }
            }
        }
    }
    // t20181119_123.html
    let last = segs.last().copied().unwrap_or("");
    if let Some(rest) = last.strip_prefix('t') {
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        if digits.len() == 8 {
            let y = digits[..4].parse().ok()?;
            let m = digits[4..6].parse().ok()?;
            let d = digits[6..].parse().ok()?;
            return NaiveDate::from_ymd_opt(y, m, d);
        }
    }
    None
}

/// Parses a `PubDate`-style value (`2018-11-19 10:05`, `2018-11-19T10:05:00+08:00`), else an
/// English one (`Jun 24, 2025`, `24 June 2025`): the first date of a meta value or of a
/// date/source line.
pub(crate) fn parse_date_value(v: &str) -> Option<NaiveDate> {
    find_date(v).map(|f| f.date)
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// The first `Month D, YYYY` or `D Month YYYY` date in `s` (month names in full or cut to three
/// letters, `Sept` too).
pub(crate) fn english_date(s: &str) -> Option<FoundDate> {
    // The runs of ASCII letters and digits, with their byte offsets.
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        if c.is_ascii_alphanumeric() {
            start.get_or_insert(i);
        } else if let Some(st) = start.take() {
            spans.push((st, i));
        }
    }
    if let Some(st) = start {
        spans.push((st, s.len()));
    }
    let words: Vec<&str> = spans.iter().map(|&(a, b)| &s[a..b]).collect();
    let month_of = |w: &str| {
        let l = w.to_ascii_lowercase();
        let m = MONTHS.iter().position(|m| l.starts_with(m))?;
        let full = [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ][m];
        (l.len() == 3 || l == "sept" || l == full).then_some(m as u32 + 1)
    };
    let day_of = |w: &str| {
        let d = w.trim_end_matches(['s', 't', 'n', 'd', 'r', 'h']);
        (d.len() <= 2).then(|| d.parse::<u32>().ok()).flatten()
    };
    let year_of = |w: &str| {
        (w.len() == 4)
            .then(|| w.parse::<i32>().ok())
            .flatten()
            .filter(|y| (1990..=2100).contains(y))
    };
    for (i, w) in words.iter().enumerate() {
        let Some(m) = month_of(w) else { continue };
        let next = |k: usize| words.get(i + k).copied().unwrap_or("");
        let prev = if i > 0 { words[i - 1] } else { "" };
        // The date, and its first and last words.
        let (y, d, first, last) = match (
            day_of(next(1)),
            year_of(next(2)),
            day_of(prev),
            year_of(next(1)),
        ) {
            (Some(d), Some(y), _, _) => (y, d, i, i + 2),
            (_, _, Some(d), Some(y)) => (y, d, i - 1, i + 1),
            _ => continue,
        };
        if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
            return Some(FoundDate {
                date,
                start: spans[first].0,
                end: spans[last].1,
            });
        }
    }
    None
}

/// Labels that start the items of a date/source line.
const LINE_LABELS: &[&str] = &[
    "updated",
    "update time",
    "source",
    "date",
    "published",
    "release date",
    "release time",
    "publish date",
    "time",
    "author",
    "editor",
    "writer",
    "reporter",
    "views",
    "hits",
    "visits",
    "clicks",
    "font size",
    "font",
    "from",
    "发布日期",
    "发布时间",
    "更新时间",
    "信息来源",
    "文章来源",
    "来源",
    "日期",
    "时间",
    "作者",
    "编辑",
    "责任编辑",
    "浏览次数",
    "浏览量",
    "访问量",
    "阅读次数",
    "点击数",
    "点击",
    "字号",
    "字体",
    "发文机关",
    "发布机构",
    "撰稿",
    "摄影",
    "供稿",
];

/// Where a `label:` (ASCII or full-width colon, any case) starts in `s`, and where its value starts.
fn label_positions(s: &str) -> Vec<(usize, usize, &'static str)> {
    let lower = s.to_lowercase();
    // `to_lowercase` can change byte lengths for a few scripts; only use positions when it did not.
    if lower.len() != s.len() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for &label in LINE_LABELS {
        let mut from = 0;
        while let Some(p) = lower[from..].find(label) {
            let at = from + p;
            let after = at + label.len();
            let rest = &lower[after..];
            let trimmed = rest.trim_start_matches(' ');
            let colon = if trimmed.starts_with(':') {
                Some(1)
            } else if trimmed.starts_with('：') {
                Some('：'.len_utf8())
            } else {
                None
            };
            // ASCII labels must start a word.
            let word_start =
                !label.is_ascii() || at == 0 || !lower.as_bytes()[at - 1].is_ascii_alphanumeric();
            if let (Some(c), true) = (colon, word_start) {
                let value = after + (rest.len() - trimmed.len()) + c;
                out.push((at, value, label));
            }
            from = after;
        }
    }
    out.sort_unstable();
    // Drop labels that sit inside a longer one found at the same place (`来源` in `信息来源`).
    let mut kept: Vec<(usize, usize, &'static str)> = Vec::new();
    for l in out {
        if kept.last().is_some_and(|k| l.0 < k.1) {
            continue;
        }
        kept.push(l);
    }
    kept
}

/// Whether a short block of text is a date/source line (or its equivalent) rather than content.
pub(crate) fn is_meta_line(s: &str) -> bool {
    let n = s.chars().count();
    if n > 160 {
        return false;
    }
    let labels = label_positions(s);
    if labels.first().is_some_and(|l| l.0 == 0) || labels.len() >= 2 {
        return true;
    }
    if let Some(f) = find_date(s) {
        let before = s[..f.start].trim();
        let after = s[f.end..].trim();
        // `english.jinan.gov.cn2018-11-19`, `2018-11-19 10:05`, a bare date.
        let rest_is_time = after.is_empty()
            || after
                .chars()
                .all(|c| c.is_ascii_digit() || c == ':' || c == ' ');
        if rest_is_time && (before.is_empty() || looks_like_host(before)) {
            return true;
        }
        if !labels.is_empty() && n < 100 {
            return true;
        }
    }
    false
}

/// The value after a `Source:`/`来源：` label in a line, up to the next label or date.
pub(crate) fn source_in_line(s: &str) -> Option<String> {
    let labels = label_positions(s);
    for (k, l) in labels.iter().enumerate() {
        if !matches!(l.2, "source" | "from" | "来源" | "信息来源" | "文章来源") {
            continue;
        }
        let end = labels.get(k + 1).map_or(s.len(), |n| n.0);
        let mut v = &s[l.1..end];
        if let Some(f) = find_date(v) {
            v = &v[..f.start];
        }
        let v = v.trim_matches(|c: char| c.is_whitespace() || LINE_SEPARATORS.contains(c));
        if !v.is_empty() && v.chars().count() <= 60 {
            return Some(v.to_string());
        }
    }
    None
}

/// What stands between the items of a date/source line.
const LINE_SEPARATORS: &str = "|丨/｜·,，;；";

/// A host that opens a date line, before its date or its first label
/// (`english.jinan.gov.cn2018-11-19`, `english.jinan.gov.cn | Updated: 2018-11-19`).
pub(crate) fn host_in_line(s: &str) -> Option<String> {
    let date = find_date(s)?;
    let end = label_positions(s)
        .first()
        .map_or(date.start, |l| l.0.min(date.start));
    let before = s[..end].trim_matches(|c: char| c.is_whitespace() || LINE_SEPARATORS.contains(c));
    looks_like_host(before).then(|| before.to_ascii_lowercase())
}

fn looks_like_host(s: &str) -> bool {
    s.contains('.')
        && !s.starts_with('.')
        && !s.ends_with('.')
        && s.len() <= 80
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && s.chars().any(|c| c.is_ascii_alphabetic())
}

/// Separators between an article title and the site name in `<title>`.
const TITLE_SEPS: &[&str] = &[
    " - ", " | ", " _ ", "_", " – ", " — ", "——", "－", "|", "--", " :: ",
];

/// The separators content-management templates put between an article's title, its column and
/// the site (`济南举办春节活动_济南要闻_济南市人民政府`); a title rarely holds one itself.
const CMS_SEPS: &[&str] = &[" _ ", "_"];

/// `<title>` without a trailing (or leading) site-name part, and without the column that stands
/// between them in a `title_column_site` template. A title whose parts do not look like a site
/// name is kept whole.
pub(crate) fn clean_title(title: &str) -> String {
    let t = crate::text::squash(title);
    for sep in TITLE_SEPS {
        if let Some(p) = t.rfind(sep) {
            let (head, tail) = (t[..p].trim(), t[p + sep.len()..].trim());
            if head.is_empty() || tail.is_empty() {
                continue;
            }
            if is_site_name(tail) {
                // `标题_栏目_站点`: the column stands between the title and the site.
                return match head.split_once(sep) {
                    Some((title, column)) if CMS_SEPS.contains(sep) && !column.contains(sep) => {
                        title.trim().to_string()
                    }
                    _ => head.to_string(),
                };
            }
            if let Some(p) = t.find(sep) {
                let (first, rest) = (t[..p].trim(), t[p + sep.len()..].trim());
                if is_site_name(first) && !rest.is_empty() {
                    return match rest.rsplit_once(sep) {
                        Some((column, title))
                            if CMS_SEPS.contains(sep) && !column.contains(sep) =>
                        {
                            title.trim().to_string()
                        }
                        _ => rest.to_string(),
                    };
                }
            }
        }
    }
    t
}

/// Separators between a page's name and its site's name, spaced, in `<title>` of other hosts.
const SPACED_SEPS: &[&str] = &[" | ", " - ", " – ", " — ", " · ", " • ", " » ", " :: "];

/// The page's own part of a title on any host: [`clean_title`] when it finds a site name, else the
/// longest of the parts between spaced separators (`Mesh Office Chair | NBF`, `Arrival T-Shirt -
/// Gymshark`): the site's name is the short part.
pub(crate) fn own_title_part(title: &str) -> String {
    let cleaned = clean_title(title);
    if cleaned != crate::text::squash(title) {
        return cleaned;
    }
    let mut parts = vec![cleaned.as_str()];
    for sep in SPACED_SEPS {
        parts = parts.iter().flat_map(|p| p.split(sep)).collect();
    }
    parts
        .into_iter()
        .map(str::trim)
        .fold("", |best, p| {
            if p.chars().count() > best.chars().count() {
                p
            } else {
                best
            }
        })
        .to_string()
}

fn is_site_name(s: &str) -> bool {
    let l = s.to_lowercase();
    l.chars().count() <= 40
        && ([
            "gov", ".cn", ".com", ".org", "政府", "网站", "门户", "portal", "official", "english",
            "中国", "china", "网",
        ]
        .iter()
        .any(|k| l.contains(k))
            || matches!(l.as_str(), "jinan" | "济南" | "home"))
}

/// Normalised form for comparing titles (no whitespace or punctuation, lower-case).
pub(crate) fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The last entry of a breadcrumb line (`Home > Sisterly Jinan`, `首页 >> 新闻中心 > 济南要闻`).
pub(crate) fn last_crumb(s: &str) -> Option<String> {
    let s = s
        .trim_start_matches(|c: char| c.is_whitespace())
        .trim_start_matches("当前位置：")
        .trim_start_matches("当前位置:")
        .trim_start_matches("您的位置：")
        .trim_start_matches("您现在的位置：")
        .trim_start_matches("Location:")
        .trim_start_matches("Current location:")
        .trim_start_matches("You are here:");
    let parts: Vec<&str> = s
        .split(['>', '»', '›', '＞', '→', '/'])
        .map(|p| p.trim_matches(|c: char| c.is_whitespace() || c == '-' || c == '·'))
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() < 2 {
        return None;
    }
    let last = parts.iter().rev().find(|p| {
        !matches!(
            p.to_lowercase().as_str(),
            "正文" | "text" | "content" | "详情" | "article"
        )
    })?;
    (last.chars().count() <= 40).then(|| last.to_string())
}

/// `zh` when most letters are Chinese characters, else `en`.
pub(crate) fn lang_of(text: &str) -> Lang {
    let (mut han, mut letters) = (0usize, 0usize);
    for c in text.chars() {
        if is_han(c) {
            han += 1;
            letters += 1;
        } else if c.is_alphabetic() {
            letters += 1;
        }
    }
    if letters > 0 && han * 2 > letters {
        Lang::Zh
    } else {
        Lang::En
    }
}

pub(crate) fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn dates_in_text() {
        assert_eq!(
            find_date("english.jinan.gov.cn2018-11-19").map(|f| f.date),
            d(2018, 11, 19)
        );
        assert_eq!(
            find_date("发布日期：2018年1月9日 10:05").map(|f| f.date),
            d(2018, 1, 9)
        );
        assert_eq!(
            find_date("Updated: 2019/03/02").map(|f| f.date),
            d(2019, 3, 2)
        );
        assert_eq!(find_date("12018-11-19"), None);
        assert_eq!(find_date("2018-13-40"), None);
        assert_eq!(find_date("no date"), None);
    }

    #[test]
    fn dates_in_urls() {
        let u = "http://english.jinan.gov.cn/art/2018/11/9/art_30173_2743600.html";
        assert_eq!(date_from_url(u), d(2018, 11, 9));
        assert_eq!(
            date_from_url("http://x/art/2026/art_0123456789abcdef0123456789abcdef.html"),
            None
        );
        assert_eq!(date_from_url("http://x/a/t20200102_5.html"), d(2020, 1, 2));
    }

    #[test]
    fn meta_lines() {
        assert!(is_meta_line("english.jinan.gov.cn2018-11-19"));
        assert!(is_meta_line("Updated: 2018-11-19 Source: China Daily"));
        assert!(is_meta_line("来源：济南日报 发布日期：2018-11-19"));
        assert!(is_meta_line("2018-11-19 10:05"));
        assert!(!is_meta_line(
            "The conference opened in Wuhan on 2018-11-16 and drew 800 people."
        ));
        assert!(!is_meta_line("Source of the river"));
    }

    #[test]
    fn sources_and_hosts() {
        assert_eq!(
            source_in_line("Updated: 2018-11-19 Source: China Daily").as_deref(),
            Some("China Daily")
        );
        assert_eq!(
            source_in_line("来源：济南日报 发布日期：2018-11-19").as_deref(),
            Some("济南日报")
        );
        assert_eq!(
            source_in_line("信息来源：济南市外办").as_deref(),
            Some("济南市外办")
        );
        assert_eq!(
            host_in_line("english.jinan.gov.cn2018-11-19").as_deref(),
            Some("english.jinan.gov.cn")
        );
        assert_eq!(host_in_line("Updated: 2018-11-19"), None);
        // The host opens the line before its first label, whatever stands between.
        for line in [
            "english.jinan.gov.cn | Updated: 2018-11-19",
            "english.jinan.gov.cn Updated: 2018-11-19 10:05",
            "English.Jinan.gov.cn 丨 Date: Nov 19, 2018",
            "english.jinan.gov.cn 2018-11-19",
        ] {
            assert_eq!(
                host_in_line(line).as_deref(),
                Some("english.jinan.gov.cn"),
                "{line}"
            );
        }
        // Not a host, or no date: no host of a date line.
        assert_eq!(host_in_line("China Daily | Updated: 2018-11-19"), None);
        assert_eq!(
            host_in_line("english.jinan.gov.cn | Source: China Daily"),
            None
        );
    }

    #[test]
    fn titles_and_crumbs() {
        assert_eq!(
            clean_title("Kharkiv, Ukraine - english.jinan.gov.cn"),
            "Kharkiv, Ukraine"
        );
        assert_eq!(clean_title("济南市政府_友好城市交流"), "友好城市交流");
        // `title_column_site`, and the other way round: the column goes with the site.
        assert_eq!(
            clean_title("济南举办春节活动_济南要闻_济南市人民政府"),
            "济南举办春节活动"
        );
        assert_eq!(
            clean_title("Jinan hosts festival_Sisterly Jinan_english.jinan.gov.cn"),
            "Jinan hosts festival"
        );
        assert_eq!(
            clean_title("济南市人民政府_济南要闻_济南举办春节活动"),
            "济南举办春节活动"
        );
        // Only across the template's own separator, and only one column.
        assert_eq!(
            clean_title("Jinan - Qingdao line opens - english.jinan.gov.cn"),
            "Jinan - Qingdao line opens"
        );
        assert_eq!(clean_title("A_B_C_济南市人民政府"), "A_B_C");
        assert_eq!(clean_title("Plain title"), "Plain title");
        assert_eq!(
            own_title_part("Mesh Office Chair | NBF"),
            "Mesh Office Chair"
        );
        assert_eq!(
            parse_date_value("Jun 24, 2025")
                .map(|d| d.to_string())
                .as_deref(),
            Some("2025-06-24")
        );
        assert_eq!(
            english_date("Posted 3rd September 2024 by Ann")
                .map(|f| f.date.to_string())
                .as_deref(),
            Some("2024-09-03")
        );
        // Where it stands in the text, as for a date in figures.
        let s = "english.jinan.gov.cn March 5, 2024 10:05";
        let f = find_date(s).expect("a date");
        assert_eq!(&s[f.start..f.end], "March 5, 2024");
        let s = "Updated: 5 Mar 2024";
        let f = find_date(s).expect("a date");
        assert_eq!(&s[f.start..f.end], "5 Mar 2024");

        assert_eq!(english_date("Maybe 12 people, 2024"), None);
        assert_eq!(english_date("March 2024"), None);
        assert_eq!(
            own_title_part("Acme · Staple Tee 5001 - Shirts"),
            "Staple Tee 5001"
        );
        assert_eq!(
            own_title_part("Kharkiv, Ukraine - english.jinan.gov.cn"),
            "Kharkiv, Ukraine"
        );
        assert_eq!(own_title_part("T-Shirt"), "T-Shirt");
        assert_eq!(
            last_crumb("Home > Sisterly Jinan").as_deref(),
            Some("Sisterly Jinan")
        );
        assert_eq!(
            last_crumb("当前位置：首页 >> 新闻中心 > 济南要闻 > 正文").as_deref(),
            Some("济南要闻")
        );
        assert_eq!(last_crumb("Sisterly Jinan"), None);
    }

    #[test]
    fn languages() {
        assert_eq!(lang_of("济南是山东省的省会 Jinan"), Lang::Zh);
        assert_eq!(lang_of("Jinan is the capital of Shandong 济南"), Lang::En);
        assert_eq!(lang_of(""), Lang::En);
    }
}
