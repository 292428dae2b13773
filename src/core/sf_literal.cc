#include "core/sf_literal.h"

#include <algorithm>
#include <charconv>

#include "core/error.h"
#include "core/quote.h"
#include "core/sf_wire.h"
#include "core/strings.h"

namespace sf2pg {
namespace {

using sfwire::Fraction;
using sfwire::Style;

[[noreturn]] void Unparsable(const std::string& wire, const SourceColumn& column) {
  std::string shown = wire.size() > 64 ? wire.substr(0, 64) + "..." : wire;
  throw DataError("column " + column.name + ": \"" + shown + "\" is not a valid " + column.type +
                  " value");
}

bool IsDecimal(std::string_view text) {
  size_t pos = text.starts_with('-') ? 1 : 0;
  size_t digits = 0;
  bool dot = false;
  for (; pos < text.size(); ++pos) {
    if (text[pos] == '.' && !dot) {
      dot = true;
    } else if (text[pos] >= '0' && text[pos] <= '9') {
      ++digits;
    } else {
      return false;
    }
  }
  return digits > 0;
}

bool IsFloatText(std::string_view text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

bool IsHex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

std::string Cast(std::string_view text, std::string_view type) {
  return sf::QuoteLiteral(text) + "::" + std::string(type);
}

std::string RealLiteral(const std::string& wire, const SourceColumn& column) {
  std::string lower = Lower(wire);
  if (lower == "nan") return "'NaN'::FLOAT";
  if (lower == "inf" || lower == "infinity") return "'inf'::FLOAT";
  if (lower == "-inf" || lower == "-infinity") return "'-inf'::FLOAT";
  if (!IsFloatText(wire)) Unparsable(wire, column);
  return wire;
}

std::string TimeLiteral(const std::string& wire, const SourceColumn& column) {
  sfwire::Seconds value;
  if (!sfwire::ParseSeconds(wire, &value) || value.seconds < 0 || value.seconds >= 86400) {
    Unparsable(wire, column);
  }
  char text[sfwire::kMaxFormatted];
  size_t n = sfwire::FormatTime(value.seconds, value.nanos, Fraction::kNine, text);
  return Cast({text, n}, "TIME");
}

std::string TimestampLiteral(const std::string& wire, const SourceColumn& column) {
  sfwire::Seconds value;
  int offset = 0;
  bool tz = column.type == "timestamp_tz";
  bool parsed = tz ? sfwire::ParseSecondsWithOffset(wire, &value, &offset)
                   : sfwire::ParseSeconds(wire, &value);
  if (!parsed) Unparsable(wire, column);
  bool with_offset = column.type != "timestamp_ntz";
  char text[sfwire::kMaxFormatted];
  size_t n =
      sfwire::FormatTimestamp(value, offset, with_offset, Fraction::kNine, Style::kSnowflake, text);
  std::string type = column.type;
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return Cast({text, n}, type);
}

}  // namespace

std::string SnowflakeLiteral(const std::optional<std::string>& wire, const SourceColumn& column) {
  if (!wire) return "NULL";
  const std::string& v = *wire;
  const std::string& type = column.type;
  if (type == "fixed") {
    if (!IsDecimal(v)) Unparsable(v, column);
    return v;
  }
  if (type == "decfloat") {
    if (!IsFloatText(v)) Unparsable(v, column);
    return Cast(v, "DECFLOAT");
  }
  if (type == "real") return RealLiteral(v, column);
  if (type == "text") return sf::QuoteLiteral(v);
  if (type == "boolean") {
    std::string lower = Lower(v);
    if (lower == "true" || lower == "1") return "TRUE";
    if (lower == "false" || lower == "0") return "FALSE";
    Unparsable(v, column);
  }
  if (type == "binary") {
    if (!IsHex(v) || v.size() % 2 != 0) Unparsable(v, column);
    return "TO_BINARY(" + sf::QuoteLiteral(v) + ", 'HEX')";
  }
  if (type == "date") {
    int64_t days = 0;
    if (!sfwire::ParseDays(v, &days)) Unparsable(v, column);
    char text[sfwire::kMaxFormatted];
    size_t n = sfwire::FormatDate(days, Style::kSnowflake, text);
    return Cast({text, n}, "DATE");
  }
  if (type == "time") return TimeLiteral(v, column);
  if (type == "timestamp_ntz" || type == "timestamp_ltz" || type == "timestamp_tz") {
    return TimestampLiteral(v, column);
  }
  throw DataError("column " + column.name + ": values of type " + type +
                  " cannot be written as a SQL literal (they cannot bound a chunk)");
}

}  // namespace sf2pg
