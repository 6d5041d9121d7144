//! Deterministic article content: who an article is (column, date, template, language, address)
//! and what it says (title, blocks of body text), computed from `(seed, index, version)` alone.
//!
//! Nothing here is stored per article except the small [`Meta`] record the site keeps to sort its
//! column lists; the text is regenerated on every request, so a 100,000-article site stays small.

use crate::banks::*;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use jinan_types::Lang;

/// SplitMix64: a tiny, stable pseudo-random generator (its output never changes between versions,
/// which a fixture that promises determinism needs more than statistical quality).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn for_parts(parts: &[u64]) -> Rng {
        let mut h = 0x9e37_79b9_7f4a_7c15u64;
        for p in parts {
            h = mix(h ^ p.wrapping_mul(0xff51_afd7_ed55_8ccd));
        }
        Rng(h)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }
    /// Uniform in `0..n` (n > 0; returns 0 for n == 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }
    pub fn range(&mut self, lo: usize, hi_inclusive: usize) -> usize {
        lo + self.below(hi_inclusive.saturating_sub(lo) + 1)
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or("")
    }
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// FNV-1a 64 of bytes (ETags, cookie values, hex ids).
pub fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Which page layout an article is rendered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Template {
    /// Meta tags, UTF-8, `div#zoom` between ContentStart/ContentEnd metas.
    Modern,
    /// Table layout declared gb2312, bytes GBK, served with no charset in Content-Type.
    OldTable,
    /// No meta tags: title only in `<title>` and a heading, date line only.
    NoMeta,
    /// The old table layout, but UTF-8 bytes declared gb2312 (in the page and in the HTTP header).
    MislabeledUtf8,
}

/// How an article's address looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AddrGen {
    /// `/art/2018/11/19/art_30173_2743600.html`
    Old,
    /// `/col/col108306/art/2026/art_<32 hex>.html`
    NewInColumn,
    /// `/art/2026/art_<32 hex>.html`
    NewPlain,
}

/// Articles with a special role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Generated prose.
    Normal,
    /// The Kfar Saba seed page (`/art/2018/11/19/art_30173_2743600.html`).
    SeedKfarSaba,
    /// The Kharkiv seed page.
    SeedKharkiv,
    /// Title contains `<script>alert(1)</script>`.
    ScriptTitle,
    /// Only a title and one image caption.
    CaptionOnly,
    /// A page whose article body is empty.
    EmptyBody,
}

/// The compact per-article record the site keeps in memory.
#[derive(Debug, Clone, Copy)]
pub struct Meta {
    pub index: u32,
    pub kind: Kind,
    pub lang: Lang,
    pub column: u8,
    pub template: Template,
    pub gen: AddrGen,
    pub published: NaiveDateTime,
    /// NoMeta pages without a breadcrumb: the column is known only from the list page.
    pub no_breadcrumb: bool,
    /// For a republished notice: the index of the article it copies (see [`copy_of`]).
    pub copy_of: Option<u32>,
}

/// One block of article body.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Para(String),
    Heading(String),
    List(Vec<String>),
    /// A table of data inside the article.
    Table(Table),
    /// An image with its caption (the caption ends in `[Photo/jinan.gov.cn]`).
    Image {
        src: String,
        caption: String,
    },
}

/// A table of data, in one of the shapes real pages give them.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub shape: TableShape,
    /// Shown above the rows (`<caption>`), its own paragraph.
    pub caption: Option<String>,
    /// Rows of cells, the header row first; an empty string is an empty cell (left out of the
    /// text). A row shorter than the header spans its first cell over the missing columns.
    pub rows: Vec<Vec<String>>,
}

/// How a table is marked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableShape {
    /// `<td>` cells only.
    Plain,
    /// A `<thead>` row of `<th>` cells.
    HeaderCells,
    /// A `<caption>` and a header row of `<th>`.
    Caption,
    /// A last "total" row whose first cell spans two columns (`colspan`).
    Colspan,
    /// A row with an empty cell.
    EmptyCell,
    /// Inside a one-cell table used for layout (a nested table).
    InLayout,
}

/// Everything an article says.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub title: String,
    pub source: String,
    pub blocks: Vec<Block>,
    pub rare_word: Option<String>,
    pub rare_zh: Option<String>,
    pub keywords: String,
}

const KFAR_SABA: &str = include_str!("../data/kfar-saba-award-2018-11-19.txt");
const KHARKIV: &str = include_str!("../data/kharkiv-sister-city.txt");

/// Article id of the Kfar Saba seed and the Kharkiv seed in old-style addresses.
pub const KFAR_SABA_ID: u64 = 2_743_600;
pub const KHARKIV_ID: u64 = 2_716_842;
/// Old-style article ids of generated articles are this plus the index.
pub const OLD_ID_BASE: u64 = 2_800_000;

/// Number of leading indices with a fixed role (seeds and special pages).
pub const SPECIALS: u32 = 11;

/// First day generated articles may be dated, and the first day after the last one.
fn date_range() -> (NaiveDate, i64) {
    let start = NaiveDate::from_ymd_opt(2012, 1, 1).unwrap_or_default();
    let end = NaiveDate::from_ymd_opt(2026, 5, 31).unwrap_or_default();
    (start, (end - start).num_days())
}

/// Base time of articles added by mutation (all newer than any generated article).
pub fn added_base() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 6, 1)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .unwrap_or_default()
}

fn dt(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(h, min, 0))
        .unwrap_or_default()
}

/// The ordinary (jpage) columns English articles go to, and Chinese ones.
pub const EN_COLUMNS: &[u8] = &[0, 1, 2, 3, 4, 5];
pub const ZH_COLUMNS: &[u8] = &[6, 7];

/// Computes the meta record of a generated or special article. `added` is Some(k) for the k-th
/// article added by mutation (dated after every generated one).
pub fn meta(seed: u64, index: u32, added: Option<u32>) -> Meta {
    let mut r = Rng::for_parts(&[seed, u64::from(index), 1]);
    let (start, days) = date_range();
    let mut published = start
        .checked_add_signed(Duration::days(r.below(days as usize + 1) as i64))
        .and_then(|d| d.and_hms_opt(r.range(7, 20) as u32, r.below(60) as u32, 0))
        .unwrap_or_default();
    if let Some(k) = added {
        published = added_base() + Duration::minutes(i64::from(k) * 7);
    }
    let lang = if r.chance(27) { Lang::Zh } else { Lang::En };
    let column = match lang {
        Lang::Zh => ZH_COLUMNS[r.below(ZH_COLUMNS.len())],
        Lang::En => EN_COLUMNS[r.below(EN_COLUMNS.len())],
    };
    let template = match r.below(100) {
        0..=49 => Template::Modern,
        50..=74 => Template::OldTable,
        75..=94 => Template::NoMeta,
        _ => Template::MislabeledUtf8,
    };
    let no_breadcrumb = template == Template::NoMeta && r.chance(40);
    let mut m = Meta {
        index,
        kind: Kind::Normal,
        lang,
        column,
        template,
        gen: AddrGen::Old,
        published,
        no_breadcrumb,
        copy_of: None,
    };
    // Fixed roles for the first indices, so even a 20-article site has every kind of page.
    use Template::*;
    let fixed =
        |kind, lang, column, template, published, nb| (kind, lang, column, template, published, nb);
    let f = match index {
        0 => Some(fixed(
            Kind::SeedKfarSaba,
            Lang::En,
            0,
            Modern,
            dt(2018, 11, 19, 10, 5),
            false,
        )),
        1 => Some(fixed(
            Kind::SeedKharkiv,
            Lang::En,
            0,
            Modern,
            dt(2016, 9, 12, 9, 30),
            false,
        )),
        2 => Some(fixed(
            Kind::ScriptTitle,
            Lang::En,
            1,
            Modern,
            m.published,
            false,
        )),
        3 => Some(fixed(
            Kind::CaptionOnly,
            Lang::En,
            4,
            Modern,
            m.published,
            false,
        )),
        4 => Some(fixed(
            Kind::EmptyBody,
            Lang::En,
            2,
            Modern,
            m.published,
            false,
        )),
        5 => Some(fixed(
            Kind::Normal,
            Lang::En,
            3,
            OldTable,
            m.published,
            false,
        )),
        6 => Some(fixed(
            Kind::Normal,
            Lang::Zh,
            6,
            OldTable,
            m.published,
            false,
        )),
        7 => Some(fixed(
            Kind::Normal,
            Lang::En,
            5,
            NoMeta,
            dt(2025, 3, 14, 15, 20),
            false,
        )),
        8 => Some(fixed(Kind::Normal, Lang::Zh, 7, NoMeta, m.published, true)),
        9 => Some(fixed(
            Kind::Normal,
            Lang::Zh,
            6,
            MislabeledUtf8,
            dt(2024, 8, 2, 8, 45),
            false,
        )),
        10 => Some(fixed(Kind::Normal, Lang::En, 2, NoMeta, m.published, true)),
        _ => None,
    };
    if let Some((kind, lang, column, template, published, nb)) = f {
        m = Meta {
            index,
            kind,
            lang,
            column,
            template,
            gen: AddrGen::Old,
            published,
            no_breadcrumb: nb,
            copy_of: None,
        };
    }
    // A republished notice: the original's language and text, another column of that language,
    // published a few days later (so its date line differs).
    if let (None, Some(orig)) = (added, copy_of(index)) {
        let o = meta(seed, orig, None);
        let columns = if o.lang == Lang::Zh {
            ZH_COLUMNS
        } else {
            EN_COLUMNS
        };
        let k = columns.iter().position(|c| *c == o.column).unwrap_or(0);
        m.lang = o.lang;
        m.column = columns[(k + 1 + r.below(columns.len() - 1)) % columns.len()];
        m.published = o.published + Duration::days(1 + r.below(6) as i64);
        m.copy_of = Some(orig);
    }
    // Newer articles use the new address generation (both forms); a few older ones too.
    let year = m.published.date().format("%Y").to_string();
    let newish = year.as_str() >= "2023" || (index >= SPECIALS && r.chance(5));
    if newish && !matches!(m.kind, Kind::SeedKfarSaba | Kind::SeedKharkiv) {
        m.gen = if r.chance(50) {
            AddrGen::NewInColumn
        } else {
            AddrGen::NewPlain
        };
    }
    m
}

/// Generated articles that republish an earlier one (near-duplicates): index `j` with
/// `j % 23 == 5` copies `j - 3`, and every other `j % 23 == 6` copies `j - 4` too, so some
/// notices appear three times. Only generated (not added) articles, never a fixed-role one.
pub fn copy_of(index: u32) -> Option<u32> {
    if index < SPECIALS + 4 {
        return None;
    }
    match index % 23 {
        5 => Some(index - 3),
        6 if (index / 23).is_multiple_of(2) => Some(index - 4),
        _ => None,
    }
}

/// How a republished copy differs from its original, besides its address, column, date line and
/// planted rare words: the three shapes republishing takes on real sites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Republish {
    /// "Repost: " / "转载：" before the title.
    TitlePrefix,
    /// A paragraph added at the end saying where the notice comes from.
    AddedParagraph,
    /// Only the date line (the publication day) changed.
    DateLine,
}

/// The republishing shape of copy `index`.
pub fn republish_kind(index: u32) -> Republish {
    match (index / 23) % 3 {
        0 => Republish::TitlePrefix,
        1 => Republish::AddedParagraph,
        _ => Republish::DateLine,
    }
}

/// Odd multiplier of the 32-bit permutation behind new-generation ids, and its inverse mod 2^32.
const HEX_MUL: u32 = 0x9e37_79b1;
fn inverse_mod_2_32(a: u32) -> u32 {
    // Newton's iteration: each step doubles the number of correct low bits.
    let mut x = a;
    for _ in 0..5 {
        x = x.wrapping_mul(2u32.wrapping_sub(a.wrapping_mul(x)));
    }
    x
}

fn hex_key(seed: u64) -> u32 {
    (Rng::for_parts(&[seed, 77]).next_u64() & 0xffff_ffff) as u32
}

/// The 32-hex id of a new-generation address: 8 hex digits that decode back to the index (a
/// keyed 32-bit permutation), then 24 that look random.
pub fn hex_id(seed: u64, index: u32) -> String {
    let mut t = Rng::for_parts(&[seed, u64::from(index), 99]);
    let a = t.next_u64();
    let b = t.next_u64() & 0xffff_ffff;
    format!(
        "{:08x}{:016x}{:08x}",
        index.wrapping_mul(HEX_MUL) ^ hex_key(seed),
        a,
        b
    )
}

/// Inverse of [`hex_id`]'s first 8 digits.
pub fn index_from_hex(seed: u64, hex: &str) -> Option<u32> {
    let v = u32::from_str_radix(hex.get(..8)?, 16).ok()?;
    Some((v ^ hex_key(seed)).wrapping_mul(inverse_mod_2_32(HEX_MUL)))
}

/// The planted rare word of an article: `zq` + base-36 index + `vk`.
pub fn rare_word(index: u32) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut n = index;
    let mut d = Vec::new();
    loop {
        d.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    d.reverse();
    format!("zq{}vk", String::from_utf8_lossy(&d))
}

/// The planted rare Chinese compound: four uncommon characters spelling a 20-bit permutation of
/// the index in base 32 (unique for indices below 1,048,576).
pub fn rare_zh(index: u32) -> String {
    let mut n = index.wrapping_mul(0x9e37_79b1) & 0xf_ffff;
    let mut s = String::new();
    for _ in 0..4 {
        s.push(RARE_HAN[(n % 32) as usize]);
        n /= 32;
    }
    s
}

struct Slots<'a> {
    lang: Lang,
    /// The last `{d}` filled, so that `{d2}` names another district.
    last_d: &'static str,
    year: i32,
    r: &'a mut Rng,
}

impl Slots<'_> {
    fn fill(&mut self, template: &str) -> String {
        let mut out = String::with_capacity(template.len() + 32);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                out.push_str(&rest[open..]);
                return out;
            };
            let slot = &after[..close];
            out.push_str(&self.value(slot));
            rest = &after[close + 1..];
        }
        out.push_str(rest);
        out
    }

    fn value(&mut self, slot: &str) -> String {
        let zh = self.lang == Lang::Zh;
        let bank =
            |en: &'static [&'static str], zhb: &'static [&'static str]| if zh { zhb } else { en };
        match slot {
            "d" => {
                let d = self.r.pick(bank(EN_DISTRICTS, ZH_DISTRICTS));
                self.last_d = d;
                d.to_string()
            }
            "d2" => {
                let b = bank(EN_DISTRICTS, ZH_DISTRICTS);
                let mut d = self.r.pick(b);
                if d == self.last_d {
                    let k = b.iter().position(|x| *x == d).unwrap_or(0);
                    d = b[(k + 1) % b.len()];
                }
                d.to_string()
            }
            "s" => self.r.pick(bank(EN_SPRINGS, ZH_SPRINGS)).to_string(),
            "l" => self.r.pick(bank(EN_LANDMARKS, ZH_LANDMARKS)).to_string(),
            "c" => self.r.pick(bank(EN_COMPANIES, ZH_COMPANIES)).to_string(),
            "p" => self.r.pick(bank(EN_PARTNERS, ZH_PARTNERS)).to_string(),
            "e" => self.r.pick(bank(EN_EVENTS, ZH_EVENTS)).to_string(),
            "i" => self.r.pick(bank(EN_INDUSTRIES, ZH_INDUSTRIES)).to_string(),
            "n" => self.r.range(12, 980).to_string(),
            "n2" => self.r.range(2, 11).to_string(),
            "pc" => format!("{}.{}", self.r.range(1, 38), self.r.below(10)),
            "y" => (self.year - self.r.below(4) as i32).to_string(),
            "m" => {
                let m = self.r.below(12);
                if zh {
                    format!("{}月", m + 1)
                } else {
                    EN_MONTHS[m].to_string()
                }
            }
            other => other.to_string(),
        }
    }
}

fn capitalize(s: String) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) if f.is_ascii_lowercase() => f.to_ascii_uppercase().to_string() + c.as_str(),
        _ => s,
    }
}

fn year_of(m: &Meta) -> i32 {
    m.published
        .date()
        .format("%Y")
        .to_string()
        .parse()
        .unwrap_or(2020)
}

/// The title of a generated article: the first draws of its generator, so a list page can show
/// titles without generating bodies.
fn generated_title(r: &mut Rng, m: &Meta) -> String {
    if m.kind == Kind::ScriptTitle {
        return "Security forum warns about <script>alert(1)</script> in web forms".to_string();
    }
    let mut s = Slots {
        lang: m.lang,
        year: year_of(m),
        r,
        last_d: "",
    };
    let t = s.r.pick(if m.lang == Lang::Zh {
        ZH_TITLES
    } else {
        EN_TITLES
    });
    capitalize(s.fill(t))
}

/// The title of any article (cheap: no body is generated for generated articles).
pub fn title(seed_value: u64, m: &Meta) -> String {
    if let Some(orig) = m.copy_of {
        let o = meta(seed_value, orig, None);
        return copy_title(m, title(seed_value, &o));
    }
    match m.kind {
        Kind::Normal | Kind::ScriptTitle => {
            generated_title(&mut Rng::for_parts(&[seed_value, u64::from(m.index), 2]), m)
        }
        _ => text(seed_value, m, 0).title,
    }
}

/// Generates the text of a generated (Normal or ScriptTitle) article.
fn generated(seed: u64, m: &Meta, version: u32) -> Text {
    let mut r = Rng::for_parts(&[seed, u64::from(m.index), 2]);
    let title = generated_title(&mut r, m);
    let zh = m.lang == Lang::Zh;
    let mut s = Slots {
        lang: m.lang,
        year: year_of(m),
        r: &mut r,
        last_d: "",
    };
    let source =
        s.r.pick(if zh { ZH_SOURCES } else { EN_SOURCES })
            .to_string();
    let sentences = if zh { ZH_SENTENCES } else { EN_SENTENCES };
    // A shuffled order of the sentence bank so sentences do not repeat within an article.
    let mut order: Vec<usize> = (0..sentences.len()).collect();
    for i in (1..order.len()).rev() {
        let j = s.r.below(i + 1);
        order.swap(i, j);
    }
    let mut next = 0usize;
    let mut sentence = |s: &mut Slots<'_>| {
        let t = sentences[order[next % order.len()]];
        next += 1;
        s.fill(t)
    };
    let paragraphs = if zh { s.r.range(5, 8) } else { s.r.range(5, 9) };
    let heading_at = if s.r.chance(35) {
        Some(s.r.range(2, paragraphs.saturating_sub(1).max(2)))
    } else {
        None
    };
    let list_at = if s.r.chance(22) {
        Some(s.r.range(1, paragraphs - 1))
    } else {
        None
    };
    let table_at = if s.r.chance(15) {
        Some(s.r.range(1, paragraphs - 1))
    } else {
        None
    };
    let images = if s.r.chance(45) { s.r.range(1, 2) } else { 0 };
    let rare = rare_word(m.index);
    let rare_zh_word = if zh && m.index.is_multiple_of(2) {
        Some(rare_zh(m.index))
    } else {
        None
    };
    let rare_para = s.r.below(paragraphs);
    let mut blocks = Vec::new();
    for p in 0..paragraphs {
        if heading_at == Some(p) {
            blocks.push(Block::Heading(
                s.r.pick(if zh { ZH_HEADINGS } else { EN_HEADINGS })
                    .to_string(),
            ));
        }
        let n = if zh { s.r.range(4, 6) } else { s.r.range(3, 5) };
        let mut text = String::new();
        for k in 0..n {
            if k > 0 && !zh {
                text.push(' ');
            }
            text.push_str(&sentence(&mut s));
        }
        if p == rare_para {
            let t = s.r.pick(if zh {
                ZH_RARE_SENTENCES
            } else {
                EN_RARE_SENTENCES
            });
            let mut line = t.replace("{r}", &rare);
            if let Some(z) = &rare_zh_word {
                if line.contains("{z}") {
                    line = line.replace("{z}", z);
                } else {
                    line.push_str(&format!("附近居民称之为“{z}”。"));
                }
            }
            if !zh {
                text.push(' ');
            }
            text.push_str(&line);
        }
        blocks.push(Block::Para(text));
        if list_at == Some(p) {
            let items = if zh { ZH_LIST_ITEMS } else { EN_LIST_ITEMS };
            let count = s.r.range(3, 5);
            let startk = s.r.below(items.len());
            blocks.push(Block::List(
                (0..count)
                    .map(|k| items[(startk + k) % items.len()].to_string())
                    .collect(),
            ));
        }
        if table_at == Some(p) {
            blocks.push(table(&mut s, zh, m.index));
        }
        if images > 0 && (p == 0 || (images == 2 && p + 1 == paragraphs)) {
            let cap_t = s.r.pick(if zh { ZH_CAPTIONS } else { EN_CAPTIONS });
            let cap = s.fill(cap_t);
            let src = format!("/picture/0/{:08x}.jpg", fnv(cap.as_bytes()) as u32);
            blocks.push(Block::Image {
                src,
                caption: format!("{cap} [Photo/jinan.gov.cn]"),
            });
        }
    }
    if version > 0 {
        edit_blocks(&mut blocks, m, version);
    }
    let keywords = if zh {
        "济南,泉城,新闻".to_string()
    } else {
        "Jinan,springs,news".to_string()
    };
    Text {
        title,
        source,
        blocks,
        rare_word: Some(rare),
        rare_zh: rare_zh_word,
        keywords,
    }
}

fn table(s: &mut Slots<'_>, zh: bool, index: u32) -> Block {
    let header: Vec<String> = if zh {
        vec!["项目".into(), "区县".into(), "数量".into()]
    } else {
        vec!["Item".into(), "District".into(), "Number".into()]
    };
    let items: &[&str] = if zh {
        &["新建口袋公园", "新增停车位", "改造老旧小区", "新增公交线路"]
    } else {
        &[
            "New pocket parks",
            "New parking spaces",
            "Renovated old neighborhoods",
            "New bus routes",
        ]
    };
    let mut rows = vec![header];
    for it in items.iter().take(s.r.range(2, 4)) {
        let d = s.value("d");
        let n = s.value("n");
        rows.push(vec![(*it).to_string(), d, n]);
    }
    // The shape has its own stream, so the rest of the article is the same whatever it is.
    let mut r = Rng::for_parts(&[u64::from(index), 0x0074_6162_6c65]);
    let shape = [
        TableShape::Plain,
        TableShape::HeaderCells,
        TableShape::Caption,
        TableShape::Colspan,
        TableShape::EmptyCell,
        TableShape::InLayout,
    ][r.below(6)];
    let mut caption = None;
    match shape {
        TableShape::Caption => {
            caption = Some(if zh {
                format!("表{} 民生项目进展", r.range(1, 5))
            } else {
                format!("Table {}: Progress of public projects", r.range(1, 5))
            })
        }
        TableShape::Colspan => {
            let total: u64 = rows[1..]
                .iter()
                .filter_map(|r| r[2].parse::<u64>().ok())
                .sum();
            rows.push(vec![
                (if zh { "合计" } else { "Total" }).to_string(),
                total.to_string(),
            ]);
        }
        TableShape::EmptyCell => {
            let k = 1 + r.below(rows.len() - 1);
            rows[k][1] = String::new();
        }
        _ => {}
    }
    Block::Table(Table {
        shape,
        caption,
        rows,
    })
}

/// An edit changes the first paragraph and appends an editor's note naming the revision.
fn edit_blocks(blocks: &mut Vec<Block>, m: &Meta, version: u32) {
    let zh = m.lang == Lang::Zh;
    if let Some(Block::Para(p)) = blocks.iter_mut().find(|b| matches!(b, Block::Para(_))) {
        if zh {
            p.insert_str(0, &format!("（第{version}次更新）"));
        } else {
            p.insert_str(0, &format!("(Updated, revision {version}) "));
        }
    }
    blocks.push(Block::Para(if zh {
        format!("编者按：本文已根据有关部门最新通报进行第{version}次修订。")
    } else {
        format!("Editor's note: this report was revised (revision {version}) with figures released by the city.")
    }));
}

/// Text of the seed pages: title, fused date line, paragraphs, sub-headings and captions as given.
fn seed(kind: Kind, version: u32, m: &Meta) -> Text {
    let raw = if kind == Kind::SeedKfarSaba {
        KFAR_SABA
    } else {
        KHARKIV
    };
    let mut lines = raw
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('•'));
    let title = lines.next().unwrap_or_default().to_string();
    let mut blocks = Vec::new();
    for line in lines {
        if line.starts_with("english.jinan.gov.cn") || line.starts_with("Produced By") {
            continue;
        }
        if line.ends_with("[Photo/jinan.gov.cn]") {
            let src = format!("/picture/0/{:08x}.jpg", fnv(line.as_bytes()) as u32);
            blocks.push(Block::Image {
                src,
                caption: line.to_string(),
            });
        } else if line.len() < 40 && !line.ends_with('.') {
            blocks.push(Block::Heading(line.to_string()));
        } else {
            blocks.push(Block::Para(line.to_string()));
        }
    }
    if version > 0 {
        edit_blocks(&mut blocks, m, version);
    }
    Text {
        title,
        source: "english.jinan.gov.cn".to_string(),
        blocks,
        rare_word: None,
        rare_zh: None,
        keywords: "Jinan,sister city,friendship".to_string(),
    }
}

fn copy_title(m: &Meta, title: String) -> String {
    match (republish_kind(m.index), m.lang) {
        (Republish::TitlePrefix, Lang::Zh) => format!("转载：{title}"),
        (Republish::TitlePrefix, Lang::En) => format!("Repost: {title}"),
        _ => title,
    }
}

/// The text of a republished copy: the original's (as first published), its rare words replaced
/// by the copy's own, then the copy's shape of change and its own edits.
fn republished(seed_value: u64, m: &Meta, orig: u32, version: u32) -> Text {
    let o = meta(seed_value, orig, None);
    let mut t = generated(seed_value, &o, 0);
    let rare = rare_word(m.index);
    let rare_zh_word = (m.lang == Lang::Zh && m.index.is_multiple_of(2)).then(|| rare_zh(m.index));
    let old_rare = t.rare_word.take();
    let old_zh = t.rare_zh.take();
    let mut replace = |s: &mut String| {
        if let Some(w) = &old_rare {
            *s = s.replace(w.as_str(), &rare);
        }
        if let Some(z) = &old_zh {
            // A copy without a compound of its own keeps a common word in its place.
            *s = s.replace(z.as_str(), rare_zh_word.as_deref().unwrap_or("泉水"));
        }
    };
    for b in &mut t.blocks {
        match b {
            Block::Para(p) | Block::Heading(p) => replace(p),
            Block::Image { caption, .. } => replace(caption),
            Block::List(items) => items.iter_mut().for_each(&mut replace),
            Block::Table(t) => {
                t.caption.iter_mut().for_each(&mut replace);
                t.rows.iter_mut().flatten().for_each(&mut replace);
            }
        }
    }
    if rare_zh_word.is_some()
        && !t.blocks.iter().any(
            |b| matches!(b, Block::Para(p) if p.contains(rare_zh_word.as_deref().unwrap_or(""))),
        )
    {
        t.blocks.push(Block::Para(format!(
            "附近居民称之为“{}”。",
            rare_zh_word.as_deref().unwrap_or("")
        )));
    }
    if republish_kind(m.index) == Republish::AddedParagraph {
        t.blocks.push(Block::Para(if m.lang == Lang::Zh {
            "本文转自济南市人民政府门户网站，转载时略有删节，如有出入以原文为准。".to_string()
        } else {
            "This notice is republished from the Jinan municipal government portal; in case of any difference, the original text prevails.".to_string()
        }));
    }
    t.title = copy_title(m, t.title);
    if version > 0 {
        edit_blocks(&mut t.blocks, m, version);
    }
    t.rare_word = Some(rare);
    t.rare_zh = rare_zh_word;
    t
}

/// The full text of article `m` at edit `version` (0 = original).
pub fn text(seed_value: u64, m: &Meta, version: u32) -> Text {
    if let Some(orig) = m.copy_of {
        return republished(seed_value, m, orig, version);
    }
    match m.kind {
        Kind::SeedKfarSaba | Kind::SeedKharkiv => seed(m.kind, version, m),
        Kind::Normal | Kind::ScriptTitle => generated(seed_value, m, version),
        Kind::CaptionOnly => {
            let src = "/picture/0/quancheng-square.jpg".to_string();
            Text {
                title: "Photo: Quancheng Square at night".to_string(),
                source: "english.jinan.gov.cn".to_string(),
                blocks: vec![Block::Image {
                    src,
                    caption: "The fountain of Quancheng Square is lit up in blue and gold. [Photo/jinan.gov.cn]"
                        .to_string(),
                }],
                rare_word: None,
                rare_zh: None,
                keywords: "Jinan,photo".to_string(),
            }
        }
        Kind::EmptyBody => Text {
            title: "Notice on the adjustment of office hours".to_string(),
            source: "english.jinan.gov.cn".to_string(),
            blocks: Vec::new(),
            rare_word: None,
            rare_zh: None,
            keywords: "Jinan,notice".to_string(),
        },
    }
}

/// Collapses whitespace runs (including U+00A0 and U+3000) to one space and trims.
pub fn normalize_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s
        .split(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{3000}')
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// The body text a perfect extractor outputs (see the crate docs for the rules).
pub fn body_text(blocks: &[Block]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for b in blocks {
        match b {
            Block::Para(t) | Block::Heading(t) => parts.push(normalize_ws(t)),
            Block::List(items) => parts.extend(items.iter().map(|i| normalize_ws(i))),
            Block::Table(t) => {
                parts.extend(t.caption.iter().map(|c| normalize_ws(c)));
                parts.extend(t.rows.iter().map(|r| {
                    r.iter()
                        .map(|c| normalize_ws(c))
                        .filter(|c| !c.is_empty())
                        .collect::<Vec<_>>()
                        .join(" | ")
                }));
            }
            Block::Image { caption, .. } => parts.push(normalize_ws(caption)),
        }
    }
    parts.retain(|p| !p.is_empty());
    parts.join("\n\n")
}

/// `zh` when most letters of the body are Han characters, else `en` (the SITE.md rule).
pub fn lang_of(body: &str) -> Lang {
    let (mut han, mut other) = (0usize, 0usize);
    for c in body.chars() {
        if is_han(c) {
            han += 1;
        } else if c.is_alphabetic() {
            other += 1;
        }
    }
    if han > other {
        Lang::Zh
    } else {
        Lang::En
    }
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xf900..=0xfaff | 0x20000..=0x3134f)
}
