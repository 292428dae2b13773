// Decimal text as the SQL API sends it (fixed, decfloat) turned exactly into PostgreSQL's
// binary numeric and integer values, without any allocation.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/copy_buffer.h"

namespace sf2pg::snowflake {

/// A parsed decimal: value = ±0.d[0]d[1]...d[count-1] × 10^point, with no leading or trailing
/// zero digits (count = 0 for zero).
struct Decimal {
  static constexpr int kMaxDigits = 80;
  bool negative = false;
  int count = 0;
  int point = 0;
  /// Fraction digits as written (after applying any exponent): the display scale.
  int written_scale = 0;
  uint8_t digits[kMaxDigits] = {};

  /// Digits before the decimal point (0 for |value| < 1).
  int IntegerDigits() const { return count == 0 || point < 0 ? 0 : point; }
  /// Digits after the decimal point needed to hold the value exactly.
  int FractionDigits() const { return count - point > 0 ? count - point : 0; }
};

/// Parses "[-]digits[.digits][e[±]digits]"; false for anything else or more than kMaxDigits
/// significant digits.
[[nodiscard]] bool ParseDecimal(std::string_view text, Decimal* out);

/// Writes `value` as a binary numeric field with display scale `dscale` (≥ its fraction
/// digits). False when it is beyond numeric's range (weight or dscale).
[[nodiscard]] bool WriteNumeric(const Decimal& value, int dscale, CopyBuffer& out);

enum class IntegerParse { kOk, kMalformed, kFraction, kOutOfRange };

/// Parses "[-]digits[.digits]" whose fraction digits are all zero into an integer within
/// [min, max].
IntegerParse ParseInteger(std::string_view text, int64_t min, int64_t max, int64_t* out);

}  // namespace sf2pg::snowflake
