#include "log/log.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/secret.h"

namespace sf2pg::log {
namespace {

std::atomic<Format> g_format{Format::kText};
std::mutex g_console_mu;
std::function<void()> g_console_hook;  // guarded by g_console_mu
std::atomic<Level> g_level{Level::kInfo};

spdlog::logger& Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = spdlog::stderr_color_mt("sf2pg");
    l->set_pattern("%v");
    l->set_level(spdlog::level::trace);
    return l;
  }();
  return *logger;
}

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarning:
      return "warning";
    case Level::kError:
      return "error";
  }
  return "info";
}

spdlog::level::level_enum SpdLevel(Level level) {
  switch (level) {
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarning:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

std::string Timestamp() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z",
                     fmt::gmtime(std::chrono::system_clock::to_time_t(now)),
                     static_cast<int>(ms.count()));
}

bool NeedsQuotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\n' || c == '\t') return true;
  }
  return false;
}

}  // namespace

Field::Field(std::string_view k, double v) : key(k), quoted(false) {
  value = std::isfinite(v) ? fmt::format("{:.6g}", v) : "null";
}

void Init(Format format, std::string_view level) {
  g_format = format;
  if (level == "debug")
    g_level = Level::kDebug;
  else if (level == "warning" || level == "warn")
    g_level = Level::kWarning;
  else if (level == "error" || level == "critical" || level == "fatal")
    g_level = Level::kError;
  else
    g_level = Level::kInfo;
  Logger();
}

Format CurrentFormat() { return g_format; }

bool Enabled(Level level) { return level >= g_level.load(); }

std::string Render(Format format, Level level, std::string_view message, Fields fields) {
  if (format == Format::kJson) {
    nlohmann::json j;
    j["time"] = Timestamp();
    j["level"] = LevelName(level);
    j["msg"] = std::string(message);
    for (const auto& f : fields) {
      if (f.quoted) {
        j[f.key] = f.value;
      } else {
        j[f.key] = nlohmann::json::parse(f.value, nullptr, false);
      }
    }
    return Redactor::Redact(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  std::string line = Timestamp().substr(0, 23);
  line[10] = ' ';
  std::string lvl(LevelName(level));
  for (auto& c : lvl) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  line += fmt::format(" {:<7} {}", lvl, message);
  for (const auto& f : fields) {
    line += " " + f.key + "=";
    if (f.quoted && NeedsQuotes(f.value)) {
      line +=
          nlohmann::json(f.value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
      line += f.value;
    }
  }
  return Redactor::Redact(line);
}

namespace {

// Writes one finished (already redacted) line under the console lock.
void Emit(spdlog::level::level_enum level, const std::string& line) {
  std::lock_guard lock(g_console_mu);
  if (g_console_hook) g_console_hook();
  Logger().log(level, "{}", line);
  Logger().flush();
}

}  // namespace

void Write(Level level, std::string_view message, Fields fields) {
  if (!Enabled(level)) return;
  Emit(SpdLevel(level), Render(g_format, level, message, fields));
}

void WriteLine(std::string_view line) { Emit(spdlog::level::info, Redactor::Redact(line)); }

void SetConsoleHook(std::function<void()> before_line) {
  std::lock_guard lock(g_console_mu);
  g_console_hook = std::move(before_line);
}

void WithConsole(const std::function<void()>& draw) {
  std::lock_guard lock(g_console_mu);
  draw();
}

}  // namespace sf2pg::log
