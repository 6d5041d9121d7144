//! `GET /trend`: the trend of one or several queries drawn as lines (inline SVG, no script),
//! counts or shares of all articles of each period, with the numbers behind the chart as CSV and
//! JSON (`/api/trend`).

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jinan_types::Trend;
use maud::{html, Markup, DOCTYPE};

use crate::i18n::Ui;
use crate::page::{fmt, head as page_head, header as page_header, path_href, path_with_ui, CSS};
use crate::params::SearchParams;
use crate::{trend, ApiError, AppState};

/// Query boxes on the form (more can be given in the URL, up to the trend's limit).
const BOXES: usize = 5;

/// Colours of the series, in order.
const COLOURS: [&str; 10] = [
    "#0b5cad", "#c2410c", "#15803d", "#7e22ce", "#b91c1c", "#0e7490", "#a16207", "#be185d",
    "#4d7c0f", "#334155",
];

pub async fn trend_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let pairs = trend::pairs(raw.as_deref()).unwrap_or_default();
    let get = |k: &str| trend::last(&pairs, k);
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let ui = Ui::choose(get("ui").as_deref(), accept);
    let share = get("show").as_deref() == Some("share");
    let queries: Vec<String> = pairs
        .iter()
        .filter(|(k, v)| k == "q" && !v.trim().is_empty())
        .map(|(_, v)| v.chars().take(300).collect())
        .collect();
    let (status, outcome) = if queries.is_empty() {
        (StatusCode::OK, None)
    } else {
        let answer = match trend::parse(&pairs) {
            Ok(t) => st.live.with(move |s| trend::run(s, &t)).await,
            Err(e) => Err(e),
        };
        match answer {
            Ok(t) => (StatusCode::OK, Some(Ok(t))),
            Err(e) => (e.code_and_status().1, Some(Err(e))),
        }
    };
    let body = render(ui, &pairs, &queries, share, outcome.as_ref());
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::VARY, "accept-language"),
        ],
        body.into_string(),
    )
        .into_response()
}

fn render(
    ui: Ui,
    pairs: &[(String, String)],
    queries: &[String],
    share: bool,
    outcome: Option<&Result<Trend, ApiError>>,
) -> Markup {
    let t = ui.texts();
    let get = |k: &str| trend::last(pairs, k).unwrap_or_default();
    let interval = get("interval");
    // The options that define the numbers, for the switch and the download links.
    let keep: Vec<(&str, String)> = pairs
        .iter()
        .filter(|(k, v)| {
            matches!(
                k.as_str(),
                "q" | "interval" | "from" | "to" | "column" | "lang" | "live"
            ) && !v.trim().is_empty()
        })
        .map(|(k, v)| {
            let k: &str = match k.as_str() {
                "q" => "q",
                "interval" => "interval",
                "from" => "from",
                "to" => "to",
                "column" => "column",
                "lang" => "lang",
                _ => "live",
            };
            (k, v.clone())
        })
        .collect();
    let mut switch_pairs = keep.clone();
    if share {
        switch_pairs.push(("show", "share".into()));
    }
    let switch = path_with_ui("/trend", &switch_pairs, ui.other());
    let first_q = SearchParams {
        q: queries.first().cloned(),
        ..Default::default()
    };
    let boxes = queries.len().max(BOXES);
    html! {
        (DOCTYPE)
        html lang=(t.html_lang) {
            (page_head(&format!("{} – {}", t.trends, t.brand), CSS))
            body {
                (page_header(ui, &switch, &first_q))
                form.search.trend method="get" action="/trend" {
                    input type="hidden" name="ui" value=(ui.param());
                    fieldset.queries {
                        legend { (t.queries) }
                        @for i in 0..boxes {
                            input type="search" name="q" value=(queries.get(i).map_or("", String::as_str))
                                aria-label=(format!("{} {}", t.query_label, i + 1));
                        }
                    }
                    div.filters {
                        label { (t.interval) " "
                            select name="interval" {
                                option value="year" { (t.by_year) }
                                option value="month" selected[interval == "month"] { (t.by_month) }
                            }
                        }
                        label { (t.show) " "
                            select name="show" {
                                option value="count" { (t.counts) }
                                option value="share" selected[share] { (t.shares) }
                            }
                        }
                        label { (t.from) " " input type="date" name="from" value=(get("from")); }
                        label { (t.to) " " input type="date" name="to" value=(get("to")); }
                        label { (t.column) " " input type="text" name="column" value=(get("column")); }
                        label { (t.language) " "
                            select name="lang" {
                                option value="" { (t.any) }
                                option value="en" selected[get("lang") == "en"] { (t.english) }
                                option value="zh" selected[get("lang") == "zh"] { (t.chinese) }
                            }
                        }
                        button type="submit" { (t.draw) }
                    }
                }
                main {
                    @match outcome {
                        None => {},
                        Some(Err(e)) => p.error role="alert" { (e.message()) },
                        Some(Ok(trend)) => {
                            (line_chart(ui, trend, share))
                            p.downloads {
                                (t.numbers) " "
                                a.download.csv href=(path_href("/api/trend", &with_format(&keep, "csv"))) download { "CSV" }
                                " · "
                                a.download.json href=(path_href("/api/trend", &with_format(&keep, "json"))) { "JSON" }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn with_format<'a>(pairs: &[(&'a str, String)], format: &str) -> Vec<(&'a str, String)> {
    let mut p = pairs.to_vec();
    p.push(("format", format.to_string()));
    p
}

/// One line per query over the periods; a dot per point with its numbers as a tooltip.
fn line_chart(ui: Ui, trend: &Trend, share: bool) -> Markup {
    let t = ui.texts();
    let periods: Vec<&str> = trend
        .series
        .first()
        .map(|s| s.points.iter().map(|p| p.period.as_str()).collect())
        .unwrap_or_default();
    if periods.is_empty() {
        return html! { p.summary { (t.no_trend) } };
    }
    let value = |p: &jinan_types::TrendPoint| if share { p.share } else { p.count as f64 };
    let max = trend
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(value))
        .fold(0.0_f64, f64::max);
    let max = if max > 0.0 { max } else { 1.0 };
    let (w, h, left, right, top, bottom) = (720.0_f64, 260.0_f64, 56.0, 12.0, 14.0, 28.0);
    let n = periods.len();
    let x = |i: usize| {
        if n == 1 {
            left + (w - left - right) / 2.0
        } else {
            left + (w - left - right) * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: f64| h - bottom - (h - top - bottom) * v / max;
    let label = |v: f64| {
        if share {
            t.percent(v)
        } else {
            t.number(v.round() as u64)
        }
    };
    let label_every = n.div_ceil(12).max(1);
    html! {
        figure.chart.trendchart {
            figcaption { (if share { t.shares } else { t.counts }) }
            svg viewBox=(format!("0 0 {w} {h}")) width="100%" role="img" aria-label=(if share { t.shares } else { t.counts }) {
                line x1=(fmt(left)) y1=(fmt(h - bottom)) x2=(fmt(w - right)) y2=(fmt(h - bottom)) stroke="#999" {}
                line x1=(fmt(left)) y1=(fmt(top)) x2=(fmt(left)) y2=(fmt(h - bottom)) stroke="#999" {}
                text.axis x=(fmt(left - 4.0)) y=(fmt(top + 4.0)) text-anchor="end" { (label(max)) }
                text.axis x=(fmt(left - 4.0)) y=(fmt(h - bottom)) text-anchor="end" { (label(0.0)) }
                @for (i, p) in periods.iter().enumerate() {
                    @if i % label_every == 0 || i == n - 1 {
                        text.period x=(fmt(x(i))) y=(fmt(h - 8.0)) text-anchor="middle" { (p) }
                    }
                }
                @for (k, s) in trend.series.iter().enumerate() {
                    @let colour = COLOURS[k % COLOURS.len()];
                    @let points: Vec<String> = s.points.iter().enumerate().map(|(i, p)| format!("{},{}", fmt(x(i)), fmt(y(value(p))))).collect();
                    g.series data-query=(s.query) {
                        polyline.line points=(points.join(" ")) fill="none" stroke=(colour) stroke-width="2" {}
                        @for (i, p) in s.points.iter().enumerate() {
                            circle.point cx=(fmt(x(i))) cy=(fmt(y(value(p)))) r="2.5" fill=(colour) {
                                title { (s.query) " · " (p.period) ": " (t.articles(p.count)) " / " (t.number(p.total)) " (" (t.percent(p.share)) ")" }
                            }
                        }
                    }
                }
            }
            ul.legend {
                @for (k, s) in trend.series.iter().enumerate() {
                    li { span.swatch style=(format!("background:{}", COLOURS[k % COLOURS.len()])) {} " " (s.query) }
                }
            }
        }
    }
}
