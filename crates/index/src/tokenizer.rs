//! The one analyzer for title and body text, used at index time, query time and for snippets.
//!
//! Text on the site mixes English and Chinese. [`MixedTokenizer`] cuts it in one pass:
//!
//! * a run of letters or digits that are not Han characters is one word (exactly the split of
//!   tantivy's default `SimpleTokenizer`); the analyzer lowercases and English-stems it;
//! * a run of Han characters is segmented by jieba-rs (default dictionary plus our user
//!   dictionary of Jinan names, [`crate::dict`]: the full instance, loaded once per process, at
//!   index time; at query time, while the full one is not loaded, a small instance that cuts the
//!   run exactly as the full one does, so that a CLI search needs no 130 ms dictionary load);
//! * spaces, punctuation and symbols produce nothing and consume **no position**, so English
//!   phrase queries behave as with tantivy's default tokenizer.
//!
//! ## Chinese: words for ranking, characters for recall
//!
//! jieba cuts the same word differently depending on its neighbours (`友好城市` may come out as one
//! word or as `友好`+`城市`), so matching jieba words alone misses articles. Inside a Han run every
//! character takes one position and is indexed as a unigram token (`position_length` 1); each jieba
//! word of two or more characters is indexed *as well*, stacked at the position of its first
//! character with `position_length` = its length in characters. A Chinese query word then becomes
//! a phrase of its characters (offsets 0, 1, 2, ...), which matches every occurrence whatever the
//! segmentation in context; the jieba words of the query are added as optional clauses, so articles
//! where the same word was cut the same way (real word occurrences, not accidental character
//! sequences across a word boundary) rank first. Because positions follow characters, phrases
//! mixing Chinese and English (`济南 2024`) also work. The cost is one extra posting per Han
//! character (about 6% of indexing CPU on the benchmark corpus, see benches/index/RESULTS.md);
//! jieba runs without HMM (faster, and the unigrams already give recall for words the dictionary
//! does not know).
//!
//! ## Speed
//!
//! Tokens are streamed through one reused [`Token`] (no allocation per token), and
//! [`EnglishNormalizer`] replaces tantivy's `LowerCaser` + `Stemmer` with the same output but
//! memoized stems and no work on Han tokens: the snowball stemmer was the largest single cost.

use std::sync::Arc;

use jieba_rs::Jieba;
use tantivy::tokenizer::{Language, LowerCaser, RemoveLongFilter, Stemmer, TextAnalyzer};
use tantivy_tokenizer_api::{Token, TokenFilter, TokenStream, Tokenizer};

/// Name under which the analyzer is registered in every index.
pub const ANALYZER_NAME: &str = "jinan";

/// Words longer than this (in bytes) are dropped, as tantivy's default analyzer does.
const MAX_TOKEN_BYTES: usize = 40;

/// The process-wide full jieba instance ([`crate::dict::full`]).
pub fn jieba() -> &'static Jieba {
    crate::dict::full()
}

/// `tokens` with long tokens removed, then [`EnglishNormalizer`]: the chain every analyzer of the
/// index shares, so that query, snippet and index tokens are normalized alike.
fn normalized(tokens: MixedTokenizer) -> TextAnalyzer {
    TextAnalyzer::builder(tokens)
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(EnglishNormalizer)
        .build()
}

/// The full analyzer: [`MixedTokenizer`], long-token removal, then [`EnglishNormalizer`]
/// (lowercasing and English stemming, as tantivy's `LowerCaser` + `Stemmer` do).
pub fn analyzer() -> TextAnalyzer {
    normalized(MixedTokenizer::default())
}

/// [`analyzer`] for queries: the same tokens, but a Han run is cut by a small instance made for
/// it ([`crate::dict::for_text`]) unless the full instance is already loaded.
pub fn query_analyzer() -> TextAnalyzer {
    normalized(MixedTokenizer::for_queries())
}

/// [`analyzer`] without the jieba words ([`MixedTokenizer::positions_only`]): every token that
/// takes a position, normalized the same way. Snippets match by position and use this one.
pub fn positions_analyzer() -> TextAnalyzer {
    normalized(MixedTokenizer::positions_only())
}

/// [`positions_analyzer`] for a reader that compares tokens with terms starting with one of
/// `initials` (see [`MixedTokenizer::positions_only_for`]): the same tokens wherever they can
/// match such a term, the others empty (neither copied, lowercased nor stemmed).
pub fn positions_analyzer_for(initials: impl IntoIterator<Item = char>) -> TextAnalyzer {
    let mut v: Vec<char> = initials.into_iter().collect();
    v.sort_unstable();
    v.dedup();
    normalized(MixedTokenizer::positions_only_for(Some(v.into())))
}

/// The analyzer as first written, with tantivy's own filters: the reference that
/// [`analyzer`] must reproduce token for token (tests and benchmarks).
pub fn reference_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(MixedTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// True for characters jieba should segment (CJK unified ideographs and their extensions).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2A6DF | 0x2A700..=0x2EBEF
        | 0x30000..=0x3134F | 0x3007)
}

/// `text` with every run of Han characters split into its [`jieba`] words (the segmentation the
/// index uses) and the words separated by spaces, so that tools without a Chinese tokenizer can
/// find words in it (the WACZ page list). Other text is kept as it is.
pub fn spaced_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut rest = text;
    while let Some(start) = rest.find(is_han) {
        out.push_str(&rest[..start]);
        let run_len = rest[start..]
            .find(|c: char| !is_han(c))
            .unwrap_or(rest.len() - start);
        let run = &rest[start..start + run_len];
        for word in jieba().cut(run, false) {
            if out.ends_with(char::is_alphanumeric) {
                out.push(' ');
            }
            out.push_str(&run[word.byte_start..word.byte_end]);
        }
        rest = &rest[start + run_len..];
        if rest.starts_with(char::is_alphanumeric) {
            out.push(' ');
        }
    }
    out.push_str(rest);
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Han,
    Word,
    Other,
}

/// The character starting at byte `i` of `text` (which must be a char boundary), its class and
/// its length in bytes. ASCII, most of the text, is classified without decoding.
#[inline]
fn char_at(text: &str, i: usize) -> Option<(Class, usize)> {
    let b = *text.as_bytes().get(i)?;
    if b < 0x80 {
        let cls = if b.is_ascii_alphanumeric() {
            Class::Word
        } else {
            Class::Other
        };
        return Some((cls, 1));
    }
    let c = text[i..].chars().next()?;
    let cls = if is_han(c) {
        Class::Han
    } else if c.is_alphanumeric() {
        Class::Word
    } else {
        Class::Other
    };
    Some((cls, c.len_utf8()))
}

/// A token of a Han run waiting to be emitted: byte range, position, position length.
#[derive(Clone, Copy)]
struct Pending {
    from: usize,
    to: usize,
    position: usize,
    len: usize,
}

/// Segments mixed Chinese/Latin text; see the module docs. Produces raw (not lowercased) tokens.
///
/// Tokens are produced lazily into one reused [`Token`]; only the tokens of the current Han run
/// are buffered (as byte ranges), so no memory is allocated per token.
#[derive(Clone)]
pub struct MixedTokenizer {
    token: Token,
    pending: Vec<Pending>,
    /// False: no jieba words, only the tokens that take a position (words and Han characters).
    jieba_words: bool,
    /// When set (sorted), tokens whose lowercased first character is not one of these come with
    /// an empty text: see [`MixedTokenizer::positions_only_for`].
    initials: Option<Arc<[char]>>,
    /// Which jieba instance cuts a Han run.
    dicts: Dicts,
}

/// Which jieba instance cuts a Han run ([`crate::dict`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Dicts {
    /// The full instance (loaded on first use): index time.
    Full,
    /// The full instance if already loaded, else a small one made for the run: query time.
    SmallUnlessLoaded,
    /// Always a small one (tests compare it with [`Dicts::Full`]).
    #[cfg(test)]
    Small,
}

impl Default for MixedTokenizer {
    fn default() -> Self {
        MixedTokenizer {
            token: Token::default(),
            pending: Vec::new(),
            jieba_words: true,
            initials: None,
            dicts: Dicts::Full,
        }
    }
}

impl MixedTokenizer {
    /// The tokenizer without the stacked jieba words: the same positions and the same
    /// position-length-1 tokens, for uses that match by position only (snippets).
    pub fn positions_only() -> Self {
        MixedTokenizer {
            jieba_words: false,
            ..Default::default()
        }
    }

    /// [`MixedTokenizer::positions_only`] for a reader that compares tokens with terms starting
    /// with one of `initials` (sorted, lowercase): every token keeps its position and offsets,
    /// but one whose lowercased first character is none of them comes with an empty text, since
    /// no such term can match it (lowercasing and stemming keep the first character). Most
    /// tokens of a text are then never copied. `None`: [`MixedTokenizer::positions_only`].
    pub fn positions_only_for(initials: Option<Arc<[char]>>) -> Self {
        MixedTokenizer {
            initials,
            ..MixedTokenizer::positions_only()
        }
    }

    /// The tokenizer of [`query_analyzer`].
    pub fn for_queries() -> Self {
        MixedTokenizer {
            dicts: Dicts::SmallUnlessLoaded,
            ..Default::default()
        }
    }
}

/// The first character of `word` lowercased (the first character of its lowercase form).
fn lowercase_first(word: &str) -> Option<char> {
    let b = *word.as_bytes().first()?;
    if b < 0x80 {
        return Some(b.to_ascii_lowercase() as char);
    }
    word.chars().next()?.to_lowercase().next()
}

/// Stream over the tokens [`MixedTokenizer`] produces for one text.
pub struct MixedTokenStream<'a> {
    text: &'a str,
    /// Byte offset where scanning resumes.
    cursor: usize,
    /// Next free position.
    position: usize,
    token: &'a mut Token,
    pending: &'a mut Vec<Pending>,
    /// Index of the next token of `pending` to emit.
    next_pending: usize,
    jieba_words: bool,
    initials: Option<&'a [char]>,
    dicts: Dicts,
}

impl Tokenizer for MixedTokenizer {
    type TokenStream<'a> = MixedTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> MixedTokenStream<'a> {
        self.token.reset();
        self.pending.clear();
        MixedTokenStream {
            text,
            cursor: 0,
            position: 0,
            token: &mut self.token,
            pending: &mut self.pending,
            next_pending: 0,
            jieba_words: self.jieba_words,
            initials: self.initials.as_deref(),
            dicts: self.dicts,
        }
    }
}

impl MixedTokenStream<'_> {
    fn emit(&mut self, from: usize, to: usize, position: usize, len: usize) {
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = position;
        self.token.position_length = len;
        self.token.text.clear();
        let word = &self.text[from..to];
        if let Some(initials) = self.initials {
            if lowercase_first(word).is_none_or(|c| initials.binary_search(&c).is_err()) {
                return;
            }
        }
        self.token.text.push_str(word);
    }

    /// Buffers the tokens of the Han run `text[start..end]` (see the module docs).
    fn segment_han(&mut self, start: usize, end: usize) {
        self.pending.clear();
        self.next_pending = 0;
        if !self.jieba_words {
            self.push_chars(start, end);
            return;
        }
        let run = &self.text[start..end];
        let small = match self.dicts {
            Dicts::Full => None,
            Dicts::SmallUnlessLoaded if crate::dict::full_if_loaded().is_some() => None,
            _ => crate::dict::for_text(run),
        };
        let cutter: &Jieba = match &small {
            Some(j) => j,
            None => jieba(),
        };
        for word in cutter.cut(run, false) {
            let from = start + word.byte_start;
            let to = start + word.byte_end;
            let len = word.end - word.start;
            if len > 1 {
                self.pending.push(Pending {
                    from,
                    to,
                    position: self.position,
                    len,
                });
            }
            self.push_chars(from, to);
        }
    }

    /// Buffers one token per character of `text[from..to]`, each at its own position.
    fn push_chars(&mut self, from: usize, to: usize) {
        for (i, ch) in self.text[from..to].char_indices() {
            self.pending.push(Pending {
                from: from + i,
                to: from + i + ch.len_utf8(),
                position: self.position,
                len: 1,
            });
            self.position += 1;
        }
    }
}

impl TokenStream for MixedTokenStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            if let Some(&p) = self.pending.get(self.next_pending) {
                self.next_pending += 1;
                self.emit(p.from, p.to, p.position, p.len);
                return true;
            }
            // Skip to the start of the next run (ASCII, most of any text, byte by byte).
            let bytes = self.text.as_bytes();
            let (start, cls) = loop {
                match bytes.get(self.cursor) {
                    None => return false,
                    Some(b) if b.is_ascii_alphanumeric() => break (self.cursor, Class::Word),
                    Some(b) if b.is_ascii() => self.cursor += 1,
                    Some(_) => {
                        let Some((cls, len)) = char_at(self.text, self.cursor) else {
                            return false;
                        };
                        if cls != Class::Other {
                            break (self.cursor, cls);
                        }
                        self.cursor += len;
                    }
                }
            };
            let mut end = start;
            // Most words are ASCII and end at an ASCII byte (space, punctuation): then the word
            // is whole without looking at characters.
            let mut whole = false;
            if cls == Class::Word {
                while bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
                    end += 1;
                }
                whole = bytes.get(end).is_none_or(u8::is_ascii);
            }
            if !whole {
                while let Some((c, len)) = char_at(self.text, end) {
                    if c != cls {
                        break;
                    }
                    end += len;
                }
            }
            self.cursor = end;
            if cls == Class::Word {
                let position = self.position;
                self.position += 1;
                self.emit(start, end, position, 1);
                return true;
            }
            self.segment_han(start, end);
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Appends the raw tokens of `text` to `out` (see the module docs for the scheme).
pub fn tokenize_into(text: &str, out: &mut Vec<Token>) {
    let mut tokenizer = MixedTokenizer::default();
    let mut stream = tokenizer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().clone());
    }
}

/// Stems at most this many distinct words per analyzer before the cache is emptied.
const STEM_CACHE_WORDS: usize = 200_000;

/// Token filter: lowercases and English-stems every token, with exactly the output of tantivy's
/// `LowerCaser` followed by `Stemmer::new(Language::English)` on [`MixedTokenizer`]'s tokens, but
/// faster: Han tokens skip both (they have no case, and no English suffix can match them; since
/// [`MixedTokenizer`] never mixes classes in a token, the first character tells), and stems
/// are memoized per analyzer (the snowball stemmer costs far more than a hash lookup, and a
/// corpus repeats the same few thousand words).
#[derive(Clone, Copy, Debug, Default)]
pub struct EnglishNormalizer;

impl TokenFilter for EnglishNormalizer {
    type Tokenizer<T: Tokenizer> = EnglishNormalizerFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> EnglishNormalizerFilter<T> {
        EnglishNormalizerFilter {
            inner,
            cache: foldhash::HashMap::default(),
            buffer: String::new(),
        }
    }
}

/// [`EnglishNormalizer`] applied to a tokenizer.
#[derive(Clone)]
pub struct EnglishNormalizerFilter<T> {
    inner: T,
    /// Lowercased word → stem, for words the stemmer changes or keeps alike.
    cache: foldhash::HashMap<String, Box<str>>,
    buffer: String,
}

impl<T: Tokenizer> Tokenizer for EnglishNormalizerFilter<T> {
    type TokenStream<'a> = EnglishNormalizerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        if self.cache.len() > STEM_CACHE_WORDS {
            self.cache.clear();
        }
        EnglishNormalizerStream {
            tail: self.inner.token_stream(text),
            cache: &mut self.cache,
            buffer: &mut self.buffer,
        }
    }
}

/// Stream of [`EnglishNormalizerFilter`].
pub struct EnglishNormalizerStream<'a, S> {
    tail: S,
    cache: &'a mut foldhash::HashMap<String, Box<str>>,
    buffer: &'a mut String,
}

/// True for a lowercased ASCII word the English stemmer returns unchanged without looking it up:
/// two letters or fewer (the Snowball English algorithm leaves such words alone: "if the word
/// has two letters or less, leave it as it is"), or digits only (every rule of the algorithm
/// needs a letter). A good share of a text's words ("a", "of", "in", "to", years, counts) then
/// costs neither a hash nor a probe of the stem cache, whose misses were most of this filter's
/// time at index time. `digits_and_short_words_stem_to_themselves` holds this to the stemmer.
#[inline]
fn stems_to_itself(word: &str) -> bool {
    word.len() <= 2 || word.bytes().all(|b| b.is_ascii_digit())
}

fn english_stemmer() -> frostem::Stemmer {
    frostem::Stemmer::new(frostem::Algorithm::English)
}

impl<S: TokenStream> TokenStream for EnglishNormalizerStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let text = &mut self.tail.token_mut().text;
        if text.is_empty() {
            // A token [`MixedTokenizer::positions_only_for`] left empty: nothing to normalize.
            return true;
        }
        if text.is_ascii() {
            text.make_ascii_lowercase();
            if stems_to_itself(text) {
                return true;
            }
        } else if text.chars().next().is_some_and(is_han) {
            // [`MixedTokenizer`] cuts runs by class: a token that starts Han is Han throughout.
            return true;
        } else {
            // As tantivy's LowerCaser: per character, without the final-sigma rule.
            self.buffer.clear();
            for c in text.chars() {
                self.buffer.extend(c.to_lowercase());
            }
            std::mem::swap(text, self.buffer);
        }
        if let Some(stem) = self.cache.get(text.as_str()) {
            if stem.as_ref() != text.as_str() {
                text.clear();
                text.push_str(stem);
            }
            return true;
        }
        let stem: Box<str> = english_stemmer().stem(text).into();
        let word = std::mem::replace(text, stem.to_string());
        self.cache.insert(word, stem);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// One analyzed token, as query building and snippets need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analyzed {
    /// The term text (lowercased, stemmed).
    pub text: String,
    pub position: usize,
    /// 1 for a word or a Han character, the length in characters for a stacked jieba word.
    pub position_length: usize,
    /// Byte range in the analyzed text.
    pub from: usize,
    pub to: usize,
}

/// Runs `analyzer` over `text` and collects the tokens.
pub fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Analyzed> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(t) = stream.next() {
        out.push(Analyzed {
            text: t.text.clone(),
            position: t.position,
            position_length: t.position_length,
            from: t.offset_from,
            to: t.offset_to,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn small_dictionaries_give_queries_the_index_tokens() {
        let mut small = TextAnalyzer::builder(MixedTokenizer {
            dicts: Dicts::Small,
            ..Default::default()
        })
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(EnglishNormalizer)
        .build();
        let mut full = analyzer();
        for t in crate::dict::tests::texts() {
            assert_eq!(analyze(&mut small, &t), analyze(&mut full, &t), "{t}");
        }
    }

    fn terms(text: &str) -> Vec<(String, usize, usize)> {
        analyze(&mut analyzer(), text)
            .into_iter()
            .map(|t| (t.text, t.position, t.position_length))
            .collect()
    }

    #[test]
    fn spaced_words_split_han_runs_into_the_index_words() {
        let out = spaced_words("Jinan 济南市人民政府举行会议, 2018年 ok");
        let words: Vec<&str> = out
            .split_whitespace()
            .map(|w| w.trim_end_matches(','))
            .collect();
        // Every Han word is one the index would produce, and the text is unchanged but for spaces.
        assert_eq!(out.replace(' ', ""), "Jinan济南市人民政府举行会议,2018年ok");
        // The Han words are exactly the index's segmentation of the run.
        let run = "济南市人民政府举行会议";
        let want: Vec<&str> = jieba()
            .cut(run, false)
            .iter()
            .map(|w| &run[w.byte_start..w.byte_end])
            .collect();
        assert!(want.len() > 1, "{want:?}");
        assert_eq!(words[1..1 + want.len()], want[..]);
        assert_eq!(words[1 + want.len()..], ["2018", "年", "ok"]);
        assert_eq!(spaced_words("plain English text."), "plain English text.");
        assert_eq!(spaced_words(""), "");
    }

    #[test]
    fn english_is_lowercased_stemmed_and_punctuation_takes_no_position() {
        let t = terms("Delegations, from Kharkiv -- visited Jinan's 2018 expo!");
        let words: Vec<_> = t.iter().map(|(w, p, _)| (w.as_str(), *p)).collect();
        assert_eq!(
            words,
            vec![
                ("deleg", 0),
                ("from", 1),
                ("kharkiv", 2),
                ("visit", 3),
                ("jinan", 4),
                ("s", 5),
                ("2018", 6),
                ("expo", 7)
            ]
        );
    }

    #[test]
    fn same_positions_as_tantivy_default_for_english() {
        let text = "The sister-city  agreement (signed in 2018) -- \"Kfar Saba\", Israel's city.";
        let mut default = TextAnalyzer::from(tantivy::tokenizer::SimpleTokenizer::default());
        let mut stream = default.token_stream(text);
        let mut expected = Vec::new();
        while let Some(t) = stream.next() {
            expected.push((t.offset_from, t.offset_to, t.position));
        }
        let ours: Vec<_> = analyze(&mut analyzer(), text)
            .into_iter()
            .map(|t| (t.from, t.to, t.position))
            .collect();
        assert_eq!(ours, expected);
    }

    /// The one-position tokens of [`terms`], with their positions.
    fn unigrams(t: &[(String, usize, usize)]) -> Vec<(&str, usize)> {
        t.iter()
            .filter(|(_, _, l)| *l == 1)
            .map(|(w, p, _)| (w.as_str(), *p))
            .collect()
    }

    #[test]
    fn chinese_gets_words_and_characters() {
        let t = terms("济南友好城市");
        // every character at its own position
        let unigrams = unigrams(&t);
        assert_eq!(
            unigrams,
            vec![
                ("济", 0),
                ("南", 1),
                ("友", 2),
                ("好", 3),
                ("城", 4),
                ("市", 5)
            ]
        );
        // jieba words stacked at their first character, user dictionary applied
        assert!(t.contains(&("济南".to_string(), 0, 2)), "{t:?}");
        assert!(t.contains(&("友好城市".to_string(), 2, 4)), "{t:?}");
    }

    #[test]
    fn user_dictionary_is_loaded() {
        for word in [
            "章丘区",
            "莱芜区",
            "泉水节",
            "济南高新区",
            "中国重汽",
            "趵突泉",
        ] {
            let t = terms(&format!("我们在{word}参观"));
            assert!(
                t.iter()
                    .any(|(w, _, l)| w == word && *l == word.chars().count()),
                "{word}: {t:?}"
            );
        }
    }

    #[test]
    fn mixed_text_positions_continue_across_scripts() {
        let t = terms("Jinan济南2024年");
        let unigrams = unigrams(&t);
        assert_eq!(
            unigrams,
            vec![("jinan", 0), ("济", 1), ("南", 2), ("2024", 3), ("年", 4)]
        );
    }

    fn full(an: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize, usize)> {
        analyze(an, text)
            .into_iter()
            .map(|t| (t.text, t.position, t.position_length, t.from, t.to))
            .collect()
    }

    #[test]
    fn digits_and_short_words_stem_to_themselves() {
        // Every word of one or two ASCII letters or digits, and every number of up to four digits
        // (with leading zeros): what `stems_to_itself` lets pass is what both stemmers (ours and
        // the reference chain's) return unchanged.
        let chars: Vec<char> = ('a'..='z').chain('0'..='9').collect();
        let mut words: Vec<String> = chars.iter().map(|c| c.to_string()).collect();
        for a in &chars {
            for b in &chars {
                words.push(format!("{a}{b}"));
            }
        }
        for n in 0..10_000 {
            words.extend([n.to_string(), format!("{n:04}"), format!("{n:03}")]);
        }
        words.push("12345678901234567890".into());
        let stemmer = english_stemmer();
        let mut reference = reference_analyzer();
        for w in &words {
            assert!(stems_to_itself(w), "{w}");
            assert_eq!(stemmer.stem(w), w.as_str(), "{w}");
            let tokens = analyze(&mut reference, w);
            assert_eq!(tokens.len(), 1, "{w}");
            assert_eq!(&tokens[0].text, w, "{w}");
        }
        // Not these: three letters and more, digits with letters.
        for w in ["abc", "1st", "20s", "a1b"] {
            assert!(!stems_to_itself(w), "{w}");
        }
    }

    #[test]
    fn same_output_as_tantivy_filters_including_cached_stems() {
        let text = "Delegations visited ÜBER-Städte; the DELEGATION's visits 济南友好城市 ΣΊΣΥΦΟΣ 2018年 naïve Naïve";
        let mut ours = analyzer();
        let mut reference = reference_analyzer();
        let expected = full(&mut reference, text);
        // twice through the same analyzer: the second pass takes every stem from the cache
        assert_eq!(full(&mut ours, text), expected);
        assert_eq!(full(&mut ours, text), expected);
        assert!(expected.iter().any(|t| t.0 == "deleg"), "{expected:?}");
    }

    proptest! {
        #[test]
        fn same_output_as_reference_analyzer(text in any::<String>()) {
            same_as_reference(&text)?;
        }

        #[test]
        fn same_output_as_reference_on_mixed_text(text in "[a-zA-Z0-9 ,.'\\-济南友好城市泉章丘区的是了ÄÖÜäöüßİıΣσς\u{3000}。，]{0,80}") {
            same_as_reference(&text)?;
        }

        #[test]
        fn positions_analyzer_is_the_analyzer_without_stacked_words(text in "[a-zA-Z0-9 ,.'\\-济南友好城市泉章丘区中国重汽的是了\u{3000}。，]{0,80}") {
            let mut positions = positions_analyzer();
            let expected: Vec<_> = full(&mut analyzer(), &text)
                .into_iter()
                .filter(|t| t.2 == 1)
                .collect();
            prop_assert_eq!(&full(&mut positions, &text), &expected);
        }

        #[test]
        fn analyzer_for_initials_gives_every_token_that_could_match(
            text in "[a-zA-Z0-9 ,.'\\-济南友好城市泉的是ÄÖÜäöüßİıΣσς\u{3000}。，]{0,80}",
            initials in proptest::collection::vec(
                prop::sample::select(vec!['a', 'd', 's', 'i', 'ä', 'σ', '济', '城', '1']),
                0..4,
            ),
        ) {
            // The same tokens at the same positions and offsets wherever the first character is
            // one of the initials; the others come empty, and only those.
            let could_match = |t: &(String, usize, usize, usize, usize)| {
                t.0.chars().next().is_some_and(|c| initials.contains(&c))
            };
            let want: Vec<_> = full(&mut positions_analyzer(), &text)
                .into_iter()
                .filter(could_match)
                .collect();
            let got = full(&mut positions_analyzer_for(initials.clone()), &text);
            let kept: Vec<_> = got.iter().filter(|t| !t.0.is_empty()).cloned().collect();
            prop_assert_eq!(&kept, &want);
            prop_assert!(kept.iter().all(could_match));
        }

        #[test]
        fn offsets_slice_on_char_boundaries_and_positions_increase(text in any::<String>()) {
            check_tokens(&text)?;
        }

        #[test]
        fn mixed_script_text(text in "[a-zA-Z0-9 ,.'\"\\-济南友好城市泉章丘区中国重汽的是了\u{3000}。，]{0,60}") {
            check_tokens(&text)?;
        }
    }

    /// Our analyzer gives the reference chain's tokens, twice over (the second time from its
    /// stem cache).
    fn same_as_reference(text: &str) -> std::result::Result<(), TestCaseError> {
        let mut ours = analyzer();
        let expected = full(&mut reference_analyzer(), text);
        prop_assert_eq!(&full(&mut ours, text), &expected);
        prop_assert_eq!(&full(&mut ours, text), &expected);
        Ok(())
    }

    fn check_tokens(text: &str) -> std::result::Result<(), TestCaseError> {
        let tokens = analyze(&mut analyzer(), text);
        let mut last: Option<(usize, usize)> = None;
        for t in &tokens {
            prop_assert!(text.is_char_boundary(t.from) && text.is_char_boundary(t.to));
            prop_assert!(t.from < t.to && t.to <= text.len());
            if let Some((pos, start)) = last {
                prop_assert!(t.position >= pos, "positions must not decrease: {:?}", t);
                prop_assert!(t.from >= start);
                // tokens share a position only when stacked on the same start (jieba word + char)
                prop_assert!(
                    t.position > pos || t.from == start,
                    "a later token reuses a position: {:?}",
                    t
                );
            }
            last = Some((t.position, t.from));
        }
        Ok(())
    }
}
