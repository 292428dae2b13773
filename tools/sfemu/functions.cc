#include "functions.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "core/quote.h"
#include "core/strings.h"
#include "error.h"
#include "json_text.h"
#include "postgres/connection.h"
#include "values.h"

namespace sf2pg::sfemu {
namespace {

using Lit = Typed::Literal;

void Arity(const FunctionCall& c, size_t min, size_t max) {
  if (c.args.size() < min || c.args.size() > max) {
    throw CompilationError("000938", "22023",
                           "error line " + std::to_string(c.expr.line) + " at position " +
                               std::to_string(c.expr.column) + "\ninvalid number of arguments (" +
                               std::to_string(c.args.size()) + ") for function " + c.expr.text);
  }
}

bool AnyNullable(const std::vector<Typed>& args) {
  return std::any_of(args.begin(), args.end(), [](const Typed& t) { return t.nullable; });
}

/// A string-literal argument (date parts, formats); throws when it is not one.
std::string ConstantText(const FunctionCall& c, size_t i) {
  const Typed& t = c.args[i];
  if (t.literal != Lit::kString) {
    throw CompilationError("002061", "22023",
                           "argument " + std::to_string(i + 1) + " to function " + c.expr.text +
                               " needs to be constant");
  }
  return Upper(t.literal_text);
}

int ConstantInt(const FunctionCall& c, size_t i) {
  const Typed& t = c.args[i];
  if (t.literal != Lit::kNumber || t.literal_text.find_first_of(".e") != std::string::npos) {
    throw CompilationError("002061", "22023",
                           "argument " + std::to_string(i + 1) + " to function " + c.expr.text +
                               " needs to be a constant integer");
  }
  return std::stoi(t.literal_text);
}

Typed Aggregate(Typed t) {
  t.aggregate = true;
  return t;
}

std::string Distinct(const FunctionCall& c) { return c.expr.flag ? "DISTINCT " : ""; }

Typed Count(FunctionCall& c) {
  Arity(c, 1, 1);
  std::string arg = c.args[0].sql;
  return Aggregate(MakeTyped("count(" + Distinct(c) + arg + ")", SfType::Fixed(18, 0), false));
}

Typed MinMax(FunctionCall& c, bool min) {
  Arity(c, 1, 1);
  const Typed& v = c.args[0];
  if (v.type.IsSemiStructured() || v.type.kind == SfKind::kBinary) {
    throw Unsupported(c.expr.text + " of " + v.type.DeclaredName());
  }
  std::string fn = min ? "min" : "max";
  Typed out = MakeTyped("", v.type.kind == SfKind::kNull ? SfType::Text() : v.type, true);
  if (v.type.kind == SfKind::kBoolean) {
    out.sql = (min ? "bool_and(" : "bool_or(") + v.sql + ")";
  } else if (v.type.kind == SfKind::kText) {
    out.sql = fn + "((" + v.sql + ") COLLATE \"C\")";
  } else if (HasNanos(v.type)) {
    // Composites (scale 7-9) have their own MIN/MAX (catalog.cc); plain values are lifted.
    out.sql = "sfemu_catalog." + fn + "(" + Distinct(c) + NanosSql(v.sql) + ")";
  } else {
    out.sql = fn + "(" + Distinct(c) + v.sql + ")";
  }
  if (v.type.kind == SfKind::kTimestampTz) {
    out.offset = "(array_agg(" + v.offset + " ORDER BY " + v.sql + (min ? " ASC" : " DESC") +
                 ") FILTER (WHERE " + v.sql + " IS NOT NULL))[1]";
  }
  return Aggregate(out);
}

Typed Sum(FunctionCall& c) {
  Arity(c, 1, 1);
  Typed v = c.args[0];
  if (v.literal == Lit::kString) v = c.translator.Coerce(v, SfType::Of(SfKind::kReal));
  if (v.type.kind == SfKind::kFixed) {
    return Aggregate(
        MakeTyped("sum(" + Distinct(c) + v.sql + ")", SfType::Fixed(38, v.type.scale), true));
  }
  if (v.type.kind == SfKind::kReal || v.type.kind == SfKind::kNull) {
    return Aggregate(MakeTyped("sum(" + Distinct(c) + "(" + v.sql + ")::float8)",
                               SfType::Of(SfKind::kReal), true));
  }
  throw CompilationError(
      "001044", "22023",
      "Invalid argument types for function 'SUM': (" + v.type.DeclaredName() + ")");
}

Typed Avg(FunctionCall& c) {
  Arity(c, 1, 1);
  const Typed& v = c.args[0];
  if (v.type.kind != SfKind::kReal) {
    throw Unsupported("AVG of " + v.type.DeclaredName() +
                      " (Snowflake's result scale is not emulated)");
  }
  return Aggregate(MakeTyped("avg(" + Distinct(c) + v.sql + ")", SfType::Of(SfKind::kReal), true));
}

Typed Ranking(FunctionCall& c, const char* fn) {
  Arity(c, 0, 0);
  if (!c.expr.over) {
    throw CompilationError("002063", "42601",
                           std::string(c.expr.text) + " requires an OVER clause");
  }
  return MakeTyped(std::string(fn) + "()", SfType::Fixed(18, 0), false);
}

Typed TextArg(FunctionCall& c, size_t i) { return c.translator.ToText(c.args[i]); }

/// Hashes need the real bytes; text holding a stored NUL (see values.h) is refused.
std::string HashInput(FunctionCall& c, size_t i) {
  return "sfemu_catalog.nul_free(" + TextArg(c, i).sql + ")";
}

Typed Md5(FunctionCall& c) {
  Arity(c, 1, 1);
  const Typed& v = c.args[0];
  std::string sql =
      v.type.kind == SfKind::kBinary ? "md5(" + v.sql + ")" : "md5(" + HashInput(c, 0) + ")";
  return MakeTyped(sql, SfType::Text(32), v.nullable);
}

Typed Md5Number(FunctionCall& c, const char* fn) {
  Arity(c, 1, 1);
  return MakeTyped(std::string("sfemu_catalog.") + fn + "(" + HashInput(c, 0) + ")",
                   SfType::Fixed(20, 0), c.args[0].nullable);
}

Typed Sha2(FunctionCall& c) {
  Arity(c, 1, 2);
  int bits = c.args.size() == 2 ? ConstantInt(c, 1) : 256;
  if (bits != 224 && bits != 256 && bits != 384 && bits != 512) {
    throw CompilationError("100094", "22023", "SHA2 digest size must be 224, 256, 384 or 512");
  }
  return MakeTyped(
      "encode(sha" + std::to_string(bits) + "(convert_to(" + HashInput(c, 0) + ", 'UTF8')), 'hex')",
      SfType::Text(bits / 4), c.args[0].nullable);
}

Typed Hash(FunctionCall& c) {
  throw Unsupported(c.expr.text +
                    " (Snowflake's hash values cannot be reproduced outside Snowflake)");
}

/// TO_VARCHAR(<binary>, 'HEX') and TO_VARCHAR(<timestamp_tz>, 'TZH:TZM'): the two format
/// arguments emulated. HEX writes upper-case digits; TZH:TZM is the value's UTC offset, a sign
/// and two digits each ("+05:30", "-08:00", "+00:00").
Typed ToVarcharFormat(FunctionCall& c) {
  const Typed& v = c.args[0];
  std::string format = ConstantText(c, 1);
  if (v.type.kind == SfKind::kBinary && format == "HEX") {
    return MakeTyped("upper(encode(" + v.sql + ", 'hex'))", SfType::Text(kExpressionTextLength),
                     v.nullable);
  }
  if (v.type.kind == SfKind::kTimestampTz && format == "TZH:TZM") {
    std::string off = "(" + v.offset + ")";
    std::string sql = "(CASE WHEN " + v.sql + " IS NULL THEN NULL ELSE (CASE WHEN " + off +
                      " < 0 THEN '-' ELSE '+' END) || lpad((abs(" + off +
                      ") / 60)::text, 2, '0') || ':' || lpad((abs(" + off +
                      ") % 60)::text, 2, '0') END)";
    return MakeTyped(sql, SfType::Text(kExpressionTextLength), v.nullable);
  }
  throw Unsupported(c.expr.text + " of " + v.type.DeclaredName() + " with format '" + format + "'");
}

Typed ToVarchar(FunctionCall& c) {
  Arity(c, 1, 2);
  if (c.args.size() == 2) return ToVarcharFormat(c);
  Typed out = TextArg(c, 0);
  if (c.args[0].type.kind != SfKind::kText) out.type = SfType::Text(kExpressionTextLength);
  return out;
}

Typed CaseMap(FunctionCall& c, const char* fn) {
  Arity(c, 1, 1);
  Typed v = TextArg(c, 0);
  return MakeTyped(std::string("sfemu_catalog.sf_") + fn + "(" + v.sql + ")", v.type, v.nullable);
}

Typed Trim(FunctionCall& c, const char* fn) {
  Arity(c, 1, 2);
  Typed v = TextArg(c, 0);
  std::string chars = c.args.size() == 2 ? TextArg(c, 1).sql : "' '";
  return MakeTyped(std::string(fn) + "(" + v.sql + ", " + chars + ")", v.type, AnyNullable(c.args));
}

Typed Length(FunctionCall& c) {
  Arity(c, 1, 1);
  const Typed& v = c.args[0];
  std::string sql = v.type.kind == SfKind::kBinary ? "octet_length(" + v.sql + ")"
                                                   : "char_length(" + TextArg(c, 0).sql + ")";
  return MakeTyped("(" + sql + ")::numeric", SfType::Fixed(18, 0), v.nullable);
}

Typed Substr(FunctionCall& c) {
  Arity(c, 2, 3);
  Typed v = TextArg(c, 0);
  int start = ConstantInt(c, 1);
  if (start < 1) throw Unsupported("SUBSTR with a start position below 1");
  std::string sql = "substr(" + v.sql + ", " + std::to_string(start);
  if (c.args.size() == 3) sql += ", " + std::to_string(std::max(0, ConstantInt(c, 2)));
  return MakeTyped(sql + ")", v.type, v.nullable);
}

Typed Concat(FunctionCall& c) {
  if (c.args.empty()) Arity(c, 1, 1000);
  std::string sql;
  for (size_t i = 0; i < c.args.size(); ++i) sql += (i ? " || " : "(") + TextArg(c, i).sql;
  return MakeTyped(sql + ")", SfType::Text(), AnyNullable(c.args));
}

/// COALESCE-like: the arguments brought to their common type.
std::vector<Typed> Common(FunctionCall& c, SfType& type) {
  type = c.args[0].type;
  Typed acc = c.args[0];
  for (size_t i = 1; i < c.args.size(); ++i) {
    type = c.translator.CommonType(acc, c.args[i]);
    acc = Translator::NullOf(type);
  }
  std::vector<Typed> out;
  for (const auto& a : c.args) {
    out.push_back(c.translator.Coerce(a, type));
    out.back().sql = BranchSql(out.back());
  }
  return out;
}

Typed Coalesce(FunctionCall& c) {
  if (c.args.size() < 2) Arity(c, 2, 1000);
  SfType type;
  std::vector<Typed> args = Common(c, type);
  std::string sql = "COALESCE(", offset = "COALESCE(";
  bool nullable = true;
  for (size_t i = 0; i < args.size(); ++i) {
    sql += (i ? ", " : "") + args[i].sql;
    offset += (i ? ", " : "") + args[i].offset;
    nullable = nullable && args[i].nullable;
  }
  Typed out = MakeTyped(sql + ")", type, nullable);
  if (type.kind == SfKind::kTimestampTz) out.offset = offset + ")";
  return out;
}

Typed Iff(FunctionCall& c) {
  Arity(c, 3, 3);
  Typed cond = c.translator.Boolean(c.args[0], "IFF");
  FunctionCall branches{c.expr, {c.args[1], c.args[2]}, c.translator};
  SfType type;
  std::vector<Typed> args = Common(branches, type);
  Typed out = MakeTyped(
      "(CASE WHEN " + cond.sql + " THEN " + args[0].sql + " ELSE " + args[1].sql + " END)", type,
      args[0].nullable || args[1].nullable);
  if (type.kind == SfKind::kTimestampTz) {
    out.offset =
        "(CASE WHEN " + cond.sql + " THEN " + args[0].offset + " ELSE " + args[1].offset + " END)";
  }
  return out;
}

Typed NullIf(FunctionCall& c) {
  Arity(c, 2, 2);
  Typed a = c.args[0], b = c.args[1];
  c.translator.Unify(a, b);
  if (a.type.kind == SfKind::kTimestampTz) throw Unsupported("NULLIF of TIMESTAMP_TZ");
  return MakeTyped("NULLIF(" + BranchSql(a) + ", " + BranchSql(b) + ")", a.type, true);
}

Typed Numeric(FunctionCall& c, size_t i) {
  Typed v = c.args[i];
  if (v.literal == Lit::kString) v = c.translator.Coerce(v, SfType::Of(SfKind::kReal));
  if (v.type.kind == SfKind::kNull) v = Translator::NullOf(SfType::Fixed(38, 0));
  if (!v.type.IsNumeric()) {
    throw CompilationError("001044", "22023",
                           "Invalid argument types for function '" + c.expr.text + "': (" +
                               v.type.DeclaredName() + ")");
  }
  return v;
}

Typed FloorCeil(FunctionCall& c, const char* fn) {
  Arity(c, 1, 1);
  Typed v = Numeric(c, 0);
  if (v.type.kind == SfKind::kReal)
    return MakeTyped(std::string(fn) + "(" + v.sql + ")", v.type, v.nullable);
  int p = std::min(38, v.type.precision - v.type.scale + 1);
  return MakeTyped(std::string(fn) + "(" + v.sql + ")", SfType::Fixed(p, 0), v.nullable);
}

/// ROUND(x [, scale [, 'HALF_AWAY_FROM_ZERO' | 'HALF_TO_EVEN']]): a rounding mode needs a
/// fixed-point x (Snowflake refuses it for FLOAT).
Typed Round(FunctionCall& c) {
  Arity(c, 1, 3);
  Typed v = Numeric(c, 0);
  int d = c.args.size() >= 2 ? ConstantInt(c, 1) : 0;
  bool half_to_even = false;
  if (c.args.size() == 3) {
    std::string mode = ConstantText(c, 2);
    // Snowflake refuses other modes, and any mode for FLOAT; its messages are not emulated.
    if (mode != "HALF_AWAY_FROM_ZERO" && mode != "HALF_TO_EVEN") {
      throw Unsupported("ROUND with rounding mode '" + mode + "'");
    }
    if (v.type.kind != SfKind::kFixed) {
      throw Unsupported("ROUND of " + v.type.DeclaredName() + " with a rounding mode");
    }
    half_to_even = mode == "HALF_TO_EVEN";
  }
  if (v.type.kind == SfKind::kReal) {
    return MakeTyped("round((" + v.sql + ")::numeric, " + std::to_string(d) + ")::float8", v.type,
                     v.nullable);
  }
  int s = std::clamp(d, 0, v.type.scale);
  int p = std::min(38, v.type.precision - v.type.scale + s + 1);
  std::string fn = half_to_even ? "sfemu_catalog.round_half_even(" : "round(";
  return MakeTyped(fn + v.sql + ", " + std::to_string(d) + ")", SfType::Fixed(p, s), v.nullable);
}

Typed Replace(FunctionCall& c) {
  Arity(c, 2, 3);
  std::string with = c.args.size() == 3 ? TextArg(c, 2).sql : "''";
  return MakeTyped("replace(" + TextArg(c, 0).sql + ", " + TextArg(c, 1).sql + ", " + with + ")",
                   TextArg(c, 0).type, AnyNullable(c.args));
}

Typed Trunc(FunctionCall& c) {
  Arity(c, 1, 2);
  if (c.args[0].type.IsTemporal())
    throw Unsupported("TRUNC of dates and timestamps (use DATE_TRUNC)");
  Typed v = Numeric(c, 0);
  int d = c.args.size() == 2 ? ConstantInt(c, 1) : 0;
  if (v.type.kind == SfKind::kReal) {
    return MakeTyped("trunc((" + v.sql + ")::numeric, " + std::to_string(d) + ")::float8", v.type,
                     v.nullable);
  }
  int s = std::clamp(d, 0, v.type.scale);
  return MakeTyped("trunc(" + v.sql + ", " + std::to_string(d) + ")",
                   SfType::Fixed(v.type.precision, s), v.nullable);
}

Typed Abs(FunctionCall& c) {
  Arity(c, 1, 1);
  Typed v = Numeric(c, 0);
  return MakeTyped("abs(" + v.sql + ")", v.type, v.nullable);
}

Typed Mod(FunctionCall& c) {
  Arity(c, 2, 2);
  Typed a = Numeric(c, 0), b = Numeric(c, 1);
  if (a.type.kind == SfKind::kReal || b.type.kind == SfKind::kReal) {
    std::string l = "(" + a.sql + ")::float8", r = "(" + b.sql + ")::float8";
    return MakeTyped("(CASE WHEN " + r + " = 0 THEN NULL ELSE " + l + " - trunc(" + l + " / " + r +
                         ") * " + r + " END)",
                     SfType::Of(SfKind::kReal), true);
  }
  int s = std::max(a.type.scale, b.type.scale);
  int p =
      std::min(38, std::max(a.type.precision - a.type.scale, b.type.precision - b.type.scale) + s);
  Typed out = MakeTyped("mod((" + a.sql + ")::numeric, " + b.sql + ")", SfType::Fixed(p, s), true);
  out.aggregate = a.aggregate || b.aggregate;
  out.window = a.window || b.window;
  return out;
}

std::string DatePart(const std::string& part) {
  static const std::map<std::string, std::string> kParts = {{"YEAR", "year"},
                                                            {"Y", "year"},
                                                            {"YY", "year"},
                                                            {"YYY", "year"},
                                                            {"YYYY", "year"},
                                                            {"YR", "year"},
                                                            {"YEARS", "year"},
                                                            {"YRS", "year"},
                                                            {"QUARTER", "quarter"},
                                                            {"Q", "quarter"},
                                                            {"QTR", "quarter"},
                                                            {"QTRS", "quarter"},
                                                            {"QUARTERS", "quarter"},
                                                            {"MONTH", "month"},
                                                            {"MM", "month"},
                                                            {"MON", "month"},
                                                            {"MONS", "month"},
                                                            {"MONTHS", "month"},
                                                            {"WEEK", "week"},
                                                            {"W", "week"},
                                                            {"WK", "week"},
                                                            {"WEEKOFYEAR", "week"},
                                                            {"WOY", "week"},
                                                            {"WY", "week"},
                                                            {"DAY", "day"},
                                                            {"D", "day"},
                                                            {"DD", "day"},
                                                            {"DAYS", "day"},
                                                            {"DAYOFMONTH", "day"},
                                                            {"HOUR", "hour"},
                                                            {"H", "hour"},
                                                            {"HH", "hour"},
                                                            {"HR", "hour"},
                                                            {"HOURS", "hour"},
                                                            {"HRS", "hour"},
                                                            {"MINUTE", "minute"},
                                                            {"M", "minute"},
                                                            {"MI", "minute"},
                                                            {"MIN", "minute"},
                                                            {"MINUTES", "minute"},
                                                            {"MINS", "minute"},
                                                            {"SECOND", "second"},
                                                            {"S", "second"},
                                                            {"SEC", "second"},
                                                            {"SECONDS", "second"},
                                                            {"SECS", "second"},
                                                            {"MILLISECOND", "milliseconds"},
                                                            {"MS", "milliseconds"},
                                                            {"MSEC", "milliseconds"},
                                                            {"MILLISECONDS", "milliseconds"},
                                                            {"MICROSECOND", "microseconds"},
                                                            {"US", "microseconds"},
                                                            {"USEC", "microseconds"},
                                                            {"MICROSECONDS", "microseconds"}};
  auto it = kParts.find(part);
  if (it == kParts.end()) {
    throw CompilationError("002022", "22023", "Invalid date/time part '" + part + "'");
  }
  return it->second;
}

Typed DateTrunc(FunctionCall& c) {
  Arity(c, 2, 2);
  std::string unit = "'" + DatePart(ConstantText(c, 0)) + "'";
  Typed v = c.args[1];
  if (v.literal == Lit::kString) v = c.translator.Coerce(v, SfType::Of(SfKind::kTimestampNtz, 9));
  // Units down to the microsecond drop digits 7-9 in any case: truncate the microsecond value.
  if (v.type.IsTimestamp()) v.sql = MicrosSql(v.sql);
  switch (v.type.kind) {
    case SfKind::kDate:
      return MakeTyped("date_trunc(" + unit + ", " + v.sql + ")::date", v.type, v.nullable);
    case SfKind::kTimestampNtz:
    case SfKind::kTimestampLtz:
      return MakeTyped("date_trunc(" + unit + ", " + v.sql + ")", v.type, v.nullable);
    case SfKind::kTimestampTz: {
      // Truncate the value's own local time, then keep its offset.
      std::string local =
          "((" + v.sql + " AT TIME ZONE 'UTC') + make_interval(mins => " + v.offset + "))";
      Typed out = MakeTyped("((date_trunc(" + unit + ", " + local + ") - make_interval(mins => " +
                                v.offset + ")) AT TIME ZONE 'UTC')",
                            v.type, v.nullable);
      out.offset = v.offset;
      return out;
    }
    default:
      throw Unsupported("DATE_TRUNC of " + v.type.DeclaredName());
  }
}

/// DATE_PART(part, value) for the parts that the canonical row text of `sf2pg verify` uses:
/// EPOCH_SECOND of a DATE; EPOCH_NANOSECOND of a timestamp (the instant for TIMESTAMP_LTZ/_TZ,
/// the wall clock read as UTC for TIMESTAMP_NTZ), exact with digits 7-9; HOUR, MINUTE, SECOND
/// and NANOSECOND (the fraction of the second, 0-999999999) of a TIME or TIMESTAMP_NTZ. Other
/// parts and types are refused rather than guessed.
Typed DatePartOf(FunctionCall& c) {
  Arity(c, 2, 2);
  std::string part = ConstantText(c, 0);
  Typed v = c.args[1];
  if (v.literal == Lit::kString) v = c.translator.Coerce(v, SfType::Of(SfKind::kTimestampNtz, 9));
  const SfKind kind = v.type.kind;
  const bool nanos = HasNanos(v.type);
  const std::string t = nanos ? "(" + NanosSql(v.sql) + ").t" : v.sql;
  const std::string n = nanos ? "(" + NanosSql(v.sql) + ").n" : "0";
  auto number = [&](const std::string& sql, int precision) {
    return MakeTyped("(" + sql + ")::numeric", SfType::Fixed(precision, 0), v.nullable);
  };
  if (part == "EPOCH_SECOND" && kind == SfKind::kDate) {
    return number("extract(epoch from " + t + ")", 18);
  }
  if (part == "EPOCH_NANOSECOND" && v.type.IsTimestamp()) {
    return number("(extract(epoch from " + t + ") * 1000000000)::numeric(38,0) + " + n, 38);
  }
  const bool clock = kind == SfKind::kTime || kind == SfKind::kTimestampNtz;
  if (clock && (part == "HOUR" || part == "MINUTE")) {
    return number("extract(" + Lower(part) + " from " + t + ")", 2);
  }
  if (clock && part == "SECOND") return number("trunc(extract(second from " + t + "))", 2);
  if (clock && part == "NANOSECOND") {
    return number("mod(extract(microseconds from " + t + "), 1000000) * 1000 + " + n, 9);
  }
  throw Unsupported("DATE_PART(" + part + ") of " + v.type.DeclaredName());
}

/// CONVERT_TIMEZONE('UTC', <timestamp_ltz or timestamp_tz>): the 2-argument form, a
/// TIMESTAMP_TZ of the same instant at offset +00:00. Other zones and the 3-argument form (on
/// TIMESTAMP_NTZ) are not emulated.
Typed ConvertTimezone(FunctionCall& c) {
  Arity(c, 2, 3);
  const Typed& v = c.args.back();
  std::string zone = c.args[0].literal == Lit::kString ? c.args[0].literal_text : "";
  if (c.args.size() != 2 || (zone != "UTC" && zone != "Etc/UTC") ||
      (v.type.kind != SfKind::kTimestampLtz && v.type.kind != SfKind::kTimestampTz)) {
    throw Unsupported(
        "CONVERT_TIMEZONE other than CONVERT_TIMEZONE('UTC', <TIMESTAMP_LTZ or "
        "TIMESTAMP_TZ>)");
  }
  SfType type = v.type;
  type.kind = SfKind::kTimestampTz;
  Typed out = MakeTyped(v.sql, type, v.nullable);
  out.offset = "0";
  return out;
}

Typed ConvertTo(FunctionCall& c, SfType type, size_t max_args = 1) {
  Arity(c, 1, max_args);
  if (c.args.size() > 1 && type.kind != SfKind::kFixed) {
    throw Unsupported(c.expr.text + " with a format argument");
  }
  return c.translator.Coerce(c.args[0], type);
}

Typed ToNumber(FunctionCall& c) {
  Arity(c, 1, 3);
  int p = c.args.size() >= 2 ? ConstantInt(c, 1) : 38;
  int s = c.args.size() >= 3 ? ConstantInt(c, 2) : 0;
  if (p < 1 || p > 38 || s < 0 || s > p)
    throw CompilationError("002020", "22023", "invalid precision or scale");
  return c.translator.Coerce(c.args[0], SfType::Fixed(p, s));
}

Typed ToBinary(FunctionCall& c) {
  Arity(c, 1, 2);
  std::string format = c.args.size() == 2 ? ConstantText(c, 1) : "HEX";
  if (format == "HEX") return c.translator.Coerce(c.args[0], SfType::Of(SfKind::kBinary));
  if (format == "UTF-8" || format == "UTF8") {
    Typed v = TextArg(c, 0);
    return MakeTyped("convert_to(" + v.sql + ", 'UTF8')", SfType::Of(SfKind::kBinary), v.nullable);
  }
  throw Unsupported("TO_BINARY with format " + format);
}

/// Canonical JSON text of a constant argument of a semi-structured constructor.
std::optional<std::string> JsonOf(const FunctionCall& c, size_t i) {
  const Typed& v = c.args[i];
  switch (v.literal) {
    case Lit::kNull:
      return std::nullopt;
    case Lit::kString:
      return CanonicalJsonString(v.literal_text);
    case Lit::kBool:
      return v.literal_text;
    case Lit::kJson:
      return v.literal_text;
    case Lit::kNumber:
      return CanonicalJson(v.literal_text, SfKind::kVariant);
    case Lit::kNone:
      break;
  }
  throw Unsupported(c.expr.text + " with non-constant arguments");
}

Typed JsonConstant(std::string canonical, SfKind kind) {
  Typed t = MakeTyped(pg::QuoteLiteral(canonical), SfType::Of(kind), false);
  t.literal = Lit::kJson;
  t.literal_text = std::move(canonical);
  return t;
}

Typed ParseJson(FunctionCall& c) {
  Arity(c, 1, 2);
  const Typed& v = c.args[0];
  if (v.literal == Lit::kNull) return Translator::NullOf(SfType::Of(SfKind::kVariant));
  if (v.literal != Lit::kString) throw Unsupported("PARSE_JSON of a non-constant value");
  Typed out =
      JsonConstant(CanonicalJson(v.literal_text, SfKind::kVariant, false), SfKind::kVariant);
  out.nullable = true;  // observed, even for a constant argument
  return out;
}

Typed ObjectConstruct(FunctionCall& c, bool keep_null) {
  if (c.args.size() % 2 != 0) {
    throw CompilationError("000938", "22023", "OBJECT_CONSTRUCT needs key-value pairs");
  }
  std::vector<std::pair<std::string, std::string>> members;
  for (size_t i = 0; i < c.args.size(); i += 2) {
    if (c.args[i].literal != Lit::kString)
      throw Unsupported(c.expr.text + " with non-constant keys");
    auto value = JsonOf(c, i + 1);
    if (!value && !keep_null) continue;
    members.emplace_back(c.args[i].literal_text, value ? *value : "null");
  }
  std::sort(members.begin(), members.end());
  std::string out = "{";
  for (size_t i = 0; i < members.size(); ++i) {
    if (i && members[i].first == members[i - 1].first) {
      throw Error("100093", "22000", "Duplicate field key '" + members[i].first + "'");
    }
    out += (i ? "," : "") + CanonicalJsonString(members[i].first) + ":" + members[i].second;
  }
  return JsonConstant(out + "}", SfKind::kObject);
}

Typed ArrayConstruct(FunctionCall& c) {
  std::string out = "[";
  for (size_t i = 0; i < c.args.size(); ++i) {
    auto value = JsonOf(c, i);
    out += (i ? "," : "") + (value ? *value : std::string("undefined"));
  }
  return JsonConstant(out + "]", SfKind::kArray);
}

Typed ToVariant(FunctionCall& c) {
  Arity(c, 1, 1);
  const Typed& v = c.args[0];
  if (v.literal == Lit::kNone) return c.translator.Coerce(v, SfType::Of(SfKind::kVariant));
  auto json = JsonOf(c, 0);
  if (!json) return Translator::NullOf(SfType::Of(SfKind::kVariant));
  return JsonConstant(*json, SfKind::kVariant);
}

// --- Geospatial values: TO_GEOGRAPHY / TO_GEOMETRY (with an SRID), ST_ASEWKB, ST_ASWKB,
// ST_SRID. Stored values are canonical GeoJSON with exact numbers and a GEOMETRY's SRID
// (json_text.h); the (E)WKB is computed by sfemu_catalog.geo_wkb (catalog.cc).

Typed ToGeo(FunctionCall& c, SfKind kind) {
  // TO_GEOMETRY(text, srid): the SRID to use. TO_GEOGRAPHY's second argument (allow_invalid)
  // is not emulated.
  Arity(c, 1, kind == SfKind::kGeometry ? 2 : 1);
  const Typed& v = c.args[0];
  if (v.literal == Lit::kNull) return Translator::NullOf(SfType::Of(kind));
  if (v.literal != Lit::kString) throw Unsupported(c.expr.text + " of a non-constant value");
  std::optional<int64_t> srid;
  if (c.args.size() == 2) srid = ConstantInt(c, 1);
  try {
    return JsonConstant(CanonicalGeo(v.literal_text, kind, srid), kind);
  } catch (const Error& e) {
    throw Error("100205", "22000", e.what());
  }
}

const Typed& GeoArg(FunctionCall& c) {
  Arity(c, 1, 1);
  const Typed& v = c.args[0];
  if (v.type.kind != SfKind::kGeography && v.type.kind != SfKind::kGeometry &&
      v.type.kind != SfKind::kNull) {
    throw CompilationError("001044", "22023",
                           "Invalid argument types for function '" + c.expr.text + "': (" +
                               v.type.DeclaredName() + ")");
  }
  return v;
}

std::string GeographyFlag(const Typed& v) {
  return v.type.kind == SfKind::kGeography ? "true" : "false";
}

// ST_ASEWKB / ST_ASWKB: BINARY (hex on the wire, as every BINARY).
Typed GeoAsWkb(FunctionCall& c, bool extended) {
  const Typed& v = GeoArg(c);
  SfType binary = SfType::Of(SfKind::kBinary);
  if (v.type.kind == SfKind::kNull) return Translator::NullOf(binary);
  return MakeTyped("sfemu_catalog.geo_wkb(" + v.sql + ", " + GeographyFlag(v) + ", " +
                       (extended ? "true" : "false") + ")",
                   binary, v.nullable);
}

// ST_SRID: NUMBER(4,0) as documented; 4326 for every GEOGRAPHY.
Typed GeoSrid(FunctionCall& c) {
  const Typed& v = GeoArg(c);
  SfType number = SfType::Fixed(4, 0);
  if (v.type.kind == SfKind::kNull) return Translator::NullOf(number);
  return MakeTyped("sfemu_catalog.geo_srid(" + v.sql + ", " + GeographyFlag(v) + ")", number,
                   v.nullable);
}

Typed Clock(FunctionCall& c, std::string sql, SfType type) {
  Arity(c, 0, 1);
  c.translator.MarkNondeterministic();
  return MakeTyped(std::move(sql), type, false);
}

Typed Context(FunctionCall& c, const std::string& value) {
  Arity(c, 0, 0);
  // Observed: unbounded, nullable text whatever the value.
  if (value.empty()) return Translator::NullOf(SfType::Text(kExpressionTextLength));
  Expr s;
  s.kind = ExprKind::kString;
  s.text = value;
  Typed out = c.translator.TranslateScalar(s);
  out.type = SfType::Text(kExpressionTextLength);
  out.nullable = true;
  return out;
}

/// SYSTEM$WAIT(n [, 'SECONDS']): sleeps on the server and answers "waited n seconds", an
/// unbounded, non-nullable text (observed). Other time units are refused.
Typed SystemWait(FunctionCall& c) {
  Arity(c, 1, 2);
  int seconds = ConstantInt(c, 0);
  if (seconds < 0) throw Unsupported("SYSTEM$WAIT of a negative time");
  if (c.args.size() == 2 && ConstantText(c, 1) != "SECONDS") {
    throw Unsupported("SYSTEM$WAIT in " + ConstantText(c, 1));
  }
  c.translator.MarkNondeterministic();
  std::string text = "waited " + std::to_string(seconds) + " seconds";
  return MakeTyped("(SELECT " + pg::QuoteLiteral(text) + "::text FROM pg_sleep(" +
                       std::to_string(seconds) + "))",
                   SfType::Text(kExpressionTextLength), false);
}

/// SEQ4()/SEQ8() over TABLE(GENERATOR(ROWCOUNT => n)): 0 to n-1 (observed: NUMBER(10,0), not
/// nullable, for SEQ4). Elsewhere Snowflake's numbering may have gaps, which sfemu cannot
/// reproduce, so it is refused.
Typed Sequence(FunctionCall& c, int precision) {
  Arity(c, 0, 1);
  const std::string& seq = c.translator.generator_sequence();
  if (seq.empty()) throw Unsupported(c.expr.text + " outside TABLE(GENERATOR(...))");
  return MakeTyped("(" + seq + ")::numeric", SfType::Fixed(precision, 0), false);
}

const std::map<std::string, FunctionHandler>& Table() {
  static const std::map<std::string, FunctionHandler> kTable = [] {
    std::map<std::string, FunctionHandler> t;
    t["COUNT"] = Count;
    t["MIN"] = [](FunctionCall& c) { return MinMax(c, true); };
    t["MAX"] = [](FunctionCall& c) { return MinMax(c, false); };
    t["SUM"] = Sum;
    t["AVG"] = Avg;
    t["ROW_NUMBER"] = [](FunctionCall& c) { return Ranking(c, "row_number"); };
    t["RANK"] = [](FunctionCall& c) { return Ranking(c, "rank"); };
    t["DENSE_RANK"] = [](FunctionCall& c) { return Ranking(c, "dense_rank"); };
    t["HASH"] = Hash;
    t["HASH_AGG"] = Hash;
    t["MD5"] = Md5;
    t["MD5_HEX"] = Md5;
    t["MD5_NUMBER_LOWER64"] = [](FunctionCall& c) { return Md5Number(c, "md5_lower64"); };
    t["MD5_NUMBER_UPPER64"] = [](FunctionCall& c) { return Md5Number(c, "md5_upper64"); };
    t["SHA2"] = Sha2;
    t["SHA2_HEX"] = Sha2;
    t["TO_VARCHAR"] = ToVarchar;
    t["TO_CHAR"] = ToVarchar;
    t["UPPER"] = [](FunctionCall& c) { return CaseMap(c, "upper"); };
    t["LOWER"] = [](FunctionCall& c) { return CaseMap(c, "lower"); };
    t["TRIM"] = [](FunctionCall& c) { return Trim(c, "btrim"); };
    t["LTRIM"] = [](FunctionCall& c) { return Trim(c, "ltrim"); };
    t["RTRIM"] = [](FunctionCall& c) { return Trim(c, "rtrim"); };
    t["LENGTH"] = Length;
    t["LEN"] = Length;
    t["SUBSTR"] = Substr;
    t["SUBSTRING"] = Substr;
    t["CONCAT"] = Concat;
    t["COALESCE"] = Coalesce;
    t["NVL"] = Coalesce;
    t["IFNULL"] = Coalesce;
    t["NULLIF"] = NullIf;
    t["IFF"] = Iff;
    t["FLOOR"] = [](FunctionCall& c) { return FloorCeil(c, "floor"); };
    t["CEIL"] = [](FunctionCall& c) { return FloorCeil(c, "ceil"); };
    t["CEILING"] = [](FunctionCall& c) { return FloorCeil(c, "ceil"); };
    t["ROUND"] = Round;
    t["REPLACE"] = Replace;
    t["DATE_PART"] = DatePartOf;
    t["CONVERT_TIMEZONE"] = ConvertTimezone;
    t["TRUNC"] = Trunc;
    t["TRUNCATE"] = Trunc;
    t["ABS"] = Abs;
    t["MOD"] = Mod;
    t["DATE_TRUNC"] = DateTrunc;
    t["TO_DATE"] = [](FunctionCall& c) { return ConvertTo(c, SfType::Of(SfKind::kDate), 2); };
    t["DATE"] = [](FunctionCall& c) { return ConvertTo(c, SfType::Of(SfKind::kDate), 2); };
    t["TO_TIME"] = [](FunctionCall& c) { return ConvertTo(c, SfType::Of(SfKind::kTime, 9), 2); };
    t["TO_TIMESTAMP"] = [](FunctionCall& c) {
      return ConvertTo(c, SfType::Of(SfKind::kTimestampNtz, 9), 2);
    };
    t["TO_TIMESTAMP_NTZ"] = [](FunctionCall& c) {
      return ConvertTo(c, SfType::Of(SfKind::kTimestampNtz, 9), 2);
    };
    t["TO_TIMESTAMP_LTZ"] = [](FunctionCall& c) {
      return ConvertTo(c, SfType::Of(SfKind::kTimestampLtz, 9), 2);
    };
    t["TO_TIMESTAMP_TZ"] = [](FunctionCall& c) {
      return ConvertTo(c, SfType::Of(SfKind::kTimestampTz, 9), 2);
    };
    t["TO_NUMBER"] = ToNumber;
    t["TO_DECIMAL"] = ToNumber;
    t["TO_NUMERIC"] = ToNumber;
    t["TO_DOUBLE"] = [](FunctionCall& c) { return ConvertTo(c, SfType::Of(SfKind::kReal)); };
    t["TO_BOOLEAN"] = [](FunctionCall& c) { return ConvertTo(c, SfType::Of(SfKind::kBoolean)); };
    t["TO_BINARY"] = ToBinary;
    t["PARSE_JSON"] = ParseJson;
    t["TO_VARIANT"] = ToVariant;
    t["OBJECT_CONSTRUCT"] = [](FunctionCall& c) { return ObjectConstruct(c, false); };
    t["OBJECT_CONSTRUCT_KEEP_NULL"] = [](FunctionCall& c) { return ObjectConstruct(c, true); };
    t["ARRAY_CONSTRUCT"] = ArrayConstruct;
    t["TO_GEOGRAPHY"] = [](FunctionCall& c) { return ToGeo(c, SfKind::kGeography); };
    t["ST_GEOGRAPHYFROMWKT"] = [](FunctionCall& c) { return ToGeo(c, SfKind::kGeography); };
    t["TO_GEOMETRY"] = [](FunctionCall& c) { return ToGeo(c, SfKind::kGeometry); };
    t["ST_ASEWKB"] = [](FunctionCall& c) { return GeoAsWkb(c, true); };
    t["ST_ASWKB"] = [](FunctionCall& c) { return GeoAsWkb(c, false); };
    t["ST_ASBINARY"] = t["ST_ASWKB"];
    t["ST_SRID"] = GeoSrid;
    t["CURRENT_DATE"] = [](FunctionCall& c) {
      return Clock(c, "CURRENT_DATE", SfType::Of(SfKind::kDate));
    };
    t["CURRENT_TIMESTAMP"] = [](FunctionCall& c) {
      return Clock(c, "now()", SfType::Of(SfKind::kTimestampLtz, 9));
    };
    t["LOCALTIMESTAMP"] = t["CURRENT_TIMESTAMP"];
    t["SYSTIMESTAMP"] = t["CURRENT_TIMESTAMP"];
    t["CURRENT_TIME"] = [](FunctionCall& c) {
      return Clock(c, "LOCALTIME", SfType::Of(SfKind::kTime, 9));
    };
    t["SYSDATE"] = [](FunctionCall& c) {
      return Clock(c, "(now() AT TIME ZONE 'UTC')", SfType::Of(SfKind::kTimestampNtz, 9));
    };
    t["CURRENT_VERSION"] = [](FunctionCall& c) {
      return Context(c, c.translator.session().version);
    };
    t["CURRENT_DATABASE"] = [](FunctionCall& c) {
      return Context(c, c.translator.session().database);
    };
    t["CURRENT_SCHEMA"] = [](FunctionCall& c) { return Context(c, c.translator.session().schema); };
    t["CURRENT_USER"] = [](FunctionCall& c) { return Context(c, c.translator.session().user); };
    t["CURRENT_ROLE"] = [](FunctionCall& c) { return Context(c, c.translator.session().role); };
    t["CURRENT_WAREHOUSE"] = [](FunctionCall& c) {
      return Context(c, c.translator.session().warehouse);
    };
    t["CURRENT_ACCOUNT"] = [](FunctionCall& c) {
      return Context(c, c.translator.session().account);
    };
    t["CURRENT_REGION"] = [](FunctionCall& c) { return Context(c, c.translator.session().region); };
    t["SYSTEM$WAIT"] = SystemWait;
    t["SEQ4"] = [](FunctionCall& c) { return Sequence(c, 10); };
    t["SEQ8"] = [](FunctionCall& c) { return Sequence(c, 19); };
    return t;
  }();
  return kTable;
}

}  // namespace

const FunctionHandler* FindFunction(const std::string& name) {
  const auto& table = Table();
  auto it = table.find(name);
  return it == table.end() ? nullptr : &it->second;
}

bool IsSemiStructuredConstructor(const std::string& name) {
  static const std::set<std::string> kNames = {
      "PARSE_JSON",      "TO_VARIANT",   "OBJECT_CONSTRUCT",    "OBJECT_CONSTRUCT_KEEP_NULL",
      "ARRAY_CONSTRUCT", "TO_GEOGRAPHY", "ST_GEOGRAPHYFROMWKT", "TO_GEOMETRY"};
  return kNames.count(name) > 0;
}

}  // namespace sf2pg::sfemu
