// A local stand-in for AWS Lambda's side of the Runtime API (2018-06-01), for tests: it starts
// the real bootstrap as a child process (one per execution environment), hands it events with
// an epoch-millisecond deadline, collects its response or error, and kills it with SIGKILL
// when the deadline passes, as Lambda does. Concurrent invocations get separate environments;
// an idle environment is reused, so one process serves many invocations.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sf2pg::testing {

struct EmulatorOptions {
  std::vector<std::string> command;        ///< the bootstrap and its arguments
  std::map<std::string, std::string> env;  ///< added to this process's environment
  int timeout_ms = 3000;                   ///< the function's timeout
  int max_environments = 8;                ///< concurrent environments (reserved concurrency)
  std::string function_name = "sf2pg";
  size_t max_response_bytes = 6 * 1024 * 1024;  ///< larger responses are refused with 413
  std::string log_path;  ///< children's stdout and stderr are appended here (empty: inherited)
};

/// What the invoker sees, like the Invoke API: a payload, or a function error.
struct InvokeResult {
  bool ok = false;
  std::string payload;     ///< the response body, or the error JSON
  std::string error_type;  ///< e.g. Sf2pg.ConfigError, Sandbox.Timedout, Runtime.ExitError
  std::string error_message;
  std::string header_error_type;  ///< Lambda-Runtime-Function-Error-Type as sent
  bool timed_out = false;
  bool init_error = false;
  int environment = 0;  ///< which environment served it (1, 2, ...)
  pid_t pid = 0;
  double seconds = 0;
};

class RuntimeEmulator {
 public:
  explicit RuntimeEmulator(EmulatorOptions options);
  ~RuntimeEmulator();  ///< kills every child
  RuntimeEmulator(const RuntimeEmulator&) = delete;
  RuntimeEmulator& operator=(const RuntimeEmulator&) = delete;

  /// Runs one invocation to its end. Thread-safe; blocks until answered, failed or timed out.
  /// `timeout_ms` overrides the function's timeout for this invocation (0: the option's).
  InvokeResult Invoke(const std::string& event, int timeout_ms = 0);
  /// Execution environments started so far (cold starts).
  int environments_started();
  int timeouts();

 private:
  struct Environment;
  std::shared_ptr<Environment> Acquire();
  void Release(const std::shared_ptr<Environment>& env, bool keep);
  std::shared_ptr<Environment> Start();

  EmulatorOptions options_;
  std::mutex mu_;
  std::vector<std::shared_ptr<Environment>> idle_;  // guarded by mu_
  int busy_ = 0;                                    // guarded by mu_
  int started_ = 0;                                 // guarded by mu_
  int timeouts_ = 0;                                // guarded by mu_
  std::vector<std::shared_ptr<Environment>> all_;   // guarded by mu_
};

}  // namespace sf2pg::testing
