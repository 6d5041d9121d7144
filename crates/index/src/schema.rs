//! The tantivy schema of a generation, the conversion between [`Document`] and tantivy documents,
//! and the schema version file that lets an old index be detected instead of misread.

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use jinan_types::{Article, Document, Lang};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, INDEXED, STORED,
    STRING,
};
use tantivy::TantivyDocument;

use crate::error::{Error, Result};
use crate::pairs::PAIRS_ANALYZER_NAME;
use crate::tokenizer::ANALYZER_NAME;

/// Bump whenever the schema or the analysis changes: older indexes are then refused with
/// [`Error::SchemaMismatch`] and must be rebuilt.
pub const SCHEMA_VERSION: u32 = 3;

/// File in each generation directory holding [`SCHEMA_VERSION`].
pub const SCHEMA_FILE: &str = "jinan-schema-version";

/// Field handles of the schema.
#[derive(Debug, Clone)]
pub struct Fields {
    pub url: Field,
    pub id: Field,
    pub title: Field,
    pub body: Field,
    /// Days since 1970-01-01 (i64), fast, for ranges and sorting.
    pub date: Field,
    pub column: Field,
    pub lang: Field,
    pub source: Field,
    pub captured_at: Field,
    pub deleted_at: Field,
    /// 1 when `deleted_at` is set (indexed, for `live`).
    pub deleted: Field,
    pub digest: Field,
    /// Near-duplicate band keys of the body ([`crate::dups`]); none for short bodies.
    pub dupband: Field,
    /// The body's adjacent token pairs, for phrase queries ([`crate::pairs`]); not stored.
    pub pairs: Field,
}

/// Name of the body's pair field.
pub const PAIRS: &str = "body_pairs";

/// Name of the near-duplicate band field.
pub const DUPBAND: &str = "dupband";

/// Names of the fields a user may scope a query to.
pub const QUERY_FIELDS: &[&str] = &["title", "body"];

/// Builds the schema and its field handles.
pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_stored().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER_NAME)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        url: b.add_text_field("url", STRING | STORED),
        id: b.add_text_field("id", STRING | STORED),
        title: b.add_text_field("title", text.clone()),
        body: b.add_text_field("body", text),
        date: b.add_i64_field("date", INDEXED | FAST | STORED),
        column: b.add_text_field("column", STRING | FAST | STORED),
        lang: b.add_text_field("lang", STRING | FAST | STORED),
        source: b.add_text_field("source", STORED),
        captured_at: b.add_date_field("captured_at", FAST | STORED),
        deleted_at: b.add_date_field("deleted_at", STORED),
        deleted: b.add_u64_field("deleted", INDEXED | FAST),
        digest: b.add_text_field("digest", STORED),
        dupband: b.add_u64_field(DUPBAND, INDEXED | FAST),
        pairs: b.add_text_field(
            PAIRS,
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(PAIRS_ANALYZER_NAME)
                    .set_fieldnorms(false)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            ),
        ),
    };
    (b.build(), fields)
}

/// Field handles of an existing schema (which must be ours).
pub fn fields_of(schema: &Schema) -> Result<Fields> {
    let f = |name: &str| {
        schema.get_field(name).map_err(|_| Error::SchemaMismatch {
            found: 0,
            expected: SCHEMA_VERSION,
        })
    };
    Ok(Fields {
        url: f("url")?,
        id: f("id")?,
        title: f("title")?,
        body: f("body")?,
        date: f("date")?,
        column: f("column")?,
        lang: f("lang")?,
        source: f("source")?,
        captured_at: f("captured_at")?,
        deleted_at: f("deleted_at")?,
        deleted: f("deleted")?,
        digest: f("digest")?,
        dupband: f(DUPBAND)?,
        pairs: f(PAIRS)?,
    })
}

/// Writes the schema version file of a new generation.
pub fn write_version(gen_dir: &Path) -> Result<()> {
    let path = gen_dir.join(SCHEMA_FILE);
    std::fs::write(&path, format!("{SCHEMA_VERSION}\n")).map_err(|e| Error::io(&path, e))
}

/// Checks the schema version file of a generation. A generation folder without the file is of
/// the schema before versions were written (version 0); a folder that is gone altogether was
/// removed by a writer between a reader's look at `CURRENT` and its open, which is an I/O error
/// (the reader reads `CURRENT` again), not a schema to rebuild.
pub fn check_version(gen_dir: &Path) -> Result<()> {
    let path = gen_dir.join(SCHEMA_FILE);
    let found = match std::fs::read_to_string(&path) {
        Ok(s) => s.trim().parse::<u32>().unwrap_or(0),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !gen_dir.is_dir() => {
            return Err(Error::io(gen_dir, e))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
        Err(e) => return Err(Error::io(&path, e)),
    };
    if found == SCHEMA_VERSION {
        Ok(())
    } else {
        Err(Error::SchemaMismatch {
            found,
            expected: SCHEMA_VERSION,
        })
    }
}

const EPOCH: NaiveDate = match NaiveDate::from_ymd_opt(1970, 1, 1) {
    Some(d) => d,
    None => panic!("valid date"),
};

/// A date as stored in the `date` field.
pub fn date_to_days(d: NaiveDate) -> i64 {
    d.signed_duration_since(EPOCH).num_days()
}

/// The inverse of [`date_to_days`].
pub fn days_to_date(days: i64) -> Option<NaiveDate> {
    EPOCH.checked_add_signed(chrono::Duration::try_days(days)?)
}

/// Year and month (1-12) of a stored day, by integer arithmetic alone (the proleptic Gregorian
/// calendar, as chrono; the civil-from-days method): cheap enough to run once per matching
/// document when counting periods.
pub fn year_month_of_days(days: i64) -> (i64, u32) {
    let z = days + 719_468; // days from 0000-03-01
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // day of the 400-year era, 0..=146096
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of the March-based year
    let mp = (5 * doy + 2) / 153; // month from March, 0..=11
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month)
}

fn to_tantivy_date(t: DateTime<Utc>) -> tantivy::DateTime {
    tantivy::DateTime::from_timestamp_micros(t.timestamp_micros())
}

fn from_tantivy_date(t: tantivy::DateTime) -> Option<DateTime<Utc>> {
    DateTime::<Utc>::from_timestamp_micros(t.into_timestamp_micros())
}

/// The tantivy document for `doc`.
pub fn to_tantivy(f: &Fields, doc: &Document) -> TantivyDocument {
    let a = &doc.article;
    let mut d = TantivyDocument::new();
    d.add_text(f.url, &a.url);
    d.add_text(f.id, &doc.id);
    d.add_text(f.title, &a.title);
    d.add_text(f.body, &a.body);
    d.add_text(f.pairs, &a.body);
    if let Some(date) = a.date {
        d.add_i64(f.date, date_to_days(date));
    }
    if let Some(c) = &a.column {
        d.add_text(f.column, c);
    }
    d.add_text(f.lang, a.lang.as_str());
    if let Some(s) = &a.source {
        d.add_text(f.source, s);
    }
    d.add_date(f.captured_at, to_tantivy_date(doc.captured_at));
    if let Some(t) = doc.deleted_at {
        d.add_date(f.deleted_at, to_tantivy_date(t));
    }
    d.add_u64(f.deleted, u64::from(doc.deleted_at.is_some()));
    if let Some(s) = &doc.digest {
        d.add_text(f.digest, s);
    }
    for band in crate::dups::fingerprint(&a.body).into_iter().flatten() {
        d.add_u64(f.dupband, band);
    }
    d
}

fn text(d: &TantivyDocument, field: Field) -> Option<String> {
    d.get_first(field)
        .and_then(|v| v.as_str().map(str::to_string))
}

/// The [`Document`] stored in a tantivy document.
pub fn from_tantivy(f: &Fields, d: &TantivyDocument) -> Result<Document> {
    let url = text(d, f.url).ok_or_else(|| Error::Corrupt("stored document without url".into()))?;
    let captured_at = d
        .get_first(f.captured_at)
        .and_then(|v| v.as_datetime())
        .and_then(from_tantivy_date)
        .ok_or_else(|| Error::Corrupt(format!("stored document {url} without capture time")))?;
    let lang = match text(d, f.lang).as_deref() {
        Some("zh") => Lang::Zh,
        _ => Lang::En,
    };
    Ok(Document {
        id: text(d, f.id).unwrap_or_else(|| jinan_types::article_id(&url)),
        article: Article {
            title: text(d, f.title).unwrap_or_default(),
            date: d
                .get_first(f.date)
                .and_then(|v| v.as_i64())
                .and_then(days_to_date),
            source: text(d, f.source),
            column: text(d, f.column),
            lang,
            body: text(d, f.body).unwrap_or_default(),
            url,
        },
        captured_at,
        deleted_at: d
            .get_first(f.deleted_at)
            .and_then(|v| v.as_datetime())
            .and_then(from_tantivy_date),
        digest: text(d, f.digest),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    #[test]
    fn a_removed_generation_is_not_an_old_schema() {
        // A reader that read CURRENT just before a writer removed that generation must retry
        // (an I/O error), not tell the user to rebuild (seen in CI: "schema version 0").
        let tmp = tempfile::tempdir().unwrap();
        let gone = tmp.path().join("gen-7");
        assert!(matches!(check_version(&gone), Err(Error::Io { .. })));
        let old = tmp.path().join("gen-8");
        std::fs::create_dir(&old).unwrap();
        assert!(matches!(
            check_version(&old),
            Err(Error::SchemaMismatch { found: 0, .. })
        ));
        write_version(&old).unwrap();
        check_version(&old).unwrap();
    }

    #[test]
    fn year_and_month_of_a_day_agree_with_chrono() {
        // Every day of about 4,400 years around the epoch (leap centuries, negative days), and
        // the ends of what a stored date can be.
        let far = date_to_days(NaiveDate::MAX);
        let near = date_to_days(NaiveDate::MIN);
        for days in (-800_000..800_000)
            .chain(near..near + 800)
            .chain(far - 800..=far)
        {
            let d = days_to_date(days).unwrap();
            assert_eq!(
                year_month_of_days(days),
                (i64::from(d.year()), d.month()),
                "{days} = {d}"
            );
        }
    }
}
