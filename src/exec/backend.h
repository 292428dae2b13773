// What the coordinator (exec/migration.cc) needs from the database side of a run: the status
// tables, preparing each table on its target, recreating dropped indexes, and a session per
// worker. PgBackend (exec/pg_backend.h) does it on PostgreSQL; tests use an in-memory one
// (tests/fakes/memory_backend.h), so the coordinator's glue (open, prepare, run the workers,
// settle, reconnect) is tested without a server.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/source.h"
#include "exec/load_session.h"
#include "plan/prepare.h"
#include "plan/table_job.h"
#include "run/tracker.h"

namespace sf2pg::exec {

class Backend {
 public:
  virtual ~Backend() = default;
  Backend() = default;
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  /// The status tables, on the coordinator's own session. Valid until Reconnect().
  virtual run::Tracker& tracker() = 0;
  /// Creates or upgrades the status tables (not for a dry run).
  virtual void EnsureSchema() = 0;
  /// Prepares one table of `run_id` (plan/prepare.h): throws Error when it cannot be loaded,
  /// run::TargetOwnedError when another run holds its target.
  virtual plan::TableJob Prepare(const config::SourceConfig& source,
                                 const config::TableConfig& table, Source& reader,
                                 const std::string& run_id, bool dry_run,
                                 plan::PlanReport* report) = 0;
  /// Recreates indexes from their definitions on a target database.
  virtual void RestoreIndexes(const std::string& target_database,
                              const std::vector<std::string>& definitions) = 0;
  /// A worker's session for `run_id`. Called from worker threads.
  virtual std::unique_ptr<LoadSession> OpenSession(const std::string& run_id) = 0;
  /// Whether the coordinator's session still answers (it sat idle while the workers ran).
  virtual bool Alive() = 0;
  /// Opens the coordinator's sessions again; tracker() then uses the new one.
  virtual void Reconnect() = 0;
};

}  // namespace sf2pg::exec
