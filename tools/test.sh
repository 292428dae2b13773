#!/usr/bin/env bash
# Runs every sf2pg test on a fresh machine: installs the packages, checks the formatting, builds
# the normal and the ASan + UBSan configurations, runs the unit and integration tests in both,
# the Step Functions tests and a benchmark smoke run, and fuzzes the config loader and the
# partition decoder. tools/test-tsan.sh runs the unit tests under ThreadSanitizer (not in CI).
# ctest runs the tests in parallel; the integration tests share one throwaway PostgreSQL cluster
# (see tests/CMakeLists.txt) and start their own emulators, and all of it is removed afterwards.
#
#   tools/test.sh            everything
#   tools/test.sh --fast     the normal build only (no sanitizer builds, no fuzzing)
#
# SF2PG_TEST_JOBS sets ctest's parallelism (default: 3 per core, as most integration tests wait
# on processes), SF2PG_ASAN_TEST_JOBS the sanitizer build's (default the same),
# SF2PG_FUZZ_SECONDS the fuzzing time per target (default 10; tools/fuzz.sh runs longer ones).
set -euo pipefail
cd "$(dirname "$0")/.."

fast=0
[[ "${1:-}" == "--fast" ]] && fast=1

tools/setup.sh
tools/format.sh --check
jobs=$(nproc)
test_jobs=${SF2PG_TEST_JOBS:-$((3 * jobs))}

phase() { echo "=== $* ($(date -u +%H:%M:%S))"; }

build() {
  local preset=$1
  phase "build: $preset"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
}

# Every test suite of a binary must be a ctest entry, or have its tests as entries of their own
# (tests/CMakeLists.txt registers one per suite, from the TEST lines of each folder listed
# there): compares the binary's own list of suites with ctest's entries under the binary's
# label.
check_registered() {
  local dir=$1 binary=$2 label=$3
  local missing
  missing=$(comm -23 \
    <("$dir/$binary" --gtest_list_tests | grep '^[^ ].*\.$' | sed 's/\.$//; s#^.*/##' | sort -u) \
    <(ctest --test-dir "$dir" -N -L "^$label\$" | sed -n 's/^ *Test *#[0-9]*: .*\///p' |
      sed 's/\..*//' | sort -u))
  if [[ -n "$missing" ]]; then
    echo "test: suites of $binary that ctest does not run under '$label'" \
      "(a folder missing from tests/CMakeLists.txt?):" $missing >&2
    exit 1
  fi
}

run_tests() {
  local preset=$1 dir=$2
  shift 2
  phase "test: $preset"
  check_registered "$dir" sf2pg_tests unit
  if [[ $# -eq 0 ]]; then  # the integration tests too
    check_registered "$dir" sf2pg_integration_tests integration
    local label
    for label in chaos lambda slow; do
      if [[ $(ctest --test-dir "$dir" -N -L "^$label\$" | sed -n 's/^Total Tests: //p') -eq 0 ]]; then
        echo "test: no test carries the label '$label'" >&2
        exit 1
      fi
    done
  fi
  ctest --preset "$preset" -j "$test_jobs" "$@"
}

build default
if [[ $fast -eq 0 ]]; then
  # The sanitizer builds compile while the normal build's tests, the Step Functions tests and
  # the bench smoke run, under SCHED_IDLE: they get the CPU time those leave idle (processes
  # waiting on each other, on timeouts, on PostgreSQL). The tests run slower beside them (on two
  # cores: 114 s alone, about 190 s), but the builds then cost only what is left of them, about
  # 30-60 s instead of about 180 s.
  phase "build: asan, in the background at idle priority (log: build-asan/build.log)"
  cmake --preset asan >/dev/null
  idle=(chrt --idle 0)
  chrt --idle 0 true 2>/dev/null || idle=(nice -n 19)  # where SCHED_IDLE is not allowed
  setsid "${idle[@]}" cmake --build --preset asan -j "$jobs" >build-asan/build.log 2>&1 &
  asan_build=$!
  trap 'kill -- "-$asan_build" 2>/dev/null || true' EXIT  # a failed test stops the build
fi
run_tests default build
phase "Step Functions: deploy/test/run.sh"
deploy/test/run.sh  # Step Functions definitions, template, package and Lambda end to end
phase "bench smoke: bench/run --rows 2000 --quick"
bench/run --rows 2000 --quick --out build/bench-smoke.md --work build/bench-smoke
if [[ $fast -eq 0 ]]; then
  phase "build: asan (waiting for the background build)"
  if ! wait "$asan_build"; then
    tail -n 100 build-asan/build.log >&2
    echo "test: the asan build failed (build-asan/build.log)" >&2
    exit 1
  fi
  # Under the sanitizers every process runs several times slower, and on a loaded machine a
  # test that bounds real time (a Lambda timeout, a deadline, a second process joining a run)
  # can miss its bound. Tests that fail in the parallel pass run again one at a time, named in
  # the log; a test that fails alone fails the build.
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  if ! test_jobs=${SF2PG_ASAN_TEST_JOBS:-$test_jobs} run_tests asan build-asan; then
    phase "test: asan, the failed tests again, one at a time"
    ctest --test-dir build-asan --rerun-failed -N | grep 'Test *#' || true
    ctest --preset asan --rerun-failed -j 1
  fi
  phase "fuzz"
  tools/fuzz.sh "${SF2PG_FUZZ_SECONDS:-10}"  # config loader and partition decoder, bounded
fi
phase "all tests passed"
