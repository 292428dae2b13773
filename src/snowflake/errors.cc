#include "snowflake/errors.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

namespace sf2pg::snowflake {
namespace {

struct StatusRule {
  long first;
  long last;
  std::string_view code;  ///< "" matches any code
  Verdict verdict;
};

constexpr Verdict Done{Action::kDone, Retry::kNever, "ok"};
constexpr Verdict Transient(std::string_view reason) {
  return {Action::kRetry, Retry::kCall, reason};
}
constexpr Verdict Permanent(std::string_view reason) {
  return {Action::kFail, Retry::kNever, reason};
}

// First match wins. Sources: spec §2.1 (status map), §2.6 (391908), §6 (retry classes).
constexpr std::array kStatusRules = {
    StatusRule{200, 200, "391908", Permanent("result too large for the SQL API")},
    StatusRule{200, 200, "", Done},
    StatusRule{202, 202, "", {Action::kPoll, Retry::kNever, "still running"}},
    StatusRule{400, 400, "", Permanent("rejected the request as malformed")},
    StatusRule{401, 401, "", {Action::kReauthenticate, Retry::kNever, "rejected the credentials"}},
    StatusRule{403, 403, "", Permanent("refused access (SQL API not enabled or network policy)")},
    StatusRule{404, 404, "", Permanent("does not know this path")},
    StatusRule{405, 405, "", Permanent("does not allow this method")},
    StatusRule{408, 408, "", Permanent("cancelled the statement at its timeout")},
    StatusRule{415, 415, "", Permanent("does not accept this content type")},
    StatusRule{422, 422, "000604", Permanent("reports the statement was cancelled")},
    StatusRule{422, 422, "", Permanent("reports a SQL error")},
    StatusRule{429, 429, "", Transient("is rate limiting requests")},
    StatusRule{500, 504, "", Transient("reports a server error")},
    StatusRule{522, 522, "", Permanent("reports an invalid SSL certificate")},
    StatusRule{505, 599, "", Transient("reports a server error")},
    StatusRule{100, 599, "", Permanent("sent an unexpected response")},
};

struct CurlRule {
  CURLcode code;
  Verdict verdict;
};

constexpr std::array kCurlRules = {
    CurlRule{CURLE_COULDNT_RESOLVE_HOST, Transient("cannot resolve the host")},
    CurlRule{CURLE_COULDNT_CONNECT, Transient("cannot connect")},
    CurlRule{CURLE_OPERATION_TIMEDOUT, Transient("timed out")},
    CurlRule{CURLE_SEND_ERROR, Transient("connection reset while sending")},
    CurlRule{CURLE_RECV_ERROR, Transient("connection reset while receiving")},
    CurlRule{CURLE_GOT_NOTHING, Transient("closed the connection without a response")},
    CurlRule{CURLE_PARTIAL_FILE, Transient("sent a truncated body")},
    CurlRule{CURLE_BAD_CONTENT_ENCODING, Transient("sent a corrupt compressed body")},
    CurlRule{CURLE_SSL_CONNECT_ERROR, Transient("TLS handshake failed")},
    CurlRule{CURLE_HTTP2, Transient("HTTP/2 framing error")},
    CurlRule{CURLE_HTTP2_STREAM, Transient("HTTP/2 stream error")},
    CurlRule{CURLE_PEER_FAILED_VERIFICATION, Permanent("certificate verification failed")},
    CurlRule{CURLE_SSL_CACERT_BADFILE, Permanent("cannot read the CA bundle")},
    CurlRule{CURLE_URL_MALFORMAT, Permanent("URL is malformed")},
    CurlRule{CURLE_UNSUPPORTED_PROTOCOL, Permanent("URL scheme is not supported")},
    CurlRule{CURLE_ABORTED_BY_CALLBACK, Permanent("request was stopped")},
    CurlRule{CURLE_OUT_OF_MEMORY, Permanent("out of memory")},
    CurlRule{CURLE_FILESIZE_EXCEEDED, Permanent("sent a response too large to accept")},
};

std::string Describe(long http_status, const ErrorBody& body) {
  std::string detail;
  auto add = [&detail](std::string_view part) {
    if (!detail.empty()) detail += ", ";
    detail += part;
  };
  if (http_status > 0) add("HTTP " + std::to_string(http_status));
  if (!body.code.empty()) add("code " + body.code);
  if (!body.sql_state.empty()) add("SQLSTATE " + body.sql_state);
  return detail.empty() ? "" : " (" + detail + ")";
}

}  // namespace

Verdict ClassifyResponse(long http_status, std::string_view code) {
  for (const StatusRule& rule : kStatusRules) {
    if (http_status < rule.first || http_status > rule.last) continue;
    if (!rule.code.empty() && rule.code != code) continue;
    return rule.verdict;
  }
  return Permanent("sent an unexpected response");
}

Verdict ClassifyTransport(int curl_code) {
  for (const CurlRule& rule : kCurlRules) {
    if (rule.code == curl_code) return rule.verdict;
  }
  // Anything else (proxy hiccups, odd network errors): transient, within the attempt limit.
  return Transient("network error");
}

Verdict ClassifyMalformedBody() { return Transient("sent a body that is not valid JSON"); }

ErrorBody ParseErrorBody(std::string_view body) {
  ErrorBody out;
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return out;
  auto text = [&json](const char* key) {
    auto it = json.find(key);
    return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  out.code = text("code");
  out.sql_state = text("sqlState");
  out.message = text("message");
  return out;
}

SnowflakeError MakeError(const Verdict& verdict, long http_status, const ErrorBody& body,
                         std::string_view context) {
  std::string what = "Snowflake " + std::string(verdict.reason) + " while " + std::string(context) +
                     Describe(http_status, body);
  if (!body.message.empty()) what += ": " + body.message;
  return SnowflakeError(what, verdict.retry, body.code, body.sql_state,
                        static_cast<int>(http_status));
}

}  // namespace sf2pg::snowflake
