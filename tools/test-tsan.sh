#!/usr/bin/env bash
# The unit tests (the engine's among them: workers, the prefetcher, the progress ticker, and
# their fakes) under ThreadSanitizer: any data race report fails the test. Kept apart from
# tools/test.sh (CI), whose time budget its build (about 2-4 min on two cores) does not fit.
#
#   tools/test-tsan.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
cmake --preset tsan >/dev/null
cmake --build --preset tsan -j "$(nproc)"
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
  ctest --preset tsan -j "${SF2PG_TEST_JOBS:-$((3 * $(nproc)))}"
