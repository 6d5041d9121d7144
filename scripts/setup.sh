#!/usr/bin/env bash
# Installs what the tests need beyond the Rust toolchain: Python's warcio (WARC read-back checks)
# and Debian's chromium + chromedriver (the search page's browser test). Idempotent and quiet when
# everything is already there.
set -euo pipefail

if ! python3 -c 'import warcio' 2>/dev/null; then
  echo "setup: installing warcio (pip)" >&2
  python3 -m pip install --quiet --disable-pip-version-check warcio
fi

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  echo "setup: installing chromium and chromium-driver (apt)" >&2
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
fi
