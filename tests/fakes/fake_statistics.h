// SourceStatistics from canned answers, for planner tests: each typed call is answered from
// what the test set for that operation, and recorded with its arguments, so a test checks both
// the chunks and the statistics (expressions, predicates, keys) that produced them. It reads no
// SQL: predicates and expressions are only recorded.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/source.h"

namespace sf2pg::testing {

using Keys = std::vector<std::vector<Cell>>;

class FakeStatistics : public SourceStatistics {
 public:
  // Answers.
  std::optional<int64_t> count;              ///< Count()
  std::optional<int64_t> count_where;        ///< CountWhere()
  std::map<std::string, ColumnStats> stats;  ///< Stats(), by column
  /// CountByValue() and KeyBoundaries(): the n-th call gets the n-th answer (the last one
  /// repeats).
  std::vector<ValueCounts> value_counts;
  std::vector<Keys> boundaries;
  /// RangeChecksums(): the n-th call gets the n-th answer (the last one repeats).
  std::vector<std::vector<RangeChecksum>> range_checksums;

  /// One call, with its arguments.
  struct Call {
    std::string op;  ///< Count, CountWhere, Stats, CountByValue, KeyBoundaries, RangeChecksums
    TableRef table;
    std::string column;     ///< Stats: the column; CountByValue, RangeChecksums: the expression
    std::string predicate;  ///< CountWhere, CountByValue, KeyBoundaries, RangeChecksums
    bool min_max = false;   ///< Stats
    std::vector<std::string> keys;  ///< KeyBoundaries
    std::string partition;          ///< KeyBoundaries
    int64_t every = 0;              ///< KeyBoundaries
    std::string row_hash;           ///< RangeChecksums
  };
  std::vector<Call> calls;

  /// The calls of one operation, in order.
  std::vector<Call> Calls(const std::string& op) const {
    std::vector<Call> out;
    for (const auto& c : calls) {
      if (c.op == op) out.push_back(c);
    }
    return out;
  }

  int64_t Count(const TableRef& table) override {
    calls.push_back({"Count", table, "", "", false, {}, "", 0, ""});
    return Answer(count, "Count");
  }
  int64_t CountWhere(const TableRef& table, const std::string& predicate) override {
    calls.push_back({"CountWhere", table, "", predicate, false, {}, "", 0, ""});
    return Answer(count_where, "CountWhere");
  }
  ColumnStats Stats(const TableRef& table, const std::string& column, bool min_max) override {
    calls.push_back({"Stats", table, column, "", min_max, {}, "", 0, ""});
    auto it = stats.find(column);
    if (it == stats.end()) throw std::runtime_error("FakeStatistics: no Stats for " + column);
    ColumnStats s = it->second;
    if (!min_max) s.min = s.max = std::nullopt;
    return s;
  }
  ValueCounts CountByValue(const TableRef& table, const std::string& expression,
                           const std::string& predicate) override {
    calls.push_back({"CountByValue", table, expression, predicate, false, {}, "", 0, ""});
    return Nth(value_counts, "CountByValue");
  }
  Keys KeyBoundaries(const TableRef& table, const std::vector<std::string>& keys,
                     const std::string& predicate, const std::string& partition,
                     int64_t every) override {
    calls.push_back({"KeyBoundaries", table, "", predicate, false, keys, partition, every, ""});
    return Nth(boundaries, "KeyBoundaries");
  }
  std::vector<RangeChecksum> RangeChecksums(const TableRef& table, const std::string& bucket,
                                            const std::string& predicate,
                                            const std::string& row_hash) override {
    Call call;
    call.op = "RangeChecksums";
    call.table = table;
    call.column = bucket;
    call.predicate = predicate;
    call.row_hash = row_hash;
    calls.push_back(call);
    return Nth(range_checksums, "RangeChecksums");
  }

 private:
  static int64_t Answer(const std::optional<int64_t>& answer, const std::string& op) {
    if (!answer) throw std::runtime_error("FakeStatistics: no answer for " + op);
    return *answer;
  }
  template <typename T>
  T Nth(const std::vector<T>& answers, const std::string& op) {
    size_t n = Calls(op).size();  // this call included
    if (answers.empty()) throw std::runtime_error("FakeStatistics: no answer for " + op);
    return answers[std::min(n, answers.size()) - 1];
  }
};

/// Stats of a column: its row count, non-NULL count, and MIN and MAX wire text.
inline ColumnStats Figures(int64_t rows, int64_t non_null, Cell min = std::nullopt,
                           Cell max = std::nullopt) {
  return {rows, non_null, std::move(min), std::move(max)};
}

/// Counts per value (wire text; nullopt is NULL), ascending, of an expression of `type`.
inline ValueCounts Counts(std::vector<std::pair<Cell, int64_t>> values,
                          SourceColumn type = SourceColumn{}) {
  ValueCounts out;
  out.type = std::move(type);
  for (auto& [v, n] : values) out.values.push_back({std::move(v), n});
  return out;
}

}  // namespace sf2pg::testing
