//! What the body's word pairs ([`jinan_index::pairs`]) cost to index, three ways, on the same
//! documents, threads and heap: in the tantivy field as the index writes them (`tantivy`), not at
//! all (`none`), and written by a **prototype** segment plugin (`plugin`, tantivy 0.27's
//! `SegmentPlugin`) that collects each segment's pair postings in one flat vector and sorts it
//! once instead of updating a hash-table entry per posting. The prototype writes and merges its
//! file (stacked segments without deletions only) but has no reader: it measures the cost of
//! the alternative design, the index does not use it. See BENCHMARKS.md, issue 16, session 12.
//!
//! `cargo run --release -p jinan-index --example bench_pair_plugin -- ARTICLES.jsonl WORK_DIR
//! tantivy|none|plugin [THREADS] [HEAP_MB]`: by default 2 indexing threads and 200 MB, as the
//! index writer; no merges until every segment is merged into one at the end (as a fresh
//! generation is); prints the indexing and total seconds.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::any::Any;
use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

use jinan_index::pairs::{pairs_analyzer, PAIRS_ANALYZER_NAME};
use jinan_index::schema;
use jinan_index::tokenizer::{analyzer, positions_analyzer, ANALYZER_NAME};
use tantivy::directory::TerminatingWrite;
use tantivy::index::{Segment, SegmentComponent};
use tantivy::indexer::doc_id_mapping::MappingType;
use tantivy::indexer::NoMergePolicy;
use tantivy::schema::document::ErasedDocument;
use tantivy::schema::{Field, Schema, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocId, Index, IndexWriter, PluginMergeContext, PluginWriter, PluginWriterContext,
    SegmentPlugin, TantivyDocument, TantivyError,
};
use tantivy_tokenizer_api::TokenStream;

mod shared;

const EXT: &str = "pairs";

struct PairPlugin {
    body: Field,
}

impl SegmentPlugin for PairPlugin {
    fn extensions(&self) -> &[&str] {
        &[EXT]
    }
    fn create_writer(&self, _ctx: &PluginWriterContext) -> tantivy::Result<Box<dyn PluginWriter>> {
        Ok(Box::new(PairWriter {
            body: self.body,
            an: positions_analyzer(),
            vocab: HashMap::default(),
            words: Vec::new(),
            entries: Vec::new(),
        }))
    }
    fn merge(&self, ctx: PluginMergeContext) -> tantivy::Result<()> {
        // Stacked segments without deletes only (the prototype's case): doc offsets are the
        // cumulated max_doc of the sources.
        if ctx.doc_id_mapping.mapping_type() != MappingType::Stacked {
            return Err(TantivyError::InvalidArgument(
                "the prototype merges stacked segments without deletions only".into(),
            ));
        }
        let mut offsets = Vec::new();
        let mut off = 0u32;
        let mut sources = Vec::new();
        for r in ctx.readers {
            offsets.push(off);
            off += r.max_doc();
            let bytes = r
                .open_read(SegmentComponent::Custom(EXT.to_string()))?
                .read_bytes()?;
            sources.push(bytes);
        }
        let mut cursors: Vec<Cursor> = sources
            .iter()
            .map(|b| Cursor {
                data: b.as_slice(),
                at: 0,
            })
            .collect();
        let mut heads: Vec<Option<(Vec<u8>, usize, usize)>> =
            cursors.iter_mut().map(|c| c.next_term()).collect();
        let mut w = ctx
            .target_segment
            .open_write(SegmentComponent::Custom(EXT.to_string()))?;
        let mut buf = Vec::new();
        while let Some(min) = heads.iter().flatten().map(|h| &h.0).min().cloned() {
            buf.clear();
            let mut ndocs = 0usize;
            let mut last_doc: Option<u32> = None;
            for (i, h) in heads.iter_mut().enumerate() {
                if h.as_ref().is_some_and(|h| h.0 == min) {
                    let Some((_, n, start)) = h.take() else {
                        continue;
                    };
                    let c = &mut cursors[i];
                    c.at = start;
                    let mut doc = 0u32;
                    for _ in 0..n {
                        doc += c.vint();
                        let tf = c.vint();
                        let new = doc + offsets[i];
                        vint(&mut buf, new - last_doc.map_or(0, |d| d));
                        last_doc = Some(new);
                        vint(&mut buf, tf);
                        for _ in 0..tf {
                            let p = c.vint();
                            vint(&mut buf, p);
                        }
                    }
                    ndocs += n;
                    *h = c.next_term();
                }
            }
            w.write_all(&(min.len() as u16).to_le_bytes())?;
            w.write_all(&min)?;
            let mut hdr = Vec::new();
            vint(&mut hdr, ndocs as u32);
            vint(&mut hdr, buf.len() as u32);
            w.write_all(&hdr)?;
            w.write_all(&buf)?;
        }
        w.terminate()?;
        Ok(())
    }
}

struct Cursor<'a> {
    data: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn vint(&mut self) -> u32 {
        let mut v = 0u32;
        let mut shift = 0;
        loop {
            let b = self.data[self.at];
            self.at += 1;
            v |= u32::from(b & 0x7f) << shift;
            if b < 0x80 {
                return v;
            }
            shift += 7;
        }
    }
    /// The next term: its text, its doc count and where its postings start; the cursor moves
    /// past the postings.
    fn next_term(&mut self) -> Option<(Vec<u8>, usize, usize)> {
        if self.at >= self.data.len() {
            return None;
        }
        let len = u16::from_le_bytes([self.data[self.at], self.data[self.at + 1]]) as usize;
        self.at += 2;
        let text = self.data[self.at..self.at + len].to_vec();
        self.at += len;
        let n = self.vint() as usize;
        let bytes = self.vint() as usize;
        let start = self.at;
        self.at += bytes;
        Some((text, n, start))
    }
}

fn vint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

struct PairWriter {
    body: Field,
    an: TextAnalyzer,
    vocab: HashMap<String, u32, foldhash::fast::FixedState>,
    words: Vec<String>,
    /// (first word id << 32 | second word id) << 64 | doc << 32 | position.
    entries: Vec<u128>,
}

impl PluginWriter for PairWriter {
    fn add_document(
        &mut self,
        doc_id: DocId,
        doc: &dyn ErasedDocument,
        _schema: &Schema,
    ) -> tantivy::Result<()> {
        let Some(doc) = doc.as_any().downcast_ref::<TantivyDocument>() else {
            return Err(TantivyError::InvalidArgument(
                "the prototype reads TantivyDocument only".into(),
            ));
        };
        let Some(body) = doc.get_first(self.body).and_then(|v| v.as_str()) else {
            return Ok(());
        };
        let mut s = self.an.token_stream(body);
        let mut prev: Option<(u32, usize)> = None;
        while s.advance() {
            let t = s.token();
            let id = match self.vocab.get(t.text.as_str()) {
                Some(id) => *id,
                None => {
                    let id = self.words.len() as u32;
                    self.words.push(t.text.clone());
                    self.vocab.insert(t.text.clone(), id);
                    id
                }
            };
            if let Some((pid, ppos)) = prev {
                if ppos + 1 == t.position {
                    self.entries.push(
                        (u128::from((u64::from(pid) << 32) | u64::from(id)) << 64)
                            | (u128::from(doc_id) << 32)
                            | ppos as u128,
                    );
                }
            }
            prev = Some((id, t.position));
        }
        Ok(())
    }

    fn serialize(
        self: Box<Self>,
        segment: &Segment,
        _map: Option<&tantivy::indexer::doc_id_mapping::DocIdMapping>,
    ) -> tantivy::Result<()> {
        let PairWriter {
            words, mut entries, ..
        } = *self;
        // Word ids in the order of their text, so that the pairs sort as their text "a b" does.
        let mut order: Vec<u32> = (0..words.len() as u32).collect();
        order.sort_unstable_by(|a, b| words[*a as usize].cmp(&words[*b as usize]));
        let mut rank = vec![0u32; words.len()];
        for (r, id) in order.iter().enumerate() {
            rank[*id as usize] = r as u32;
        }
        for e in entries.iter_mut() {
            let key = (*e >> 64) as u64;
            let (a, b) = ((key >> 32) as usize, (key & 0xffff_ffff) as usize);
            let k = (u64::from(rank[a]) << 32) | u64::from(rank[b]);
            *e = (u128::from(k) << 64) | (*e & u128::from(u64::MAX));
        }
        entries.sort_unstable();
        let mut w = segment.open_write(SegmentComponent::Custom(EXT.to_string()))?;
        let mut buf = Vec::new();
        let mut i = 0;
        while i < entries.len() {
            let key = (entries[i] >> 64) as u64;
            let mut j = i;
            while j < entries.len() && (entries[j] >> 64) as u64 == key {
                j += 1;
            }
            buf.clear();
            let mut ndocs = 0u32;
            let mut last = 0u32;
            let mut k = i;
            while k < j {
                let doc = (entries[k] >> 32) as u32;
                let mut m = k;
                while m < j && (entries[m] >> 32) as u32 == doc {
                    m += 1;
                }
                vint(&mut buf, doc - last);
                last = doc;
                vint(&mut buf, (m - k) as u32);
                let mut lp = 0u32;
                for e in &entries[k..m] {
                    let p = *e as u32;
                    vint(&mut buf, p - lp);
                    lp = p;
                }
                ndocs += 1;
                k = m;
            }
            let a = &words[order[(key >> 32) as usize] as usize];
            let b = &words[order[(key & 0xffff_ffff) as usize] as usize];
            let text = format!("{a} {b}");
            w.write_all(&(text.len() as u16).to_le_bytes())?;
            w.write_all(text.as_bytes())?;
            let mut hdr = Vec::new();
            vint(&mut hdr, ndocs);
            vint(&mut hdr, buf.len() as u32);
            w.write_all(&hdr)?;
            w.write_all(&buf)?;
            i = j;
        }
        w.terminate()?;
        Ok(())
    }

    fn mem_usage(&self) -> usize {
        self.entries.capacity() * 16 + self.words.len() * 32
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(input), Some(work), Some(mode @ ("tantivy" | "none" | "plugin"))) =
        (args.get(1), args.get(2), args.get(3).map(String::as_str))
    else {
        eprintln!("usage: bench_pair_plugin ARTICLES.jsonl WORK_DIR tantivy|none|plugin");
        std::process::exit(2);
    };
    let (docs, mb) = shared::documents(input)?;
    let dir = std::path::Path::new(work).join("pp");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let (schema, fields) = schema::build();
    let t = Instant::now();
    let mut b = Index::builder().schema(schema);
    if mode == "plugin" {
        b = b.register_plugin(Arc::new(PairPlugin { body: fields.body }));
    }
    let index = b.create_in_dir(&dir)?;
    index.tokenizers().register(ANALYZER_NAME, analyzer());
    index
        .tokenizers()
        .register(PAIRS_ANALYZER_NAME, pairs_analyzer());
    let threads: usize = args.get(4).map_or(Ok(2), |s| s.parse())?;
    let heap_mb: usize = args.get(5).map_or(Ok(200), |s| s.parse())?;
    let mut writer: IndexWriter = index.writer_with_num_threads(threads, heap_mb * 1_000_000)?;
    writer.set_merge_policy(Box::new(NoMergePolicy));
    for batch in docs.chunks(512) {
        let prepared: Vec<TantivyDocument> = std::thread::scope(|s| {
            let parts: Vec<_> = batch
                .chunks(256)
                .map(|p| {
                    let f = &fields;
                    s.spawn(move || {
                        p.iter()
                            .map(|d| {
                                let doc = schema::to_tantivy(f, d);
                                if mode == "tantivy" {
                                    return doc;
                                }
                                let mut out = TantivyDocument::new();
                                for (field, v) in doc.field_values() {
                                    if field != f.pairs {
                                        out.add_field_value(field, v);
                                    }
                                }
                                out
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            parts
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        for d in prepared {
            writer.add_document(d)?;
        }
    }
    writer.commit()?;
    let indexed = t.elapsed().as_secs_f64();
    let ids = index.searchable_segment_ids()?;
    let n = ids.len();
    if n > 1 {
        writer.merge(&ids).wait()?;
    }
    writer.wait_merging_threads()?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{mode}: {n} segments, indexed {indexed:.2} s, with merge {secs:.2} s, {:.2} MB/s",
        mb / secs
    );
    // The pair postings of the merged segment, counted the way each mode stores them (the same
    // count in `tantivy` and `plugin` shows the prototype wrote every pair).
    let searcher = index.reader()?.searcher();
    let (mut terms, mut postings, mut positions) = (0u64, 0u64, 0u64);
    for r in searcher.segment_readers() {
        if mode == "plugin" {
            let bytes = r
                .open_read(SegmentComponent::Custom(EXT.to_string()))?
                .read_bytes()?;
            let mut c = Cursor {
                data: bytes.as_slice(),
                at: 0,
            };
            while let Some((_, n, start)) = c.next_term() {
                let end = c.at;
                c.at = start;
                for _ in 0..n {
                    c.vint();
                    let tf = c.vint();
                    positions += u64::from(tf);
                    for _ in 0..tf {
                        c.vint();
                    }
                }
                c.at = end;
                terms += 1;
                postings += n as u64;
            }
        } else {
            let inv = r.inverted_index(fields.pairs)?;
            let mut stream = inv.terms().stream()?;
            while let Some((_, info)) = stream.next() {
                terms += 1;
                postings += u64::from(info.doc_freq);
            }
        }
    }
    println!("pair terms {terms}, postings {postings}, positions {positions} (plugin only)");
    Ok(())
}
