#!/bin/sh
# Load benchmark of `jinan-server` (issue 6): wrk, 64 connections, 30 s, over the query mix in
# queries.lua; once on a quiet index and once while a full rebuild of the index runs and is
# swapped in. Usage: benches/server/run.sh [N] [DIR] [fixture|synthetic]   (default 100000, a temp
# dir, fixture). `fixture` indexes the fixture site's first N articles (`testsite truth`, realistic
# prose); `synthetic` bench_server's own 43-word-vocabulary text (every query matches most
# documents: a worst case, not the site).
# Each wrk run ends with a SUMMARY line (requests/s, p50/p99 ms, errors by kind; queries.lua).
set -eu
N=${1:-100000}
DIR=${2:-$(mktemp -d)}
KIND=${3:-fixture}
ADDR=${ADDR:-127.0.0.1:7791}
DURATION=${DURATION:-30s}
cd "$(dirname "$0")/../.."
cargo build --release -q -p jinan-server --example bench_server
BIN=target/release/examples/bench_server
ARTICLES=
if [ "$KIND" = fixture ]; then
  ARTICLES=$DIR.articles.jsonl
  if [ ! -s "$ARTICLES" ]; then
    cargo build --release -q -p testsite
    target/release/testsite truth --base http://english.jinan.gov.cn/ --articles "$N" > "$ARTICLES"
  fi
fi
command -v wrk >/dev/null || { echo "wrk is missing: apt-get update && apt-get install -y wrk" >&2; exit 1; }
if [ ! -e "$DIR/CURRENT" ]; then
  echo "indexing $N $KIND articles into $DIR"
  /usr/bin/time -f "index: %e s wall, %U s user, %S s sys, %M KB peak" "$BIN" index "$DIR" "$N" $ARTICLES
fi
echo "index size: $(du -sm "$DIR" | cut -f1) MiB, generation $(cat "$DIR/CURRENT")"
start_server() {  # $1: answers cached (0 = off)
  CACHE=$1 "$BIN" serve "$DIR" "$ADDR" & SERVER=$!
  i=0
  until curl -fsS "http://$ADDR/healthz" >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -lt 100 ] || { echo "server did not start" >&2; exit 1; }
    sleep 0.2
  done
}
trap 'kill $SERVER 2>/dev/null || true' EXIT
start_server 4096
wrk -t2 -c8 -d5s -s benches/server/queries.lua "http://$ADDR" >/dev/null   # warm-up
echo "== repeated mix (queries.lua), answer cache on: the default (load: $(cut -d' ' -f1-3 /proc/loadavg))"
wrk -t2 -c64 -d"$DURATION" --latency -s benches/server/queries.lua "http://$ADDR"
echo "== the same during a rebuild of the whole index (load: $(cut -d' ' -f1-3 /proc/loadavg))"
/usr/bin/time -f "rebuild: %e s wall, %U s user, %S s sys, %M KB peak" "$BIN" rebuild "$DIR" "$N" $ARTICLES & REBUILD=$!
wrk -t2 -c64 -d"$DURATION" --latency -s benches/server/queries.lua "http://$ADDR"
echo "wrk finished; waiting for the rebuild"
wait $REBUILD
echo "rebuild finished; index generation: $(cat "$DIR/CURRENT")"
curl -fsS "http://$ADDR/api/search?q=springs" | head -c 300; echo
kill $SERVER; wait $SERVER 2>/dev/null || true
# Every request searched afresh: 2,000 distinct searches and pages, answer cache off.
[ -n "$ARTICLES" ] || exit 0   # (the synthetic text has no articles file to draw them from)
VARIED=$DIR.varied.lua
python3 benches/server/varied.py "${ARTICLES:-/dev/null}" 2000 > "$VARIED"
start_server 0
wrk -t2 -c8 -d5s -s "$VARIED" "http://$ADDR" >/dev/null   # warm-up (page cache, thread pools)
echo "== 2,000 distinct requests (varied.lua), answer cache off (load: $(cut -d' ' -f1-3 /proc/loadavg))"
wrk -t2 -c64 -d"$DURATION" --latency -s "$VARIED" "http://$ADDR"
