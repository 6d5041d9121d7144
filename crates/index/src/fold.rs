//! Near-duplicates at search time: `jinan dups` (every group in the index) and the folding of a
//! result page, where a copy of a hit already shown is not shown again but listed under that hit
//! ([`jinan_types::Hit::copies`]). The fingerprints are those of [`crate::dups`], read from the
//! `dupband` fast field; the articles sharing a band are found through its index.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

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

/// The live documents near-identical to `addr` (itself left out).
///
/// Two articles are near-identical when at least [`MIN_BANDS`] of `addr`'s band keys are among
/// the other's ([`dups::near_identical`]). A document is in the postings of a key exactly when
/// the key is among its values, so counting, for each document, the postings of `addr`'s keys it
/// appears in gives that number without reading any document's keys. The postings are walked
/// directly, segment by segment, on the calling thread: a page folds a dozen hits, and a task per
/// segment on the search pool for every band (what `Searcher::search` does) cost more than the
/// search itself.
pub(crate) fn near_copies(
    searcher: &tantivy::Searcher,
    fields: &Fields,
    addr: DocAddress,
) -> Result<Vec<DocAddress>> {
    let bands = bands_of(searcher, addr)?;
    if bands.len() < MIN_BANDS {
        return Ok(Vec::new());
    }
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

/// At most this many documents' copies are remembered per set of segments (about 10 MB).
const MEMO_ENTRIES: usize = 1 << 18;

/// The copies already found in one set of segments with their deletions ([`PerSegments`]
/// keys it so): a server folds the same popular articles at the head of many result pages, and
/// each lookup is a dozen term lookups and postings walks. Full, it starts again empty.
///
/// [`PerSegments`]: crate::per_segments::PerSegments
#[derive(Default)]
pub(crate) struct CopiesMemo(Mutex<HashMap<DocAddress, Arc<[DocAddress]>>>);

impl CopiesMemo {
    /// [`near_copies`] of `addr`, remembered.
    fn near_copies(
        &self,
        searcher: &tantivy::Searcher,
        fields: &Fields,
        addr: DocAddress,
    ) -> Result<Arc<[DocAddress]>> {
        let lock = || self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(found) = lock().get(&addr) {
            return Ok(Arc::clone(found));
        }
        let found: Arc<[DocAddress]> = near_copies(searcher, fields, addr)?.into();
        let mut memo = lock();
        if memo.len() >= MEMO_ENTRIES {
            memo.clear();
        }
        memo.insert(addr, Arc::clone(&found));
        Ok(found)
    }
}

/// Walks `ranked` (best first) and keeps the first document of each near-duplicate group, with
/// the others of its group as copies, until `want` are kept. `memo` belongs to `searcher`'s
/// segments.
pub(crate) fn fold<T: Copy>(
    searcher: &tantivy::Searcher,
    fields: &Fields,
    ranked: &[(T, DocAddress)],
    want: usize,
    memo: &CopiesMemo,
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
        let copies = memo.near_copies(searcher, fields, *addr)?;
        folded.extend(copies.iter().copied());
        kept.push((*score, *addr, copies.to_vec()));
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
