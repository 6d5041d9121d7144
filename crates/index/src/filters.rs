//! Date filters kept as bit sets, one per segment and range: Elasticsearch's filter cache.
//!
//! A date range (`from`/`to`) is a `RangeQuery` on the `date` fast field. tantivy answers it by
//! reading the column's values as the search moves: under a query of common words that is every
//! value of every document the words reach, for every request (a third of a filtered search's
//! time). Researchers reuse a few ranges (a year, three years, a decade) across many queries,
//! so the documents of a range are found once per segment and kept as a bit set ([`Filters`]);
//! later searches with that range test a bit.
//!
//! The cached filter is the range query to the scorer that uses it: the same documents, the same
//! constant score, and the same cost and size hints (an intersection orders its parts by cost,
//! which decides the order its scores are added in), so results and scores do not change by a
//! bit. Ranges that match nothing or everything are left to tantivy, which answers them without
//! reading the column.

use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;
use tantivy::query::{
    AllScorer, ConstScorer, EmptyScorer, EnableScoring, Explanation, Query, RangeQuery, Scorer,
    Weight,
};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED};

/// Bit sets kept at most (then the cache starts afresh): 12.5 KB each per 100,000 documents.
const MAX_FILTERS: usize = 256;

/// One range's documents in one segment, with the hints of the scorer that found them.
struct Found {
    words: Vec<u64>,
    cost: u64,
    size_hint: u32,
}

/// The cache: a range (by its bounds' text) in a segment to its documents.
#[derive(Default)]
pub(crate) struct Filters {
    map: Mutex<foldhash::HashMap<(SegmentId, String), Arc<Found>>>,
}

impl std::fmt::Debug for Filters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Filters")
    }
}

impl Filters {
    fn get(&self, key: &(SegmentId, String)) -> Option<Arc<Found>> {
        let map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        map.get(key).cloned()
    }

    fn put(&self, key: (SegmentId, String), found: Arc<Found>) {
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_FILTERS {
            map.clear();
        }
        map.insert(key, found);
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map.lock().unwrap().len()
    }
}

/// A `RangeQuery` whose documents are kept in `filters` per segment.
#[derive(Clone, Debug)]
pub(crate) struct CachedRange {
    range: RangeQuery,
    filters: Arc<Filters>,
}

impl CachedRange {
    pub(crate) fn new(range: RangeQuery, filters: Arc<Filters>) -> CachedRange {
        CachedRange { range, filters }
    }
}

impl Query for CachedRange {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(CachedRangeWeight {
            inner: self.range.weight(scoring)?,
            key: format!("{:?}", self.range),
            filters: self.filters.clone(),
        }))
    }
}

struct CachedRangeWeight {
    inner: Box<dyn Weight>,
    /// The range, as text (its bounds and field).
    key: String,
    filters: Arc<Filters>,
}

impl Weight for CachedRangeWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let key = (reader.segment_id(), self.key.clone());
        if let Some(found) = self.filters.get(&key) {
            return Ok(Box::new(ConstScorer::new(BitsDocSet::new(found), boost)));
        }
        let mut scorer = self.inner.scorer(reader, boost)?;
        if scorer.is::<EmptyScorer>()
            || scorer.is::<AllScorer>()
            || scorer.is::<ConstScorer<AllScorer>>()
        {
            return Ok(scorer);
        }
        let (cost, size_hint) = (scorer.cost(), scorer.size_hint());
        let mut words = vec![0u64; (reader.max_doc() as usize).div_ceil(64)];
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            words[doc as usize / 64] |= 1 << (doc % 64);
            doc = scorer.advance();
        }
        let found = Arc::new(Found {
            words,
            cost,
            size_hint,
        });
        self.filters.put(key, found.clone());
        Ok(Box::new(ConstScorer::new(BitsDocSet::new(found), boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }
}

/// The documents of a [`Found`], in order.
struct BitsDocSet {
    found: Arc<Found>,
    doc: DocId,
}

impl BitsDocSet {
    fn new(found: Arc<Found>) -> BitsDocSet {
        let mut set = BitsDocSet { found, doc: 0 };
        set.doc = set.first_from(0);
        set
    }

    /// The first document at or after `from`, or TERMINATED.
    fn first_from(&self, from: DocId) -> DocId {
        let words = &self.found.words;
        let mut i = from as usize / 64;
        if i >= words.len() {
            return TERMINATED;
        }
        let mut w = words[i] & (u64::MAX << (from % 64));
        loop {
            if w != 0 {
                return (i * 64) as DocId + w.trailing_zeros();
            }
            i += 1;
            if i >= words.len() {
                return TERMINATED;
            }
            w = words[i];
        }
    }
}

impl DocSet for BitsDocSet {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            self.doc = self.first_from(self.doc + 1);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc != TERMINATED && target > self.doc {
            self.doc = self.first_from(target);
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.found.size_hint
    }

    fn cost(&self) -> u64 {
        self.found.cost
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(docs: &[u32], max_doc: u32) -> Arc<Found> {
        let mut words = vec![0u64; (max_doc as usize).div_ceil(64)];
        for &d in docs {
            words[d as usize / 64] |= 1 << (d % 64);
        }
        Arc::new(Found {
            words,
            cost: 7,
            size_hint: 3,
        })
    }

    #[test]
    fn bits_walk_and_seek_like_a_sorted_list() {
        let docs = [0, 1, 63, 64, 65, 127, 128, 200, 1000, 1023];
        let mut set = BitsDocSet::new(found(&docs, 1024));
        let mut seen = vec![set.doc()];
        while set.advance() != TERMINATED {
            seen.push(set.doc());
        }
        assert_eq!(seen, docs);
        assert_eq!(
            set.advance(),
            TERMINATED,
            "advancing past the end stays there"
        );
        for target in 0..1030 {
            let mut set = BitsDocSet::new(found(&docs, 1024));
            let want = docs
                .iter()
                .copied()
                .find(|&d| d >= target)
                .unwrap_or(TERMINATED);
            assert_eq!(set.seek(target), want, "seek({target})");
            // Seeking backwards does not move.
            assert_eq!(set.seek(target.saturating_sub(5)), want);
        }
        let empty = BitsDocSet::new(found(&[], 100));
        assert_eq!(empty.doc(), TERMINATED);
        assert_eq!((set_cost(&docs)), (7, 3));
    }

    fn set_cost(docs: &[u32]) -> (u64, u32) {
        let set = BitsDocSet::new(found(docs, 1024));
        (set.cost(), set.size_hint())
    }

    /// Searches filtered by a cached range find the same documents with the same scores, to
    /// the bit, as with the plain range query: on a cache miss and on a hit, with the range
    /// alone beside the words or with a third clause (the order of addition), for ranges that
    /// match some, none or all documents.
    #[test]
    fn cached_ranges_search_as_range_queries_do() {
        use std::ops::Bound;
        use tantivy::collector::{Count, TopDocs};
        use tantivy::query::{BooleanQuery, Occur, TermQuery};
        use tantivy::schema::{IndexRecordOption, Schema, FAST, INDEXED, STRING, TEXT};
        use tantivy::{doc, Index, IndexWriter, Term};

        let mut b = Schema::builder();
        let body = b.add_text_field("body", TEXT);
        let date = b.add_i64_field("date", INDEXED | FAST);
        let lang = b.add_text_field("lang", STRING);
        let index = Index::create_in_ram(b.build());
        let mut w: IndexWriter = index.writer_with_num_threads(1, 20_000_000).unwrap();
        let words = ["spring", "river", "lake", "city", "park", "spring river"];
        for i in 0..3000i64 {
            let text = format!(
                "{} {} {}",
                words[(i % 6) as usize],
                words[(i % 4) as usize],
                i % 7
            );
            let l = if i % 3 == 0 { "zh" } else { "en" };
            w.add_document(doc!(body => text, date => 10_000 + (i * 37) % 5000, lang => l))
                .unwrap();
            if i == 1999 {
                w.commit().unwrap();
            }
        }
        w.delete_term(Term::from_field_text(body, "6"));
        w.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 2);

        let filters = Arc::new(Filters::default());
        let day = |d: i64| Term::from_field_i64(date, d);
        let ranges = [
            (Bound::Included(day(11_000)), Bound::Included(day(12_500))),
            (Bound::Included(day(14_000)), Bound::Unbounded),
            (Bound::Unbounded, Bound::Included(day(10_300))),
            (Bound::Included(day(20_000)), Bound::Included(day(30_000))),
            (Bound::Included(day(0)), Bound::Included(day(99_999))),
        ];
        let mut compared = 0;
        for (lo, hi) in ranges {
            for word in ["spring", "river", "park"] {
                // A third clause: none, the language (a constant score), or a second word (a
                // score of its own, so that the order of the additions shows in the last bit).
                for third in ["", "lang", "word"] {
                    let build = |range: Box<dyn Query>| -> BooleanQuery {
                        let mut subs: Vec<(Occur, Box<dyn Query>)> = vec![
                            (
                                Occur::Must,
                                Box::new(TermQuery::new(
                                    Term::from_field_text(body, word),
                                    IndexRecordOption::WithFreqs,
                                )),
                            ),
                            (Occur::Must, range),
                        ];
                        let term = match third {
                            "lang" => {
                                Some((Term::from_field_text(lang, "en"), IndexRecordOption::Basic))
                            }
                            "word" => Some((
                                Term::from_field_text(
                                    body,
                                    if word == "spring" { "river" } else { "spring" },
                                ),
                                IndexRecordOption::WithFreqs,
                            )),
                            _ => None,
                        };
                        if let Some((t, option)) = term {
                            subs.push((Occur::Must, Box::new(TermQuery::new(t, option))));
                        }
                        BooleanQuery::new(subs)
                    };
                    let plain = build(Box::new(RangeQuery::new(lo.clone(), hi.clone())));
                    let cached = build(Box::new(CachedRange::new(
                        RangeQuery::new(lo.clone(), hi.clone()),
                        filters.clone(),
                    )));
                    let top = (TopDocs::with_limit(5000).order_by_score(), Count);
                    let (want, want_n) = searcher.search(&plain, &top).unwrap();
                    let bits =
                        |v: Vec<(f32, tantivy::DocAddress)>| -> Vec<(u32, tantivy::DocAddress)> {
                            v.into_iter().map(|(s, a)| (s.to_bits(), a)).collect()
                        };
                    let want = bits(want);
                    for round in ["miss", "hit"] {
                        let (got, got_n) = searcher.search(&cached, &top).unwrap();
                        assert_eq!(
                            got_n, want_n,
                            "{word} {lo:?}..{hi:?} with {third:?} ({round})"
                        );
                        assert_eq!(
                            bits(got),
                            want,
                            "{word} {lo:?}..{hi:?} with {third:?} ({round})"
                        );
                    }
                    compared += usize::from(want_n > 0);
                }
            }
        }
        assert!(compared >= 27, "only {compared} searches matched anything");
        // The ranges that match some documents were kept, in both segments (tantivy answers some
        // ranges without the column: none of its values, all of them).
        assert!(filters.len() >= 6, "{} ranges kept", filters.len());
    }

    /// A cached range's scorer reports the range scorer's own cost and size hint, on a miss and
    /// on a hit: an intersection orders its scorers by cost and adds their scores in that order,
    /// so a different cost could change the last bit of a score (the test above compares the
    /// scores of queries whose order a different cost may or may not change).
    #[test]
    fn cached_ranges_report_the_range_scorers_cost_and_size() {
        use std::ops::Bound;
        use tantivy::schema::{Schema, FAST, INDEXED};
        use tantivy::{doc, Index, IndexWriter, Term};

        let mut b = Schema::builder();
        let date = b.add_i64_field("date", INDEXED | FAST);
        let index = Index::create_in_ram(b.build());
        let mut w: IndexWriter = index.writer_with_num_threads(1, 20_000_000).unwrap();
        for i in 0..3000i64 {
            w.add_document(doc!(date => 10_000 + (i * 37) % 5000))
                .unwrap();
            if i == 1999 {
                w.commit().unwrap();
            }
        }
        w.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 2);
        let filters = Arc::new(Filters::default());
        let day = |d: i64| Bound::Included(Term::from_field_i64(date, d));
        let mut compared = 0;
        for (lo, hi) in [(11_000, 12_500), (14_000, 14_100), (10_000, 10_010)] {
            let range = RangeQuery::new(day(lo), day(hi));
            let scoring = EnableScoring::disabled_from_searcher(&searcher);
            let plain = range.weight(scoring).unwrap();
            let cached = CachedRange::new(range.clone(), filters.clone())
                .weight(scoring)
                .unwrap();
            for reader in searcher.segment_readers() {
                let p = plain.scorer(reader, 1.0).unwrap();
                for pass in ["miss", "hit"] {
                    let c = cached.scorer(reader, 1.0).unwrap();
                    assert_eq!(
                        (c.cost(), c.size_hint()),
                        (p.cost(), p.size_hint()),
                        "{lo}..={hi}, {pass}"
                    );
                    compared += 1;
                }
            }
        }
        assert_eq!(compared, 12);
        assert_eq!(filters.len(), 6, "every range cached in both segments");
    }
}
