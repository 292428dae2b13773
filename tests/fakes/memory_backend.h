// An in-memory exec::Backend: the status tables are a MemoryTracker, each table is "prepared"
// by storing a plan of OFFSET chunks that FakeSource serves, workers get MemorySessions, and
// the coordinator's session can be made to die. With it, the coordinator (exec/migration.cc)
// runs whole migrations without a server.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "exec/backend.h"
#include "fakes/fake_source.h"
#include "fakes/memory_session.h"
#include "fakes/memory_tracker.h"

namespace sf2pg::testing {

/// Plans `table` of `source` in `run_id` as `chunks` OFFSET chunks of `rows_per_chunk` rows
/// (a plan stored earlier is kept, as on resume) and returns its job.
inline plan::TableJob PlanInMemory(MemoryTracker& tracker, const config::SourceConfig& source,
                                   const config::TableConfig& table, const std::string& run_id,
                                   int chunks, int64_t rows_per_chunk) {
  plan::TableJob job = plan::TableJob::Of(source, table);
  job.plan_input.table = {source.source_sf_database, source.source_sf_schema, table.source, "", ""};
  job.source_columns = {"ID", "NAME", "UPDATED"};
  job.target_columns = {"id", "name", "updated"};
  FakeSource types(std::make_shared<FakeSourceState>());
  for (const auto& c : FakeSource::Columns()) job.targets.push_back(types.MapColumn(c, {}));
  job.order_by = "\"ID\"";
  job.max_threads = 4;
  if (run_id.empty()) return job;  // a dry run stores nothing
  run::TableRecord record;
  if (auto existing = tracker.LoadTable(run_id, job.key)) record = *existing;
  record.key = job.key;
  record.source_name = source.source_name;
  record.target_database = job.target_database;
  record.target_schema = job.target_schema;
  record.target_table = job.target_table;
  record.metadata = {{"planned", true}, {"estimated_rows", chunks * rows_per_chunk}};
  std::vector<nlohmann::json> ranges;
  for (int i = 0; i < chunks; ++i) {
    ranges.push_back({{"strategy", "offset"},
                      {"predicate", ""},
                      {"estimated_rows", rows_per_chunk},
                      {"limit", rows_per_chunk},
                      {"offset", i * rows_per_chunk}});
  }
  tracker.StorePlan(run_id, record, ranges, nullptr);
  return job;
}

/// A configuration of one source "a" (DB.S into db.public) with tables T1 and T2 (into t1 and
/// t2), as the engine's tests use it.
inline config::Config TwoTableConfig() {
  config::SourceConfig source;
  source.source_name = "a";
  source.source_sf_database = "DB";
  source.source_sf_schema = "S";
  source.target_pg_database = "db";
  source.target_pg_schema = "public";
  for (const char* name : {"T1", "T2"}) {
    config::TableConfig t;
    t.source = name;
    t.target = name == std::string("T1") ? "t1" : "t2";
    source.tables.push_back(t);
  }
  config::Config config;
  config.config_hash = "c1";
  config.sources.push_back(source);
  return config;
}

/// What a test sets and reads of a MemoryBackend; outlives the backends a coordinator opens.
struct MemoryTarget {
  MemoryTracker tracker;
  int chunks_per_table = 2;
  int64_t rows_per_chunk = 100;
  /// Tables (by source name) whose preparation calls this, which throws.
  std::map<std::string, std::function<void()>> refuse;
  std::atomic<bool> alive = true;  ///< Alive() answers this; Reconnect() sets it again
  int schema_checks = 0, reconnects = 0;
  std::atomic<int> sessions = 0;      ///< opened by worker threads
  std::vector<std::string> prepared;  ///< tables, in order
  /// Index definitions restored, by target database.
  std::vector<std::pair<std::string, std::vector<std::string>>> restored;
};

class MemoryBackend : public exec::Backend {
 public:
  explicit MemoryBackend(MemoryTarget& target) : t_(target) {}

  run::Tracker& tracker() override { return t_.tracker; }
  void EnsureSchema() override { ++t_.schema_checks; }
  plan::TableJob Prepare(const config::SourceConfig& source, const config::TableConfig& table,
                         Source&, const std::string& run_id, bool dry_run,
                         plan::PlanReport* report) override {
    t_.prepared.push_back(table.source);
    if (auto it = t_.refuse.find(table.source); it != t_.refuse.end()) it->second();
    if (report) {
      report->table = table.source;
      report->rows = t_.chunks_per_table * t_.rows_per_chunk;
    }
    return PlanInMemory(t_.tracker, source, table, dry_run ? "" : run_id, t_.chunks_per_table,
                        t_.rows_per_chunk);
  }
  void RestoreIndexes(const std::string& target_database,
                      const std::vector<std::string>& definitions) override {
    t_.restored.emplace_back(target_database, definitions);
  }
  std::unique_ptr<exec::LoadSession> OpenSession(const std::string& run_id) override {
    ++t_.sessions;
    return std::make_unique<MemorySession>(t_.tracker.Chunks(run_id));
  }
  bool Alive() override { return t_.alive; }
  void Reconnect() override {
    ++t_.reconnects;
    t_.alive = true;
  }

 private:
  MemoryTarget& t_;
};

}  // namespace sf2pg::testing
