#!/bin/sh
# Replay benchmark (issue 13): `jinan serve` against pywb (`wayback`, pip) on the same WARC files
# in the same run, `wrk -t2 -c16` over the same 2,000 random captures of the fixture corpus, twice:
# the framed page (`/web/<ts>/<url>`: banner + sandboxed frame; pywb: `/<coll>/<ts>/<url>`, its
# default framed replay) and the archived document rewritten (`mp_`). pywb reads our CDXJ export
# as its index (its own `wb-manager add` gives the same lines, tests/archive.rs; indexing 100,000
# captures in Python would only lengthen the run). The answer cache is irrelevant: replay is not
# cached.
#
# Usage: benches/replay/run.sh [ARTICLES] [WORKDIR] [DURATION]   (default 100000, a temp dir, 20s)
set -eu
N=${1:-100000}
W=${2:-$(mktemp -d /tmp/jinan-replaybench.XXXXXX)}
D=${3:-20s}
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/../.."
mkdir -p "$W"
cargo build --release -q -p jinan -p testsite
for t in wrk wayback wb-manager; do
  command -v $t >/dev/null || { echo "$t is missing (apt-get install wrk; pip install pywb)" >&2; exit 1; }
done
J=$PWD/target/release/jinan
. "$HERE/../lib/corpus.sh"
fixture_corpus "$N" "$W" "$J" "$PWD/target/release/testsite"
echo "work folder: $W; $(ls "$W"/corpus/warc | wc -l) WARC files" >&2

"$J" --corpus "$W/corpus" export --format cdxj > "$W/index.cdxj"
# 2,000 random captures of archived pages (HTML answers 200, revisits included), fixed seed.
python3 - "$W" <<'PY'
import json, random, sys
w = sys.argv[1]
caps = []
with open(f"{w}/index.cdxj", encoding="utf-8") as f:
    for line in f:
        _, ts, blob = line.split(" ", 2)
        j = json.loads(blob)
        if j.get("mime", "").startswith("text/html") and j.get("status") in ("200", None) or j.get("mime") == "warc/revisit":
            caps.append((ts, j["url"]))
random.seed(13)
pick = random.sample(caps, min(2000, len(caps)))
for name, fmt in [("jinan-frame", "/web/{ts}/{url}"), ("jinan-mp", "/web/{ts}mp_/{url}"),
                  ("pywb-frame", "/bench/{ts}/{url}"), ("pywb-mp", "/bench/{ts}mp_/{url}")]:
    with open(f"{w}/{name}.paths", "w", encoding="utf-8") as out:
        for ts, url in pick:
            out.write(fmt.format(ts=ts, url=url) + "\n")
print(f"{len(caps)} captures, {len(pick)} picked", file=sys.stderr)
PY

# pywb: a collection of the same WARC files (linked, not copied) with our index.
rm -rf "$W/pywb"; mkdir -p "$W/pywb"
(cd "$W/pywb" && wb-manager init bench > /dev/null)
for f in "$W"/corpus/warc/*.warc.gz; do ln -s "$f" "$W/pywb/collections/bench/archive/"; done
cp "$W/index.cdxj" "$W/pywb/collections/bench/indexes/index.cdxj"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$W/pywb" && exec wayback -b 127.0.0.1 -p "$PORT" > "$W/pywb.log" 2>&1) &
PYWB=$!
"$J" --corpus "$W/corpus" --index "$W/index" serve --addr 127.0.0.1:0 2> "$W/serve.log" &
JINAN=$!
trap 'kill $PYWB $JINAN 2>/dev/null || true' EXIT
wait_listening "$W/serve.log" "serving http://"
ADDR=$(grep -o 'http://[^/ ]*' "$W/serve.log" | head -n1)
i=0
until curl -sf -o /dev/null "http://127.0.0.1:$PORT/bench/"; do
  i=$((i + 1)); [ $i -lt 600 ] || { echo "pywb never answered: $(cat "$W/pywb.log")" >&2; exit 1; }
  sleep 0.1
done

# jinan reads its capture index at start (a 503 until then): wait for it, as for pywb.
wait_captures "$ADDR"
# Every sampled capture answers 200 in both (a check of the comparison, not of speed).
for name in jinan-mp pywb-mp; do
  case $name in jinan*) base=$ADDR ;; *) base=http://127.0.0.1:$PORT ;; esac
  bad=$(head -n 50 "$W/$name.paths" | while read -r p; do curl -s -o /dev/null -w '%{http_code}\n' "$base$p"; done | grep -vc '^200$' || true)
  [ "$bad" = 0 ] || echo "warning: $bad of 50 $name captures did not answer 200" >&2
done

run() {  # run NAME BASE: warm-up, then the measured wrk run; prints NAME and the SUMMARY line
  PATHS="$W/$1.paths" wrk -t2 -c4 -d3s -s benches/replay/replay.lua "$2" > /dev/null
  printf '%s ' "$1"
  PATHS="$W/$1.paths" wrk -t2 -c16 -d"$D" --latency -s benches/replay/replay.lua "$2" | grep '^SUMMARY'
}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
run jinan-frame "$ADDR"
run pywb-frame "http://127.0.0.1:$PORT"
run jinan-mp "$ADDR"
run pywb-mp "http://127.0.0.1:$PORT"
