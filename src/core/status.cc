#include "core/status.h"

#include <ostream>

namespace sf2pg {

std::string ToString(RunStatus status) { return EnumToString(kRunStatusNames, status); }
RunStatus ParseRunStatus(std::string_view text) {
  return ParseEnum(kRunStatusNames, "run status", text);
}

std::string ToString(TableStatus status) { return EnumToString(kTableStatusNames, status); }
TableStatus ParseTableStatus(std::string_view text) {
  return ParseEnum(kTableStatusNames, "table or chunk status", text);
}

std::string ToString(LoadMethod method) { return EnumToString(kLoadMethodNames, method); }
LoadMethod ParseLoadMethod(std::string_view text) {
  return ParseEnum(kLoadMethodNames, "load method", text);
}

std::ostream& operator<<(std::ostream& out, RunStatus status) { return out << ToString(status); }
std::ostream& operator<<(std::ostream& out, TableStatus status) { return out << ToString(status); }
std::ostream& operator<<(std::ostream& out, LoadMethod method) { return out << ToString(method); }

}  // namespace sf2pg
