#!/usr/bin/env bash
# Runs every sf2pg test on a fresh machine: installs the packages, builds the normal and the
# sanitizer (ASan + UBSan) configurations, runs the unit and integration tests in both, and
# fuzzes the config loader and the partition decoder for a minute each.
# The tests start their own PostgreSQL clusters and emulators and remove them afterwards.
#
#   tools/test.sh            everything
#   tools/test.sh --fast     the normal build only (no sanitizer build, no fuzzing)
set -euo pipefail
cd "$(dirname "$0")/.."

fast=0
[[ "${1:-}" == "--fast" ]] && fast=1

tools/setup.sh
jobs=$(nproc)

run_preset() {
  local preset=$1
  echo "=== build: $preset"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "=== test: $preset"
  ctest --preset "$preset" -j 1
}

run_preset default
deploy/test/run.sh  # Step Functions definitions, template, package and Lambda end to end
echo "=== bench smoke: bench/run --rows 2000 --quick"
bench/run --rows 2000 --quick --out build/bench-smoke.md --work build/bench-smoke
if [[ $fast -eq 0 ]]; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_preset asan
  tools/fuzz.sh "${SF2PG_FUZZ_SECONDS:-60}"  # config loader and partition decoder, bounded
fi
echo "=== all tests passed"
