#!/usr/bin/env bash
# Builds sf2pg's libFuzzer targets (clang, ASan + UBSan; the fuzz preset) and runs each for a
# bounded time, starting from the corpus kept in tests/fuzz/corpus/<target>/:
#   config     config.json and .env text, PEM keys (src/config/)
#   partition  SQL API response bodies through the result reader and the decoder (src/snowflake/)
# New inputs land in build-fuzz/new/<target>/; a crash leaves its input in build-fuzz/ and
# fails the script.
#
#   tools/fuzz.sh [SECONDS]           each target SECONDS long (default 60)
#   tools/fuzz.sh --merge [SECONDS]   then keep the smallest set of old and new inputs that
#                                     covers as much, as the new corpus
set -euo pipefail
cd "$(dirname "$0")/.."

merge=0
if [[ "${1:-}" == "--merge" ]]; then
  merge=1
  shift
fi
seconds=${1:-60}

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc)"

for target in config partition; do
  corpus=tests/fuzz/corpus/$target
  scratch=build-fuzz/new/$target
  log=build-fuzz/$target.log
  mkdir -p "$scratch"
  echo "=== fuzz: $target for ${seconds}s"
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      "build-fuzz/sf2pg_fuzz_$target" -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="build-fuzz/$target-" \
      "$scratch" "$corpus" >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz: $target found a failure; its input is in build-fuzz/$target-*" >&2
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -n 1)
  echo "fuzz: $target: $runs executions, $cov, $(ls "$scratch" | wc -l) new inputs"
  if [[ $merge -eq 1 ]]; then
    # The smallest set of inputs (kept and new) that reaches the same coverage.
    merged=build-fuzz/merged/$target
    rm -rf "$merged" && mkdir -p "$merged"
    "build-fuzz/sf2pg_fuzz_$target" -set_cover_merge=1 "$merged" "$corpus" "$scratch" >>"$log" 2>&1
    rm -rf "$corpus" && mv "$merged" "$corpus" && rm -rf "$scratch"
    echo "fuzz: $target corpus now $(ls "$corpus" | wc -l) inputs"
  fi
done
