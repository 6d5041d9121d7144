"""1,000 mixed search requests for the workbench benchmark (issue 14), as API paths with facets.

usage: python3 queries.py ARTICLES.jsonl [N] > search.paths

Drawn with a fixed seed from the fixture's truth (`testsite truth`), in the mix of
benches/index (crates/index/examples/bench.rs): single terms, two-word AND, two-word phrases,
Chinese words, date-filtered and date-sorted queries; every request asks for facets
(`facets=1`), the exact total and the top-10 snippets, as the search page does.
"""
import json
import random
import re
import sys
from urllib.parse import quote

path = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
en, zh = [], []
with open(path, encoding="utf-8") as f:
    for line in f:
        a = json.loads(line)
        body = a.get("body") or ""
        if not body:
            continue
        (zh if re.search(r"[\u4e00-\u9fff]", body) else en).append(body)
rng = random.Random(0x9E3779B9)
out = []
i = 0
while len(out) < n:
    i += 1
    kind = i % 6
    if kind == 3 and zh:
        runs = re.findall(r"[\u4e00-\u9fff]{2,}", rng.choice(zh))
        if not runs:
            continue
        run = rng.choice(runs)
        k = rng.randrange(len(run) - 1)
        q = run[k:k + rng.choice([2, 2, 3, 4])]
        out.append(f"q={quote(q)}")
        continue
    words = [w.lower() for w in re.findall(r"[A-Za-z]{4,}", rng.choice(en))]
    if len(words) < 3:
        continue
    k = rng.randrange(len(words) - 1)
    w = words[k]
    if kind == 0:
        out.append(f"q={quote(w)}")
    elif kind == 1:
        out.append(f"q={quote(w + ' ' + rng.choice(words))}")
    elif kind == 2:
        out.append(f"q={quote(chr(34) + w + ' ' + words[k + 1] + chr(34))}")
    elif kind == 4:
        y = rng.randrange(2012, 2025)
        out.append(f"q={quote(w)}&from={y}-01-01&to={y + 2}-12-31")
    else:
        out.append(f"q={quote(w)}&sort=date")
for p in out:
    print(f"/api/search?{p}&facets=1")
