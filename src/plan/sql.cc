#include "plan/sql.h"

#include <charconv>
#include <cstdio>

#include "core/error.h"

namespace sf2pg::plan {
namespace {

struct Civil {
  int64_t year;
  unsigned month;
  unsigned day;
};

// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days).
Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const uint64_t doe = static_cast<uint64_t>(z - era * 146097);
  const uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const uint64_t mp = (5 * doy + 2) / 153;
  const unsigned d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  const unsigned m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  return {y + (m <= 2), m, d};
}

int64_t ParseInt(std::string_view text, std::string_view what) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size()) {
    throw InternalError("cannot read " + std::string(what) + " \"" + std::string(text) + "\"");
  }
  return v;
}

// "secs[.frac]" (signed) to whole seconds (floored) and nanoseconds in [0, 1e9).
void SplitSeconds(std::string_view wire, int64_t* seconds, int64_t* nanos) {
  bool negative = !wire.empty() && wire.front() == '-';
  if (negative) wire.remove_prefix(1);
  size_t dot = wire.find('.');
  int64_t whole = ParseInt(wire.substr(0, dot), "seconds");
  int64_t frac = 0;
  if (dot != std::string_view::npos) {
    std::string digits(wire.substr(dot + 1));
    digits.resize(9, '0');
    frac = ParseInt(digits, "fraction");
  }
  if (negative) {
    whole = -whole;
    if (frac > 0) {
      whole -= 1;
      frac = 1000000000 - frac;
    }
  }
  *seconds = whole;
  *nanos = frac;
}

std::string FormatDate(int64_t days) {
  Civil c = CivilFromDays(days);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(c.year), c.month, c.day);
  return buf;
}

std::string FormatDateTime(int64_t seconds, int64_t nanos) {
  int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
  int64_t rest = seconds - days * 86400;
  char buf[128];
  std::snprintf(buf, sizeof buf, "%s %02lld:%02lld:%02lld.%09lld", FormatDate(days).c_str(),
                static_cast<long long>(rest / 3600), static_cast<long long>(rest / 60 % 60),
                static_cast<long long>(rest % 60), static_cast<long long>(nanos));
  return buf;
}

std::string Cast(const std::string& text, const char* type) {
  return QuoteString(text) + "::" + type;
}

}  // namespace

std::string QuoteIdent(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string QuoteString(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += c;
    out += c;
  }
  return out + "'";
}

std::string QualifiedName(std::string_view database, std::string_view schema,
                          std::string_view table) {
  return QuoteIdent(database) + "." + QuoteIdent(schema) + "." + QuoteIdent(table);
}

std::string Literal(const SourceColumn& column, std::string_view wire) {
  const std::string& t = column.type;
  if (t == "fixed" || t == "decfloat") {
    // Wire text of fixed is a plain decimal; guard anyway so nothing but a number is pasted.
    for (char c : wire) {
      if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == 'e' ||
            c == 'E' || c == '+')) {
        throw InternalError("not a number: \"" + std::string(wire) + "\"");
      }
    }
    return std::string(wire);
  }
  if (t == "real") return Cast(std::string(wire), "FLOAT");
  if (t == "text") return QuoteString(wire);
  if (t == "boolean") {
    return (wire == "true" || wire == "TRUE" || wire == "1") ? "TRUE" : "FALSE";
  }
  if (t == "binary") return "TO_BINARY(" + QuoteString(wire) + ", 'HEX')";
  if (t == "date") return Cast(FormatDate(ParseInt(wire, "date")), "DATE");
  if (t == "time") {
    int64_t s, ns;
    SplitSeconds(wire, &s, &ns);
    return Cast(FormatDateTime(s, ns).substr(11), "TIME");
  }
  if (t == "timestamp_ntz" || t == "timestamp_ltz") {
    int64_t s, ns;
    SplitSeconds(wire, &s, &ns);
    std::string text = FormatDateTime(s, ns);
    if (t == "timestamp_ltz") return Cast(text + " +00:00", "TIMESTAMP_LTZ");
    return Cast(text, "TIMESTAMP_NTZ");
  }
  if (t == "timestamp_tz") {
    size_t space = wire.find(' ');
    if (space == std::string_view::npos) throw InternalError("bad timestamp_tz \"" + std::string(wire) + "\"");
    int64_t s, ns;
    SplitSeconds(wire.substr(0, space), &s, &ns);
    int64_t offset = ParseInt(wire.substr(space + 1), "offset") - 1440;
    // The literal spells the wall-clock time in its own offset, as Snowflake prints it.
    std::string text = FormatDateTime(s + offset * 60, ns);
    char zone[64];
    int64_t a = offset < 0 ? -offset : offset;
    std::snprintf(zone, sizeof zone, " %c%02lld:%02lld", offset < 0 ? '-' : '+',
                  static_cast<long long>(a / 60), static_cast<long long>(a % 60));
    return Cast(text + zone, "TIMESTAMP_TZ");
  }
  throw InternalError("a " + t + " column cannot bound a chunk: " + column.name);
}

std::string KeyAfter(const std::vector<SourceColumn>& keys,
                     const std::vector<std::string>& wire_values, bool inclusive) {
  // Built from the last column outwards: k_n > v_n, then k_{n-1} > v OR (k_{n-1} = v AND ...).
  std::string inner;
  for (size_t i = keys.size(); i-- > 0;) {
    std::string col = QuoteIdent(keys[i].name);
    std::string lit = Literal(keys[i], wire_values[i]);
    if (inner.empty()) {
      inner = col + (inclusive ? " >= " : " > ") + lit;
    } else {
      inner = col + " > " + lit + " OR (" + col + " = " + lit + " AND (" + inner + "))";
    }
  }
  return inner;
}

std::string KeyBefore(const std::vector<SourceColumn>& keys,
                      const std::vector<std::string>& wire_values, bool inclusive) {
  std::string inner;
  for (size_t i = keys.size(); i-- > 0;) {
    std::string col = QuoteIdent(keys[i].name);
    std::string lit = Literal(keys[i], wire_values[i]);
    if (inner.empty()) {
      inner = col + (inclusive ? " <= " : " < ") + lit;
    } else {
      inner = col + " < " + lit + " OR (" + col + " = " + lit + " AND (" + inner + "))";
    }
  }
  return inner;
}

namespace {

// True when `p` is one parenthesised group: "(...)" whose first '(' closes at the end.
bool IsWrapped(std::string_view p) {
  if (p.size() < 2 || p.front() != '(' || p.back() != ')') return false;
  int depth = 0;
  char quote = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && --depth == 0) {
      return i + 1 == p.size();
    }
  }
  return false;
}

}  // namespace

std::string And(const std::vector<std::string>& predicates) {
  std::string out;
  for (const auto& p : predicates) {
    if (p.empty()) continue;
    if (!out.empty()) out += " AND ";
    out += IsWrapped(p) ? p : "(" + p + ")";
  }
  return out;
}

}  // namespace sf2pg::plan
