#include "values.h"

#include <cctype>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "core/strings.h"

namespace sf2pg::sfemu {
namespace {

bool ReadDigits(std::string_view s, size_t& pos, size_t count, int& out) {
  if (pos + count > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < count; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  pos += count;
  return true;
}

bool LeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && LeapYear(y) ? 29 : kDays[m - 1];
}

bool ParseTime(std::string_view s, size_t& pos, TemporalParts& p) {
  if (!ReadDigits(s, pos, 2, p.hour)) return false;
  if (pos >= s.size() || s[pos] != ':') return false;
  ++pos;
  if (!ReadDigits(s, pos, 2, p.minute)) return false;
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!ReadDigits(s, pos, 2, p.second)) return false;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
        p.fraction += s[pos++];
      }
      if (p.fraction.empty() || p.fraction.size() > 9) return false;
    }
  }
  p.has_time = true;
  return p.hour < 24 && p.minute < 60 && p.second < 60;
}

bool ParseOffset(std::string_view s, size_t& pos, TemporalParts& p) {
  while (pos < s.size() && s[pos] == ' ') ++pos;
  if (pos >= s.size()) return true;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
    p.has_offset = true;
    return true;
  }
  if (s[pos] != '+' && s[pos] != '-') return false;
  int sign = s[pos] == '-' ? -1 : 1;
  ++pos;
  int hh = 0, mm = 0;
  if (!ReadDigits(s, pos, 2, hh)) return false;
  if (pos < s.size() && s[pos] == ':') ++pos;
  if (pos < s.size() && !ReadDigits(s, pos, 2, mm)) return false;
  if (hh > 14 || mm > 59 || hh * 60 + mm > 14 * 60) return false;
  p.has_offset = true;
  p.offset_minutes = sign * (hh * 60 + mm);
  return true;
}

std::string TwoDigits(int v) {
  char b[16];
  std::snprintf(b, sizeof b, "%02d", v);
  return b;
}

/// The first six fraction digits (microseconds), padded.
std::string Microseconds(const TemporalParts& p) {
  std::string f = p.fraction.substr(0, std::min<size_t>(6, p.fraction.size()));
  while (f.size() < 6) f += '0';
  return f;
}

/// Fraction digits 7-9 as a number of nanoseconds (0-999).
std::string SubMicroseconds(const TemporalParts& p) {
  std::string f = p.fraction.size() > 6 ? p.fraction.substr(6) : "";
  while (f.size() < 3) f += '0';
  return std::to_string(std::stoi(f));
}

/// Snowflake stores digits only up to the column scale; sfemu refuses the rest instead of
/// guessing whether Snowflake rounds or truncates them.
void CheckScale(const TemporalParts& p, const SfType& type, std::string_view input) {
  for (size_t i = static_cast<size_t>(type.scale); i < p.fraction.size(); ++i) {
    if (p.fraction[i] != '0') {
      throw ValueError("the value '" + std::string(input) + "' has more fraction digits than " +
                           type.DeclaredName() + " keeps; sfemu does not emulate how Snowflake " +
                           "reduces them",
                       kNotEmulatedCode, kNotEmulatedState);
    }
  }
}

std::string DateText(const TemporalParts& p) {
  char b[16];
  std::snprintf(b, sizeof b, "%04d-%02d-%02d", p.year, p.month, p.day);
  return b;
}

std::string TimeText(const TemporalParts& p) {
  return TwoDigits(p.hour) + ":" + TwoDigits(p.minute) + ":" + TwoDigits(p.second) + "." +
         Microseconds(p);
}

/// Types of scale 7-9 are stored as a composite (microsecond value, nanoseconds 0-999); its
/// text form is `("<value>",<nanoseconds>)`.
std::string WithNanos(const SfType& type, const TemporalParts& p, std::string value) {
  if (type.scale <= 6) return value;
  return "(\"" + value + "\"," + SubMicroseconds(p) + ")";
}

std::string OffsetText(int minutes) {
  int a = std::abs(minutes);
  return std::string(minutes < 0 ? "-" : "+") + TwoDigits(a / 60) + ":" + TwoDigits(a % 60);
}

[[noreturn]] void NotRecognized(const SfType& type, std::string_view input) {
  std::string what = type.kind == SfKind::kDate   ? "Date"
                     : type.kind == SfKind::kTime ? "Time"
                                                  : "Timestamp";
  throw ValueError(what + " '" + std::string(input) + "' is not recognized",
                   type.kind == SfKind::kDate ? "100040" : "100035", "22007");
}

PgInput Temporal(const SfType& type, std::string_view input) {
  auto parts = ParseTemporal(input);
  if (!parts) NotRecognized(type, input);
  PgInput out;
  switch (type.kind) {
    case SfKind::kDate:
      if (!parts->has_date) NotRecognized(type, input);
      out.value = DateText(*parts);
      return out;
    case SfKind::kTime:
      if (parts->has_date || !parts->has_time) NotRecognized(type, input);
      CheckScale(*parts, type, input);
      out.value = WithNanos(type, *parts, TimeText(*parts));
      return out;
    default:
      break;
  }
  if (!parts->has_date) NotRecognized(type, input);
  CheckScale(*parts, type, input);
  std::string wall = DateText(*parts) + " " + TimeText(*parts);
  if (type.kind == SfKind::kTimestampNtz) {
    out.value = wall;  // an offset in the text is ignored, as Snowflake does for NTZ
  } else if (parts->has_offset) {
    out.value = wall + OffsetText(parts->offset_minutes);
    out.offset = std::to_string(parts->offset_minutes);
  } else {
    out.value = wall;
    out.offset_from_session = type.kind == SfKind::kTimestampTz;
  }
  out.value = WithNanos(type, *parts, out.value);
  return out;
}

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

PgInput Fixed(const SfType& type, std::string_view input) {
  std::string text(input);
  while (!text.empty() && text.back() == ' ') text.pop_back();
  while (!text.empty() && text.front() == ' ') text.erase(0, 1);
  if (!IsDecimalText(text)) {
    throw ValueError("Numeric value '" + text + "' is not recognized", "100038", "22018");
  }
  if (text.find_first_of("eE") == std::string::npos) {
    // Leading digits must fit precision - scale (PostgreSQL would say so too, less clearly).
    size_t start = text[0] == '-' || text[0] == '+' ? 1 : 0;
    size_t point = text.find('.');
    std::string whole =
        text.substr(start, (point == std::string::npos ? text.size() : point) - start);
    size_t nz = whole.find_first_not_of('0');
    size_t digits = nz == std::string::npos ? 0 : whole.size() - nz;
    if (digits > static_cast<size_t>(type.precision - type.scale)) {
      throw ValueError("Numeric value '" + text + "' is out of range for " + type.DeclaredName(),
                       "100039", "22003");
    }
  }
  return {text, "", false};
}

PgInput Real(std::string_view input) {
  std::string text(input);
  std::string lower = Lower(text);
  if (lower == "nan") return {"NaN", "", false};
  if (lower == "inf" || lower == "infinity" || lower == "+inf") return {"Infinity", "", false};
  if (lower == "-inf" || lower == "-infinity") return {"-Infinity", "", false};
  if (!IsDecimalText(text)) {
    throw ValueError("Numeric value '" + text + "' is not recognized", "100038", "22018");
  }
  double v = std::strtod(text.c_str(), nullptr);
  if (std::isinf(v)) {
    throw ValueError("Numeric value '" + text + "' is out of range for FLOAT", "100039", "22003");
  }
  char buffer[40];
  auto r = std::to_chars(buffer, buffer + sizeof buffer, v);
  return {std::string(buffer, r.ptr), "", false};
}

PgInput Boolean(std::string_view input) {
  std::string lower = Lower(input);
  if (lower == "true" || lower == "t" || lower == "yes" || lower == "y" || lower == "on" ||
      lower == "1") {
    return {"t", "", false};
  }
  if (lower == "false" || lower == "f" || lower == "no" || lower == "n" || lower == "off" ||
      lower == "0") {
    return {"f", "", false};
  }
  throw ValueError("Boolean value '" + std::string(input) + "' is not recognized", "100037",
                   "22018");
}

PgInput Binary(const SfType& type, std::string_view input) {
  auto not_hex = [&] {
    return ValueError(
        "The following string is not a legal hex-encoded value: '" + std::string(input) + "'",
        "100115", "22000");
  };
  if (input.size() % 2 != 0) throw not_hex();
  std::string out = "\\x";
  for (char c : input) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) throw not_hex();
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (static_cast<int64_t>(input.size() / 2) > type.length) {
    throw ValueError("Binary value is too long for " + type.DeclaredName(), "100078", "22001");
  }
  return {out, "", false};
}

}  // namespace

std::optional<TemporalParts> ParseTemporal(std::string_view text) {
  std::string_view s = text;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  TemporalParts p;
  size_t pos = 0;
  if (s.size() >= 5 && s[2] == ':') {
    if (!ParseTime(s, pos, p)) return std::nullopt;
  } else {
    if (!ReadDigits(s, pos, 4, p.year) || pos >= s.size() || s[pos++] != '-' ||
        !ReadDigits(s, pos, 2, p.month) || pos >= s.size() || s[pos++] != '-' ||
        !ReadDigits(s, pos, 2, p.day)) {
      return std::nullopt;
    }
    if (p.year < 1 || p.month < 1 || p.month > 12 || p.day < 1 ||
        p.day > DaysInMonth(p.year, p.month)) {
      return std::nullopt;
    }
    p.has_date = true;
    if (pos < s.size() && (s[pos] == ' ' || s[pos] == 'T')) {
      size_t save = pos;
      ++pos;
      while (pos < s.size() && s[pos] == ' ') ++pos;
      if (pos + 2 < s.size() && s[pos + 2] == ':') {
        if (!ParseTime(s, pos, p)) return std::nullopt;
      } else {
        pos = save;
      }
    }
  }
  if (!ParseOffset(s, pos, p) || pos != s.size()) return std::nullopt;
  return p;
}

namespace {

/// A vector from array text such as "[0.1, -2.5]" (an ARRAY's JSON or a loader field) as
/// PostgreSQL array input, "{0.1,-2.5}". The array must have exactly `dimension` numbers, each
/// an integer within 32 bits for INT, a finite number within float32's range for FLOAT.
PgInput Vector(const SfType& type, std::string_view input) {
  std::string shown(input.substr(0, 60));
  auto refuse = [&](const std::string& why) -> PgInput {
    throw ValueError("Cannot cast '" + shown + (input.size() > 60 ? "..." : "") + "' to " +
                         type.DeclaredName() + ": " + why,
                     "100071", "22000");
  };
  if (input.size() < 2 || input.front() != '[' || input.back() != ']') {
    return refuse("not an array");
  }
  constexpr const char* kSpace = " \t\n";
  std::string out = "{";
  int count = 0;
  std::string_view rest = input.substr(1, input.size() - 2);
  while (rest.find_first_not_of(kSpace) != std::string_view::npos) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    size_t begin = item.find_first_not_of(kSpace);
    size_t end = item.find_last_not_of(kSpace);
    item = begin == std::string_view::npos ? "" : item.substr(begin, end - begin + 1);
    if (item == "undefined" || item == "null") return refuse("a vector has no NULL elements");
    if (!IsDecimalText(item)) return refuse("the elements of a vector are numbers");
    std::string text(item);
    double value = std::strtod(text.c_str(), nullptr);
    if (type.element == SfKind::kFixed) {
      if (value != std::trunc(value) || value < INT32_MIN || value > INT32_MAX) {
        return refuse("the elements of a VECTOR(INT) are 32-bit integers");
      }
      text = std::to_string(static_cast<int32_t>(value));
    } else {
      if (!(std::fabs(value) <= FLT_MAX)) {
        return refuse("the elements of a VECTOR(FLOAT) are 32-bit floats");
      }
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "%.9g", static_cast<double>(static_cast<float>(value)));
      text = buffer;
    }
    out += (count++ ? "," : "") + text;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
    if (rest.find_first_not_of(kSpace) == std::string_view::npos) return refuse("not an array");
  }
  if (count != type.dimension) {
    return refuse("an array of " + std::to_string(count) + " elements for a vector of dimension " +
                  std::to_string(type.dimension));
  }
  return {out + "}", "", false};
}

}  // namespace

bool IsDecimalText(std::string_view t) {
  size_t i = 0;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
  size_t digits = 0;
  while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i, ++digits;
  if (i < t.size() && t[i] == '.') {
    ++i;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    size_t e = 0;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i, ++e;
    if (e == 0) return false;
  }
  return i == t.size();
}

SfType LiteralNumberType(std::string_view text) {
  size_t point = text.find('.');
  std::string_view whole = point == std::string_view::npos ? text : text.substr(0, point);
  std::string_view frac = point == std::string_view::npos ? "" : text.substr(point + 1);
  size_t nz = whole.find_first_not_of('0');
  int lead = nz == std::string_view::npos ? 0 : static_cast<int>(whole.size() - nz);
  int scale = static_cast<int>(frac.size());
  int precision = std::max(1, lead + scale);
  return SfType::Fixed(std::min(38, precision), std::min(37, scale));
}

PgInput ToPgInput(const SfType& type, std::string_view input) {
  switch (type.kind) {
    case SfKind::kFixed:
      return Fixed(type, input);
    case SfKind::kReal:
      return Real(input);
    case SfKind::kBoolean:
      return Boolean(input);
    case SfKind::kBinary:
      return Binary(type, input);
    case SfKind::kDate:
    case SfKind::kTime:
    case SfKind::kTimestampNtz:
    case SfKind::kTimestampLtz:
    case SfKind::kTimestampTz:
      return Temporal(type, input);
    case SfKind::kVariant:
    case SfKind::kObject:
    case SfKind::kArray:
    case SfKind::kGeography:
    case SfKind::kGeometry:
      return {CanonicalJson(input, type.kind), "", false};
    case SfKind::kVector:
      return Vector(type, input);
    case SfKind::kText:
    case SfKind::kNull:
      break;
  }
  if (!ValidUtf8(input)) throw ValueError("Invalid UTF8 detected in string", "100069", "22P02");
  if (static_cast<int64_t>(Utf8Length(input)) > type.length) {
    std::string head(input.substr(0, 40));
    throw ValueError("String '" + head + (input.size() > 40 ? "..." : "") +
                         "' is too long and would be truncated (" + type.DeclaredName() + ")",
                     "100078", "22001");
  }
  return {StoreNuls(input), "", false};
}

std::string StoreNuls(std::string_view text) {
  if (text.find(kNulStandIn) != std::string_view::npos) {
    throw ValueError(
        "the character U+E000 is reserved by sfemu to store NUL characters; text "
        "containing it is refused",
        kNotEmulatedCode, kNotEmulatedState);
  }
  if (!std::memchr(text.data(), '\0', text.size())) return std::string(text);
  std::string out;
  for (char c : text) {
    if (c == '\0')
      out += kNulStandIn;
    else
      out += c;
  }
  return out;
}

}  // namespace sf2pg::sfemu
