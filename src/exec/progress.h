// Progress of a run as the workers see it, handed to a display (report/progress.h) at a
// regular interval.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sf2pg::exec {

struct TableProgress {
  std::string table;  ///< DB.SCHEMA.TABLE
  int chunks_total = 0;
  int chunks_done = 0;  ///< completed, including those completed by earlier invocations
  int chunks_failed = 0;
  int in_flight = 0;
  int64_t rows = 0;            ///< rows loaded so far (all invocations)
  int64_t rows_estimated = 0;  ///< the plan's estimate of the table's rows
  int64_t rows_this_run = 0;   ///< rows loaded by this invocation
  double seconds = 0;          ///< since this invocation started
};

/// Receives snapshots; called from one ticker thread, and once more with `final` at the end.
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void Update(const std::vector<TableProgress>& tables, bool final) = 0;
  /// Seconds between snapshots.
  virtual double Interval() const = 0;
};

}  // namespace sf2pg::exec
