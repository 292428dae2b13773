// Small string helpers shared by every part of sf2pg and by sfemu. Case changes are ASCII only:
// identifiers, keywords, header names and option values, never user data in another script.
#pragma once

#include <string>
#include <string_view>

namespace sf2pg {

/// Whether `c` is one of the ASCII digits 0-9 (unlike std::isdigit, independent of the locale).
constexpr bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

/// `text` with A-Z turned into a-z; every other byte unchanged.
inline std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

/// `text` with a-z turned into A-Z; every other byte unchanged.
inline std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

/// `text` without the ASCII white space (space, \t, \n, \v, \f, \r) at either end.
inline std::string_view Trim(std::string_view text) {
  auto blank = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace sf2pg
