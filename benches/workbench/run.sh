#!/bin/sh
# Research workbench benchmark (issue 14), on the 100,000-article fixture corpus, release build,
# answer cache off (`serve --cache 0`), one run:
# - search with facets, the year chart, the exact total and top-10 snippets: the 1,000 mixed
#   requests of queries.py, one connection (`wrk -c1`: each figure is one request's latency);
# - `/api/trend` of 5 queries by month, one connection;
# - `jinan search Q --limit all --format jsonl` of two queries matching about 43% of the articles
#   and of one matching about 5%: hits/s and peak RSS (`/usr/bin/time`), to show memory does not
#   grow with the result size.
#
# Usage: [REBUILD=0] benches/workbench/run.sh [ARTICLES] [WORKDIR] [DURATION]   (default 100000, a temp dir, 20s)
set -eu
N=${1:-100000}
W=${2:-$(mktemp -d /tmp/jinan-workbench.XXXXXX)}
D=${3:-20s}
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/../.."
mkdir -p "$W"
cargo build --release -q -p jinan -p testsite
J=$PWD/target/release/jinan
TS=$PWD/target/release/testsite
. "$HERE/../lib/corpus.sh"
fixture_corpus "$N" "$W" "$J" "$TS"
# The index as this version builds it (near-duplicate fingerprints and all); REBUILD=0 keeps the
# one already in WORKDIR (to rerun the queries alone).
if [ "${REBUILD:-1}" != 0 ]; then
  "$J" --corpus "$W/corpus" --index "$W/index" index --rebuild > "$W/rebuild.out"
fi
"$TS" truth --articles "$N" > "$W/truth.jsonl"
python3 "$HERE/queries.py" "$W/truth.jsonl" 1000 > "$W/search.paths"
printf '/api/trend?q=spring&q=delegation&q=%%E6%%B3%%89%%E5%%9F%%8E&q=%%22sister+city%%22&q=investment&interval=month\n' > "$W/trend.paths"

serve_uncached "$J" "$W"
curl -sf "$ADDR$(head -n1 "$W/search.paths")" | python3 -c 'import json,sys; j=json.load(sys.stdin); assert "facets" in j, "no facets in the answer"'
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for name in search trend; do
  PATHS="$W/$name.paths" wrk -t1 -c1 -d3s -s benches/replay/replay.lua "$ADDR" > /dev/null
  printf '%s ' "$name"
  PATHS="$W/$name.paths" wrk -t1 -c1 -d"$D" --latency -s benches/replay/replay.lua "$ADDR" | grep '^SUMMARY'
done
kill $SERVER; wait $SERVER 2>/dev/null || true

# Full result sets through the CLI.
for q in '"with spring"' 'delegation' 'forum -delegation'; do
  /usr/bin/time -f "%e %M" -o "$W/all.time" sh -c "\"$J\" --index \"$W/index\" search '$q' --limit all --format jsonl | wc -l > \"$W/all.count\""
  set -- $(cat "$W/all.time")
  hits=$(cat "$W/all.count")
  printf 'limit-all q=%s hits=%s seconds=%s hits_per_s=%.0f peak_rss_mib=%.0f\n' "$q" "$hits" "$1" "$(echo "$hits / $1" | bc -l)" "$(echo "$2 / 1024" | bc -l)"
done
