//! Word pairs: phrase queries on the body answered from a field of adjacent token pairs.
//!
//! A phrase of common words (`"district with"`) or of Han characters (`南部山区`, which the query
//! language turns into a phrase of its characters, see [`crate::tokenizer`]) used to be answered
//! by intersecting the postings of its tokens and comparing their positions in every document
//! holding them all: at a million articles the positions of two common words are read in half
//! a million documents to find the 30% where they stand side by side. Elasticsearch's
//! `index_phrases` solves the same problem the same way.
//!
//! The body is therefore indexed a second time as **pairs**: every two tokens that take
//! consecutive positions (a word and the next, a Han character and the next, in the
//! [`positions_analyzer`](crate::tokenizer::positions_analyzer) stream the phrase query itself
//! reads) become one term `"a b"` at the first one's position. A phrase of `n` consecutive
//! tokens is then the phrase of the pairs at offsets 0, 2, 4, … (and `n`-2 when `n` is odd), so
//! a two-token phrase is one term and a four-character Chinese word two pairs two positions
//! apart. A phrase matches at a position exactly when those pairs do, and it matches as often,
//! so [`PairPhraseQuery`] finds the same documents as tantivy's `PhraseQuery` and gives the same
//! score: BM25 from the phrase's own words (their summed idf, the body's field norms and average
//! length), with the phrase count as the term frequency.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

use crate::tokenizer::positions_analyzer;

/// Name under which the pair analyzer is registered in every index.
pub const PAIRS_ANALYZER_NAME: &str = "jinan_pairs";

/// The term text of the pair `a` then `b` (tokens never hold a space).
pub fn pair_text(a: &str, b: &str) -> String {
    let mut s = String::with_capacity(a.len() + 1 + b.len());
    s.push_str(a);
    s.push(' ');
    s.push_str(b);
    s
}

/// The pairs analyzer: the tokens of [`positions_analyzer`], each joined with the next when it
/// takes the next position.
pub fn pairs_analyzer() -> TextAnalyzer {
    TextAnalyzer::from(PairTokenizer {
        inner: positions_analyzer(),
        token: Token::default(),
        prev: Token::default(),
    })
}

#[derive(Clone)]
struct PairTokenizer {
    inner: TextAnalyzer,
    token: Token,
    prev: Token,
}

struct PairTokenStream<'a> {
    inner: tantivy::tokenizer::BoxTokenStream<'a>,
    token: &'a mut Token,
    prev: &'a mut Token,
    /// False until `prev` holds a token.
    has_prev: bool,
}

impl Tokenizer for PairTokenizer {
    type TokenStream<'a> = PairTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> PairTokenStream<'a> {
        self.token.reset();
        self.prev.reset();
        PairTokenStream {
            inner: self.inner.token_stream(text),
            token: &mut self.token,
            prev: &mut self.prev,
            has_prev: false,
        }
    }
}

impl TokenStream for PairTokenStream<'_> {
    fn advance(&mut self) -> bool {
        while self.inner.advance() {
            let cur = self.inner.token();
            let joined = self.has_prev && self.prev.position + 1 == cur.position;
            if joined {
                self.token.text.clear();
                self.token.text.push_str(&self.prev.text);
                self.token.text.push(' ');
                self.token.text.push_str(&cur.text);
                self.token.position = self.prev.position;
                self.token.position_length = 1;
                self.token.offset_from = self.prev.offset_from;
                self.token.offset_to = cur.offset_to;
            }
            self.prev.text.clear();
            self.prev.text.push_str(&cur.text);
            self.prev.position = cur.position;
            self.prev.offset_from = cur.offset_from;
            self.prev.offset_to = cur.offset_to;
            self.has_prev = true;
            if joined {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// The offsets in a phrase of `n` consecutive tokens (`n` ≥ 2) of the pairs that cover it:
/// 0, 2, 4, …, plus `n` - 2 when `n` is odd.
pub fn covering_offsets(n: usize) -> Vec<usize> {
    let mut v: Vec<usize> = (0..n.saturating_sub(1)).step_by(2).collect();
    if n >= 2 && n % 2 == 1 {
        v.push(n - 2);
    }
    v
}

/// A phrase of consecutive tokens of the body, answered from the pairs field. See the module
/// docs: same documents and scores as `PhraseQuery` over `words`.
#[derive(Clone, Debug)]
pub struct PairPhraseQuery {
    /// The covering pairs (pairs field) and their offsets in the phrase.
    pairs: Vec<(usize, Term)>,
    /// The phrase's tokens in the body field, in order (for the score).
    words: Vec<Term>,
}

impl PairPhraseQuery {
    /// The query for the phrase `words` (at least two, at consecutive positions, all in one
    /// field) over `pairs_field`.
    pub fn new(pairs_field: Field, words: Vec<Term>) -> PairPhraseQuery {
        assert!(words.len() >= 2, "a phrase has at least two words");
        let text = |t: &Term| t.value().as_str().unwrap_or_default().to_string();
        let pairs = covering_offsets(words.len())
            .into_iter()
            .map(|o| {
                let pair = pair_text(&text(&words[o]), &text(&words[o + 1]));
                (o, Term::from_field_text(pairs_field, &pair))
            })
            .collect();
        PairPhraseQuery { pairs, words }
    }
}

impl Query for PairPhraseQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let bm25 = match enable_scoring {
            EnableScoring::Enabled {
                statistics_provider,
                ..
            } => Some(Bm25Weight::for_terms(statistics_provider, &self.words)?),
            EnableScoring::Disabled { .. } => None,
        };
        Ok(Box::new(PairPhraseWeight {
            pairs: self.pairs.clone(),
            field: self.words[0].field(),
            bm25,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for t in &self.words {
            visitor(t, true);
        }
    }
}

struct PairPhraseWeight {
    pairs: Vec<(usize, Term)>,
    /// The body field, whose norms score the phrase.
    field: Field,
    bm25: Option<Bm25Weight>,
}

impl PairPhraseWeight {
    fn pair_scorer(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Option<PairScorer>> {
        let option = if self.pairs.len() == 1 {
            IndexRecordOption::WithFreqs
        } else {
            IndexRecordOption::WithFreqsAndPositions
        };
        let mut postings = Vec::with_capacity(self.pairs.len());
        for (offset, term) in &self.pairs {
            match reader
                .inverted_index(term.field())?
                .read_postings(term, option)?
            {
                Some(p) => postings.push((*offset as u32, p)),
                None => return Ok(None),
            }
        }
        let norms = match (
            &self.bm25,
            reader.fieldnorms_readers().get_field(self.field)?,
        ) {
            (Some(_), Some(norms)) => norms,
            _ => FieldNormReader::constant(reader.max_doc(), 1),
        };
        let mut scorer = PairScorer {
            postings,
            norms,
            bm25: self.bm25.as_ref().map(|w| w.boost_by(boost)),
            count: 0,
            buf: Vec::new(),
            hits: Vec::new(),
        };
        scorer.settle();
        Ok(Some(scorer))
    }
}

impl Weight for PairPhraseWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.pair_scorer(reader, boost)? {
            Some(s) => Box::new(s),
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let not_found =
            || tantivy::TantivyError::InvalidArgument(format!("document {doc} does not match"));
        let mut scorer = self.pair_scorer(reader, 1.0)?.ok_or_else(not_found)?;
        if scorer.seek(doc) != doc {
            return Err(not_found());
        }
        let norm = scorer.norms.fieldnorm_id(doc);
        Ok(match &scorer.bm25 {
            Some(w) => w.explain(norm, scorer.count),
            None => Explanation::new("phrase (scoring disabled)", 1.0),
        })
    }
}

/// The documents where every pair stands at its offset from a common position; `count` is how
/// many such positions the current document has.
struct PairScorer {
    /// Each pair's offset in the phrase and postings.
    postings: Vec<(u32, SegmentPostings)>,
    norms: FieldNormReader,
    bm25: Option<Bm25Weight>,
    count: u32,
    buf: Vec<u32>,
    hits: Vec<u32>,
}

impl PairScorer {
    fn current(&self) -> DocId {
        self.postings[0].1.doc()
    }

    /// Moves every postings list to the first document ≥ the first one's current document that
    /// they all hold (leapfrog).
    fn align(&mut self) -> DocId {
        let mut target = self.current();
        'outer: loop {
            if target == TERMINATED {
                return TERMINATED;
            }
            for (_, p) in self.postings.iter_mut() {
                let d = if p.doc() < target {
                    p.seek(target)
                } else {
                    p.doc()
                };
                if d > target {
                    target = d;
                    continue 'outer;
                }
            }
            return target;
        }
    }

    /// How many positions the current document holds the whole phrase at.
    fn phrase_count(&mut self) -> u32 {
        if self.postings.len() == 1 {
            return self.postings[0].1.term_freq();
        }
        let (first, rest) = self.postings.split_first_mut().expect("at least one pair");
        self.hits.clear();
        first.1.positions(&mut self.hits);
        for (offset, p) in rest {
            self.buf.clear();
            p.positions(&mut self.buf);
            let (mut i, mut k) = (0, 0);
            let mut kept = 0;
            while i < self.hits.len() && k < self.buf.len() {
                let want = self.hits[i] + *offset;
                match want.cmp(&self.buf[k]) {
                    std::cmp::Ordering::Less => i += 1,
                    std::cmp::Ordering::Greater => k += 1,
                    std::cmp::Ordering::Equal => {
                        self.hits[kept] = self.hits[i];
                        kept += 1;
                        i += 1;
                        k += 1;
                    }
                }
            }
            self.hits.truncate(kept);
            if kept == 0 {
                return 0;
            }
        }
        self.hits.len() as u32
    }

    /// From the current position of the first postings list, moves to the first document that
    /// holds the phrase (or to the end).
    fn settle(&mut self) -> DocId {
        loop {
            let doc = self.align();
            if doc == TERMINATED {
                self.count = 0;
                return TERMINATED;
            }
            self.count = self.phrase_count();
            if self.count > 0 {
                return doc;
            }
            self.postings[0].1.advance();
        }
    }
}

impl DocSet for PairScorer {
    fn advance(&mut self) -> DocId {
        if self.current() == TERMINATED {
            return TERMINATED;
        }
        self.postings[0].1.advance();
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.current() < target {
            self.postings[0].1.seek(target);
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        if self.count == 0 {
            TERMINATED
        } else {
            self.current()
        }
    }

    fn size_hint(&self) -> u32 {
        self.postings
            .iter()
            .map(|(_, p)| p.size_hint())
            .min()
            .unwrap_or(0)
    }
}

impl Scorer for PairScorer {
    fn score(&mut self) -> Score {
        match &self.bm25 {
            Some(w) => w.score(self.norms.fieldnorm_id(self.doc()), self.count),
            None => 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, usize)> {
        let mut a = pairs_analyzer();
        let mut s = a.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            out.push((s.token().text.clone(), s.token().position));
        }
        out
    }

    #[test]
    fn pairs_join_tokens_at_consecutive_positions_only() {
        assert_eq!(
            pairs("Springs of Jinan, 2024"),
            vec![
                ("spring of".to_string(), 0),
                ("of jinan".to_string(), 1),
                ("jinan 2024".to_string(), 2)
            ]
        );
        // Han characters pair up one by one, across the jieba words and into Latin text.
        assert_eq!(
            pairs("南部山区 ok"),
            vec![
                ("南 部".to_string(), 0),
                ("部 山".to_string(), 1),
                ("山 区".to_string(), 2),
                ("区 ok".to_string(), 3)
            ]
        );
        // A token too long to index leaves a gap: its neighbours are no pair.
        let long = "x".repeat(60);
        assert_eq!(
            pairs(&format!("alpha {long} beta gamma")),
            vec![("beta gamma".to_string(), 2)]
        );
    }

    #[test]
    fn covering_pairs_reach_every_token() {
        assert_eq!(covering_offsets(2), vec![0]);
        assert_eq!(covering_offsets(3), vec![0, 1]);
        assert_eq!(covering_offsets(4), vec![0, 2]);
        assert_eq!(covering_offsets(5), vec![0, 2, 3]);
        for n in 2..12 {
            let offs = covering_offsets(n);
            for k in 0..n {
                assert!(offs.iter().any(|&o| o == k || o + 1 == k), "{n}: {k}");
            }
        }
    }

    /// Text from a small vocabulary (so that phrases repeat within and across documents),
    /// English words and Han characters mixed, from a simple generator.
    fn texts(n: usize, seed: u64) -> Vec<String> {
        const WORDS: &[&str] = &[
            "spring",
            "springs",
            "city",
            "with",
            "district",
            "of",
            "Jinan",
            "the",
            "water",
            "南",
            "部",
            "山",
            "区",
            "济南",
            "城市",
            "2024",
            "lake",
            "with",
            "南部山区",
        ];
        let mut x = seed;
        let mut next = move || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) as usize
        };
        (0..n)
            .map(|_| {
                let len = 1 + next() % 60;
                let mut t = String::new();
                for _ in 0..len {
                    let w = WORDS[next() % WORDS.len()];
                    t.push_str(w);
                    // Han text runs on without spaces half of the time.
                    if next() % 2 == 0 || !w.chars().all(crate::tokenizer::is_han) {
                        t.push_str(if next() % 9 == 0 { ", " } else { " " });
                    }
                }
                t
            })
            .collect()
    }

    #[test]
    fn pair_phrases_find_and_score_as_phrase_queries_do() {
        use tantivy::collector::TopDocs;
        use tantivy::query::PhraseQuery;
        use tantivy::schema::{TextFieldIndexing, TextOptions};
        use tantivy::{doc, Index, IndexWriter};

        let mut b = tantivy::schema::Schema::builder();
        let body = b.add_text_field(
            "body",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(crate::tokenizer::ANALYZER_NAME)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            ),
        );
        let pairs_field = b.add_text_field(
            "pairs",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(PAIRS_ANALYZER_NAME)
                    .set_fieldnorms(false)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            ),
        );
        let index = Index::create_in_ram(b.build());
        index.tokenizers().register(
            crate::tokenizer::ANALYZER_NAME,
            crate::tokenizer::analyzer(),
        );
        index
            .tokenizers()
            .register(PAIRS_ANALYZER_NAME, pairs_analyzer());
        let mut w: IndexWriter = index.writer_with_num_threads(1, 20_000_000).unwrap();
        // Two segments, the second with a deleted-free different mix.
        for (i, t) in texts(400, 7).iter().enumerate() {
            w.add_document(doc!(body => t.as_str(), pairs_field => t.as_str()))
                .unwrap();
            if i == 199 {
                w.commit().unwrap();
            }
        }
        w.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 2);

        let mut analyzer = crate::tokenizer::positions_analyzer();
        let mut phrases: Vec<String> = vec![
            "spring with".into(),
            "with with".into(),
            "南部".into(),
            "南部山区".into(),
            "山区 济南".into(),
            "the water lake".into(),
            "district of jinan".into(),
            "城市 2024 lake".into(),
            "springs of the city".into(),
            "no such words".into(),
        ];
        // Windows of 2 to 6 tokens taken from the documents themselves.
        for (i, t) in texts(40, 99).iter().enumerate() {
            let toks: Vec<String> = crate::tokenizer::analyze(&mut analyzer, t)
                .into_iter()
                .map(|t| t.text)
                .collect();
            let n = 2 + i % 5;
            if toks.len() >= n {
                phrases.push(toks[toks.len() - n..].join(" "));
            }
        }
        let mut compared = 0;
        for phrase in &phrases {
            let toks: Vec<Term> = crate::tokenizer::analyze(&mut analyzer, phrase)
                .into_iter()
                .map(|t| Term::from_field_text(body, &t.text))
                .collect();
            if toks.len() < 2 {
                continue;
            }
            let old = PhraseQuery::new(toks.clone());
            let new = PairPhraseQuery::new(pairs_field, toks);
            let top = TopDocs::with_limit(1000).order_by_score();
            let a = searcher.search(&old, &top).unwrap();
            let b = searcher.search(&new, &top).unwrap();
            assert_eq!(a.len(), b.len(), "{phrase}");
            let bits = |v: &[(Score, tantivy::DocAddress)]| {
                let mut v: Vec<_> = v.iter().map(|(s, d)| (*d, s.to_bits())).collect();
                v.sort();
                v
            };
            assert_eq!(bits(&a), bits(&b), "{phrase}");
            assert_eq!(old.count(&searcher).unwrap(), new.count(&searcher).unwrap());
            for (_, d) in a.iter().take(3) {
                let seg = searcher.segment_reader(d.segment_ord);
                let wo = old
                    .weight(EnableScoring::enabled_from_searcher(&searcher))
                    .unwrap();
                let wn = new
                    .weight(EnableScoring::enabled_from_searcher(&searcher))
                    .unwrap();
                assert_eq!(
                    wo.explain(seg, d.doc_id).unwrap().value().to_bits(),
                    wn.explain(seg, d.doc_id).unwrap().value().to_bits()
                );
            }
            compared += usize::from(!a.is_empty());
        }
        assert!(compared >= 30, "only {compared} phrases matched anything");
    }
}
