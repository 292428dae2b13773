#!/usr/bin/env bash
# Builds sf2pg's libFuzzer targets (clang, ASan + UBSan; in the asan preset's build) and runs
# them side by side for a bounded time, starting from the corpus kept in
# tests/fuzz/corpus/<target>/:
#   config     config.json and .env text, PEM keys (src/config/)
#   partition  SQL API response bodies through the result reader and the decoder (src/snowflake/)
# New inputs land in build-asan/fuzz/new/<target>/; a crash leaves its input in
# build-asan/fuzz/ and fails the script.
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

cmake --preset asan >/dev/null
cmake --build --preset asan -j "$(nproc)" --target sf2pg_fuzz_config sf2pg_fuzz_partition

out=build-asan/fuzz
targets=(config partition)

# One target: fuzzes, then reports (and with --merge, rewrites its corpus). Its output goes to
# $out/<target>.log.
fuzz() {
  local target=$1
  local corpus=tests/fuzz/corpus/$target scratch=$out/new/$target log=$out/$target.log
  mkdir -p "$scratch"
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      "build-asan/sf2pg_fuzz_$target" -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/$target-" \
      "$scratch" "$corpus" >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz: $target found a failure; its input is in $out/$target-*" >&2
    return 1
  fi
  local runs cov
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -n 1)
  echo "fuzz: $target: $runs executions, $cov, $(ls "$scratch" | wc -l) new inputs"
  if [[ $merge -eq 1 ]]; then
    # The smallest set of inputs (kept and new) that reaches the same coverage.
    local merged=$out/merged/$target
    rm -rf "$merged" && mkdir -p "$merged"
    "build-asan/sf2pg_fuzz_$target" -set_cover_merge=1 "$merged" "$corpus" "$scratch" >>"$log" 2>&1
    rm -rf "$corpus" && mv "$merged" "$corpus" && rm -rf "$scratch"
    echo "fuzz: $target corpus now $(ls "$corpus" | wc -l) inputs"
  fi
}

mkdir -p "$out"
echo "=== fuzz: ${targets[*]} for ${seconds}s, side by side"
pids=()
for target in "${targets[@]}"; do
  fuzz "$target" &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do
  wait "$pid" || failed=1
done
exit $failed
