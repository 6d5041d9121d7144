//! The read side: search with filters, sorting, paging and snippets; single-article lookup,
//! export, and the numbers the search page and `stats` show.
//!
//! A [`Searcher`] follows the live generation: [`Searcher::refresh`] re-reads `CURRENT` and the
//! generation's `meta.json` (a read and a stat, so it is cheap to call before every request) and
//! reloads only when one changed. Each search works on a snapshot (`Arc` of the generation plus a
//! tantivy searcher), so a search in flight keeps answering from the old generation after a swap.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use chrono::{DateTime, Utc};
use jinan_types::{
    Document, Hit, IndexStats, Interval, SearchRequest, SearchResults, Sort, MAX_LIMIT,
};
use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, EnableScoring, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, Executor, IndexReader, Order, ReloadPolicy, TantivyDocument, Term};

use crate::collect::{PeriodCounts, StrCounts};
use crate::error::{Error, Result};
use crate::facets::{to_facets, FacetCodes, FacetCounts};
use crate::filters::{CachedRange, Filters};
use crate::fold;
use crate::generation;
use crate::per_segments::PerSegments;
use crate::query;
use crate::schema::{self, date_to_days, Fields};
use crate::snippet;
use crate::tokenizer::{positions_analyzer, query_analyzer};

pub use jinan_types::MAX_OFFSET;

/// Identity of a `meta.json` version (inode, modification time, size).
type Stamp = Option<(u64, std::time::SystemTime, u64)>;

fn stamp(gen_dir: &Path) -> Stamp {
    let m = std::fs::metadata(gen_dir.join("meta.json")).ok()?;
    #[cfg(unix)]
    let ino = std::os::unix::fs::MetadataExt::ino(&m);
    #[cfg(not(unix))]
    let ino = 0;
    Some((ino, m.modified().ok()?, m.len()))
}

/// One open generation.
pub(crate) struct Live {
    /// Keeps writers from removing this generation while it is read (dropped with `Live`).
    _hold: generation::Hold,
    gen: String,
    pub(crate) gen_dir: PathBuf,
    pub(crate) reader: IndexReader,
    pub(crate) fields: Fields,
    stamp: Mutex<Stamp>,
    /// Every document's facet values, for counting facets.
    pub(crate) facet_codes: PerSegments<FacetCodes>,
    /// The near-copies found so far, for folding result pages.
    pub(crate) copies: PerSegments<fold::CopiesMemo>,
    /// Date ranges' documents, per segment ([`crate::filters`]).
    pub(crate) date_filters: Arc<Filters>,
}

impl Live {
    fn open(dir: &Path, gen: String) -> Result<Live> {
        let hold = generation::hold(dir, &gen);
        let gen_dir = dir.join(&gen);
        let stamp = stamp(&gen_dir);
        // No executor on the index: each search picks one ([`collect`]), the pool only when alone.
        let index = generation::open(&gen_dir)?;
        let fields = schema::fields_of(&index.schema())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Live {
            _hold: hold,
            gen,
            gen_dir,
            reader,
            fields,
            stamp: Mutex::new(stamp),
            facet_codes: PerSegments::default(),
            copies: PerSegments::default(),
            date_filters: Arc::default(),
        })
    }
}

/// The process-wide pool that searches the segments of an index in parallel (one task per
/// segment), so that a heavy query uses every core; None on a single core.
fn search_executor() -> Option<&'static Executor> {
    static EXECUTOR: OnceLock<Option<Executor>> = OnceLock::new();
    EXECUTOR
        .get_or_init(|| {
            let n = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
            if n < 2 {
                return None;
            }
            Executor::multi_thread(n, "jinan-search-")
                .map_err(|e| tracing::warn!(error = %e, "no search thread pool; searching on one thread"))
                .ok()
        })
        .as_ref()
}

/// Searches running now in this process (all [`Searcher`]s), counted by [`Running`].
static RUNNING: AtomicUsize = AtomicUsize::new(0);

/// Counts one search as running while it lives.
pub(crate) struct Running;

impl Running {
    pub(crate) fn start() -> Running {
        RUNNING.fetch_add(1, AtomicOrdering::Relaxed);
        Running
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, AtomicOrdering::Relaxed);
    }
}

/// The pool, when this search runs alone. Splitting one search over threads makes it answer
/// sooner on an idle machine, but under load every core is already busy with a search of its
/// own, and the hand-offs to the pool (a wake-up and a wait per call) only cost: then each
/// search runs on its own thread.
fn pool_if_alone() -> Option<&'static Executor> {
    if RUNNING.load(AtomicOrdering::Relaxed) > 1 {
        return None;
    }
    search_executor()
}

/// `searcher.search(query, collector)`, over the segments in parallel when the index has more
/// than one and this search runs alone ([`pool_if_alone`]).
pub(crate) fn collect<C: Collector>(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    collector: &C,
) -> tantivy::Result<C::Fruit> {
    match pool_if_alone() {
        Some(pool) if searcher.segment_readers().len() > 1 => {
            let scoring = if collector.requires_scoring() {
                EnableScoring::enabled_from_searcher(searcher)
            } else {
                EnableScoring::disabled_from_searcher(searcher)
            };
            searcher.search_with_executor(query, collector, pool, scoring)
        }
        _ => searcher.search(query, collector),
    }
}

thread_local! {
    /// This thread's analyzers: the full one for queries, the positions-only one for snippets.
    /// Kept per thread (not cloned per search) so that their stem caches stay warm.
    static ANALYZERS: RefCell<(TextAnalyzer, TextAnalyzer)> =
        RefCell::new((query_analyzer(), positions_analyzer()));
}

/// Distinct sets of initials whose snippet analyzers a thread keeps (then it starts afresh).
/// Each analyzer's stem cache holds the words of its initials, so a word sits in the cache of
/// every kept set holding its first letter: few sets keep that bounded (with 256, a long-lived
/// server's threads could each hold a large vocabulary twenty times over). 32 answered as fast
/// as 256 on the distinct mix (BENCHMARKS.md).
const SNIPPET_ANALYZERS: usize = 32;

thread_local! {
    /// This thread's snippet analyzers that read only the words a query could match, by the
    /// first characters of its terms ([`snippet::analyzer_for`]). Queries share such sets (a
    /// query of one word starting with `s` and another), so each analyzer's stem cache stays
    /// warm as the full one's does.
    static FOR_INITIALS: RefCell<foldhash::HashMap<Box<[char]>, TextAnalyzer>> =
        RefCell::new(foldhash::HashMap::default());
}

/// Runs `f` with an analyzer for the snippets of `units`: one that reads only the words whose
/// first character a term of `units` starts with (the same snippets, most words neither
/// lowercased nor stemmed), or `full` when a unit could match any word.
fn with_snippet_analyzer<R>(
    units: &[query::Unit],
    full: &mut TextAnalyzer,
    f: impl FnOnce(&mut TextAnalyzer) -> R,
) -> R {
    let Some(mut initials) = snippet::initials(units) else {
        return f(full);
    };
    initials.sort_unstable();
    initials.dedup();
    let make = |k: &[char]| crate::tokenizer::positions_analyzer_for(k.iter().copied());
    FOR_INITIALS.with(|cell| match cell.try_borrow_mut() {
        Ok(mut map) => {
            if map.len() >= SNIPPET_ANALYZERS && !map.contains_key(&initials[..]) {
                map.clear();
            }
            let analyzer = map
                .entry(initials.into_boxed_slice())
                .or_insert_with_key(|k| make(k));
            f(analyzer)
        }
        Err(_) => f(&mut make(&initials)),
    })
}

/// Runs `f` with this thread's query and snippet analyzers.
pub(crate) fn with_analyzers<R>(f: impl FnOnce(&mut TextAnalyzer, &mut TextAnalyzer) -> R) -> R {
    ANALYZERS.with(|cell| match cell.try_borrow_mut() {
        Ok(mut pair) => {
            let (query, snippets) = &mut *pair;
            f(query, snippets)
        }
        // Re-entered on the same thread (not done today): fresh analyzers rather than a panic.
        Err(_) => f(&mut query_analyzer(), &mut positions_analyzer()),
    })
}

/// A compiled, filtered query on one snapshot of the index.
pub(crate) struct Prepared {
    pub live: Arc<Live>,
    pub searcher: tantivy::Searcher,
    pub query: Box<dyn Query>,
    pub units: Vec<query::Unit>,
}

/// The hit of a stored document.
pub(crate) fn to_hit(doc: Document, score: f32, snippet: String) -> Hit {
    let archive_url = jinan_types::archive_url(&doc.article.url, &doc.captured_at);
    let a = doc.article;
    Hit {
        url: a.url,
        title: a.title,
        date: a.date,
        column: a.column,
        lang: a.lang,
        score,
        deleted_at: doc.deleted_at,
        snippet,
        archive_url,
        copies: Vec::new(),
    }
}

/// The relevance scores of `addrs` (in that order; 0 for one the query does not match): one
/// weight and one scorer per segment, each document sought in index order. The same value as
/// `query.explain(searcher, addr)` gives (whose value is the scorer's), without building the
/// weight and an explanation tree per document.
pub(crate) fn scores_of(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    addrs: &[DocAddress],
) -> Result<Vec<f32>> {
    let mut scores = vec![0.0; addrs.len()];
    if addrs.is_empty() {
        return Ok(scores);
    }
    let weight = query.weight(EnableScoring::enabled_from_searcher(searcher))?;
    let mut order: Vec<usize> = (0..addrs.len()).collect();
    order.sort_by_key(|&i| (addrs[i].segment_ord, addrs[i].doc_id));
    for run in order.chunk_by(|&a, &b| addrs[a].segment_ord == addrs[b].segment_ord) {
        let segment = searcher.segment_reader(addrs[run[0]].segment_ord);
        let mut scorer = weight.scorer(segment, 1.0)?;
        for &i in run {
            let doc = addrs[i].doc_id;
            if scorer.doc() <= doc && scorer.seek(doc) == doc {
                scores[i] = scorer.score();
            }
        }
    }
    Ok(scores)
}

/// Refuses a column filter naming no column of the index: a silent empty result would read as
/// "never mentioned" when the name is only misspelt.
fn check_filters(live: &Live, searcher: &tantivy::Searcher, req: &SearchRequest) -> Result<()> {
    let Some(c) = &req.column else {
        return Ok(());
    };
    if searcher.doc_freq(&Term::from_field_text(live.fields.column, c))? > 0 {
        return Ok(());
    }
    let known: BTreeMap<String, u64> = searcher.search(&AllQuery, &StrCounts("column"))?;
    Err(Error::UnknownColumn {
        name: c.clone(),
        known: known.into_keys().collect(),
    })
}

/// Searches the live generation of an index directory. `Send + Sync`: share it in an `Arc`.
pub struct Searcher {
    dir: PathBuf,
    live: RwLock<Arc<Live>>,
}

impl Searcher {
    /// Opens the generation named by `dir/CURRENT`; [`Error::NoIndex`] when there is none yet,
    /// [`Error::SchemaMismatch`] for an index of another schema version.
    pub fn open(dir: &Path) -> Result<Searcher> {
        let live = Self::open_current(dir)?;
        Ok(Searcher {
            dir: dir.to_path_buf(),
            live: RwLock::new(Arc::new(live)),
        })
    }

    fn open_current(dir: &Path) -> Result<Live> {
        // A publish may swap CURRENT and remove a generation between our read and open: retry.
        let mut last = None;
        for _ in 0..3 {
            let gen =
                generation::read_current(dir)?.ok_or_else(|| Error::NoIndex(dir.to_path_buf()))?;
            match Live::open(dir, gen) {
                Ok(live) => return Ok(live),
                Err(e @ Error::SchemaMismatch { .. }) => return Err(e),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| Error::NoIndex(dir.to_path_buf())))
    }

    pub(crate) fn live(&self) -> Arc<Live> {
        match self.live.read() {
            Ok(g) => Arc::clone(&g),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Picks up new commits and a new `CURRENT` generation. Cheap when nothing changed (one small
    /// read and one stat). Returns true when the searcher now sees something new.
    pub fn refresh(&self) -> Result<bool> {
        let live = self.live();
        let current =
            generation::read_current(&self.dir)?.ok_or_else(|| Error::NoIndex(self.dir.clone()))?;
        if current != live.gen {
            let new = Arc::new(Self::open_current(&self.dir)?);
            tracing::info!(gen = %new.gen, "switched to a new index generation");
            match self.live.write() {
                Ok(mut g) => *g = new,
                Err(poisoned) => *poisoned.into_inner() = new,
            }
            return Ok(true);
        }
        let now = stamp(&live.gen_dir);
        let mut seen = live.stamp.lock().unwrap_or_else(|p| p.into_inner());
        if *seen == now {
            return Ok(false);
        }
        live.reader.reload()?;
        *seen = now;
        tracing::debug!(gen = %live.gen, "reloaded index after a commit");
        Ok(true)
    }

    /// Name of the generation currently searched.
    pub fn generation(&self) -> String {
        self.live().gen.clone()
    }

    pub(crate) fn filtered(
        live: &Live,
        query: Box<dyn Query>,
        req: &SearchRequest,
    ) -> Result<Box<dyn Query>> {
        let f = &live.fields;
        let mut subs: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query)];
        if let (Some(from), Some(to)) = (req.from, req.to) {
            if from > to {
                return Err(Error::Query(format!(
                    "the date range is empty: from {from} is after to {to}"
                )));
            }
        }
        if req.from.is_some() || req.to.is_some() {
            let bound = |d: Option<chrono::NaiveDate>| {
                d.map_or(Bound::Unbounded, |d| {
                    Bound::Included(Term::from_field_i64(f.date, date_to_days(d)))
                })
            };
            subs.push((
                Occur::Must,
                Box::new(CachedRange::new(
                    RangeQuery::new(bound(req.from), bound(req.to)),
                    live.date_filters.clone(),
                )),
            ));
        }
        if let Some(c) = &req.column {
            subs.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.column, c),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        if let Some(l) = req.lang {
            subs.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.lang, l.as_str()),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        if req.live {
            subs.push((
                Occur::MustNot,
                Box::new(TermQuery::new(
                    Term::from_field_u64(f.deleted, 1),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        Ok(if subs.len() == 1 {
            subs.remove(0).1
        } else {
            Box::new(BooleanQuery::new(subs))
        })
    }

    /// Runs a search: the query language of INTERFACE.md, filters, sort, paging, snippets.
    /// A query that cannot be parsed, or bad paging, is [`Error::Query`].
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults> {
        Ok(self.run(req, false, true)?.0)
    }

    /// [`Searcher::search`] without the [`MAX_LIMIT`] and [`MAX_OFFSET`] caps (the command line
    /// has none): the page is sized to the matches, so a huge `limit` costs no more than the
    /// matches themselves. [`Searcher::stream`] serves every hit in constant memory instead.
    pub fn search_unbounded(&self, req: &SearchRequest) -> Result<SearchResults> {
        Ok(self.run(req, false, false)?.0)
    }

    /// [`Searcher::search`] plus the matching articles per publication year (what
    /// [`Searcher::year_histogram`] gives), counted in the same pass over the matches.
    pub fn search_with_years(
        &self,
        req: &SearchRequest,
    ) -> Result<(SearchResults, Vec<(i32, u64)>)> {
        let (results, years) = self.run(req, true, true)?;
        Ok((results, years.unwrap_or_default().into_iter().collect()))
    }

    fn run(
        &self,
        req: &SearchRequest,
        years: bool,
        bounded: bool,
    ) -> Result<(SearchResults, Option<BTreeMap<i32, u64>>)> {
        if bounded && req.limit > MAX_LIMIT {
            return Err(Error::Query(format!("limit must be at most {MAX_LIMIT}")));
        }
        if bounded && req.offset > MAX_OFFSET {
            return Err(Error::Query(format!("offset must be at most {MAX_OFFSET}")));
        }
        let _running = Running::start();
        with_analyzers(|query_analyzer, snippet_analyzer| {
            self.search_with(req, years, query_analyzer, snippet_analyzer)
        })
    }

    /// The query of `req` with its filters, checked against this generation (an unknown column
    /// is a user error naming the known ones), and the searcher to run it on.
    pub(crate) fn prepare(
        &self,
        req: &SearchRequest,
        query_analyzer: &mut TextAnalyzer,
    ) -> Result<Prepared> {
        let live = self.live();
        let compiled = query::compile(&query::parse(&req.query)?, &live.fields, query_analyzer)?;
        let searcher = live.reader.searcher();
        check_filters(&live, &searcher, req)?;
        let query = Self::filtered(&live, compiled.query, req)?;
        Ok(Prepared {
            live,
            searcher,
            query,
            units: compiled.units,
        })
    }

    fn search_with(
        &self,
        req: &SearchRequest,
        want_years: bool,
        query_analyzer: &mut TextAnalyzer,
        snippet_analyzer: &mut TextAnalyzer,
    ) -> Result<(SearchResults, Option<BTreeMap<i32, u64>>)> {
        let Prepared {
            live,
            searcher,
            query: full,
            units,
        } = self.prepare(req, query_analyzer)?;
        // An unbounded page is sized to the matches, so that a huge limit allocates nothing.
        let mut limit = req.limit;
        if limit > MAX_LIMIT || req.offset > MAX_OFFSET {
            let n = collect(&searcher, &full, &Count)?;
            limit = limit.min(n.saturating_sub(req.offset));
        }
        // One pass over the matches: the page of hits, the total, the years and the facets. A
        // folded page is walked from the top (copies of earlier hits do not count), so it
        // fetches more than it shows, and more again in the rare case that was not enough.
        // The year facet is the year chart: counted once when both are wanted.
        let facets = if req.facets {
            let codes = live
                .facet_codes
                .get(&searcher, |s| Ok(FacetCodes::build(s)?))?;
            Some(FacetCounts(Some(codes)))
        } else {
            None
        };
        let extras = (
            (want_years && !req.facets).then_some(PeriodCounts(Interval::Year)),
            facets,
        );
        let want = req.offset + limit;
        let fold = req.collapse && limit > 0;
        let (fetch, skip) = if fold {
            (want * 2 + 10, 0)
        } else {
            (limit, req.offset)
        };
        let ranked = |fetch: usize, skip: usize| -> Result<Vec<(Option<f32>, DocAddress)>> {
            let top = TopDocs::with_limit(fetch).and_offset(skip);
            Ok(match req.sort {
                Sort::Relevance => collect(&searcher, &full, &top.order_by_score())?
                    .into_iter()
                    .map(|(s, a)| (Some(s), a))
                    .collect(),
                Sort::Date => collect(
                    &searcher,
                    &full,
                    &top.order_by_fast_field::<i64>("date", Order::Desc),
                )?
                .into_iter()
                .map(|(_, a): (Option<i64>, DocAddress)| (None, a))
                .collect(),
            })
        };
        let (total, mut page, (years, facets)): (usize, Vec<(Option<f32>, DocAddress)>, _) =
            if limit == 0 {
                let (n, extras) = collect(&searcher, &full, &(Count, extras))?;
                (n, Vec::new(), extras)
            } else {
                let top = TopDocs::with_limit(fetch).and_offset(skip);
                match req.sort {
                    Sort::Relevance => {
                        let (docs, n, extras) =
                            collect(&searcher, &full, &(top.order_by_score(), Count, extras))?;
                        (
                            n,
                            docs.into_iter().map(|(s, a)| (Some(s), a)).collect(),
                            extras,
                        )
                    }
                    Sort::Date => {
                        let (docs, n, extras) = collect(
                            &searcher,
                            &full,
                            &(
                                top.order_by_fast_field::<i64>("date", Order::Desc),
                                Count,
                                extras,
                            ),
                        )?;
                        (
                            n,
                            docs.into_iter().map(|(_, a)| (None, a)).collect(),
                            extras,
                        )
                    }
                }
            };
        let mut copies: Vec<Vec<DocAddress>> = Vec::new();
        if fold {
            let memo = live
                .copies
                .get(&searcher, |_| Ok(fold::CopiesMemo::default()))?;
            let mut fetch = fetch;
            let mut kept = fold::fold(&searcher, &live.fields, &page, want, &memo)?;
            while kept.len() < want && page.len() == fetch && fetch < total {
                fetch = (fetch * 2).min(total);
                page = ranked(fetch, 0)?;
                kept = fold::fold(&searcher, &live.fields, &page, want, &memo)?;
            }
            let kept: Vec<_> = kept.into_iter().skip(req.offset).collect();
            page = kept.iter().map(|(s, a, _)| (*s, *a)).collect();
            copies = kept.into_iter().map(|(_, _, c)| c).collect();
        }
        // Loading, decompressing and highlighting the hits costs as much as a light query: a
        // search running alone builds them in parallel on the search pool (in order), each
        // worker with its own warm analyzer.
        // Sorted by date: report the relevance score all the same, scored here for the page only.
        let page: Vec<(f32, DocAddress)> = if req.sort == Sort::Relevance {
            page.into_iter()
                .map(|(s, a)| (s.unwrap_or(0.0), a))
                .collect()
        } else {
            let addrs: Vec<DocAddress> = page.iter().map(|(_, a)| *a).collect();
            scores_of(&searcher, full.as_ref(), &addrs)?
                .into_iter()
                .zip(addrs)
                .collect()
        };
        let units = &units;
        let fields = &live.fields;
        let searcher = &searcher;
        let build = |(score, addr): (f32, DocAddress), analyzer: &mut TextAnalyzer| {
            let d: TantivyDocument = searcher.doc(addr)?;
            let doc = schema::from_tantivy(fields, &d)?;
            let snippet = snippet::snippet(analyzer, units, &doc.article.title, &doc.article.body);
            Ok::<Hit, Error>(to_hit(doc, score, snippet))
        };
        let hits: Vec<Hit> = match pool_if_alone() {
            Some(executor) if page.len() > 1 => executor
                .map(
                    |item| {
                        Ok(with_analyzers(|_, full| {
                            with_snippet_analyzer(units, full, |a| build(item, a))
                        }))
                    },
                    page.into_iter(),
                )?
                .into_iter()
                .collect::<Result<_>>()?,
            _ => with_snippet_analyzer(units, snippet_analyzer, |a| {
                page.into_iter()
                    .map(|item| build(item, a))
                    .collect::<Result<_>>()
            })?,
        };
        let mut hits = hits;
        for (hit, addrs) in hits.iter_mut().zip(copies) {
            hit.copies = addrs
                .into_iter()
                .map(|a| fold::dup_article(searcher, &live.fields, a))
                .collect::<Result<_>>()?;
        }
        let years = match (&facets, want_years) {
            (Some((_, _, by_year)), true) => Some(by_year.clone()),
            _ => years,
        };
        let results = SearchResults {
            query: req.query.clone(),
            total,
            offset: req.offset,
            limit: req.limit,
            hits,
            facets: facets.map(to_facets),
        };
        Ok((results, years))
    }

    /// Matching articles per publication year for the request's query and filters (paging and
    /// sort ignored), oldest year first.
    pub fn year_histogram(&self, req: &SearchRequest) -> Result<Vec<(i32, u64)>> {
        let live = self.live();
        let compiled = with_analyzers(|query_analyzer, _| {
            query::compile(&query::parse(&req.query)?, &live.fields, query_analyzer)
        })?;
        let full = Self::filtered(&live, compiled.query, req)?;
        let _running = Running::start();
        Ok(collect(
            &live.reader.searcher(),
            &full,
            &PeriodCounts(Interval::Year),
        )?
        .into_iter()
        .collect())
    }

    /// The stored article at `url`, if indexed.
    pub fn article(&self, url: &str) -> Result<Option<Document>> {
        let live = self.live();
        let searcher = live.reader.searcher();
        let q = TermQuery::new(
            Term::from_field_text(live.fields.url, url),
            IndexRecordOption::Basic,
        );
        let top = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
        match top.first() {
            Some((_, addr)) => {
                let d: TantivyDocument = searcher.doc(*addr)?;
                Ok(Some(schema::from_tantivy(&live.fields, &d)?))
            }
            None => Ok(None),
        }
    }

    /// Calls `f` with every indexed document (one per URL), in index order; stops at `f`'s first error.
    pub fn for_each_document<E: From<Error>>(
        &self,
        mut f: impl FnMut(Document) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let live = self.live();
        let searcher = live.reader.searcher();
        for segment in searcher.segment_readers() {
            let store = segment
                .get_store_reader(4)
                .map_err(|e| Error::Tantivy(e.into()))?;
            for d in store.iter::<TantivyDocument>(segment.alive_bitset()) {
                let d = d.map_err(Error::from)?;
                f(schema::from_tantivy(&live.fields, &d)?)?;
            }
        }
        Ok(())
    }

    /// Every indexed document (for export).
    pub fn documents(&self) -> Result<Vec<Document>> {
        let mut out = Vec::new();
        self.for_each_document(|d| {
            out.push(d);
            Ok::<(), Error>(())
        })?;
        Ok(out)
    }

    /// Article count per column, most articles first (for the search page's column filter).
    pub fn columns(&self) -> Result<Vec<(String, u64)>> {
        let live = self.live();
        let counts = live
            .reader
            .searcher()
            .search(&AllQuery, &StrCounts("column"))?;
        let mut v: Vec<(String, u64)> = counts.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(v)
    }

    /// What the index holds (part of `jinan stats`).
    pub fn stats(&self) -> Result<IndexStats> {
        let live = self.live();
        let searcher = live.reader.searcher();
        let f = &live.fields;
        let deleted = searcher.search(
            &TermQuery::new(Term::from_field_u64(f.deleted, 1), IndexRecordOption::Basic),
            &Count,
        )?;
        let by_lang: BTreeMap<String, u64> = searcher.search(&AllQuery, &StrCounts("lang"))?;
        let by_column: BTreeMap<String, u64> = searcher.search(&AllQuery, &StrCounts("column"))?;
        let last_indexed = std::fs::metadata(live.gen_dir.join("meta.json"))
            .and_then(|m| m.modified())
            .ok()
            .map(DateTime::<Utc>::from);
        Ok(IndexStats {
            articles: searcher.num_docs(),
            deleted: deleted as u64,
            by_lang,
            by_column,
            last_indexed,
            index_bytes: generation::size(&live.gen_dir),
        })
    }
}
