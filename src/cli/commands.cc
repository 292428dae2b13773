#include "cli/commands.h"

#include <iostream>
#include <set>

#include "cli/context.h"
#include "core/error.h"
#include "core/exit_status.h"
#include "report/log.h"

namespace sf2pg::cli {

int ValidateConfig(const GlobalOptions& global) {
  Context context = LoadContext(global, {.snowflake = true, .postgres = true});
  const auto& config = context.config;
  size_t tables = 0;
  for (const auto& s : config.sources) {
    std::cout << "source " << s.source_name << (s.enabled ? "" : " (disabled)") << ": "
              << s.source_sf_database << "." << s.source_sf_schema << " -> "
              << s.target_pg_database << "." << s.target_pg_schema << "\n";
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

int TestConnections(const GlobalOptions& global) {
  Context context = LoadContext(global, {.snowflake = false, .postgres = true});
  std::set<std::string> databases = {context.config.StatusDatabase()};
  for (const auto& s : context.config.sources) {
    if (s.enabled) databases.insert(s.target_pg_database);
  }
  int failures = 0;
  for (const auto& db : databases) {
    auto params = PostgresParams(context.credentials, db);
    try {
      postgres::Connection conn(params);
      auto version = conn.Exec("SHOW server_version");
      std::cout << "PostgreSQL " << params.Describe() << ": OK (server " << version.Get(0, 0)
                << ")\n";
    } catch (const Error& e) {
      ++failures;
      std::cout << "PostgreSQL " << params.Describe() << ": FAILED: " << e.what() << "\n";
    }
  }
  return failures == 0 ? kExitDone : kExitFailed;
}

int Migrate(const GlobalOptions& global, const MigrateOptions&) {
  LoadContext(global, {.snowflake = true, .postgres = true});
  log::Error("sf2pg migrate is not available in this build yet");
  return kExitFailed;
}

int Status(const GlobalOptions& global, const StatusOptions&) {
  LoadContext(global, {.snowflake = false, .postgres = true});
  log::Error("sf2pg status is not available in this build yet");
  return kExitFailed;
}

}  // namespace sf2pg::cli
