#include "app/source_factory.h"

#include <algorithm>

namespace sf2pg::app {
namespace {

snowflake::ClientOptions Options(const config::Config* config,
                                 const config::Credentials& credentials) {
  // Every statement sf2pg sends names its tables in full; the first source only provides the
  // session's defaults.
  std::string database, schema;
  if (config) {
    for (const auto& s : config->sources) {
      if (!s.enabled) continue;
      database = s.source_sf_database;
      schema = s.source_sf_schema;
      break;
    }
  }
  auto options = snowflake::ClientOptions::From(credentials, database, schema);
  if (config) {
    options.statement_timeout_seconds = config->settings.statement_timeout_seconds;
    options.request_timeout = std::chrono::seconds(config->settings.request_timeout_seconds);
  }
  return options;
}

}  // namespace

std::function<std::unique_ptr<Source>()> SnowflakeSourceFactory(
    const config::Config& config, const config::Credentials& credentials) {
  auto options = Options(&config, credentials);
  return [options]() -> std::unique_ptr<Source> { return snowflake::MakeSnowflakeSource(options); };
}

std::unique_ptr<snowflake::SnowflakeSource> CatalogSource(const config::Credentials& credentials) {
  return snowflake::MakeSnowflakeSource(Options(nullptr, credentials));
}

snowflake::ClientOptions TestConnectionOptions(const config::Credentials& credentials,
                                               const config::Config* config) {
  auto options = Options(nullptr, credentials);
  options.request_timeout = kTestConnectionLimit;
  if (config) {
    options.request_timeout = std::min<std::chrono::milliseconds>(
        kTestConnectionLimit, std::chrono::seconds(config->settings.request_timeout_seconds));
  }
  return options;
}

std::string TestSnowflake(const config::Credentials& credentials, const config::Config* config) {
  return snowflake::MakeSnowflakeSource(TestConnectionOptions(credentials, config))
      ->TestConnection();
}

}  // namespace sf2pg::app
