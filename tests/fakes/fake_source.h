// FakeSource: a Source that serves a generated table from memory, for engine tests that must
// not depend on Snowflake. It answers the typed operations (Describe, Count, Max, and chunk
// reads windowed by their limit and offset, which is what the `single` and `offset` strategies
// need), records every chunk request, and fails on demand. It runs no SQL: filters, floors and
// chunk predicates are ignored, and the planner's statistics throw.
//
// The table: ID (NUMBER(38,0)) = i + 1, NAME (TEXT) = "name-<i>" (NULL when i % 7 == 3),
// UPDATED (TIMESTAMP_NTZ(9)) = 2023-01-01 plus i seconds, for i in [0, rows).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/copy_buffer.h"
#include "core/error.h"
#include "core/source.h"
#include "snowflake/type_mapping.h"

namespace sf2pg::testing {

/// State shared by every FakeSource of one test (each worker makes its own source).
struct FakeSourceState {
  int64_t rows = 0;
  /// Called before a chunk is served with the number of the fetch (1-based, over all
  /// sources); may throw to simulate a failure.
  std::function<void(int fetch_number, const ChunkRequest& request)> on_fetch;
  /// Called after `row` was written to the sink; may throw (a failure mid-chunk).
  std::function<void(int64_t row)> on_row;

  std::mutex mu;
  int fetches = 0;                     // guarded by mu
  std::vector<ChunkRequest> requests;  // guarded by mu
};

class FakeSource : public Source {
 public:
  explicit FakeSource(std::shared_ptr<FakeSourceState> state) : state_(std::move(state)) {}

  static std::vector<SourceColumn> Columns() {
    SourceColumn id{"ID", "fixed", 38, 0, 0, false, "", 0, ""};
    SourceColumn name{"NAME", "text", 0, 0, 16777216, true, "", 0, ""};
    SourceColumn updated{"UPDATED", "timestamp_ntz", 0, 9, 0, true, "", 0, ""};
    return {id, name, updated};
  }

  TargetColumn MapColumn(const SourceColumn& column, const TargetFeatures& target) const override {
    return snowflake::MapColumn(column, target);
  }
  std::optional<std::string> Incompatibility(const SourceColumn& column,
                                             const TargetColumn& target) const override {
    return snowflake::Incompatibility(column, target);
  }

  std::vector<SourceColumn> Describe(const TableRef&) override { return Columns(); }
  int64_t Count(const TableRef&) override { return state_->rows; }
  /// ID and UPDATED only (the last row holds both maxima).
  std::optional<std::string> Max(const TableRef&, const std::string& column) override {
    if (state_->rows == 0) return std::nullopt;
    int64_t last = state_->rows - 1;
    if (column == "ID") return std::to_string(last + 1);
    // 2023-01-01 00:00:00 is 1672531200 s after 1970-01-01 (the wire format's epoch).
    if (column == "UPDATED") return std::to_string(1672531200 + last) + ".000000000";
    throw SnowflakeError("FakeSource has no MAX of " + column, Retry::kNever, "002040");
  }
  // The planner's statistics: the engine's tests store their plans themselves.
  int64_t CountWhere(const TableRef&, const std::string&) override { throw NoStatistics(); }
  ColumnStats Stats(const TableRef&, const std::string&, bool) override { throw NoStatistics(); }
  ValueCounts CountByValue(const TableRef&, const std::string&, const std::string&) override {
    throw NoStatistics();
  }
  std::vector<std::vector<Cell>> KeyBoundaries(const TableRef&, const std::vector<std::string>&,
                                               const std::string&, const std::string&,
                                               int64_t) override {
    throw NoStatistics();
  }
  std::vector<RangeChecksum> RangeChecksums(const TableRef&, const std::string&, const std::string&,
                                            const std::string&) override {
    throw NoStatistics();
  }
  std::string Explain(const ChunkRequest& request) const override {
    return "FakeSource rows from " + std::to_string(request.offset) +
           (request.limit >= 0 ? ", at most " + std::to_string(request.limit) : "");
  }

  FetchStats Fetch(const ChunkRequest& request, CopySink& sink) override {
    int number;
    {
      std::lock_guard lock(state_->mu);
      number = ++state_->fetches;
      state_->requests.push_back(request);
    }
    if (state_->on_fetch) state_->on_fetch(number, request);
    int64_t begin = std::min(request.offset, state_->rows), end = state_->rows;
    if (request.limit >= 0) end = std::min(end, begin + request.limit);
    FetchStats stats;
    stats.partitions = 1;
    CopyBuffer buffer;
    int64_t pending = 0;
    for (int64_t i = begin; i < end; ++i) {
      WriteRow(buffer, request.targets, i);
      ++pending;
      if (state_->on_row) state_->on_row(i);
      if (pending == 500) {
        sink.Write(buffer.view(), pending);
        buffer.Clear();
        pending = 0;
      }
    }
    if (pending > 0) sink.Write(buffer.view(), pending);
    stats.rows = end > begin ? end - begin : 0;
    return stats;
  }

  /// The value of row `i` as PostgreSQL prints it (NULL as nullopt), for comparisons.
  static std::optional<std::string> Name(int64_t i) {
    if (i % 7 == 3) return std::nullopt;
    return "name-" + std::to_string(i);
  }

 private:
  static SnowflakeError NoStatistics() {
    return SnowflakeError("FakeSource serves no planner statistics", Retry::kNever, "002040");
  }

  static void WriteRow(CopyBuffer& b, const std::vector<TargetColumn>& targets, int64_t i) {
    b.BeginRow(static_cast<uint16_t>(targets.size()));
    for (size_t c = 0; c < targets.size(); ++c) {
      if (c == 0) {
        b.FieldInt64(i + 1);
      } else if (c == 1) {
        auto name = Name(i);
        if (name)
          b.Field(*name);
        else
          b.Null();
      } else {
        // 2023-01-01 00:00:00 is 725846400 s after 2000-01-01 (PostgreSQL's epoch).
        b.FieldInt64((725846400 + i) * 1000000);
      }
    }
  }

  std::shared_ptr<FakeSourceState> state_;
};

}  // namespace sf2pg::testing
