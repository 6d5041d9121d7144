//! Near-duplicates at search time: `jinan dups` (every group in the index) and the folding of a
//! result page, where a copy of a hit already shown is not shown again but listed under that hit
//! ([`jinan_types::Hit::copies`]). The fingerprints are those of [`crate::dups`], read from the
//! `dupband` fast field; the copies of every article are paired up once per set of segments
//! ([`Copies`]), so that folding a page costs a look-up per hit.

use std::collections::{HashMap, HashSet};

use jinan_types::{DupArticle, DupGroup, Dups};
use tantivy::{DocAddress, TantivyDocument};

use crate::dups::{self, MIN_BANDS};
use crate::error::Result;
use crate::schema::{self, Fields, DUPBAND};
use crate::searcher::Searcher;

/// The near copies of every document, found once per set of segments from the band fast field,
/// so that folding a page reads no postings.
///
/// Two articles are near-identical when at least [`MIN_BANDS`] of `a`'s band keys are among the
/// other's ([`dups::near_identical`]). Band keys are far from unique (a few are held by
/// thousands of articles that share boilerplate), so the documents holding each key are listed
/// once, and each document counts, in one dense array, how many of its keys (with repeats) every
/// other document holds: the sum over keys of their holders squared, about 20 million steps and
/// 0.2 s for 100,000 articles, where the postings of the same keys walked per hit cost a tenth of
/// the search CPU.
pub(crate) struct Copies {
    /// The documents with a copy: their copies, deleted ones included, in index order.
    of: HashMap<DocAddress, Box<[DocAddress]>>,
}

impl Copies {
    pub(crate) fn build(searcher: &tantivy::Searcher) -> Result<Copies> {
        // Documents are numbered across segments: `base[ord] + doc`.
        let mut addrs: Vec<DocAddress> = Vec::new();
        let mut all: Vec<(u64, u32)> = Vec::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let column = segment.fast_fields().column_opt::<u64>(DUPBAND)?;
            for doc in 0..segment.max_doc() {
                let n = addrs.len() as u32;
                addrs.push(DocAddress::new(ord as u32, doc));
                if let Some(c) = &column {
                    all.extend(c.values_for_doc(doc).map(|key| (key, n)));
                }
            }
        }
        all.sort_unstable();
        // Each document's keys (with repeats) as runs of `all`, the documents holding one key.
        let runs: Vec<&[(u64, u32)]> = all.chunk_by(|a, b| a.0 == b.0).collect();
        let mut start = vec![0u32; addrs.len() + 1];
        for run in &runs {
            for (_, n) in run.iter() {
                start[*n as usize + 1] += 1;
            }
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        let mut keys_of = vec![0u32; all.len()];
        let mut fill = start.clone();
        for (r, run) in runs.iter().enumerate() {
            for (_, n) in run.iter() {
                keys_of[fill[*n as usize] as usize] = r as u32;
                fill[*n as usize] += 1;
            }
        }
        let mut agreeing = vec![0u16; addrs.len()];
        let mut touched: Vec<u32> = Vec::new();
        let mut of = HashMap::new();
        for a in 0..addrs.len() {
            let keys = &keys_of[start[a] as usize..start[a + 1] as usize];
            if keys.len() < MIN_BANDS {
                continue;
            }
            for r in keys {
                let run = runs[*r as usize];
                if run.len() < 2 {
                    continue;
                }
                // A document holding the key twice is in its postings once.
                for same in run.chunk_by(|x, y| x.1 == y.1) {
                    let o = same[0].1 as usize;
                    if agreeing[o] == 0 {
                        touched.push(o as u32);
                    }
                    agreeing[o] = agreeing[o].saturating_add(1);
                }
            }
            let mut copies: Vec<DocAddress> = Vec::new();
            for o in touched.drain(..) {
                let o = o as usize;
                if o != a && usize::from(agreeing[o]) >= MIN_BANDS {
                    copies.push(addrs[o]);
                }
                agreeing[o] = 0;
            }
            if !copies.is_empty() {
                copies.sort_unstable();
                of.insert(addrs[a], copies.into_boxed_slice());
            }
        }
        Ok(Copies { of })
    }
}

/// The live documents near-identical to `addr` (itself left out), in index order.
pub(crate) fn near_copies(
    searcher: &tantivy::Searcher,
    copies: &Copies,
    addr: DocAddress,
) -> Vec<DocAddress> {
    let alive = |o: &&DocAddress| {
        searcher
            .segment_reader(o.segment_ord)
            .alive_bitset()
            .is_none_or(|a| a.is_alive(o.doc_id))
    };
    copies
        .of
        .get(&addr)
        .map(|c| c.iter().filter(alive).copied().collect())
        .unwrap_or_default()
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
    copies: &Copies,
    ranked: &[(T, DocAddress)],
    want: usize,
) -> Vec<(T, DocAddress, Vec<DocAddress>)> {
    let mut kept = Vec::with_capacity(want.min(ranked.len()));
    let mut folded: HashSet<DocAddress> = HashSet::new();
    for (score, addr) in ranked {
        if kept.len() == want {
            break;
        }
        if folded.contains(addr) {
            continue;
        }
        let found = near_copies(searcher, copies, *addr);
        folded.extend(found.iter().copied());
        kept.push((*score, *addr, found));
    }
    kept
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

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::{doc, Index};

    /// How many of `a`'s values (with repeats) `o` holds: the definition of agreeing keys.
    fn agreeing(a: &[u64], o: &[u64]) -> usize {
        a.iter().filter(|k| o.contains(k)).count()
    }

    #[test]
    fn copies_are_the_documents_agreeing_on_enough_keys() {
        let (schema, fields) = schema::build();
        let index = Index::create_in_ram(schema);
        let analyzer = crate::tokenizer::analyzer();
        index
            .tokenizers()
            .register(crate::tokenizer::ANALYZER_NAME, analyzer);
        // Groups sharing 3 to 16 keys, a key held twice by one document, a key every document
        // holds, documents without keys, over two segments.
        let mut docs: Vec<Vec<u64>> = Vec::new();
        for i in 0..60u64 {
            let group = i % 7;
            let shared = 3 + (group as usize * 2) % 14;
            let mut keys: Vec<u64> = (0..shared as u64).map(|k| 1000 * group + k).collect();
            keys.extend((shared as u64..16).map(|k| 1_000_000 + 100 * i + k));
            keys.push(42);
            if i % 11 == 0 {
                keys.push(keys[0]);
            }
            if i % 13 == 0 {
                keys.clear();
            }
            docs.push(keys);
        }
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        for (i, keys) in docs.iter().enumerate() {
            let mut d = doc!();
            for k in keys {
                d.add_u64(fields.dupband, *k);
            }
            writer.add_document(d).unwrap();
            if i == 29 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let copies = Copies::build(&searcher).unwrap();
        let mut values = Vec::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let column = segment.fast_fields().column_opt::<u64>(DUPBAND).unwrap();
            for doc in 0..segment.max_doc() {
                let keys: Vec<u64> = column
                    .as_ref()
                    .map_or(Vec::new(), |c| c.values_for_doc(doc).collect());
                values.push((DocAddress::new(ord as u32, doc), keys));
            }
        }
        let mut found = 0;
        for (a, keys) in &values {
            let expected: Vec<DocAddress> = values
                .iter()
                .filter(|(o, other)| o != a && agreeing(keys, other) >= MIN_BANDS)
                .map(|(o, _)| *o)
                .collect();
            found += expected.len();
            assert_eq!(near_copies(&searcher, &copies, *a), expected, "{a:?}");
        }
        assert!(found > 100, "the fixture has copies ({found})");
    }
}
