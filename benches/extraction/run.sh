#!/usr/bin/env bash
# Extraction benchmark: jinan's extractor, Python trafilatura and the Rust peers (rs-trafilatura,
# the trafilatura crate, dom_smoothie) in one run, on the three development sets (scrapinghub_aeb,
# zh_wced, wcxb_dev), each scored on its tuning part and its aside part (the rule is in
# evaluate.py), WCXB per page type; speed single-threaded, extraction time only, best of
# PREDICT_REPEAT runs; then jinan's speed on the fixture site's articles.
#
# Usage: benches/extraction/run.sh [OUT_DIR]     (from anywhere; needs python3, pip)
# Env:   BENCH_DATA (default: ../shared/benchmarks/extraction next to the repo), PREDICT_REPEAT (3),
#        PEERS (default "rs-trafilatura trafilatura-rs dom_smoothie"; empty to skip them),
#        PREDICT (a prebuilt predict binary, e.g. a copy, so a rebuild during the run changes nothing),
#        SETS (default "aeb wced wcxb")
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DATA="${BENCH_DATA:-$ROOT/../shared/benchmarks/extraction}"
OUT="${1:-$(mktemp -d)}"
PEERS="${PEERS-rs-trafilatura trafilatura-rs dom_smoothie}"
mkdir -p "$OUT"
python3 -c 'import trafilatura' 2>/dev/null || pip install --quiet trafilatura lxml_html_clean
if [ -z "${PREDICT:-}" ]; then
  cargo build --quiet --release -p jinan-extract --example predict --manifest-path "$ROOT/Cargo.toml"
  PREDICT="$ROOT/target/release/examples/predict"
fi
PEER_BIN="$ROOT/benches/extraction/peers/target/release/extraction-peers"
if [ -n "$PEERS" ]; then
  # Its own project, lock file and target: the peers never enter the workspace's graph.
  cargo build --quiet --release --manifest-path "$ROOT/benches/extraction/peers/Cargo.toml"
fi
for set in ${SETS:-aeb wced wcxb}; do
  case $set in
    aeb) dir="$DATA/scrapinghub_aeb" ;;
    wced) dir="$DATA/zh_wced" ;;
    wcxb) dir="$DATA/wcxb_dev" ;;
  esac
  echo "== $set"
  "$PREDICT" "$set" "$dir" "$OUT/jinan_$set.json" 2>"$OUT/jinan_$set.speed"
  python3 "$ROOT/benches/extraction/trafilatura_predict.py" "$set" "$dir" "$OUT/trafilatura_$set.json" \
    2>"$OUT/trafilatura_$set.speed"
  for peer in $PEERS; do
    "$PEER_BIN" "$peer" "$set" "$dir" "$OUT/${peer}_$set.json" 2>"$OUT/${peer}_$set.speed"
  done
  tail -qn1 "$OUT"/*_"$set".speed
done
python3 "$ROOT/benches/extraction/evaluate.py" "$DATA" "$OUT"
echo "== fixture (2000 articles): jinan-extract"
"$PREDICT" fixture 2000 "$OUT/jinan_fixture.json"
echo "predictions in $OUT"
