//! Small tantivy collectors for the search page, trends and `stats`: matching articles per year or
//! month (from the `date` fast field) and articles per column (from the `column` fast field), without loading any
//! stored document.

use std::collections::BTreeMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentReader};

use jinan_types::Interval;

use crate::schema::year_month_of_days;

/// Matching documents per period (a period is a year, or `year * 12 + month - 1`); undated
/// documents are left out.
pub struct PeriodCounts(pub Interval);

/// Most periods a segment counts in a flat array (5,000 years of months); wider spans use a map.
const MAX_PERIODS: i64 = 1 << 16;

/// Per-segment counts by period: the period of each match is computed from its stored day by
/// [`year_month_of_days`] and counted in an array from the segment's first period.
pub struct PeriodSegment {
    interval: Interval,
    dates: Option<Column<i64>>,
    first: i64,
    counts: Vec<u64>,
    /// Periods outside the array (only when the segment spans more than [`MAX_PERIODS`]).
    sparse: BTreeMap<i64, u64>,
}

fn period(interval: Interval, days: i64) -> i64 {
    let (year, month) = year_month_of_days(days);
    match interval {
        Interval::Year => year,
        Interval::Month => year * 12 + i64::from(month) - 1,
    }
}

impl Collector for PeriodCounts {
    type Fruit = BTreeMap<i32, u64>;
    type Child = PeriodSegment;

    fn for_segment(&self, _: u32, reader: &SegmentReader) -> tantivy::Result<PeriodSegment> {
        let dates = reader.fast_fields().column_opt::<i64>("date")?;
        let (first, span) = match &dates {
            Some(c) if c.num_docs() > 0 => {
                let first = period(self.0, c.min_value());
                (first, period(self.0, c.max_value()) - first)
            }
            _ => (0, -1),
        };
        let counts = if (0..MAX_PERIODS).contains(&span) {
            vec![0; span as usize + 1]
        } else {
            Vec::new()
        };
        Ok(PeriodSegment {
            interval: self.0,
            dates,
            first,
            counts,
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

impl PeriodSegment {
    /// Where `doc` is counted: Some(None) when it is undated, None when its period falls outside
    /// the array (counted in the map instead).
    pub(crate) fn slot_of(&self, doc: DocId) -> Option<Option<usize>> {
        let Some(day) = self.dates.as_ref().and_then(|c| c.first(doc)) else {
            return Some(None);
        };
        let i = usize::try_from(period(self.interval, day) - self.first).ok()?;
        (i < self.counts.len()).then_some(Some(i))
    }

    /// Counts one match in `slot` (from [`PeriodSegment::slot_of`]).
    #[inline]
    pub(crate) fn count_slot(&mut self, slot: usize) {
        self.counts[slot] += 1;
    }
}

impl SegmentCollector for PeriodSegment {
    type Fruit = BTreeMap<i32, u64>;

    #[inline]
    fn collect(&mut self, doc: DocId, _: Score) {
        let Some(day) = self.dates.as_ref().and_then(|c| c.first(doc)) else {
            return;
        };
        let key = period(self.interval, day);
        match usize::try_from(key - self.first)
            .ok()
            .and_then(|i| self.counts.get_mut(i))
        {
            Some(n) => *n += 1,
            None => *self.sparse.entry(key).or_insert(0) += 1,
        }
    }

    fn harvest(self) -> BTreeMap<i32, u64> {
        let first = self.first;
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, n)| (first + i as i64, *n))
            .chain(self.sparse)
            .filter_map(|(key, n)| Some((i32::try_from(key).ok()?, n)))
            .collect()
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

impl StrSegment {
    /// The one value of `doc`: Some(None) when it has none, None when it has several.
    pub(crate) fn ord_of(&self, doc: DocId) -> Option<Option<u64>> {
        let Some(c) = &self.column else {
            return Some(None);
        };
        let mut ords = c.term_ords(doc);
        let first = ords.next();
        ords.next().is_none().then_some(first)
    }

    /// Counts one match with the value `ord` (from [`StrSegment::ord_of`]).
    #[inline]
    pub(crate) fn count_ord(&mut self, ord: u64) {
        if let Some(n) = self.ords.get_mut(ord as usize) {
            *n += 1;
        }
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
