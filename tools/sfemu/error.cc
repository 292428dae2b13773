#include "error.h"

#include "postgres/connection.h"

namespace sf2pg::sfemu {

ErrorReply ErrorResponse(const Error& error, const std::string& handle) {
  ErrorReply reply;
  reply.status = error.http_status();
  reply.body["code"] = error.code();
  reply.body["message"] = error.what();
  if (error.shape() == ErrorShape::kStatement) {
    reply.body["sqlState"] = error.sql_state();
    reply.body["statementHandle"] = handle.empty() ? Json(nullptr) : Json(handle);
  }
  return reply;
}

Error SyntaxError(int line, int column, const std::string& unexpected) {
  return Error("001003", "42000",
               "SQL compilation error:\nsyntax error line " + std::to_string(line) +
                   " at position " + std::to_string(column) + " unexpected '" + unexpected + "'.");
}

Error Unsupported(const std::string& what) {
  // The live service's shape (observed: "Unsupported feature 'SECONDARY INDEX'.").
  return Error("000002", "0A000", "Unsupported feature '" + what + "'.");
}

Error DoesNotExist(const std::string& kind, const std::string& name, const std::string& role) {
  std::string message =
      "SQL compilation error:\n" + kind + " '" + name + "' does not exist or not authorized.";
  if (kind == "Object" && !role.empty()) {
    message.pop_back();
    message += ". Your primary role " + role +
               " or one of your secondary roles must have at least one privilege granted on "
               "TABLE " +
               name + ".";
  }
  return Error("002003", "42S02", message);
}

Error InvalidIdentifier(int line, int column, const std::string& name) {
  return Error("000904", "42000",
               "SQL compilation error: error line " + std::to_string(line) + " at position " +
                   std::to_string(column) + "\ninvalid identifier '" + name + "'");
}

Error CompilationError(const std::string& code, const std::string& sql_state,
                       const std::string& message) {
  return Error(code, sql_state, "SQL compilation error:\n" + message);
}

Error ValueError(const std::string& message, std::string code, std::string sql_state) {
  return Error(std::move(code), std::move(sql_state), message);
}

Error InternalError(const std::string& what) {
  return Error(kInternalCode, "XX000", "SQL execution internal error: " + what);
}

Error TimeoutError(int timeout_seconds) {
  return Error("000630", "57014",
               "Statement reached its statement or warehouse timeout of " +
                   std::to_string(timeout_seconds) + " second(s) and was canceled.",
               408);
}

Error CanceledError() { return Error("000604", "57014", "SQL execution canceled"); }

Error MapPgFailure(const postgres::StatementError& f, bool connection_lost) {
  const std::string s = f.sql_state().empty() && connection_lost ? "08006" : f.sql_state();
  const std::string& message = f.primary_message();
  const std::string& constraint = f.constraint();
  if (s == "22012") return Error("100051", "22012", "Division by zero");
  if (s == "22003") return Error("100039", "22003", "Numeric value out of range: " + message);
  if (s == "22P02") return Error("100038", "22018", "Numeric value is not recognized: " + message);
  if (s == "22001") return Error("100078", "22001", "String is too long and would be truncated");
  if (s == "23502") return Error("100072", "22000", "NULL result in a non-nullable column");
  if (s == "22007" || s == "22008")
    return Error("100035", "22007", "Timestamp is not recognized: " + message);
  if (s == "23514" && constraint.ends_with("#scale")) {
    return Error(kNotEmulatedCode, kNotEmulatedState,
                 "A value has more fraction digits than its column's scale keeps; sfemu does "
                 "not emulate how Snowflake reduces them");
  }
  if (s == "23514" && constraint.ends_with("#length")) {
    return Error("100078", "22001", "Binary value is too long for its column");
  }
  if (s == "SF000") return Error(kNotEmulatedCode, kNotEmulatedState, message);
  if (s == "42803") return Error("000979", "42601", "SQL compilation error:\n" + message);
  if (s == "42883" || s == "42804" || s == "42725") {
    return Error("001044", "22023", "SQL compilation error:\n" + message);
  }
  if (s.starts_with("08") || s == "57P01" || s == "57P03" || s == "53300") {
    return Error("000603", "XX000",
                 "SQL execution internal error: the emulator lost its PostgreSQL connection (" +
                     message + ")",
                 503);
  }
  return Error(
      "000603", "XX000",
      "SQL execution internal error: Processing aborted due to error " + s + ": " + message);
}

}  // namespace sf2pg::sfemu
