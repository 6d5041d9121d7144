#!/usr/bin/env python3
"""Scores every extractor's predictions on the three development sets, on the tuning part and the
aside part separately, with each set's own metric.

Usage: evaluate.py DATA_DIR OUT_DIR [--markdown]

OUT_DIR holds `<extractor>_<set>.json` predictions ({id: text} or {id: Article}) and, from the
timed runs, `<extractor>_<set>.speed` lines (`pages N bytes B seconds S pages/s P MB/s M`).
Sets: `aeb` (scrapinghub_aeb, score.py shingle F1), `wced` (zh_wced, score.py shingle F1, cjk
tokenizer), `wcxb` (wcxb_dev, the benchmark's bag-of-words F1, also per page type).

The split (the rule, not a list): a page is in the ASIDE part when the SHA-1 of its id (the file
name without `.html`/`.html.gz`, as UTF-8) read as a big-endian integer is divisible by 3; every
other page is in the TUNE part. Tune on TUNE; look at ASIDE only to decide.

Fields (ours only, since the peers' runs time the body only): on wcxb, the share of pages whose
title equals the truth's (whitespace squashed, case kept) and whose date equals `publish_date`
(pages that have one); on zh_wced, dates against `eval/date_ground.json` (day-precision truths).
"""
import collections
import glob
import hashlib
import importlib.util
import json
import os
import re
import sys

SETS = ("aeb", "wced", "wcxb")
EXTRACTORS = ("jinan", "trafilatura", "rs-trafilatura", "trafilatura-rs", "dom_smoothie")


def aside(page_id):
    """The split rule: SHA-1 of the id, as an integer, divisible by 3."""
    return int(hashlib.sha1(page_id.encode("utf-8")).hexdigest(), 16) % 3 == 0


def part_of(page_id):
    return "aside" if aside(page_id) else "tune"


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def text_of(v):
    if isinstance(v, dict):
        return v.get("body") or v.get("text") or ""
    return v or ""


def squash(s):
    return " ".join((s or "").split())


class Scorer:
    def __init__(self, data):
        self.data = data
        self.score = load_module(os.path.join(data, "score.py"), "score")
        self.wcxb = load_module(os.path.join(data, "wcxb_score.py"), "wcxb_score")
        self.truth = {
            "aeb": self.score.load_texts(os.path.join(data, "scrapinghub_aeb", "ground-truth.json")),
            "wced": self.score.load_texts(os.path.join(data, "zh_wced", "eval", "cleaned_ground.json")),
        }
        self.wcxb_truth = self.wcxb.load_truth()
        self.wcxb_fields = {}
        for f in glob.glob(os.path.join(data, "wcxb_dev", "ground-truth", "*.json")):
            gt = json.load(open(f, encoding="utf-8")).get("ground_truth") or {}
            self.wcxb_fields[os.path.basename(f)[:-5]] = gt
        self.wced_dates = self.score.load_texts(os.path.join(data, "zh_wced", "eval", "date_ground.json"))

    def ids(self, s):
        return sorted(self.wcxb_truth) if s == "wcxb" else sorted(self.truth[s])

    def body(self, s, preds, ids):
        """(F1, P, R) with the set's metric over `ids`."""
        if s == "wcxb":
            rows = [self.wcxb.prf(text_of(preds.get(i)), self.wcxb_truth[i]["main"]) for i in ids]
            n = len(rows) or 1
            return tuple(sum(r[k] for r in rows) / n for k in (2, 0, 1))
        truth = {i: self.truth[s][i] for i in ids}
        pred = {i: text_of(preds.get(i)) for i in ids}
        m = self.score.evaluate(truth, pred, "cjk", 4, 0)
        return m["f1"], m["precision"], m["recall"]

    def by_type(self, preds, ids):
        groups = collections.defaultdict(list)
        for i in ids:
            groups[self.wcxb_truth[i]["type"]].append(i)
        return {t: self.body("wcxb", preds, g)[0] for t, g in sorted(groups.items())}

    def lines(self, preds, ids):
        """Structure kept: the share of the truth's lines (headings, list items, table rows,
        paragraphs) that are a whole line of the prediction, averaged over pages."""
        shares = []
        for i in ids:
            want = [squash(l) for l in self.wcxb_truth[i]["main"].split("\n") if l.strip()]
            if not want:
                continue
            got = {squash(l) for l in text_of(preds.get(i)).split("\n")}
            shares.append(sum(w in got for w in want) / len(want))
        return sum(shares) / (len(shares) or 1)

    def fields(self, s, preds, ids):
        """Shares exact: (title or None, date, pages with a date truth)."""
        title = date = dated = 0
        for i in ids:
            v = preds.get(i)
            v = v if isinstance(v, dict) else {}
            if s == "wcxb":
                gt = self.wcxb_fields.get(i, {})
                title += squash(v.get("title")) == squash(gt.get("title"))
                want = (gt.get("publish_date") or "")[:10]
            elif s == "wced":
                raw = self.wced_dates.get(i, "UNKNOWN")
                m = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", raw)
                want = "%s-%02d-%02d" % (m.group(1), int(m.group(2)), int(m.group(3))) if m else ""
            else:
                want = ""
            if want:
                dated += 1
                date += (v.get("date") or "") == want
        share = lambda k, n: k / n if n else float("nan")
        t = share(title, len(ids)) if s == "wcxb" else None
        return t, share(date, dated), dated


def speed(out, name, s):
    try:
        text = open(os.path.join(out, "%s_%s.speed" % (name, s))).read()
        line = [l for l in text.splitlines() if l.startswith("pages ")][-1].split()
        d = dict(zip(line[0::2], line[1::2]))
        return float(d["pages/s"]), float(d["MB/s"])
    except (OSError, KeyError, ValueError, IndexError):
        return None


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        sys.exit(__doc__)
    data, out = args
    sc = Scorer(data)
    lines = ["| set | extractor | F1 tune | F1 aside | F1 all | P all | R all | pages/s | MB/s |",
             "|---|---|---|---|---|---|---|---|---|"]
    types = ["| extractor | part | " + " | ".join(
        t for t in ("article", "collection", "documentation", "forum", "listing", "product", "service")) + " |",
        "|---|---|" + "---|" * 7]
    fields = ["| set | part | title exact | date exact (pages with a date) |", "|---|---|---|---|"]
    structure = ["| extractor | tune | aside |", "|---|---|---|"]
    for s in SETS:
        ids = sc.ids(s)
        parts = {"tune": [i for i in ids if not aside(i)], "aside": [i for i in ids if aside(i)], "all": ids}
        for name in EXTRACTORS:
            path = os.path.join(out, "%s_%s.json" % (name, s))
            if not os.path.exists(path):
                continue
            preds = json.load(open(path, encoding="utf-8"))
            f = {p: sc.body(s, preds, parts[p]) for p in parts}
            sp = speed(out, name, s)
            sps = ("%.1f | %.2f" % sp) if sp else " | "
            lines.append("| %s (%d/%d) | %s | %.3f | %.3f | %.3f | %.3f | %.3f | %s |" % (
                s, len(parts["tune"]), len(parts["aside"]), name, f["tune"][0], f["aside"][0],
                f["all"][0], f["all"][1], f["all"][2], sps))
            if s == "wcxb":
                docs = {p: [i for i in parts[p] if sc.wcxb_truth[i]["type"] == "documentation"] for p in parts}
                structure.append("| %s | %.3f | %.3f |" % (name, sc.lines(preds, docs["tune"]), sc.lines(preds, docs["aside"])))
                for p in ("tune", "aside"):
                    bt = sc.by_type(preds, parts[p])
                    types.append("| %s | %s | %s |" % (name, p, " | ".join("%.3f" % bt.get(t, float("nan")) for t in (
                        "article", "collection", "documentation", "forum", "listing", "product", "service"))))
            if name == "jinan" and s != "aeb":
                for p in ("tune", "aside"):
                    t, d, n = sc.fields(s, preds, parts[p])
                    fields.append("| %s | %s | %s | %.3f (%d) |" % (s, p, "-" if t is None else "%.3f" % t, d, n))
    print("\n".join(lines))
    print()
    print("WCXB F1 per page type:")
    print()
    print("\n".join(types))
    print()
    print("WCXB documentation pages, share of truth lines that are whole lines of the output:")
    print()
    print("\n".join(structure))
    print()
    print("Fields (jinan):")
    print()
    print("\n".join(fields))


if __name__ == "__main__":
    main()
