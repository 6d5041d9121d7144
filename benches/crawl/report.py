"""Turns the files a benches/crawl/run.sh run leaves in its work folder into the figures table
(markdown on stdout): per crawler wall time, pages/s, CPU seconds per 1,000 pages, peak RSS, the
fixture server's CPU, and the jinan/scrapy ratios.

Usage: python3 report.py WORKDIR
"""

import json
import os
import re
import sys


def time_v(path):
    """user, sys (s) and peak RSS (KiB) from a `/usr/bin/time -v` report."""
    text = open(path, encoding="utf-8").read()
    num = lambda label: float(re.search(re.escape(label) + r":\s*([\d.]+)", text).group(1))
    return num("User time (seconds)"), num("System time (seconds)"), num("Maximum resident set size (kbytes)")


def side(work, name):
    user, sys_, rss = time_v(os.path.join(work, name + ".time"))
    wall = float(open(os.path.join(work, name + ".wall")).read())
    counts = json.load(open(os.path.join(work, name + ".count.json")))
    site_cpu = float(open(os.path.join(work, name + ".site_cpu")).read())
    pages = counts["responses"]
    cpu = user + sys_
    return {
        "wall": wall, "user": user, "sys": sys_, "cpu": cpu, "rss_mib": rss / 1024,
        "pages": pages, "articles": counts["articles"], "truth": counts["truth"],
        "pages_s": pages / wall, "articles_s": counts["articles"] / wall,
        "cpu_per_1k": 1000 * cpu / pages, "site_cpu": site_cpu,
    }


def main():
    work = sys.argv[1]
    j, s = side(work, "jinan"), side(work, "scrapy")
    rows = [
        ("responses archived (pages)", "pages", "{:.0f}"),
        ("truth articles captured (200)", "articles", "{:.0f}"),
        ("wall time, s", "wall", "{:.1f}"),
        ("pages/s", "pages_s", "{:.0f}"),
        ("articles/s", "articles_s", "{:.0f}"),
        ("CPU user+sys, s", "cpu", "{:.1f}"),
        ("CPU s per 1,000 pages", "cpu_per_1k", "{:.2f}"),
        ("peak RSS, MiB", "rss_mib", "{:.0f}"),
        ("fixture server CPU during the crawl, s", "site_cpu", "{:.1f}"),
    ]
    print("| | jinan | scrapy | jinan/scrapy |")
    print("|---|---:|---:|---:|")
    for label, key, fmt in rows:
        ratio = j[key] / s[key] if s[key] else float("nan")
        print(f"| {label} | {fmt.format(j[key])} | {fmt.format(s[key])} | {ratio:.2f} |")
    speed = j["pages_s"] / s["pages_s"]
    cpu = j["cpu_per_1k"] / s["cpu_per_1k"]
    print()
    print(f"Targets: pages/s >= 3x Scrapy: {speed:.2f}x ({'met' if speed >= 3 else 'NOT met'}); "
          f"CPU per page <= 1/5 of Scrapy's: {cpu:.2f} ({'met' if cpu <= 0.2 else 'NOT met'}). "
          f"Articles: jinan {j['articles']}, scrapy {s['articles']} of {j['truth']}.")


if __name__ == "__main__":
    main()
