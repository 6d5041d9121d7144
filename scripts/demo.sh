#!/usr/bin/env bash
# The main job on a machine with no network: serve the bundled sample site (the fixture, a
# Hanweb-structured imitation of english.jinan.gov.cn) on loopback, run `jinan ingest` against it
# (crawl into WARC, extract, index), then search it. Data goes to target/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
articles="${ARTICLES:-400}"
cargo build --release --quiet -p jinan -p testsite
demo=target/demo
rm -rf "$demo"; mkdir -p "$demo"
./target/release/testsite serve --articles "$articles" --slow-secs 3 --addr 127.0.0.1:0 > "$demo/site.out" 2> "$demo/site.err" &
site_pid=$!
trap 'kill $site_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q '^listening on ' "$demo/site.out" 2>/dev/null && break
  sleep 0.1
done
base=$(sed -n 's/^listening on //p' "$demo/site.out" | head -n 1)
[ -n "$base" ] || { echo "demo: the sample site did not start" >&2; cat "$demo/site.err" >&2; exit 1; }
echo "demo: sample site of $articles articles at $base" >&2
jinan() { ./target/release/jinan --corpus "$demo/corpus" --index "$demo/index" "$@"; }
jinan ingest --seed "$base" --rate 0 --concurrency 8 --timeout 2
echo
echo '$ jinan search "sister city"'
jinan search "sister city" --limit 3
echo
echo '$ jinan search "Kfar Saba"'
jinan search "Kfar Saba" --limit 3
echo
echo '$ jinan search 泉城 --lang zh'
jinan search 泉城 --lang zh --limit 3
