// The Lambda event actions: validate_config, test_connections, migrate and status. Each call
// loads the configuration and credentials afresh and opens its own connections, so nothing
// from one invocation leaks into the next one served by the same process.
#pragma once

#include <exception>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "app/options.h"
#include "core/clock.h"
#include "exec/migration.h"
#include "lambda/request.h"
#include "lambda/runtime_client.h"

namespace sf2pg::lambda {

/// test_connections found a database it cannot reach. Reported as Sf2pg.ConnectionError.
class ConnectionCheckError : public Error {
 public:
  explicit ConnectionCheckError(const std::string& what) : Error(what, Retry::kNever) {}
};

/// Upper bound of a response body; Step Functions' state payload limit is 256 KiB.
constexpr size_t kMaxBodyBytes = 32 * 1024;

/// The errorType and redacted errorMessage Lambda reports for an exception. Types start with
/// "Sf2pg." (never "States."): InvalidPayload, ConfigError, ConnectionError, RetryableError
/// (any transient failure), PostgresError, SnowflakeError, DataError, InternalError, Stopped,
/// Error, Unhandled.
ErrorReport ErrorReportFor(const std::exception& e);

/// The body of a migrate answer: status, run id, counts and errors, at most kMaxBodyBytes
/// (per-table rows are left out first, then errors are cut).
nlohmann::json MigrationBody(const exec::MigrationResult& result);

/// The answer envelope of the seed tool: {"statusCode": 200, "body": body}.
nlohmann::json Envelope(nlohmann::json body);

/// Handles one event. `deadline` is the invocation's (steady clock). Returns the envelope;
/// throws for a function error (map it with ErrorReportFor).
nlohmann::json HandleEvent(std::string_view event, const app::GlobalOptions& global,
                           std::optional<Clock::TimePoint> deadline);

}  // namespace sf2pg::lambda
