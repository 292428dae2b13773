#include <ostream>

#include "config/config.h"

namespace sf2pg::config {

std::string ToString(ChunkingStrategy strategy) {
  return EnumToString(kChunkingStrategyNames, strategy);
}
ChunkingStrategy ParseChunkingStrategy(std::string_view text) {
  return ParseEnum(kChunkingStrategyNames, "chunking strategy", text);
}

std::string ToString(IdentifierCase identifier_case) {
  return EnumToString(kIdentifierCaseNames, identifier_case);
}
IdentifierCase ParseIdentifierCase(std::string_view text) {
  return ParseEnum(kIdentifierCaseNames, "identifier case", text);
}

std::string ToString(DeleteMode delete_mode) { return EnumToString(kDeleteModeNames, delete_mode); }
std::string ToString(OnBadRow on_bad_row) { return EnumToString(kOnBadRowNames, on_bad_row); }
OnBadRow ParseOnBadRow(std::string_view text) {
  return ParseEnum(kOnBadRowNames, "on_bad_row value", text);
}

std::ostream& operator<<(std::ostream& out, ChunkingStrategy strategy) {
  return out << ToString(strategy);
}
std::ostream& operator<<(std::ostream& out, IdentifierCase identifier_case) {
  return out << ToString(identifier_case);
}
std::ostream& operator<<(std::ostream& out, OnBadRow on_bad_row) {
  return out << ToString(on_bad_row);
}

}  // namespace sf2pg::config
