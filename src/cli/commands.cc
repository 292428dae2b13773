#include "cli/commands.h"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>

#include "app/context.h"
#include "app/source_factory.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/exit_status.h"
#include "core/stop.h"
#include "exec/migration.h"
#include "log/log.h"
#include "report/progress.h"
#include "report/status_view.h"
#include "report/summary.h"
#include "report/table_text.h"
#include "run/status_store.h"
#include "verify/verify.h"

namespace sf2pg::cli {

using app::CheckPostgres;
using app::CheckSelection;
using app::CheckSnowflake;
using app::ConnectionCheck;
using app::Context;
using app::LoadContext;
using app::MigrationDepsFor;
using app::MigrationOptionsFor;
using app::PostgresParams;

int ValidateConfig(const GlobalOptions& global) {
  Context context = LoadContext(global, {.snowflake = true, .postgres = true});
  // What a plain `migrate` would select: every enabled source.
  CheckSelection(context, {}, {});
  const auto& config = context.config;
  size_t tables = 0;
  for (const auto& s : config.sources) {
    std::cout << "source " << s.source_name << (s.enabled ? "" : " (disabled)") << ": "
              << s.source_sf_database << "." << s.source_sf_schema << " -> " << s.target_pg_database
              << "." << s.target_pg_schema << "\n";
    for (const auto& t : s.tables) {
      std::cout << "  " << t.source << " -> " << t.target << (t.enabled ? "" : " (disabled)")
                << "\n";
      if (t.enabled && s.enabled) ++tables;
    }
  }
  std::cout << "configuration OK: " << config.sources.size() << " source(s), " << tables
            << " enabled table(s), " << context.warnings.size() << " warning(s), config_hash "
            << config.config_hash << "\n";
  return kExitDone;
}

int Init(const GlobalOptions& global, const app::InitOptions& options) {
  app::InitResult result = app::RunInit(global, options);
  std::cout << app::InitSummary(result) << "wrote " << options.out << ": " << result.tables.size()
            << " table(s) of " << options.database << "." << options.schema
            << "; each table's _why explains its keys\n"
            << "wrote " << options.env_out
            << ": credential placeholders to fill in (no value was copied)\n"
            << "next: sf2pg validate-config --config " << options.out << ", then sf2pg plan\n";
  return kExitDone;
}

int TestConnections(const GlobalOptions& global) {
  Context context = LoadContext(global, {.snowflake = true, .postgres = true});
  std::vector<ConnectionCheck> checks = CheckPostgres(context);
  checks.push_back(CheckSnowflake(context));
  int failures = 0;
  for (const auto& check : checks) {
    if (check.ok) {
      std::cout << check.system << " " << check.target << ": OK ("
                << (check.system == "Snowflake" ? "version " : "server ") << check.detail << ")\n";
    } else {
      ++failures;
      std::cout << check.system << " " << check.target << ": FAILED: " << check.detail << "\n";
    }
  }
  return failures == 0 ? kExitDone : kExitFailed;
}

namespace {

extern "C" void OnStopSignal(int) { StopFlag::Request(); }

void InstallStopHandlers() {
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int ExitFor(const exec::MigrationResult& r) { return report::ExitStatusFor(r); }

}  // namespace

int Migrate(const GlobalOptions& global, const MigrateOptions& options) {
  Context context = LoadContext(global, {.snowflake = true, .postgres = true});
  InstallStopHandlers();
  exec::MigrationOptions run = MigrationOptionsFor(context, options);
  exec::MigrationDeps deps = MigrationDepsFor(context);
  std::unique_ptr<exec::ProgressSink> progress;
  if (!global.quiet && !options.dry_run) {
    if (log::CurrentFormat() == log::Format::kText && isatty(STDERR_FILENO)) {
      progress = std::make_unique<report::TerminalProgress>(stderr);
    } else {
      progress = std::make_unique<report::JsonProgress>(
          options.progress_interval > 0 ? options.progress_interval : 15.0);
    }
  }
  deps.progress = progress.get();
  exec::MigrationResult result = exec::RunMigration(context.config, run, deps);
  progress.reset();
  if (options.dry_run) {
    std::cout << report::PlanText(result);
    return ExitFor(result);
  }
  if (!global.quiet || result.status != RunStatus::kCompleted || ExitFor(result) != kExitDone)
    std::cout << report::SummaryText(result);
  if (!options.summary_json.empty()) {
    std::ofstream out(options.summary_json);
    out << report::SummaryJson(result).dump(2) << "\n";
    if (!out) log::Error("cannot write the summary", {{"file", options.summary_json}});
  }
  if (result.status == RunStatus::kRunning) {
    std::cout << "Nothing is left for this process; other workers are still loading chunks of run "
              << result.run_id << ".\n";
  }
  if (result.status == RunStatus::kPartial) {
    std::cout << "The run is partial. Run the same command again to resume it (run id "
              << result.run_id << ")";
    if (!result.error.empty()) std::cout << ": " << result.error;
    std::cout << ".\n";
  }
  return ExitFor(result);
}

namespace {

bool AllIdentical(const std::vector<verify::TableVerdict>& verdicts) {
  return std::all_of(verdicts.begin(), verdicts.end(),
                     [](const verify::TableVerdict& v) { return v.identical(); });
}

nlohmann::json VerdictsJson(const std::vector<verify::TableVerdict>& verdicts) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& v : verdicts) out.push_back(verify::VerdictJson(v));
  return out;
}

void PrintVerdicts(const std::vector<verify::TableVerdict>& verdicts) {
  for (const auto& v : verdicts) {
    std::cout << v.table << " -> " << v.target << ": ";
    if (!v.error.empty()) {
      std::cout << "ERROR " << v.error << "\n";
      continue;
    }
    std::cout << (v.identical() ? "identical" : "DIFFERENT") << " (" << v.source_rows
              << " source rows, " << v.target_rows << " target rows";
    if (!v.identical()) {
      std::cout << "; " << v.missing << " missing, " << v.extra << " extra, " << v.changed
                << " changed";
    }
    std::cout << ", " << report::Duration(v.seconds) << ")\n  " << v.how << "\n";
    for (const auto& sample : v.samples) std::cout << "  " << sample << "\n";
  }
}

}  // namespace

int Verify(const GlobalOptions& global, const VerifyOptions& options) {
  Context context = LoadContext(global, {.snowflake = true, .postgres = true});
  exec::MigrationDeps deps = MigrationDepsFor(context);
  verify::VerifyOptions run;
  run.sources = options.sources;
  run.tables = options.tables;
  run.max_rows_shown = options.max_rows;
  if (!verify::ParseMethod(options.method, &run.method)) {
    throw ConfigError("--method must be auto, checksum or rows, not " + options.method);
  }
  run.checksum_threshold = options.checksum_threshold;
  run.checksum.leaf_rows = options.leaf_rows;
  auto verdicts = verify::VerifyTables(context.config, run, deps);
  if (!options.repair) {
    if (options.json) std::cout << VerdictsJson(verdicts).dump(2) << "\n";
    if (!options.json) PrintVerdicts(verdicts);
    return AllIdentical(verdicts) ? kExitDone : kExitFailed;
  }
  if (!options.json) PrintVerdicts(verdicts);
  nlohmann::json out = {{"verify", VerdictsJson(verdicts)}};

  // --repair: an ordinary run over the tables that differ (and only them), each loaded with
  // UPSERT over the key ranges that differ (or whole) and a last chunk that deletes the target
  // rows whose key is not in the source; then those tables are verified again.
  config::Config repair = context.config;
  std::vector<std::string> repaired;
  for (auto& s : repair.sources) {
    for (auto& t : s.tables) {
      std::string name = s.source_sf_database + "." + s.source_sf_schema + "." + t.source;
      auto v = std::find_if(verdicts.begin(), verdicts.end(),
                            [&](const verify::TableVerdict& x) { return x.table == name; });
      bool differs = v != verdicts.end() && v->error.empty() && !v->identical();
      t.enabled = t.enabled && differs;
      if (!differs) continue;
      if (t.uniqueness_columns.empty()) {
        throw ConfigError("verify --repair: " + name +
                          " has no uniqueness_columns; without a key sf2pg cannot reload or "
                          "delete single rows. Reload it with migrate --no-resume.");
      }
      t.repair = true;
      t.repair_ranges = v->repair_ranges;
      t.truncate_onstart = false;
      repaired.push_back(name);
    }
  }
  if (repaired.empty()) {
    if (options.json) std::cout << out.dump(2) << "\n";
    if (!options.json) std::cout << "nothing to repair\n";
    return AllIdentical(verdicts) ? kExitDone : kExitFailed;
  }
  exec::MigrationOptions m;
  m.sources = options.sources;
  m.no_resume = true;
  m.allow_deletes = options.allow_deletes;
  m.migration_version = context.credentials.migration_version;
  exec::MigrationResult result = exec::RunMigration(repair, m, deps);
  out["repair"] = report::SummaryJson(result);
  if (!options.json) std::cout << "repair: " << report::SummaryText(result);
  if (result.status != RunStatus::kCompleted) {
    if (options.json) std::cout << out.dump(2) << "\n";
    return ExitFor(result) == kExitDone ? kExitFailed : ExitFor(result);
  }
  run.tables.clear();
  run.sources.clear();
  verify::VerifyOptions again = run;
  std::vector<verify::TableVerdict> after;
  for (const auto& v : verify::VerifyTables(repair, again, deps)) after.push_back(v);
  out["verify_after_repair"] = VerdictsJson(after);
  if (options.json) std::cout << out.dump(2) << "\n";
  if (!options.json) {
    std::cout << "after the repair:\n";
    PrintVerdicts(after);
  }
  return AllIdentical(after) ? kExitDone : kExitFailed;
}

int Status(const GlobalOptions& global, const StatusOptions& options) {
  Context context = LoadContext(global, {.snowflake = false, .postgres = true});
  postgres::Connection conn(PostgresParams(context.credentials, context.config.StatusDatabase()));
  run::StatusStore store(conn);
  store.EnsureSchema();
  if (options.prune_older_than_days) {
    int64_t n = store.PruneOlderThan(*options.prune_older_than_days);
    std::cout << "removed " << n << " run(s) older than " << *options.prune_older_than_days
              << " day(s) with their tables and chunks\n";
    return kExitDone;
  }
  nlohmann::json view = options.run_id.empty() ? report::RunsJson(store, options.limit)
                                               : report::RunJson(store, options.run_id);
  if (options.json) {
    std::cout << view.dump(2) << "\n";
  } else {
    std::cout << (options.run_id.empty() ? report::RunsText(view) : report::RunText(view));
  }
  return kExitDone;
}

int Abandon(const GlobalOptions& global, const std::string& run_id) {
  Context context = LoadContext(global, {.snowflake = false, .postgres = true});
  postgres::Connection conn(PostgresParams(context.credentials, context.config.StatusDatabase()));
  run::StatusStore store(conn);
  store.EnsureSchema();
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  const char* user = std::getenv("USER");
  std::string by = std::string(user ? user : "sf2pg") + "@" + host;
  RunStatus was = store.AbandonRun(run_id, by);
  if (was == RunStatus::kAbandoned) {
    std::cout << "run " << run_id << " was already abandoned\n";
    return kExitDone;
  }
  log::Info("abandoned run", {{"run_id", run_id}, {"previous_status", ToString(was)}, {"by", by}});
  std::cout << "run " << run_id << " abandoned (it was " << ToString(was)
            << "): it is never resumed and no longer holds its target tables. Rows its completed "
               "chunks loaded stay in the targets; the next fresh run truncates them "
               "(truncate_onstart) or loads over them with UPSERT.\n";
  return kExitDone;
}

}  // namespace sf2pg::cli
