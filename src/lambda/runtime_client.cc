#include "lambda/runtime_client.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "core/error.h"

namespace sf2pg::lambda {
namespace {

constexpr const char* kVersionPath = "/2018-06-01";

http::Options RuntimeHttpOptions() {
  http::Options options;
  options.connect_timeout = std::chrono::milliseconds(5000);
  return options;
}

}  // namespace

std::string ErrorBody(const ErrorReport& error) {
  return nlohmann::json{{"errorMessage", error.message},
                        {"errorType", error.type},
                        {"stackTrace", nlohmann::json::array()}}
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::chrono::steady_clock::time_point SteadyDeadline(
    int64_t deadline_ms, std::chrono::system_clock::time_point now_wall,
    std::chrono::steady_clock::time_point now_steady) {
  auto now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now_wall.time_since_epoch()).count();
  return now_steady + std::chrono::milliseconds(deadline_ms - now_ms);
}

RuntimeClient::RuntimeClient(const std::string& endpoint)
    : base_("http://" + endpoint + kVersionPath), http_(RuntimeHttpOptions()) {}

RuntimeClient::~RuntimeClient() = default;

Invocation RuntimeClient::Next() {
  http::Request request;
  request.url = base_ + "/runtime/invocation/next";
  // The environment may be frozen between invocations for any length of time: no timeout.
  request.timeout = std::chrono::milliseconds(0);
  request.unstoppable = true;
  http::Response reply = http_.Send(request);
  if (reply.failed()) {
    throw InternalError("Lambda Runtime API: GET next failed: " + reply.transport.summary);
  }
  if (reply.status != 200) {
    throw InternalError("Lambda Runtime API: GET next answered " + std::to_string(reply.status) +
                        ": " + reply.body);
  }
  Invocation inv;
  inv.body = std::move(reply.body);
  inv.request_id = reply.Header("lambda-runtime-aws-request-id");
  inv.function_arn = reply.Header("lambda-runtime-invoked-function-arn");
  inv.trace_id = reply.Header("lambda-runtime-trace-id");
  const std::string deadline = reply.Header("lambda-runtime-deadline-ms");
  if (!deadline.empty() && std::all_of(deadline.begin(), deadline.end(),
                                       [](unsigned char c) { return std::isdigit(c) != 0; })) {
    inv.deadline_ms = std::stoll(deadline);
  }
  if (inv.request_id.empty()) {
    throw InternalError("Lambda Runtime API: the event has no Lambda-Runtime-Aws-Request-Id");
  }
  return inv;
}

http::Response RuntimeClient::Post(const std::string& path, const std::string& body,
                                   const std::string& error_type) {
  http::Request request;
  request.method = http::Request::Method::kPost;
  request.url = base_ + path;
  request.body = body;
  request.timeout = std::chrono::milliseconds(30000);
  request.unstoppable = true;
  request.headers = {"Content-Type: application/json", "Expect:"};
  if (!error_type.empty()) {
    request.headers.push_back("Lambda-Runtime-Function-Error-Type: " + error_type);
  }
  http::Response reply = http_.Send(request);
  if (reply.failed()) {
    throw InternalError("Lambda Runtime API: POST " + path + " failed: " + reply.transport.summary);
  }
  return reply;
}

void RuntimeClient::Respond(const std::string& request_id, const std::string& body) {
  http::Response reply = Post("/runtime/invocation/" + request_id + "/response", body, "");
  if (reply.status == 413) {
    throw InternalError("Lambda Runtime API: the response of " + std::to_string(body.size()) +
                        " bytes is too large (413)");
  }
  if (reply.status != 202) {
    throw InternalError("Lambda Runtime API: the response was refused with " +
                        std::to_string(reply.status) + ": " + reply.body);
  }
}

void RuntimeClient::Fail(const std::string& request_id, const ErrorReport& error) {
  http::Response reply =
      Post("/runtime/invocation/" + request_id + "/error", ErrorBody(error), error.type);
  if (reply.status != 202) {
    throw InternalError("Lambda Runtime API: the error report was refused with " +
                        std::to_string(reply.status) + ": " + reply.body);
  }
}

void RuntimeClient::InitError(const ErrorReport& error) {
  http::Response reply = Post("/runtime/init/error", ErrorBody(error), error.type);
  if (reply.status != 202) {
    throw InternalError("Lambda Runtime API: the init error was refused with " +
                        std::to_string(reply.status) + ": " + reply.body);
  }
}

}  // namespace sf2pg::lambda
