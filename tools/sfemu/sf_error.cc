#include "sf_error.h"

namespace sf2pg::sfemu {

SfError SyntaxError(int line, int column, const std::string& unexpected) {
  return SfError("001003", "42000",
                 "SQL compilation error:\nsyntax error line " + std::to_string(line) +
                     " at position " + std::to_string(column) + " unexpected '" + unexpected +
                     "'.");
}

SfError Unsupported(const std::string& what) {
  return SfError("000002", "0A000",
                 "SQL compilation error:\nUnsupported feature '" + what + "' (sfemu does not " +
                     "emulate it; see tools/sfemu/README.md).");
}

SfError DoesNotExist(const std::string& kind, const std::string& name, const std::string& role) {
  std::string message =
      "SQL compilation error:\n" + kind + " '" + name + "' does not exist or not authorized.";
  if (kind == "Object" && !role.empty()) {
    message.pop_back();
    message += ". Your primary role " + role +
               " or one of your secondary roles must have at least one privilege granted on "
               "TABLE " +
               name + ".";
  }
  return SfError("002003", "42S02", message);
}

SfError InvalidIdentifier(int line, int column, const std::string& name) {
  return SfError("000904", "42000",
                 "SQL compilation error: error line " + std::to_string(line) + " at position " +
                     std::to_string(column) + "\ninvalid identifier '" + name + "'");
}

SfError CompilationError(const std::string& code, const std::string& sql_state,
                         const std::string& message) {
  return SfError(code, sql_state, "SQL compilation error:\n" + message);
}

}  // namespace sf2pg::sfemu
