// libFuzzer target: config.json text, .env text and PEM keys from environment variables.
// ParseConfig promises never to throw for bad input and to report every problem; ParseDotenv
// may only refuse with a ConfigError. Anything else (a crash, a sanitizer report, another
// exception) is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "config/load.h"
#include "core/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = sf2pg::config::ParseConfig(text);
  // A config comes back exactly when no problem is an error, and then it has its hash.
  bool has_error = false;
  for (const auto& p : parsed.problems) has_error = has_error || !p.warning;
  if (parsed.ok() == has_error) std::abort();
  if (parsed.ok() && parsed.config->config_hash.size() != 32) std::abort();
  (void)sf2pg::config::FormatProblems(parsed.problems, true);
  try {
    (void)sf2pg::config::ParseDotenv(text, ".env");
  } catch (const sf2pg::ConfigError&) {
  }
  (void)sf2pg::config::NormalizePemKey(text);
  return 0;
}
