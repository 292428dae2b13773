// Logging: readable lines on a terminal, one JSON object per line for CloudWatch and scripts.
// Every line passes through the secret redactor. Safe to call from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>

namespace sf2pg::log {

enum class Format { kText, kJson };
enum class Level { kDebug, kInfo, kWarning, kError };

/// A structured field: rendered `key=value` in text and as a JSON member in JSON lines.
struct Field {
  Field(std::string_view k, std::string_view v) : key(k), value(v), quoted(true) {}
  Field(std::string_view k, const char* v) : key(k), value(v), quoted(true) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v), quoted(true) {}
  Field(std::string_view k, int64_t v) : key(k), value(std::to_string(v)), quoted(false) {}
  Field(std::string_view k, int v) : key(k), value(std::to_string(v)), quoted(false) {}
  Field(std::string_view k, uint64_t v) : key(k), value(std::to_string(v)), quoted(false) {}
  Field(std::string_view k, double v);
  Field(std::string_view k, bool v) : key(k), value(v ? "true" : "false"), quoted(false) {}
  std::string key;
  std::string value;
  bool quoted;
};
using Fields = std::initializer_list<Field>;

/// Sets the output format and the minimum level ("debug", "info", "warning", "error").
/// Logs go to stderr; stdout is kept for command output.
void Init(Format format, std::string_view level);
Format CurrentFormat();
bool Enabled(Level level);

void Write(Level level, std::string_view message, Fields fields);
inline void Debug(std::string_view m, Fields f = {}) { Write(Level::kDebug, m, f); }
inline void Info(std::string_view m, Fields f = {}) { Write(Level::kInfo, m, f); }
inline void Warn(std::string_view m, Fields f = {}) { Write(Level::kWarning, m, f); }
inline void Error(std::string_view m, Fields f = {}) { Write(Level::kError, m, f); }

/// Writes `line` as it is but for the redactor, whatever the level and format (a document for
/// the log's reader, such as a CloudWatch Embedded Metric Format object).
void WriteLine(std::string_view line);

/// A function run (under the console lock) before every log line is written, so a live
/// display can erase itself first; nullptr removes it.
void SetConsoleHook(std::function<void()> before_line);
/// Runs `draw` under the console lock, so it never interleaves with a log line.
void WithConsole(const std::function<void()>& draw);

/// Renders one line without writing it (tests).
std::string Render(Format format, Level level, std::string_view message, Fields fields);

}  // namespace sf2pg::log
