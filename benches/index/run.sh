#!/usr/bin/env bash
# Index/search benchmark: jinan-index against SQLite FTS5 on the same fixture articles.
# usage: benches/index/run.sh [ARTICLES] (default 100000); needs `pip install jieba`.
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-100000}"
WORK="${WORK:-/tmp/jinan-index-bench}"
mkdir -p "$WORK"
cargo build --release -q -p testsite -p jinan-index --example bench
[ -s "$WORK/articles-$N.jsonl" ] || target/release/testsite truth --articles "$N" > "$WORK/articles-$N.jsonl"
echo "== jinan-index"; target/release/examples/bench "$WORK/articles-$N.jsonl" "$WORK"
echo "== sqlite fts5"; python3 benches/index/fts5.py "$WORK/articles-$N.jsonl" "$WORK"
