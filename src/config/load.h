// Loading config.json and credentials, with validation that reports every problem at once.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace sf2pg::config {

/// The result of parsing config.json text: a config when there are no errors, and every
/// problem found (warnings included) in document order.
struct ParseResult {
  std::optional<Config> config;
  std::vector<Problem> problems;
  bool ok() const { return config.has_value(); }
};

/// Parses and validates config.json text. Never throws for bad input.
[[nodiscard]] ParseResult ParseConfig(std::string_view text);

/// Reads and parses a config file. Throws ConfigError listing every error (one per line,
/// prefixed with the file name); warnings are appended to `warnings` when given.
Config LoadConfigFile(const std::string& path, std::vector<Problem>* warnings = nullptr);

/// A snapshot of the environment: process variables win over a .env file's.
class Environment {
 public:
  /// Reads the process environment and, if `dotenv_path` names an existing file, that file.
  /// Throws ConfigError for a malformed .env file (naming the line).
  static Environment FromProcess(const std::string& dotenv_path);
  /// Builds one from explicit maps (tests): `process` wins over `dotenv`.
  static Environment FromMaps(std::map<std::string, std::string> process,
                              std::map<std::string, std::string> dotenv);
  std::optional<std::string> Get(const std::string& name) const;
  /// Sets (or replaces) one variable, e.g. a credential read from a secrets store.
  void Set(const std::string& name, std::string value) { values_[name] = std::move(value); }

 private:
  std::map<std::string, std::string> values_;
};

/// Parses the text of a .env file: KEY=VALUE lines, `#` comments, optional `export `, and
/// single- or double-quoted values (double quotes may span lines and understand \n).
/// Throws ConfigError naming the line of a malformed entry.
std::map<std::string, std::string> ParseDotenv(std::string_view text, std::string_view origin);

/// Which credentials a command needs; missing required ones are problems.
struct CredentialNeeds {
  bool snowflake = true;
  bool postgres = true;
};

/// Reads credentials from `env`, appending a problem for each missing or malformed variable.
Credentials LoadCredentials(const Environment& env, CredentialNeeds needs,
                            std::vector<Problem>* problems);

/// Turns a PEM key given in an environment variable into PEM text with real newlines:
/// accepts escaped `\n`, surrounding quotes, and a bare base64 body (wrapped as PKCS#8).
std::string NormalizePemKey(std::string_view value);

/// Joins problems one per line (errors only unless `with_warnings`).
std::string FormatProblems(const std::vector<Problem>& problems, bool with_warnings);

}  // namespace sf2pg::config
