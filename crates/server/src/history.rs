//! The history of one page: every capture in the archive, whether its article text was new,
//! changed or the same, the spans the text stayed the same, and the word-marked diff of two
//! versions. The one code path behind `jinan history`, `/api/history`, `/api/diff` and `/timeline`.
//!
//! The captures come from the WARC files ([`jinan_corpus::captures_of`]); each `200` response is
//! run through the extractor, and a version is a distinct article text (title and body). A
//! revisit (`304`) shows the version it confirms; a `404`/`410` marks the page deleted.

use std::path::Path;

use chrono::{DateTime, Utc};
use jinan_corpus::canon::{canonical_key, parse_timestamp, timestamp14};
use jinan_types::{Capture, CaptureKind};
use serde::Serialize;
use similar::{Algorithm, DiffOp};

pub(crate) use jinan_index::tokenizer::is_han;

/// Why a history or diff cannot be given.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// Not an absolute URL: bad input.
    #[error("bad URL {0:?}: give an absolute http:// or https:// address")]
    BadUrl(String),
    /// The archive holds no capture of the page.
    #[error("{url} has no captures in the archive")]
    NotFound { url: String },
    /// A `from`/`to` that is not an archive timestamp: bad input.
    #[error("bad {name} timestamp {value:?}: expected 1 to 14 digits of YYYYMMDDhhmmss")]
    BadTimestamp { name: &'static str, value: String },
    #[error(transparent)]
    Corpus(#[from] jinan_corpus::Error),
}

impl HistoryError {
    /// True for the user's mistakes (bad URL, bad timestamp): exit 2, HTTP 400.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            HistoryError::BadUrl(_) | HistoryError::BadTimestamp { .. }
        )
    }
}

/// What one capture says about the article text.
#[derive(Serialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// The first version of the text.
    New,
    /// A text that differs from the previous version.
    Changed,
    /// The previous version again (a revisit, or a full response with the same text).
    Same,
    /// The page answered 404 or 410.
    Deleted,
}

impl Change {
    /// The word shown in text tables and on the timeline.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Changed => "changed",
            Change::Same => "same",
            Change::Deleted => "deleted",
        }
    }
}

/// One capture of the page.
#[derive(Serialize, Debug, Clone)]
pub struct CaptureRow {
    pub captured_at: DateTime<Utc>,
    /// `YYYYMMDDhhmmss`, the capture's archive timestamp.
    pub timestamp: String,
    pub status: u16,
    pub kind: CaptureKind,
    pub digest: Option<String>,
    /// `null` when the capture has no article text and is no deletion (a redirect, an error, a
    /// page that is not an article).
    pub change: Option<Change>,
    /// True when the text differs from the previous version (`false` for the first version and
    /// for repeats; `null` as for `change`).
    pub text_changed: Option<bool>,
    /// The version (1-based) of the text this capture shows.
    pub version: Option<usize>,
    /// The archived copy on `jinan serve`.
    pub archive_url: String,
    pub file: String,
    pub offset: u64,
}

/// Consecutive captures that showed the same version of the text.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub version: usize,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub captures: usize,
}

/// Every capture of a page, oldest first.
#[derive(Serialize, Debug, Clone)]
pub struct History {
    /// The page's canonical URL.
    pub url: String,
    pub captures: Vec<CaptureRow>,
    pub spans: Vec<Span>,
    /// The texts of the versions, oldest first (version `n` is `texts[n - 1]`).
    #[serde(skip)]
    texts: Vec<String>,
}

/// `/web/<ts>/<url>`: where `jinan serve` replays a capture.
pub fn archive_url(c: &Capture) -> String {
    format!("/web/{}/{}", timestamp14(&c.captured_at), c.url)
}

/// Reads the history of `url` from the corpus's WARC folder.
pub fn history(warc_dir: &Path, url: &str) -> Result<History, HistoryError> {
    let key = canonical_key(url).ok_or_else(|| HistoryError::BadUrl(url.to_string()))?;
    // Only web pages are archived: a file: or data: URL has no captures, like any unknown page.
    if !(key.starts_with("http://") || key.starts_with("https://")) {
        return Err(HistoryError::NotFound { url: key });
    }
    let captures = jinan_corpus::captures_of(warc_dir, &key)?;
    if captures.is_empty() {
        return Err(HistoryError::NotFound { url: key });
    }
    Ok(build(key, &captures, |c| text_of(warc_dir, c)))
}

/// The article text of a capture (title, blank line, body), or None when it has none.
fn text_of(warc_dir: &Path, c: &Capture) -> Option<String> {
    let sc = jinan_corpus::read_capture(warc_dir, &c.location)
        .map_err(|e| tracing::debug!(url = %c.url, error = %e, "cannot read capture"))
        .ok()?;
    // Read as the index reads it: one rule for what a capture's article is.
    let a = jinan_ingest::article_of(&sc).ok()??;
    Some(format!("{}\n\n{}", a.title, a.body))
}

/// The history of `captures` (oldest first), with `text` giving each `200` response's text.
fn build(
    url: String,
    captures: &[Capture],
    mut text: impl FnMut(&Capture) -> Option<String>,
) -> History {
    let mut texts: Vec<String> = Vec::new();
    let mut rows = Vec::with_capacity(captures.len());
    for c in captures {
        let (change, version) = match (c.kind, c.status) {
            (CaptureKind::Revisit, _) => match texts.len() {
                0 => (None, None),
                n => (Some(Change::Same), Some(n)),
            },
            (CaptureKind::Response, 404 | 410) => (Some(Change::Deleted), None),
            (CaptureKind::Response, 200) => match text(c) {
                None => (None, None),
                Some(t) => match texts.last() {
                    Some(prev) if *prev == t => (Some(Change::Same), Some(texts.len())),
                    prev => {
                        let change = if prev.is_none() {
                            Change::New
                        } else {
                            Change::Changed
                        };
                        texts.push(t);
                        (Some(change), Some(texts.len()))
                    }
                },
            },
            _ => (None, None),
        };
        rows.push(CaptureRow {
            captured_at: c.captured_at,
            timestamp: timestamp14(&c.captured_at),
            status: c.status,
            kind: c.kind,
            digest: c.digest.clone(),
            change,
            text_changed: change
                .filter(|c| *c != Change::Deleted)
                .map(|c| c == Change::Changed),
            version,
            archive_url: archive_url(c),
            file: c.location.file.clone(),
            offset: c.location.offset,
        });
    }
    let spans = spans(&rows);
    History {
        url,
        captures: rows,
        spans,
        texts,
    }
}

/// Runs of captures showing one version (a deletion or an error ends a run).
fn spans(rows: &[CaptureRow]) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    let mut open = false;
    for r in rows {
        match r.version {
            Some(v) => match out.last_mut() {
                Some(s) if open && s.version == v => {
                    s.to = r.captured_at;
                    s.captures += 1;
                }
                _ => {
                    out.push(Span {
                        version: v,
                        from: r.captured_at,
                        to: r.captured_at,
                        captures: 1,
                    });
                    open = true;
                }
            },
            None => open = false,
        }
    }
    out
}

/// One side of a diff: a capture and the version it shows.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct Side {
    pub captured_at: DateTime<Utc>,
    pub timestamp: String,
    pub version: usize,
    pub archive_url: String,
}

/// How a diff line relates the two texts.
#[derive(Serialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Same,
    Del,
    Add,
}

/// A piece of a line; `marked` pieces are the words that changed.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub text: String,
    pub marked: bool,
}

/// One line (a paragraph, a title) of a hunk.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub op: Op,
    pub parts: Vec<Part>,
}

impl Line {
    fn text(&self) -> String {
        self.parts.iter().map(|p| p.text.as_str()).collect()
    }
}

/// Changed lines with two lines of context, numbered as in a unified diff (1-based).
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct Hunk {
    pub old_start: usize,
    pub old_len: usize,
    pub new_start: usize,
    pub new_len: usize,
    pub lines: Vec<Line>,
}

/// The text changes between two versions of a page.
#[derive(Serialize, Debug, Clone)]
pub struct Diff {
    pub url: String,
    /// `null` when there is nothing to compare with (a single version).
    pub from: Option<Side>,
    pub to: Option<Side>,
    pub changed: bool,
    pub hunks: Vec<Hunk>,
    /// What the reader should know: only one version, the page was deleted afterwards, ...
    pub note: Option<String>,
}

/// Lines of context around each change.
const CONTEXT: usize = 2;

impl History {
    /// The text (title, blank line, body) of version `v` (1-based).
    pub fn version_text(&self, v: usize) -> Option<&str> {
        self.texts.get(v.checked_sub(1)?).map(String::as_str)
    }

    /// The diff between the versions shown at `from` and `to` (archive timestamps, nearest
    /// capture with text wins). Without them: the last two versions.
    pub fn diff(&self, from: Option<&str>, to: Option<&str>) -> Result<Diff, HistoryError> {
        let from = resolve("from", from)?;
        let to = resolve("to", to)?;
        let mut diff = Diff {
            url: self.url.clone(),
            from: None,
            to: None,
            changed: false,
            hunks: Vec::new(),
            note: None,
        };
        let deleted = self
            .captures
            .last()
            .filter(|r| r.change == Some(Change::Deleted));
        let day = |t: &DateTime<Utc>| t.format("%Y-%m-%d %H:%M:%S UTC").to_string();
        if self.texts.is_empty() {
            diff.note = Some(format!(
                "no capture of {} has article text to compare",
                self.url
            ));
            return Ok(diff);
        }
        let (a, b) = match (from, to) {
            (None, None) => {
                let n = self.texts.len();
                if n < 2 {
                    let only = self.side_of_version(1);
                    diff.note = Some(match (deleted, &only) {
                        (Some(d), Some(s)) => format!(
                            "{} has one version only (captured {}), deleted {} (HTTP {}): nothing to compare",
                            self.url, day(&s.captured_at), day(&d.captured_at), d.status
                        ),
                        (_, Some(s)) => format!(
                            "{} has one version only (captured {}): nothing to compare",
                            self.url, day(&s.captured_at)
                        ),
                        _ => format!("{} has one version only: nothing to compare", self.url),
                    });
                    diff.to = only;
                    return Ok(diff);
                }
                (self.side_of_version(n - 1), self.side_of_version(n))
            }
            (f, t) => {
                let a = f.map_or_else(|| self.side_of_version(1), |t| self.side_near(t));
                let b = t.map_or_else(
                    || self.side_of_version(self.texts.len()),
                    |t| self.side_near(t),
                );
                (a, b)
            }
        };
        let (Some(a), Some(b)) = (a, b) else {
            return Ok(diff);
        };
        if let Some(d) = deleted {
            diff.note = Some(format!(
                "{} was deleted from the site {} (HTTP {}); these are versions it had before",
                self.url,
                day(&d.captured_at),
                d.status
            ));
        }
        let old = &self.texts[a.version - 1];
        let new = &self.texts[b.version - 1];
        diff.changed = old != new;
        diff.hunks = hunks(old, new);
        diff.from = Some(a);
        diff.to = Some(b);
        Ok(diff)
    }

    /// The first capture showing version `v`.
    fn side_of_version(&self, v: usize) -> Option<Side> {
        self.captures
            .iter()
            .find(|r| r.version == Some(v))
            .map(|r| side(r, v))
    }

    /// The capture with text nearest to `t` (the later one on a tie).
    fn side_near(&self, t: DateTime<Utc>) -> Option<Side> {
        self.captures
            .iter()
            .filter(|r| r.version.is_some())
            .min_by_key(|r| jinan_types::seconds_apart(&r.captured_at, &t))
            .and_then(|r| r.version.map(|v| side(r, v)))
    }
}

fn side(r: &CaptureRow, version: usize) -> Side {
    Side {
        captured_at: r.captured_at,
        timestamp: r.timestamp.clone(),
        version,
        archive_url: r.archive_url.clone(),
    }
}

fn resolve(name: &'static str, ts: Option<&str>) -> Result<Option<DateTime<Utc>>, HistoryError> {
    match ts.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => parse_timestamp(v)
            .map(Some)
            .ok_or_else(|| HistoryError::BadTimestamp {
                name,
                value: v.to_string(),
            }),
    }
}

/// Line hunks of `old` → `new`, with the changed words of each replaced line marked.
fn hunks(old: &str, new: &str) -> Vec<Hunk> {
    let a: Vec<&str> = old.split('\n').collect();
    let b: Vec<&str> = new.split('\n').collect();
    let ops = similar::capture_diff_slices(Algorithm::Myers, &a, &b);
    let whole = |op: Op, s: &str| Line {
        op,
        parts: vec![Part {
            text: s.to_string(),
            marked: false,
        }],
    };
    let mut out = Vec::new();
    for group in similar::group_diff_ops(ops, CONTEXT) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let old_range = first.old_range().start..last.old_range().end;
        let new_range = first.new_range().start..last.new_range().end;
        let mut lines = Vec::new();
        for op in &group {
            match *op {
                DiffOp::Equal { old_index, len, .. } => lines.extend(
                    a[old_index..old_index + len]
                        .iter()
                        .map(|s| whole(Op::Same, s)),
                ),
                DiffOp::Delete {
                    old_index, old_len, ..
                } => lines.extend(
                    a[old_index..old_index + old_len]
                        .iter()
                        .map(|s| whole(Op::Del, s)),
                ),
                DiffOp::Insert {
                    new_index, new_len, ..
                } => lines.extend(
                    b[new_index..new_index + new_len]
                        .iter()
                        .map(|s| whole(Op::Add, s)),
                ),
                DiffOp::Replace {
                    old_index,
                    old_len,
                    new_index,
                    new_len,
                } => {
                    let (olds, news) = (
                        &a[old_index..old_index + old_len],
                        &b[new_index..new_index + new_len],
                    );
                    let pairs = old_len.min(new_len);
                    let mut dels = Vec::new();
                    let mut adds = Vec::new();
                    for i in 0..pairs {
                        let (d, n) = word_diff(olds[i], news[i]);
                        dels.push(d);
                        adds.push(n);
                    }
                    dels.extend(olds[pairs..].iter().map(|s| whole(Op::Del, s)));
                    adds.extend(news[pairs..].iter().map(|s| whole(Op::Add, s)));
                    lines.extend(dels);
                    lines.extend(adds);
                }
            }
        }
        out.push(Hunk {
            old_start: old_range.start + 1,
            old_len: old_range.len(),
            new_start: new_range.start + 1,
            new_len: new_range.len(),
            lines,
        });
    }
    out
}

/// The two sides of a changed line with the words that differ marked.
fn word_diff(old: &str, new: &str) -> (Line, Line) {
    let a = words(old);
    let b = words(new);
    let mut del: Vec<Part> = Vec::new();
    let mut add: Vec<Part> = Vec::new();
    let push = |parts: &mut Vec<Part>, toks: &[&str], marked: bool| {
        if toks.is_empty() {
            return;
        }
        let text: String = toks.concat();
        match parts.last_mut() {
            Some(p) if p.marked == marked => p.text.push_str(&text),
            _ => parts.push(Part { text, marked }),
        }
    };
    for op in similar::capture_diff_slices(Algorithm::Myers, &a, &b) {
        let (o, n) = (op.old_range(), op.new_range());
        match op {
            DiffOp::Equal { .. } => {
                push(&mut del, &a[o], false);
                push(&mut add, &b[n], false);
            }
            _ => {
                push(&mut del, &a[o], true);
                push(&mut add, &b[n], true);
            }
        }
    }
    (
        Line {
            op: Op::Del,
            parts: del,
        },
        Line {
            op: Op::Add,
            parts: add,
        },
    )
}

/// Words for the word diff: runs of letters or digits, runs of spaces, and every Han character
/// and punctuation mark on its own (Chinese text has no spaces between words).
fn words(s: &str) -> Vec<&str> {
    #[derive(PartialEq, Clone, Copy)]
    enum Class {
        Word,
        Space,
        Single,
    }
    let class = |c: char| {
        if is_han(c) || !(c.is_alphanumeric() || c.is_whitespace()) {
            Class::Single
        } else if c.is_whitespace() {
            Class::Space
        } else {
            Class::Word
        }
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev: Option<Class> = None;
    for (i, c) in s.char_indices() {
        let k = class(c);
        if let Some(p) = prev {
            if p != k || k == Class::Single {
                out.push(&s[start..i]);
                start = i;
            }
        }
        prev = Some(k);
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

impl Diff {
    /// A unified diff: `---`/`+++` headers with the capture times, `@@` hunks, and the changed
    /// words of a changed line between `[-…-]` and `{+…+}` (as `git diff --word-diff` writes them).
    pub fn unified(&self) -> String {
        let (Some(a), Some(b)) = (&self.from, &self.to) else {
            return String::new();
        };
        let stamp = |s: &Side| {
            format!(
                "{} (version {})",
                s.captured_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                s.version
            )
        };
        let mut out = format!(
            "--- {}\t{}\n+++ {}\t{}\n",
            self.url,
            stamp(a),
            self.url,
            stamp(b)
        );
        for h in &self.hunks {
            out.push_str(&format!(
                "@@ -{},{} +{},{} @@\n",
                h.old_start, h.old_len, h.new_start, h.new_len
            ));
            for l in &h.lines {
                let (sign, open, close) = match l.op {
                    Op::Same => (' ', "", ""),
                    Op::Del => ('-', "[-", "-]"),
                    Op::Add => ('+', "{+", "+}"),
                };
                out.push(sign);
                let whole = l.parts.iter().all(|p| p.marked) || l.parts.iter().all(|p| !p.marked);
                if whole {
                    out.push_str(&l.text());
                } else {
                    for p in &l.parts {
                        if p.marked {
                            out.push_str(open);
                            out.push_str(&p.text);
                            out.push_str(close);
                        } else {
                            out.push_str(&p.text);
                        }
                    }
                }
                out.push('\n');
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jinan_types::WarcLocation;

    fn cap(day: u32, status: u16, kind: CaptureKind) -> Capture {
        Capture {
            url: "http://a.test/art/1.html".into(),
            captured_at: format!("2026-11-{day:02}T10:00:00Z").parse().unwrap(),
            status,
            kind,
            digest: None,
            content_type: Some("text/html".into()),
            via: None,
            via_column: None,
            truncated: false,
            location: WarcLocation {
                file: format!("f{day}"),
                offset: 0,
            },
        }
    }

    fn hist(caps: &[(u32, u16, CaptureKind, &str)]) -> History {
        let captures: Vec<Capture> = caps.iter().map(|(d, s, k, _)| cap(*d, *s, *k)).collect();
        let texts: std::collections::HashMap<String, String> = caps
            .iter()
            .map(|(d, _, _, t)| (format!("f{d}"), t.to_string()))
            .collect();
        build("http://a.test/art/1.html".into(), &captures, |c| {
            Some(texts[&c.location.file].clone())
        })
    }

    use CaptureKind::{Response as R, Revisit as V};

    #[test]
    fn first_is_new_then_same_changed_deleted() {
        let h = hist(&[
            (1, 200, R, "T\n\nold"),
            (2, 304, V, ""),
            (3, 200, R, "T\n\nold"),
            (4, 200, R, "T\n\nnew"),
            (5, 404, R, ""),
        ]);
        let changes: Vec<_> = h.captures.iter().map(|r| r.change).collect();
        use Change::*;
        assert_eq!(
            changes,
            [
                Some(New),
                Some(Same),
                Some(Same),
                Some(Changed),
                Some(Deleted)
            ]
        );
        let flags: Vec<_> = h.captures.iter().map(|r| r.text_changed).collect();
        assert_eq!(
            flags,
            [Some(false), Some(false), Some(false), Some(true), None]
        );
        assert_eq!(h.spans.len(), 2);
        assert_eq!((h.spans[0].version, h.spans[0].captures), (1, 3));
        assert_eq!(
            h.captures[0].archive_url,
            "/web/20261101100000/http://a.test/art/1.html"
        );
    }

    #[test]
    fn one_version_and_deleted_say_so() {
        let one = hist(&[(1, 200, R, "T\n\nbody")]);
        let d = one.diff(None, None).unwrap();
        assert!(d.from.is_none() && !d.changed);
        assert!(d.note.unwrap().contains("one version only"));
        let gone = hist(&[(1, 200, R, "T\n\nbody"), (2, 410, R, "")]);
        let note = gone.diff(None, None).unwrap().note.unwrap();
        assert!(
            note.contains("deleted") && note.contains("HTTP 410"),
            "{note}"
        );
        let after = hist(&[
            (1, 200, R, "T\n\na"),
            (2, 200, R, "T\n\nb"),
            (3, 404, R, ""),
        ]);
        let d = after.diff(None, None).unwrap();
        assert!(d.changed);
        assert!(d.note.unwrap().contains("was deleted"));
    }

    #[test]
    fn changed_words_are_marked_with_dates_in_headers() {
        let h = hist(&[
            (
                1,
                200,
                R,
                "Title\n\nThe mayor met ten guests.\n\n济南友好城市",
            ),
            (
                2,
                200,
                R,
                "Title\n\nThe mayor met twelve guests.\n\n济南姐妹城市",
            ),
        ]);
        let d = h.diff(None, None).unwrap();
        let u = d.unified();
        assert!(
            u.starts_with("--- http://a.test/art/1.html\t2026-11-01T10:00:00Z (version 1)\n+++ "),
            "{u}"
        );
        assert!(u.contains("2026-11-02T10:00:00Z (version 2)"), "{u}");
        assert!(u.contains("-The mayor met [-ten-] guests."), "{u}");
        assert!(u.contains("+The mayor met {+twelve+} guests."), "{u}");
        assert!(u.contains("-济南[-友好-]城市"), "{u}");
        assert!(u.contains("+济南{+姐妹+}城市"), "{u}");
    }

    #[test]
    fn timestamps_pick_the_nearest_capture() {
        let h = hist(&[
            (1, 200, R, "T\n\na"),
            (5, 200, R, "T\n\nb"),
            (9, 200, R, "T\n\nc"),
        ]);
        let d = h.diff(Some("20261102"), Some("20261108")).unwrap();
        assert_eq!(d.from.unwrap().version, 1);
        assert_eq!(d.to.unwrap().version, 3);
        assert!(h.diff(Some("2026-11"), None).unwrap_err().is_bad_input());
    }
}
