#!/usr/bin/env bash
# The long chaos runs, beyond what CI has time for: a migration of 1,000,000 rows (4 workers)
# killed with SIGKILL at 20 random moments and resumed each time; the same migration with
# sfemu injecting 429, 500, 503, resets and truncated gzip bodies on 5 % of requests each; and
# a 5-minute soak of one Lambda process with faults on; and 200 random operation sequences
# (sequence_test.cc) from a random base seed. Each ends with a row-by-row comparison (or, for
# the soak, flat memory and file descriptors) and prints its figures.
#
#   tests/integration/chaos/long.sh          needs a built tree (cmake --build --preset default)
#   SF2PG_CHAOS_SEED=7 tests/integration/chaos/long.sh     the same kill moments again
#   SF2PG_SEQ_SEED=123 SF2PG_SEQ_COUNT=1 tests/integration/chaos/long.sh --gtest_filter='ChaosSequence.*'
#                                                          one sequence again (its seed is printed)
set -euo pipefail
cd "$(dirname "$0")/../../.."
export SF2PG_CHAOS_ROWS=${SF2PG_CHAOS_ROWS:-1000000}
export SF2PG_CHAOS_KILLS=${SF2PG_CHAOS_KILLS:-20}
export SF2PG_CHAOS_FAULT_ROWS=${SF2PG_CHAOS_FAULT_ROWS:-1000000}
export SF2PG_SOAK_SECONDS=${SF2PG_SOAK_SECONDS:-300}
export SF2PG_SEQ_COUNT=${SF2PG_SEQ_COUNT:-200}
export SF2PG_SEQ_SEED=${SF2PG_SEQ_SEED:-$(( (RANDOM << 15 | RANDOM) % 1000000000 ))}
echo "sequences: SF2PG_SEQ_SEED=$SF2PG_SEQ_SEED SF2PG_SEQ_COUNT=$SF2PG_SEQ_COUNT"
exec build/sf2pg_integration_tests \
  --gtest_filter='ChaosKill.*:ChaosSource.*:ChaosSoak.*:ChaosSequence.*' "$@"
