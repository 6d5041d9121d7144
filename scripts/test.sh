#!/usr/bin/env bash
# The test command of the README: installs what the tests need, then runs every test of the
# workspace (unit, integration, end-to-end against the fixture site, browser).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec cargo test --workspace --all-targets "$@"
