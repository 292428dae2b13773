#include "wire.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "error.h"

namespace sf2pg::sfemu::wire {
namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int kMaxDigits = 400;

/// Appends `value` (>= 0) as decimal.
void AppendUnsigned(std::string& out, uint64_t value) {
  char buffer[24];
  auto r = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, r.ptr);
}

/// Appends `.` and the first `scale` digits of a 6-digit microsecond fraction, padding with
/// zeros beyond microseconds.
/// `nanos`: the fraction of a second in nanoseconds (0..999999999).
void AppendFraction(std::string& out, int64_t nanos, int scale) {
  if (scale <= 0) return;
  char digits[9];
  int64_t v = nanos;
  for (int i = 8; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out += '.';
  out.append(digits, static_cast<size_t>(scale));
}

}  // namespace

int16_t ReadInt16(const char* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return static_cast<int16_t>(__builtin_bswap16(v));
}

int32_t ReadInt32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return static_cast<int32_t>(__builtin_bswap32(v));
}

int64_t ReadInt64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return static_cast<int64_t>(__builtin_bswap64(v));
}

double ReadFloat8(const char* p) {
  auto bits = static_cast<uint64_t>(ReadInt64(p));
  double d;
  std::memcpy(&d, &bits, 8);
  return d;
}

void AppendNumeric(std::string& out, std::string_view binary, int scale) {
  if (binary.size() < 8) throw InternalError("short numeric value");
  const char* p = binary.data();
  int ndigits = ReadInt16(p);
  int weight = ReadInt16(p + 2);
  auto sign = static_cast<uint16_t>(ReadInt16(p + 4));
  if (sign != 0x0000 && sign != 0x4000) {
    throw InternalError("NaN or infinite numeric cannot be a Snowflake NUMBER");
  }
  if (static_cast<size_t>(8 + 2 * ndigits) > binary.size() || ndigits * 4 > kMaxDigits) {
    throw InternalError("malformed numeric value");
  }
  // Integer digits (base-10 characters) and `scale` + 1 fraction digits (one for rounding).
  char int_digits[kMaxDigits + 8];
  int int_len = 0;
  char frac[64];
  if (scale > 60) throw InternalError("numeric scale too large");
  std::memset(frac, '0', sizeof frac);
  for (int g = 0; g <= weight; ++g) {
    int d = g < ndigits ? ReadInt16(p + 8 + 2 * g) : 0;
    char four[4] = {static_cast<char>('0' + d / 1000), static_cast<char>('0' + d / 100 % 10),
                    static_cast<char>('0' + d / 10 % 10), static_cast<char>('0' + d % 10)};
    for (char c : four) {
      if (int_len == 0 && c == '0') continue;
      int_digits[int_len++] = c;
    }
  }
  for (int g = std::max(weight + 1, 0); g < ndigits; ++g) {
    int d = ReadInt16(p + 8 + 2 * g);
    int first = (g - weight - 1) * 4;  // index of this group's first fraction digit
    int ds[4] = {d / 1000, d / 100 % 10, d / 10 % 10, d % 10};
    for (int k = 0; k < 4; ++k) {
      int idx = first + k;
      if (idx <= scale) frac[idx] = static_cast<char>('0' + ds[k]);
    }
  }
  // Round half away from zero at `scale` digits.
  if (frac[scale] >= '5') {
    int i = scale - 1;
    while (i >= 0 && frac[i] == '9') frac[i--] = '0';
    if (i >= 0) {
      ++frac[i];
    } else {
      int j = int_len - 1;
      while (j >= 0 && int_digits[j] == '9') int_digits[j--] = '0';
      if (j >= 0) {
        ++int_digits[j];
      } else {
        std::memmove(int_digits + 1, int_digits, static_cast<size_t>(int_len));
        int_digits[0] = '1';
        ++int_len;
      }
    }
  }
  bool zero = int_len == 0;
  for (int i = 0; zero && i < scale; ++i) zero = frac[i] == '0';
  if (sign == 0x4000 && !zero) out += '-';
  if (int_len == 0)
    out += '0';
  else
    out.append(int_digits, static_cast<size_t>(int_len));
  if (scale > 0) {
    out += '.';
    out.append(frac, static_cast<size_t>(scale));
  }
}

std::string NumericText(std::string_view binary, int scale) {
  std::string out;
  AppendNumeric(out, binary, scale);
  return out;
}

void AppendInteger(std::string& out, int64_t value, int scale) {
  char buffer[24];
  auto r = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, r.ptr);
  if (scale > 0) {
    out += '.';
    out.append(static_cast<size_t>(scale), '0');
  }
}

void AppendFloat(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  if (std::isinf(value)) {
    out += value < 0 ? "-inf" : "inf";
    return;
  }
  char buffer[40];
  auto r = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, r.ptr);
}

void AppendVector(std::string& out, std::string_view binary) {
  constexpr int32_t kInt4 = 23, kFloat4 = 700;
  const char* p = binary.data();
  auto need = [&](size_t bytes) {
    if (binary.size() < bytes) throw InternalError("truncated PostgreSQL array");
  };
  need(12);
  int32_t dims = ReadInt32(p), oid = ReadInt32(p + 8);
  if (dims > 1 || (oid != kInt4 && oid != kFloat4)) {
    throw InternalError("a vector is stored as a one-dimensional integer[] or real[]");
  }
  size_t count = 0, at = 12;
  if (dims == 1) {
    need(20);
    count = static_cast<size_t>(ReadInt32(p + 12));
    at = 20;
  }
  need(at + count * 8);
  out += '[';
  for (size_t i = 0; i < count; ++i, at += 8) {
    if (ReadInt32(p + at) != 4) throw InternalError("a NULL element in a vector");
    int32_t value = ReadInt32(p + at + 4);
    if (i) out += ',';
    if (oid == kInt4) {
      out += std::to_string(value);
      continue;
    }
    float f;
    std::memcpy(&f, &value, 4);
    char buffer[64];
    int n = std::snprintf(buffer, sizeof buffer, "%.6f", static_cast<double>(f));
    out.append(buffer, static_cast<size_t>(n));
  }
  out += ']';
}

void AppendDate(std::string& out, int32_t pg_days) {
  char buffer[16];
  auto r =
      std::to_chars(buffer, buffer + sizeof buffer, static_cast<int64_t>(pg_days) + kPgEpochDays);
  out.append(buffer, r.ptr);
}

void AppendTime(std::string& out, int64_t micros, int scale, int nanos) {
  AppendUnsigned(out, static_cast<uint64_t>(micros / kMicrosPerSecond));
  AppendFraction(out, micros % kMicrosPerSecond * 1000 + nanos, scale);
}

void AppendTimestamp(std::string& out, int64_t pg_micros, int scale, int nanos) {
  // The instant is unix_micros * 1000 + nanos nanoseconds, written as a sign and a magnitude.
  int64_t unix_micros = pg_micros + kPgEpochMicros;
  if (unix_micros >= 0) {
    auto m = static_cast<uint64_t>(unix_micros);
    AppendUnsigned(out, m / kMicrosPerSecond);
    AppendFraction(out, static_cast<int64_t>(m % kMicrosPerSecond) * 1000 + nanos, scale);
    return;
  }
  uint64_t m = static_cast<uint64_t>(-(unix_micros + 1)) + 1;
  uint64_t seconds = m / kMicrosPerSecond;
  int64_t fraction = static_cast<int64_t>(m % kMicrosPerSecond) * 1000 - nanos;
  if (fraction < 0) {
    --seconds;
    fraction += 1000000000;
  }
  out += '-';
  AppendUnsigned(out, seconds);
  AppendFraction(out, fraction, scale);
}

void AppendTimestampTz(std::string& out, int64_t pg_micros, int scale, int offset_minutes,
                       int nanos) {
  AppendTimestamp(out, pg_micros, scale, nanos);
  out += ' ';
  AppendUnsigned(out, static_cast<uint64_t>(offset_minutes + 1440));
}

void AppendHex(std::string& out, std::string_view bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  size_t start = out.size();
  out.resize(start + bytes.size() * 2);
  char* dst = out.data() + start;
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    *dst++ = kHex[c >> 4];
    *dst++ = kHex[c & 15];
  }
}

}  // namespace sf2pg::sfemu::wire
