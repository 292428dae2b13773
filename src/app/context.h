// What every subcommand loads first: configuration, credentials and logging.
#pragma once

#include <string>
#include <vector>

#include "app/options.h"
#include "config/config.h"
#include "config/load.h"
#include "exec/migration.h"
#include "postgres/connection.h"

namespace sf2pg::app {

struct Context {
  config::Config config;
  config::Credentials credentials;
  std::vector<config::Problem> warnings;
  std::string config_path;  ///< where `config` was read from, for messages
};

/// Loads config.json and the credentials `needs` asks for, sets up logging, and logs the
/// warnings. Throws ConfigError listing every problem of both at once.
Context LoadContext(const GlobalOptions& global, config::CredentialNeeds needs);
/// As above, with the environment given instead of read from the process and .env file.
Context LoadContext(const GlobalOptions& global, config::CredentialNeeds needs,
                    const config::Environment& env);

/// Reads the credentials `needs` asks for and sets up logging, without a config.json (for
/// commands that write one). Throws ConfigError listing every missing or malformed variable.
config::Credentials LoadCredentialsOnly(const GlobalOptions& global, config::CredentialNeeds needs);

/// Connection settings for `database` on the configured PostgreSQL server.
postgres::ConnectParams PostgresParams(const config::Credentials& credentials,
                                       const std::string& database);

/// Checks that the tables `sources` and `tables` select (as migrate selects them; empty means
/// every enabled one) can be loaded in one run (config::CheckSelectedTables). Throws
/// ConfigError listing every problem, or naming an unknown source or table.
void CheckSelection(const Context& context, const std::vector<std::string>& sources,
                    const std::vector<std::string>& tables);

/// The engine's options for a migrate request (from the command line or a Lambda event), once
/// CheckSelection accepts its selection.
exec::MigrationOptions MigrationOptionsFor(const Context& context, const MigrateOptions& options);

/// The engine's dependencies for `context`: PostgreSQL settings per database and a new
/// Snowflake session per call. `context` must outlive the result.
exec::MigrationDeps MigrationDepsFor(const Context& context);

/// The outcome of connecting to one database.
struct ConnectionCheck {
  std::string system;  ///< "PostgreSQL" or "Snowflake"
  std::string target;  ///< host:port/dbname, or the account
  bool ok = false;
  std::string detail;  ///< the server version, or the error (redacted)
};

/// Connects to the status database and the target database of every enabled source.
std::vector<ConnectionCheck> CheckPostgres(const Context& context);
/// Connects to Snowflake and reads its version.
ConnectionCheck CheckSnowflake(const Context& context);

}  // namespace sf2pg::app
