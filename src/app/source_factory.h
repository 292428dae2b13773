// Builds the Snowflake sources the engine asks for: one session per worker.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "config/config.h"
#include "core/source.h"
#include "snowflake/snowflake_source.h"

namespace sf2pg::app {

/// A factory of Snowflake sources for `credentials`; each call opens a new session.
std::function<std::unique_ptr<Source>()> SnowflakeSourceFactory(
    const config::Config& config, const config::Credentials& credentials);

/// A Snowflake session for reading the catalog (sf2pg init), without a config.json.
std::unique_ptr<snowflake::SnowflakeSource> CatalogSource(const config::Credentials& credentials);

/// Longest wait of `test-connections` on Snowflake (request_timeout_seconds when smaller).
inline constexpr std::chrono::seconds kTestConnectionLimit{30};

/// The client options of `test-connections`: a request time limit of kTestConnectionLimit or
/// `config`'s request_timeout_seconds, whichever is smaller.
snowflake::ClientOptions TestConnectionOptions(const config::Credentials& credentials,
                                               const config::Config* config);

/// Connects to Snowflake and returns the server version (`SELECT CURRENT_VERSION()`), giving
/// up after kTestConnectionLimit or `config`'s request_timeout_seconds, whichever is smaller.
std::string TestSnowflake(const config::Credentials& credentials,
                          const config::Config* config = nullptr);

}  // namespace sf2pg::app
