//! Every article of the fixture site (all templates, English and Chinese, GBK and UTF-8) extracts
//! to its ground truth: fields equal on at least 99% of articles, body shingle-F1 at least 0.99
//! (the metric of `shared/benchmarks/extraction/score.py`), no body carries boilerplate, and the
//! structure is kept: bodies equal paragraph for paragraph on 99% of articles, and on every article
//! with a table each row is one paragraph (a metric over words alone lets a table whose cells come
//! out as separate paragraphs through).

use jinan_extract::{extract, Hints};
use std::collections::HashMap;
use testsite::{Request, Site, SiteConfig};

const BASE: &str = "http://english.jinan.gov.cn/";

/// score.py's default `cjk` tokenizer: each Han/kana character is a token, other word characters
/// form runs.
fn tokens(s: &str) -> Vec<String> {
    fn cjk(c: char) -> bool {
        matches!(c as u32,
            0x3005 | 0x3007 | 0x3040..=0x30FF | 0x31F0..=0x31FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
            | 0xF900..=0xFAFF | 0x20000..=0x3134F)
    }
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        if cjk(c) {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            out.push(c.to_string());
        } else if c.is_alphanumeric() || c == '_' {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn shingles(t: &[String]) -> HashMap<Vec<String>, usize> {
    let mut m = HashMap::new();
    if t.is_empty() {
        return m;
    }
    if t.len() <= 4 {
        *m.entry(t.to_vec()).or_default() += 1;
        return m;
    }
    for w in t.windows(4) {
        *m.entry(w.to_vec()).or_default() += 1;
    }
    m
}

/// Normalised (tp, fp, fn) of one page, as score.py computes them.
fn page_counts(truth: &str, pred: &str) -> (f64, f64, f64) {
    let (t, p) = (shingles(&tokens(truth)), shingles(&tokens(pred)));
    let mut tp = 0usize;
    for (k, &n) in &t {
        tp += n.min(p.get(k).copied().unwrap_or(0));
    }
    let fp = p.values().sum::<usize>() - tp;
    let fn_ = t.values().sum::<usize>() - tp;
    let total = (tp + fp + fn_) as f64;
    if total == 0.0 {
        return (0.0, 0.0, 0.0);
    }
    (tp as f64 / total, fp as f64 / total, fn_ as f64 / total)
}

/// F1 of mean precision and mean recall over pages (score.py's `aggregate`).
fn shingle_f1(pairs: &[(String, String)]) -> f64 {
    let (mut ps, mut rs) = (Vec::new(), Vec::new());
    for (t, p) in pairs {
        let (tp, fp, fn_) = page_counts(t, p);
        let both_zero = fp == 0.0 && fn_ == 0.0;
        if tp + fp > 0.0 {
            ps.push(if both_zero { 1.0 } else { tp / (tp + fp) });
        }
        if tp + fn_ > 0.0 {
            rs.push(if both_zero { 1.0 } else { tp / (tp + fn_) });
        }
    }
    let mean = |v: &[f64]| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let (p, r) = (mean(&ps), mean(&rs));
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

#[test]
fn metric_matches_score_py_definition() {
    let same = vec![("a b c d e".to_string(), "a b c d e".to_string())];
    assert!((shingle_f1(&same) - 1.0).abs() < 1e-9);
    let half = vec![("a b c d e f".to_string(), "a b c d x y".to_string())];
    assert!(shingle_f1(&half) < 0.5);
    assert_eq!(tokens("济南 city_1, ok"), ["济", "南", "city_1", "ok"]);
}

#[test]
fn fixture_articles_extract_to_truth() {
    let site = Site::new(SiteConfig {
        articles: 2_000,
        hazards: false,
        ..SiteConfig::default()
    });
    let truth: HashMap<String, jinan_types::Article> = site
        .truth(BASE)
        .into_iter()
        .map(|a| (a.url.clone(), a))
        .collect();
    let boiler = site.boilerplate_strings();
    let infos: Vec<_> = site.articles().into_iter().filter(|a| a.live).collect();
    assert!(infos.len() >= 1_900, "fixture too small: {}", infos.len());
    let (mut title, mut date, mut source, mut column, mut lang) = (0, 0, 0, 0, 0);
    let mut pairs = Vec::new();
    let mut failures = Vec::new();
    let (mut exact, mut tables) = (0, 0);
    let mut unequal = Vec::new();
    let mut structure = Vec::new();
    for info in &infos {
        let resp = site.render(&Request::get(&info.path));
        assert_eq!(resp.status, 200, "{}", info.path);
        let url = format!("{}{}", BASE.trim_end_matches('/'), info.path);
        let want = &truth[&url];
        let hints = Hints {
            content_type: resp.header("content-type"),
            column: Some(&info.column_name),
        };
        let got = extract(&resp.body, &url, &hints).unwrap_or_else(|e| panic!("{url}: {e}"));
        title += usize::from(got.title == want.title);
        date += usize::from(got.date == want.date);
        source += usize::from(got.source == want.source);
        column += usize::from(got.column == want.column);
        lang += usize::from(got.lang == want.lang);
        if got.title != want.title
            || got.date != want.date
            || got.source != want.source
            || got.column != want.column
        {
            failures.push(format!(
                "{:?} {url}\n  got  {:?} {:?} {:?} {:?}\n  want {:?} {:?} {:?} {:?}",
                info.template,
                got.title,
                got.date,
                got.source,
                got.column,
                want.title,
                want.date,
                want.source,
                want.column
            ));
        }
        for b in &boiler {
            assert!(
                !got.body.contains(b),
                "{url} ({:?}) body contains boilerplate {b:?}",
                info.template
            );
        }
        if got.body == want.body {
            exact += 1;
        } else if unequal.len() < 6 {
            let (g, w): (Vec<&str>, Vec<&str>) = (
                got.body.split("\n\n").collect(),
                want.body.split("\n\n").collect(),
            );
            let first = g
                .iter()
                .zip(&w)
                .position(|(a, b)| a != b)
                .unwrap_or(g.len().min(w.len()));
            unequal.push(format!(
                "{:?} {url} paragraph {first}: got {:?} want {:?}",
                info.template,
                g.get(first),
                w.get(first)
            ));
        }
        let got_paras: Vec<&str> = got.body.split("\n\n").collect();
        let rows: Vec<&str> = want
            .body
            .split("\n\n")
            .filter(|p| p.contains(" | "))
            .collect();
        tables += usize::from(!rows.is_empty());
        for row in rows {
            if !got_paras.contains(&row) {
                structure.push(format!(
                    "{:?} {url}: row {row:?} is not a paragraph",
                    info.template
                ));
            }
        }
        pairs.push((want.body.clone(), got.body.clone()));
    }
    assert!(tables >= 100, "too few articles with tables: {tables}");
    assert!(
        structure.is_empty(),
        "{} table rows lost:\n{:#?}",
        structure.len(),
        &structure[..structure.len().min(8)]
    );
    let n = infos.len() as f64;
    let need = |k: usize| k as f64 / n >= 0.99;
    let shown: Vec<_> = failures.iter().take(8).collect();
    assert!(
        need(title) && need(date) && need(source) && need(column) && need(lang),
        "fields right of {n}: title {title} date {date} source {source} column {column} lang {lang}\n{shown:#?}"
    );
    let f1 = shingle_f1(&pairs);
    assert!(f1 >= 0.99, "body shingle F1 {f1:.4}");
    assert!(
        need(exact),
        "bodies equal to the truth, paragraph for paragraph: {exact} of {n}\n{unequal:#?}"
    );
}

#[test]
fn seed_pages_extract_to_seed_text() {
    let site = Site::new(SiteConfig {
        articles: 20,
        hazards: false,
        ..SiteConfig::default()
    });
    let truth = site.truth(BASE);
    for (i, needle) in [(0usize, "Kfar Saba"), (1, "Kharkiv")] {
        let info = site.article(i).expect("seed article");
        let resp = site.render(&Request::get(&info.path));
        let url = format!("{}{}", BASE.trim_end_matches('/'), info.path);
        let hints = Hints {
            content_type: resp.header("content-type"),
            column: None,
        };
        let got = extract(&resp.body, &url, &hints).expect("extracts");
        let want = truth.iter().find(|a| a.url == url).expect("truth");
        assert!(got.body.contains(needle));
        assert!(got.body.contains("[Photo/jinan.gov.cn]") || i == 1);
        assert!(!got.body.contains("大汉网络") && !got.body.contains("Sisterly Jinan\n"));
        assert_eq!(tokens(&got.body), tokens(&want.body), "seed {i}");
        assert_eq!(got.title, want.title);
        assert_eq!(got.date, want.date);
    }
}
