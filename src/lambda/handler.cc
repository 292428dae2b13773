#include "lambda/handler.h"

#include <algorithm>
#include <chrono>
#include <functional>

#include "app/context.h"
#include "core/secret.h"
#include "lambda/secrets.h"
#include "log/log.h"
#include "report/metrics.h"
#include "report/progress.h"
#include "report/status_view.h"
#include "report/summary.h"
#include "run/status_store.h"

namespace sf2pg::lambda {
namespace {

using nlohmann::json;

constexpr size_t kMaxErrors = 20;
constexpr size_t kMaxErrorChars = 1000;
constexpr size_t kMaxTablesListed = 50;

std::string Cut(const std::string& text, size_t limit) {
  return text.size() <= limit ? text : text.substr(0, limit) + "...";
}

std::string TypeFor(const std::exception& e) {
  if (dynamic_cast<const PayloadError*>(&e)) return "Sf2pg.InvalidPayload";
  if (dynamic_cast<const ConnectionCheckError*>(&e)) return "Sf2pg.ConnectionError";
  const auto* error = dynamic_cast<const Error*>(&e);
  if (!error) return "Sf2pg.Unhandled";
  if (error->retry() != Retry::kNever) return "Sf2pg.RetryableError";
  if (dynamic_cast<const ConfigError*>(&e)) return "Sf2pg.ConfigError";
  if (dynamic_cast<const PostgresError*>(&e)) return "Sf2pg.PostgresError";
  if (dynamic_cast<const SnowflakeError*>(&e)) return "Sf2pg.SnowflakeError";
  if (dynamic_cast<const DataError*>(&e)) return "Sf2pg.DataError";
  if (dynamic_cast<const InternalError*>(&e)) return "Sf2pg.InternalError";
  if (dynamic_cast<const StoppedError*>(&e)) return "Sf2pg.Stopped";
  return "Sf2pg.Error";
}

// Loads config and credentials from the process environment plus any secrets it names.
app::Context Load(const app::GlobalOptions& global, config::CredentialNeeds needs) {
  config::Environment env = config::Environment::FromProcess(global.env_file);
  ResolveSecrets(env);
  return app::LoadContext(global, needs, env);
}

void CheckSources(const config::Config& config, const std::vector<std::string>& names) {
  for (const auto& name : names) {
    if (!config.FindSource(name)) throw ConfigError("source_name: no source named " + name);
  }
}

json ValidateConfigAction(const Request& request, const app::GlobalOptions& global) {
  app::Context context = Load(global, {.snowflake = true, .postgres = true});
  CheckSources(context.config, request.migrate.sources);
  app::CheckSelection(context, request.migrate.sources, request.migrate.tables);
  json sources = json::array();
  int64_t tables = 0;
  for (const auto& s : context.config.sources) {
    int64_t enabled =
        std::count_if(s.tables.begin(), s.tables.end(), [](const auto& t) { return t.enabled; });
    sources.push_back({{"source_name", s.source_name},
                       {"enabled", s.enabled},
                       {"tables", enabled},
                       {"target", s.target_pg_database + "." + s.target_pg_schema}});
    if (s.enabled) tables += enabled;
  }
  json warnings = json::array();
  for (const auto& w : context.warnings) {
    if (warnings.size() < kMaxErrors) warnings.push_back(Cut(w.ToString(), kMaxErrorChars));
  }
  return {{"action", "validate_config"},
          {"status", "ok"},
          {"config_hash", context.config.config_hash},
          {"sources", sources},
          {"tables", tables},
          {"warnings", warnings}};
}

json TestConnectionsAction(const Request& request, const app::GlobalOptions& global) {
  app::Context context = Load(global, {.snowflake = true, .postgres = true});
  CheckSources(context.config, request.migrate.sources);
  std::vector<app::ConnectionCheck> checks = app::CheckPostgres(context);
  checks.push_back(app::CheckSnowflake(context));
  json list = json::array();
  std::string failures;
  for (const auto& c : checks) {
    list.push_back({{"system", c.system},
                    {"target", c.target},
                    {"ok", c.ok},
                    {"detail", Cut(c.detail, kMaxErrorChars)}});
    if (!c.ok)
      failures += (failures.empty() ? "" : "; ") + c.system + " " + c.target + ": " + c.detail;
  }
  if (!failures.empty()) throw ConnectionCheckError(failures);
  return {{"action", "test_connections"}, {"status", "ok"}, {"checks", list}};
}

json MigrateAction(const Request& request, const app::GlobalOptions& global,
                   std::optional<Clock::TimePoint> deadline) {
  app::Context context = Load(global, {.snowflake = true, .postgres = true});
  exec::MigrationOptions run = app::MigrationOptionsFor(context, request.migrate);
  // plan_only: a deadline that has already passed lets the run be opened and planned but no
  // chunk be claimed, so fan-out workers can start on it at once.
  run.deadline = request.plan_only ? std::optional(Clock::Real().Now()) : deadline;
  exec::MigrationDeps deps = app::MigrationDepsFor(context);
  report::JsonProgress progress;  // a JSON line per unfinished table every 15 s, for CloudWatch
  deps.progress = &progress;
  exec::MigrationResult result = exec::RunMigration(context.config, run, deps);
  log::Info("invocation finished", {{"run_id", result.run_id},
                                    {"status", ToString(result.status)},
                                    {"seconds", result.seconds}});
  // Metrics for CloudWatch, as Embedded Metric Format lines in the function's log.
  auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  for (const auto& document : report::MetricDocuments(result, now_ms)) {
    log::WriteLine(document.dump());
  }
  return MigrationBody(result);
}

json StatusAction(const Request& request, const app::GlobalOptions& global) {
  app::Context context = Load(global, {.snowflake = false, .postgres = true});
  postgres::Connection conn(
      app::PostgresParams(context.credentials, context.config.StatusDatabase()));
  run::StatusStore store(conn);
  store.EnsureSchema();
  json view = request.run_id.empty() ? report::RunsJson(store, request.limit)
                                     : report::RunJson(store, request.run_id);
  json body = {{"action", "status"}, {"status", "ok"}, {"view", view}};
  if (body.dump().size() > kMaxBodyBytes) {
    body["view"] = nullptr;
    body["truncated"] = true;
  }
  return body;
}

}  // namespace

ErrorReport ErrorReportFor(const std::exception& e) {
  return {TypeFor(e), Cut(Redactor::Redact(e.what()), 4 * kMaxErrorChars)};
}

json MigrationBody(const exec::MigrationResult& r) {
  int64_t tables_completed = 0, tables_failed = 0, chunks_total = 0, chunks_completed = 0,
          chunks_failed = 0, rows = 0, rows_total = 0;
  json errors = json::array();
  json tables = json::array();
  for (const auto& t : r.tables) {
    tables_completed += t.status == TableStatus::kCompleted;
    tables_failed += t.status == TableStatus::kFailed;
    chunks_total += t.total_chunks;
    chunks_completed += t.completed_chunks;
    chunks_failed += t.failed_chunks;
    rows += t.rows;
    rows_total += t.rows_total;
    for (const auto& e : t.errors) {
      if (errors.size() < kMaxErrors) {
        errors.push_back(Cut(t.table + ": " + Redactor::Redact(e), kMaxErrorChars));
      }
    }
    tables.push_back(
        {{"table", t.table},
         {"status", ToString(t.status)},
         {"chunks", std::to_string(t.completed_chunks) + "/" + std::to_string(t.total_chunks)},
         {"rows", t.rows}});
  }
  std::string error = r.error;
  if (error.empty() && r.status == RunStatus::kFailed && !errors.empty())
    error = errors[0].get<std::string>();
  json short_tables = json::array();
  for (const auto* t : report::ShortTables(r)) {
    if (short_tables.size() >= kMaxTablesListed) break;
    short_tables.push_back({{"table", t->table},
                            {"planned", t->row_check->planned},
                            {"copied", t->row_check->copied},
                            {"rejected", t->row_check->rejected}});
  }
  json body = {
      {"action", "migrate"},
      {"status", ToString(r.status)},
      {"exit_status", report::ExitStatusFor(r)},
      {"shortfall", !short_tables.empty()},
      {"shortfall_tables", short_tables},
      {"resume_needed", r.status == RunStatus::kPartial || r.status == RunStatus::kRunning},
      {"run_id", r.run_id},
      {"resumed", r.resumed},
      {"deadline_reached", r.deadline_reached},
      {"seconds", r.seconds},
      {"counts",
       {{"tables", r.tables.size()},
        {"tables_completed", tables_completed},
        {"tables_failed", tables_failed},
        {"chunks_total", chunks_total},
        {"chunks_completed", chunks_completed},
        {"chunks_failed", chunks_failed},
        {"rows", rows},
        {"rows_total", rows_total}}},
      {"error", Cut(Redactor::Redact(error), kMaxErrorChars)},
      {"errors", errors},
      {"sf2pg_version", SF2PG_VERSION}};
  if (tables.size() <= kMaxTablesListed) body["tables"] = tables;
  if (body.dump().size() > kMaxBodyBytes) body.erase("tables");
  if (body.dump().size() > kMaxBodyBytes) body.erase("shortfall_tables");
  while (body.dump().size() > kMaxBodyBytes && !body["errors"].empty()) {
    body["errors"].erase(body["errors"].size() - 1);
  }
  return body;
}

json Envelope(json body) { return {{"statusCode", 200}, {"body", std::move(body)}}; }

namespace {

// The engine names the command line's options in its errors; an event has fields instead.
json WithEventFieldNames(const std::function<json()>& action) {
  try {
    return action();
  } catch (const ConfigError& e) {
    constexpr std::string_view kTablesOption = "--tables: ";
    std::string_view message = e.what();
    if (!message.starts_with(kTablesOption)) throw;
    throw ConfigError("tables_filter: " + std::string(message.substr(kTablesOption.size())));
  }
}

}  // namespace

json HandleEvent(std::string_view event, const app::GlobalOptions& global,
                 std::optional<Clock::TimePoint> deadline) {
  Request request = ParseRequest(event);
  log::Info("invocation", {{"action", ToString(request.action)}});
  switch (request.action) {
    case Action::kValidateConfig:
      return Envelope(WithEventFieldNames([&] { return ValidateConfigAction(request, global); }));
    case Action::kTestConnections:
      return Envelope(TestConnectionsAction(request, global));
    case Action::kStatus:
      return Envelope(StatusAction(request, global));
    case Action::kMigrate:
      break;
  }
  return Envelope(WithEventFieldNames([&] { return MigrateAction(request, global, deadline); }));
}

}  // namespace sf2pg::lambda
