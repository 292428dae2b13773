// Secrets (keys, passwords, tokens) and the process-wide redactor that keeps them out of
// every log line and error message.
#pragma once

#include <string>
#include <string_view>

namespace sf2pg {

/// A string that must never be printed. Reading it takes an explicit call to reveal().
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value);
  bool empty() const { return value_.empty(); }
  const std::string& reveal() const { return value_; }

 private:
  std::string value_;
};

/// Replaces every registered secret (and each of its lines, for multi-line keys) by "***".
/// Thread-safe. Secrets are registered when credentials are loaded; log sinks and error
/// reporters call Redact() on everything they print.
class Redactor {
 public:
  static void Register(std::string_view secret);
  static std::string Redact(std::string_view text);
  static void ClearForTesting();
};

}  // namespace sf2pg
