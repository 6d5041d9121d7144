//! Main content of pages that are not Hanweb's: a text-density method.
//!
//! Each paragraph-like element scores by its length and its commas; the score flows up to its
//! ancestors (halving per level), is discounted by the share of link text, and nudged by `id`/
//! `class` words (`content`, `article` up; `comment`, `sidebar`, `share` down, and customer
//! reviews on a page that declares a product; a BEM element such as `entry__author` by its own
//! name, not its block's). The best ancestor
//! wins, climbs to an ancestor holding three times its voting text (page builders put each section
//! in its own module, forums each post in its own box) or a run of titled sections of its own
//! template (reference and service pages), becomes the page's `<main>` when it sits in one, and
//! takes along siblings that score close to it. Inside the winner, furniture is left out while
//! rendering: link-heavy lists and blocks, elements named like boilerplate, navigation, forms and
//! hidden elements (closed dialogs included; a tab set's hidden panels inside the winner are
//! read; titled sections named only `overflow-hidden` are read), never the winner's own
//! ancestors. Cookie-consent blocks never vote. Pages of short items
//! (listings, categories, services), where no paragraph wins, get the wide reading instead: the
//! main region less its furniture, item-title links kept, a block holding half the region kept
//! whatever its name (a forum's moderation `<form>` too, not a page-wide one), and all of a link-dense block that holds most of the region's text (an
//! index). Every number is computed in a few sweeps over the flat node array, so the cost is
//! linear in the page size whatever its depth.

use crate::dom::{Dom, Kind, NONE};
use crate::fields;
use crate::text::{self, Block};

/// Per-node figures, indexed like `Dom::nodes`.
struct Stats {
    hidden: Vec<bool>,
    /// Hidden only as a tab panel not shown yet (or inside one): the page's text all the same,
    /// read when it sits in the content, though it never votes.
    panel: Vec<bool>,
    /// Visible non-space characters in the subtree.
    chars: Vec<u32>,
    /// Of which inside links.
    links: Vec<u32>,
    /// Links (`<a>` elements with text) in the subtree.
    anchors: Vec<u32>,
    /// Characters of text that belong to this element's own paragraph (not inside nested blocks).
    inl: Vec<u32>,
    inl_links: Vec<u32>,
    inl_commas: Vec<u32>,
    /// Id/class verdicts: [`STRONG`], [`WEAK`], [`POS`] bits.
    flags: Vec<u8>,
    /// The page declares itself a product's (`og:type` product, JSON-LD `Product`): its
    /// customers' reviews are not its text.
    shop: bool,
    /// The `figcaption`s that caption a photo ([`photo_caption`]) on a page that declares itself
    /// an article ([`Declared::article`]; empty on other pages): not its text. Decided once,
    /// asked by every rendering.
    photo_captions: Vec<bool>,
}

const STRONG: u8 = 1;
const WEAK: u8 = 2;
const POS: u8 = 4;
/// Named like a block that is never the page's text on any kind of page (a cookie-consent
/// dialog): left out even when names are otherwise not trusted.
const NEVER: u8 = 8;
/// Named `hidden` only as a box that clips its overflow (`overflow-hidden`, `overflow-x-hidden`:
/// how the box is drawn, not what it holds).
const CLIP: u8 = 16;
/// Named like customer reviews (`reviews`, `product-review`, Yotpo, Judge.me).
const REVIEW: u8 = 32;

/// Strong words of [`NEVER`] blocks.
const NEVER_NEG: &[&str] = &["cookie", "consent", "onetrust", "gdpr"];

/// What a photo's caption is to the page being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Captions {
    /// Text, whatever the page declares: the site's own contract (SITE.md: the body keeps image
    /// captions and their credit), for a Hanweb page read by this module because its template
    /// names no body container.
    Text,
    /// Left out of a page that declares an article ([`photo_caption`], [`class_caption`]), as
    /// the general benchmarks' truth does.
    NotOfArticles,
}

fn stats(dom: &Dom, captions: Captions) -> Stats {
    let n = dom.len();
    let mut hidden = vec![false; n];
    let mut panel = vec![false; n];
    for i in 0..n {
        let node = &dom.nodes[i];
        let p = node.parent;
        let inherited = p != NONE && hidden[p];
        let own = hides(node);
        hidden[i] = inherited || own;
        panel[i] = if inherited {
            panel[p] && !own
        } else {
            own && !node.invisible && tab_set(dom, i)
        };
    }
    // Pages repeat the same few class strings on thousands of elements: each is read once. Utility
    // CSS gives most elements a class string of their own, made of the same few words: each word
    // is judged once too.
    let mut seen_classes: foldhash::HashMap<&str, u8> = foldhash::HashMap::default();
    let mut seen_words: foldhash::HashMap<&str, u8> = foldhash::HashMap::default();
    let flags = dom
        .nodes
        .iter()
        .map(|node| {
            if node.idclass.is_empty() {
                0
            } else {
                *seen_classes
                    .entry(node.idclass.as_str())
                    .or_insert_with(|| {
                        class_flags(&node.idclass, &mut |w| {
                            *seen_words.entry(w).or_insert_with(|| word_flags(w))
                        })
                    })
            }
        })
        .collect();
    let mut chars = vec![0u32; n];
    let mut links = vec![0u32; n];
    let mut anchors = vec![0u32; n];
    let mut inl = vec![0u32; n];
    let mut inl_links = vec![0u32; n];
    let mut inl_commas = vec![0u32; n];
    for i in (0..n).rev() {
        if hidden[i] {
            continue;
        }
        let node = &dom.nodes[i];
        match node.kind {
            Kind::Text => {
                let (mut c, mut k) = (0u32, 0u32);
                for ch in node.text.chars() {
                    if !ch.is_whitespace() {
                        c += 1;
                        if matches!(ch, ',' | '，' | '、' | '。' | '；' | ';') {
                            k += 1;
                        }
                    }
                }
                chars[i] = c;
                inl[i] = c;
                inl_commas[i] = k;
            }
            Kind::Element if node.name == "a" => {
                links[i] = chars[i];
                anchors[i] += u32::from(chars[i] > 0);
                inl_links[i] = inl[i];
            }
            _ => {}
        }
        let p = node.parent;
        if p != NONE {
            chars[p] += chars[i];
            links[p] += links[i];
            anchors[p] += anchors[i];
            let is_block = node.block;
            if !is_block {
                inl[p] += inl[i];
                inl_links[p] += inl_links[i];
                inl_commas[p] += inl_commas[i];
            }
        }
    }
    let declared = declared(dom);
    let photo_captions = if declared.article && captions == Captions::NotOfArticles {
        (0..n)
            .map(|j| {
                if dom.nodes[j].is("figcaption") {
                    photo_caption(dom, j, enclosing_figure(dom, j).unwrap_or(j))
                } else {
                    class_caption(dom, j).is_some_and(|box_| photo_caption(dom, j, box_))
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    Stats {
        shop: declared.product,
        photo_captions,
        hidden,
        panel,
        chars,
        links,
        anchors,
        inl,
        inl_links,
        inl_commas,
        flags,
    }
}

/// Whether element `node` hides itself (`hidden`, `display:none`), or is never shown (scripts).
fn hides(node: &crate::dom::Node) -> bool {
    node.kind == Kind::Element
        && (node.invisible
            || (node.attr("hidden").is_some() && !streamed(node))
            || is_hidden_style(node)
            || closed_dialog(node))
}

/// A dialog that the page's stylesheet keeps closed until a button opens it: Bootstrap's and
/// Foundation's `modal`/`reveal` boxes, hidden by class, not by attribute.
fn closed_dialog(node: &crate::dom::Node) -> bool {
    node.attr("class").is_some_and(|c| {
        c.split_ascii_whitespace()
            .any(|w| matches!(w, "modal" | "reveal"))
            && !c
                .split_ascii_whitespace()
                .any(|w| matches!(w, "show" | "in" | "is-open" | "open"))
    })
}

/// Whether element `i` is a tab panel beside a shown one: a tab set shows one panel and hides the
/// others until their tab is clicked (installation steps per system, code per language).
fn tab_set(dom: &Dom, i: usize) -> bool {
    let tab = |k: usize| dom.nodes[k].attr("role") == Some("tabpanel");
    let p = dom.nodes[i].parent;
    tab(i)
        && p != NONE
        && dom.nodes[p]
            .children
            .iter()
            .any(|&k| k != i && tab(k) && !hides(&dom.nodes[k]))
}

/// A boundary of streamed server rendering (React's `<div hidden id="S:1">`): the page's content
/// arrives in it, hidden, and a script moves it into place. Its text is the page's, not hidden.
fn streamed(node: &crate::dom::Node) -> bool {
    node.attr("id")
        .and_then(|id| id.strip_prefix("S:").or_else(|| id.strip_prefix("s:")))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn is_hidden_style(node: &crate::dom::Node) -> bool {
    node.attr("style").is_some_and(|s| {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

/// Id/class words that are never article text.
const STRONG_NEG: &[&str] = &[
    "comment",
    "share",
    "social",
    "sidebar",
    "related",
    "newsletter",
    "subscribe",
    "promo",
    "advert",
    "outbrain",
    "taboola",
    "disqus",
    "cookie",
    "consent",
    "onetrust",
    "gdpr",
    "recommend",
    "breadcrumb",
    "byline",
    "footer",
    "masthead",
    "signup",
    "sponsor",
    "popular",
    "trending",
    "most-read",
    "mostread",
    "paywall",
    "sharing",
    "rrssb",
    "copyright",
    "pagination",
    "pager",
];
/// Id/class words that are usually not article text, unless the element also says it is content.
const WEAK_NEG: &[&str] = &[
    "nav",
    "menu",
    "tags",
    "tag",
    "tools",
    "toolbar",
    "meta",
    "author",
    "ad",
    "ads",
    "widget",
    "print",
    "popup",
    "modal",
    "banner",
    "header",
    "aside",
    "dateline",
    "timestamp",
    "hidden",
    "sr-only",
    "skip",
    "links",
    "bottom",
    "top",
    "login",
    "search",
    "caption-credit",
    "credit",
    "rss",
    // A forum post's poster panel (title, join date, message count): XenForo's `message-user`,
    // `message-cell--user`, `message-userExtras`; phpBB's `postprofile`; vBulletin's `userinfo`.
    "user",
    "userinfo",
    "userdetails",
    "userextras",
    "userblock",
    "messageuserinfo",
    "messageuserblock",
    "postprofile",
];
const POSITIVE: &[&str] = &[
    "article",
    "body",
    "content",
    "entry",
    "main",
    "post",
    "story",
    "text",
    "zoom",
    "detail",
    "news",
    "blog",
    "page",
    "con",
    "zw",
    "cont",
    "artibody",
    "article-body",
    "articlebody",
];

fn words(idclass: &str) -> impl Iterator<Item = &str> {
    idclass.split([' ', '_']).filter(|w| !w.is_empty())
}

/// The flags of an `id class` string, judging each word with `word_flags` (a memo of
/// [`word_flags`]).
fn class_flags<'a>(idclass: &'a str, word_flags: &mut impl FnMut(&'a str) -> u8) -> u8 {
    let mut f = 0;
    for token in idclass.split(' ') {
        // A BEM name (`block__element--modifier`): the element says what the box is, the block
        // only where it sits. `entry__author` is an author box, not the entry; `article__summary`
        // is still the article's.
        match token.rsplit_once("__") {
            Some((block, element)) => {
                let own = words(element).fold(0, |f, w| f | word_flags(w));
                let around = words(block).fold(0, |f, w| f | word_flags(w));
                f |= own;
                f |= if own & (STRONG | WEAK) != 0 {
                    around & !POS
                } else {
                    around
                };
            }
            None => {
                for w in words(token) {
                    f |= word_flags(w);
                }
            }
        }
    }
    f
}

/// Review widgets name their boxes after themselves (`yotpo-main-widget`, `jdgm-rev`).
const REVIEW_WIDGETS: &[&str] = &[
    "yotpo",
    "jdgm",
    "okendo",
    "stamped",
    "trustpilot",
    "bazaarvoice",
    "powerreviews",
];

/// The words a class word is judged by containing: [`STRONG_NEG`], then [`NEVER_NEG`], then
/// [`REVIEW_WIDGETS`], in one automaton.
fn contained_words() -> &'static aho_corasick::AhoCorasick {
    static AC: std::sync::LazyLock<aho_corasick::AhoCorasick> = std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::new(STRONG_NEG.iter().chain(NEVER_NEG).chain(REVIEW_WIDGETS))
            .expect("fixed word lists")
    });
    &AC
}

fn word_flags(w: &str) -> u8 {
    let mut f = 0;
    // `with-sidebar`, `layout-sidebar-right`, `has-comments`: the layout around the content,
    // not the furniture itself.
    let layout = w
        .split('-')
        .any(|p| matches!(p, "with" | "has" | "no" | "layout" | "template"));
    // One pass over the word finds which of the lists' words it contains.
    let (mut strong, mut never, mut review) = (false, false, false);
    for m in contained_words().find_overlapping_iter(w) {
        let i = m.pattern().as_usize();
        if i < STRONG_NEG.len() {
            strong = true;
        } else if i < STRONG_NEG.len() + NEVER_NEG.len() {
            never = true;
        } else {
            review = true;
        }
    }
    if !layout && strong {
        f |= STRONG;
    }
    if !layout && never {
        f |= NEVER;
    }
    if review {
        f |= REVIEW;
    }
    for part in w.split('-') {
        // `overflow-hidden` clips the box's overflow; `hidden`, `is-hidden`, `hidden-xs` hide it.
        let clip = part == "hidden" && w.split('-').any(|q| q.ends_with("overflow"));
        if !layout && clip {
            f |= CLIP;
        } else if !layout
            // What users wrote (`user-review`, `user-content`) is not the poster's panel.
            && ((WEAK_NEG.contains(&part)
                && !(part == "user" && (w.contains("review") || w.contains("content"))))
                // A forum poster's signature under each post (`signature`, XenForo's
                // `message-signature`, IPS's `ipsSignature`, vBulletin's `signaturecontainer`).
                || part.ends_with("signature")
                || part == "signaturecontainer")
        {
            f |= WEAK;
        }
        if !layout && matches!(part, "review" | "reviews") {
            f |= REVIEW;
        }
        if POSITIVE.contains(&part) {
            f |= POS;
        }
    }
    f
}

fn class_weight(f: u8) -> f32 {
    let mut w = 0.0;
    if f & STRONG != 0 {
        w -= 25.0;
    }
    if f & (WEAK | CLIP) != 0 {
        w -= 12.0;
    }
    if f & POS != 0 {
        w += 25.0;
    }
    w
}

/// Named like furniture that is never article text (and not also named like content).
fn strong_negative(f: u8) -> bool {
    f & STRONG != 0 && f & POS == 0
}

/// Named like the customers' reviews of a page that declares a product (and not also named like
/// content).
fn reviews(st: &Stats, f: u8) -> bool {
    st.shop && f & REVIEW != 0 && f & POS == 0
}

/// What a page declares itself to be, by `og:type` and JSON-LD `@type`.
struct Declared {
    /// A product's page: `og:type` `product`, or a JSON-LD `Product` on a page that declares no
    /// article or review (a review article names the product it reviews).
    product: bool,
    /// An article: `og:type` `article`, or a JSON-LD `Article`, `NewsArticle` or `BlogPosting`.
    article: bool,
}

/// JSON-LD types that declare an article: news and blog posts, with schema.org's kinds of news
/// article (reference kinds such as `TechArticle` or `ScholarlyArticle` are not among them: their
/// figures are part of what they say).
const ARTICLE_TYPES: &[&str] = &[
    "Article",
    "NewsArticle",
    "BlogPosting",
    "LiveBlogPosting",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
];

fn declared(dom: &Dom) -> Declared {
    let og = dom.meta("og:type").unwrap_or_default().to_ascii_lowercase();
    let og_article = og.contains("article");
    let scripts: Vec<&str> = dom
        .elements("script")
        .filter(|&i| {
            dom.nodes[i]
                .attr("type")
                .is_some_and(|t| t.contains("ld+json"))
        })
        .flat_map(|i| dom.nodes[i].children.iter())
        .map(|&c| dom.nodes[c].text.as_str())
        .collect();
    // Most pages name neither: they are let go before their JSON-LD is read closely.
    let named = |word: &str| scripts.iter().any(|t| t.contains(word));
    let (maybe_product, maybe_article) = (
        named("\"Product\""),
        named("Article\"") || named("BlogPosting\""),
    );
    if !maybe_product && !maybe_article {
        return Declared {
            product: og.contains("product"),
            article: og_article,
        };
    }
    let ld: String = scripts
        .iter()
        .flat_map(|t| t.chars().filter(|c| !c.is_whitespace()))
        .collect();
    let typed = |t: &str| {
        ld.contains(&format!("\"@type\":\"{t}\"")) || ld.contains(&format!("\"@type\":[\"{t}\""))
    };
    let ld_article = ARTICLE_TYPES.iter().any(|t| typed(t));
    Declared {
        product: og.contains("product")
            || (!og_article && typed("Product") && !ld_article && !typed("Review")),
        article: og_article || ld_article,
    }
}

/// Named like a cookie-consent block (and not also named like content).
fn never_negative(f: u8) -> bool {
    f & NEVER != 0 && f & POS == 0
}

/// Named like furniture that is usually not article text.
fn weak_negative(f: u8) -> bool {
    f & (WEAK | CLIP) != 0 && f & POS == 0
}

/// Picks the main content and renders it as paragraphs. `title` (if known) is dropped from the
/// start of the body; `captions` says whether photo captions are text.
pub(crate) fn body(dom: &Dom, title: &str, captions: Captions) -> Vec<Block> {
    let st = stats(dom, captions);
    let strict = select(dom, &st, title, true, false);
    let chars: usize = strict.iter().map(Block::chars).sum();
    let (best, named) = if chars >= 250 {
        (strict, true)
    } else {
        // Pages whose every container is named like furniture: vote without the names.
        let loose = select(dom, &st, title, false, false);
        if loose.iter().map(Block::chars).sum::<usize>() > chars {
            (loose, false)
        } else {
            (strict, true)
        }
    };
    let chars: usize = best.iter().map(Block::chars).sum();
    // Whether the pick reads as an article (two real paragraphs): then the wide reading is only
    // tried inside a region the page marks as main, never the whole body.
    let article = best.iter().filter(|b| b.chars() >= 200).count() >= 2;
    let has_main = main_region(dom, &st).is_some();
    if chars < 500 || (chars < 10_000 && (!article || has_main)) {
        let w = wide(dom, &st, title, chars);
        if w.iter().map(Block::chars).sum::<usize>() > chars * 4 {
            return trim_meta(w);
        }
    }
    // Titled sections named `overflow-hidden` are read, once the wide reading is settled: it is
    // weighed against the pick without them, as on pages that name no section so.
    if named && (0..dom.len()).any(|j| clipped_section(dom, &st, j)) {
        return trim_meta(select(dom, &st, title, true, true));
    }
    trim_meta(best)
}

/// Drops date/source lines (`发表于 2004年12月27日 (阅读:3727)`, `来源：南方都市报`) at either end
/// of the body: the header and footer of a post, not its text. At most three at each end, and
/// never the body's only lines.
fn trim_meta(mut blocks: Vec<Block>) -> Vec<Block> {
    let meta = |b: &Block| b.text.chars().count() < 100 && fields::is_meta_line(&b.text);
    let head = blocks.iter().take(3).take_while(|b| meta(b)).count();
    let tail = blocks.iter().rev().take(3).take_while(|b| meta(b)).count();
    if head + tail >= blocks.len() {
        return blocks;
    }
    blocks.truncate(blocks.len() - tail);
    blocks.drain(..head);
    blocks
}

/// The page's own main region: its first visible `<main>` (or `role="main"`) with text.
fn main_region(dom: &Dom, st: &Stats) -> Option<usize> {
    (0..dom.len()).find(|&i| {
        let n = &dom.nodes[i];
        (n.is("main") || n.attr("role") == Some("main")) && !st.hidden[i] && st.chars[i] > 0
    })
}

/// Pages made of many short items (listings, categories, product grids, service pages) have no
/// paragraph that wins: the page's main region (`<main>`, else `<body>`) without its furniture,
/// keeping link lists whose links read like item titles rather than menu words.
fn wide(dom: &Dom, st: &Stats, title: &str, picked: usize) -> Vec<Block> {
    let main = main_region(dom, st);
    let body = dom.elements("body").next().unwrap_or(0);
    let root = main.unwrap_or(body);
    // Only a region the page marks as main: in a whole `<body>` the block holding most text
    // may be a sidebar of categories or a reply tree.
    let core = if main.is_some() || picked < 100 {
        dense_core(dom, st, root)
    } else {
        None
    };
    let skip = |d: &Dom, j: usize| {
        if j == root {
            return false;
        }
        // Inside a link-dense block that holds most of the region's text (an index page: lists
        // of short links are the content) and on the way down to it, only furniture by name or
        // kind is left out.
        let in_core = |c: usize| (j > c && j < d.nodes[c].end) || (j <= c && c < d.nodes[j].end);
        if core.is_some_and(in_core) {
            return furniture(d, st, j, true, 0, false);
        }
        let chars = st.chars[j];
        let anchors = st.anchors[j];
        // Links of 15 characters or more on average: item titles, not menu words.
        let titles = anchors > 0 && st.links[j] >= anchors * 15;
        if titles && d.nodes[j].kind == Kind::Element && !st.hidden[j] {
            let name = d.nodes[j].name.as_str();
            let furniture = matches!(name, "nav" | "aside" | "footer" | "header" | "menu")
                || strong_negative(st.flags[j])
                || weak_negative(st.flags[j]);
            if !furniture && chars > 0 {
                return false;
            }
        }
        // A block holding half the region's text or more is the region's content whatever its
        // name says (Drupal's `node--promoted`, promoted to the front page; a forum's thread
        // named `comments`); only what it is and its links can leave it out.
        let whole = st.chars[j] * 2 >= st.chars[root];
        // So is a `<form>` holding half the region: a forum's moderation form around its thread
        // (vBulletin's `inlinemodform`, IPS). Not one holding nine tenths of the whole page: the
        // page-wide form of ASP.NET WebForms, around the text and all its furniture alike.
        if whole && d.nodes[j].is("form") && !st.hidden[j] && st.chars[j] * 10 < st.chars[body] * 9
        {
            return false;
        }
        clean(d, st, j, !whole, 0, false)
    };
    tidy(dom, text::render(dom, root, &skip), title)
}

/// The block that holds half or more of the region's text, deepest first, when it is mostly link
/// text (a list of short links that is the page's content, not a menu beside it).
fn dense_core(dom: &Dom, st: &Stats, root: usize) -> Option<usize> {
    let total = st.chars[root];
    let mut c = root;
    while let Some(&k) = dom.nodes[c]
        .children
        .iter()
        .find(|&&k| dom.nodes[k].kind == Kind::Element && st.chars[k] * 2 >= total)
    {
        c = k;
    }
    (c != root && st.links[c] * 2 > st.chars[c] && !furniture(dom, st, c, true, 0, false))
        .then_some(c)
}

fn select(dom: &Dom, st: &Stats, title: &str, use_names: bool, clipped: bool) -> Vec<Block> {
    let n = dom.len();
    let mut score = vec![0f32; n];
    let mut seen = vec![false; n];
    // Text inside comment threads, sidebars, share bars and the like never votes.
    let mut neg = vec![false; n];
    // Unlinked text of the paragraphs that vote, per subtree.
    let mut good = vec![0u32; n];
    for i in 0..n {
        let node = &dom.nodes[i];
        let p = node.parent;
        neg[i] = (p != NONE && neg[p])
            || (node.kind == Kind::Element
                && !matches!(node.name.as_str(), "html" | "body")
                && (never_negative(st.flags[i])
                    || (use_names
                        && (strong_negative(st.flags[i])
                            || reviews(st, st.flags[i])
                            || matches!(node.name.as_str(), "nav" | "aside" | "footer")))));
        if node.kind != Kind::Element || st.hidden[i] || neg[i] || !node.block {
            continue;
        }
        let inl = st.inl[i];
        if inl < 25 || st.inl_links[i] * 2 > inl {
            continue;
        }
        // An item that opens with a link and has more beside it (a post title, then its author,
        // time and counts): an entry of a listing or a reply tree, not a paragraph of the text.
        if node.name == "li" && st.inl_links[i] * 4 > inl && leads_with_link(dom, st, i) {
            continue;
        }
        good[i] = inl - st.inl_links[i];
        let s = 1.0 + st.inl_commas[i] as f32 + (inl as f32 / 100.0).min(3.0);
        // A div that holds its text directly (with <br>s) is a container as much as a paragraph.
        let self_level = !matches!(
            node.name.as_str(),
            "p" | "li" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
        );
        let mut a = if self_level { i } else { node.parent };
        let mut level = 0u32;
        while a != NONE && a != 0 && level < 5 {
            if !seen[a] {
                seen[a] = true;
                score[a] += init_score(dom, st, a);
            }
            let div = match level {
                0 => 1.0,
                1 => 2.0,
                l => l as f32 * 3.0,
            };
            score[a] += s / div;
            a = dom.nodes[a].parent;
            level += 1;
        }
    }
    let mut top = NONE;
    let mut top_score = f32::MIN;
    for i in 0..n {
        if !seen[i] {
            continue;
        }
        let ld = if st.chars[i] > 0 {
            st.links[i] as f32 / st.chars[i] as f32
        } else {
            0.0
        };
        score[i] *= 1.0 - ld;
        if score[i] > top_score {
            top_score = score[i];
            top = i;
        }
    }
    for i in (1..n).rev() {
        let p = dom.nodes[i].parent;
        if p != NONE {
            good[p] += good[i];
        }
    }
    // An article cut into blocks of a page builder (Divi, Beaver Builder, Elementor: one module
    // per section), a thread cut into posts (each post's body nests eight or more levels below
    // the thread): climb to an ancestor (at most 24 levels up) that holds three times the voting
    // text, while the way up stays mostly unlinked.
    'climb: while top != NONE {
        let mut c = top;
        let mut p = dom.nodes[top].parent;
        for _ in 0..24 {
            if p == NONE
                || neg[p]
                || dom.nodes[p].kind != Kind::Element
                || matches!(dom.nodes[p].name.as_str(), "html" | "body")
            {
                break 'climb;
            }
            let ld = st.links[p] as f32 / st.chars[p].max(1) as f32;
            if ld > 0.3 {
                break 'climb;
            }
            if good[p] >= good[top].saturating_mul(3) || section_run(dom, st, &good, p, c) {
                top = p;
                continue 'climb;
            }
            c = p;
            p = dom.nodes[p].parent;
        }
        break;
    }
    let roots: Vec<usize> = if top == NONE {
        vec![dom.elements("body").next().unwrap_or(0)]
    } else if let Some(m) = marked_main(dom, top) {
        vec![m]
    } else {
        siblings(dom, st, &score, top, top_score)
    };
    // The winner and the elements around it are content whatever they are named or however many
    // links sit beside it: a wider root (the page's `<main>`) must not lose the text that won.
    let mut keep = vec![false; n];
    let mut a = top;
    while a != NONE {
        keep[a] = true;
        a = dom.nodes[a].parent;
    }
    let top_chars = if top == NONE { 0 } else { st.chars[top] };
    let mut blocks = Vec::new();
    for &r in &roots {
        // Inside a sibling taken along, its own text is the measure (Elementor names every
        // wrapper `elementor-widget-container`).
        let own = if keep[r] { top_chars } else { st.chars[r] };
        // A tab set's hidden panels are read inside the winner only (the other systems' steps
        // of an installation guide), not in the widgets around it.
        let in_top = |j: usize| top != NONE && j > top && j < dom.nodes[top].end;
        let skip = |d: &Dom, j: usize| {
            !keep[j]
                && !roots.contains(&j)
                && ((st.panel[j] && !in_top(j)) || clean(d, st, j, use_names, own, clipped))
        };
        blocks.extend(text::render(dom, r, &skip));
    }
    tidy(dom, blocks, title)
}

/// The first word of an element's `class` (`sect1`, `rc24` of `rc24 rc24v1 cpad`): what a
/// template calls one kind of block, whatever modifiers each copy carries.
fn kind_word(node: &crate::dom::Node) -> Option<&str> {
    node.attr("class")
        .and_then(|c| c.split_ascii_whitespace().next())
}

/// Whether `p` holds a run of sections of one kind, `c` (on the way up from the winner) among
/// them, that together carry the text: a reference page or a service page cut into sections of
/// one template (`<div class="sect1">` for each of NAME, SYNOPSIS, OPTIONS, ...), where one
/// section wins alone. The other sections of the run must carry half of `c`'s voting text.
fn section_run(dom: &Dom, st: &Stats, good: &[u32], p: usize, c: usize) -> bool {
    let node = &dom.nodes[c];
    let Some(kind) = kind_word(node) else {
        return false;
    };
    if node.is("main") || node.attr("role") == Some("main") || !headed(dom, st, c) {
        return false;
    }
    let mut other = 0u32;
    for &k in &dom.nodes[p].children {
        let n = &dom.nodes[k];
        if k != c
            && n.kind == Kind::Element
            && !st.hidden[k]
            && n.name == node.name
            && kind_word(n) == Some(kind)
            && headed(dom, st, k)
        {
            other += good[k];
        }
    }
    other > 0 && other * 2 >= good[c]
}

/// Whether element `i` opens with a heading that is not a link (a titled section of a
/// document, not a teaser card whose title links elsewhere).
fn headed(dom: &Dom, st: &Stats, i: usize) -> bool {
    let first = (i + 1..dom.nodes[i].end).find(|&j| {
        let n = &dom.nodes[j];
        n.kind == Kind::Text && !st.hidden[j] && st.chars[j] > 0
    });
    let Some(j) = first else {
        return false;
    };
    let mut a = dom.nodes[j].parent;
    let mut heading = false;
    while a != i && a != NONE {
        match dom.nodes[a].name.as_str() {
            "a" => return false,
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => heading = true,
            _ => {}
        }
        a = dom.nodes[a].parent;
    }
    heading
}

/// The page's own main region around the winner: the nearest `<main>` (or `role="main"`) above it.
/// Pages that mark their main content say what it is better than any score.
fn marked_main(dom: &Dom, top: usize) -> Option<usize> {
    let mut a = top;
    while a != NONE {
        let n = &dom.nodes[a];
        if n.is("main") || n.attr("role") == Some("main") {
            return Some(a);
        }
        a = n.parent;
    }
    None
}

fn init_score(dom: &Dom, st: &Stats, i: usize) -> f32 {
    let node = &dom.nodes[i];
    let t = match node.name.as_str() {
        "div" | "article" | "main" => 5.0,
        "section" | "pre" | "td" | "blockquote" => 3.0,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
        _ => 0.0,
    };
    t + class_weight(st.flags[i])
}

/// The top candidate plus siblings that look like more of the same article.
fn siblings(dom: &Dom, st: &Stats, score: &[f32], top: usize, top_score: f32) -> Vec<usize> {
    let parent = dom.nodes[top].parent;
    if parent == NONE {
        return vec![top];
    }
    let threshold = (top_score * 0.2).max(10.0);
    let top_class = dom.nodes[top].attr("class").unwrap_or("");
    let mut out = Vec::new();
    for &s in &dom.nodes[parent].children {
        if s == top {
            out.push(s);
            continue;
        }
        let node = &dom.nodes[s];
        if node.kind != Kind::Element || st.hidden[s] || st.chars[s] == 0 {
            continue;
        }
        let mut bonus = 0.0;
        if !top_class.is_empty() && node.attr("class") == Some(top_class) {
            bonus = top_score * 0.2;
        }
        let ld = st.links[s] as f32 / st.chars[s] as f32;
        let ok = score[s] + bonus >= threshold
            || (node.name == "p" && st.chars[s] >= 80 && ld < 0.25)
            || (node.name == "p" && st.chars[s] > 0 && ld == 0.0 && ends_sentence(&dom.text_of(s)));
        if ok && !strong_negative(st.flags[s]) {
            out.push(s);
        }
    }
    out
}

/// Whether the first visible text inside element `i` is link text.
fn leads_with_link(dom: &Dom, st: &Stats, i: usize) -> bool {
    let first = (i + 1..dom.nodes[i].end).find(|&j| {
        let n = &dom.nodes[j];
        n.kind == Kind::Text && !st.hidden[j] && st.chars[j] > 0
    });
    let mut a = match first {
        Some(j) => dom.nodes[j].parent,
        None => return false,
    };
    while a != i && a != NONE {
        if dom.nodes[a].name == "a" {
            return true;
        }
        a = dom.nodes[a].parent;
    }
    false
}

fn ends_sentence(t: &str) -> bool {
    t.ends_with(['.', '。', '!', '?', '！', '？', '"', '”'])
}

/// Whether element `j` inside the content is furniture to leave out.
/// `top_chars` is the winner's text: an element holding half of it or more is not left out for a
/// weak name (Drupal's `field--label-hidden`, a `post-meta` wrapper around the whole post).
/// With `clipped`, titled sections named only `overflow-hidden` ([`clipped_section`]) are read.
fn clean(dom: &Dom, st: &Stats, j: usize, use_names: bool, top_chars: u32, clipped: bool) -> bool {
    if dom.nodes[j].kind != Kind::Element {
        return false;
    }
    if furniture(dom, st, j, use_names, top_chars, clipped) {
        return true;
    }
    let chars = st.chars[j];
    if chars == 0 {
        return false;
    }
    let ld = st.links[j] as f32 / chars as f32;
    match dom.nodes[j].name.as_str() {
        "ul" | "ol" | "dl" => ld > 0.4,
        "div" | "section" | "table" | "tbody" | "tr" | "td" | "figure" | "center" | "span" => {
            ld > 0.5 || (ld > 0.3 && chars < 300)
        }
        "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "li" => ld > 0.6 && chars < 200,
        _ => false,
    }
}

/// Whether element `j` is furniture by what it is (hidden, `nav`, `form`, a navigation role) or by
/// its name, whatever its links.
fn furniture(
    dom: &Dom,
    st: &Stats,
    j: usize,
    use_names: bool,
    top_chars: u32,
    clipped: bool,
) -> bool {
    let node = &dom.nodes[j];
    if node.kind != Kind::Element {
        return false;
    }
    if st.hidden[j] && !st.panel[j] {
        return true;
    }
    let name = node.name.as_str();
    if matches!(
        name,
        "nav" | "aside" | "footer" | "form" | "header" | "menu"
    ) {
        return true;
    }
    if never_negative(st.flags[j]) {
        return true;
    }
    if st.photo_captions.get(j).copied().unwrap_or(false) {
        return true;
    }
    if use_names
        && (strong_negative(st.flags[j])
            || reviews(st, st.flags[j])
            || (weak_negative(st.flags[j])
                && st.chars[j] * 2 < top_chars
                && !(clipped && clipped_section(dom, st, j))))
    {
        return true;
    }
    if let Some(role) = node.attr("role") {
        if matches!(
            role,
            "navigation" | "complementary" | "banner" | "contentinfo" | "menu" | "dialog"
        ) {
            return true;
        }
    }
    false
}

/// The `figure` element `j` sits in, if any.
fn enclosing_figure(dom: &Dom, j: usize) -> Option<usize> {
    let mut f = dom.nodes[j].parent;
    while f != NONE && !dom.nodes[f].is("figure") {
        f = dom.nodes[f].parent;
    }
    (f != NONE).then_some(f)
}

/// Whether caption `j` (a `figcaption`, or a [`class_caption`]) in `figure` (its figure or box,
/// or itself) captions a photo: the caption and credit under a picture, which article pages show
/// beside their text but which is not their text. A numbered figure's caption (`Figure 2.`,
/// `Table 1:`, `图3`) and the caption of code or a table are read: a paper or a manual refers
/// to them.
fn photo_caption(dom: &Dom, j: usize, figure: usize) -> bool {
    !dom.holds(figure, &["pre", "code", "table"]) && !numbered_label(&dom.text_of(j))
}

/// The box of element `j` when `j` is a caption named by its class beside a picture, the shape
/// themes use where HTML has `figcaption` (WordPress's `<p class="wp-caption-text">` in a
/// `wp-caption` box, `photo-caption`, `c-media__caption`): a class word `caption` (between `-`
/// or `_`), no picture inside, a picture within two levels up (that ancestor is the box), and
/// short.
fn class_caption(dom: &Dom, j: usize) -> Option<usize> {
    let node = &dom.nodes[j];
    let named = node.attr("class").is_some_and(|c| {
        c.split_whitespace().any(|t| {
            t.split(['-', '_'])
                .any(|w| w.eq_ignore_ascii_case("caption"))
        })
    });
    if !named || dom.holds(j, PICTURES) {
        return None;
    }
    let mut a = node.parent;
    for _ in 0..2 {
        if a == NONE {
            return None;
        }
        if dom.holds(a, PICTURES) {
            return (dom.text_of(j).chars().count() <= CAPTION_MAX_CHARS).then_some(a);
        }
        a = dom.nodes[a].parent;
    }
    None
}

/// A caption is a line or two; a longer block with a caption's class name is text.
const CAPTION_MAX_CHARS: usize = 400;

/// What shows a picture.
const PICTURES: &[&str] = &["img", "picture", "video"];

/// Whether a caption opens with a figure's number: `Figure 2.`, `Fig.3:`, `Table 1`, `Listing
/// 4-1`, `Abbildung 2`, `Рис. 3`, `图 3`, `表1`, `图一`.
fn numbered_label(caption: &str) -> bool {
    let t = caption.trim_start();
    for han in ["图", "表", "図", "그림", "표"] {
        if let Some(rest) = t.strip_prefix(han) {
            return rest
                .trim_start()
                .starts_with(|c: char| c.is_ascii_digit() || "一二三四五六七八九十".contains(c));
        }
    }
    // The label, then its number: after a space, or glued on after a dot (`Fig.3`).
    let first = t.split_whitespace().next().unwrap_or("");
    let (label, number) = match first.find(|c: char| c.is_ascii_digit()) {
        Some(at) if first[..at].ends_with('.') => (&first[..at], &first[at..]),
        _ => (first, t[first.len()..].trim_start()),
    };
    let label = label.trim_end_matches(['.', ':']).to_lowercase();
    FIGURE_LABELS.contains(&label.as_str()) && number.starts_with(|c: char| c.is_ascii_digit())
}

/// Words that number a figure, a table or a listing, in the languages of the pages met so far
/// and their neighbours (lower case, without the abbreviation's dot).
const FIGURE_LABELS: &[&str] = &[
    "figure",
    "fig",
    "figs",
    "table",
    "tab",
    "listing",
    "chart",
    "exhibit",
    "diagram",
    "plate",
    "map",
    "abbildung",
    "abb",
    "tabelle",
    "figura",
    "tabla",
    "tableau",
    "tabella",
    "рис",
    "рисунок",
    "таблица",
];

/// Whether element `j` is a titled section named like furniture only by its clipping box
/// (`<section class="overflow-hidden">`: page builders and Tailwind put it on every band of a
/// service page): it opens with an unlinked heading and holds 200 characters or more, mostly
/// unlinked.
fn clipped_section(dom: &Dom, st: &Stats, j: usize) -> bool {
    let f = st.flags[j];
    f & CLIP != 0
        && f & (WEAK | STRONG) == 0
        && st.chars[j] >= 200
        && st.links[j] * 4 < st.chars[j]
        && headed(dom, st, j)
}

/// Block texts that are page furniture wherever they appear.
const JUNK: &[&str] = &[
    "advertisement",
    "story continues below advertisement",
    "continue reading",
    "read more",
    "share this:",
    "share this article",
    "share",
    "related:",
    "related",
    "sign up",
    "subscribe",
    "loading...",
    "scroll to continue with content",
    "back to top",
    "related articles",
    "related posts",
    "recommended posts",
    "share this post",
    "like this:",
    "like loading...",
    "sign in",
    "create an account",
    "watch next",
    "table of contents",
    "discussion about this post",
    "ready for more?",
    "no posts",
    "share on other sites",
    "share on",
    "skip to main content",
    "skip to content",
    "skip to search results",
    "follow us",
    "read next",
    "up next",
    "you might also like",
    "you may also like",
    "leave a comment",
    "show more",
    "see all",
    "sign in now",
    "register a new account",
    "sponsored",
];

/// Whether block element `i` is a figure's caption or sits in a figure (three levels at most).
fn caption(dom: &Dom, i: usize) -> bool {
    let mut a = i;
    for _ in 0..3 {
        if a == NONE {
            return false;
        }
        let n = &dom.nodes[a];
        if matches!(n.name.as_str(), "figure" | "figcaption") || n.idclass.contains("caption") {
            return true;
        }
        a = n.parent;
    }
    false
}

/// Whether a line is only a count of reactions (`7 Likes`, `1.2k views`, `12 replies`, `24
/// reviews`): the counters under a post or beside a product, not its text.
fn tally(lower: &str) -> bool {
    let mut w = lower.split_whitespace();
    let (Some(n), Some(what), None) = (w.next(), w.next(), w.next()) else {
        return false;
    };
    let n = n.trim_end_matches('k');
    !n.is_empty()
        && n.bytes()
            .all(|b| b.is_ascii_digit() || b == b',' || b == b'.')
        && n.bytes().any(|b| b.is_ascii_digit())
        && matches!(
            what,
            "like"
                | "likes"
                | "reply"
                | "replies"
                | "view"
                | "views"
                | "reaction"
                | "reactions"
                | "comment"
                | "comments"
                | "vote"
                | "votes"
                | "point"
                | "points"
                | "share"
                | "shares"
                | "review"
                | "reviews"
                | "ratings"
        )
}

/// Drops the title repeated at the top and lone furniture lines.
fn tidy(dom: &Dom, blocks: Vec<Block>, title: &str) -> Vec<Block> {
    let tnorm = fields::norm(title);
    // A photo's caption said again (in the page, the gallery and its lightbox) is read once.
    let mut said = std::collections::HashSet::new();
    blocks
        .into_iter()
        .filter(|b| {
            if caption(dom, b.node) && !said.insert(b.text.clone()) {
                return false;
            }
            let lower = b.text.to_lowercase();
            if JUNK.contains(&lower.trim_end_matches(['.', ':']))
                || JUNK.contains(&lower.as_str())
                || tally(&lower)
            {
                return false;
            }
            tnorm.is_empty() || fields::norm(&b.text) != tnorm
        })
        .collect()
}

/// The title of a general page: the `<h1>` that the page's own title (`og:title`, else
/// `<title>`) contains, else that title's own part ([`fields::own_title_part`]), else the first
/// `<h1>`.
pub(crate) fn title(dom: &Dom) -> String {
    let own = dom
        .meta("og:title")
        .or_else(|| dom.meta("twitter:title"))
        .or_else(|| dom.elements("title").next().map(|t| dom.text_of(t)))
        .unwrap_or_default();
    let onorm = fields::norm(&own);
    let mut first_h1 = None;
    for h in dom.elements("h1").take(3) {
        if dom.subtree_end(h) - h > 200 {
            continue;
        }
        let t = dom.text_of(h);
        let hn = fields::norm(&t);
        if !hn.is_empty() && onorm.contains(&hn) {
            return t;
        }
        if first_h1.is_none() && !t.is_empty() {
            first_h1 = Some(t);
        }
    }
    let cleaned = fields::own_title_part(&own);
    if cleaned.is_empty() {
        first_h1.unwrap_or_default()
    } else {
        cleaned
    }
}

/// Meta tags that carry the publication date, most specific first.
const DATE_METAS: &[&str] = &[
    "article:published_time",
    "PubDate",
    "publishdate",
    "pubdate",
    "datePublished",
    "date",
    "dc.date",
    "DC.date.issued",
    "dcterms.created",
    "og:published_time",
    "publish-date",
    "publish_date",
    "sailthru.date",
    "parsely-pub-date",
    "firstpublishedtime",
];

/// The publication date: meta tags, JSON-LD `datePublished`, an element marked `datePublished`, a
/// date line next to the title, the address, else the first `<time datetime>`. Modification dates
/// are never used.
pub(crate) fn date(dom: &Dom, url: &str) -> Option<chrono::NaiveDate> {
    DATE_METAS
        .iter()
        .find_map(|k| dom.meta(k).and_then(|v| fields::parse_date_value(&v)))
        .or_else(|| json_ld(dom, "datePublished").and_then(|v| fields::parse_date_value(&v)))
        .or_else(|| {
            (0..dom.len()).find_map(|i| {
                let n = &dom.nodes[i];
                (n.kind == Kind::Element && n.attr("itemprop") == Some("datePublished"))
                    .then(|| {
                        n.attr("datetime")
                            .or(n.attr("content"))
                            .map(str::to_string)
                            .unwrap_or_else(|| dom.text_of(i))
                    })
                    .and_then(|v| fields::parse_date_value(&v))
            })
        })
        .or_else(|| near_title(dom).iter().find_map(|t| date_in_line(t)))
        .or_else(|| fields::date_from_url(url))
        .or_else(|| {
            // The first machine-readable `<time datetime>`: blogs and forums stamp the post so.
            dom.elements("time").find_map(|i| {
                dom.nodes[i]
                    .attr("datetime")
                    .and_then(fields::parse_date_value)
            })
        })
}

/// The `source` a general page names: a `ContentSource`/`source` meta tag, else a `Source:`/`来源：`
/// label in a line next to the title.
pub(crate) fn source(dom: &Dom) -> Option<String> {
    dom.meta("ContentSource")
        .or_else(|| dom.meta("source"))
        .or_else(|| {
            near_title(dom)
                .iter()
                .find_map(|t| fields::source_in_line(t))
        })
}

/// A date in a short line that reads as a date line (labels, or a bare date with a time).
fn date_in_line(t: &str) -> Option<chrono::NaiveDate> {
    fields::is_meta_line(t)
        .then(|| fields::parse_date_value(t))
        .flatten()
}

/// The first few short lines after the page's main heading (where bylines and date lines sit).
fn near_title(dom: &Dom) -> Vec<String> {
    let Some(h) = dom.elements("h1").next() else {
        return Vec::new();
    };
    let from = dom.subtree_end(h);
    let to = (from + 300).min(dom.len());
    text::render_range(dom, from, to, &|_, _| false)
        .into_iter()
        .take(8)
        .map(|b| b.text)
        .filter(|t| t.chars().count() <= 160)
        .collect()
}

/// The first string value of `key` in the page's JSON-LD scripts (no full JSON parse: the key, a
/// colon, a quoted string).
fn json_ld(dom: &Dom, key: &str) -> Option<String> {
    let quoted = format!("\"{key}\"");
    dom.elements("script")
        .filter(|&i| {
            dom.nodes[i]
                .attr("type")
                .is_some_and(|t| t.contains("ld+json"))
        })
        .flat_map(|i| dom.nodes[i].children.clone())
        .find_map(|c| {
            let t = &dom.nodes[c].text;
            let at = t.find(&quoted)? + quoted.len();
            let rest = t[at..].trim_start().strip_prefix(':')?.trim_start();
            let rest = rest.strip_prefix('"')?;
            Some(rest[..rest.find('"')?].to_string())
        })
}
