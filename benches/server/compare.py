#!/usr/bin/env python3
"""Fetches the same requests from two servers and says whether their answers are identical.

usage: python3 compare.py PATHS N PORT_A PORT_B

PATHS is `varied.py --paths` output (one path a line); the first N are fetched from 127.0.0.1:PORT_A
and 127.0.0.1:PORT_B. API answers that differ only in scores rounded to 4 places are counted apart
(float noise); the first five real differences are written to /tmp/diff_a_K and /tmp/diff_b_K.
"""
import json
import sys
import urllib.error
import urllib.request

paths = [l.strip() for l in open(sys.argv[1], encoding="utf-8") if l.startswith("/")]
paths = paths[: int(sys.argv[2])]
port_a, port_b = sys.argv[3], sys.argv[4]


def get(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def rounded(answer):
    for hit in answer.get("hits", []):
        hit["score"] = round(hit["score"], 4)
    return answer


same = noise = differ = 0
for path in paths:
    a, b = get(port_a, path), get(port_b, path)
    if a == b:
        same += 1
        continue
    if a[0] == b[0] and path.startswith("/api/"):
        if rounded(json.loads(a[1])) == rounded(json.loads(b[1])):
            noise += 1
            continue
    differ += 1
    if differ <= 5:
        print("DIFF", path, a[0], b[0], len(a[1]), len(b[1]))
        open(f"/tmp/diff_a_{differ}", "wb").write(a[1])
        open(f"/tmp/diff_b_{differ}", "wb").write(b[1])
print(f"{len(paths)} requests: {same} byte-identical, {noise} differ only in score float noise, {differ} differ")
