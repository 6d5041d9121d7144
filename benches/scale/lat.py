#!/usr/bin/env python3
# usage: python3 benches/scale/lat.py HOST PORT PATHS [REPEATS] [SHOW]: each request alone, sequentially; the best of REPEATS per request.
"""Time each request of a paths file against a server, sequentially; print slowest and percentiles."""
import sys, time, http.client, statistics, json
host, port = sys.argv[1], int(sys.argv[2])
paths = [l.strip() for l in open(sys.argv[3]) if l.strip()]
reps = int(sys.argv[4]) if len(sys.argv) > 4 else 1
c = http.client.HTTPConnection(host, port)
res = {}
for r in range(reps):
    for p in paths:
        t = time.perf_counter()
        c.request("GET", p)
        resp = c.getresponse(); body = resp.read()
        d = (time.perf_counter() - t) * 1000
        res.setdefault(p, []).append(d)
best = sorted(((min(v), p) for p, v in res.items()), reverse=True)
allv = sorted(min(v) for v in res.values())
n = len(allv)
print(f"n={n} p50={allv[n//2]:.1f} p90={allv[int(n*.9)]:.1f} p99={allv[int(n*.99)]:.1f} max={allv[-1]:.1f}")
for d, p in best[:int(sys.argv[5]) if len(sys.argv) > 5 else 30]:
    print(f"{d:7.1f} {p}")
