#!/bin/sh
# Archive hand-over benchmark (issue 12): `jinan export --format cdxj` against `cdxj-indexer`, and
# `jinan export --format wacz` against `wacz create -d -t` (py-wacz: pages with text, as ours), on
# the same WARC files in the same run. The corpus is a crawl of the fixture (`--no-hazards`).
#
# Usage: benches/archive/run.sh [ARTICLES] [WORKDIR]   (default 100000, a temp dir)
# ONLY=cdxj skips the WACZ pair (wacz create takes minutes).
set -eu
N=${1:-100000}
W=${2:-$(mktemp -d /tmp/jinan-archivebench.XXXXXX)}
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/../.."
mkdir -p "$W"
cargo build --release -q -p jinan -p testsite
[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing: apt-get install -y time" >&2; exit 1; }
TS=$PWD/target/release/testsite
J="$PWD/target/release/jinan --corpus $W/corpus --index $W/index"
echo "work folder: $W" >&2

. "$HERE/../lib/corpus.sh"
fixture_corpus "$N" "$W" "$PWD/target/release/jinan" "$TS"
MB=$(du -bc "$W"/corpus/warc/*.warc.gz | tail -n1 | awk '{ printf "%.1f", $1 / 1e6 }')
echo "corpus: $MB MB of WARC, $(ls "$W"/corpus/warc | wc -l) files; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# t NAME COMMAND...: wall seconds and peak RSS of one run into $W/NAME.time
t() {
  name=$1; shift
  /usr/bin/time -f "%e %M" -o "$W/$name.time" "$@"
  echo "$name: $(cat "$W/$name.time") (s, KiB)" >&2
}
t jinan-cdxj sh -c "$J export --format cdxj > $W/ours.cdxj"
t cdxj-indexer sh -c "cdxj-indexer --sort $W/corpus/warc > $W/theirs.cdxj"
if [ "${ONLY:-}" != cdxj ]; then
  rm -f "$W/ours.wacz" "$W/theirs.wacz"
  t jinan-wacz $J export --format wacz --output "$W/ours.wacz"
  t wacz-create sh -c "wacz create -d -t -o $W/theirs.wacz $W/corpus/warc/*.warc.gz > $W/wacz-create.out"
fi

row() {
  a=$(cut -d' ' -f1 "$W/$1.time"); b=$(cut -d' ' -f1 "$W/$2.time")
  printf '| %s | %s s (%.0f MB/s) | %s s (%.1f MB/s) | %.1fx |\n' "$3" "$a" "$(echo "$MB / $a" | bc -l)" \
    "$b" "$(echo "$MB / $b" | bc -l)" "$(echo "$b / $a" | bc -l)"
}
echo "| $MB MB of WARC | jinan | peer | speed-up |"
echo "|---|---:|---:|---:|"
row jinan-cdxj cdxj-indexer "CDXJ index vs cdxj-indexer 1.5"
[ "${ONLY:-}" = cdxj ] || row jinan-wacz wacz-create "WACZ package vs wacz create -d -t 0.6"
echo "lines: ours $(wc -l < "$W/ours.cdxj"), cdxj-indexer $(wc -l < "$W/theirs.cdxj"); identical: $(cmp -s "$W/ours.cdxj" "$W/theirs.cdxj" && echo yes || echo no)"
