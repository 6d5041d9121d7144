#!/usr/bin/env python3
# usage: python3 benches/server/cmp_tie.py PATHS N PORT_A PORT_B
"""Compare API answers of two servers over different builds of the same corpus: total, facets,
and the hits as (score, url) with ties in any order (the last score group of the page may hold
different members)."""
import json, sys, urllib.request, collections
paths=[l.strip() for l in open(sys.argv[1]) if l.startswith('/api/')][:int(sys.argv[2])]
pa,pb=sys.argv[3],sys.argv[4]
def get(p,port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{p}") as r: return json.load(r)
same=diff=0
for p in paths:
    a,b=get(p,pa),get(p,pb)
    ok = a['total']==b['total'] and a.get('facets')==b.get('facets') and len(a['hits'])==len(b['hits'])
    if ok and a['hits']:
        def key(h):  # sorted by date: ties are same-date hits
            return round(h['score'],5) if 'sort=date' not in p else h.get('date')
        def groups(hits):
            g=collections.defaultdict(set)
            for h in hits:
                g[key(h)].add(h['url']); g[key(h)].update(c['url'] for c in h.get('copies',[]))
            return g
        ka=[key(h) for h in a['hits']]; kb=[key(h) for h in b['hits']]
        last=ka[-1]
        ga,gb=groups(a['hits']),groups(b['hits'])
        ok = ka==kb and all(ga[k]==gb[k] for k in ga if k!=last)
        if ok and 'sort=date' in p:
            ok = sorted(round(h['score'],5) for h in a['hits'] if key(h)!=last)==sorted(round(h['score'],5) for h in b['hits'] if key(h)!=last)
    if ok: same+=1
    else:
        diff+=1
        if diff<=5: print("DIFF",p,a['total'],b['total'])
print(f"{len(paths)} API answers: {same} equal up to ties, {diff} differ")
