// Builds the Snowflake sources the engine asks for: one session per worker.
#pragma once

#include <functional>
#include <memory>

#include "config/config.h"
#include "core/source.h"

namespace sf2pg::cli {

/// A factory of Snowflake sources for `credentials`; each call opens a new session.
std::function<std::unique_ptr<Source>()> SnowflakeSourceFactory(const config::Config& config,
                                                                 const config::Credentials& credentials);

/// Connects to Snowflake and returns the server version (`SELECT CURRENT_VERSION()`).
std::string TestSnowflake(const config::Credentials& credentials);

}  // namespace sf2pg::cli
