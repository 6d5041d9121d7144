//! Small tantivy collectors for the search page and `stats`: matching articles per year (from the
//! `date` fast field) and articles per column (from the `column` fast field), without loading any
//! stored document.

use std::collections::BTreeMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentReader};

use crate::schema::days_to_date;
use chrono::Datelike;

/// Counts matching documents per publication year (documents without a date are left out).
pub struct YearCounts;

pub struct YearSegment {
    dates: Option<Column<i64>>,
    counts: BTreeMap<i32, u64>,
}

impl Collector for YearCounts {
    type Fruit = BTreeMap<i32, u64>;
    type Child = YearSegment;

    fn for_segment(&self, _: u32, reader: &SegmentReader) -> tantivy::Result<YearSegment> {
        Ok(YearSegment {
            // A segment where no document has a date has no `date` column.
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
            for (y, n) in f {
                *all.entry(y).or_insert(0) += n;
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for YearSegment {
    type Fruit = BTreeMap<i32, u64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(date) = self
            .dates
            .as_ref()
            .and_then(|c| c.first(doc))
            .and_then(days_to_date)
        {
            *self.counts.entry(date.year()).or_insert(0) += 1;
        }
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
