#include "cli/source_factory.h"

#include "core/error.h"

namespace sf2pg::cli {

std::function<std::unique_ptr<Source>()> SnowflakeSourceFactory(const config::Config&,
                                                                 const config::Credentials&) {
  return []() -> std::unique_ptr<Source> {
    throw ConfigError("this build of sf2pg has no Snowflake client yet");
  };
}

std::string TestSnowflake(const config::Credentials&) {
  throw ConfigError("this build of sf2pg has no Snowflake client yet");
}

}  // namespace sf2pg::cli
