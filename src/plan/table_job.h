// A table ready to be loaded: everything workers need to fetch and load its chunks. Built
// once per run invocation (from the plan stored in the status tables when resuming) and then
// shared read-only by all workers.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/source.h"
#include "core/status.h"
#include "plan/planner.h"
#include "postgres/target_table.h"
#include "run/status_store.h"

namespace sf2pg::plan {

struct TableJob {
  /// A job naming `table` of `source` and its target, and nothing else yet.
  static TableJob Of(const config::SourceConfig& source, const config::TableConfig& table) {
    TableJob job;
    job.source = &source;
    job.table = &table;
    job.key = {source.source_sf_database, source.source_sf_schema, table.source};
    job.target_database = source.target_pg_database;
    job.target_schema = source.target_pg_schema;
    job.target_table = table.target;
    return job;
  }

  const config::SourceConfig* source = nullptr;
  const config::TableConfig* table = nullptr;
  run::TableKey key;
  std::string target_database;
  std::string target_schema;
  std::string target_table;

  std::vector<std::string> source_columns;  ///< load order
  std::vector<std::string> target_columns;  ///< same order
  std::vector<TargetColumn> targets;        ///< same order
  std::vector<int> key_columns;             ///< positions of the key, for messages
  std::vector<std::string> upsert_keys;     ///< target names
  std::string upsert_watermark;             ///< target name, or ""
  /// Incremental tables: the source's largest watermark when the table was planned (a
  /// Snowflake literal) and how many rows held it or more then. Stored with the plan; the next
  /// plan of the table reads from there, so rows changed while this plan was loading are read.
  std::string watermark_high;
  int64_t watermark_high_rows = -1;
  bool upsert = false;  ///< load method, decided once per table
  postgres::TableInfo target_info;

  plan::TableInput plan_input;  ///< the source table, its filter and floor
  std::string order_by;
  config::ChunkingStrategy strategy = config::ChunkingStrategy::kAuto;
  bool shares_status_database = true;  ///< rows and status commit in one transaction
  int max_threads = 1;
  /// delete_mode: the run may delete (or mark) more than the table's max_delete_share.
  bool allow_deletes = false;

  LoadMethod Method() const { return upsert ? LoadMethod::kUpsert : LoadMethod::kCopy; }
  std::string Name() const { return key.ToString(); }
  /// The read of a chunk stored with `range` (its chunk_range), with the targets and key
  /// columns; the caller names it (description, query tag).
  ChunkRequest ChunkRead(const nlohmann::json& range) const;
};

/// The chunk_range stored for a planned chunk, and back.
nlohmann::json RangeToJson(const plan::ChunkSpec& chunk, config::ChunkingStrategy strategy);
plan::ChunkSpec RangeFromJson(const nlohmann::json& range);

}  // namespace sf2pg::plan
