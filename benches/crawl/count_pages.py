"""Counts what a crawl captured, for the crawler benchmark (issue 3): responses, and article pages
answered 200 that are in the fixture's ground truth (`testsite truth`, one Article JSON a line).

  python3 count_pages.py truth.jsonl warc CORPUS_DIR/warc     # jinan: gzipped WARC files
  python3 count_pages.py truth.jsonl jsonl OUT.jsonl.gz        # Scrapy: gzipped JSON lines

Prints one JSON object: responses, ok_responses, articles (distinct truth articles captured with
200), truth (articles in the truth), missing (a few truth paths not captured).
"""

import gzip
import json
import os
import sys
from urllib.parse import urlsplit


def truth_paths(path):
    with open(path, encoding="utf-8") as f:
        return {urlsplit(json.loads(line)["url"]).path for line in f if line.strip()}


def warc_responses(folder):
    """(target URI, HTTP status) of every WARC response record in the folder."""
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".warc.gz"):
            continue
        with gzip.open(os.path.join(folder, name), "rb") as f:
            while True:
                line = f.readline()
                if not line:
                    break
                if not line.startswith(b"WARC/"):
                    continue
                headers = {}
                while True:
                    h = f.readline()
                    if h in (b"\r\n", b"\n", b""):
                        break
                    k, _, v = h.decode("utf-8", "replace").partition(":")
                    headers[k.strip().lower()] = v.strip()
                block = f.read(int(headers.get("content-length", "0")))
                if headers.get("warc-type") != "response":
                    continue
                status_line = block.split(b"\r\n", 1)[0].split()
                status = int(status_line[1]) if len(status_line) > 1 and status_line[1].isdigit() else 0
                yield headers.get("warc-target-uri", ""), status


def jsonl_responses(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                item = json.loads(line)
                yield item["url"], item["status"]


def main():
    truth_file, kind, where = sys.argv[1:4]
    truth = truth_paths(truth_file)
    rows = warc_responses(where) if kind == "warc" else jsonl_responses(where)
    responses = ok = 0
    got = set()
    for url, status in rows:
        responses += 1
        if status == 200:
            ok += 1
            p = urlsplit(url).path
            if p in truth:
                got.add(p)
    print(json.dumps({
        "responses": responses,
        "ok_responses": ok,
        "articles": len(got),
        "truth": len(truth),
        "missing": sorted(truth - got)[:5],
    }))


if __name__ == "__main__":
    main()
