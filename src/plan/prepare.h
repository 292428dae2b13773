// Preparing a table for loading: read the source's columns, check (or create) the target,
// decide COPY or UPSERT once, truncate once, plan the chunks and store them before any data
// moves. On resume the stored plan is reused and nothing is truncated again.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/source.h"
#include "plan/table_job.h"
#include "postgres/connection.h"
#include "run/tracker.h"

namespace sf2pg::plan {

/// What preparing needs from the coordinator.
struct PrepareContext {
  run::Tracker* tracker = nullptr;  ///< the status tables (also read by a dry run)
  std::string status_database;
  /// The coordinator's connection to a target database (cached by the caller); for the
  /// status database, the tracker's own session, so a truncate there commits with the plan.
  std::function<postgres::Connection&(const std::string&)> target_conn;
  Source* source = nullptr;
  std::string run_id;  ///< empty with dry_run
  bool dry_run = false;
  /// What each target database offers, read once per database (owned by the caller so it
  /// outlives one table; a local cache when null).
  std::map<std::string, TargetFeatures>* features = nullptr;
};

/// What a dry run (or `sf2pg plan`) shows for a table.
struct PlanReport {
  std::string table;
  LoadMethod method = LoadMethod::kCopy;
  config::ChunkingStrategy strategy = config::ChunkingStrategy::kAuto;
  std::string reason;
  int64_t rows = 0;
  std::vector<std::string> chunk_sql;
  std::vector<std::string> target_ddl;  ///< statements that would run on the target
  std::vector<std::string> notes;       ///< how columns land, when the target decides it
  int threads = 0;
  int64_t memory_mb_seed = 0;   ///< the seed tool's formula: threads x batch x bytes/row x 2
  int64_t memory_mb_sf2pg = 0;  ///< sf2pg's bound: threads x partitions in flight x their size
};

/// Prepares one table. Throws Error when the table cannot be loaded (missing source table,
/// target mismatch, ...): the message lists every problem; the caller fails that table only.
TableJob PrepareTable(PrepareContext& ctx, const config::SourceConfig& source,
                      const config::TableConfig& table, PlanReport* report);

}  // namespace sf2pg::plan
