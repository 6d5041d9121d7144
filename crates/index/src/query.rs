//! The query language of INTERFACE.md, parsed by hand into a small AST and compiled to tantivy
//! queries with our analyzer.
//!
//! tantivy's `QueryParser` would analyze `deleg*` into the plain term `deleg` and cannot express
//! "a Chinese word is the phrase of its characters", so we parse ourselves. Grammar:
//!
//! ```text
//! query   := or
//! or      := and ("OR" and)*
//! and     := unary (["AND"] unary)*          -- juxtaposition is AND
//! unary   := ("NOT" | "-") unary | ["+"] primary
//! primary := "(" or ")" | [field ":"] (word | word "*" | "\"" phrase "\"" | "(" or ")")
//! field   := "title" | "body"
//! ```
//!
//! A word or phrase is analyzed like the text ([`crate::tokenizer`]): one term becomes a term query,
//! several become a phrase query over their positions (so `sister-city` and `友好城市` are phrases;
//! Chinese matches as the sequence of its characters, with the jieba words as optional clauses that
//! lift exact word matches). Unscoped text searches title (boosted) and body. A prefix `p*` matches
//! indexed terms starting with lowercased `p`; because indexed English terms are stems
//! (`delegation` → `deleg`), terms that are a prefix of `p` at most four characters shorter also
//! match (`delegat*` finds `deleg`), which may add a few words sharing a stem. A query of only
//! negations matches every article except those. Anything unparsable is [`Error::Query`].

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::Term;

use crate::error::{Error, Result};
use crate::pairs::PairPhraseQuery;
use crate::schema::{Fields, QUERY_FIELDS};
use crate::tokenizer::{analyze, is_han};

pub use jinan_types::MAX_QUERY_BYTES;
const MAX_DEPTH: usize = 20;
const MIN_PREFIX_CHARS: usize = 2;
const TITLE_BOOST: f32 = 2.0;

/// Which text field a leaf searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Any,
    Title,
    Body,
}

/// Parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    /// `*` alone: every article.
    All,
    /// A word or phrase (analyzed at compile time).
    Text {
        scope: Scope,
        text: String,
    },
    /// `p*`.
    Prefix {
        scope: Scope,
        prefix: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Open,
    Close,
    Or,
    And,
    Not,
    Neg,
    Field(Scope),
    Word(String),
    Phrase(String),
}

fn bad(msg: impl Into<String>) -> Error {
    Error::Query(msg.into())
}

fn lex(q: &str) -> Result<Vec<Tok>> {
    let mut toks = Vec::new();
    let chars: Vec<char> = q.chars().collect();
    let mut i = 0;
    let stop = |c: char| c.is_whitespace() || c == '(' || c == ')' || c == '"';
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            toks.push(Tok::Open);
            i += 1;
        } else if c == ')' {
            toks.push(Tok::Close);
            i += 1;
        } else if c == '"' {
            let Some(len) = chars[i + 1..].iter().position(|&d| d == '"') else {
                return Err(bad("unbalanced quote: a phrase is not closed with \""));
            };
            toks.push(Tok::Phrase(chars[i + 1..i + 1 + len].iter().collect()));
            i += len + 2;
        } else if (c == '-' || c == '+') && chars.get(i + 1).is_some_and(|&d| !d.is_whitespace()) {
            if c == '-' {
                toks.push(Tok::Neg);
            }
            i += 1;
        } else {
            let start = i;
            while i < chars.len() && !stop(chars[i]) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            match word.as_str() {
                "OR" | "||" => toks.push(Tok::Or),
                "AND" | "&&" => toks.push(Tok::And),
                "NOT" => toks.push(Tok::Not),
                _ => lex_word(&word, &mut toks)?,
            }
        }
    }
    Ok(toks)
}

/// A word, possibly `field:rest` (a field is ASCII letters before the first colon).
fn lex_word(word: &str, toks: &mut Vec<Tok>) -> Result<()> {
    if let Some((name, rest)) = word.split_once(':') {
        if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphabetic()) {
            let scope = match name.to_ascii_lowercase().as_str() {
                "title" => Scope::Title,
                "body" => Scope::Body,
                _ => {
                    return Err(bad(format!(
                        "unknown field \"{name}:\" (fields are {})",
                        QUERY_FIELDS
                            .iter()
                            .map(|f| format!("{f}:"))
                            .collect::<Vec<_>>()
                            .join(" and ")
                    )))
                }
            };
            toks.push(Tok::Field(scope));
            if !rest.is_empty() {
                toks.push(Tok::Word(rest.to_string()));
            }
            return Ok(());
        }
    }
    toks.push(Tok::Word(word.to_string()));
    Ok(())
}

struct Parser {
    toks: Vec<Tok>,
    i: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i)
    }

    fn or(&mut self, depth: usize) -> Result<Node> {
        if depth > MAX_DEPTH {
            return Err(bad("query is nested too deeply"));
        }
        let mut parts = vec![self.and(depth)?];
        while self.peek() == Some(&Tok::Or) {
            self.i += 1;
            parts.push(self.and(depth)?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Node::Or(parts)
        })
    }

    fn and(&mut self, depth: usize) -> Result<Node> {
        let mut parts = Vec::new();
        loop {
            match self.peek() {
                None | Some(Tok::Close) | Some(Tok::Or) => break,
                Some(Tok::And) => {
                    if parts.is_empty() {
                        return Err(bad("AND needs a term on both sides"));
                    }
                    self.i += 1;
                    if matches!(
                        self.peek(),
                        None | Some(Tok::Close) | Some(Tok::Or) | Some(Tok::And)
                    ) {
                        return Err(bad("AND needs a term on both sides"));
                    }
                }
                Some(_) => parts.push(self.unary(depth, Scope::Any)?),
            }
        }
        match parts.len() {
            0 => Err(match self.peek() {
                Some(Tok::Or) => bad("OR needs a term on both sides"),
                Some(Tok::Close) => bad("unbalanced parenthesis: \")\" without \"(\""),
                _ if self.i > 0 && self.toks.get(self.i - 1) == Some(&Tok::Or) => {
                    bad("OR needs a term on both sides")
                }
                _ => bad("empty query"),
            }),
            1 => Ok(parts.remove(0)),
            _ => Ok(Node::And(parts)),
        }
    }

    fn unary(&mut self, depth: usize, scope: Scope) -> Result<Node> {
        match self.peek().cloned() {
            Some(Tok::Not) | Some(Tok::Neg) => {
                self.i += 1;
                if matches!(
                    self.peek(),
                    None | Some(Tok::Close) | Some(Tok::Or) | Some(Tok::And)
                ) {
                    return Err(bad("NOT (or -) needs a term after it"));
                }
                Ok(Node::Not(Box::new(self.unary(depth + 1, scope)?)))
            }
            Some(Tok::Field(s)) => {
                self.i += 1;
                match self.peek() {
                    Some(Tok::Word(_)) | Some(Tok::Phrase(_)) | Some(Tok::Open) => {
                        self.unary(depth + 1, s)
                    }
                    _ => Err(bad(
                        "a field (title: or body:) must be followed by a word, phrase or group",
                    )),
                }
            }
            Some(Tok::Open) => {
                self.i += 1;
                if self.peek() == Some(&Tok::Close) {
                    return Err(bad("empty parentheses: put a term inside ( )"));
                }
                let node = self.or(depth + 1)?;
                if self.peek() != Some(&Tok::Close) {
                    return Err(bad("unbalanced parenthesis: \"(\" is not closed"));
                }
                self.i += 1;
                Ok(if scope == Scope::Any {
                    node
                } else {
                    rescope(node, scope)
                })
            }
            Some(Tok::Phrase(p)) => {
                self.i += 1;
                Ok(Node::Text { scope, text: p })
            }
            Some(Tok::Word(w)) => {
                self.i += 1;
                word_node(w, scope)
            }
            Some(Tok::Or) | Some(Tok::And) | Some(Tok::Close) | None => Err(bad("empty query")),
        }
    }
}

fn word_node(w: String, scope: Scope) -> Result<Node> {
    if w.chars().all(|c| c == '*') {
        return Ok(Node::All);
    }
    if let Some(stem) = w.strip_suffix('*') {
        let stem = stem.trim_end_matches('*');
        // Only a single plain word can be a prefix; other text ignores the star.
        if stem.chars().all(|c| c.is_alphanumeric() && !is_han(c)) {
            if stem.chars().count() < MIN_PREFIX_CHARS {
                return Err(bad(format!(
                    "a prefix needs at least {MIN_PREFIX_CHARS} characters before *"
                )));
            }
            return Ok(Node::Prefix {
                scope,
                prefix: stem.to_lowercase(),
            });
        }
        return Ok(Node::Text {
            scope,
            text: stem.to_string(),
        });
    }
    Ok(Node::Text { scope, text: w })
}

/// Applies `title:`/`body:` in front of a group to the leaves that have no field of their own.
fn rescope(node: Node, scope: Scope) -> Node {
    match node {
        Node::And(v) => Node::And(v.into_iter().map(|n| rescope(n, scope)).collect()),
        Node::Or(v) => Node::Or(v.into_iter().map(|n| rescope(n, scope)).collect()),
        Node::Not(n) => Node::Not(Box::new(rescope(*n, scope))),
        Node::All => Node::All,
        Node::Text {
            scope: Scope::Any,
            text,
        } => Node::Text { scope, text },
        Node::Prefix {
            scope: Scope::Any,
            prefix,
        } => Node::Prefix { scope, prefix },
        other => other,
    }
}

/// Parses a query string into its AST.
pub fn parse(query: &str) -> Result<Node> {
    if query.len() > MAX_QUERY_BYTES {
        return Err(bad(format!(
            "the query is too long ({} bytes; at most {MAX_QUERY_BYTES})",
            query.len()
        )));
    }
    let toks = lex(query)?;
    if toks.is_empty() {
        return Err(bad("empty query"));
    }
    let mut p = Parser { toks, i: 0 };
    let node = p.or(0)?;
    match p.peek() {
        None => Ok(node),
        Some(Tok::Close) => Err(bad("unbalanced parenthesis: \")\" without \"(\"")),
        Some(_) => Err(bad("cannot parse the query")),
    }
}

/// How a highlight unit matches one token of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Matcher {
    Term(String),
    /// Terms starting with the prefix, or equal to one of the stems.
    Prefix {
        prefix: String,
        stems: Vec<String>,
    },
}

impl Matcher {
    /// True when the analyzed token text `t` matches.
    pub fn matches(&self, t: &str) -> bool {
        match self {
            Matcher::Term(term) => term == t,
            Matcher::Prefix { prefix, stems } => {
                t.starts_with(prefix.as_str()) || stems.iter().any(|s| s == t)
            }
        }
    }
}

/// Something to highlight in snippets: a sequence of tokens at given position offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub scope: Scope,
    pub seq: Vec<(usize, Matcher)>,
}

/// A compiled query plus what snippets should highlight.
pub struct Compiled {
    pub query: Box<dyn Query>,
    pub units: Vec<Unit>,
}

/// Compiles a parsed query against the schema.
pub fn compile(node: &Node, fields: &Fields, analyzer: &mut TextAnalyzer) -> Result<Compiled> {
    let mut c = Compiler {
        fields,
        analyzer,
        units: Vec::new(),
    };
    let query = c
        .node(node, false)?
        .ok_or_else(|| bad("the query has no searchable words"))?;
    Ok(Compiled {
        query,
        units: c.units,
    })
}

struct Compiler<'a> {
    fields: &'a Fields,
    analyzer: &'a mut TextAnalyzer,
    units: Vec<Unit>,
}

fn all_but(q: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(vec![
        (Occur::Must, Box::new(AllQuery)),
        (Occur::MustNot, q),
    ]))
}

impl Compiler<'_> {
    fn fields_of(&self, scope: Scope) -> Vec<(Field, f32)> {
        match scope {
            Scope::Any => vec![(self.fields.title, TITLE_BOOST), (self.fields.body, 1.0)],
            Scope::Title => vec![(self.fields.title, 1.0)],
            Scope::Body => vec![(self.fields.body, 1.0)],
        }
    }

    /// None: the node matches nothing in particular (text with no words): it is left out.
    fn node(&mut self, node: &Node, negated: bool) -> Result<Option<Box<dyn Query>>> {
        Ok(match node {
            Node::All => Some(Box::new(AllQuery)),
            Node::Not(inner) => self.node(inner, !negated)?.map(all_but),
            Node::Or(parts) => {
                let mut subs = Vec::new();
                for p in parts {
                    if let Some(q) = self.node(p, negated)? {
                        subs.push((Occur::Should, q));
                    }
                }
                (!subs.is_empty()).then(|| Box::new(BooleanQuery::new(subs)) as Box<dyn Query>)
            }
            Node::And(parts) => {
                let mut subs: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for p in parts {
                    match p {
                        Node::Not(inner) => {
                            if let Some(q) = self.node(inner, !negated)? {
                                subs.push((Occur::MustNot, q));
                            }
                        }
                        _ => {
                            if let Some(q) = self.node(p, negated)? {
                                subs.push((Occur::Must, q));
                            }
                        }
                    }
                }
                if subs.is_empty() {
                    None
                } else {
                    if subs.iter().all(|(o, _)| *o == Occur::MustNot) {
                        subs.push((Occur::Must, Box::new(AllQuery)));
                    }
                    Some(Box::new(BooleanQuery::new(subs)))
                }
            }
            Node::Text { scope, text } => self.text(*scope, text, negated),
            Node::Prefix { scope, prefix } => Some(self.prefix(*scope, prefix, negated)?),
        })
    }

    fn text(&mut self, scope: Scope, text: &str, negated: bool) -> Option<Box<dyn Query>> {
        let tokens = analyze(self.analyzer, text);
        let seq: Vec<(usize, String)> = tokens
            .iter()
            .filter(|t| t.position_length == 1)
            .map(|t| (t.position, t.text.clone()))
            .collect();
        let first = seq.first()?.0;
        let seq: Vec<(usize, String)> = seq.into_iter().map(|(p, t)| (p - first, t)).collect();
        let words: Vec<&str> = tokens
            .iter()
            .filter(|t| t.position_length > 1)
            .map(|t| t.text.as_str())
            .collect();
        if !negated {
            self.units.push(Unit {
                scope,
                seq: seq
                    .iter()
                    .map(|(p, t)| (*p, Matcher::Term(t.clone())))
                    .collect(),
            });
        }
        let mut per_field: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (field, boost) in self.fields_of(scope) {
            let core: Box<dyn Query> = if seq.len() == 1 {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, &seq[0].1),
                    IndexRecordOption::WithFreqs,
                ))
            } else if field == self.fields.body && seq.iter().enumerate().all(|(i, (p, _))| i == *p)
            {
                // Consecutive tokens of the body: answered from its pairs (same documents, same
                // scores, without reading every word's positions).
                Box::new(PairPhraseQuery::new(
                    self.fields.pairs,
                    seq.iter()
                        .map(|(_, t)| Term::from_field_text(field, t))
                        .collect(),
                ))
            } else {
                Box::new(PhraseQuery::new_with_offset(
                    seq.iter()
                        .map(|(p, t)| (*p, Term::from_field_text(field, t)))
                        .collect(),
                ))
            };
            let q: Box<dyn Query> = if words.is_empty() {
                core
            } else {
                let mut subs = vec![(Occur::Must, core)];
                for w in &words {
                    subs.push((
                        Occur::Should,
                        Box::new(TermQuery::new(
                            Term::from_field_text(field, w),
                            IndexRecordOption::WithFreqs,
                        )) as Box<dyn Query>,
                    ));
                }
                Box::new(BooleanQuery::new(subs))
            };
            let q: Box<dyn Query> = if boost != 1.0 {
                Box::new(BoostQuery::new(q, boost))
            } else {
                q
            };
            per_field.push((Occur::Should, q));
        }
        Some(if per_field.len() == 1 {
            per_field.remove(0).1
        } else {
            Box::new(BooleanQuery::new(per_field))
        })
    }

    fn prefix(&mut self, scope: Scope, prefix: &str, negated: bool) -> Result<Box<dyn Query>> {
        // Stems that `prefix` extends by at most four characters (see the module docs).
        let n = prefix.chars().count();
        let stems: Vec<String> = prefix
            .char_indices()
            .map(|(i, _)| &prefix[..i])
            .enumerate()
            .filter(|(k, _)| *k >= 4 && *k + 4 >= n)
            .map(|(_, s)| s.to_string())
            .collect();
        if !negated {
            self.units.push(Unit {
                scope,
                seq: vec![(
                    0,
                    Matcher::Prefix {
                        prefix: prefix.to_string(),
                        stems: stems.clone(),
                    },
                )],
            });
        }
        let mut per_field: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (field, boost) in self.fields_of(scope) {
            let regex = RegexQuery::from_pattern(&format!("{}.*", regex_escape(prefix)), field)
                .map_err(|e| bad(format!("cannot use prefix {prefix:?}: {e}")))?;
            let mut subs: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, Box::new(regex))];
            for s in &stems {
                subs.push((
                    Occur::Should,
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, s),
                        IndexRecordOption::WithFreqs,
                    )),
                ));
            }
            let q: Box<dyn Query> = Box::new(BooleanQuery::new(subs));
            let q: Box<dyn Query> = if boost != 1.0 {
                Box::new(BoostQuery::new(q, boost))
            } else {
                q
            };
            per_field.push((Occur::Should, q));
        }
        Ok(if per_field.len() == 1 {
            per_field.remove(0).1
        } else {
            Box::new(BooleanQuery::new(per_field))
        })
    }
}

fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if !c.is_alphanumeric() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Node {
        Node::Text {
            scope: Scope::Any,
            text: s.into(),
        }
    }

    #[test]
    fn parses_the_language() {
        assert_eq!(
            parse("sister city").unwrap(),
            Node::And(vec![text("sister"), text("city")])
        );
        assert_eq!(parse("\"sister city\"").unwrap(), text("sister city"));
        assert_eq!(
            parse("a OR b").unwrap(),
            Node::Or(vec![text("a"), text("b")])
        );
        assert_eq!(
            parse("a AND b").unwrap(),
            Node::And(vec![text("a"), text("b")])
        );
        assert_eq!(
            parse("a -b").unwrap(),
            Node::And(vec![text("a"), Node::Not(Box::new(text("b")))])
        );
        assert_eq!(
            parse("a NOT b").unwrap(),
            Node::And(vec![text("a"), Node::Not(Box::new(text("b")))])
        );
        assert_eq!(
            parse("title:Kharkiv").unwrap(),
            Node::Text {
                scope: Scope::Title,
                text: "Kharkiv".into()
            }
        );
        assert_eq!(
            parse("body:\"sister city\"").unwrap(),
            Node::Text {
                scope: Scope::Body,
                text: "sister city".into()
            }
        );
        assert_eq!(
            parse("deleg*").unwrap(),
            Node::Prefix {
                scope: Scope::Any,
                prefix: "deleg".into()
            }
        );
        assert_eq!(
            parse("title:(a OR b)").unwrap(),
            Node::Or(vec![
                Node::Text {
                    scope: Scope::Title,
                    text: "a".into()
                },
                Node::Text {
                    scope: Scope::Title,
                    text: "b".into()
                }
            ])
        );
        assert_eq!(
            parse("(a OR b) c").unwrap(),
            Node::And(vec![Node::Or(vec![text("a"), text("b")]), text("c")])
        );
        assert_eq!(parse("10:30").unwrap(), text("10:30"));
        assert_eq!(parse("-").unwrap(), text("-"));
    }

    #[test]
    fn errors_are_one_clear_sentence() {
        for (q, expect) in [
            ("", "empty query"),
            ("   ", "empty query"),
            ("\"sister city", "unbalanced quote"),
            ("(a OR b", "not closed"),
            ("a)", "without"),
            ("OR", "OR needs"),
            ("a OR", "OR needs"),
            ("OR a", "OR needs"),
            ("a OR OR b", "OR needs"),
            ("a AND", "AND needs"),
            ("NOT", "NOT"),
            ("foo:bar", "unknown field \"foo:\""),
            ("title:", "must be followed"),
            ("d*", "prefix needs"),
        ] {
            let err = parse(q).unwrap_err();
            assert!(err.is_user_error());
            let msg = err.to_string();
            assert!(msg.contains(expect), "{q:?}: {msg}");
            assert!(!msg.contains('\n'));
        }
        let long = "a ".repeat(MAX_QUERY_BYTES / 2 + 1);
        assert!(parse(&long).unwrap_err().to_string().contains("too long"));
        // The limit is bytes, the one limit the API and the README state: 1,500 characters are fine.
        assert!(parse(&"ab ".repeat(500)).is_ok());
        for q in ["()", "a ()", "(())", "title:()"] {
            let msg = parse(q).unwrap_err().to_string();
            assert!(msg.contains("empty parentheses"), "{q:?}: {msg}");
        }
        let deep = format!("{}a{}", "(".repeat(50), ")".repeat(50));
        assert!(parse(&deep).unwrap_err().to_string().contains("nested"));
    }
}
