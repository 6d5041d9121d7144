//! Full result sets: every hit of a search, handed to the caller one at a time, in constant
//! memory whatever the number of matches.
//!
//! Ranking needs every score before the first hit can be named, so a full result set is not
//! ranked: hits come in index order (segment by segment, each with its relevance score and date,
//! so a reader's tool can sort them). Nothing is collected: each match is scored, its stored
//! document read and its snippet made, then it is handed on and forgotten. The total and the
//! facets are counted first, in one pass over the fast fields, so that a JSON answer can start
//! with them.

use jinan_types::{Facets, Hit, SearchRequest};
use tantivy::collector::Count;
use tantivy::query::EnableScoring;
use tantivy::{DocSet, TantivyDocument, TERMINATED};

use crate::error::{Error, Result};
use crate::facets::{to_facets, FacetCounts};
use crate::schema;
use crate::searcher::{to_hit, with_analyzers, Prepared, Searcher};
use crate::snippet;
use crate::tokenizer::positions_analyzer;

/// Decompressed store blocks kept per segment while streaming (documents are read in order, so
/// one would do; a few absorb the odd jump back).
const STORE_CACHE_BLOCKS: usize = 4;

/// Every hit of one search, ready to be walked with [`HitStream::for_each`]. `Send`: it can be
/// prepared on one thread (to answer a bad query before anything is sent) and walked on another.
pub struct HitStream {
    prepared: Prepared,
    total: usize,
    skip: usize,
    facets: Option<Facets>,
}

impl Searcher {
    /// Prepares the full result set of `req`: its filters and `offset` apply; `limit` and `sort`
    /// do not (see the module docs). Fails like [`Searcher::search`] on a bad query or filter.
    pub fn stream(&self, req: &SearchRequest) -> Result<HitStream> {
        let prepared = with_analyzers(|query_analyzer, _| self.prepare(req, query_analyzer))?;
        let (total, facets) = prepared
            .searcher
            .search(&prepared.query, &(Count, req.facets.then_some(FacetCounts)))?;
        Ok(HitStream {
            prepared,
            total,
            skip: req.offset,
            facets: facets.map(to_facets),
        })
    }
}

impl HitStream {
    /// Number of matching articles (before the offset).
    pub fn total(&self) -> usize {
        self.total
    }

    /// Hits the walk will hand out (the total less the offset).
    pub fn len(&self) -> usize {
        self.total.saturating_sub(self.skip)
    }

    /// True when the walk hands out nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The facets, when the request asked for them.
    pub fn facets(&self) -> Option<&Facets> {
        self.facets.as_ref()
    }

    /// Calls `f` with every hit, in index order; stops at `f`'s first error.
    pub fn for_each<E: From<Error>>(
        self,
        mut f: impl FnMut(Hit) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let Prepared {
            live,
            searcher,
            query,
            units,
        } = self.prepared;
        let mut skip = self.skip;
        let weight = query
            .weight(EnableScoring::enabled_from_searcher(&searcher))
            .map_err(Error::from)?;
        let mut analyzer = positions_analyzer();
        for segment in searcher.segment_readers() {
            let alive = segment.alive_bitset();
            let store = segment
                .get_store_reader(STORE_CACHE_BLOCKS)
                .map_err(|e| Error::Tantivy(e.into()))?;
            let mut scorer = weight.scorer(segment, 1.0).map_err(Error::from)?;
            let mut doc = scorer.doc();
            while doc != TERMINATED {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    if skip > 0 {
                        skip -= 1;
                    } else {
                        let score = scorer.score();
                        let d: TantivyDocument = store.get(doc).map_err(Error::from)?;
                        let d = schema::from_tantivy(&live.fields, &d)?;
                        let snippet = snippet::snippet(
                            &mut analyzer,
                            &units,
                            &d.article.title,
                            &d.article.body,
                        );
                        f(to_hit(d, score, snippet))?;
                    }
                }
                doc = scorer.advance();
            }
        }
        Ok(())
    }
}
