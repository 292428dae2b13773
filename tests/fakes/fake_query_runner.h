// A QueryRunner that answers planning queries from canned results and records every SQL text
// it was asked (and every table it counted), so planner tests check both the chunks and the
// queries that produced them.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "plan/planner.h"

namespace sf2pg::testing {

class FakeQueryRunner : public plan::QueryRunner {
 public:
  /// Answers a query whose SQL contains `needle` (the first matching rule wins).
  void On(std::string needle, QueryResult result) {
    rules_.push_back({std::move(needle), std::move(result)});
  }
  /// Answers Count() with `rows`.
  void OnCount(int64_t rows) { count_ = rows; }
  int64_t Count(const TableRef& table) override {
    counted.push_back(table);
    if (!count_) throw std::runtime_error("FakeQueryRunner: no answer for a count");
    return *count_;
  }
  QueryResult Query(const std::string& sql) override {
    queries.push_back(sql);
    for (const auto& r : rules_) {
      if (sql.find(r.needle) != std::string::npos) return r.result;
    }
    throw std::runtime_error("FakeQueryRunner: no answer for " + sql);
  }
  std::vector<std::string> queries;
  std::vector<TableRef> counted;

 private:
  std::optional<int64_t> count_;
  struct Rule {
    std::string needle;
    QueryResult result;
  };
  std::vector<Rule> rules_;
};

/// A result of text cells ("" is NULL when `null_empty`).
inline QueryResult Rows(std::vector<SourceColumn> columns,
                        std::vector<std::vector<std::optional<std::string>>> rows) {
  return {std::move(columns), std::move(rows)};
}

}  // namespace sf2pg::testing
