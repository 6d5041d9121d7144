//! Near-duplicates at search time: `jinan dups` (every group in the index) and the folding of a
//! result page, where a copy of a hit already shown is not shown again but listed under that hit
//! ([`jinan_types::Hit::copies`]). The fingerprints are those of [`crate::dups`], read from the
//! `dupband` fast field; the articles sharing a band are found through its index. Most articles
//! have no copy: [`SharedBands`], built once per set of segments, says which keys more than one
//! value holds, so those articles are passed over without a term lookup.

use std::collections::HashSet;

use jinan_types::{DupArticle, DupGroup, Dups};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, DocSet, TantivyDocument, Term, TERMINATED};

use crate::dups::{self, MIN_BANDS};
use crate::error::{Error, Result};
use crate::schema::{self, Fields, DUPBAND};
use crate::searcher::Searcher;

/// The band keys of one document (empty when it has no fingerprint).
pub(crate) fn bands_of(searcher: &tantivy::Searcher, addr: DocAddress) -> Result<Vec<u64>> {
    let segment = searcher.segment_reader(addr.segment_ord);
    let Some(column) = segment.fast_fields().column_opt::<u64>(DUPBAND)? else {
        return Ok(Vec::new());
    };
    Ok(column.values_for_doc(addr.doc_id).collect())
}

/// The band keys held by more than one value in a set of segments (deleted documents counted),
/// and the documents holding at least [`MIN_BANDS`] such values: only those can have a copy,
/// since a copy shares at least that many of a document's keys. A key held once is in the
/// postings of its own document alone, so it tells nothing about copies either. Built once per
/// set of segments (a pass over the band fast field: about 0.1 s for 100,000 articles).
pub(crate) struct SharedBands {
    /// Sorted.
    keys: Vec<u64>,
    /// Per segment (in the searcher's order), per document: may have a copy.
    candidates: Vec<Vec<bool>>,
}

impl SharedBands {
    pub(crate) fn build(searcher: &tantivy::Searcher) -> Result<SharedBands> {
        let mut columns = Vec::new();
        let mut all: Vec<u64> = Vec::new();
        for segment in searcher.segment_readers() {
            let column = segment.fast_fields().column_opt::<u64>(DUPBAND)?;
            if let Some(c) = &column {
                for doc in 0..segment.max_doc() {
                    all.extend(c.values_for_doc(doc));
                }
            }
            columns.push((segment.max_doc(), column));
        }
        all.sort_unstable();
        let keys: Vec<u64> = all
            .chunk_by(|a, b| a == b)
            .filter(|run| run.len() > 1)
            .map(|run| run[0])
            .collect();
        drop(all);
        let candidates = columns
            .into_iter()
            .map(|(max_doc, column)| match column {
                Some(c) if !keys.is_empty() => (0..max_doc)
                    .map(|doc| {
                        c.values_for_doc(doc)
                            .filter(|k| keys.binary_search(k).is_ok())
                            .count()
                            >= MIN_BANDS
                    })
                    .collect(),
                _ => vec![false; max_doc as usize],
            })
            .collect();
        Ok(SharedBands { keys, candidates })
    }

    fn may_have_copies(&self, addr: DocAddress) -> bool {
        self.candidates
            .get(addr.segment_ord as usize)
            .and_then(|docs| docs.get(addr.doc_id as usize))
            .is_some_and(|c| *c)
    }

    fn is_shared(&self, key: u64) -> bool {
        self.keys.binary_search(&key).is_ok()
    }
}

/// The live documents near-identical to `addr` (itself left out).
///
/// Two articles are near-identical when at least [`MIN_BANDS`] of `addr`'s band keys are among
/// the other's ([`dups::near_identical`]). A document is in the postings of a key exactly when
/// the key is among its values, so counting, for each document, the postings of `addr`'s keys it
/// appears in gives that number without reading any document's keys. Only the keys `shared`
/// knows to be held more than once are looked up. The postings are walked directly, segment by
/// segment, on the calling thread: a page folds a dozen hits, and a task per segment on the
/// search pool for every band (what `Searcher::search` does) cost more than the search itself.
pub(crate) fn near_copies(
    searcher: &tantivy::Searcher,
    fields: &Fields,
    shared: &SharedBands,
    addr: DocAddress,
) -> Result<Vec<DocAddress>> {
    if !shared.may_have_copies(addr) {
        return Ok(Vec::new());
    }
    let mut bands = bands_of(searcher, addr)?;
    if bands.len() < MIN_BANDS {
        return Ok(Vec::new());
    }
    bands.retain(|b| shared.is_shared(*b));
    let io = |e: std::io::Error| Error::Tantivy(e.into());
    let mut out = Vec::new();
    let mut seen: Vec<DocId> = Vec::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let inverted = segment.inverted_index(fields.dupband)?;
        let alive = segment.alive_bitset();
        seen.clear();
        for band in &bands {
            let term = Term::from_field_u64(fields.dupband, *band);
            let Some(info) = inverted.get_term_info(&term).map_err(io)? else {
                continue;
            };
            let mut postings = inverted
                .read_postings_from_terminfo(&info, IndexRecordOption::Basic)
                .map_err(io)?;
            let mut doc = postings.doc();
            while doc != TERMINATED {
                seen.push(doc);
                doc = postings.advance();
            }
        }
        seen.sort_unstable();
        for run in seen.chunk_by(|a, b| a == b) {
            let doc = run[0];
            let other = DocAddress::new(ord as u32, doc);
            if run.len() >= MIN_BANDS && other != addr && alive.is_none_or(|a| a.is_alive(doc)) {
                out.push(other);
            }
        }
    }
    Ok(out)
}

/// How a document is listed among copies.
pub(crate) fn dup_article(
    searcher: &tantivy::Searcher,
    fields: &Fields,
    addr: DocAddress,
) -> Result<DupArticle> {
    let d: TantivyDocument = searcher.doc(addr)?;
    let doc = schema::from_tantivy(fields, &d)?;
    Ok(DupArticle {
        archive_url: jinan_types::archive_url(&doc.article.url, &doc.captured_at),
        url: doc.article.url,
        title: doc.article.title,
        date: doc.article.date,
        column: doc.article.column,
        lang: doc.article.lang,
        deleted_at: doc.deleted_at,
    })
}

/// Walks `ranked` (best first) and keeps the first document of each near-duplicate group, with
/// the others of its group as copies, until `want` are kept.
pub(crate) fn fold<T: Copy>(
    searcher: &tantivy::Searcher,
    fields: &Fields,
    shared: &SharedBands,
    ranked: &[(T, DocAddress)],
    want: usize,
) -> Result<Vec<(T, DocAddress, Vec<DocAddress>)>> {
    let mut kept = Vec::with_capacity(want.min(ranked.len()));
    let mut folded: HashSet<DocAddress> = HashSet::new();
    for (score, addr) in ranked {
        if kept.len() == want {
            break;
        }
        if folded.contains(addr) {
            continue;
        }
        let copies = near_copies(searcher, fields, shared, *addr)?;
        folded.extend(copies.iter().copied());
        kept.push((*score, *addr, copies));
    }
    Ok(kept)
}

impl Searcher {
    /// Every group of near-identical articles in the index, each earliest first (then by URL),
    /// the groups in the order of their first article.
    pub fn dups(&self) -> Result<Dups> {
        let live = self.live();
        let searcher = live.reader.searcher();
        let mut items: Vec<(DocAddress, Vec<u64>)> = Vec::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let Some(column) = segment.fast_fields().column_opt::<u64>(DUPBAND)? else {
                continue;
            };
            for doc in 0..segment.max_doc() {
                if segment.alive_bitset().is_some_and(|a| !a.is_alive(doc)) {
                    continue;
                }
                let bands: Vec<u64> = column.values_for_doc(doc).collect();
                if bands.len() >= MIN_BANDS {
                    items.push((DocAddress::new(ord as u32, doc), bands));
                }
            }
        }
        let fingerprinted = items.len() as u64;
        let mut groups = Vec::new();
        for members in dups::group(&items) {
            let mut articles = members
                .into_iter()
                .map(|a| dup_article(&searcher, &live.fields, a))
                .collect::<Result<Vec<_>>>()?;
            articles.sort_by(|a, b| (a.date, &a.url).cmp(&(b.date, &b.url)));
            groups.push(DupGroup { articles });
        }
        groups.sort_by(|a, b| {
            let key = |g: &DupGroup| g.articles.first().map(|x| (x.date, x.url.clone()));
            key(a).cmp(&key(b))
        });
        Ok(Dups {
            fingerprinted,
            groups,
        })
    }
}
