// Backend on PostgreSQL: the status tables through run::StatusStore on one session to the
// status database, a cached session per target database for preparing tables, and a
// PgLoadSession per worker.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "exec/backend.h"
#include "postgres/connection.h"
#include "run/status_store.h"

namespace sf2pg::exec {

class PgBackend : public Backend {
 public:
  using Params = std::function<postgres::ConnectParams(const std::string&)>;
  /// Connects to the status database; throws Error when it cannot. With `dry_run`, target
  /// databases are only read.
  PgBackend(std::string status_database, Params params, bool dry_run,
            VanishedKeyRanges vanished_ranges = {});

  run::Tracker& tracker() override { return *store_; }
  void EnsureSchema() override { store_->EnsureSchema(); }
  plan::TableJob Prepare(const config::SourceConfig& source, const config::TableConfig& table,
                         Source& reader, const std::string& run_id, bool dry_run,
                         plan::PlanReport* report) override;
  void RestoreIndexes(const std::string& target_database,
                      const std::vector<std::string>& definitions) override;
  std::unique_ptr<LoadSession> OpenSession(const std::string& run_id) override;
  bool Alive() override;
  void Reconnect() override;

 private:
  /// The session to a target database; for the status database, the status session, so a
  /// truncate there commits with the plan.
  postgres::Connection& TargetConn(const std::string& database);

  std::string status_db_;
  Params params_;
  bool dry_run_;
  VanishedKeyRanges vanished_ranges_;
  std::unique_ptr<postgres::Connection> status_conn_;
  std::unique_ptr<run::StatusStore> store_;  ///< on status_conn_
  std::map<std::string, std::unique_ptr<postgres::Connection>> target_conns_;
  std::map<std::string, TargetFeatures> features_;  ///< per target database
};

}  // namespace sf2pg::exec
