#include "exec/pg_backend.h"

#include "exec/pg_load_session.h"
#include "exec/worker.h"
#include "postgres/indexes.h"

namespace sf2pg::exec {

PgBackend::PgBackend(std::string status_database, Params params, bool dry_run,
                     VanishedKeyRanges vanished_ranges)
    : status_db_(std::move(status_database)),
      params_(std::move(params)),
      dry_run_(dry_run),
      vanished_ranges_(std::move(vanished_ranges)) {
  Reconnect();
}

plan::TableJob PgBackend::Prepare(const config::SourceConfig& source,
                                  const config::TableConfig& table, Source& reader,
                                  const std::string& run_id, bool dry_run,
                                  plan::PlanReport* report) {
  plan::PrepareContext ctx;
  ctx.tracker = store_.get();
  ctx.status_database = status_db_;
  ctx.target_conn = [this](const std::string& db) -> postgres::Connection& {
    return TargetConn(db);
  };
  ctx.source = &reader;
  ctx.run_id = run_id;
  ctx.dry_run = dry_run;
  ctx.features = &features_;
  return plan::PrepareTable(ctx, source, table, report);
}

void PgBackend::RestoreIndexes(const std::string& target_database,
                               const std::vector<std::string>& definitions) {
  postgres::RestoreIndexes(TargetConn(target_database), definitions);
}

std::unique_ptr<LoadSession> PgBackend::OpenSession(const std::string& run_id) {
  return std::make_unique<PgLoadSession>(run_id, status_db_, params_, vanished_ranges_);
}

bool PgBackend::Alive() {
  try {
    status_conn_->Exec("SELECT 1");
    return true;
  } catch (const Error&) {
    return false;
  }
}

void PgBackend::Reconnect() {
  store_.reset();
  target_conns_.clear();
  status_conn_.reset();
  status_conn_ = std::make_unique<postgres::Connection>(params_(status_db_));
  store_ = std::make_unique<run::StatusStore>(*status_conn_);
}

postgres::Connection& PgBackend::TargetConn(const std::string& database) {
  if (database == status_db_) return *status_conn_;
  auto& c = target_conns_[database];
  if (!c) {
    c = std::make_unique<postgres::Connection>(params_(database));
    if (!dry_run_) EnsureCommitMarkers(*c);
  }
  return *c;
}

}  // namespace sf2pg::exec
