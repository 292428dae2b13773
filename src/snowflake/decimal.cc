#include "snowflake/decimal.h"

#include "core/strings.h"

namespace sf2pg::snowflake {
namespace {

constexpr int kDecDigits = 4;  // PostgreSQL's NBASE is 10000
constexpr int kMaxGroups = Decimal::kMaxDigits / kDecDigits + 2;
constexpr int kMaxDscale = 0x3FFF;  // NUMERIC_DSCALE_MAX
constexpr int16_t kSignPositive = 0x0000;
constexpr int16_t kSignNegative = 0x4000;
constexpr int kPow10[kDecDigits] = {1, 10, 100, 1000};

int FloorDiv(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// Collects the significant digits of `text` (integer and fraction digits in order) into
// `out`; `leading` counts the zeros before the first non-zero digit.
bool CollectDigits(std::string_view text, Decimal* out, int* leading) {
  int pending_zeros = 0;
  for (char c : text) {
    if (c == '.') continue;
    if (c == '0') {
      if (out->count == 0) {
        ++*leading;
      } else {
        ++pending_zeros;
      }
      continue;
    }
    if (out->count + pending_zeros + 1 > Decimal::kMaxDigits) return false;
    for (; pending_zeros > 0; --pending_zeros) out->digits[out->count++] = 0;
    out->digits[out->count++] = static_cast<uint8_t>(c - '0');
  }
  return true;
}

bool ParseExponent(std::string_view text, int* exponent) {
  size_t pos = 0;
  bool negative = false;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) negative = text[pos++] == '-';
  if (pos == text.size() || text.size() - pos > 6) return false;
  int value = 0;
  for (; pos < text.size(); ++pos) {
    if (!IsAsciiDigit(text[pos])) return false;
    value = value * 10 + (text[pos] - '0');
  }
  *exponent = negative ? -value : value;
  return true;
}

}  // namespace

bool ParseDecimal(std::string_view text, Decimal* out) {
  *out = Decimal();
  size_t pos = 0;
  if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) {
    out->negative = text[pos++] == '-';
  }
  size_t mantissa_start = pos;
  int integer_digits = 0;
  int fraction_digits = 0;
  while (pos < text.size() && IsAsciiDigit(text[pos])) ++pos, ++integer_digits;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    while (pos < text.size() && IsAsciiDigit(text[pos])) ++pos, ++fraction_digits;
  }
  if (integer_digits + fraction_digits == 0) return false;
  std::string_view mantissa = text.substr(mantissa_start, pos - mantissa_start);
  int exponent = 0;
  if (pos < text.size()) {
    if (text[pos] != 'e' && text[pos] != 'E') return false;
    if (!ParseExponent(text.substr(pos + 1), &exponent)) return false;
  }
  int leading = 0;
  if (!CollectDigits(mantissa, out, &leading)) return false;
  out->point = out->count == 0 ? 0 : integer_digits - leading + exponent;
  out->written_scale = fraction_digits - exponent > 0 ? fraction_digits - exponent : 0;
  if (out->count == 0) out->negative = false;  // PostgreSQL has no negative zero
  return true;
}

bool WriteNumeric(const Decimal& value, int dscale, CopyBuffer& out) {
  if (dscale < 0 || dscale > kMaxDscale) return false;
  if (value.count == 0) {
    out.PutInt32(8);
    out.PutInt16(0);
    out.PutInt16(0);
    out.PutInt16(kSignPositive);
    out.PutInt16(static_cast<int16_t>(dscale));
    return true;
  }
  int weight = FloorDiv(value.point - 1, kDecDigits);
  int lowest = FloorDiv(value.point - value.count, kDecDigits);
  int ndigits = weight - lowest + 1;
  if (weight > INT16_MAX || weight < INT16_MIN || ndigits > kMaxGroups) return false;
  int16_t groups[kMaxGroups] = {};
  for (int i = 0; i < value.count; ++i) {
    int exponent = value.point - 1 - i;
    int group = weight - FloorDiv(exponent, kDecDigits);
    int within = exponent - FloorDiv(exponent, kDecDigits) * kDecDigits;
    groups[group] = static_cast<int16_t>(groups[group] + value.digits[i] * kPow10[within]);
  }
  out.PutInt32(8 + 2 * ndigits);
  out.PutInt16(static_cast<int16_t>(ndigits));
  out.PutInt16(static_cast<int16_t>(weight));
  out.PutInt16(value.negative ? kSignNegative : kSignPositive);
  out.PutInt16(static_cast<int16_t>(dscale));
  for (int i = 0; i < ndigits; ++i) out.PutInt16(groups[i]);
  return true;
}

IntegerParse ParseInteger(std::string_view text, int64_t min, int64_t max, int64_t* out) {
  size_t pos = 0;
  bool negative = !text.empty() && text[0] == '-';
  if (negative) ++pos;
  size_t start = pos;
  uint64_t magnitude = 0;
  bool overflow = false;
  for (; pos < text.size() && IsAsciiDigit(text[pos]); ++pos) {
    unsigned digit = static_cast<unsigned>(text[pos] - '0');
    if (magnitude > (UINT64_MAX - digit) / 10) overflow = true;
    magnitude = magnitude * 10 + digit;
  }
  if (pos == start) return IntegerParse::kMalformed;
  if (pos < text.size()) {
    if (text[pos] != '.') return IntegerParse::kMalformed;
    bool fraction = false;
    for (++pos; pos < text.size(); ++pos) {
      if (!IsAsciiDigit(text[pos])) return IntegerParse::kMalformed;
      fraction = fraction || text[pos] != '0';
    }
    if (fraction) return IntegerParse::kFraction;
  }
  uint64_t limit = negative ? static_cast<uint64_t>(-(min + 1)) + 1 : static_cast<uint64_t>(max);
  if (overflow || magnitude > limit) return IntegerParse::kOutOfRange;
  *out = negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
  return IntegerParse::kOk;
}

}  // namespace sf2pg::snowflake
