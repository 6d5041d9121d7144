//! Facets: how the matches of a search spread over columns, languages and years, counted from
//! fast fields in the same pass as the hits (no stored document is read).

use std::collections::BTreeMap;

use jinan_types::{FacetCount, Facets, Interval};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocId, Score, SegmentReader};

use crate::collect::{PeriodCounts, PeriodSegment, StrCounts, StrSegment};

/// Counts matches per column, language and year at once.
pub struct FacetCounts;

/// Raw counts: per column, per language, per year.
pub type FacetFruit = (
    BTreeMap<String, u64>,
    BTreeMap<String, u64>,
    BTreeMap<i32, u64>,
);

pub struct FacetSegment {
    column: StrSegment,
    lang: StrSegment,
    year: PeriodSegment,
}

const COLUMN: StrCounts = StrCounts("column");
const LANG: StrCounts = StrCounts("lang");

impl Collector for FacetCounts {
    type Fruit = FacetFruit;
    type Child = FacetSegment;

    fn for_segment(&self, ord: u32, reader: &SegmentReader) -> tantivy::Result<FacetSegment> {
        Ok(FacetSegment {
            column: COLUMN.for_segment(ord, reader)?,
            lang: LANG.for_segment(ord, reader)?,
            year: PeriodCounts(Interval::Year).for_segment(ord, reader)?,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetFruit>) -> tantivy::Result<FacetFruit> {
        let mut columns = Vec::with_capacity(fruits.len());
        let mut langs = Vec::with_capacity(fruits.len());
        let mut years = Vec::with_capacity(fruits.len());
        for (c, l, y) in fruits {
            columns.push(c);
            langs.push(l);
            years.push(y);
        }
        Ok((
            COLUMN.merge_fruits(columns)?,
            LANG.merge_fruits(langs)?,
            PeriodCounts(Interval::Year).merge_fruits(years)?,
        ))
    }
}

impl SegmentCollector for FacetSegment {
    type Fruit = FacetFruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.column.collect(doc, score);
        self.lang.collect(doc, score);
        self.year.collect(doc, score);
    }

    fn harvest(self) -> FacetFruit {
        (
            self.column.harvest(),
            self.lang.harvest(),
            self.year.harvest(),
        )
    }
}

/// The facets of INTERFACE.md: columns and languages most first (ties by name), years in order.
pub fn to_facets((column, lang, year): FacetFruit) -> Facets {
    Facets {
        column: most_first(column),
        lang: most_first(lang),
        year: year
            .into_iter()
            .map(|(y, count)| FacetCount {
                value: y.to_string(),
                count,
            })
            .collect(),
    }
}

fn most_first(counts: BTreeMap<String, u64>) -> Vec<FacetCount> {
    let mut v: Vec<FacetCount> = counts
        .into_iter()
        .map(|(value, count)| FacetCount { value, count })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    v
}
