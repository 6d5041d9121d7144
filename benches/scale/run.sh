#!/bin/sh
# Scale benchmark (issue 16): N fixture articles (default 1,000,000) written straight into WARC
# (`warc_corpus`, as a crawl would store them), then, release build:
# - `jinan index` from empty: wall time, CPU, peak RSS, index size, MB/s of WARC read;
# - the 1,000 mixed search requests of benches/workbench/queries.py (facets, exact totals, top-10
#   snippets), answer cache off, one connection (`wrk -c1`: each figure one request's latency);
# - `jinan index --rebuild` while wrk keeps sending the same mix (one SUMMARY line per DURATION
#   until the new generation is in place: errors and latency meanwhile), then the mix again.
#
# Usage: [JINAN=… TESTSITE=… WARC_CORPUS=…] benches/scale/run.sh [ARTICLES] [WORKDIR] [DURATION]   (default 1000000, a temp dir, 20s)
# Steps already done in WORKDIR are kept (the corpus, the index): delete them to redo.
set -eu
N=${1:-1000000}
W=${2:-$(mktemp -d /tmp/jinan-scale.XXXXXX)}
D=${3:-20s}
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/../.."
mkdir -p "$W"
# JINAN, TESTSITE, WARC_CORPUS name prebuilt binaries (e.g. a copy kept while the tree changes);
# without them the release build of this tree is used.
if [ -z "${JINAN:-}" ] || [ -z "${TESTSITE:-}" ] || [ -z "${WARC_CORPUS:-}" ]; then
  cargo build --release -q -p jinan -p testsite --example warc_corpus
fi
J=${JINAN:-$PWD/target/release/jinan}
TS=${TESTSITE:-$PWD/target/release/testsite}
WC=${WARC_CORPUS:-$PWD/target/release/examples/warc_corpus}
. "$HERE/../lib/corpus.sh"
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }
if [ ! -d "$W/corpus/warc" ]; then
  /usr/bin/time -f "warc_corpus: %e s wall, %U s user, %S s sys, %M KB peak" \
    "$WC" "$N" "$W/corpus"
fi
echo "corpus: $(du -sm "$W/corpus/warc" | cut -f1) MiB of WARC"
if [ ! -e "$W/index/CURRENT" ]; then
  echo "load before indexing: $(cut -d' ' -f1-3 /proc/loadavg)"
  /usr/bin/time -f "index: %e s wall, %U s user, %S s sys, %M KB peak" \
    "$J" --corpus "$W/corpus" --index "$W/index" index > "$W/index.out"
  cat "$W/index.out"
fi
echo "index: $(du -sm "$W/index" | cut -f1) MiB"
[ -s "$W/truth.jsonl" ] || "$TS" truth --articles "$N" > "$W/truth.jsonl"
python3 benches/workbench/queries.py "$W/truth.jsonl" 1000 > "$W/search.paths"

serve_uncached "$J" "$W"
PATHS="$W/search.paths" wrk -t1 -c1 -d3s -s benches/replay/replay.lua "$ADDR" > /dev/null
echo "load before the queries: $(cut -d' ' -f1-3 /proc/loadavg)"
printf 'search '
PATHS="$W/search.paths" wrk -t1 -c1 -d"$D" --latency -s benches/replay/replay.lua "$ADDR" | grep '^SUMMARY'
# The rebuild, with the same mix running until it is done.
/usr/bin/time -f "rebuild: %e s wall, %U s user, %S s sys, %M KB peak" \
  "$J" --corpus "$W/corpus" --index "$W/index" index --rebuild > "$W/rebuild.out" &
REBUILD=$!
while kill -0 $REBUILD 2>/dev/null; do
  printf 'search during the rebuild '
  PATHS="$W/search.paths" wrk -t1 -c1 -d"$D" --latency -s benches/replay/replay.lua "$ADDR" | grep '^SUMMARY'
done
wait $REBUILD
echo "index after the rebuild: $(du -sm "$W/index" | cut -f1) MiB, generation $(cat "$W/index/CURRENT")"
printf 'search after the rebuild '
PATHS="$W/search.paths" wrk -t1 -c1 -d"$D" --latency -s benches/replay/replay.lua "$ADDR" | grep '^SUMMARY'
