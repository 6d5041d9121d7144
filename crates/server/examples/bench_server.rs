//! Load-benchmark helper for `jinan-server` (used by `benches/server/run.sh`):
//!
//! * `bench_server index DIR N [ARTICLES.jsonl]` writes N articles into a fresh index in DIR;
//! * `bench_server rebuild DIR N [ARTICLES.jsonl]` builds the next generation of the same N
//!   articles and swaps it in, as `jinan index --rebuild` does (to measure serving while a
//!   rebuild runs);
//! * `bench_server serve DIR ADDR` serves DIR until Ctrl-C.
//!
//! With ARTICLES.jsonl (Article JSON a line, e.g. `testsite truth --articles N`) the first N
//! articles of the file are indexed: realistic prose, so terms are as selective as on the site.
//! Without it the text is generated here from a 43-word vocabulary (about 3 KB each, English and
//! Chinese, 2010-2025, five columns): every common word is in most documents, which makes each
//! query score most of the index, far heavier than real articles.

use std::path::Path;
use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use jinan_types::{article_id, Article, Document, Lang};

const EN: &[&str] = &[
    "jinan",
    "city",
    "springs",
    "delegation",
    "sister",
    "friendship",
    "culture",
    "festival",
    "lake",
    "mountain",
    "investment",
    "trade",
    "students",
    "university",
    "exchange",
    "museum",
    "river",
    "technology",
    "industry",
    "visit",
    "mayor",
    "province",
    "shandong",
    "park",
    "history",
    "tourism",
    "railway",
    "airport",
    "forum",
    "cooperation",
    "economy",
    "heritage",
    "science",
    "health",
    "marathon",
    "winter",
    "summer",
    "market",
    "music",
    "opera",
    "garden",
    "temple",
    "bridge",
];
const ZH: &[&str] = &[
    "济南",
    "泉城",
    "友好城市",
    "代表团",
    "文化",
    "交流",
    "合作",
    "趵突泉",
    "大明湖",
    "千佛山",
    "经济",
    "旅游",
    "历史",
    "科技",
    "产业",
    "投资",
    "大学",
    "学生",
    "博物馆",
    "黄河",
    "章丘区",
    "莱芜区",
    "泉水节",
];
const COLUMNS: &[&str] = &[
    "Sisterly Jinan",
    "A World City",
    "Loving Jinan",
    "Best Urban Life",
    "Zoom In",
];

/// xorshift64*: enough randomness for synthetic prose, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

fn article(i: u64) -> Document {
    let mut rng = Rng(i.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let zh = i.is_multiple_of(4);
    let words = if zh { ZH } else { EN };
    let sep = if zh { "" } else { " " };
    let mut body = String::new();
    while body.len() < 3000 {
        for _ in 0..(8 + rng.next() % 10) {
            body.push_str(rng.pick(words));
            body.push_str(sep);
        }
        body.push_str(if zh { "。" } else { ".\n\n" });
    }
    let title: Vec<&str> = (0..6).map(|_| rng.pick(words)).collect();
    let year = 2010 + (i % 16) as i32;
    let date = NaiveDate::from_ymd_opt(year, 1 + (i % 12) as u32, 1 + (i % 28) as u32);
    let url = format!(
        "http://english.jinan.gov.cn/art/{year}/1/1/art_{}_{i}.html",
        30000 + i % 5
    );
    Document {
        id: article_id(&url),
        article: Article {
            url,
            title: title.join(sep),
            date,
            source: Some("english.jinan.gov.cn".into()),
            column: Some(COLUMNS[(i % 5) as usize].into()),
            lang: if zh { Lang::Zh } else { Lang::En },
            body,
        },
        captured_at: Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap(),
        deleted_at: None,
        digest: None,
    }
}

/// Articles from a JSON-lines file, as documents.
fn from_file(path: &str, n: u64) -> Result<Vec<Document>, Box<dyn std::error::Error>> {
    use std::io::BufRead;
    let file = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut docs = Vec::new();
    for line in file.lines().take(n as usize) {
        let article: Article = serde_json::from_str(&line?)?;
        docs.push(Document {
            id: article_id(&article.url),
            article,
            captured_at: Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap(),
            deleted_at: None,
            digest: None,
        });
    }
    Ok(docs)
}

fn fill(
    mut w: jinan_index::Writer,
    n: u64,
    file: Option<&[Document]>,
) -> jinan_index::Result<jinan_index::Writer> {
    let n = file.map_or(n, |f| f.len() as u64);
    for i in 0..n {
        match file {
            Some(docs) => w.upsert(&docs[i as usize])?,
            None => w.upsert(&article(i))?,
        }
        if (i + 1).is_multiple_of(20_000) {
            w.commit("{}")?;
            eprintln!("{} articles", i + 1);
        }
    }
    w.commit("{}")?;
    Ok(w)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: bench_server index DIR N [ARTICLES.jsonl] | rebuild DIR N [ARTICLES.jsonl] | serve DIR ADDR";
    let (cmd, dir) = match (args.get(1), args.get(2)) {
        (Some(c), Some(d)) => (c.as_str(), Path::new(d)),
        _ => return Err(usage.into()),
    };
    let arg3 = args.get(3).ok_or(usage)?;
    let docs = match (cmd, args.get(4)) {
        ("index" | "rebuild", Some(path)) => Some(from_file(path, arg3.parse()?)?),
        _ => None,
    };
    let docs = docs.as_deref();
    match cmd {
        "index" => drop(fill(jinan_index::Writer::open(dir)?, arg3.parse()?, docs)?),
        "rebuild" => {
            fill(jinan_index::Writer::create_next(dir)?, arg3.parse()?, docs)?.publish()?
        }
        "serve" => {
            let cfg = jinan_server::ServerConfig {
                index_dir: dir.to_path_buf(),
                corpus_dir: dir.join("no-corpus"),
                addr: arg3.parse()?,
                stats: Arc::new(|| Ok(serde_json::json!({}))),
                // CACHE=0 measures every request searched afresh.
                cache_entries: std::env::var("CACHE")
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(jinan_server::CACHED_ANSWERS),
            };
            jinan_server::serve(cfg, |_| {}, async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        }
        _ => return Err(usage.into()),
    }
    Ok(())
}
