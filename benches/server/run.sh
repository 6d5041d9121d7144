#!/bin/sh
# Load benchmark of `jinan-server` (issue 6): wrk, 64 connections, 30 s, over the query mix in
# queries.lua; once on a quiet index and once while a full rebuild of the index runs and is
# swapped in. Usage: benches/server/run.sh [ARTICLES] [DIR]   (default 100000, a temp dir)
set -eu
N=${1:-100000}
DIR=${2:-$(mktemp -d)}
ADDR=127.0.0.1:7791
cd "$(dirname "$0")/../.."
cargo build --release -q -p jinan-server --example bench_server
BIN=target/release/examples/bench_server
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
if [ ! -e "$DIR/CURRENT" ]; then
  echo "indexing $N synthetic articles into $DIR"
  /usr/bin/time -f "index: %e s, %M KB peak" "$BIN" index "$DIR" "$N"
fi
"$BIN" serve "$DIR" "$ADDR" & SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
sleep 2
curl -fsS "http://$ADDR/healthz" >/dev/null
wrk -t2 -c8 -d5s -s benches/server/queries.lua "http://$ADDR" >/dev/null   # warm-up
echo "== quiet index"
wrk -t2 -c64 -d30s --latency -s benches/server/queries.lua "http://$ADDR"
echo "== during a rebuild of the whole index"
"$BIN" rebuild "$DIR" "$N" & REBUILD=$!
wrk -t2 -c64 -d30s --latency -s benches/server/queries.lua "http://$ADDR"
wait $REBUILD
echo "rebuild finished; index generation: $(cat "$DIR/CURRENT")"
