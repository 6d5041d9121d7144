//! jieba's dictionaries: the full instance for indexing, and small instances for short texts.
//!
//! Loading jieba's default dictionary (349,045 words into a trie) costs about 130 ms, more than
//! a whole CLI search. A short text only meets the dictionary words that occur inside it, and
//! jieba (without HMM, as we run it) scores a route by each word's frequency against the
//! dictionary's *total* frequency only. So an instance holding the words of the default and user
//! dictionaries that occur in the text, plus one filler entry that brings the total to the full
//! dictionary's, builds the same graph with the same scores and cuts the text exactly as the full
//! instance does ([`for_text`]; tests compare the two on many texts). Those words are found by
//! binary search in the dictionary text: microseconds.
//!
//! The default dictionary is jieba-rs 0.11's `src/data/dict.txt` sorted by word (the crate's own
//! copy is compressed and private); the full instance is built from this copy too, so index and
//! query time read the same words (a test, with the `upstream-dict` feature, checks that it cuts as
//! `Jieba::new()` does).

use std::sync::OnceLock;

use jieba_rs::Jieba;

/// jieba's default dictionary (`word frequency tag` per line).
pub const DEFAULT_DICT: &str = include_str!("../data/jieba-dict.txt");

/// Jinan place and organisation names jieba's default dictionary lacks (same format). Loaded
/// after [`DEFAULT_DICT`]: a word in both takes this frequency.
pub const USER_DICT: &str = include_str!("../data/userdict.txt");

/// The filler word of [`for_text`]: a private-use character, which no text we segment contains.
const FILLER: &str = "\u{E000}";

/// Texts longer than this (in characters) are cut by the full instance: their substrings would
/// outnumber the dictionary's words.
const MAX_SHORT_CHARS: usize = 256;

fn load(jieba: &mut Jieba, dict: &str) {
    if let Err(e) = jieba.load_dict(&mut dict.as_bytes()) {
        // Both dictionaries are compiled in and covered by tests; never fatal at run time.
        tracing::warn!("jieba dictionary not loaded: {e}");
    }
}

static FULL: OnceLock<Jieba> = OnceLock::new();

/// The full instance (default and user dictionaries), built once per process.
pub fn full() -> &'static Jieba {
    FULL.get_or_init(|| {
        let mut jieba = Jieba::empty();
        load(&mut jieba, DEFAULT_DICT);
        load(&mut jieba, USER_DICT);
        jieba
    })
}

/// The full instance if it has been built in this process.
pub fn full_if_loaded() -> Option<&'static Jieba> {
    FULL.get()
}

/// The word and frequency of a dictionary line (None for a blank line; frequency 0 when absent
/// or unreadable, as jieba reads it). Fields are separated by ASCII whitespace (a test checks
/// that no line of ours holds other whitespace, which jieba would also split at).
fn entry(line: &str) -> Option<(&str, usize)> {
    let mut it = line.split_ascii_whitespace();
    let word = it.next()?;
    Some((word, it.next().and_then(|f| f.parse().ok()).unwrap_or(0)))
}

/// Sum of the frequencies in [`DEFAULT_DICT`] (a test recomputes it from the file).
const DEFAULT_TOTAL: usize = 60_101_964;

/// The line of [`DEFAULT_DICT`] for `word`, found by binary search: the file is sorted by the
/// bytes of its words (a test checks it), so no line need be read but the ~19 probed.
fn default_line(word: &str) -> Option<&'static str> {
    let text = DEFAULT_DICT;
    let bytes = text.as_bytes();
    // `lo` and `hi` are line starts; the line sought, if any, starts in lo..hi.
    let (mut lo, mut hi) = (0, bytes.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let start = memchr::memrchr(b'\n', &bytes[lo..mid]).map_or(lo, |p| lo + p + 1);
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |p| start + p);
        let line = &text[start..end];
        // The word is the line up to its first space (a test checks every line so).
        let w = &line.as_bytes()[..memchr::memchr(b' ', line.as_bytes()).unwrap_or(line.len())];
        match w.cmp(word.as_bytes()) {
            std::cmp::Ordering::Equal => return Some(line),
            std::cmp::Ordering::Less => lo = end + 1,
            std::cmp::Ordering::Greater => hi = start,
        }
    }
    None
}

/// An instance that cuts `text` exactly as [`full`] does, built from the dictionary words that
/// occur in `text` (see the module docs); None when `text` is too long for that to pay or
/// contains the filler.
///
/// The instance loads the default dictionary's lines whose word occurs in `text` or is in the
/// user dictionary, then the user dictionary, as [`full`] loads both: every word of `text` has
/// the same frequency in both, and the user dictionary changes both totals alike. The default
/// lines left out are replaced by the filler with their summed frequency, so the totals agree.
pub fn for_text(text: &str) -> Option<Jieba> {
    let n = text.chars().count();
    if n > MAX_SHORT_CHARS || text.contains(FILLER) {
        return None;
    }
    // Every substring of the text (at most 256 * 257 / 2), and the user dictionary's words.
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let mut wanted: Vec<&str> = Vec::with_capacity(n * (n + 1) / 2);
    for (a, &from) in bounds.iter().enumerate() {
        for &to in &bounds[a + 1..] {
            wanted.push(&text[from..to]);
        }
    }
    wanted.extend(USER_DICT.lines().filter_map(entry).map(|(w, _)| w));
    wanted.sort_unstable();
    wanted.dedup();
    let mut kept = String::new();
    let mut kept_freq = 0;
    for line in wanted.into_iter().filter_map(default_line) {
        kept.push_str(line);
        kept.push('\n');
        kept_freq += entry(line).map_or(0, |(_, f)| f);
    }
    let mut jieba = Jieba::empty();
    load(&mut jieba, &kept);
    load(&mut jieba, USER_DICT);
    let left_out = DEFAULT_TOTAL.saturating_sub(kept_freq);
    if left_out > 0 {
        jieba.add_word(FILLER, Some(left_out), None);
    }
    Some(jieba)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use testsite::content::rare_zh;

    #[test]
    fn the_dictionary_is_sorted_by_word_and_its_total_known() {
        let (mut total, mut lines, mut prev) = (0, 0, "");
        for line in DEFAULT_DICT.lines() {
            let fields: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(fields, line.split_ascii_whitespace().collect::<Vec<_>>());
            // Fields are separated by one space (what `default_line` splits at).
            assert_eq!(fields.join(" "), line);
            let (word, freq) = entry(line).expect("no blank line");
            assert!(prev.as_bytes() < word.as_bytes(), "{prev} before {word}");
            if lines % 101 == 0 {
                assert_eq!(default_line(word), Some(line));
                assert_eq!(default_line(&format!("{word}\u{E001}")), None);
            }
            (total, lines, prev) = (total + freq, lines + 1, word);
        }
        assert_eq!(total, DEFAULT_TOTAL);
        assert!(lines > 300_000, "{lines} lines");
        assert_eq!(default_line(""), None);
    }

    /// Han runs of `text` (their first 48 characters), and windows of 1 to 12 characters of each
    /// (queries are short).
    fn runs_and_windows(text: &str, out: &mut Vec<String>) {
        for run in text.split(|c: char| !crate::tokenizer::is_han(c)) {
            let chars: Vec<char> = run.chars().collect();
            if chars.is_empty() {
                continue;
            }
            out.push(chars.iter().take(48).collect());
            for len in 1..=12.min(chars.len()) {
                let step = (chars.len() / 3).max(1);
                for from in (0..=chars.len() - len).step_by(step) {
                    out.push(chars[from..from + len].iter().collect());
                }
            }
        }
    }

    /// Varied texts: the fixture's Chinese and English text, the seed pages, its rare compounds
    /// (unknown to the dictionary: the HMM's input), the user dictionary's words alone and in
    /// context, and mixed Chinese/English.
    pub(crate) fn texts() -> Vec<String> {
        let site = testsite::Site::new(testsite::SiteConfig {
            articles: 60,
            ..Default::default()
        });
        let mut out = Vec::new();
        for a in site.truth("http://fixture/") {
            runs_and_windows(&a.title, &mut out);
            runs_and_windows(&a.body, &mut out);
            // One long text per article: a long text costs its length squared to prepare.
            out.extend(
                a.body
                    .lines()
                    .take(1)
                    .map(|l| l.chars().take(200).collect()),
            );
        }
        for seed in [
            include_str!("../../testsite/data/kharkiv-sister-city.txt"),
            include_str!("../../testsite/data/kfar-saba-award-2018-11-19.txt"),
        ] {
            out.extend(seed.lines().map(|l| l.chars().take(200).collect()));
        }
        for i in 0..60u32 {
            out.push(rare_zh(i));
            out.push(format!("{}济南市{}", rare_zh(i), rare_zh(i + 1000)));
        }
        for (word, _) in USER_DICT.lines().filter_map(entry) {
            out.push(word.to_string());
            out.push(format!("在{word}举行友好城市签约仪式"));
            out.push(format!("{word}{word}的2024年Jinan"));
        }
        out.extend([
            "济南 2024 Jinan's sister city 友好城市".to_string(),
            "泉城济南，Spring City：中国山东省会！".to_string(),
            "abc济南def泉城ghi".to_string(),
            "龘靐齉爩鱻麤".to_string(),
            String::new(),
        ]);
        // And the longest texts given a small instance.
        out.push("济南泉城友好城市".repeat(MAX_SHORT_CHARS / 8));
        out.retain(|t| t.chars().count() <= MAX_SHORT_CHARS);
        out
    }

    fn cuts<'a>(jieba: &Jieba, text: &'a str, hmm: bool) -> Vec<(&'a str, usize, usize)> {
        jieba
            .cut(text, hmm)
            .into_iter()
            .map(|t| (t.word, t.byte_start, t.byte_end))
            .collect()
    }

    #[test]
    fn small_instances_cut_as_the_full_one() {
        let texts = texts();
        assert!(texts.len() > 1_000, "{} texts", texts.len());
        for t in &texts {
            let small = for_text(t).expect("a short text");
            for hmm in [false, true] {
                assert_eq!(
                    cuts(&small, t, hmm),
                    cuts(full(), t, hmm),
                    "{t} (hmm {hmm})"
                );
            }
        }
        assert!(for_text(&"济".repeat(MAX_SHORT_CHARS + 1)).is_none());
    }

    /// Our copy against the crate's own (built only with the `upstream-dict` feature: the
    /// crate's copy is compressed by a proc-macro at build time, which every build would pay for).
    #[cfg(feature = "upstream-dict")]
    #[test]
    fn the_full_instance_cuts_as_jieba_rs_default() {
        let mut theirs = Jieba::new();
        load(&mut theirs, USER_DICT);
        for t in &texts() {
            for hmm in [false, true] {
                assert_eq!(
                    cuts(full(), t, hmm),
                    cuts(&theirs, t, hmm),
                    "{t} (hmm {hmm})"
                );
            }
        }
    }
}
