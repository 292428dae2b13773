#include "report/summary.h"

#include <cstdio>

#include "core/exit_status.h"
#include "report/table_text.h"

namespace sf2pg::report {
namespace {

// The text of a setting that may be unset (a table that failed before it was prepared).
template <typename E>
std::string TextOf(const std::optional<E>& value) {
  return value ? ToString(*value) : "";
}

std::string Rate(int64_t rows, double seconds) {
  if (seconds <= 0 || rows == 0) return "-";
  return Thousands(static_cast<int64_t>(static_cast<double>(rows) / seconds));
}

// A line about a completed table whose copied rows differ from the plan; empty when equal.
std::string RowCheckLine(const exec::TableSummary& s) {
  if (!s.row_check || s.row_check->difference() == 0) return "";
  const run::RowCheck& c = *s.row_check;
  std::string counts = Thousands(c.copied) + " rows copied" +
                       (c.rejected > 0 ? " and " + Thousands(c.rejected) + " rejected" : "") +
                       ", " + Thousands(c.planned) + " planned";
  if (c.difference() > 0) {
    return s.table + ": " + counts + ": " + Thousands(c.difference()) +
           " more (rows added to the source after planning)\n";
  }
  std::string chunks;
  for (int id : c.short_chunks) chunks += (chunks.empty() ? "" : ", ") + std::to_string(id);
  return s.table + ": SHORTFALL: " + counts + ": " + Thousands(-c.difference()) + " rows missing" +
         (chunks.empty() ? "" : " (short chunks: " + chunks + ")") +
         ". The source changed after planning or rows were lost; run `sf2pg verify --tables " +
         s.table.substr(s.table.rfind('.') + 1) + "`\n";
}

}  // namespace

std::vector<const exec::TableSummary*> ShortTables(const exec::MigrationResult& r) {
  std::vector<const exec::TableSummary*> out;
  for (const auto& s : r.tables) {
    if (s.row_check && s.row_check->difference() < 0) out.push_back(&s);
  }
  return out;
}

int ExitStatusFor(const exec::MigrationResult& r) {
  if (r.status == RunStatus::kPartial) return kExitResumable;
  if (r.status != RunStatus::kCompleted && r.status != RunStatus::kPlanned &&
      r.status != RunStatus::kRunning)
    return kExitFailed;
  return ShortTables(r).empty() ? kExitDone : kExitShortfall;
}

std::string SummaryText(const exec::MigrationResult& r) {
  TextTable t({"source", "table", "target", "method", "strategy", "chunks", "rows", "time",
               "rows/s", "retries", "status"},
              {false, false, false, false, false, true, true, true, true, true, false});
  int64_t rows = 0, retries = 0, done = 0, total = 0;
  for (const auto& s : r.tables) {
    t.Add({s.source_name, s.table, s.target, TextOf(s.method), TextOf(s.strategy),
           std::to_string(s.completed_chunks) + "/" + std::to_string(s.total_chunks),
           Thousands(s.rows), Duration(s.seconds), Rate(s.rows, s.seconds),
           std::to_string(s.retries + s.source_retries), ToString(s.status)});
    rows += s.rows;
    retries += s.retries + s.source_retries;
    done += s.completed_chunks;
    total += s.total_chunks;
  }
  t.Rule();
  t.Add({"total", std::to_string(r.tables.size()) + " tables", "", "", "",
         std::to_string(done) + "/" + std::to_string(total), Thousands(rows), Duration(r.seconds),
         Rate(rows, r.seconds), std::to_string(retries), ToString(r.status)});
  size_t short_tables = ShortTables(r).size();
  std::string out =
      "run " + r.run_id + (r.resumed ? " (resumed)" : "") + ": " + ToString(r.status) +
      (short_tables > 0 ? " with a shortfall: run sf2pg verify" : "") + "\n" + t.Render();
  for (const auto& s : r.tables) {
    for (const auto& e : s.errors) out += s.table + ": " + e + "\n";
  }
  for (const auto& s : r.tables) out += RowCheckLine(s);
  for (const auto& s : r.tables) {
    if (s.deleted > 0) {
      out += s.table + ": " + Thousands(s.deleted) +
             " target rows whose key left the source were deleted or marked (delete_mode)\n";
    }
  }
  if (short_tables > 0) {
    out += std::to_string(short_tables) +
           " table(s) received fewer rows than planned: run `sf2pg verify` for them before "
           "trusting the target.\n";
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
         {"method", TextOf(s.method)},
         {"strategy", TextOf(s.strategy)},
         {"status", ToString(s.status)},
         {"total_chunks", s.total_chunks},
         {"completed_chunks", s.completed_chunks},
         {"failed_chunks", s.failed_chunks},
         {"rows", s.rows},
         {"rows_total", s.rows_total},
         {"rejected", s.rejected},
         {"rows_deleted", s.deleted},
         {"seconds", s.seconds},
         {"rows_per_second", s.seconds > 0 ? static_cast<double>(s.rows) / s.seconds : 0},
         {"retries", s.retries},
         {"source_retries", s.source_retries},
         {"errors", s.errors}});
    if (s.row_check) tables.back()["row_check"] = run::RowCheckJson(*s.row_check);
    rows += s.rows;
    retries += s.retries + s.source_retries;
  }
  nlohmann::json verify = nlohmann::json::array();
  for (const auto* s : ShortTables(r)) verify.push_back(s->table);
  return {{"run_id", r.run_id},
          {"status", ToString(r.status)},
          {"exit_status", ExitStatusFor(r)},
          {"shortfall", !verify.empty()},
          {"verify_tables", verify},
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
    out += p.table + ": " + ToString(p.method) + ", " + ToString(p.strategy) + " (" + p.reason +
           "), " + Thousands(p.rows) + " rows in " + std::to_string(p.chunk_sql.size()) +
           " chunk(s)\n";
    out += "  memory: at most about " + Thousands(p.memory_mb_sf2pg) + " MB with " +
           std::to_string(p.threads) + " worker(s) (streamed; the seed tool's formula says " +
           Thousands(p.memory_mb_seed) + " MB)\n";
    for (const auto& ddl : p.target_ddl) out += "  target: " + ddl + "\n";
    for (const auto& note : p.notes) out += "  note: " + note + "\n";
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
