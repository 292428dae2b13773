// The one place that decides what a Snowflake SQL API outcome means (spec §2.1 and §6): an HTTP
// status plus Snowflake error code, or a transport failure, becomes an action for the client's
// retry loop and the Retry class of the SnowflakeError thrown when it gives up.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace sf2pg::snowflake {

/// What the client does next with an outcome.
enum class Action {
  kDone,            ///< 200: the answer is in the body.
  kPoll,            ///< 202: still running; poll statementStatusUrl.
  kRetry,           ///< Transient: back off, then send the same request again.
  kReauthenticate,  ///< 401: mint a new token and send again, once.
  kFail,            ///< Permanent: throw at once.
};

struct Verdict {
  Action action = Action::kFail;
  Retry retry = Retry::kNever;  ///< Retry class of the error thrown when giving up.
  std::string_view reason;      ///< Short cause for messages, e.g. "rate limited".
};

/// Classifies a response by HTTP status and the Snowflake `code` of its body ("" if none).
Verdict ClassifyResponse(long http_status, std::string_view code);

/// Classifies a libcurl result code (connection refused or reset, timeout, truncated body,
/// corrupt gzip, TLS failure, ...).
Verdict ClassifyTransport(int curl_code);

/// A 200 whose body is not the JSON it should be (truncated or corrupt): transient.
Verdict ClassifyMalformedBody();

/// The fields of an error body; all optional (spec §2.4).
struct ErrorBody {
  std::string code;
  std::string sql_state;
  std::string message;
};

/// Reads `{code, sqlState, message}` from a response body; empty fields when it is not JSON.
ErrorBody ParseErrorBody(std::string_view body);

/// The exception for an outcome the client gives up on. `context` names the request
/// ("submitting statement", "fetching partition 3 of 01b5...").
SnowflakeError MakeError(const Verdict& verdict, long http_status, const ErrorBody& body,
                         std::string_view context);

/// A result body that is not the JSON it should be (truncated, corrupt, wrong row width).
/// Transient: fetching the same partition again normally cures it.
class MalformedResultError : public SnowflakeError {
 public:
  explicit MalformedResultError(const std::string& what)
      : SnowflakeError(what, Retry::kCall, {}, {}, 200) {}
};

}  // namespace sf2pg::snowflake
