#include "lambda/runtime_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>

#include "core/error.h"

namespace sf2pg::lambda {
namespace {

constexpr const char* kVersionPath = "/2018-06-01";

size_t CollectBody(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// Headers are kept with lower-case names: the Runtime API's names are case-insensitive.
size_t CollectHeader(char* data, size_t size, size_t count, void* out) {
  std::string_view line(data, size * count);
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) {
      value.remove_prefix(1);
    }
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) {
      value.remove_suffix(1);
    }
    (*static_cast<std::map<std::string, std::string>*>(out))[name] = std::string(value);
  }
  return size * count;
}

CURL* Handle(void* curl) { return static_cast<CURL*>(curl); }

}  // namespace

struct RuntimeClient::Reply {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
};

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
    : base_("http://" + endpoint + kVersionPath), curl_(nullptr) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  curl_ = curl_easy_init();
  if (!curl_) throw InternalError("cannot create a libcurl handle for the Lambda Runtime API");
}

RuntimeClient::~RuntimeClient() { curl_easy_cleanup(Handle(curl_)); }

Invocation RuntimeClient::Next() {
  CURL* curl = Handle(curl_);
  Reply reply;
  curl_easy_reset(curl);
  std::string url = base_ + "/runtime/invocation/next";
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  // The environment may be frozen between invocations for any length of time: no timeout.
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 0L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, CollectBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, CollectHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply.headers);
  CURLcode rc = curl_easy_perform(curl);
  if (rc != CURLE_OK) {
    throw InternalError(std::string("Lambda Runtime API: GET next failed: ") +
                        curl_easy_strerror(rc));
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  if (reply.status != 200) {
    throw InternalError("Lambda Runtime API: GET next answered " + std::to_string(reply.status) +
                        ": " + reply.body);
  }
  Invocation inv;
  inv.body = std::move(reply.body);
  inv.request_id = reply.headers["lambda-runtime-aws-request-id"];
  inv.function_arn = reply.headers["lambda-runtime-invoked-function-arn"];
  inv.trace_id = reply.headers["lambda-runtime-trace-id"];
  const std::string& deadline = reply.headers["lambda-runtime-deadline-ms"];
  if (!deadline.empty() && std::all_of(deadline.begin(), deadline.end(),
                                       [](unsigned char c) { return std::isdigit(c) != 0; })) {
    inv.deadline_ms = std::stoll(deadline);
  }
  if (inv.request_id.empty()) {
    throw InternalError("Lambda Runtime API: the event has no Lambda-Runtime-Aws-Request-Id");
  }
  return inv;
}

RuntimeClient::Reply RuntimeClient::Post(const std::string& path, const std::string& body,
                                         const std::string& error_type) {
  CURL* curl = Handle(curl_);
  Reply reply;
  curl_easy_reset(curl);
  std::string url = base_ + path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 30000L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, CollectBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Expect:");
  if (!error_type.empty()) {
    headers =
        curl_slist_append(headers, ("Lambda-Runtime-Function-Error-Type: " + error_type).c_str());
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    throw InternalError("Lambda Runtime API: POST " + path + " failed: " + curl_easy_strerror(rc));
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  return reply;
}

void RuntimeClient::Respond(const std::string& request_id, const std::string& body) {
  Reply reply = Post("/runtime/invocation/" + request_id + "/response", body, "");
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
  Reply reply = Post("/runtime/invocation/" + request_id + "/error", ErrorBody(error), error.type);
  if (reply.status != 202) {
    throw InternalError("Lambda Runtime API: the error report was refused with " +
                        std::to_string(reply.status) + ": " + reply.body);
  }
}

void RuntimeClient::InitError(const ErrorReport& error) {
  Reply reply = Post("/runtime/init/error", ErrorBody(error), error.type);
  if (reply.status != 202) {
    throw InternalError("Lambda Runtime API: the init error was refused with " +
                        std::to_string(reply.status) + ": " + reply.body);
  }
}

}  // namespace sf2pg::lambda
