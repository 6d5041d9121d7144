//! Trends: how many articles match each query per year or month, against how many articles were
//! dated in that period at all (the same filters applied), so that a rise in mentions can be told
//! from a rise in publishing.

use jinan_types::{Interval, SearchRequest, Trend, TrendPoint, TrendSeries};
use tantivy::query::AllQuery;

use crate::collect::PeriodCounts;
use crate::error::{Error, Result};
use crate::searcher::{collect, with_analyzers, Running, Searcher};

/// Most queries one trend compares.
pub const MAX_TREND_QUERIES: usize = 10;

fn period_name(interval: Interval, key: i32) -> String {
    match interval {
        Interval::Year => format!("{key:04}"),
        Interval::Month => format!("{:04}-{:02}", key.div_euclid(12), key.rem_euclid(12) + 1),
    }
}

impl Searcher {
    /// The trend of each query: one point per period from the first to the last period in which
    /// any article (filters applied) is dated, gaps included. `filters` gives the dates, column,
    /// language and `live` of every series; its query, paging and sort are ignored.
    pub fn trend(
        &self,
        queries: &[String],
        interval: Interval,
        filters: &SearchRequest,
    ) -> Result<Trend> {
        if queries.is_empty() {
            return Err(Error::Query("give at least one query to trend".into()));
        }
        if queries.len() > MAX_TREND_QUERIES {
            return Err(Error::Query(format!(
                "at most {MAX_TREND_QUERIES} queries can be compared at once, not {}",
                queries.len()
            )));
        }
        let live = self.live();
        let all = Self::filtered(&live, Box::new(AllQuery), filters)?;
        let _running = Running::start();
        let mut counts = Vec::with_capacity(queries.len());
        for q in queries {
            let req = SearchRequest {
                query: q.clone(),
                facets: false,
                ..filters.clone()
            };
            let prepared = with_analyzers(|analyzer, _| self.prepare(&req, analyzer))?;
            counts.push(collect(
                &prepared.searcher,
                &prepared.query,
                &PeriodCounts(interval),
            )?);
        }
        let totals = collect(&live.reader.searcher(), &all, &PeriodCounts(interval))?;
        // Every period from the first to the last dated article (none when nothing is dated).
        let span: Vec<_> = match (totals.keys().next(), totals.keys().next_back()) {
            (Some(a), Some(b)) => (*a..=*b).collect(),
            _ => Vec::new(),
        };
        let series = queries
            .iter()
            .zip(counts)
            .map(|(q, c)| TrendSeries {
                query: q.clone(),
                points: span
                    .iter()
                    .map(|&p| {
                        let count = c.get(&p).copied().unwrap_or(0);
                        let total = totals.get(&p).copied().unwrap_or(0);
                        TrendPoint {
                            period: period_name(interval, p),
                            count,
                            total,
                            share: if total == 0 {
                                0.0
                            } else {
                                count as f64 / total as f64
                            },
                        }
                    })
                    .collect(),
            })
            .collect();
        Ok(Trend { interval, series })
    }
}
