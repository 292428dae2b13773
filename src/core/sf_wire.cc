#include "core/sf_wire.h"

#include "core/strings.h"

namespace sf2pg::sfwire {
namespace {

constexpr int32_t kNanosPerSecond = 1000000000;
constexpr int kMaxWholeDigits = 18;

// Parses unsigned decimal digits (at most `max_digits`) and returns where they stop.
bool ParseDigits(std::string_view text, size_t* pos, int max_digits, int64_t* value) {
  size_t start = *pos;
  int64_t v = 0;
  while (*pos < text.size() && IsAsciiDigit(text[*pos])) {
    if (static_cast<int>(*pos - start) >= max_digits) return false;
    v = v * 10 + (text[*pos] - '0');
    ++*pos;
  }
  *value = v;
  return *pos > start;
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Writes `value` in decimal, zero-padded to `width` digits.
size_t PutNumber(int64_t value, int width, char* out) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0);
  size_t len = 0;
  for (int i = n; i < width; ++i) out[len++] = '0';
  while (n > 0) out[len++] = digits[--n];
  return len;
}

size_t PutFraction(int32_t nanos, Fraction fraction, char* out) {
  if (fraction == Fraction::kTrimmed && nanos == 0) return 0;
  char digits[9];
  int32_t v = nanos;
  for (int i = 8; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  int keep = 9;
  if (fraction == Fraction::kTrimmed) {
    while (keep > 1 && digits[keep - 1] == '0') --keep;
  }
  out[0] = '.';
  for (int i = 0; i < keep; ++i) out[1 + i] = digits[i];
  return 1 + static_cast<size_t>(keep);
}

// The date part without any era suffix; sets *bc when PostgreSQL style needs " BC".
size_t PutDate(int64_t days, Style style, char* out, bool* bc) {
  CivilDate date = CivilFromDays(days);
  size_t len = 0;
  int64_t year = date.year;
  *bc = false;
  if (year <= 0 && style == Style::kPostgres) {
    year = 1 - year;
    *bc = true;
  } else if (year < 0) {
    out[len++] = '-';
    year = -year;
  }
  len += PutNumber(year, 4, out + len);
  out[len++] = '-';
  len += PutNumber(date.month, 2, out + len);
  out[len++] = '-';
  len += PutNumber(date.day, 2, out + len);
  return len;
}

size_t PutOffset(int offset_minutes, Style style, char* out) {
  size_t len = 0;
  if (style == Style::kSnowflake) out[len++] = ' ';
  out[len++] = offset_minutes < 0 ? '-' : '+';
  int magnitude = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  len += PutNumber(magnitude / 60, 2, out + len);
  if (style == Style::kSnowflake || magnitude % 60 != 0) {
    out[len++] = ':';
    len += PutNumber(magnitude % 60, 2, out + len);
  }
  return len;
}

// An optional '-' and canonical digits (no leading zero); the '-' is returned in *negative.
bool ParseCanonicalWhole(std::string_view text, size_t* pos, bool* negative, int64_t* value) {
  *negative = !text.empty() && text[0] == '-';
  if (*negative) ++*pos;
  size_t start = *pos;
  if (!ParseDigits(text, pos, kMaxWholeDigits, value)) return false;
  return !(text[start] == '0' && *pos - start > 1);
}

}  // namespace

bool ParseSeconds(std::string_view text, Seconds* out, int scale) {
  size_t pos = 0;
  bool negative = false;
  int64_t whole = 0;
  if (!ParseCanonicalWhole(text, &pos, &negative, &whole)) return false;
  if (scale > 9) return false;
  int32_t nanos = 0;
  int digits = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    while (pos < text.size() && IsAsciiDigit(text[pos])) {
      if (++digits > 9) return false;
      nanos = nanos * 10 + (text[pos++] - '0');
    }
    if (digits == 0) return false;
    for (int i = digits; i < 9; ++i) nanos *= 10;
  }
  if (pos != text.size()) return false;
  if (scale >= 0 && digits != scale) return false;
  if (negative && whole == 0 && nanos == 0) return false;  // "-0" is never written
  if (!negative) {
    *out = {whole, nanos};
  } else if (nanos == 0) {
    *out = {-whole, 0};
  } else {
    *out = {-whole - 1, kNanosPerSecond - nanos};
  }
  return true;
}

bool ParseSecondsWithOffset(std::string_view text, Seconds* out, int* offset_minutes, int scale) {
  size_t space = text.rfind(' ');
  if (space == std::string_view::npos) return false;
  std::string_view offset = text.substr(space + 1);
  size_t pos = 0;
  bool negative = false;
  int64_t encoded = 0;
  if (!ParseCanonicalWhole(offset, &pos, &negative, &encoded) || negative || pos != offset.size()) {
    return false;
  }
  if (encoded <= 0 || encoded >= 2 * 1440) return false;
  *offset_minutes = static_cast<int>(encoded - 1440);
  return ParseSeconds(text.substr(0, space), out, scale);
}

bool ParseDays(std::string_view text, int64_t* days) {
  size_t pos = 0;
  bool negative = false;
  int64_t value = 0;
  if (!ParseCanonicalWhole(text, &pos, &negative, &value) || pos != text.size()) return false;
  if (negative && value == 0) return false;
  *days = negative ? -value : value;
  return true;
}

bool RoundToMicros(const Seconds& value, int64_t* micros) {
  int64_t whole = value.nanos / 1000;
  int32_t rest = value.nanos % 1000;
  // Ties to even: `whole` has the parity of the full microsecond count, because
  // seconds * 1e6 is even.
  if (rest > 500 || (rest == 500 && whole % 2 == 1)) ++whole;
  int64_t scaled = 0;
  if (__builtin_mul_overflow(value.seconds, int64_t{1000000}, &scaled)) return false;
  return !__builtin_add_overflow(scaled, whole, micros);
}

CivilDate CivilFromDays(int64_t days) {
  // Howard Hinnant's civil_from_days.
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  CivilDate date;
  date.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  date.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  date.year = yoe + era * 400 + (date.month <= 2 ? 1 : 0);
  return date;
}

int64_t DaysFromCivil(const CivilDate& date) {
  int64_t y = date.year - (date.month <= 2 ? 1 : 0);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t m = date.month;
  int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + date.day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

size_t FormatDate(int64_t days, Style style, char* out) {
  bool bc = false;
  size_t len = PutDate(days, style, out, &bc);
  if (bc) {
    for (char c : std::string_view(" BC")) out[len++] = c;
  }
  out[len] = '\0';
  return len;
}

size_t FormatTime(int64_t seconds_of_day, int32_t nanos, Fraction fraction, char* out) {
  size_t len = PutNumber(seconds_of_day / 3600, 2, out);
  out[len++] = ':';
  len += PutNumber(seconds_of_day / 60 % 60, 2, out + len);
  out[len++] = ':';
  len += PutNumber(seconds_of_day % 60, 2, out + len);
  len += PutFraction(nanos, fraction, out + len);
  out[len] = '\0';
  return len;
}

size_t FormatTimestamp(const Seconds& value, int offset_minutes, bool with_offset,
                       Fraction fraction, Style style, char* out) {
  int64_t local = value.seconds + int64_t{offset_minutes} * 60;
  int64_t days = FloorDiv(local, kSecondsPerDay);
  bool bc = false;
  size_t len = PutDate(days, style, out, &bc);
  out[len++] = ' ';
  len += FormatTime(local - days * kSecondsPerDay, value.nanos, fraction, out + len);
  if (with_offset) len += PutOffset(offset_minutes, style, out + len);
  if (bc) {
    for (char c : std::string_view(" BC")) out[len++] = c;
  }
  out[len] = '\0';
  return len;
}

}  // namespace sf2pg::sfwire
