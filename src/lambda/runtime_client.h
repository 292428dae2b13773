// The AWS Lambda Runtime API (version 2018-06-01) as a custom runtime speaks it: wait for the
// next event, then post its response or error; report a failed initialisation. One client per
// process, used from the thread that runs the loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "http/client.h"

namespace sf2pg::lambda {

/// One event handed out by GET /runtime/invocation/next.
struct Invocation {
  std::string request_id;
  std::string body;  ///< the event JSON as sent
  /// Lambda-Runtime-Deadline-Ms: the absolute deadline in milliseconds since the Unix epoch
  /// (0 when the header is missing).
  int64_t deadline_ms = 0;
  std::string function_arn;
  std::string trace_id;
};

/// An error as Lambda expects it: the JSON body's errorType and errorMessage; the type is also
/// sent in the Lambda-Runtime-Function-Error-Type header.
struct ErrorReport {
  std::string type;
  std::string message;
};

/// The error JSON body {"errorMessage", "errorType", "stackTrace": []}.
std::string ErrorBody(const ErrorReport& error);

/// Turns an epoch-milliseconds deadline into a steady-clock instant: the remaining time is
/// measured once against the wall clock (`now_wall`) and added to `now_steady`.
std::chrono::steady_clock::time_point SteadyDeadline(
    int64_t deadline_ms, std::chrono::system_clock::time_point now_wall,
    std::chrono::steady_clock::time_point now_steady);

class RuntimeClient {
 public:
  /// `endpoint` is AWS_LAMBDA_RUNTIME_API (host:port).
  explicit RuntimeClient(const std::string& endpoint);
  ~RuntimeClient();
  RuntimeClient(const RuntimeClient&) = delete;
  RuntimeClient& operator=(const RuntimeClient&) = delete;

  /// Blocks, without any client-side timeout, until the next event arrives. Throws
  /// InternalError when the Runtime API fails (the process should then exit).
  Invocation Next();
  /// Posts the function's result. Throws InternalError unless Lambda accepts it (202); a
  /// 413 means the result was too large.
  void Respond(const std::string& request_id, const std::string& body);
  /// Posts a handled error for the invocation.
  void Fail(const std::string& request_id, const ErrorReport& error);
  /// Reports an initialisation failure; the process should exit afterwards.
  void InitError(const ErrorReport& error);

 private:
  http::Response Post(const std::string& path, const std::string& body,
                      const std::string& error_type);
  std::string base_;
  http::Client http_;  // reused, so the connection is kept alive
};

}  // namespace sf2pg::lambda
