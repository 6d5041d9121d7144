//! Small tantivy collectors for the search page, trends and `stats`: matching articles per year or
//! month (from the `date` fast field) and articles per column (from the `column` fast field), without loading any
//! stored document.

use std::collections::BTreeMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentReader};

use chrono::Datelike;
use jinan_types::Interval;

use crate::schema::days_to_date;

/// Matching documents per period (a period is a year, or `year * 12 + month - 1`); undated
/// documents are left out.
pub struct PeriodCounts(pub Interval);

pub struct PeriodSegment {
    interval: Interval,
    dates: Option<Column<i64>>,
    counts: BTreeMap<i32, u64>,
}

impl Collector for PeriodCounts {
    type Fruit = BTreeMap<i32, u64>;
    type Child = PeriodSegment;

    fn for_segment(&self, _: u32, reader: &SegmentReader) -> tantivy::Result<PeriodSegment> {
        Ok(PeriodSegment {
            interval: self.0,
            dates: reader.fast_fields().column_opt::<i64>("date")?,
            counts: BTreeMap::new(),
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

    fn collect(&mut self, doc: DocId, _: Score) {
        let Some(date) = self
            .dates
            .as_ref()
            .and_then(|c| c.first(doc))
            .and_then(days_to_date)
        else {
            return;
        };
        let key = match self.interval {
            Interval::Year => date.year(),
            Interval::Month => date.year() * 12 + date.month0() as i32,
        };
        *self.counts.entry(key).or_insert(0) += 1;
    }

    fn harvest(self) -> BTreeMap<i32, u64> {
        self.counts
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
