// sf2pg_lambda_emu: the Runtime API emulator as a server with Lambda's Invoke API, so other
// test tools (the Step Functions executor in deploy/test/) can invoke the real bootstrap.
//
//   sf2pg_lambda_emu --port-file F [--timeout-ms N] [--max-environments N] [--log FILE]
//                    [--env KEY=VALUE]... -- BOOTSTRAP [ARGS...]
//
// POST /2015-03-31/functions/NAME/invocations with the event as body answers 200 with the
// function's payload; a function error answers 200 with X-Amz-Function-Error: Unhandled and
// the error JSON ({"errorType", "errorMessage"}), as the Invoke API does.
// GET /emulator/stats answers {"environments_started", "timeouts", "invocations"}.
#include <httplib.h>
#include <signal.h>

#include <atomic>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "integration/lambda/runtime_emulator.h"

namespace {

httplib::Server* g_server = nullptr;

extern "C" void OnSignal(int) {
  if (g_server) g_server->stop();
}

int Usage() {
  std::cerr << "usage: sf2pg_lambda_emu --port-file F [--timeout-ms N] [--max-environments N] "
               "[--log FILE] [--env KEY=VALUE]... -- BOOTSTRAP [ARGS...]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  sf2pg::testing::EmulatorOptions options;
  std::string port_file;
  int i = 1;
  for (; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--") {
      ++i;
      break;
    } else if (arg == "--port-file") {
      port_file = value();
    } else if (arg == "--timeout-ms") {
      options.timeout_ms = std::stoi(value());
    } else if (arg == "--max-environments") {
      options.max_environments = std::stoi(value());
    } else if (arg == "--log") {
      options.log_path = value();
    } else if (arg == "--env") {
      std::string kv = value();
      size_t eq = kv.find('=');
      if (eq == std::string::npos) return Usage();
      options.env[kv.substr(0, eq)] = kv.substr(eq + 1);
    } else {
      return Usage();
    }
  }
  for (; i < argc; ++i) options.command.emplace_back(argv[i]);
  if (options.command.empty() || port_file.empty()) return Usage();

  sf2pg::testing::RuntimeEmulator emulator(options);
  std::atomic<int> invocations{0};
  httplib::Server server;
  server.Post(R"(/2015-03-31/functions/([^/]+)/invocations)",
              [&](const httplib::Request& req, httplib::Response& res) {
                ++invocations;
                auto result = emulator.Invoke(req.body.empty() ? "{}" : req.body);
                res.set_header("X-Amz-Executed-Version", "$LATEST");
                if (!result.ok) {
                  res.set_header("X-Amz-Function-Error", "Unhandled");
                  res.set_content(nlohmann::json{{"errorType", result.error_type},
                                                 {"errorMessage", result.error_message}}
                                      .dump(),
                                  "application/json");
                  return;
                }
                res.set_content(result.payload, "application/json");
              });
  server.Get("/emulator/stats", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(nlohmann::json{{"environments_started", emulator.environments_started()},
                                   {"timeouts", emulator.timeouts()},
                                   {"invocations", invocations.load()}}
                        .dump(),
                    "application/json");
  });
  int port = server.bind_to_any_port("127.0.0.1");
  if (port <= 0) {
    std::cerr << "sf2pg_lambda_emu: cannot bind a port\n";
    return 1;
  }
  {
    std::ofstream out(port_file + ".tmp");
    out << port << "\n";
  }
  std::rename((port_file + ".tmp").c_str(), port_file.c_str());
  g_server = &server;
  signal(SIGTERM, OnSignal);
  signal(SIGINT, OnSignal);
  server.listen_after_bind();
  return 0;
}
