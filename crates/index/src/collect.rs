//! Small tantivy collectors for the search page, trends and `stats`: matching articles per year or
//! month (from the `date` fast field) and articles per column (from the `column` fast field), without loading any
//! stored document.

use std::collections::BTreeMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentReader};

use chrono::{Datelike, Months, NaiveDate};
use jinan_types::Interval;

use crate::schema::days_to_date;

/// Matching documents per period (a period is a year, or `year * 12 + month - 1`); undated
/// documents are left out.
pub struct PeriodCounts(pub Interval);

/// Widest span of days counted in a flat array (about 180 years); wider segments use a map.
const MAX_DAY_SPAN: i64 = 1 << 16;

/// Per-segment counts, kept by day as stored (a date is turned into its period once per distinct
/// day at harvest, not once per matching document).
pub struct PeriodSegment {
    interval: Interval,
    dates: Option<Column<i64>>,
    /// The segment's first day and the count of each day from it, when the span is small.
    first_day: i64,
    by_day: Vec<u64>,
    /// Counts by day when the span is too wide for the array.
    sparse: BTreeMap<i64, u64>,
}

impl Collector for PeriodCounts {
    type Fruit = BTreeMap<i32, u64>;
    type Child = PeriodSegment;

    fn for_segment(&self, _: u32, reader: &SegmentReader) -> tantivy::Result<PeriodSegment> {
        let dates = reader.fast_fields().column_opt::<i64>("date")?;
        let (first_day, span) = match &dates {
            Some(c) if c.num_docs() > 0 => {
                (c.min_value(), c.max_value().saturating_sub(c.min_value()))
            }
            _ => (0, -1),
        };
        let by_day = if (0..MAX_DAY_SPAN).contains(&span) {
            vec![0; span as usize + 1]
        } else {
            Vec::new()
        };
        Ok(PeriodSegment {
            interval: self.0,
            dates,
            first_day,
            by_day,
            sparse: BTreeMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<BTreeMap<i32, u64>>) -> tantivy::Result<BTreeMap<i32, u64>> {
        let mut all = BTreeMap::new();
        for f in fruits {
            for (p, n) in f {
                *all.entry(p).or_insert(0) += n;
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for PeriodSegment {
    type Fruit = BTreeMap<i32, u64>;

    #[inline]
    fn collect(&mut self, doc: DocId, _: Score) {
        let Some(day) = self.dates.as_ref().and_then(|c| c.first(doc)) else {
            return;
        };
        match self
            .by_day
            .get_mut(day.wrapping_sub(self.first_day) as usize)
        {
            Some(n) if day >= self.first_day => *n += 1,
            _ => *self.sparse.entry(day).or_insert(0) += 1,
        }
    }

    fn harvest(self) -> BTreeMap<i32, u64> {
        let first_day = self.first_day;
        let days = self
            .by_day
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, n)| (first_day + i as i64, *n))
            .chain(self.sparse);
        // The days come in order: a date is computed only where a new period starts.
        let mut counts = BTreeMap::new();
        let mut period: Option<(i64, i32)> = None; // (first day of the next period, key)
        for (day, n) in days {
            let key = match period {
                Some((next, key)) if day < next => key,
                _ => {
                    let Some(date) = days_to_date(day) else {
                        continue;
                    };
                    let (key, next) = match self.interval {
                        Interval::Year => {
                            (date.year(), NaiveDate::from_ymd_opt(date.year() + 1, 1, 1))
                        }
                        Interval::Month => (
                            date.year() * 12 + date.month0() as i32,
                            date.checked_add_months(Months::new(1))
                                .and_then(|d| d.with_day(1)),
                        ),
                    };
                    // Where the next period cannot be named, every day is looked at.
                    let next = next.map_or(day + 1, |d| day + (d - date).num_days());
                    period = Some((next, key));
                    key
                }
            };
            *counts.entry(key).or_insert(0) += n;
        }
        counts
    }
}

/// Counts matching documents per value of a string fast field.
pub struct StrCounts(pub &'static str);

pub struct StrSegment {
    column: Option<StrColumn>,
    ords: Vec<u64>,
}

impl Collector for StrCounts {
    type Fruit = BTreeMap<String, u64>;
    type Child = StrSegment;

    fn for_segment(&self, _: u32, reader: &SegmentReader) -> tantivy::Result<StrSegment> {
        let column = reader.fast_fields().str(self.0)?;
        let n = column.as_ref().map_or(0, |c| c.dictionary().num_terms());
        Ok(StrSegment {
            column,
            ords: vec![0; n],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<BTreeMap<String, u64>>,
    ) -> tantivy::Result<BTreeMap<String, u64>> {
        let mut all = BTreeMap::new();
        for f in fruits {
            for (k, n) in f {
                *all.entry(k).or_insert(0) += n;
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for StrSegment {
    type Fruit = BTreeMap<String, u64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(c) = &self.column {
            for ord in c.term_ords(doc) {
                if let Some(n) = self.ords.get_mut(ord as usize) {
                    *n += 1;
                }
            }
        }
    }

    fn harvest(self) -> BTreeMap<String, u64> {
        let mut out = BTreeMap::new();
        if let Some(c) = &self.column {
            let mut s = String::new();
            for (ord, n) in self.ords.iter().enumerate().filter(|(_, n)| **n > 0) {
                s.clear();
                if c.ord_to_str(ord as u64, &mut s).unwrap_or(false) {
                    out.insert(s.clone(), *n);
                }
            }
        }
        out
    }
}
