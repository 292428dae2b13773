#!/usr/bin/env bash
# Line coverage of src/ by the unit tests alone (no server), per folder, with gcov.
#   tools/coverage.sh              every folder of src/
#   tools/coverage.sh exec run     those folders, and their files
# Builds the `coverage` preset (build-cov/, -O0 --coverage, unit tests only). Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset coverage >/dev/null
cmake --build --preset coverage -j "$(nproc)"
find build-cov -name '*.gcda' -delete
build-cov/sf2pg_tests --gtest_brief=1 >/dev/null 2>&1 ||
  echo "coverage: some unit tests failed (build-cov/sf2pg_tests); the figures count what ran" >&2
python3 tools/coverage_summary.py build-cov "$PWD/src" "$@"
