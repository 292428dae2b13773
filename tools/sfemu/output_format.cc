#include "output_format.h"

#include <array>
#include <cctype>

#include "core/sf_wire.h"

namespace sf2pg::sfemu {
namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;

// The elements sfemu renders, longest first so that "YYYY" wins over "YY".
constexpr std::array<std::string_view, 10> kElements = {"YYYY", "HH24", "TZH", "TZM", "YY",
                                                        "MM",   "DD",   "MI",  "SS",  "FF"};

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

// The element at the start of `text` ("" when none); FF takes an optional digit.
std::string_view ElementAt(std::string_view text) {
  for (std::string_view e : kElements) {
    if (!StartsWithNoCase(text, e)) continue;
    if (e == "FF" && text.size() > 2 && std::isdigit(static_cast<unsigned char>(text[2]))) {
      return text.substr(0, 3);
    }
    return text.substr(0, e.size());
  }
  return {};
}

void Put(std::string& out, int64_t value, int width) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  if (value < 0) out += '-';
  for (size_t i = digits.size(); i < static_cast<size_t>(width); ++i) out += '0';
  out += digits;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

const std::string* OutputFormats::For(SfKind kind) const {
  auto find = [this](const char* name) -> const std::string* {
    auto it = by_name.find(name);
    return it == by_name.end() || it->second.empty() ? nullptr : &it->second;
  };
  const std::string* specific = nullptr;
  switch (kind) {
    case SfKind::kDate:
      return find("DATE_OUTPUT_FORMAT");
    case SfKind::kTime:
      return find("TIME_OUTPUT_FORMAT");
    case SfKind::kTimestampNtz:
      specific = find("TIMESTAMP_NTZ_OUTPUT_FORMAT");
      break;
    case SfKind::kTimestampLtz:
      specific = find("TIMESTAMP_LTZ_OUTPUT_FORMAT");
      break;
    case SfKind::kTimestampTz:
      specific = find("TIMESTAMP_TZ_OUTPUT_FORMAT");
      break;
    default:
      return nullptr;
  }
  return specific ? specific : find("TIMESTAMP_OUTPUT_FORMAT");
}

bool IsOutputFormatParameter(std::string_view name) {
  return name == "DATE_OUTPUT_FORMAT" || name == "TIME_OUTPUT_FORMAT" ||
         name == "TIMESTAMP_OUTPUT_FORMAT" || name == "TIMESTAMP_NTZ_OUTPUT_FORMAT" ||
         name == "TIMESTAMP_LTZ_OUTPUT_FORMAT" || name == "TIMESTAMP_TZ_OUTPUT_FORMAT";
}

std::string CheckOutputFormat(std::string_view format) {
  if (StartsWithNoCase(format, "AUTO") && format.size() == 4) {
    return "AUTO is not a valid output format";
  }
  for (size_t i = 0; i < format.size();) {
    if (format[i] == '\\' || static_cast<unsigned char>(format[i]) < 0x20) {
      return "sfemu does not render backslashes or control characters in a format";
    }
    if (std::isalpha(static_cast<unsigned char>(format[i]))) {
      std::string_view element = ElementAt(format.substr(i));
      if (element.empty()) {
        return "sfemu renders only the format elements YYYY YY MM DD HH24 MI SS FF[0-9] TZH "
               "TZM; not '" +
               std::string(format.substr(i)) + "'";
      }
      i += element.size();
    } else if (format[i] == '"') {
      size_t end = format.find('"', i + 1);
      if (end == std::string_view::npos) return "unterminated quoted text in the format";
      i = end + 1;
    } else {
      ++i;
    }
  }
  return "";
}

void AppendFormatted(std::string& out, std::string_view format, int64_t wall_micros,
                     int offset_minutes, int sub_micros) {
  int64_t days = FloorDiv(wall_micros, kMicrosPerDay);
  int64_t of_day = wall_micros - days * kMicrosPerDay;
  sfwire::CivilDate date = sfwire::CivilFromDays(days);
  int64_t seconds = of_day / kMicrosPerSecond;
  int64_t nanos = of_day % kMicrosPerSecond * 1000 + sub_micros;
  for (size_t i = 0; i < format.size();) {
    std::string_view rest = format.substr(i);
    std::string_view element =
        std::isalpha(static_cast<unsigned char>(format[i])) ? ElementAt(rest) : "";
    if (element.empty()) {
      if (format[i] == '"') {
        size_t end = format.find('"', i + 1);
        out.append(format.substr(i + 1, end - i - 1));
        i = end + 1;
      } else {
        out += format[i++];
      }
      continue;
    }
    i += element.size();
    if (StartsWithNoCase(element, "YYYY")) {
      Put(out, date.year, 4);
    } else if (StartsWithNoCase(element, "YY")) {
      Put(out, ((date.year % 100) + 100) % 100, 2);
    } else if (StartsWithNoCase(element, "MM")) {
      Put(out, date.month, 2);
    } else if (StartsWithNoCase(element, "DD")) {
      Put(out, date.day, 2);
    } else if (StartsWithNoCase(element, "HH24")) {
      Put(out, seconds / 3600, 2);
    } else if (StartsWithNoCase(element, "MI")) {
      Put(out, seconds / 60 % 60, 2);
    } else if (StartsWithNoCase(element, "SS")) {
      Put(out, seconds % 60, 2);
    } else if (StartsWithNoCase(element, "FF")) {
      int digits = element.size() == 3 ? element[2] - '0' : 9;  // FF alone is FF9
      std::string nine = std::to_string(nanos);
      nine.insert(0, 9 - nine.size(), '0');
      out.append(nine, 0, static_cast<size_t>(digits));
    } else if (StartsWithNoCase(element, "TZH") && offset_minutes == 0) {
      // UTC is written Z for the hour and minute together (observed for TZHTZM; documented
      // for TIMESTAMP_NTZ: "the UTC indicator (Z) is displayed").
      out += 'Z';
      std::string_view next = format.substr(i);
      size_t colon = !next.empty() && next[0] == ':' ? 1 : 0;
      if (StartsWithNoCase(next.substr(colon), "TZM")) i += colon + 3;
    } else if (StartsWithNoCase(element, "TZH")) {
      out += offset_minutes < 0 ? '-' : '+';
      Put(out, (offset_minutes < 0 ? -offset_minutes : offset_minutes) / 60, 2);
    } else if (StartsWithNoCase(element, "TZM")) {
      Put(out, (offset_minutes < 0 ? -offset_minutes : offset_minutes) % 60, 2);
    }
  }
}

}  // namespace sf2pg::sfemu
