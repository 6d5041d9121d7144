//! Where tokenization time goes: times, on one thread, the raw [`MixedTokenizer`], the full
//! analyzer, jieba alone on the Han runs, the pairs analyzer on the bodies, and tantivy's default
//! analyzer on the same text.
//! See benches/index/RESULTS.md.
//!
//! `cargo run --release -p jinan-index --example bench_tokenize -- ARTICLES.jsonl`

use std::time::Instant;

use jinan_index::tokenizer::{analyzer, is_han, jieba, reference_analyzer, MixedTokenizer};
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
};
use tantivy_tokenizer_api::{TokenStream, Tokenizer};

mod shared;

fn count(an: &mut TextAnalyzer, texts: &[&str]) -> usize {
    let mut n = 0;
    for t in texts {
        let mut s = an.token_stream(t);
        while s.advance() {
            n += s.token().text.len();
        }
    }
    n
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(input) = std::env::args().nth(1) else {
        eprintln!("usage: bench_tokenize ARTICLES.jsonl");
        std::process::exit(2);
    };
    let articles = shared::read_articles(&input)?;
    let texts: Vec<&str> = articles
        .iter()
        .flat_map(|a| [a.title.as_str(), a.body.as_str()])
        .collect();
    let mb = texts.iter().map(|t| t.len()).sum::<usize>() as f64 / 1e6;
    let han_mb = texts
        .iter()
        .flat_map(|t| t.chars())
        .filter(|c| is_han(*c))
        .map(char::len_utf8)
        .sum::<usize>() as f64
        / 1e6;
    let _ = jieba();
    let report = |name: &str, secs: f64, n: usize| {
        println!(
            "{name:<28} {secs:>7.2} s {:>8.1} MB/s  (checksum {n})",
            mb / secs
        );
    };
    println!("{} texts, {mb:.1} MB, {han_mb:.1} MB Han", texts.len());

    let mut raw = MixedTokenizer::default();
    let t = Instant::now();
    let mut n = 0;
    for text in &texts {
        let mut s = raw.token_stream(text);
        while s.advance() {
            n += s.token().position;
        }
    }
    report("MixedTokenizer raw", t.elapsed().as_secs_f64(), n);

    let runs: Vec<&str> = texts
        .iter()
        .flat_map(|t| t.split(|c: char| !is_han(c)))
        .filter(|r| !r.is_empty())
        .collect();
    let t = Instant::now();
    let mut n = 0;
    for r in &runs {
        n += jieba().cut(r, false).len();
    }
    report("jieba cut on Han runs", t.elapsed().as_secs_f64(), n);

    let mut an = analyzer();
    let t = Instant::now();
    let n = count(&mut an, &texts);
    report("full analyzer", t.elapsed().as_secs_f64(), n);

    // The pairs field's analyzer reads the body a second time (`jinan_index::pairs`): what
    // tokenizing once for both fields could save at most.
    let bodies: Vec<&str> = articles.iter().map(|a| a.body.as_str()).collect();
    let mut pairs = jinan_index::pairs::pairs_analyzer();
    let t = Instant::now();
    let n = count(&mut pairs, &bodies);
    report("pairs analyzer (bodies)", t.elapsed().as_secs_f64(), n);

    let mut reference = reference_analyzer();
    let t = Instant::now();
    let n = count(&mut reference, &texts);
    report("tantivy filters (before)", t.elapsed().as_secs_f64(), n);

    let mut def = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::English))
        .build();
    let t = Instant::now();
    let n = count(&mut def, &texts);
    report("tantivy default + stemmer", t.elapsed().as_secs_f64(), n);
    Ok(())
}
