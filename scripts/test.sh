#!/usr/bin/env bash
# The test command of the README: installs what the tests need, then runs every test of the
# workspace (unit, integration, end-to-end against the fixture site, browser).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The end-to-end tests mostly wait (on the fixture site, crawls, servers, browsers, child
# processes) rather than compute: with libtest's default of one test per core the integration
# binary kept 2 cores half busy. Six at a time (integration binary on 2 cores: 510 s with 2,
# 305 s with 6, 291 s with 8). A RUST_TEST_THREADS set by the caller wins.
export RUST_TEST_THREADS="${RUST_TEST_THREADS:-6}"
# Every library, binary and test target (examples and benches are type-checked by clippy in CI and
# run by the benchmark scripts; building and linking them here would only lengthen the run).
cargo test --workspace --lib --bins --tests "$@"
# The examples in the documentation (skipped by the target flags above).
cargo test --workspace --doc "$@"
