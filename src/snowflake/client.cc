#include "snowflake/client.h"

#include <openssl/rand.h>

#include <charconv>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>

#include "core/error.h"
#include "core/retry.h"
#include "core/stop.h"
#include "log/log.h"
#include "snowflake/errors.h"

namespace sf2pg::snowflake {
namespace {

constexpr std::chrono::milliseconds kSleepSlice{100};
constexpr std::chrono::seconds kMaxRetryAfter{300};
constexpr std::chrono::seconds kCancelTimeout{10};

// Retry-After in seconds (the HTTP-date form is not used by Snowflake; it falls back to the
// backoff).
std::optional<std::chrono::milliseconds> RetryAfter(const std::string& header) {
  int seconds = 0;
  auto [end, ec] = std::from_chars(header.data(), header.data() + header.size(), seconds);
  if (header.empty() || ec != std::errc() || end != header.data() + header.size() || seconds < 0) {
    return std::nullopt;
  }
  return std::min<std::chrono::milliseconds>(std::chrono::seconds(seconds), kMaxRetryAfter);
}

}  // namespace

struct Client::Call {
  http::Request::Method method = http::Request::Method::kGet;
  std::string url;
  std::string body;
  std::string context;      ///< for messages: "fetching partition 3 of statement ..."
  bool submission = false;  ///< a POST of a statement: resubmissions add retry=true
  /// Judges a 200/202 body; null = by status alone.
  std::function<Verdict(const http::Response&, ErrorBody*)> inspect;
};

ClientOptions ClientOptions::From(const config::Credentials& credentials, std::string database,
                                  std::string schema) {
  ClientOptions options;
  options.credentials = credentials.snowflake;
  options.database = std::move(database);
  options.schema = std::move(schema);
  options.http.ca_bundle = credentials.snowflake.ca_bundle;
  return options;
}

std::string NewRequestId() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) throw InternalError("no random bytes for a request id");
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  static const char kHex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) id += '-';
    id += kHex[b[i] >> 4];
    id += kHex[b[i] & 0x0F];
  }
  return id;
}

Client::Client(ClientOptions options)
    : options_(std::move(options)),
      base_url_(AccountUrl(options_.credentials.account, options_.credentials.url)),
      auth_(options_.credentials, *options_.clock, options_.token_timing),
      http_(options_.http) {
  http_.SetAbandonFlag(&abandon_);
}

Client::~Client() = default;

http::Request Client::MakeRequest(const Call& call, bool resubmission) {
  http::Request request;
  request.method = call.method;
  request.url = call.url;
  if (call.submission && resubmission) request.url += "&retry=true";
  request.body = call.body;
  request.headers = {
      "Authorization: " + auth_.AuthorizationHeader(),
      "X-Snowflake-Authorization-Token-Type: " + auth_.token_type(), "Accept: application/json",
      "Expect:",  // no 100-continue round trip
  };
  if (call.method == http::Request::Method::kPost) {
    request.headers.push_back("Content-Type: application/json");
  }
  return request;
}

void Client::SleepFor(std::chrono::milliseconds delay, std::string_view why) {
  log::Debug("waiting before the next Snowflake request",
             {{"reason", why}, {"delay_ms", static_cast<int64_t>(delay.count())}});
  // In slices, so a stop request is honoured within a fraction of a second.
  while (delay.count() > 0 && !Stopping()) {
    auto step = std::min(delay, kSleepSlice);
    options_.clock->SleepFor(step);
    delay -= step;
  }
}

void Client::ThrowTimeLimit(const Call& call, int attempts, const std::string& last) const {
  auto limit = std::chrono::duration_cast<std::chrono::milliseconds>(options_.request_timeout);
  std::string seconds = std::to_string(limit.count() / 1000);
  if (limit.count() % 1000 != 0) seconds += "." + std::to_string(limit.count() % 1000 / 100);
  std::string what = "Snowflake at " + base_url_ + " did not answer in time: " + call.context +
                     " reached the request time limit of " + seconds +
                     " s (request_timeout_seconds) after " + std::to_string(attempts) +
                     (attempts == 1 ? " attempt" : " attempts");
  if (!last.empty()) what += "; last error: " + last;
  // Transient: the service may answer the next time the chunk is tried.
  throw SnowflakeError(what, Retry::kCall);
}

// The attempts of one request. Its own loop rather than WithRetries: a rejected token is
// renewed and the request sent again at once, a Retry-After header replaces the backoff pause,
// and the request's time limit can end the wait before the attempts run out.
http::Response Client::Exchange(const Call& call) {
  RetryPolicy policy{options_.max_attempts, options_.backoff_base, options_.backoff_cap};
  DecorrelatedJitterBackoff backoff(policy, std::random_device{}());
  bool reauthenticated = false;
  const bool limited = options_.request_timeout.count() > 0;
  const Clock::TimePoint deadline = options_.clock->Now() + options_.request_timeout;
  auto remaining = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - options_.clock->Now());
  };
  for (int attempt = 1;; ++attempt) {
    if (Stopping()) throw StoppedError("stopped while " + call.context);
    http::Request request = MakeRequest(call, attempt > 1);
    if (limited) {
      auto left = remaining();
      if (left.count() <= 0) ThrowTimeLimit(call, attempt - 1, "");
      // The whole exchange, connection included, must end by the deadline.
      request.timeout = left;
    }
    http::Response response = http_.Send(request);
    ErrorBody error;
    Verdict verdict;
    if (response.failed()) {
      verdict = ClassifyTransport(response.transport.code);
      error.message = response.transport.detail;
    } else if ((response.status == 200 || response.status == 202) && call.inspect) {
      verdict = call.inspect(response, &error);
    } else if (response.status == 200) {
      // A result partition (megabytes of rows): the decoder reads it; parsing it here as an
      // error body would cost more CPU than decoding it.
      verdict = ClassifyResponse(response.status, "");
    } else {
      error = ParseErrorBody(response.body);
      verdict = ClassifyResponse(response.status, error.code);
    }
    if (verdict.action == Action::kDone || verdict.action == Action::kPoll) return response;
    if (Stopping()) throw StoppedError("stopped while " + call.context);
    if (limited && verdict.action != Action::kFail && remaining().count() <= 0) {
      ThrowTimeLimit(call, attempt, error.message);
    }
    if (verdict.action == Action::kReauthenticate && !reauthenticated && auth_.Invalidate()) {
      reauthenticated = true;
      ++retries_;
      log::Info("Snowflake rejected the token; authenticating again", {{"code", error.code}});
      continue;
    }
    if (verdict.action == Action::kRetry && attempt < policy.max_attempts) {
      ++retries_;
      log::Warn("transient Snowflake error; retrying",
                {{"reason", verdict.reason},
                 {"http_status", static_cast<int64_t>(response.status)},
                 {"attempt", attempt},
                 {"while", call.context},
                 {"detail", error.message}});
      auto delay = RetryAfter(response.Header("retry-after")).value_or(backoff.Delay(attempt + 1));
      if (limited && delay >= remaining()) ThrowTimeLimit(call, attempt, error.message);
      SleepFor(delay, verdict.reason);
      continue;
    }
    std::string context = call.context;
    if (attempt > 1) context += " (after " + std::to_string(attempt) + " attempts)";
    throw MakeError(verdict, response.status, error, context);
  }
}

std::string Client::SubmitBody(std::string_view sql, std::string_view query_tag) const {
  std::string tag = options_.query_tag_prefix;
  if (!query_tag.empty())
    tag = tag.empty() ? std::string(query_tag) : tag + ":" + std::string(query_tag);
  // Never any *_OUTPUT_FORMAT parameter: the wire formats of spec §4 depend on the defaults.
  nlohmann::json parameters = {{"TIMEZONE", "UTC"}};
  if (!tag.empty()) parameters["QUERY_TAG"] = tag;
  nlohmann::json body = {{"statement", sql},
                         {"timeout", options_.statement_timeout_seconds},
                         {"parameters", parameters}};
  auto put = [&body](const char* key, const std::string& value) {
    if (!value.empty()) body[key] = value;
  };
  put("database", options_.database);
  put("schema", options_.schema);
  put("warehouse", options_.credentials.warehouse);
  put("role", options_.credentials.role);
  return body.dump();
}

Verdict Client::InspectStatement(const http::Response& response, ErrorBody* error,
                                 StatementMeta* meta) {
  std::string why;
  if (!reader_.ReadMeta(response.body, meta, &why)) {
    error->message = why;
    return ClassifyMalformedBody();
  }
  *error = {meta->code, meta->sql_state, meta->message};
  return ClassifyResponse(response.status, meta->code);
}

Statement Client::Execute(std::string_view sql, std::string_view query_tag) {
  Statement statement;
  Call call;
  call.method = http::Request::Method::kPost;
  call.url = base_url_ + "/api/v2/statements?requestId=" + NewRequestId();
  call.body = SubmitBody(sql, query_tag);
  call.submission = true;
  call.context = "running a statement";
  if (!query_tag.empty()) call.context += " (" + std::string(query_tag) + ")";
  call.inspect = [this, &statement](const http::Response& response, ErrorBody* error) {
    return InspectStatement(response, error, &statement.meta);
  };
  http::Response response = Exchange(call);
  statement.body = std::move(response.body);
  if (response.status == 202) return WaitForResult(std::move(statement));
  return statement;
}

Statement Client::WaitForResult(Statement statement) {
  std::string handle = statement.meta.handle;
  if (handle.empty()) {
    throw SnowflakeError("Snowflake answered 202 without a statement handle", Retry::kCall);
  }
  std::string path = statement.meta.status_url.empty() ? "/api/v2/statements/" + handle
                                                       : statement.meta.status_url;
  auto delay = options_.poll_first;
  Call poll;
  poll.url = base_url_ + path;
  poll.context = "waiting for statement " + handle;
  poll.inspect = [this, &statement](const http::Response& response, ErrorBody* error) {
    return InspectStatement(response, error, &statement.meta);
  };
  try {
    while (true) {
      SleepFor(delay, "statement still running");
      delay = std::min(delay * 2, options_.poll_max);
      http::Response response = Exchange(poll);
      if (response.status == 200) {
        statement.body = std::move(response.body);
        return statement;
      }
    }
  } catch (const StoppedError&) {
    Cancel(handle);
    throw;
  }
}

std::string Client::FetchPartition(const std::string& handle, size_t index) {
  Call call;
  call.url = base_url_ + "/api/v2/statements/" + handle + "?partition=" + std::to_string(index);
  call.context = "fetching partition " + std::to_string(index) + " of statement " + handle;
  http::Response response = Exchange(call);
  if (response.status != 200) {
    throw SnowflakeError(
        "Snowflake answered HTTP " + std::to_string(response.status) + " while " + call.context,
        Retry::kCall, {}, {}, static_cast<int>(response.status));
  }
  return std::move(response.body);
}

void Client::Cancel(const std::string& handle) {
  Call call;
  call.method = http::Request::Method::kPost;
  call.url = base_url_ + "/api/v2/statements/" + handle + "/cancel";
  http::Response response;
  try {
    http::Request request = MakeRequest(call, false);
    request.unstoppable = true;  // cancelling is what a stop asks for
    request.timeout = kCancelTimeout;
    response = http_.Send(request);
  } catch (const std::exception& e) {
    log::Warn("cannot cancel Snowflake statement", {{"handle", handle}, {"error", e.what()}});
    return;
  }
  log::Info("cancelled Snowflake statement",
            {{"handle", handle}, {"http_status", static_cast<int64_t>(response.status)}});
}

}  // namespace sf2pg::snowflake
