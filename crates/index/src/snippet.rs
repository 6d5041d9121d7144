//! Search-result snippets: a window of about [`SNIPPET_CHARS`] characters of the body around the
//! best cluster of matches, HTML-escaped, matches wrapped in `<b>`…`</b>`.
//!
//! Matches are found by re-analyzing the text with the index analyzer and matching the query's
//! highlight units ([`crate::query::Unit`]) by position, so a stemmed word (`delegations` for
//! `delegation`), a prefix, a phrase and a Chinese word (the sequence of its characters) highlight
//! exactly where they match. All cuts happen at token offsets or `char_indices`, so a character is
//! never cut in half. With no match in the body the title is used; with none there either, the
//! start of the body.

use std::ops::Range;

use tantivy::tokenizer::TextAnalyzer;

use crate::query::{Matcher, Scope, Unit};

/// Approximate length of a snippet, in characters of text (markup not counted).
pub const SNIPPET_CHARS: usize = 200;
/// Characters of context kept before the first match of the window.
const LEAD_CHARS: usize = 40;
/// At most this many matches are considered when choosing the window.
const MAX_MATCHES: usize = 256;

struct Match {
    range: Range<usize>,
    unit: usize,
}

/// The tokens of a text read so far that some matcher accepts (only those can take part in a
/// match: a token no matcher accepts fails every look-back alike), their normalized texts kept in
/// one buffer (no allocation per token).
#[derive(Default)]
struct Tokens {
    texts: String,
    /// (position, byte range in the text, byte range in `texts`), by position.
    list: Vec<(usize, Range<usize>, Range<usize>)>,
}

impl Tokens {
    fn text(&self, i: usize) -> &str {
        &self.texts[self.list[i].2.clone()]
    }

    fn at(&self, pos: usize) -> Option<usize> {
        self.list.binary_search_by_key(&pos, |t| t.0).ok()
    }
}

/// The matches found in `text`, sorted, and how many of them (a prefix) may anchor the window.
///
/// The text is analyzed as a stream and matched as it goes: a unit matches when the token at its
/// last offset arrives. Once a stretch of `max_chars` holds every unit, the best window is known
/// to start there or before, so the scan stops a little later: far enough (4 bytes a character)
/// that every match inside a window anchored up to that point has been seen. Long articles then
/// cost only their first matching stretch.
fn find_matches(
    analyzer: &mut TextAnalyzer,
    units: &[(usize, &Unit)],
    text: &str,
    max_chars: usize,
) -> (Vec<Match>, usize) {
    if units.is_empty() || text.is_empty() {
        return (Vec::new(), 0);
    }
    let mut wanted: Vec<usize> = units.iter().map(|(id, _)| *id).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut tokens = Tokens::default();
    let mut out: Vec<Match> = Vec::new();
    // Byte offset where every unit was first seen within one window, and where scanning ends.
    let mut covered_at: Option<usize> = None;
    let mut stop_after = usize::MAX;
    let matchers: Vec<&Matcher> = units
        .iter()
        .flat_map(|(_, u)| u.seq.iter().map(|(_, m)| m))
        .collect();
    let mut read = 0usize;
    let mut stream = analyzer.token_stream(text);
    while let Some(t) = stream.next() {
        // The snippet analyzer makes only these; stacked words would break the position order.
        if t.position_length != 1 {
            continue;
        }
        if t.offset_from > stop_after || read > 50_000 {
            break;
        }
        read += 1;
        if !matchers.iter().any(|m| m.matches(&t.text)) {
            continue;
        }
        let start = tokens.texts.len();
        tokens.texts.push_str(&t.text);
        tokens.list.push((
            t.position,
            t.offset_from..t.offset_to,
            start..tokens.texts.len(),
        ));
        let last = tokens.list.len() - 1;
        let before = out.len();
        for (id, unit) in units {
            let Some((last_off, last_matcher)) = unit.seq.last() else {
                continue;
            };
            // Most tokens match nothing: test the token that just arrived before looking back.
            if !last_matcher.matches(&t.text) {
                continue;
            }
            let last_off = *last_off;
            let Some(first_pos) = t.position.checked_sub(last_off) else {
                continue;
            };
            let mut range: Option<Range<usize>> = None;
            let ok = unit.seq.iter().all(|(off, m)| {
                let i = if first_pos + off == t.position {
                    Some(last)
                } else {
                    tokens.at(first_pos + off)
                };
                match i {
                    Some(i) if m.matches(tokens.text(i)) => {
                        let r = &tokens.list[i].1;
                        range = Some(match range.take() {
                            None => r.clone(),
                            Some(x) => x.start.min(r.start)..x.end.max(r.end),
                        });
                        true
                    }
                    _ => false,
                }
            });
            if let (true, Some(range)) = (ok, range) {
                out.push(Match { range, unit: *id });
            }
        }
        if out.len() >= MAX_MATCHES {
            break;
        }
        if covered_at.is_none() && out.len() > before {
            let end = t.offset_to;
            let from = end.saturating_sub(max_chars);
            let mut seen: Vec<usize> = out
                .iter()
                .filter(|m| m.range.start >= from)
                .map(|m| m.unit)
                .collect();
            seen.sort_unstable();
            seen.dedup();
            if seen == wanted {
                covered_at = Some(end);
                stop_after = end.saturating_add(4 * max_chars);
            }
        }
    }
    out.sort_by_key(|m| (m.range.start, m.range.end));
    let anchors = match covered_at {
        Some(end) => out.partition_point(|m| m.range.start <= end),
        None => out.len(),
    };
    (out, anchors)
}

/// Byte offset `n` characters after `from` (or the end of `text`).
fn advance(text: &str, from: usize, n: usize) -> usize {
    text[from..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(i, _)| from + i)
}

/// Byte offset `n` characters before `from` (or 0).
fn back(text: &str, from: usize, n: usize) -> usize {
    text[..from]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i)
}

/// The window of `max_chars` characters holding the most distinct units, then the most matches,
/// among those that start a little before one of the `anchors`.
fn choose_window(
    text: &str,
    anchors: &[Match],
    matches: &[Match],
    max_chars: usize,
) -> Range<usize> {
    let mut best: Option<((usize, usize), Range<usize>)> = None;
    for m in anchors {
        let start = back(text, m.range.start, LEAD_CHARS.min(max_chars / 4));
        let end = advance(text, start, max_chars);
        let inside: Vec<&Match> = matches
            .iter()
            .filter(|x| x.range.start >= start && x.range.end <= end)
            .collect();
        let mut units: Vec<usize> = inside.iter().map(|x| x.unit).collect();
        units.sort_unstable();
        units.dedup();
        let score = (units.len(), inside.len());
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, start..end));
        }
    }
    best.map_or(0..advance(text, 0, max_chars), |(_, r)| r)
}

/// Moves a window edge to a word boundary when one is near, so English words are not cut.
fn tidy(text: &str, window: Range<usize>, matches: &[Match]) -> Range<usize> {
    let first = matches
        .iter()
        .map(|m| m.range.start)
        .filter(|s| *s >= window.start)
        .min()
        .unwrap_or(window.end);
    let last = matches
        .iter()
        .map(|m| m.range.end)
        .filter(|e| *e <= window.end)
        .max()
        .unwrap_or(window.start);
    let mut start = window.start;
    if start > 0 && !text[..start].ends_with(char::is_whitespace) {
        if let Some(i) = text[start..first].find(char::is_whitespace) {
            if text[start..start + i].chars().count() <= 15 {
                start += i;
            }
        }
    }
    let mut end = window.end;
    if end < text.len() && !text[end..].starts_with(char::is_whitespace) {
        if let Some(i) = text[last.max(start)..end].rfind(char::is_whitespace) {
            let cut = last.max(start) + i;
            if text[cut..end].chars().count() <= 15 {
                end = cut;
            }
        }
    }
    start..end
}

/// Appends `s` HTML-escaped, with every run of whitespace as one space.
fn push_escaped(out: &mut String, s: &str) {
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            if !space {
                out.push(' ');
            }
            space = true;
            continue;
        }
        space = false;
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

fn render(text: &str, window: Range<usize>, matches: &[Match]) -> String {
    // Highlight ranges inside the window, overlapping or touching ones merged.
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for m in matches
        .iter()
        .filter(|m| m.range.start >= window.start && m.range.end <= window.end)
    {
        match ranges.last_mut() {
            Some(last) if m.range.start <= last.end => last.end = last.end.max(m.range.end),
            _ => ranges.push(m.range.clone()),
        }
    }
    let mut out = String::new();
    let mut at = window.start;
    for r in ranges {
        push_escaped(&mut out, &text[at..r.start]);
        out.push_str("<b>");
        push_escaped(&mut out, &text[r.clone()]);
        out.push_str("</b>");
        at = r.end;
    }
    push_escaped(&mut out, &text[at..window.end]);
    let mut snippet = String::with_capacity(out.len() + 8);
    if window.start > 0 {
        snippet.push('…');
    }
    snippet.push_str(out.trim());
    if window.end < text.len() {
        snippet.push('…');
    }
    snippet
}

fn highlight(
    analyzer: &mut TextAnalyzer,
    units: &[(usize, &Unit)],
    text: &str,
    max_chars: usize,
) -> Option<String> {
    let (matches, anchors) = find_matches(analyzer, units, text, max_chars);
    if matches.is_empty() {
        return None;
    }
    let window = choose_window(text, &matches[..anchors], &matches, max_chars);
    let window = tidy(text, window, &matches);
    Some(render(text, window, &matches))
}

/// The first characters of every term the units match, for an analyzer that reads only the
/// words that could match ([`crate::tokenizer::positions_analyzer_for`]); `None` when a unit
/// matches a term that could start with anything.
pub fn initials(units: &[Unit]) -> Option<Vec<char>> {
    let mut out = Vec::new();
    for (_, m) in units.iter().flat_map(|u| &u.seq) {
        let texts: Vec<&str> = match m {
            Matcher::Term(t) => vec![t],
            Matcher::Prefix { prefix, stems } => std::iter::once(prefix.as_str())
                .chain(stems.iter().map(String::as_str))
                .collect(),
        };
        for t in texts {
            out.push(t.chars().next()?);
        }
    }
    Some(out)
}

/// The analyzer [`snippet`] needs for `units`: one that reads only the words that could match.
pub fn analyzer_for(units: &[Unit]) -> TextAnalyzer {
    match initials(units) {
        Some(initials) => crate::tokenizer::positions_analyzer_for(initials),
        None => crate::tokenizer::positions_analyzer(),
    }
}

/// The snippet for one hit: from the body when it matches, else the title, else the body's start.
pub fn snippet(analyzer: &mut TextAnalyzer, units: &[Unit], title: &str, body: &str) -> String {
    snippet_with(analyzer, units, title, body, SNIPPET_CHARS)
}

/// [`snippet`] with an explicit length.
pub fn snippet_with(
    analyzer: &mut TextAnalyzer,
    units: &[Unit],
    title: &str,
    body: &str,
    max_chars: usize,
) -> String {
    let for_scope = |s: Scope| -> Vec<(usize, &Unit)> {
        units
            .iter()
            .enumerate()
            .filter(|(_, u)| u.scope == Scope::Any || u.scope == s)
            .collect()
    };
    if let Some(s) = highlight(analyzer, &for_scope(Scope::Body), body, max_chars) {
        return s;
    }
    if let Some(s) = highlight(analyzer, &for_scope(Scope::Title), title, max_chars) {
        return s;
    }
    let text = if body.trim().is_empty() { title } else { body };
    let end = advance(text, 0, max_chars);
    render(text, 0..end, &[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::{compile, parse};
    use crate::tokenizer::{analyzer, positions_analyzer};

    fn snip(q: &str, title: &str, body: &str) -> String {
        let (_, fields) = crate::schema::build();
        let mut a = analyzer();
        let c = compile(&parse(q).unwrap(), &fields, &mut a).unwrap();
        let with_words = snippet(&mut a, &c.units, title, body);
        // The positions-only analyzer the searcher uses gives the very same snippet.
        assert_eq!(
            snippet(&mut positions_analyzer(), &c.units, title, body),
            with_words
        );
        // And so does the one that reads only the words that could match.
        assert_eq!(
            snippet(&mut analyzer_for(&c.units), &c.units, title, body),
            with_words
        );
        with_words
    }

    #[test]
    fn stemming_keeps_the_first_character() {
        // What `analyzer_for` relies on, over the stemmer's special forms and irregular words.
        let words = "dying lying tying skies skis idly gently ugly early only singly news howe \
            atlas cosmos bias andes generate generously communism arsenal yesterday youth \
            yearly yelled ycleped aaron ied ies sses ational tional enci anci izer bli alli \
            fulli lessli entli ousli ization ation ator alism aliti biliti fulness ousness \
            iveness delegations delegating officials universities relational conditional \
            école über ñandú";
        let mut stemmed = positions_analyzer();
        for w in words.split_whitespace() {
            let tokens = crate::tokenizer::analyze(&mut stemmed, w);
            assert_eq!(tokens.len(), 1, "{w}");
            assert_eq!(
                tokens[0].text.chars().next(),
                w.chars().next(),
                "{w} stems to {}",
                tokens[0].text
            );
        }
    }

    #[test]
    fn initials_cover_every_matcher() {
        let (_, fields) = crate::schema::build();
        let c = compile(
            &parse("deleg* \"sister city\" 济南 -zebra").unwrap(),
            &fields,
            &mut analyzer(),
        )
        .unwrap();
        let mut got = initials(&c.units).unwrap();
        got.sort_unstable();
        got.dedup();
        assert_eq!(got, vec!['c', 'd', 's', '南', '济']);
    }

    #[test]
    fn highlights_stemmed_english_and_escapes_html() {
        let s = snip(
            "delegations",
            "T",
            "A <trade> delegation & friends visited.",
        );
        assert_eq!(
            s,
            "A &lt;trade&gt; <b>delegation</b> &amp; friends visited."
        );
    }

    #[test]
    fn highlights_chinese_words_as_one_run() {
        let s = snip("友好城市", "T", "济南与哈尔科夫是友好城市。两市友好交流。");
        assert_eq!(s, "济南与哈尔科夫是<b>友好城市</b>。两市友好交流。");
    }

    #[test]
    fn phrases_highlight_only_where_they_match() {
        let s = snip(
            "\"sister city\"",
            "T",
            "A city and a sister. Then the sister city of Jinan.",
        );
        assert_eq!(
            s,
            "A city and a sister. Then the <b>sister city</b> of Jinan."
        );
    }

    #[test]
    fn prefix_highlights_every_matching_word() {
        let s = snip("deleg*", "T", "The delegates met the delegation.");
        assert_eq!(s, "The <b>delegates</b> met the <b>delegation</b>.");
    }

    #[test]
    fn window_is_bounded_and_never_cuts_a_character() {
        let body = format!(
            "{}泉城{}",
            "济南是一座美丽的城市。".repeat(40),
            "大明湖很美。".repeat(40)
        );
        let s = snip("泉城", "T", &body);
        assert!(s.contains("<b>泉城</b>"), "{s}");
        let plain = s.replace("<b>", "").replace("</b>", "");
        assert!(
            plain.chars().count() <= SNIPPET_CHARS + 2,
            "{}",
            plain.chars().count()
        );
        assert!(s.starts_with('…') && s.ends_with('…'));
        for c in plain.chars() {
            assert_ne!(c, char::REPLACEMENT_CHARACTER);
        }
    }

    #[test]
    fn english_window_does_not_cut_words() {
        let body = format!(
            "{} Kharkiv {}",
            "lorem ipsum dolor sit amet ".repeat(20),
            "consectetur adipiscing elit ".repeat(20)
        );
        let s = snip("kharkiv", "T", &body);
        assert!(s.contains("<b>Kharkiv</b>"));
        let inner = s.trim_start_matches('…').trim_end_matches('…');
        let words = [
            "lorem",
            "ipsum",
            "dolor",
            "sit",
            "amet",
            "consectetur",
            "adipiscing",
            "elit",
            "<b>Kharkiv</b>",
        ];
        for w in inner.split(' ') {
            assert!(words.contains(&w), "cut word {w:?} in {s}");
        }
    }

    #[test]
    fn long_text_window_holds_every_word_and_every_match_in_it_is_marked() {
        let filler = "Filler words about the weather and the roads. ".repeat(200);
        // `spring` alone early, `spring` with `festival` much later: the window with both wins.
        let body = format!(
            "A spring opened. {filler} The spring festival drew crowds, the spring festival again. {filler}"
        );
        let s = snip("spring festival", "T", &body);
        assert!(s.contains("<b>spring</b> <b>festival</b> drew"), "{s}");
        // every match inside the window is highlighted, including those after the first pair
        assert_eq!(s.matches("<b>festival</b>").count(), 2, "{s}");
        // a single word: its first stretch, with the later matches inside the window marked
        let body =
            format!("{filler} Springs here, springs there, spring everywhere. {filler} spring");
        let s = snip("spring", "T", &body);
        assert_eq!(s.matches("<b>").count(), 3, "{s}");
    }

    #[test]
    fn falls_back_to_title_then_body_start() {
        assert_eq!(
            snip("kharkiv", "Visit to Kharkiv", "Nothing here."),
            "Visit to <b>Kharkiv</b>"
        );
        assert_eq!(snip("-zzz", "Title", "Body\n\ntext."), "Body text.");
    }

    #[test]
    fn negated_words_are_not_highlighted() {
        assert_eq!(
            snip("jinan -kharkiv", "T", "Jinan and Kharkiv."),
            "<b>Jinan</b> and Kharkiv."
        );
    }
}
