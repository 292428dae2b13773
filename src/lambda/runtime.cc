#include "lambda/runtime.h"

#include <cstdlib>
#include <iostream>

#include "config/load.h"
#include "core/exit_status.h"
#include "core/strings.h"
#include "lambda/handler.h"
#include "lambda/runtime_client.h"
#include "log/log.h"

namespace sf2pg::lambda {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::string Dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void InitLogging(const app::GlobalOptions& global) {
  std::string level = Lower(global.log_level.empty() ? Env("LOG_LEVEL") : global.log_level);
  if (level == "warn") level = "warning";
  if (level == "critical" || level == "fatal") level = "error";
  if (level != "debug" && level != "warning" && level != "error") level = "info";
  log::Init(global.log_format == "text" ? log::Format::kText : log::Format::kJson, level);
}

// Answers one invocation; returns false when the Runtime API itself failed.
bool Serve(RuntimeClient& client, const Invocation& inv, const app::GlobalOptions& global) {
  if (inv.trace_id.empty()) {
    unsetenv("_X_AMZN_TRACE_ID");
  } else {
    setenv("_X_AMZN_TRACE_ID", inv.trace_id.c_str(), 1);
  }
  std::optional<Clock::TimePoint> deadline;
  if (inv.deadline_ms > 0) {
    deadline = SteadyDeadline(inv.deadline_ms, std::chrono::system_clock::now(),
                              std::chrono::steady_clock::now());
  }
  std::string response;
  std::optional<ErrorReport> error;
  try {
    response = Dump(HandleEvent(inv.body, global, deadline));
  } catch (const std::exception& e) {
    error = ErrorReportFor(e);
    log::Error(
        "invocation failed",
        {{"request_id", inv.request_id}, {"error_type", error->type}, {"error", error->message}});
  }
  try {
    if (error) {
      client.Fail(inv.request_id, *error);
    } else {
      client.Respond(inv.request_id, response);
    }
    return true;
  } catch (const Error& e) {
    log::Error("cannot answer the invocation",
               {{"request_id", inv.request_id}, {"error", e.what()}});
    if (error) return false;
    // The answer was refused (e.g. 413, too large): report that instead, so the caller sees it.
    try {
      client.Fail(inv.request_id, {"Sf2pg.ResponseRefused", e.what()});
      return true;
    } catch (const Error&) {
      return false;
    }
  }
}

}  // namespace

std::string LambdaConfigPath() {
  std::string path = Env("SF2PG_CONFIG");
  if (!path.empty()) return path;
  std::string root = Env("LAMBDA_TASK_ROOT");
  return root.empty() ? "config.json" : root + "/config.json";
}

int RunRuntime(const app::GlobalOptions& global) {
  std::string endpoint = Env("AWS_LAMBDA_RUNTIME_API");
  if (endpoint.empty()) {
    std::cerr << "sf2pg lambda: AWS_LAMBDA_RUNTIME_API is not set (this mode runs inside AWS "
                 "Lambda; use --event to handle one event locally)\n";
    return kExitUsage;
  }
  InitLogging(global);
  RuntimeClient client(endpoint);
  try {
    config::LoadConfigFile(global.config_path);
  } catch (const std::exception& e) {
    ErrorReport report = ErrorReportFor(e);
    log::Error("initialisation failed", {{"error_type", report.type}, {"error", report.message}});
    try {
      client.InitError(report);
    } catch (const Error& posted) {
      log::Error("cannot report the init error", {{"error", posted.what()}});
    }
    return kExitUsage;
  }
  log::Info("sf2pg Lambda runtime ready", {{"version", SF2PG_VERSION},
                                           {"function", Env("AWS_LAMBDA_FUNCTION_NAME")},
                                           {"config", global.config_path}});
  for (;;) {
    Invocation inv;
    try {
      inv = client.Next();
    } catch (const Error& e) {
      log::Error("the Runtime API failed", {{"error", e.what()}});
      return kExitFailed;
    }
    if (!Serve(client, inv, global)) return kExitFailed;
  }
}

int RunOneEvent(const app::GlobalOptions& global, const std::string& event,
                std::optional<double> deadline_seconds) {
  InitLogging(global);
  std::optional<Clock::TimePoint> deadline;
  if (deadline_seconds) {
    deadline = Clock::Real().Now() + std::chrono::duration_cast<Clock::Duration>(
                                         std::chrono::duration<double>(*deadline_seconds));
  }
  try {
    std::cout << HandleEvent(event, global, deadline).dump(2) << "\n";
    return kExitDone;
  } catch (const std::exception& e) {
    ErrorReport report = ErrorReportFor(e);
    std::cout << ErrorBody(report) << "\n";
    return kExitFailed;
  }
}

}  // namespace sf2pg::lambda
