// sfemu's one error type: every failure while serving a request is an Error carrying what the
// SQL API answers (HTTP status, Snowflake error code, SQLSTATE, message), and ErrorResponse is
// the one place that turns it into the response. Every code sfemu uses is listed in README.md
// with the situation that produces it. Start-up failures (command line, key files, --ddl and
// --csv input, fault configuration) are ConfigError or DataError: they end the program (or
// refuse a fault configuration), not a request.
#pragma once

#include <stdexcept>
#include <string>

#include "jackson.h"

namespace sf2pg::postgres {
class StatementError;
}

namespace sf2pg::sfemu {

/// The two error bodies of the SQL API (spec §2.1, §2.4).
enum class ErrorShape {
  kStatement,  ///< {code, message, sqlState, statementHandle}: a statement failed or was refused
  kRequest,    ///< {code, message}: the request itself (auth, payload, rate limit, server)
};

class Error : public std::runtime_error {
 public:
  /// A statement's failure: 422 unless `http_status` says otherwise (400, 408, 503).
  Error(std::string code, std::string sql_state, const std::string& message, int http_status = 422)
      : std::runtime_error(message),
        code_(std::move(code)),
        sql_state_(std::move(sql_state)),
        http_status_(http_status) {}
  /// A refused request: the body has only code and message.
  static Error Request(int http_status, std::string code, const std::string& message) {
    Error e(std::move(code), "", message, http_status);
    e.shape_ = ErrorShape::kRequest;
    return e;
  }

  const std::string& code() const { return code_; }
  const std::string& sql_state() const { return sql_state_; }
  int http_status() const { return http_status_; }
  ErrorShape shape() const { return shape_; }

 private:
  std::string code_;
  std::string sql_state_;
  int http_status_;
  ErrorShape shape_ = ErrorShape::kStatement;
};

/// What the client receives for an Error.
struct ErrorReply {
  int status = 0;
  Json body;
};
/// The response for `error`; `handle` is the statement's handle ("" when there is none: the
/// body then says null, as observed for an empty statement).
ErrorReply ErrorResponse(const Error& error, const std::string& handle);

/// Codes for values sfemu refuses although Snowflake would store them.
inline constexpr const char* kNotEmulatedCode = "000002";
inline constexpr const char* kNotEmulatedState = "0A000";
/// Snowflake's code for an internal failure.
inline constexpr const char* kInternalCode = "000603";

/// 001003: "SQL compilation error:\nsyntax error line L at position P unexpected 'X'."
Error SyntaxError(int line, int column, const std::string& unexpected);
/// 000002 / 0A000: a valid Snowflake feature that sfemu does not emulate; `what` names it.
Error Unsupported(const std::string& what);
/// 002003 / 42S02: a missing database, schema or table (`kind` is "Object", "Schema", ...).
Error DoesNotExist(const std::string& kind, const std::string& name, const std::string& role);
/// 000904 / 42000: "invalid identifier 'X'" at a position.
Error InvalidIdentifier(int line, int column, const std::string& name);
/// 002023 / 22000 and friends: a compilation error with a free-form message.
Error CompilationError(const std::string& code, const std::string& sql_state,
                       const std::string& message);
/// 100069 / 22P02 unless told: a value that cannot be stored (as Snowflake would refuse it, or
/// because sfemu cannot store it exactly); the message says why.
Error ValueError(const std::string& message, std::string code = "100069",
                 std::string sql_state = "22P02");
/// 000603 / XX000: "SQL execution internal error: <what>" (a failure inside sfemu).
Error InternalError(const std::string& what);
/// 000630 / 57014, HTTP 408: the statement reached its timeout and was cancelled.
Error TimeoutError(int timeout_seconds);
/// 000604 / 57014: the statement was cancelled.
Error CanceledError();
/// A PostgreSQL failure as Snowflake would report it. `connection_lost`: the connection is
/// gone (a failure without SQLSTATE is then 08006).
Error MapPgFailure(const postgres::StatementError& failure, bool connection_lost);

}  // namespace sf2pg::sfemu
