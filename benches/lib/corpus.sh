# Sourced by the benchmark scripts: one crawl of the fixture site into a corpus, shared by the
# archive and replay benchmarks (so both measure the same WARC files).
#
# fixture_corpus N WORKDIR JINAN TESTSITE: crawl N fixture articles (`--no-hazards`) into
# WORKDIR/corpus and index them into WORKDIR/index, unless WORKDIR/corpus/warc already exists.
fixture_corpus() {
  n=$1; w=$2; jinan=$3; ts=$4
  [ -d "$w/corpus/warc" ] && return 0
  "$ts" serve --articles "$n" --no-hazards --addr 127.0.0.1:0 > "$w/site.out" 2>&1 &
  site=$!
  i=0
  until url=$(grep -o 'http://[^ ]*/' "$w/site.out" 2>/dev/null | head -n1) && [ -n "$url" ]; do
    i=$((i + 1)); [ $i -lt 100 ] || { echo "fixture server did not start" >&2; kill $site; exit 1; }
    sleep 0.1
  done
  "$jinan" --corpus "$w/corpus" --index "$w/index" crawl --seed "$url" --rate 0 --concurrency 16 > "$w/crawl.out"
  kill $site; wait $site 2>/dev/null || true
  "$jinan" --corpus "$w/corpus" --index "$w/index" index > "$w/index.out"
}

# wait_listening LOGFILE PATTERN: poll a server's log until it prints its address (100 s at most).
wait_listening() {
  i=0
  until grep -q "$2" "$1" 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 1000 ] || { echo "server never announced itself: $(cat "$1")" >&2; exit 1; }
    sleep 0.1
  done
}

# wait_captures ADDR: poll a jinan server until its capture index is loaded (replay answers
# something other than 503), so that loading it in the background does not compete with the
# requests measured (60 s at most).
wait_captures() {
  i=0
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "$1/web/2000/http://loaded.invalid/")" != 503 ]; do
    i=$((i + 1)); [ $i -lt 600 ] || { echo "jinan never loaded its capture index" >&2; exit 1; }
    sleep 0.1
  done
}

# serve_uncached JINAN WORKDIR: `jinan serve --cache 0` on a free port over WORKDIR/corpus and
# WORKDIR/index, killed when the script exits; sets SERVER (its pid) and ADDR (http://host:port)
# once it listens and its capture index is loaded.
serve_uncached() {
  "$1" --corpus "$2/corpus" --index "$2/index" serve --cache 0 --addr 127.0.0.1:0 2> "$2/serve.log" &
  SERVER=$!
  trap 'kill $SERVER 2>/dev/null || true' EXIT
  wait_listening "$2/serve.log" "serving http://"
  ADDR=$(grep -o 'http://[^/ ]*' "$2/serve.log" | head -n1)
  wait_captures "$ADDR"
}
