//! More like this: the articles closest to a given one, by the terms that characterise it (its
//! most distinctive title and body terms, through the same analyzer, so Chinese and English both
//! work), the article itself and its near-identical copies left out.

use jinan_types::{SearchResults, MAX_LIMIT};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, MoreLikeThisQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, OwnedValue};
use tantivy::{TantivyDocument, Term};

use crate::error::{Error, Result};
use crate::fold;
use crate::schema;
use crate::searcher::{to_hit, Searcher};
use crate::snippet;
use crate::tokenizer::positions_analyzer;

/// Terms of the article that make up the query.
const QUERY_TERMS: usize = 30;

impl Searcher {
    /// Up to `limit` articles most like the one at `url` (None when `url` is not indexed).
    pub fn similar(&self, url: &str, limit: usize) -> Result<Option<SearchResults>> {
        if limit == 0 || limit > MAX_LIMIT {
            return Err(Error::Query(format!(
                "limit must be between 1 and {MAX_LIMIT}"
            )));
        }
        let live = self.live();
        let searcher = live.reader.searcher();
        let f = &live.fields;
        let by_url = TermQuery::new(Term::from_field_text(f.url, url), IndexRecordOption::Basic);
        let Some((_, addr)) = searcher
            .search(&by_url, &TopDocs::with_limit(1).order_by_score())?
            .into_iter()
            .next()
        else {
            return Ok(None);
        };
        let d: TantivyDocument = searcher.doc(addr)?;
        let doc = schema::from_tantivy(f, &d)?;
        let common = (searcher.num_docs() / 4).max(2);
        let mlt = MoreLikeThisQuery::builder()
            .with_min_doc_frequency(1)
            .with_max_doc_frequency(common)
            .with_min_term_frequency(1)
            .with_max_query_terms(QUERY_TERMS)
            .with_min_word_length(1)
            .with_document_fields(vec![
                (f.title, vec![OwnedValue::Str(doc.article.title.clone())]),
                (f.body, vec![OwnedValue::Str(doc.article.body.clone())]),
            ]);
        let mut subs: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, Box::new(mlt)),
            (Occur::MustNot, Box::new(by_url)),
        ];
        for copy in fold::near_copies(&searcher, f, addr)? {
            let c: TantivyDocument = searcher.doc(copy)?;
            let c = schema::from_tantivy(f, &c)?;
            subs.push((
                Occur::MustNot,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.url, &c.article.url),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        let query = BooleanQuery::new(subs);
        let (top, total) = searcher.search(
            &query,
            &(TopDocs::with_limit(limit).order_by_score(), Count),
        )?;
        let mut analyzer = positions_analyzer();
        let mut hits = Vec::with_capacity(top.len());
        for (score, a) in top {
            let d: TantivyDocument = searcher.doc(a)?;
            let d = schema::from_tantivy(f, &d)?;
            let snippet = snippet::snippet(&mut analyzer, &[], &d.article.title, &d.article.body);
            hits.push(to_hit(d, score, snippet));
        }
        Ok(Some(SearchResults {
            query: doc.article.url,
            total,
            offset: 0,
            limit,
            hits,
            facets: None,
        }))
    }
}
