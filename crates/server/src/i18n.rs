//! The words of the pages in English and Chinese, and how a page picks its language: the `ui`
//! parameter (`ui=zh`, `ui=en`; kept in every link, so a switch stays put) wins over the
//! browser's `Accept-Language`; English otherwise. (`lang` is taken: it filters articles.)
//!
//! Every string a page shows comes from a [`Texts`] table, so a page cannot be half translated;
//! dates and numbers go through [`Texts::date`] and [`Texts::number`].

use chrono::{Datelike, NaiveDate};

/// Language of the interface (not of the articles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ui {
    #[default]
    En,
    Zh,
}

impl Ui {
    /// The `ui` parameter's value, else the best of `Accept-Language`, else English.
    pub fn choose(param: Option<&str>, accept_language: Option<&str>) -> Ui {
        if let Some(p) = param.map(str::trim).filter(|p| !p.is_empty()) {
            return if p.to_ascii_lowercase().starts_with("zh") {
                Ui::Zh
            } else {
                Ui::En
            };
        }
        let Some(header) = accept_language else {
            return Ui::En;
        };
        // The first language we have, in the order of the client's weights.
        let mut prefs: Vec<(f32, usize, Ui)> = Vec::new();
        for (i, part) in header.split(',').enumerate() {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = it
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let ui = if tag.starts_with("zh") {
                Ui::Zh
            } else if tag.starts_with("en") {
                Ui::En
            } else {
                continue;
            };
            if q > 0.0 {
                prefs.push((q, i, ui));
            }
        }
        prefs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        prefs.first().map_or(Ui::En, |p| p.2)
    }

    /// The value of `ui=` that names this language.
    pub fn param(self) -> &'static str {
        match self {
            Ui::En => "en",
            Ui::Zh => "zh",
        }
    }

    /// The other language (for the switch).
    pub fn other(self) -> Ui {
        match self {
            Ui::En => Ui::Zh,
            Ui::Zh => Ui::En,
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Ui::En => &EN,
            Ui::Zh => &ZH,
        }
    }
}

/// Every word of the pages in one language.
pub struct Texts {
    pub html_lang: &'static str,
    /// The name of this language, shown on the switch that leads to it.
    pub name: &'static str,
    pub brand: &'static str,
    pub tagline: &'static str,
    pub placeholder: &'static str,
    pub query_label: &'static str,
    pub search: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub column: &'static str,
    pub all_columns: &'static str,
    pub language: &'static str,
    pub any: &'static str,
    pub english: &'static str,
    pub chinese: &'static str,
    pub sort: &'static str,
    pub relevance: &'static str,
    pub newest: &'static str,
    pub hide_deleted: &'static str,
    /// The help line: text, code, text, code, ... (code parts are the odd ones).
    pub hint: &'static [&'static str],
    pub no_match: &'static str,
    pub deleted: &'static str,
    pub deleted_note: &'static str,
    pub archived_note: &'static str,
    pub live_note: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub pages: &'static str,
    pub per_year: &'static str,
    pub facets: &'static str,
    pub columns: &'static str,
    pub languages: &'static str,
    pub years: &'static str,
    pub download: &'static str,
    pub trend: &'static str,
    pub trends: &'static str,
    pub similar: &'static str,
    pub similar_to: &'static str,
    pub queries: &'static str,
    pub interval: &'static str,
    pub by_year: &'static str,
    pub by_month: &'static str,
    pub show: &'static str,
    pub counts: &'static str,
    pub shares: &'static str,
    pub draw: &'static str,
    pub numbers: &'static str,
    pub no_trend: &'static str,
    pub back: &'static str,
}

pub static EN: Texts = Texts {
    html_lang: "en",
    name: "English",
    brand: "jinan",
    tagline: "search the english.jinan.gov.cn archive",
    placeholder: "Search articles (English or Chinese)",
    query_label: "Search query",
    search: "Search",
    from: "From",
    to: "To",
    column: "Column",
    all_columns: "All columns",
    language: "Language",
    any: "Any",
    english: "English",
    chinese: "Chinese",
    sort: "Sort",
    relevance: "Relevance",
    newest: "Newest first",
    hide_deleted: "Hide deleted",
    hint: &[
        "Type words in English or Chinese. ",
        "\"sister city\"",
        " is a phrase, ",
        "deleg*",
        " a prefix, ",
        "title:Kharkiv",
        " searches titles, ",
        "-word",
        " excludes.",
    ],
    no_match: "No articles match.",
    deleted: "deleted",
    deleted_note: "removed from the site; kept in the archive",
    archived_note: "the archived copy of this version",
    live_note: "the page on the live site",
    previous: "‹ Previous",
    next: "Next ›",
    pages: "Result pages",
    per_year: "Matching articles per year",
    facets: "Narrow the results",
    columns: "Columns",
    languages: "Languages",
    years: "Years",
    download: "Download all results:",
    trend: "Trend",
    trends: "Trends",
    similar: "similar",
    similar_to: "Articles like",
    queries: "Queries (one per box)",
    interval: "Interval",
    by_year: "Year",
    by_month: "Month",
    show: "Show",
    counts: "Matching articles",
    shares: "Share of all articles",
    draw: "Draw",
    numbers: "The numbers:",
    no_trend: "No dated article matches.",
    back: "Back to search",
};

pub static ZH: Texts = Texts {
    html_lang: "zh-CN",
    name: "中文",
    brand: "济南",
    tagline: "检索 english.jinan.gov.cn 网站存档",
    placeholder: "搜索文章（中文或英文）",
    query_label: "检索词",
    search: "搜索",
    from: "起始日期",
    to: "截止日期",
    column: "栏目",
    all_columns: "全部栏目",
    language: "语言",
    any: "不限",
    english: "英文",
    chinese: "中文",
    sort: "排序",
    relevance: "按相关度",
    newest: "最新优先",
    hide_deleted: "隐藏已删除",
    hint: &[
        "可输入中文或英文。",
        "\"sister city\"",
        " 为短语检索，",
        "deleg*",
        " 为前缀检索，",
        "title:Kharkiv",
        " 只搜标题，",
        "-word",
        " 排除该词。",
    ],
    no_match: "没有匹配的文章。",
    deleted: "已删除",
    deleted_note: "已从网站删除，存档中仍保留",
    archived_note: "此版本的存档副本",
    live_note: "网站上的当前页面",
    previous: "‹ 上一页",
    next: "下一页 ›",
    pages: "结果分页",
    per_year: "每年匹配的文章数",
    facets: "缩小范围",
    columns: "栏目",
    languages: "语言",
    years: "年份",
    download: "下载全部结果：",
    trend: "趋势",
    trends: "趋势",
    similar: "相似文章",
    similar_to: "相似文章：",
    queries: "检索词（每框一个）",
    interval: "间隔",
    by_year: "按年",
    by_month: "按月",
    show: "显示",
    counts: "匹配文章数",
    shares: "占全部文章的比例",
    draw: "绘制",
    numbers: "数据：",
    no_trend: "没有匹配的已注明日期的文章。",
    back: "返回搜索",
};

impl Texts {
    fn zh(&self) -> bool {
        std::ptr::eq(self, &ZH)
    }

    /// A whole number with thousands separators.
    pub fn number(&self, n: u64) -> String {
        let digits = n.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    }

    /// A day: `19 Nov 2018`, `2018年11月19日`.
    pub fn date(&self, d: NaiveDate) -> String {
        if self.zh() {
            format!("{}年{}月{}日", d.year(), d.month(), d.day())
        } else {
            d.format("%-d %b %Y").to_string()
        }
    }

    /// `12 articles match`, `共 12 篇文章匹配`.
    pub fn matches(&self, total: usize) -> String {
        let n = self.number(total as u64);
        match (self.zh(), total) {
            (true, _) => format!("共 {n} 篇文章匹配"),
            (false, 1) => format!("{n} article matches"),
            (false, _) => format!("{n} articles match"),
        }
    }

    /// `; showing 1–10` (and `, newest first`).
    pub fn showing(&self, first: usize, last: usize, newest: bool) -> String {
        let (a, b) = (self.number(first as u64), self.number(last as u64));
        match (self.zh(), newest) {
            (true, false) => format!("，显示第 {a}–{b} 篇。"),
            (true, true) => format!("，显示第 {a}–{b} 篇，最新优先。"),
            (false, false) => format!("; showing {a}–{b}."),
            (false, true) => format!("; showing {a}–{b}, newest first."),
        }
    }

    /// `; this page is past the last one.`
    pub fn past_last(&self) -> &'static str {
        if self.zh() {
            "；本页已超出最后一页。"
        } else {
            "; this page is past the last one."
        }
    }

    /// `N articles` for chart labels.
    pub fn articles(&self, n: u64) -> String {
        let s = self.number(n);
        match (self.zh(), n) {
            (true, _) => format!("{s} 篇"),
            (false, 1) => format!("{s} article"),
            (false, _) => format!("{s} articles"),
        }
    }

    /// A year as a label: `2018`, `2018年`.
    pub fn year(&self, y: i32) -> String {
        if self.zh() {
            format!("{y}年")
        } else {
            y.to_string()
        }
    }

    /// `3 near-identical copies`.
    pub fn copies(&self, n: usize) -> String {
        match (self.zh(), n) {
            (true, _) => format!("另有 {n} 篇几乎相同的副本"),
            (false, 1) => "1 near-identical copy".to_string(),
            (false, _) => format!("{n} near-identical copies"),
        }
    }

    /// A share as a percentage.
    pub fn percent(&self, share: f64) -> String {
        format!("{:.1}%", share * 100.0)
    }

    /// The name of an article language code.
    pub fn lang_name(&self, code: &str) -> &'static str {
        match code {
            "zh" => self.chinese,
            _ => self.english,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choice_order() {
        assert_eq!(Ui::choose(None, None), Ui::En);
        assert_eq!(Ui::choose(None, Some("zh-CN,zh;q=0.9,en;q=0.8")), Ui::Zh);
        assert_eq!(Ui::choose(None, Some("en-US,en;q=0.9,zh;q=0.8")), Ui::En);
        assert_eq!(Ui::choose(None, Some("fr, zh-TW;q=0.5")), Ui::Zh);
        assert_eq!(Ui::choose(Some("en"), Some("zh-CN")), Ui::En);
        assert_eq!(Ui::choose(Some("zh-CN"), None), Ui::Zh);
    }

    #[test]
    fn numbers_and_dates() {
        assert_eq!(EN.number(1234567), "1,234,567");
        assert_eq!(EN.number(12), "12");
        let d = NaiveDate::from_ymd_opt(2018, 11, 19).unwrap();
        assert_eq!(EN.date(d), "19 Nov 2018");
        assert_eq!(ZH.date(d), "2018年11月19日");
    }
}
