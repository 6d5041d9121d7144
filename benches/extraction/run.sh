#!/usr/bin/env bash
# Extraction benchmark: jinan's extractor next to trafilatura, in the same run, on the development
# halves of the two public benchmarks (quality with score.py, speed single-threaded, extraction
# time only, best of PREDICT_REPEAT runs), plus jinan's speed on the fixture site's articles.
#
# Usage: benches/extraction/run.sh [OUT_DIR]     (from anywhere; needs python3, pip)
# Env:   BENCH_DATA (default: ../shared/benchmarks/extraction next to the repo), PREDICT_REPEAT (3)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DATA="${BENCH_DATA:-$ROOT/../shared/benchmarks/extraction}"
OUT="${1:-$(mktemp -d)}"
mkdir -p "$OUT"
python3 -c 'import trafilatura' 2>/dev/null || pip install --quiet trafilatura lxml_html_clean
cargo build --quiet --release -p jinan-extract --example predict --manifest-path "$ROOT/Cargo.toml"
PREDICT="$ROOT/target/release/examples/predict"
score() { python3 "$DATA/score.py" "$1" "$2" | tail -1; }
for set in aeb wced; do
  case $set in
    aeb) dir="$DATA/scrapinghub_aeb"; truth="$dir/ground-truth.json" ;;
    wced) dir="$DATA/zh_wced"; truth="$dir/eval/cleaned_ground.json" ;;
  esac
  echo "== $set: jinan-extract"
  "$PREDICT" "$set" "$dir" "$OUT/jinan_$set.json"
  score "$truth" "$OUT/jinan_$set.json"
  echo "== $set: trafilatura $(python3 -c 'import trafilatura; print(trafilatura.__version__)')"
  python3 "$ROOT/benches/extraction/trafilatura_predict.py" "$set" "$dir" "$OUT/trafilatura_$set.json"
  score "$truth" "$OUT/trafilatura_$set.json"
done
echo "== fixture (2000 articles): jinan-extract"
"$PREDICT" fixture 2000 "$OUT/jinan_fixture.json"
echo "predictions in $OUT"
