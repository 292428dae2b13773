// Progress displays: a live per-table view redrawn in place on a terminal, or periodic JSON
// log lines (CloudWatch, CI logs).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "exec/progress.h"

namespace sf2pg::report {

/// Redraws one line per table (chunks, rows, rows/s, ETA) and a total line in place on a
/// terminal. With more tables than fit, finished and waiting tables are folded into one line.
/// Log lines written meanwhile appear above the display.
class TerminalProgress : public exec::ProgressSink {
 public:
  /// `out` is the terminal stream; `rows` the terminal height (0 = ask the terminal).
  explicit TerminalProgress(std::FILE* out, int rows = 0);
  ~TerminalProgress() override;
  void Update(const std::vector<exec::TableProgress>& tables, bool final) override;
  double Interval() const override { return 0.5; }

 private:
  void Erase();
  std::FILE* out_;
  int max_lines_;
  int drawn_ = 0;
};

/// One JSON log line per unfinished table at each interval.
class JsonProgress : public exec::ProgressSink {
 public:
  explicit JsonProgress(double interval_seconds = 15) : interval_(interval_seconds) {}
  void Update(const std::vector<exec::TableProgress>& tables, bool final) override;
  double Interval() const override { return interval_; }

 private:
  double interval_;
};

/// The text of one table's line (tests check it).
std::string ProgressLine(const exec::TableProgress& p, size_t name_width);
/// Seconds left, or a negative number when unknown.
double EtaSeconds(const exec::TableProgress& p);

}  // namespace sf2pg::report
