#!/bin/sh
# Crawler benchmark (issue 3): `jinan crawl` against Scrapy (with our spider, hanweb_spider.py) on
# the same fixture site, same concurrency, no rate limit, robots obeyed, both writing what they
# fetch (jinan: gzipped WARC; Scrapy: gzipped JSON lines, one item per response). Each crawler gets
# a fresh fixture server so the server's own CPU can be measured per crawl.
#
# Usage: benches/crawl/run.sh [ARTICLES] [CONCURRENCY] [WORKDIR]   (default 20000, 16, a temp dir)
# Prints the figures table (report.py); everything else stays in WORKDIR.
set -eu
N=${1:-20000}
C=${2:-16}
W=${3:-$(mktemp -d /tmp/jinan-crawlbench.XXXXXX)}
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/../.."
mkdir -p "$W"
cargo build --release -q -p jinan -p testsite
python3 -c 'import scrapy' 2>/dev/null || pip install -q scrapy
[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing: apt-get install -y time" >&2; exit 1; }
TS=$PWD/target/release/testsite
J=$PWD/target/release/jinan
TICK=$(getconf CLK_TCK)
SITE=

echo "work folder: $W" >&2
"$TS" truth --base http://127.0.0.1:1/ --articles "$N" > "$W/truth.jsonl"

start_site() {
  "$TS" serve --articles "$N" --no-hazards --addr 127.0.0.1:0 > "$W/$1.site.out" 2>&1 &
  SITE=$!
  i=0
  until URL=$(grep -o 'http://[^ ]*/' "$W/$1.site.out" 2>/dev/null | head -n1) && [ -n "$URL" ]; do
    i=$((i + 1)); [ $i -lt 100 ] || { echo "fixture server did not start" >&2; exit 1; }
    sleep 0.1
  done
}

# CPU seconds (user+sys) the fixture server has used so far.
site_cpu() { awk -v t="$TICK" '{ printf "%.2f\n", ($14 + $15) / t }' "/proc/$SITE/stat"; }

stop_site() { kill "$SITE" 2>/dev/null || true; wait "$SITE" 2>/dev/null || true; SITE=; }
trap 'stop_site' EXIT

# run NAME COMMAND...: runs one crawl under /usr/bin/time -v and records wall time and server CPU.
run() {
  name=$1; shift
  before=$(site_cpu)
  t0=$(date +%s.%N)
  /usr/bin/time -v -o "$W/$name.time" "$@" > "$W/$name.stdout" 2> "$W/$name.stderr"
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l > "$W/$name.wall"
  echo "$(site_cpu) - $before" | bc -l > "$W/$name.site_cpu"
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
start_site jinan
rm -rf "$W/corpus" "$W/index"
echo "jinan: $J --corpus $W/corpus --index $W/index crawl --seed $URL --rate 0 --concurrency $C --format json" >&2
run jinan "$J" --corpus "$W/corpus" --index "$W/index" crawl --seed "$URL" --rate 0 --concurrency "$C" --format json
stop_site
python3 "$HERE/count_pages.py" "$W/truth.jsonl" warc "$W/corpus/warc" > "$W/jinan.count.json"

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
start_site scrapy
rm -f "$W/scrapy.jsonl.gz"
echo "scrapy: python3 $HERE/hanweb_spider.py $URL $W/scrapy.jsonl.gz $C" >&2
run scrapy python3 "$HERE/hanweb_spider.py" "$URL" "$W/scrapy.jsonl.gz" "$C"
stop_site
python3 "$HERE/count_pages.py" "$W/truth.jsonl" jsonl "$W/scrapy.jsonl.gz" > "$W/scrapy.count.json"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

echo "jinan summary: $(cat "$W/jinan.stdout")" >&2
echo "jinan counts: $(cat "$W/jinan.count.json")" >&2
echo "scrapy counts: $(cat "$W/scrapy.count.json")" >&2
echo "output sizes: jinan WARC $(du -sm "$W/corpus/warc" | cut -f1) MiB, scrapy JSONL.gz $(du -m "$W/scrapy.jsonl.gz" | cut -f1) MiB" >&2
python3 "$HERE/report.py" "$W"
