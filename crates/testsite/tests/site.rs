//! Tests of the pure site: determinism, templates, encodings, ground truth, lists, mutation.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::Read;
use testsite::content::normalize_ws;
use testsite::lists::{self, COLUMNS};
use testsite::special;
use testsite::templates::esc;
use testsite::{Kind, Lang, Request, RobotsMode, Site, SiteConfig, Template};

fn site(n: usize) -> Site {
    Site::new(SiteConfig {
        articles: n,
        ..SiteConfig::default()
    })
}

fn get(s: &Site, target: &str) -> testsite::Response {
    s.render(&Request::get(target).with_header("Host", "127.0.0.1:8080"))
}

/// Decodes a page as a browser would from its bytes (GBK for the old layout).
fn page_text(s: &Site, path: &str) -> String {
    let r = get(s, path);
    assert_eq!(r.status, 200, "{path}");
    match std::str::from_utf8(&r.body) {
        Ok(t) => t.to_string(),
        Err(_) => encoding_rs::GBK.decode(&r.body).0.into_owned(),
    }
}

#[test]
fn deterministic_from_seed() {
    let a = site(300);
    let b = site(300);
    let c = Site::new(SiteConfig {
        seed: 2,
        articles: 300,
        ..SiteConfig::default()
    });
    assert_eq!(a.truth("http://x/"), b.truth("http://x/"));
    assert_ne!(a.truth("http://x/"), c.truth("http://x/"));
    for info in a.articles().iter().take(40) {
        assert_eq!(get(&a, &info.path).body, get(&b, &info.path).body);
    }
    for p in [
        "/",
        "/col/col30173/index.html",
        "/module/web/jpage/dataproxy.jsp?page=2&webid=38&columnid=30174&unitid=92872",
    ] {
        assert_eq!(get(&a, p), get(&b, p));
    }
}

#[test]
fn every_template_renders_with_its_encoding() {
    let s = site(200);
    let infos = s.articles();
    let mut seen = HashSet::new();
    for info in &infos {
        seen.insert(info.template);
        let r = get(&s, &info.path);
        assert_eq!(r.status, 200, "{}", info.path);
        let ctype = r.header("content-type").unwrap_or("").to_ascii_lowercase();
        match info.template {
            Template::OldTable => {
                assert_eq!(ctype, "text/html", "no charset in the header");
                let (text, _, had_errors) = encoding_rs::GBK.decode(&r.body);
                assert!(!had_errors);
                assert!(text.contains("charset=gb2312"));
                assert!(text.contains("<!--ContentStart-->") && text.contains("<!--ContentEnd-->"));
                assert!(text.contains("bt_content") || text.contains("bt-content"));
                if info.lang == Lang::Zh {
                    assert!(
                        std::str::from_utf8(&r.body).is_err(),
                        "Chinese GBK bytes are not UTF-8"
                    );
                    assert!(text.contains("发布日期：") && text.contains("来源："));
                } else {
                    assert!(text.contains("Updated: ") && text.contains("Source: "));
                }
            }
            Template::MislabeledUtf8 => {
                assert!(ctype.contains("charset=gb2312"));
                let text = std::str::from_utf8(&r.body).expect("UTF-8 bytes");
                assert!(text.contains("charset=gb2312"));
            }
            Template::Modern => {
                let text = std::str::from_utf8(&r.body).expect("UTF-8");
                for m in [
                    "ArticleTitle",
                    "PubDate",
                    "ContentSource",
                    "ColumnName",
                    "Keywords",
                    "Description",
                ] {
                    assert!(text.contains(&format!("<meta name=\"{m}\"")), "{m}");
                }
                assert!(
                    text.contains("<meta name=\"ContentStart\">")
                        && text.contains("<div id=\"zoom\">")
                );
            }
            Template::NoMeta => {
                let text = std::str::from_utf8(&r.body).expect("UTF-8");
                assert!(!text.contains("<meta"), "no meta tags at all");
                assert!(
                    text.contains(" - english.jinan.gov.cn</title>")
                        || text.contains("_济南市人民政府</title>")
                );
                assert_eq!(
                    text.contains("<div class=\"location\">"),
                    info.column_in_page
                );
            }
        }
    }
    assert_eq!(seen.len(), 4, "all four layouts appear: {seen:?}");
    // Both address generations, both new forms.
    assert!(infos
        .iter()
        .any(|i| i.path.starts_with("/art/") && i.path.matches('/').count() == 5));
    assert!(infos
        .iter()
        .any(|i| i.path.starts_with("/col/col") && i.path.contains("/art/")));
    assert!(infos
        .iter()
        .any(|i| i.path.starts_with("/art/") && i.path.matches('/').count() == 3));
}

#[test]
fn small_site_has_every_kind_of_page() {
    let s = site(20);
    let infos = s.articles();
    let templates: HashSet<_> = infos.iter().map(|i| i.template).collect();
    assert_eq!(templates.len(), 4);
    for k in [
        Kind::SeedKfarSaba,
        Kind::SeedKharkiv,
        Kind::ScriptTitle,
        Kind::CaptionOnly,
        Kind::EmptyBody,
    ] {
        assert!(infos.iter().any(|i| i.kind == k), "{k:?}");
    }
    assert!(infos.iter().any(|i| !i.column_in_page));
    assert!(infos.iter().filter(|i| i.lang == Lang::Zh).count() * 100 >= 15 * infos.len());
}

#[test]
fn seeds_are_articles_with_their_text() {
    let s = site(50);
    let truth = s.truth("http://127.0.0.1:9/");
    let kfar = &truth[0];
    assert_eq!(
        kfar.url,
        "http://127.0.0.1:9/art/2018/11/19/art_30173_2743600.html"
    );
    assert_eq!(
        kfar.title,
        "Jinan's international friendship city exchanges bear fruits"
    );
    assert_eq!(
        kfar.date.map(|d| d.to_string()).as_deref(),
        Some("2018-11-19")
    );
    assert_eq!(kfar.column.as_deref(), Some("Sisterly Jinan"));
    assert_eq!(kfar.source.as_deref(), Some("english.jinan.gov.cn"));
    assert!(kfar
        .body
        .starts_with("An international friendship city of Jinan, the Israeli city of Kfar Saba"));
    assert!(kfar.body.ends_with(
        "at this year's China International Friendship Cities Conference [Photo/jinan.gov.cn]"
    ));
    assert_eq!(kfar.body.matches("[Photo/jinan.gov.cn]").count(), 4);
    let page = page_text(&s, "/art/2018/11/19/art_30173_2743600.html");
    assert!(
        page.contains("english.jinan.gov.cn</span><span class=\"date\">2018-11-19"),
        "fused date line"
    );
    // The seed text (less boilerplate) is exactly the body, paragraph by paragraph.
    let raw = include_str!("../data/kfar-saba-award-2018-11-19.txt");
    let expected: Vec<String> = raw
        .lines()
        .map(normalize_ws)
        .filter(|l| !l.is_empty() && !l.starts_with('•') && !l.starts_with("Produced By"))
        .skip(2)
        .collect();
    assert_eq!(kfar.body, expected.join("\n\n"));
    let kharkiv = &truth[1];
    assert_eq!(kharkiv.title, "Kharkiv, Ukraine");
    assert!(kharkiv
        .body
        .starts_with("City introduction\n\nAs Ukraine's second-largest"));
    assert!(kharkiv.body.contains("sister city") && !kharkiv.body.contains("Produced By"));
}

#[test]
fn truth_matches_pages_and_has_no_boilerplate() {
    let s = site(300);
    let infos: HashMap<String, _> = s
        .articles()
        .into_iter()
        .map(|i| (i.path.clone(), i))
        .collect();
    let truth = s.truth("http://h/");
    let boiler = s.boilerplate_strings();
    let mut zh = 0;
    let mut total_bytes = 0;
    let mut years = BTreeSet::new();
    for a in &truth {
        let path = a.url.trim_start_matches("http://h");
        let info = &infos[path];
        for b in &boiler {
            assert!(
                !a.body.contains(b),
                "{path} body contains boilerplate {b:?}"
            );
            assert!(
                !a.title.contains(b),
                "{path} title contains boilerplate {b:?}"
            );
        }
        assert!(!a.body.contains("\n\n\n") && a.body.trim() == a.body);
        assert_eq!(a.lang, info.lang, "{path}");
        if a.lang == Lang::Zh {
            zh += 1;
        }
        total_bytes += a.body.len();
        years.insert(
            a.date
                .map(|d| d.format("%Y").to_string())
                .unwrap_or_default(),
        );
        // Every paragraph of the truth is on the page (as HTML text), in order.
        let page = page_text(&s, path);
        let flat = normalize_ws(&page.replace("&nbsp;", " "));
        let mut at = 0;
        for para in a.body.split("\n\n") {
            let needle = match para.split_once(" | ") {
                Some((first, _)) => esc(first),
                None => esc(para),
            };
            let found = flat[at..]
                .find(&needle)
                .unwrap_or_else(|| panic!("{path}: {needle:?} not on page"));
            at += found;
        }
        assert!(flat.contains(&esc(&a.title)));
        if let Some(w) = &info.rare_word {
            assert!(a.body.contains(w.as_str()));
        }
    }
    assert!(
        zh * 100 >= 15 * truth.len(),
        "Chinese share {zh}/{}",
        truth.len()
    );
    let avg = total_bytes / truth.len();
    assert!((2_000..=4_500).contains(&avg), "average body {avg} bytes");
    assert!(years.len() >= 12, "years {years:?}");
    assert!(years.contains("2012") && years.contains("2026"));
}

#[test]
fn rare_words_are_unique() {
    let s = site(400);
    let truth = s.truth("http://h/");
    let infos = s.articles();
    let mut rare_zh = 0;
    for info in &infos {
        for w in info.rare_word.iter().chain(info.rare_zh.iter()) {
            let n = truth
                .iter()
                .filter(|a| a.body.contains(w.as_str()) || a.title.contains(w.as_str()))
                .count();
            assert_eq!(n, 1, "{w} in {n} articles");
        }
        rare_zh += usize::from(info.rare_zh.is_some());
    }
    assert!(rare_zh > 10);
    let words: HashSet<_> = (0..200_000u32).map(testsite::content::rare_word).collect();
    assert_eq!(words.len(), 200_000);
    let zh: HashSet<_> = (0..200_000u32).map(testsite::content::rare_zh).collect();
    assert_eq!(zh.len(), 200_000);
    for c in testsite::banks::RARE_HAN {
        for b in testsite::banks::ZH_SENTENCES
            .iter()
            .chain(testsite::banks::ZH_TITLES)
        {
            assert!(!b.contains(*c), "{c} in bank");
        }
    }
}

#[test]
fn special_articles() {
    let s = site(30);
    let truth = s.truth("http://h/");
    let infos = s.articles();
    let by_kind = |k: Kind| {
        infos
            .iter()
            .position(|i| i.kind == k)
            .expect("kind present")
    };
    let script = &truth[by_kind(Kind::ScriptTitle)];
    assert!(script.title.contains("<script>alert(1)</script>"));
    let page = page_text(&s, &infos[by_kind(Kind::ScriptTitle)].path);
    assert!(
        !page.contains("<script>alert(1)</script>")
            && page.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
    let cap = &truth[by_kind(Kind::CaptionOnly)];
    assert!(cap.body.ends_with("[Photo/jinan.gov.cn]") && !cap.body.contains("\n\n"));
    assert_eq!(truth[by_kind(Kind::EmptyBody)].body, "");
}

fn records(xml: &str) -> Vec<String> {
    xml.split("<record>")
        .skip(1)
        .filter_map(|r| {
            r.split("href=\"")
                .nth(1)
                .and_then(|h| h.split('"').next())
                .map(str::to_string)
        })
        .collect()
}

#[test]
fn lists_cover_every_article_exactly_once_post_and_get() {
    let s = site(1_200);
    let infos = s.articles();
    let mut seen_any: HashSet<String> = HashSet::new();
    for (c, def) in COLUMNS.iter().enumerate().take(lists::ORDINARY) {
        let expected: HashSet<String> = infos
            .iter()
            .filter(|i| i.live && i.column_id == def.id)
            .map(|i| i.path.clone())
            .collect();
        let page = page_text(&s, &format!("/col/col{}/index.html", def.id));
        let (_, ds) = page.split_once("<datastore>").expect("datastore");
        let embedded = records(ds.split("</datastore>").next().unwrap_or(""));
        assert_eq!(embedded.len(), expected.len().min(lists::EMBEDDED));
        assert!(page.contains(&format!("totalRecord: {}", expected.len())));
        assert!(page.contains(&format!("proxyUrl: '{}'", def.proxy)));
        let form = format!(
            "col=1&appid=1&webid=38&path=/&columnid={}&sourceContentType=1&unitid={}&webname=x&permissiontype=0",
            def.id, def.unitid
        );
        // GET page=N (every column honours it).
        let mut by_get = Vec::new();
        for n in 1.. {
            let r = get(&s, &format!("{}?page={n}&perpage=15&{form}", def.proxy));
            let got = records(std::str::from_utf8(&r.body).unwrap_or(""));
            if got.is_empty() {
                break;
            }
            by_get.extend(got);
        }
        assert_eq!(by_get.len(), expected.len(), "column {} by GET", def.id);
        assert_eq!(by_get.iter().cloned().collect::<HashSet<_>>(), expected);
        assert_eq!(
            &by_get[..embedded.len()],
            &embedded[..],
            "embedded records are the first ones"
        );
        // POST startrecord/endrecord after the embedded ones.
        let mut by_post = embedded.clone();
        let mut start = lists::EMBEDDED + 1;
        while start <= expected.len() {
            let r = s.render(&Request::post_form(
                &format!(
                    "{}?startrecord={start}&endrecord={}&perpage=15",
                    def.proxy,
                    start + 44
                ),
                &form,
            ));
            let got = records(std::str::from_utf8(&r.body).unwrap_or(""));
            if def.page_only {
                // Ignores startrecord: answers page 1 again.
                assert_eq!(got, by_get[..got.len()].to_vec());
                break;
            }
            assert!(!got.is_empty());
            by_post.extend(got);
            start += 45;
        }
        if !def.page_only {
            assert_eq!(by_post, by_get, "POST and GET give the same order");
        }
        // Newest first.
        let dates: Vec<_> = by_get
            .iter()
            .map(|p| infos.iter().find(|i| &i.path == p).map(|i| i.date))
            .collect();
        assert!(dates.windows(2).all(|w| w[0] >= w[1]));
        // Wrong ids give nothing.
        let bad = get(
            &s,
            &format!("{}?page=1&webid=38&columnid={}&unitid=1", def.proxy, def.id),
        );
        assert!(records(std::str::from_utf8(&bad.body).unwrap_or("")).is_empty());
        let _ = c;
        seen_any.extend(by_get);
    }
    let live: HashSet<String> = infos
        .iter()
        .filter(|i| i.live)
        .map(|i| i.path.clone())
        .collect();
    assert_eq!(seen_any, live, "every live article is in an ordinary list");
}

#[test]
fn other_list_engines_show_listed_articles() {
    let s = site(600);
    let live: HashSet<String> = s
        .articles()
        .into_iter()
        .filter(|i| i.live)
        .map(|i| i.path)
        .collect();
    let gw = get(&s, "/api-gateway/jpaas-publish-server/front/page/build/unit?webId=38&pageId=108401&pageNo=1&pageSize=15");
    let v: serde_json::Value = serde_json::from_slice(&gw.body).expect("json");
    let html = v["data"]["html"].as_str().expect("data.html");
    let links: Vec<&str> = html
        .split("href=\"")
        .skip(1)
        .filter_map(|x| x.split('"').next())
        .collect();
    assert_eq!(links.len(), 15);
    assert!(links.iter().all(|l| live.contains(*l)));
    let page = page_text(&s, "/col/col108401/index.html");
    assert!(page.contains(
        "/api-gateway/jpaas-publish-server/front/page/build/unit?webId=38&pageId=108401"
    ));
    let js = get(&s, "/jact/front/datacall/showJsContent.do?iid=5201");
    let js = std::str::from_utf8(&js.body).expect("utf8");
    assert!(js.starts_with("document.write("));
    let links: Vec<&str> = js
        .split("href=\\\"")
        .skip(1)
        .filter_map(|x| x.split('\\').next())
        .collect();
    assert!(
        !links.is_empty() && links.iter().all(|l| live.contains(*l)),
        "{links:?}"
    );
    assert!(page_text(&s, "/col/col108402/index.html")
        .contains("/jact/front/datacall/showJsContent.do?iid=5201"));
}

#[test]
fn conditional_get_and_validators() {
    let mut s = site(100);
    let path = s.articles()[20].path.clone();
    let r = get(&s, &path);
    let etag = r.header("etag").expect("etag").to_string();
    let lm = r
        .header("last-modified")
        .expect("last-modified")
        .to_string();
    let inm = s.render(
        &Request::get(&path)
            .with_header("Host", "127.0.0.1:8080")
            .with_header("If-None-Match", &etag),
    );
    assert_eq!(inm.status, 304);
    assert!(inm.body.is_empty());
    let ims = s.render(
        &Request::get(&path)
            .with_header("Host", "127.0.0.1:8080")
            .with_header("If-Modified-Since", &lm),
    );
    assert_eq!(ims.status, 304);
    let other = s.render(
        &Request::get(&path)
            .with_header("Host", "127.0.0.1:8080")
            .with_header("If-None-Match", "\"x\""),
    );
    assert_eq!(other.status, 200);
    // Column pages have ETags too.
    assert!(get(&s, "/col/col30173/index.html").header("etag").is_some());
    // Edit every article: validators change.
    let edited = s.edit(200);
    assert!(edited.contains(&path));
    let after = s.render(
        &Request::get(&path)
            .with_header("Host", "127.0.0.1:8080")
            .with_header("If-None-Match", &etag),
    );
    assert_eq!(after.status, 200);
    assert_ne!(after.header("etag"), Some(etag.as_str()));
    let after_ims = s.render(
        &Request::get(&path)
            .with_header("Host", "127.0.0.1:8080")
            .with_header("If-Modified-Since", &lm),
    );
    assert_eq!(after_ims.status, 200);
}

#[test]
fn mutation_edit_delete_add() {
    let mut s = site(200);
    let base = "http://h/";
    let before: HashMap<String, testsite::Article> = s
        .truth(base)
        .into_iter()
        .map(|a| (a.url.clone(), a))
        .collect();
    let edited = s.edit(5);
    assert_eq!(edited.len(), 5);
    let deleted = s.delete(6);
    assert_eq!(deleted.len(), 6);
    let added = s.add(4);
    assert_eq!(added.len(), 4);
    let after: HashMap<String, testsite::Article> = s
        .truth(base)
        .into_iter()
        .map(|a| (a.url.clone(), a))
        .collect();
    assert_eq!(after.len(), before.len() - 6 + 4);
    for p in &edited {
        let u = format!("http://h{p}");
        if let (Some(a), Some(b)) = (before.get(&u), after.get(&u)) {
            assert_ne!(a.body, b.body, "edited body changes");
            assert_eq!(a.title, b.title);
        }
    }
    let mut statuses = HashSet::new();
    for p in &deleted {
        assert!(!after.contains_key(&format!("http://h{p}")));
        let st = get(&s, p).status;
        assert!(st == 404 || st == 410);
        statuses.insert(st);
    }
    assert_eq!(statuses.len(), 2, "both 404 and 410");
    for p in &added {
        assert!(after.contains_key(&format!("http://h{p}")));
        assert_eq!(get(&s, p).status, 200);
    }
    // Added articles are at the top of their column lists; deleted ones are gone from lists.
    let infos = s.articles();
    for p in &added {
        let info = infos.iter().find(|i| &i.path == p).expect("info");
        let def = COLUMNS
            .iter()
            .find(|c| c.id == info.column_id)
            .expect("column");
        let page = page_text(&s, &format!("/col/col{}/index.html", def.id));
        let firsts = records(page.split_once("<recordset>").map(|x| x.1).unwrap_or(""));
        let new_in_col = added
            .iter()
            .filter(|a| infos.iter().any(|i| &i.path == *a && i.column_id == def.id))
            .count();
        assert!(firsts[..new_in_col].contains(p), "{p} at top of {}", def.id);
        for d in &deleted {
            assert!(!page.contains(d.as_str()));
        }
    }
    // Mutation is deterministic.
    let mut t = site(200);
    assert_eq!(t.edit(5), edited);
    assert_eq!(t.delete(6), deleted);
    assert_eq!(t.add(4), added);
}

#[test]
fn paths_round_trip_and_bad_paths_404() {
    let s = site(500);
    for (i, info) in s.articles().iter().enumerate() {
        assert_eq!(s.index_of(&info.path), Some(i));
    }
    for bad in [
        "/art/2018/11/19/art_30173_2743601.html",
        "/art/2018/11/19/art_30174_2743600.html",
        "/art/2026/art_ffffffffffffffffffffffffffffffff.html",
        "/art/x/art_.html",
        "/col/colabc/index.html",
        "/calendar/2024/13/index.html",
        "/%ff%fe",
        "/jnen/art/99999999.htm",
        "",
    ] {
        assert_eq!(get(&s, bad).status, 404, "{bad}");
    }
}

#[test]
fn home_links_every_way() {
    let s = site(100);
    let home = page_text(&s, "/");
    let kfar = "/art/2018/11/19/art_30173_2743600.html";
    assert!(
        home.contains(&format!("href=\"{}\"", &kfar[1..])),
        "relative"
    );
    assert!(
        home.contains(&format!("href=\"http://127.0.0.1:8080{kfar}\"")),
        "absolute with the request's host"
    );
    assert!(home.contains(&format!("href=\"{kfar}#content\"")));
    assert!(home.contains(&format!("href=\"{kfar}?from=home\"")));
    assert!(home.contains(&format!("href=\"HTTP://127.0.0.1:8080{kfar}\"")));
    assert!(home.contains("http://www.jinan.gov.cn/"));
    assert!(home.contains(special::SEARCH_PAGE));
    assert!(home.contains(special::CALENDAR_START) && home.contains(special::GZIP_BOMB));
    for (old, new) in s.moved() {
        assert!(home.contains(&old));
        let r = get(&s, &old);
        assert_eq!(r.status, 301);
        assert_eq!(
            r.header("location"),
            Some(format!("http://127.0.0.1:8080{new}").as_str())
        );
    }
    for b in special::BROKEN {
        assert_eq!(get(&s, b).status, 404);
    }
    assert_eq!(get(&s, "/index.html").body, get(&s, "/").body);
    let plain = Site::new(SiteConfig {
        articles: 100,
        hazards: false,
        ..SiteConfig::default()
    });
    assert!(!page_text(&plain, "/").contains(special::GZIP_BOMB));
}

#[test]
fn hazard_pages() {
    let mut s = site(40);
    // robots.txt and its modes.
    let r = get(&s, "/robots.txt");
    assert!(std::str::from_utf8(&r.body)
        .unwrap_or("")
        .contains("Disallow: /module/search/"));
    s.set_robots(RobotsMode::NotFound);
    assert_eq!(get(&s, "/robots.txt").status, 404);
    s.set_robots(RobotsMode::ServerError);
    assert_eq!(get(&s, "/robots.txt").status, 500);
    // Calendar: every month links to the next, forever.
    let mut path = special::CALENDAR_START.to_string();
    for _ in 0..30 {
        let page = page_text(&s, &path);
        let next = page
            .split("\">Next month")
            .next()
            .and_then(|x| x.rsplit("href=\"").next())
            .expect("next");
        assert_ne!(next, path);
        path = next.to_string();
    }
    assert_eq!(path, "/calendar/2026/7/index.html");
    // Redirect loop.
    assert_eq!(
        get(&s, "/loop/a.html").header("location"),
        Some("/loop/b.html")
    );
    assert_eq!(
        get(&s, "/loop/b.html").header("location"),
        Some("/loop/a.html")
    );
    // Big page.
    assert!(get(&s, special::BIG_PAGE).body.len() > 5 * 1024 * 1024);
    // PDF, both addresses.
    for p in [special::PDF_DOWNLOAD, special::PDF_FILE] {
        let r = get(&s, p);
        assert_eq!(r.header("content-type"), Some("application/pdf"));
        assert!(r.body.starts_with(b"%PDF-1.4") && r.body.ends_with(b"%%EOF\n"));
    }
    // Gzip bomb: small on the wire, > 50 MB inflated.
    let r = get(&s, special::GZIP_BOMB);
    assert_eq!(r.header("content-encoding"), Some("gzip"));
    assert!(r.body.len() < 200 * 1024);
    let mut n = 0u64;
    let mut d = flate2::read::GzDecoder::new(&r.body[..]);
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match d.read(&mut buf) {
            Ok(0) => break,
            Ok(k) => n += k as u64,
            Err(e) => panic!("{e}"),
        }
    }
    assert!(n > 50 * 1024 * 1024);
    // WAF: the site names the cookie of WAF pages (the server enforces it).
    let waf = s
        .articles()
        .into_iter()
        .find(|i| i.waf)
        .expect("a WAF article");
    assert!(s.waf_cookie(&waf.path).is_some());
    assert_eq!(get(&s, &waf.path).status, 200, "render itself is pure");
}

/// The links of a page, entities decoded.
fn hrefs(s: &Site, path: &str) -> Vec<String> {
    page_text(s, path)
        .split("href=\"")
        .skip(1)
        .filter_map(|x| x.split('"').next())
        .map(|h| h.replace("&amp;", "&"))
        .collect()
}

#[test]
fn trap_pages_are_endless_in_every_shape() {
    use testsite::traps;
    let s = site(40);
    let home = page_text(&s, "/");
    for t in traps::ENTRIES {
        assert!(home.contains(&esc(t)), "{t} not linked from home");
    }
    // The query calendar: day, week and month views link each other, and time never ends.
    let day = hrefs(&s, traps::QUERY_CALENDAR);
    for want in [
        "/calendar.html?date=2024-01-16",
        "/calendar.html?date=2024-01-15&view=week",
        "/calendar.html?month=2024-01",
    ] {
        assert!(day.iter().any(|h| h == want), "{want}: {day:?}");
    }
    let week = hrefs(&s, "/calendar.html?date=2024-01-15&view=week");
    assert!(week
        .iter()
        .any(|h| h == "/calendar.html?date=2024-01-22&view=week"));
    assert!(week.iter().any(|h| h == "/calendar.html?date=2024-01-21"));
    let month = hrefs(&s, "/calendar.html?month=9999-12");
    assert!(month
        .iter()
        .any(|h| h == "/calendar.html?date=9999-12-08&view=week"));
    // Session ids: every view of a page hands out new ones, in the path and in the query.
    let a = hrefs(&s, traps::SESSION_INDEX);
    let b = hrefs(
        &s,
        &a[a.iter().position(|h| h.contains("jsessionid")).unwrap()],
    );
    assert!(a.iter().any(|h| h.contains(";jsessionid=")));
    assert!(a.iter().any(|h| h.contains("&sid=")) && a.iter().any(|h| h.contains("PHPSESSID=")));
    assert!(a
        .iter()
        .filter(|h| h.contains("item.jsp"))
        .all(|h| !b.contains(h)));
    assert_eq!(
        get(
            &s,
            &format!("/eservice/item.jsp?id={}", traps::SESSION_ITEMS + 1)
        )
        .status,
        404
    );
    // Repeated segments and ever-deeper relative links: each page links one level further.
    assert!(hrefs(&s, traps::REPEATED_PAIR).contains(&"zt/jinan/index.html".to_string()));
    assert_eq!(
        get(&s, "/zt/jinan/zt/jinan/zt/jinan/index.html").status,
        200
    );
    assert_eq!(get(&s, "/topics/topics/topics/index.html").status, 200);
    assert!(hrefs(&s, "/docs/p1/p2/p3/index.html").contains(&"p4/index.html".to_string()));
    assert_eq!(get(&s, "/docs/p1/p3/index.html").status, 404);
    // Search results: always a next page, and every sort order in two parameter orders.
    let results = hrefs(&s, "/search/results.jsp?q=jinan&page=70");
    assert!(results
        .iter()
        .any(|h| h == "/search/results.jsp?q=jinan&page=71"));
    assert!(results
        .iter()
        .any(|h| h == "/search/results.jsp?order=asc&sort=title&page=70&q=jinan"));
    // A plain site has none of them.
    let plain = Site::new(SiteConfig {
        articles: 40,
        hazards: false,
        ..SiteConfig::default()
    });
    assert_eq!(get(&plain, traps::QUERY_CALENDAR).status, 404);
}

#[test]
fn large_site_stays_cheap() {
    // 100,000 articles: construction and rendering work without materialising the text.
    let t = std::time::Instant::now();
    let s = site(100_000);
    let built = t.elapsed();
    let last = s.path_of(99_999).expect("last article");
    let t = std::time::Instant::now();
    for i in (0..100_000).step_by(1_000) {
        let p = s.path_of(i).expect("path");
        assert_eq!(get(&s, &p).status, 200);
    }
    assert_eq!(get(&s, &last).status, 200);
    let per_page = t.elapsed() / 101;
    let big = get(
        &s,
        "/module/web/jpage/dataproxy.jsp?page=700&webid=38&columnid=30173&unitid=92871",
    );
    assert!(records(std::str::from_utf8(&big.body).unwrap_or("")).len() == 15);
    eprintln!("100k site built in {built:?}; {per_page:?} per article page (debug build)");
}
