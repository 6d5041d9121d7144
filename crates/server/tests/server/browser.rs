//! The search page in a real browser: Debian's chromium, headless, driven through chromedriver
//! (WebDriver). Types a Chinese and an English query, checks the highlighted hits,
//! pages, applies a date filter, checks that a hostile title runs nothing, and saves a screenshot
//! that must decode and not be blank. Without chromium the test fails, saying how to install it.

use std::path::Path;

use serde_json::json;

use crate::common::*;
use crate::support_browser::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_page_in_headless_chromium() {
    let (chromium, driver) = browser_exes();
    let (_dir, st) = fixture();
    let (addr, stop, task) = crate::socket::start(st).await;
    let profile = tempfile::tempdir().unwrap();

    let chromedriver = Chromedriver::start(&driver);
    let client = connect(&chromedriver.url, &chromium, profile.path(), (1100, 1400)).await;

    let outcome = drive(&client, &format!("http://{addr}")).await;
    let _ = client.close().await;
    drop(chromedriver);
    stop.send(()).unwrap();
    task.await.unwrap().unwrap();
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

async fn texts(c: &Client, css: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for el in c.find_all(Locator::Css(css)).await.map_err(e(css))? {
        out.push(el.text().await.map_err(e(css))?);
    }
    Ok(out)
}

async fn search_for(c: &Client, query: &str) -> Res {
    let q = c
        .find(Locator::Css("input[name=q]"))
        .await
        .map_err(e("query box"))?;
    q.clear().await.map_err(e("clear"))?;
    q.send_keys(query).await.map_err(e("type"))?;
    c.find(Locator::Css("form.search button[type=submit]"))
        .await
        .map_err(e("button"))?
        .click()
        .await
        .map_err(e("click"))?;
    wait_loaded(c, &format!("q={}", enc(query))).await
}

async fn drive(c: &Client, base: &str) -> Res {
    c.goto(&format!("{base}/"))
        .await
        .map_err(e("load the page"))?;
    c.find(Locator::Css("input[name=q]"))
        .await
        .map_err(e("the page has no query box"))?;

    // Chinese: 12 hits, 10 on the first page, the words highlighted.
    search_for(c, "友好城市").await?;
    let hits = texts(c, "li.hit").await?;
    if hits.len() != 10 {
        return Err(format!(
            "Chinese query: {} hits on page 1, expected 10",
            hits.len()
        ));
    }
    let marks = texts(c, "li.hit .snippet b").await?;
    if marks.is_empty()
        || !marks
            .iter()
            .all(|m| "友好城市".contains(m.as_str()) && !m.is_empty())
    {
        return Err(format!("Chinese highlights are wrong: {marks:?}"));
    }
    let summary = texts(c, "p.summary").await?.join(" ");
    if !summary.contains(&format!("{YOUHAO_HITS} articles")) {
        return Err(format!("summary {summary:?}"));
    }

    // English: stemmed highlight, then page 2.
    search_for(c, "delegation").await?;
    let marks = texts(c, "li.hit .snippet b").await?;
    if marks.is_empty()
        || !marks
            .iter()
            .all(|m| m.to_lowercase().starts_with("delegation"))
    {
        return Err(format!("English highlights are wrong: {marks:?}"));
    }
    let page1 = texts(c, "li.hit a.title").await?;
    c.find(Locator::Css("nav.pages a.next"))
        .await
        .map_err(e("next-page link"))?
        .click()
        .await
        .map_err(e("click next"))?;
    wait_loaded(c, "page=2").await?;
    let page2 = texts(c, "li.hit a.title").await?;
    let start = c
        .find(Locator::Css("ol.hits"))
        .await
        .map_err(e("hit list"))?
        .attr("start")
        .await
        .map_err(e("start"))?;
    if page2.is_empty() || page2.iter().any(|t| page1.contains(t)) || start.as_deref() != Some("11")
    {
        return Err(format!(
            "page 2 is not the next ten hits: {page1:?} then {page2:?} (start {start:?})"
        ));
    }

    // A date filter through the form (the date inputs are set the way a date picker sets them).
    c.set_value("form.search [name=from]", "2017-01-01")
        .await
        .map_err(e("set from"))?;
    c.set_value("form.search [name=to]", "2018-12-31")
        .await
        .map_err(e("set to"))?;
    c.find(Locator::Css("form.search button[type=submit]"))
        .await
        .map_err(e("button"))?
        .click()
        .await
        .map_err(e("submit"))?;
    wait_loaded(c, "from=2017-01-01").await?;
    let mut dates = Vec::new();
    for el in c
        .find_all(Locator::Css("li.hit div.meta time"))
        .await
        .map_err(e("dates"))?
    {
        dates.push(
            el.attr("datetime")
                .await
                .map_err(e("datetime"))?
                .unwrap_or_default(),
        );
    }
    if dates.is_empty()
        || !dates
            .iter()
            .all(|d| d.as_str() >= "2017-01-01" && d.as_str() <= "2018-12-31")
    {
        return Err(format!("the date filter let through {dates:?}"));
    }
    let bars = c
        .find_all(Locator::Css("figure.chart rect"))
        .await
        .map_err(e("chart"))?
        .len();
    if bars != 2 {
        return Err(format!(
            "the chart of 2017-2018 has {bars} bars, expected 2"
        ));
    }
    let shot_filtered = c.screenshot().await.map_err(e("screenshot"))?;

    // The hostile title is shown as text and runs nothing.
    c.goto(&format!("{base}/?q=festival"))
        .await
        .map_err(e("load festival"))?;
    wait_loaded(c, "q=festival").await?;
    let pwned = c
        .execute(
            "return [typeof window.__pwned, document.scripts.length, document.images.length]",
            vec![],
        )
        .await
        .map_err(e("script check"))?;
    if pwned != json!(["undefined", 0, 0]) {
        return Err(format!("the hostile title did something: {pwned}"));
    }
    let titles = texts(c, "li.hit a.title").await?;
    if !titles
        .iter()
        .any(|t| t.contains("<script>window.__pwned=1</script>"))
    {
        return Err(format!(
            "the hostile title is not shown as text: {titles:?}"
        ));
    }

    workbench(c, base).await?;

    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("jinan-search-page.png");
    std::fs::write(&path, &shot_filtered).map_err(e("save screenshot"))?;
    check_not_blank(&shot_filtered).map_err(|m| format!("screenshot {}: {m}", path.display()))
}

/// Facets, the download link, the trend chart and the language switch.
async fn workbench(c: &Client, base: &str) -> Res {
    // Facets beside the hits: following a column facet narrows the hits to that column.
    c.goto(&format!("{base}/?q=springs"))
        .await
        .map_err(e("load springs"))?;
    wait_loaded(c, "q=springs").await?;
    let facet = c
        .find(Locator::Css("aside.facets section.column li a"))
        .await
        .map_err(e("a column facet"))?;
    let name = facet
        .find(Locator::Css("span.v"))
        .await
        .map_err(e("facet name"))?
        .text()
        .await
        .map_err(e("facet text"))?;
    let count = facet
        .find(Locator::Css("span.n"))
        .await
        .map_err(e("facet count"))?
        .text()
        .await
        .map_err(e("facet count text"))?;
    facet.click().await.map_err(e("click the facet"))?;
    wait_loaded(c, "column=").await?;
    let columns = texts(c, "li.hit span.column").await?;
    if columns.is_empty() || columns.iter().any(|col| *col != name) {
        return Err(format!("the {name:?} facet shows hits of {columns:?}"));
    }
    let summary = texts(c, "p.summary").await?.join(" ");
    if !summary.starts_with(&format!("{count} article")) {
        return Err(format!("facet said {count}, summary says {summary:?}"));
    }

    // The download link gives every hit as CSV (the page's CSP forbids scripts from fetching, so
    // the link the browser shows is fetched here).
    let href = c
        .find(Locator::Css("a.download.csv"))
        .await
        .map_err(e("CSV link"))?
        .prop("href")
        .await
        .map_err(e("CSV href"))?
        .unwrap_or_default();
    let csv = reqwest::get(&href)
        .await
        .map_err(e("download"))?
        .text()
        .await
        .map_err(e("download body"))?;
    let want = count.parse::<usize>().unwrap_or(0) + 1;
    if !csv.starts_with("url,title,date,column,lang,score,deleted_at,snippet\n")
        || csv.lines().count() != want
    {
        return Err(format!(
            "the CSV download {href} has {} lines, expected {want}: {csv:.200}",
            csv.lines().count()
        ));
    }

    // The trend page draws one line per query, as counts or shares.
    c.goto(&format!(
        "{base}/trend?q=springs&q={}&show=share",
        enc("友好城市")
    ))
    .await
    .map_err(e("load the trend page"))?;
    wait_loaded(c, "show=share").await?;
    let lines = c
        .find_all(Locator::Css("figure.trendchart polyline"))
        .await
        .map_err(e("trend lines"))?
        .len();
    let legend = texts(c, "ul.legend li").await?;
    if lines != 2 || legend.len() != 2 {
        return Err(format!(
            "the trend chart has {lines} lines and legend {legend:?}"
        ));
    }
    let json = c
        .find(Locator::Css("a.download.json"))
        .await
        .map_err(e("trend JSON link"))?
        .attr("href")
        .await
        .map_err(e("href"))?
        .unwrap_or_default();
    if !json.starts_with("/api/trend?q=springs") {
        return Err(format!("trend JSON link {json:?}"));
    }

    // The language switch: the page in Chinese, and the choice kept by the next search.
    c.goto(&format!("{base}/?q=springs"))
        .await
        .map_err(e("load springs"))?;
    wait_loaded(c, "q=springs").await?;
    c.find(Locator::Css("a.switch"))
        .await
        .map_err(e("language switch"))?
        .click()
        .await
        .map_err(e("click the switch"))?;
    wait_loaded(c, "ui=zh").await?;
    let lang = c
        .execute("return document.documentElement.lang", vec![])
        .await
        .map_err(e("lang"))?;
    let summary = texts(c, "p.summary").await?.join(" ");
    if lang != "zh-CN" || !summary.contains("篇文章匹配") {
        return Err(format!(
            "after the switch: lang {lang}, summary {summary:?}"
        ));
    }
    search_for(c, "delegation").await?;
    let button = texts(c, "form.search button[type=submit]").await?.join("");
    if !c
        .current_url()
        .await
        .map_err(e("url"))?
        .as_str()
        .contains("ui=zh")
        || button != "搜索"
    {
        return Err(format!(
            "the language was lost by the next search (button {button:?})"
        ));
    }
    Ok(())
}
