#include "report/summary.h"

#include <cstdio>

#include "report/table_text.h"

namespace sf2pg::report {
namespace {

std::string Rate(int64_t rows, double seconds) {
  if (seconds <= 0 || rows == 0) return "-";
  return Thousands(static_cast<int64_t>(static_cast<double>(rows) / seconds));
}

}  // namespace

std::string SummaryText(const exec::MigrationResult& r) {
  TextTable t({"source", "table", "target", "method", "strategy", "chunks", "rows", "time",
               "rows/s", "retries", "status"},
              {false, false, false, false, false, true, true, true, true, true, false});
  int64_t rows = 0, retries = 0, done = 0, total = 0;
  for (const auto& s : r.tables) {
    t.Add({s.source_name, s.table, s.target, s.method, s.strategy,
           std::to_string(s.completed_chunks) + "/" + std::to_string(s.total_chunks),
           Thousands(s.rows), Duration(s.seconds), Rate(s.rows, s.seconds),
           std::to_string(s.retries + s.source_retries), s.status});
    rows += s.rows;
    retries += s.retries + s.source_retries;
    done += s.completed_chunks;
    total += s.total_chunks;
  }
  t.Rule();
  t.Add({"total", std::to_string(r.tables.size()) + " tables", "", "", "",
         std::to_string(done) + "/" + std::to_string(total), Thousands(rows), Duration(r.seconds),
         Rate(rows, r.seconds), std::to_string(retries), r.status});
  std::string out =
      "run " + r.run_id + (r.resumed ? " (resumed)" : "") + ": " + r.status + "\n" + t.Render();
  for (const auto& s : r.tables) {
    for (const auto& e : s.errors) out += s.table + ": " + e + "\n";
  }
  return out;
}

nlohmann::json SummaryJson(const exec::MigrationResult& r) {
  nlohmann::json tables = nlohmann::json::array();
  int64_t rows = 0, retries = 0;
  for (const auto& s : r.tables) {
    tables.push_back(
        {{"source_name", s.source_name},
         {"table", s.table},
         {"target", s.target},
         {"method", s.method},
         {"strategy", s.strategy},
         {"status", s.status},
         {"total_chunks", s.total_chunks},
         {"completed_chunks", s.completed_chunks},
         {"failed_chunks", s.failed_chunks},
         {"rows", s.rows},
         {"rows_total", s.rows_total},
         {"rejected", s.rejected},
         {"seconds", s.seconds},
         {"rows_per_second", s.seconds > 0 ? static_cast<double>(s.rows) / s.seconds : 0},
         {"retries", s.retries},
         {"source_retries", s.source_retries},
         {"errors", s.errors}});
    rows += s.rows;
    retries += s.retries + s.source_retries;
  }
  return {{"run_id", r.run_id},
          {"status", r.status},
          {"resumed", r.resumed},
          {"deadline_reached", r.deadline_reached},
          {"stopped", r.stopped},
          {"seconds", r.seconds},
          {"error", r.error},
          {"tables", tables},
          {"totals", {{"tables", r.tables.size()}, {"rows", rows}, {"retries", retries}}}};
}

std::string PlanText(const exec::MigrationResult& r) {
  std::string out;
  for (const auto& p : r.plans) {
    out += p.table + ": " + p.method + ", " + p.strategy + " (" + p.reason + "), " +
           Thousands(p.rows) + " rows in " + std::to_string(p.chunk_sql.size()) + " chunk(s)\n";
    out += "  memory: at most about " + Thousands(p.memory_mb_sf2pg) + " MB with " +
           std::to_string(p.threads) + " worker(s) (streamed; the seed tool's formula says " +
           Thousands(p.memory_mb_seed) + " MB)\n";
    for (const auto& ddl : p.target_ddl) out += "  target: " + ddl + "\n";
    for (size_t i = 0; i < p.chunk_sql.size(); ++i) {
      out += "  chunk " + std::to_string(i + 1) + ": " + p.chunk_sql[i] + "\n";
    }
  }
  for (const auto& s : r.tables) {
    for (const auto& e : s.errors) out += s.table + ": " + e + "\n";
  }
  return out;
}

}  // namespace sf2pg::report
