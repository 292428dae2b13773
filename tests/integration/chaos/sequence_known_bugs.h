// Scenarios of the sequence test (sequence_test.cc) that are switched off while a known defect
// of sf2pg makes them fail. Each is a constant: set it to true once the fix has landed. Without
// rebuilding, SF2PG_SEQ_SCENARIOS=numeric_extremes,overlapping_runs,... turns scenarios on.
#pragma once

#include <cstdlib>
#include <string>

namespace sf2pg::testing {

/// numeric_extremes: NUMBER(38,0) keys of 19-38 digits, up to ±(10^38-1) (numeric chunking
/// overflows at those values: overlapping chunks, duplicate keys in COPY). Off: keys stay
/// within ±4·10^18.
inline constexpr bool kKnownBugNumericExtremes = false;

/// overlapping_runs: a run with another selection (or --no-resume) while an older run is
/// unfinished, so that two unfinished runs hold the same target table. Off: while a run is
/// unfinished, every migrate resumes it (same --source/--tables, sometimes by --resume-run-id).
inline constexpr bool kKnownBugOverlappingRuns = false;

/// request_timeouts: sfemu's lost_response fault (a request that gets no answer).
inline constexpr bool kKnownBugRequestTimeouts = false;

/// incremental_during_unfinished: rows of an incremental table changed while an unfinished
/// run may already have planned it (a row updated after its chunk was loaded, older than rows
/// loaded later, is below the next run's watermark floor).
inline constexpr bool kKnownBugIncrementalChangeDuringUnfinishedRun = false;

/// incremental_update_at_newest: an incremental table whose only change is an update of rows
/// at its newest watermark (no insert): the "up to date" count (rows at or above the watermark,
/// source vs target) is equal, so nothing is planned and the update is never loaded. Off: such
/// a change gets one insert.
inline constexpr bool kNewBugIncrementalUpdateAtNewestWatermark = false;

/// The scenario's constant, or true when `name` is listed in SF2PG_SEQ_SCENARIOS.
inline bool ScenarioOn(const std::string& name, bool constant) {
  const char* list = std::getenv("SF2PG_SEQ_SCENARIOS");
  if (constant || !list) return constant;
  std::string l = std::string(",") + list + ",";
  return l.find("," + name + ",") != std::string::npos;
}

}  // namespace sf2pg::testing
