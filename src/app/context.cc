#include "app/context.h"

#include <unistd.h>

#include <set>

#include "app/source_factory.h"
#include "config/names.h"
#include "core/error.h"
#include "core/secret.h"
#include "log/log.h"
#include "verify/vanished.h"

namespace sf2pg::app {

Context LoadContext(const GlobalOptions& global, config::CredentialNeeds needs) {
  return LoadContext(global, needs, config::Environment::FromProcess(global.env_file));
}

namespace {

// Logging as the options and the credentials' LOG_LEVEL ask.
void InitLogging(const GlobalOptions& global, const config::Credentials& credentials) {
  std::string level = global.log_level.empty() ? credentials.log_level : global.log_level;
  if (global.quiet && (level == "debug" || level == "info")) level = "warning";
  bool json =
      global.log_format == "json" || (global.log_format == "auto" && !isatty(STDERR_FILENO));
  log::Init(json ? log::Format::kJson : log::Format::kText, level);
}

}  // namespace

config::Credentials LoadCredentialsOnly(const GlobalOptions& global,
                                        config::CredentialNeeds needs) {
  std::vector<config::Problem> problems;
  auto env = config::Environment::FromProcess(global.env_file);
  config::Credentials credentials = config::LoadCredentials(env, needs, &problems);
  InitLogging(global, credentials);
  std::vector<config::Problem> errors;
  for (const auto& p : problems) {
    if (p.warning)
      log::Warn(p.path + ": " + p.message);
    else
      errors.push_back(p);
  }
  if (!errors.empty()) throw ConfigError(config::FormatProblems(errors, false));
  return credentials;
}

Context LoadContext(const GlobalOptions& global, config::CredentialNeeds needs,
                    const config::Environment& env) {
  std::vector<config::Problem> problems;
  Context context;
  context.config_path = global.config_path;
  context.credentials = config::LoadCredentials(env, needs, &problems);
  InitLogging(global, context.credentials);

  std::vector<config::Problem> config_problems;
  try {
    context.config = config::LoadConfigFile(global.config_path, &context.warnings);
  } catch (const ConfigError& e) {
    config_problems.push_back({"", e.what(), false});
  }
  std::vector<config::Problem> errors;
  for (const auto& p : config_problems) errors.push_back(p);
  for (const auto& p : problems) {
    if (p.warning)
      context.warnings.push_back(p);
    else
      errors.push_back(p);
  }
  for (const auto& w : context.warnings) log::Warn(w.path + ": " + w.message);
  if (!errors.empty()) {
    std::string message;
    for (const auto& e : errors) {
      if (!message.empty()) message += "\n";
      message += e.path.empty() ? e.message : e.path + ": " + e.message;
    }
    throw ConfigError(message);
  }
  return context;
}

postgres::ConnectParams PostgresParams(const config::Credentials& credentials,
                                       const std::string& database) {
  postgres::ConnectParams p;
  p.host = credentials.postgres.host;
  p.port = credentials.postgres.port;
  p.user = credentials.postgres.user;
  p.password = credentials.postgres.password;
  p.sslmode = credentials.postgres.sslmode;
  p.sslrootcert = credentials.postgres.sslrootcert;
  p.dbname = database;
  return p;
}

void CheckSelection(const Context& context, const std::vector<std::string>& sources,
                    const std::vector<std::string>& tables) {
  std::vector<std::string> names;
  exec::Selection selection = exec::SelectTables(context.config, sources, tables, &names);
  std::vector<config::Problem> problems = config::CheckSelectedTables(context.config, selection);
  if (problems.empty()) return;
  for (auto& p : problems) p.path = context.config_path + ": " + p.path;
  throw ConfigError(config::FormatProblems(problems, false));
}

exec::MigrationOptions MigrationOptionsFor(const Context& context, const MigrateOptions& options) {
  CheckSelection(context, options.sources, options.tables);
  exec::MigrationOptions run;
  run.sources = options.sources;
  run.tables = options.tables;
  run.no_resume = options.no_resume;
  run.resume_max_age_hours = options.resume_max_age_hours;
  run.resume_run_id = options.resume_run_id;
  run.join_run_id = options.run_id;
  run.dry_run = options.dry_run;
  run.allow_deletes = options.allow_deletes;
  run.migration_version = context.credentials.migration_version;
  if (options.deadline_seconds) {
    run.deadline =
        Clock::Real().Now() + std::chrono::duration_cast<Clock::Duration>(
                                  std::chrono::duration<double>(*options.deadline_seconds));
  }
  return run;
}

exec::MigrationDeps MigrationDepsFor(const Context& context) {
  exec::MigrationDeps deps;
  const auto& credentials = context.credentials;
  deps.pg_params = [&credentials](const std::string& db) {
    return PostgresParams(credentials, db);
  };
  deps.make_source = SnowflakeSourceFactory(context.config, credentials);
  deps.vanished_ranges = [](postgres::Connection& target, const plan::TableJob& job,
                            Source& source) {
    return verify::VanishedKeyRanges(target, job, source);
  };
  return deps;
}

std::vector<ConnectionCheck> CheckPostgres(const Context& context) {
  std::set<std::string> databases = {context.config.StatusDatabase()};
  for (const auto& s : context.config.sources) {
    if (s.enabled) databases.insert(s.target_pg_database);
  }
  std::vector<ConnectionCheck> checks;
  for (const auto& db : databases) {
    auto params = PostgresParams(context.credentials, db);
    ConnectionCheck check{"PostgreSQL", params.Describe(), false, ""};
    try {
      postgres::Connection conn(params);
      auto version = conn.Exec("SHOW server_version");
      check.ok = true;
      check.detail = std::string(version.Get(0, 0));
    } catch (const Error& e) {
      check.detail = Redactor::Redact(e.what());
    }
    checks.push_back(std::move(check));
  }
  return checks;
}

ConnectionCheck CheckSnowflake(const Context& context) {
  const auto& sf = context.credentials.snowflake;
  std::string where = sf.url.empty() ? sf.account + ".snowflakecomputing.com" : sf.url;
  ConnectionCheck check{"Snowflake", sf.user + "@" + where, false, ""};
  try {
    check.detail = TestSnowflake(context.credentials, &context.config);
    check.ok = true;
  } catch (const Error& e) {
    check.detail = Redactor::Redact(e.what());
  }
  return check;
}

}  // namespace sf2pg::app
