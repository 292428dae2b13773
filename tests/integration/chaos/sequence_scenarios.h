// Scenarios of the sequence test (sequence_test.cc) that each once made sf2pg exit 0 with a
// wrong target, or that hunt where such a defect could hide. All are on; a constant set to
// false switches one off (to tell a new defect from an old one), and without rebuilding,
// SF2PG_SEQ_SCENARIOS=numeric_extremes,overlapping_runs,... turns switched-off ones back on.
#pragma once

#include <cstdlib>
#include <string>

namespace sf2pg::testing {

/// numeric_extremes: NUMBER(38,0) keys of 19-38 digits, up to ±(10^38-1) (numeric chunking
/// once overflowed at those values: overlapping chunks, duplicate keys in COPY). Off: keys stay
/// within ±4·10^18.
inline constexpr bool kScenarioNumericExtremes = true;

/// overlapping_runs: a run with another selection (or --no-resume) while an older run is
/// unfinished, so that two unfinished runs hold the same target table. Off: while a run is
/// unfinished, every migrate resumes it (same --source/--tables, sometimes by --resume-run-id).
inline constexpr bool kScenarioOverlappingRuns = true;

/// request_timeouts: sfemu's lost_response fault (a request that gets no answer).
inline constexpr bool kScenarioRequestTimeouts = true;

/// incremental_during_unfinished: rows of an incremental table changed while an unfinished
/// run may already have planned it (a row updated after its chunk was loaded, older than rows
/// loaded later, is below the next run's watermark floor).
inline constexpr bool kScenarioIncrementalChangeDuringUnfinishedRun = true;

/// incremental_update_at_newest: an incremental table whose only change is an update of rows
/// at its newest watermark (no insert): the "up to date" count (rows at or above the watermark,
/// source vs target) stays equal, so the planner must also look for rows newer than the
/// target's newest. Off: such a change gets one insert.
inline constexpr bool kScenarioIncrementalUpdateAtNewestWatermark = true;

/// The scenario's constant, or true when `name` is listed in SF2PG_SEQ_SCENARIOS.
inline bool ScenarioOn(const std::string& name, bool constant) {
  const char* list = std::getenv("SF2PG_SEQ_SCENARIOS");
  if (constant || !list) return constant;
  std::string l = std::string(",") + list + ",";
  return l.find("," + name + ",") != std::string::npos;
}

}  // namespace sf2pg::testing
