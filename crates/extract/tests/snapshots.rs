//! Snapshot tests of the Article JSON for representative fixture pages of every template and for
//! the two seed pages, so that any change in extractor output shows as a reviewed diff
//! (`cargo insta review`).

use jinan_extract::{extract, Hints};
use testsite::{Request, Site, SiteConfig};

const BASE: &str = "http://english.jinan.gov.cn";

fn article_json(site: &Site, index: usize) -> (String, serde_json::Value) {
    let info = site.article(index).expect("article");
    let resp = site.render(&Request::get(&info.path));
    let url = format!("{BASE}{}", info.path);
    let hints = Hints {
        content_type: resp.header("content-type"),
        column: Some(&info.column_name),
    };
    let a = extract(&resp.body, &url, &hints).expect("extracts");
    let name = format!("{:?}_{}_{index}", info.template, info.lang).to_lowercase();
    (name, serde_json::to_value(a).expect("json"))
}

#[test]
fn seeds() {
    let site = Site::new(SiteConfig {
        articles: 20,
        hazards: false,
        ..SiteConfig::default()
    });
    for i in [0, 1] {
        let (_, v) = article_json(&site, i);
        insta::assert_json_snapshot!(format!("seed_{i}"), v);
    }
}

#[test]
fn two_pages_per_template_and_language() {
    let site = Site::new(SiteConfig {
        articles: 120,
        hazards: false,
        ..SiteConfig::default()
    });
    let mut taken: std::collections::HashMap<String, usize> = Default::default();
    for info in site
        .articles()
        .into_iter()
        .filter(|a| a.live && a.index >= 2)
    {
        let key = format!("{:?}_{}", info.template, info.lang);
        let n = taken.entry(key).or_default();
        if *n < 2 {
            *n += 1;
            let (name, v) = article_json(&site, info.index);
            insta::assert_json_snapshot!(name, v);
        }
    }
    assert!(taken.len() >= 6, "templates x languages seen: {taken:?}");
}
