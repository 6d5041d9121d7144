//! What the index benchmarks share: the articles they read (one `Article` as JSON per line, as
//! `testsite truth` writes them), the megabytes of text they index, and the documents made of
//! them. Included by each example with `mod shared;`.

#![allow(dead_code)] // each example uses its own part

use std::io::BufRead;

use chrono::{DateTime, Utc};
use jinan_types::{article_id, Article, Document};

/// The articles of a JSON-lines file.
pub fn read_articles(path: &str) -> Result<Vec<Article>, Box<dyn std::error::Error>> {
    let mut articles = Vec::new();
    for line in std::io::BufReader::new(std::fs::File::open(path)?).lines() {
        articles.push(serde_json::from_str::<Article>(&line?)?);
    }
    Ok(articles)
}

/// Megabytes (10^6 bytes) of title and body text: the unit of the indexing throughput figures.
pub fn text_mb(articles: &[Article]) -> f64 {
    articles
        .iter()
        .map(|a| a.title.len() + a.body.len())
        .sum::<usize>() as f64
        / 1e6
}

/// The index document of an article captured at `captured_at`, live and without a digest.
pub fn document(article: Article, captured_at: DateTime<Utc>) -> Document {
    Document {
        id: article_id(&article.url),
        article,
        captured_at,
        deleted_at: None,
        digest: None,
    }
}

/// The articles of a JSON-lines file as documents captured now, and their megabytes of text.
pub fn documents(path: &str) -> Result<(Vec<Document>, f64), Box<dyn std::error::Error>> {
    let articles = read_articles(path)?;
    let mb = text_mb(&articles);
    let now = Utc::now();
    Ok((articles.into_iter().map(|a| document(a, now)).collect(), mb))
}
