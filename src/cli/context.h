// What every subcommand loads first: configuration, credentials and logging.
#pragma once

#include <string>
#include <vector>

#include "cli/commands.h"
#include "config/config.h"
#include "config/load.h"
#include "postgres/connection.h"

namespace sf2pg::cli {

struct Context {
  config::Config config;
  config::Credentials credentials;
  std::vector<config::Problem> warnings;
};

/// Loads config.json and the credentials `needs` asks for, sets up logging, and logs the
/// warnings. Throws ConfigError listing every problem of both at once.
Context LoadContext(const GlobalOptions& global, config::CredentialNeeds needs);

/// Connection settings for `database` on the configured PostgreSQL server.
postgres::ConnectParams PostgresParams(const config::Credentials& credentials,
                                       const std::string& database);

}  // namespace sf2pg::cli
