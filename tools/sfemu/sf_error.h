// Snowflake-shaped errors: what sfemu answers when a statement fails or a request is refused.
// Every code sfemu uses is listed in README.md with the situation that produces it.
#pragma once

#include <string>

#include "core/error.h"

namespace sf2pg::sfemu {

/// What sfemu answers: a Snowflake error code, SQLSTATE, message and HTTP status.
class SfError : public SnowflakeError {
 public:
  SfError(std::string code, std::string sql_state, const std::string& message,
          int http_status = 422)
      : SnowflakeError(message, Retry::kNever, std::move(code), std::move(sql_state), http_status) {
  }
};

/// 001003: "SQL compilation error:\nsyntax error line L at position P unexpected 'X'."
SfError SyntaxError(int line, int column, const std::string& unexpected);
/// 000002 / 0A000: a valid Snowflake feature that sfemu does not emulate; `what` names it.
SfError Unsupported(const std::string& what);
/// 002003 / 42S02: a missing database, schema or table (`kind` is "Object", "Schema", ...).
SfError DoesNotExist(const std::string& kind, const std::string& name, const std::string& role);
/// 000904 / 42000: "invalid identifier 'X'" at a position.
SfError InvalidIdentifier(int line, int column, const std::string& name);
/// 002023 / 22000 and friends: a compilation error with a free-form message.
SfError CompilationError(const std::string& code, const std::string& sql_state,
                         const std::string& message);

}  // namespace sf2pg::sfemu
