// Snowflake-shaped errors: what sfemu answers when a statement fails or a request is refused.
// Every code sfemu uses is listed in README.md with the situation that produces it.
#pragma once

#include <stdexcept>
#include <string>

namespace sf2pg::sfemu {

class SfError : public std::runtime_error {
 public:
  SfError(std::string code, std::string sql_state, const std::string& message, int http_status = 422)
      : std::runtime_error(message),
        code_(std::move(code)),
        sql_state_(std::move(sql_state)),
        http_status_(http_status) {}
  const std::string& code() const { return code_; }
  const std::string& sql_state() const { return sql_state_; }
  int http_status() const { return http_status_; }

 private:
  std::string code_;
  std::string sql_state_;
  int http_status_;
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
