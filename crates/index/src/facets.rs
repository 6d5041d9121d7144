//! Facets: how the matches of a search spread over columns, languages and years, counted from
//! fast fields in the same pass as the hits (no stored document is read). The three values of
//! each document are read once per set of segments into [`FacetCodes`], so that a match costs
//! one read rather than three column look-ups and a date conversion.

use std::collections::BTreeMap;
use std::sync::Arc;

use jinan_types::{FacetCount, Facets, Interval};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocId, Score, SegmentReader};

use crate::collect::{PeriodCounts, PeriodSegment, StrCounts, StrSegment};

/// Counts matches per column, language and year at once, from the segments' [`FacetCodes`] when
/// given (the same counts either way).
pub struct FacetCounts(pub Option<Arc<FacetCodes>>);

/// Per segment, per document: its year's slot in the segment's year counts, its column's and its
/// language's ord, packed in a u32 ([`YEAR_BITS`], [`COLUMN_BITS`], the rest), each field's
/// largest value meaning "none". None for a segment where some value does not fit (a document in
/// two columns, more columns than the field holds): that segment is counted from the columns.
pub struct FacetCodes(Vec<Option<Arc<[u32]>>>);

const YEAR_BITS: u32 = 12;
const COLUMN_BITS: u32 = 14;
const LANG_BITS: u32 = 32 - YEAR_BITS - COLUMN_BITS;

fn field(code: u32, shift: u32, bits: u32) -> Option<usize> {
    let v = (code >> shift) & ((1 << bits) - 1);
    (v != (1 << bits) - 1).then_some(v as usize)
}

/// `value` in a field of `bits` (None as the largest value); None when it does not fit.
fn pack(value: Option<u64>, bits: u32) -> Option<u32> {
    let none = (1u32 << bits) - 1;
    match value {
        None => Some(none),
        Some(v) => u32::try_from(v).ok().filter(|v| *v < none),
    }
}

impl FacetCodes {
    pub(crate) fn build(searcher: &tantivy::Searcher) -> tantivy::Result<FacetCodes> {
        let mut segments = Vec::new();
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            let f = FacetCounts(None).for_segment(ord as u32, reader)?;
            let code = |doc: DocId| -> Option<u32> {
                let year = pack(f.year.slot_of(doc)?.map(|i| i as u64), YEAR_BITS)?;
                let column = pack(f.column.ord_of(doc)?, COLUMN_BITS)?;
                let lang = pack(f.lang.ord_of(doc)?, LANG_BITS)?;
                Some(year | column << YEAR_BITS | lang << (YEAR_BITS + COLUMN_BITS))
            };
            let codes: Option<Vec<u32>> = (0..reader.max_doc()).map(code).collect();
            segments.push(codes.map(Arc::from));
        }
        Ok(FacetCodes(segments))
    }
}

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
    /// This segment's codes, when it has them.
    codes: Option<Arc<[u32]>>,
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
            codes: self
                .0
                .as_ref()
                .and_then(|c| c.0.get(ord as usize).cloned().flatten()),
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
        if let Some(code) = self.codes.as_ref().and_then(|c| c.get(doc as usize)) {
            let code = *code;
            if let Some(slot) = field(code, 0, YEAR_BITS) {
                self.year.count_slot(slot);
            }
            if let Some(ord) = field(code, YEAR_BITS, COLUMN_BITS) {
                self.column.count_ord(ord as u64);
            }
            if let Some(ord) = field(code, YEAR_BITS + COLUMN_BITS, LANG_BITS) {
                self.lang.count_ord(ord as u64);
            }
            return;
        }
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
