#!/usr/bin/env bash
# The test command of the README: installs what the tests need, then runs every test of the
# workspace (unit, integration, end-to-end against the fixture site, browser).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Every library, binary and test target (examples and benches are type-checked by clippy in CI and
# run by the benchmark scripts; building and linking them here would only lengthen the run).
cargo test --workspace --lib --bins --tests "$@"
# The examples in the documentation (skipped by the target flags above).
cargo test --workspace --doc "$@"
