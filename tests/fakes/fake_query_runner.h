// A QueryRunner that answers planning queries from canned results and records every SQL text
// it was asked, so planner tests check both the chunks and the queries that produced them.
#pragma once

#include <functional>
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
  QueryResult Query(const std::string& sql) override {
    queries.push_back(sql);
    for (const auto& r : rules_) {
      if (sql.find(r.needle) != std::string::npos) return r.result;
    }
    throw std::runtime_error("FakeQueryRunner: no answer for " + sql);
  }
  std::vector<std::string> queries;

 private:
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
