#include "report/status_view.h"

#include "core/error.h"
#include "report/table_text.h"

namespace sf2pg::report {
namespace {

using nlohmann::json;

json RunToJson(const run::RunInfo& r) {
  return {{"run_id", r.run_id},
          {"status", ToString(r.status)},
          {"started_at", r.started_at},
          {"age_hours", r.age_hours},
          {"config_hash", r.config_hash},
          {"sources", r.metadata.value("sources", json::array())},
          {"resume_count", r.metadata.value("resume_count", 0)},
          {"error", r.error_message}};
}

}  // namespace

json RunsJson(run::StatusStore& store, int limit) {
  json out = json::array();
  for (const auto& r : store.RecentRuns(limit)) {
    json j = RunToJson(r);
    int completed = 0, failed = 0, total = 0, short_tables = 0;
    int64_t rows = 0;
    for (const auto& t : store.LoadTables(r.run_id)) {
      ++total;
      completed += t.status == TableStatus::kCompleted;
      failed += t.status == TableStatus::kFailed;
      rows += t.total_rows_copied;
      auto check = run::RowCheckOf(t.metadata);
      short_tables += t.status == TableStatus::kCompleted && check && check->difference() < 0;
    }
    j["shortfall_tables"] = short_tables;
    j["tables"] = total;
    j["completed_tables"] = completed;
    j["failed_tables"] = failed;
    j["rows"] = rows;
    out.push_back(j);
  }
  return out;
}

std::string RunsText(const json& runs) {
  if (runs.empty()) return "no runs recorded yet\n";
  TextTable t({"run_id", "status", "started (UTC)", "tables", "failed", "rows", "sources"},
              {false, false, false, true, true, true, false});
  for (const auto& r : runs) {
    std::string sources;
    for (const auto& s : r["sources"])
      sources += (sources.empty() ? "" : ",") + s.get<std::string>();
    std::string status = r["status"];
    if (r.value("shortfall_tables", 0) > 0) status += ", rows short";
    t.Add({r["run_id"], status, r["started_at"],
           std::to_string(r["completed_tables"].get<int>()) + "/" +
               std::to_string(r["tables"].get<int>()),
           std::to_string(r["failed_tables"].get<int>()), Thousands(r["rows"].get<int64_t>()),
           sources});
  }
  return t.Render();
}

json RunJson(run::StatusStore& store, const std::string& run_id) {
  auto run = store.LoadRun(run_id);
  if (!run) throw ConfigError("no run with id " + run_id);
  json j = RunToJson(*run);
  j["tables"] = json::array();
  for (const auto& t : store.LoadTables(run_id)) {
    j["tables"].push_back(
        {{"source_name", t.source_name},
         {"table", t.key.ToString()},
         {"target", t.target_database + "." + t.target_schema + "." + t.target_table},
         {"status", ToString(t.status)},
         {"method", t.metadata.value("method", "")},
         {"strategy", t.metadata.value("strategy", "")},
         {"total_chunks", t.total_chunks},
         {"completed_chunks", t.completed_chunks},
         {"failed_chunks", t.failed_chunks},
         {"rows", t.total_rows_copied},
         {"indexes_disabled", t.indexes_disabled},
         {"indexes_restored", t.indexes_restored}});
    // The planned/copied comparison of a completed table (row counts of an earlier run's
    // tables that were never checked are absent).
    auto check = run::RowCheckOf(t.metadata);
    if (t.status == TableStatus::kCompleted && check)
      j["tables"].back()["row_check"] = run::RowCheckJson(*check);
  }
  j["verify_tables"] = json::array();
  for (const auto& t : j["tables"]) {
    if (t.contains("row_check") && t["row_check"]["difference"].get<int64_t>() < 0)
      j["verify_tables"].push_back(t["table"]);
  }
  j["failed_chunks"] = json::array();
  for (const auto& f : store.FailedChunks(run_id, 100)) {
    j["failed_chunks"].push_back({{"table", f.table.ToString()},
                                  {"chunk_id", f.chunk_id},
                                  {"retry_count", f.retry_count},
                                  {"error", f.error},
                                  {"range", f.range}});
  }
  return j;
}

std::string RunText(const json& run) {
  std::string out = "run " + run["run_id"].get<std::string>() + ": " +
                    run["status"].get<std::string>() + ", started " +
                    run["started_at"].get<std::string>() + " UTC\n";
  if (!run.value("error", "").empty()) out += run["error"].get<std::string>() + "\n";
  out += "\n";
  TextTable t({"source", "table", "target", "method", "status", "chunks", "failed", "rows",
               "planned", "check"},
              {false, false, false, false, false, true, true, true, true, false});
  std::string notes;
  for (const auto& x : run["tables"]) {
    std::string planned = "-", check = "-";
    if (x.contains("row_check")) {
      const json& c = x["row_check"];
      int64_t diff = c["difference"].get<int64_t>();
      planned = Thousands(c["planned"].get<int64_t>());
      check = diff == 0  ? "ok"
              : diff > 0 ? "+" + Thousands(diff) + " more"
                         : Thousands(-diff) + " SHORT";
      if (c["rejected"].get<int64_t>() > 0)
        check += " (" + Thousands(c["rejected"].get<int64_t>()) + " rejected)";
      if (diff < 0) {
        notes +=
            "  " + x["table"].get<std::string>() + ": " + Thousands(c["copied"].get<int64_t>()) +
            " rows copied of " + planned + " planned; run `sf2pg verify --tables " +
            x["table"].get<std::string>().substr(x["table"].get<std::string>().rfind('.') + 1) +
            "`\n";
      }
    }
    t.Add({x["source_name"], x["table"], x["target"], x["method"], x["status"],
           std::to_string(x["completed_chunks"].get<int>()) + "/" +
               std::to_string(x["total_chunks"].get<int>()),
           std::to_string(x["failed_chunks"].get<int>()), Thousands(x["rows"].get<int64_t>()),
           planned, check});
  }
  out += t.Render();
  if (!notes.empty()) {
    out += "\nfewer rows copied than planned (the source changed or rows were lost):\n" + notes;
  }
  if (!run["failed_chunks"].empty()) {
    out += "\nfailed chunks:\n";
    for (const auto& f : run["failed_chunks"]) {
      out += "  " + f["table"].get<std::string>() + " chunk " +
             std::to_string(f["chunk_id"].get<int>()) + " (" +
             std::to_string(f["retry_count"].get<int>()) +
             " retries): " + f["error"].get<std::string>() + "\n";
    }
  }
  return out;
}

}  // namespace sf2pg::report
