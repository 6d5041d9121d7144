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
use std::sync::mpsc::sync_channel;
use tantivy::collector::Count;
use tantivy::query::EnableScoring;

use tantivy::store::StoreReader;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocId, DocSet, Score, TantivyDocument, TERMINATED};

use crate::error::{Error, Result};
use crate::facets::{to_facets, FacetCounts};
use crate::schema;
use crate::searcher::{collect, to_hit, with_analyzers, Prepared, Running, Searcher};
use crate::snippet;

/// Decompressed store blocks kept per segment while streaming (documents are read in order, so
/// one would do; a few absorb the odd jump back).
const STORE_CACHE_BLOCKS: usize = 4;
/// Matches handed to a worker at a time.
const BATCH: usize = 128;
/// Workers making hits, at most.
const MAX_WORKERS: usize = 8;

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
        let _running = Running::start();
        let (total, facets) = collect(
            &prepared.searcher,
            &prepared.query,
            &(Count, req.facets.then_some(FacetCounts(None))),
        )?;
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
    ///
    /// Reading and highlighting a hit costs far more than finding it, so on several cores the
    /// matches are cut into batches that workers turn into hits while `f` takes the finished
    /// ones, in order (batch `i` goes to worker `i % n` and is taken back from it). The channels
    /// are bounded: memory stays a few batches whatever the number of hits.
    pub fn for_each<E: From<Error>>(
        self,
        mut f: impl FnMut(Hit) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_WORKERS));
        if workers < 2 || self.len() < BATCH * 2 {
            let mut build = Builder::new(&self.prepared);
            return self.walk(|batch| {
                for (seg, doc, score) in batch {
                    f(build.hit(seg, doc, score)?)?;
                }
                Ok::<(), E>(())
            });
        }
        std::thread::scope(|scope| {
            let mut jobs = Vec::with_capacity(workers);
            let mut done = Vec::with_capacity(workers);
            let mut handles = Vec::with_capacity(workers);
            for _ in 0..workers {
                let (job_tx, job_rx) = sync_channel::<Vec<Match>>(2);
                let (hit_tx, hit_rx) = sync_channel::<Result<Vec<Hit>>>(2);
                let prepared = &self.prepared;
                handles.push(scope.spawn(move || {
                    let mut build = Builder::new(prepared);
                    for batch in job_rx {
                        let hits = batch
                            .into_iter()
                            .map(|(seg, doc, score)| build.hit(seg, doc, score))
                            .collect();
                        if hit_tx.send(hits).is_err() {
                            return;
                        }
                    }
                }));
                jobs.push(job_tx);
                done.push(hit_rx);
            }
            let this = &self;
            let walker = scope.spawn(move || {
                let mut sent = 0;
                this.walk(|batch| {
                    // A closed channel means the taker or a worker stopped (see below).
                    jobs[sent % jobs.len()]
                        .send(batch)
                        .map_err(|_| Error::StreamStopped)?;
                    sent += 1;
                    Ok::<(), Error>(())
                })?;
                Ok::<usize, Error>(sent)
            });
            let mut next = 0;
            let mut taken: std::result::Result<(), E> = Ok(());
            while let Ok(hits) = done[next % done.len()].recv() {
                next += 1;
                if let Err(e) = hits
                    .map_err(E::from)
                    .and_then(|hits| hits.into_iter().try_for_each(&mut f))
                {
                    taken = Err(e);
                    break;
                }
            }
            // Closing the channels stops the workers and the walker. A worker or the walker that
            // panicked is an error, not a short answer (nor a panic of the caller).
            drop(done);
            let walked = walker.join().unwrap_or(Err(Error::StreamStopped));
            let workers_ok = handles.into_iter().all(|h| h.join().is_ok());
            taken?;
            match walked.map_err(E::from)? {
                sent if sent == next && workers_ok => Ok(()),
                _ => Err(E::from(Error::StreamStopped)),
            }
        })
    }

    /// Walks the matches in index order, after the offset, handing them on in batches of at
    /// most [`BATCH`]; stops at `each`'s first error.
    fn walk<E: From<Error>>(
        &self,
        mut each: impl FnMut(Vec<Match>) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let searcher = &self.prepared.searcher;
        let mut skip = self.skip;
        let weight = self
            .prepared
            .query
            .weight(EnableScoring::enabled_from_searcher(searcher))
            .map_err(Error::from)?;
        let mut batch = Vec::with_capacity(BATCH);
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let alive = segment.alive_bitset();
            let mut scorer = weight.scorer(segment, 1.0).map_err(Error::from)?;
            let mut doc = scorer.doc();
            while doc != TERMINATED {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    if skip > 0 {
                        skip -= 1;
                    } else {
                        batch.push((ord, doc, scorer.score()));
                        if batch.len() == BATCH {
                            each(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))?;
                        }
                    }
                }
                doc = scorer.advance();
            }
        }
        if !batch.is_empty() {
            each(batch)?;
        }
        Ok(())
    }
}

/// A match: segment, document, score.
type Match = (usize, DocId, Score);

/// Turns matches into hits: its own store readers (one per segment, opened when first needed)
/// and its own snippet analyzer.
struct Builder<'a> {
    prepared: &'a Prepared,
    stores: Vec<Option<StoreReader>>,
    analyzer: TextAnalyzer,
}

impl<'a> Builder<'a> {
    fn new(prepared: &'a Prepared) -> Builder<'a> {
        Builder {
            prepared,
            stores: (0..prepared.searcher.segment_readers().len())
                .map(|_| None)
                .collect(),
            analyzer: snippet::analyzer_for(&prepared.units),
        }
    }

    fn hit(&mut self, seg: usize, doc: DocId, score: Score) -> Result<Hit> {
        let store = match &mut self.stores[seg] {
            Some(store) => store,
            slot => slot.insert(
                self.prepared.searcher.segment_readers()[seg]
                    .get_store_reader(STORE_CACHE_BLOCKS)
                    .map_err(|e| Error::Tantivy(e.into()))?,
            ),
        };
        let d: TantivyDocument = store.get(doc).map_err(Error::from)?;
        let d = schema::from_tantivy(&self.prepared.live.fields, &d)?;
        let snippet = snippet::snippet(
            &mut self.analyzer,
            &self.prepared.units,
            &d.article.title,
            &d.article.body,
        );
        Ok(to_hit(d, score, snippet))
    }
}
