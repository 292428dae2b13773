// FakeSource: a Source that serves a generated table from memory, for engine tests that must
// not depend on Snowflake. It understands the two statement shapes the engine sends for the
// `single` and `offset` strategies (COUNT(*), SELECT * ... LIMIT 0, and chunk reads with
// LIMIT/OFFSET), records every statement, and fails on demand.
//
// The table: ID (NUMBER(38,0)) = i + 1, NAME (TEXT) = "name-<i>" (NULL when i % 7 == 3),
// UPDATED (TIMESTAMP_NTZ(9)) = 2023-01-01 plus i seconds, for i in [0, rows).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "core/copy_buffer.h"
#include "core/error.h"
#include "core/source.h"

namespace sf2pg::testing {

/// State shared by every FakeSource of one test (each worker makes its own source).
struct FakeSourceState {
  int64_t rows = 0;
  /// Called before a chunk is served with the number of the fetch (1-based, over all
  /// sources); may throw to simulate a failure.
  std::function<void(int fetch_number, const std::string& sql)> on_fetch;
  /// Called after `row` was written to the sink; may throw (a failure mid-chunk).
  std::function<void(int64_t row)> on_row;

  std::mutex mu;
  int fetches = 0;                   // guarded by mu
  std::vector<std::string> queries;  // guarded by mu
};

class FakeSource : public Source {
 public:
  explicit FakeSource(std::shared_ptr<FakeSourceState> state) : state_(std::move(state)) {}

  static std::vector<SourceColumn> Columns() {
    SourceColumn id{"ID", "fixed", 38, 0, 0, false, ""};
    SourceColumn name{"NAME", "text", 0, 0, 16777216, true, ""};
    SourceColumn updated{"UPDATED", "timestamp_ntz", 0, 9, 0, true, ""};
    return {id, name, updated};
  }

  QueryResult Query(const std::string& sql) override {
    Record(sql);
    if (sql.find("LIMIT 0") != std::string::npos) return {Columns(), {}};
    if (sql.find("COUNT(*)") != std::string::npos) {
      return {{}, {{std::to_string(state_->rows), std::to_string(state_->rows)}}};
    }
    throw SnowflakeError("FakeSource cannot run: " + sql, Retry::kNever, "002040");
  }

  FetchStats Fetch(const ChunkRequest& request, CopySink& sink) override {
    int number;
    {
      std::lock_guard lock(state_->mu);
      number = ++state_->fetches;
      state_->queries.push_back(request.sql);
    }
    if (state_->on_fetch) state_->on_fetch(number, request.sql);
    int64_t begin = 0, end = state_->rows;
    std::smatch m;
    static const std::regex kOffset(" OFFSET ([0-9]+)");
    static const std::regex kLimit(" LIMIT ([0-9]+)");
    if (std::regex_search(request.sql, m, kOffset)) begin = static_cast<int64_t>(std::stoll(m[1]));
    if (std::regex_search(request.sql, m, kLimit))
      end = std::min<int64_t>(end, begin + static_cast<int64_t>(std::stoll(m[1])));
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
  void Record(const std::string& sql) {
    std::lock_guard lock(state_->mu);
    state_->queries.push_back(sql);
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
