#!/usr/bin/env python3
"""Compare search answers of two indexes, allowing only the order of hits of equal score.
usage: benches/index/compare.py JINAN IDX_A IDX_B QUERIES (one query per line)

Two indexes of the same articles built by different code must answer alike, but documents are
numbered in the order the two indexing threads happened to take them, so hits of equal score
(or date) may come in another order, and of two tied near-copies either may be the one shown
with the other folded under it. Checked for each query: every hit and its score (`--limit all
--format jsonl`); then at `--limit 50` plain, with `--facets`, `--sort date` and `--live`: the
total, the facets, the sequence of scores (dates), per score (date) the hits and their copies
(all but the last group on the page, which the page cuts), and every hit on both pages field
for field (snippet, copies, ...)."""
import json, os, subprocess, sys
from collections import defaultdict
J, A, B, Q = sys.argv[1:5]
def run(idx, *args):
    return subprocess.run([J, '--index', idx, 'search', *args], capture_output=True, text=True, check=True).stdout
# Indexes built by bench_index stamp every document with the run's time (captured_at), which
# only archive_url shows: NO_ARCHIVE_URL=1 leaves it out.
DROP = ('archive_url',) if os.environ.get('NO_ARCHIVE_URL') else ()
def norm_hit(h):
    h = {k: v for k, v in h.items() if k not in DROP}
    if 'copies' in h:
        h['copies'] = sorted(json.dumps({k: v for k, v in c.items() if k not in DROP}, sort_keys=True) for c in h['copies'])
    return json.dumps(h, sort_keys=True)
checks = bad = 0
copies_seen = 0
for q in [l.rstrip('\n') for l in open(Q) if l.strip()]:
    # every hit (stream): the same URL -> score map
    sa = [json.loads(l) for l in run(A, q, '--format', 'jsonl', '--limit', 'all').splitlines()]
    sb = [json.loads(l) for l in run(B, q, '--format', 'jsonl', '--limit', 'all').splitlines()]
    ma = {h['url']: h['score'] for h in sa}; mb = {h['url']: h['score'] for h in sb}
    checks += 1
    if ma != mb or len(sa) != len(sb):
        bad += 1; print('STREAM DIFF', q, len(sa), len(sb))
    for extra in ([], ['--facets'], ['--sort', 'date'], ['--live']):
        pa = json.loads(run(A, q, '--format', 'json', '--limit', '50', *extra))
        pb = json.loads(run(B, q, '--format', 'json', '--limit', '50', *extra))
        checks += 1
        ok = pa['total'] == pb['total'] and pa.get('facets') == pb.get('facets')
        key = (lambda h: h.get('date')) if '--sort' in extra else (lambda h: h['score'])
        ka = [key(h) for h in pa['hits']]; kb = [key(h) for h in pb['hits']]
        ok = ok and ka == kb
        # groups of equal (score, date) fully inside the page hold the same hits
        # (with their copies: which of two tied copies is shown and which folded under it
        # depends on the order of ties, i.e. on document ids)
        ga = defaultdict(set); gb = defaultdict(set)
        for h in pa['hits']: ga[key(h)].update([h['url']] + [c['url'] for c in h.get('copies', [])])
        for h in pb['hits']: gb[key(h)].update([h['url']] + [c['url'] for c in h.get('copies', [])])
        last = ka[-1] if ka else None
        for k in ga:
            if k != last and ga[k] != gb.get(k):
                ok = False
        # a hit on both pages is the same object (snippet, copies, ...)
        da = {h['url']: norm_hit(h) for h in pa['hits']}; db = {h['url']: norm_hit(h) for h in pb['hits']}
        for u in da.keys() & db.keys():
            if da[u] != db[u]:
                ok = False
        copies_seen += sum(1 for h in pa['hits'] if h.get('copies'))
        if not ok:
            bad += 1; print('PAGE DIFF', q, extra, pa['total'], pb['total'])
print(f'{checks} answers compared, {bad} differ; {copies_seen} hits with copies on the pages')
