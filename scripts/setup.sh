#!/usr/bin/env bash
# Installs what the tests need beyond the Rust toolchain: Python's warcio, pywb, cdxj-indexer and
# wacz (the standard WARC tools the archive is checked with), opensearch-py, feedparser and Debian's chromium + chromedriver
# with a CJK font (the search page's and replay's browser tests; Chinese pages render). Idempotent
# and quiet when everything is there.
set -euo pipefail

# warcio (read-back and `warcio check`), pywb (replay), cdxj-indexer (index comparison), wacz
# (py-wacz: `wacz validate`), opensearch-py (the `_bulk` export and the README's mapping),
# feedparser (the Atom feed of saved searches).
need=""
python3 -c 'import warcio' 2>/dev/null || need="$need warcio"
python3 -c 'import pywb' 2>/dev/null || need="$need pywb"
python3 -c 'import cdxj_indexer' 2>/dev/null || need="$need cdxj-indexer"
python3 -c 'import wacz' 2>/dev/null || need="$need wacz"
python3 -c 'import opensearchpy' 2>/dev/null || need="$need opensearch-py"
python3 -c 'import feedparser' 2>/dev/null || need="$need feedparser"
if [ -n "$need" ]; then
  echo "setup: installing$need (pip)" >&2
  # shellcheck disable=SC2086
  python3 -m pip install --quiet --disable-pip-version-check $need
fi

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1 \
  || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
  echo "setup: installing chromium, chromium-driver and fonts-noto-cjk (apt)" >&2
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-noto-cjk >/dev/null
fi
