#include "cli/context.h"

#include <unistd.h>

#include "core/error.h"
#include "report/log.h"

namespace sf2pg::cli {

Context LoadContext(const GlobalOptions& global, config::CredentialNeeds needs) {
  auto env = config::Environment::FromProcess(global.env_file);
  std::vector<config::Problem> problems;
  Context context;
  context.credentials = config::LoadCredentials(env, needs, &problems);

  std::string level = global.log_level.empty() ? context.credentials.log_level : global.log_level;
  if (global.quiet && (level == "debug" || level == "info")) level = "warning";
  bool json = global.log_format == "json" ||
              (global.log_format == "auto" && !isatty(STDERR_FILENO));
  log::Init(json ? log::Format::kJson : log::Format::kText, level);

  std::vector<config::Problem> config_problems;
  try {
    context.config = config::LoadConfigFile(global.config_path, &context.warnings);
  } catch (const ConfigError& e) {
    config_problems.push_back({"", e.what(), false});
  }
  std::vector<config::Problem> errors;
  for (const auto& p : config_problems) errors.push_back(p);
  for (const auto& p : problems) {
    if (!p.warning) errors.push_back(p);
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

}  // namespace sf2pg::cli
