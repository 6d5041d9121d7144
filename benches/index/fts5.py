#!/usr/bin/env python3
"""SQLite FTS5 baseline for the jinan-index benchmark (see RESULTS.md).

Builds an FTS5 index of the same articles (text pre-segmented by the Python `jieba` package,
English stemmed by FTS5's porter tokenizer) and runs the same 1,000 queries (queries.jsonl written
by `cargo run --release -p jinan-index --example bench`), each with a total count and snippets of the
top 10, as the Rust side does.

usage: python3 fts5.py ARTICLES.jsonl WORK_DIR
"""
import json
import os
import sqlite3
import statistics
import sys
import time

import jieba

jieba.setLogLevel(60)


def seg(text):
    return " ".join(w for w in jieba.cut(text) if w.strip())


def main():
    articles_path, work = sys.argv[1], sys.argv[2]
    db_path = os.path.join(work, "fts5.sqlite")
    if os.path.exists(db_path):
        os.remove(db_path)
    jieba.initialize()

    # Articles are read, segmented and inserted one at a time (a million of them do not fit in
    # memory twice). Wall and CPU seconds are both kept: CPU seconds stay fair when the machine is
    # shared.
    stats = {"articles": 0, "bytes": 0, "seg_secs": 0.0}

    def rows():
        for line in open(articles_path, encoding="utf-8"):
            a = json.loads(line)
            stats["articles"] += 1
            stats["bytes"] += len(a["title"].encode()) + len(a["body"].encode())
            t = time.perf_counter()
            row = (a["url"], seg(a["title"]), seg(a["body"]), a.get("date"))
            stats["seg_secs"] += time.perf_counter() - t
            yield row

    t0, c0 = time.perf_counter(), time.process_time()
    db = sqlite3.connect(db_path)
    db.execute("CREATE VIRTUAL TABLE a USING fts5(url UNINDEXED, title, body, date UNINDEXED, tokenize='porter unicode61')")
    db.executemany("INSERT INTO a(url, title, body, date) VALUES (?, ?, ?, ?)", rows())
    db.commit()
    index_secs = time.perf_counter() - t0
    index_cpu_secs = time.process_time() - c0
    mb = stats["bytes"] / 1e6
    seg_secs = stats["seg_secs"]

    queries = [json.loads(line) for line in open(os.path.join(work, "queries.jsonl"), encoding="utf-8")]

    def fts_query(q):
        if q["kind"] == "chinese":
            return '"' + " ".join(w for w in jieba.cut(q["q"]) if w.strip()) + '"'
        if q["phrase"]:
            return '"' + " ".join(q["words"]) + '"'
        return " ".join('"%s"' % w for w in q["words"])

    def run(q):
        match = fts_query(q)
        where, args = "a MATCH ?", [match]
        if q.get("from"):
            where += " AND date >= ? AND date <= ?"
            args += [q["from"], q["to"]]
        order = "date DESC" if q["sort_date"] else "rank"
        total = db.execute(f"SELECT count(*) FROM a WHERE {where}", args).fetchone()[0]
        rows = db.execute(
            f"SELECT url, title, date, snippet(a, 2, '<b>', '</b>', '…', 30) FROM a WHERE {where} ORDER BY {order} LIMIT 10",
            args,
        ).fetchall()
        return total, rows

    for q in queries[:100]:
        run(q)
    lat, cpu, by_kind, with_hits = [], [], {}, 0
    for q in queries:
        t, c = time.perf_counter(), time.process_time()
        total, _ = run(q)
        ms = (time.perf_counter() - t) * 1e3
        cpu.append((time.process_time() - c) * 1e3)
        with_hits += total > 0
        lat.append(ms)
        by_kind.setdefault(q["kind"], []).append(ms)

    def pct(v, p):
        v = sorted(v)
        return v[round((len(v) - 1) * p)]

    print(json.dumps({
        "articles": stats["articles"],
        "text_mb": mb,
        "jieba_segment_secs": seg_secs,
        "index_secs_including_segmentation": index_secs,
        "index_cpu_secs": index_cpu_secs,
        "index_mb_per_s": mb / index_secs,
        "index_bytes": os.path.getsize(db_path),
        "queries": len(lat),
        "queries_with_hits": with_hits,
        "query_p50_ms": pct(lat, 0.5),
        "query_p99_ms": pct(lat, 0.99),
        "query_mean_ms": statistics.mean(lat),
        "query_cpu_p50_ms": pct(cpu, 0.5),
        "query_cpu_p99_ms": pct(cpu, 0.99),
        "by_kind": {k: {"n": len(v), "p50_ms": pct(v, 0.5), "p99_ms": pct(v, 0.99)} for k, v in sorted(by_kind.items())},
    }, indent=2))


if __name__ == "__main__":
    main()
