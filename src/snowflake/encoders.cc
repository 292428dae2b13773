#include "snowflake/encoders.h"

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <type_traits>

#include "core/pg_type.h"
#include "core/strings.h"
#include "snowflake/decimal.h"
#include "snowflake/encoders_impl.h"
#include "snowflake/geo.h"
#include "snowflake/json_text.h"
#include "snowflake/type_mapping.h"

namespace sf2pg::snowflake {
namespace {

struct TypeName {
  std::string_view name;
  SfType type;
};

constexpr std::array kTypeNames = {
    TypeName{"fixed", SfType::kFixed},
    TypeName{"decfloat", SfType::kDecfloat},
    TypeName{"real", SfType::kReal},
    TypeName{"text", SfType::kText},
    TypeName{"binary", SfType::kBinary},
    TypeName{"boolean", SfType::kBoolean},
    TypeName{"date", SfType::kDate},
    TypeName{"time", SfType::kTime},
    TypeName{"timestamp_ntz", SfType::kTimestampNtz},
    TypeName{"timestamp_ltz", SfType::kTimestampLtz},
    TypeName{"timestamp_tz", SfType::kTimestampTz},
    TypeName{"variant", SfType::kJson},
    TypeName{"object", SfType::kJson},
    TypeName{"array", SfType::kJson},
    TypeName{"map", SfType::kJson},
    TypeName{"vector", SfType::kJson},
    TypeName{"geography", SfType::kGeography},
    TypeName{"geometry", SfType::kGeometry},
};

bool EqualsIgnoringCase(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != lower[i]) return false;
  }
  return true;
}

template <typename T>
Fault IntegerAs(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out) {
  int64_t value = 0;
  switch (ParseInteger(wire, plan.min, plan.max, &value)) {
    case IntegerParse::kOk:
      break;
    case IntegerParse::kFraction:
      return Fault::kFraction;
    case IntegerParse::kOutOfRange:
      return Fault::kOutOfRange;
    case IntegerParse::kMalformed:
      return Fault::kMalformed;
  }
  if constexpr (sizeof(T) == 2) out.FieldInt16(static_cast<int16_t>(value));
  if constexpr (sizeof(T) == 4) out.FieldInt32(static_cast<int32_t>(value));
  if constexpr (sizeof(T) == 8) out.FieldInt64(value);
  return Fault::kNone;
}

struct Pair {
  SfType from;
  PgType to;
  EncodeFn encode;
};

// Every supported (Snowflake type, PostgreSQL type) pair. docs/snowflake_types.md describes
// each; type_mapping.cc's compatibility check and the mapping tests read this table.
constexpr std::array kPairs = {
    Pair{SfType::kFixed, PgType::kInt2, &IntegerAs<int16_t>},
    Pair{SfType::kFixed, PgType::kInt4, &IntegerAs<int32_t>},
    Pair{SfType::kFixed, PgType::kInt8, &IntegerAs<int64_t>},
    Pair{SfType::kFixed, PgType::kNumeric, &enc::Numeric},
    Pair{SfType::kFixed, PgType::kFloat8, &enc::Float8FromDecimal},
    Pair{SfType::kFixed, PgType::kFloat4, &enc::Float4FromDecimal},
    Pair{SfType::kFixed, PgType::kText, &enc::Verbatim},
    Pair{SfType::kDecfloat, PgType::kNumeric, &enc::Numeric},
    Pair{SfType::kDecfloat, PgType::kFloat8, &enc::Float8FromDecimal},
    Pair{SfType::kDecfloat, PgType::kFloat4, &enc::Float4FromDecimal},
    Pair{SfType::kDecfloat, PgType::kText, &enc::Verbatim},
    Pair{SfType::kReal, PgType::kFloat8, &enc::Float8FromReal},
    Pair{SfType::kReal, PgType::kFloat4, &enc::Float4FromReal},
    Pair{SfType::kReal, PgType::kText, &enc::Verbatim},
    Pair{SfType::kText, PgType::kText, &enc::Verbatim},
    Pair{SfType::kText, PgType::kUuid, &enc::Uuid},
    Pair{SfType::kBinary, PgType::kBytea, &enc::Bytea},
    Pair{SfType::kBinary, PgType::kText, &enc::Verbatim},
    Pair{SfType::kBoolean, PgType::kBool, &enc::Bool},
    Pair{SfType::kBoolean, PgType::kText, &enc::BoolText},
    Pair{SfType::kDate, PgType::kDate, &enc::Date},
    Pair{SfType::kDate, PgType::kTimestamp, &enc::DateTimestamp},
    Pair{SfType::kDate, PgType::kTimestamptz, &enc::DateTimestamp},
    Pair{SfType::kDate, PgType::kText, &enc::DateText},
    Pair{SfType::kTime, PgType::kTime, &enc::Time},
    Pair{SfType::kTime, PgType::kText, &enc::TimeText},
    Pair{SfType::kTimestampNtz, PgType::kTimestamp, &enc::Timestamp},
    Pair{SfType::kTimestampNtz, PgType::kTimestamptz, &enc::Timestamp},
    Pair{SfType::kTimestampNtz, PgType::kText, &enc::NtzText},
    Pair{SfType::kTimestampLtz, PgType::kTimestamptz, &enc::Timestamp},
    Pair{SfType::kTimestampLtz, PgType::kText, &enc::LtzText},
    Pair{SfType::kTimestampTz, PgType::kTimestamptz, &enc::TimestampTz},
    Pair{SfType::kTimestampTz, PgType::kText, &enc::TzText},
    Pair{SfType::kJson, PgType::kJsonb, &enc::Jsonb},
    Pair{SfType::kJson, PgType::kJson, &enc::Json},
    Pair{SfType::kJson, PgType::kText, &enc::JsonText},
    Pair{SfType::kGeography, PgType::kGeography, &enc::Geography},
    Pair{SfType::kGeography, PgType::kJsonb, &enc::Jsonb},
    Pair{SfType::kGeography, PgType::kJson, &enc::Json},
    Pair{SfType::kGeography, PgType::kText, &enc::JsonText},
    Pair{SfType::kEwkb, PgType::kGeography, &enc::Ewkb},
    Pair{SfType::kEwkb, PgType::kGeometry, &enc::Ewkb},
    Pair{SfType::kGeometry, PgType::kGeometry, &enc::Geometry},
    Pair{SfType::kGeometry, PgType::kJsonb, &enc::Jsonb},
    Pair{SfType::kGeometry, PgType::kJson, &enc::Json},
    Pair{SfType::kGeometry, PgType::kText, &enc::JsonText},
    Pair{SfType::kVectorFloat, PgType::kFloat4Array, &enc::VectorFloat4},
    Pair{SfType::kVectorFloat, PgType::kFloat8Array, &enc::VectorFloat8},
    Pair{SfType::kVectorFloat, PgType::kVector, &enc::Pgvector},
    Pair{SfType::kVectorFloat, PgType::kJsonb, &enc::Jsonb},
    Pair{SfType::kVectorFloat, PgType::kJson, &enc::Json},
    Pair{SfType::kVectorFloat, PgType::kText, &enc::JsonText},
    Pair{SfType::kVectorInt, PgType::kInt4Array, &enc::VectorInt4},
    Pair{SfType::kVectorInt, PgType::kJsonb, &enc::Jsonb},
    Pair{SfType::kVectorInt, PgType::kJson, &enc::Json},
    Pair{SfType::kVectorInt, PgType::kText, &enc::JsonText},
};

bool EchoesValue(Fault fault, const ColumnPlan& plan, std::string_view wire) {
  if (wire.size() > 40) return false;
  if (fault == Fault::kNulByte || fault == Fault::kTooLong || fault == Fault::kJsonNul ||
      fault == Fault::kBadUtf8 || fault == Fault::kBadJson) {
    return false;
  }
  // Text may be personal data; numbers, dates and flags are safe to repeat.
  SfType type = SfTypeOf(*plan.source);
  return type != SfType::kText && type != SfType::kJson && type != SfType::kBinary &&
         type != SfType::kGeography && type != SfType::kGeometry && type != SfType::kEwkb;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// SQL API booleans are "true"/"false"; "1"/"0" were also observed (spec §4).
bool ParseBool(std::string_view wire, bool* value) {
  if (wire == "1" || EqualsIgnoringCase(wire, "true")) {
    *value = true;
  } else if (wire == "0" || EqualsIgnoringCase(wire, "false")) {
    *value = false;
  } else {
    return false;
  }
  return true;
}

template <typename T>
Fault FloatFromText(std::string_view wire, CopyBuffer& out) {
  T value{};
  auto [end, ec] = std::from_chars(wire.data(), wire.data() + wire.size(), value);
  if (ec == std::errc::result_out_of_range) return Fault::kOutOfRange;
  if (ec != std::errc() || end != wire.data() + wire.size()) return Fault::kMalformed;
  if constexpr (sizeof(T) == 8) out.FieldFloat8(value);
  if constexpr (sizeof(T) == 4) out.FieldFloat4(value);
  return Fault::kNone;
}

template <typename T>
Fault FloatFromDecimal(std::string_view wire, CopyBuffer& out) {
  // A decimal converts to binary floating point and back unchanged when it has at most
  // DBL_DIG (15) / FLT_DIG (6) significant digits.
  constexpr int kExactDigits = sizeof(T) == 8 ? 15 : 6;
  Decimal decimal;
  if (!ParseDecimal(wire, &decimal)) return Fault::kMalformed;
  if (decimal.count > kExactDigits) return Fault::kPrecisionLoss;
  return FloatFromText<T>(wire, out);
}

// Calls `element` with the text of each element of a vector's wire text, "[e1,e2,...]"; a
// fault when the text is not such a list or does not have `dimension` elements.
template <typename Element>
Fault ForEachElement(std::string_view wire, int dimension, Element element) {
  if (wire.size() < 2 || wire.front() != '[' || wire.back() != ']') return Fault::kMalformed;
  std::string_view rest = wire.substr(1, wire.size() - 2);
  int count = 0;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = Trim(rest.substr(0, comma));
    if (++count > dimension) return Fault::kVectorDimension;
    if (Fault fault = element(item); fault != Fault::kNone) return fault;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
    if (rest.empty()) return Fault::kMalformed;  // a trailing comma
  }
  return count == dimension ? Fault::kNone : Fault::kVectorDimension;
}

// A vector as PostgreSQL's binary array (array_send): one dimension, no NULLs, the element
// type's OID, the dimension and lower bound 1, then each element as a field. FLOAT elements
// are float32 values printed with 6 decimals; the nearest float is the value Snowflake holds.
template <typename T>
Fault VectorAs(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out) {
  constexpr int32_t kOid = std::is_same_v<T, int32_t> ? 23 : sizeof(T) == 4 ? 700 : 701;
  int dimension = plan.source->vector_dimension;
  int64_t size = 20 + int64_t{dimension} * static_cast<int64_t>(4 + sizeof(T));
  if (size > INT32_MAX) return Fault::kOutOfRange;
  out.PutInt32(static_cast<int32_t>(size));
  for (int32_t header : {1, 0, kOid, dimension, 1}) out.PutInt32(header);
  return ForEachElement(wire, dimension, [&](std::string_view item) {
    if constexpr (std::is_same_v<T, int32_t>) {
      int64_t value = 0;
      switch (ParseInteger(item, INT32_MIN, INT32_MAX, &value)) {
        case IntegerParse::kOk:
          out.FieldInt32(static_cast<int32_t>(value));
          return Fault::kNone;
        case IntegerParse::kOutOfRange:
          return Fault::kOutOfRange;
        default:
          return Fault::kMalformed;
      }
    } else {
      float value = 0;
      auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
      if (ec == std::errc::result_out_of_range) return Fault::kOutOfRange;
      if (ec != std::errc() || end != item.data() + item.size() || !std::isfinite(value)) {
        return Fault::kMalformed;
      }
      if constexpr (sizeof(T) == 4) out.FieldFloat4(value);
      if constexpr (sizeof(T) == 8) out.FieldFloat8(value);
      return Fault::kNone;
    }
  });
}

}  // namespace

SfType SfTypeOf(std::string_view type) {
  for (const TypeName& name : kTypeNames) {
    if (EqualsIgnoringCase(type, name.name)) return name.type;
  }
  return SfType::kUnknown;
}

SfType SfTypeOf(const SourceColumn& column) {
  if (column.ext_type == kEwkbMarker && EqualsIgnoringCase(column.type, "binary")) {
    return SfType::kEwkb;
  }
  if (!column.ext_type.empty() && EqualsIgnoringCase(column.type, "object")) {
    SfType ext = SfTypeOf(column.ext_type);
    if (ext == SfType::kGeography || ext == SfType::kGeometry) return ext;
  }
  if (column.vector_dimension <= 0 || !EqualsIgnoringCase(column.type, "vector")) {
    return SfTypeOf(column.type);
  }
  if (column.vector_element == "real") return SfType::kVectorFloat;
  if (column.vector_element == "fixed") return SfType::kVectorInt;
  return SfType::kJson;
}

EncodeFn FindEncoder(const SourceColumn& source, PgType target) {
  SfType from = SfTypeOf(source);
  for (const Pair& pair : kPairs) {
    if (pair.from == from && pair.to == target) return pair.encode;
  }
  return nullptr;
}

EncodeFn FindEncoder(const SourceColumn& source, const TargetColumn& target) {
  if (!target.tz_offset) return FindEncoder(source, target.type);
  bool integer =
      target.type == PgType::kInt2 || target.type == PgType::kInt4 || target.type == PgType::kInt8;
  return integer && SfTypeOf(source) == SfType::kTimestampTz ? &enc::TimestampTzOffset : nullptr;
}

ColumnPlan MakePlan(const SourceColumn& source, const TargetColumn& target) {
  ColumnPlan plan;
  plan.encode = FindEncoder(source, target);
  plan.source = &source;
  plan.target = &target;
  switch (target.type) {
    case PgType::kInt2:
      plan.min = INT16_MIN, plan.max = INT16_MAX;
      break;
    case PgType::kInt4:
      plan.min = INT32_MIN, plan.max = INT32_MAX;
      break;
    case PgType::kInt8:
      plan.min = INT64_MIN, plan.max = INT64_MAX;
      break;
    default:
      break;
  }
  for (int digits = target.fraction_digits; digits >= 0 && digits < 6; ++digits) {
    plan.time_step *= 10;
  }
  return plan;
}

namespace {

// For date and time types: the canonical wire text (spec §4) and the range Snowflake holds.
std::string CanonicalForm(const ColumnPlan& plan) {
  std::string digits = " with " + std::to_string(plan.source->scale) + " fraction digits";
  switch (SfTypeOf(plan.source->type)) {
    case SfType::kDate:
      return "days since 1970-01-01, -9999-01-01 to 9999-12-31";
    case SfType::kTime:
      return "seconds since midnight" + digits + ", under 86400";
    case SfType::kTimestampNtz:
    case SfType::kTimestampLtz:
      return "seconds since 1970-01-01" + digits + ", years 0001 to 9999";
    case SfType::kTimestampTz:
      return "seconds since 1970-01-01" + digits +
             ", years 0001 to 9999, a space and the UTC offset in minutes + 1440 (1 to 2879)";
    default:
      return "";
  }
}

}  // namespace

std::string FaultReason(Fault fault, std::string_view wire, const ColumnPlan& plan) {
  const TargetColumn& target = *plan.target;
  std::string type = target.sql_type.empty() ? PgTypeSql(target) : target.sql_type;
  std::string value = "value";
  if (EchoesValue(fault, plan, wire)) value += " " + std::string(wire);
  switch (fault) {
    case Fault::kNone:
      return "";
    case Fault::kMalformed:
    case Fault::kSnowflakeRange: {
      if (SfTypeOf(*plan.source) == SfType::kEwkb) {
        return "value is not the hex of one EWKB geometry, as ST_ASEWKB returns it";
      }
      std::string reason = value +
                           (fault == Fault::kMalformed ? " is not a valid Snowflake "
                                                       : " is outside the range of "
                                                         "Snowflake ") +
                           plan.source->type + (fault == Fault::kMalformed ? " value" : " values");
      std::string form = CanonicalForm(plan);
      if (!form.empty()) {
        reason += ": the SQL API's encoding is " + form +
                  " (is a *_OUTPUT_FORMAT parameter changing the wire text?)";
      }
      return reason;
    }
    case Fault::kNulByte:
      return "text contains a NUL byte, which PostgreSQL cannot store";
    case Fault::kTooLong:
      return "text is longer than " + std::to_string(target.max_length) + " characters (" + type +
             ")";
    case Fault::kNumericOverflow:
      return value + " does not fit " + type;
    case Fault::kNumericScale:
      return value + " has more fraction digits than " + type + " keeps (it would be rounded)";
    case Fault::kOutOfRange:
      return value + " is out of range for " + type;
    case Fault::kFraction:
      return value + " has a fraction; " + type + " holds whole numbers only";
    case Fault::kPrecisionLoss:
      return value + " has more significant digits than " + type + " holds exactly";
    case Fault::kBadUuid:
      return value + " is not a UUID";
    case Fault::kDateRange:
      return value + " is outside PostgreSQL's range for " + type;
    case Fault::kTimePrecision:
      return value + " has more fractional second digits than " + type + " keeps";
    case Fault::kJsonNul:
      return "JSON holds a NUL character (\\u0000), which jsonb cannot store";
    case Fault::kNotNull:
      return "value is NULL but the column is NOT NULL";
    case Fault::kBadUtf8:
      return "text is not valid UTF-8 (invalid bytes or an unpaired UTF-16 surrogate escape)";
    case Fault::kBadJson:
      return "JSON that PostgreSQL refuses: " +
             std::string(JsonProblem(CheckJson(wire, target.type == PgType::kJsonb)));
    case Fault::kSridMismatch: {
      std::string bytes;
      int32_t srid = 0;
      std::string has =
          DecodeHex(wire, &bytes) && EwkbSrid(bytes, &srid) ? std::to_string(srid) : "?";
      return "value has SRID " + has + " but " + type + " declares SRID " +
             std::to_string(target.srid) +
             "; sf2pg does not change a value's SRID (declare the column without an SRID, or "
             "with the values' SRID)";
    }
    case Fault::kVectorDimension:
      return value + " does not have " + std::to_string(plan.source->vector_dimension) +
             " elements, as " + SnowflakeTypeSql(*plan.source) + " has";
  }
  return "unknown fault";
}

namespace enc {

Fault EndText(CopyBuffer& out, size_t start, const ColumnPlan& plan) {
  int64_t max = plan.target->max_length;
  std::string_view text = out.view().substr(start + 4);
  // PostgreSQL text cannot hold NUL, whatever produced the text (wire text, JSON, ...).
  if (std::memchr(text.data(), '\0', text.size()) != nullptr) return Fault::kNulByte;
  if (max > 0 && static_cast<int64_t>(text.size()) > max) {
    // Characters, not bytes: count the bytes that start a UTF-8 sequence.
    int64_t chars = 0;
    for (char c : text) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (chars > max) return Fault::kTooLong;
  }
  out.EndField(start);
  return Fault::kNone;
}

Fault Numeric(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out) {
  Decimal value;
  if (!ParseDecimal(wire, &value)) return Fault::kMalformed;
  int dscale = value.written_scale;
  const TargetColumn& target = *plan.target;
  if (target.precision > 0) {
    // numeric(p,s) holds |value| < 10^(p-s) with at most s fraction digits; PostgreSQL
    // would round extra digits away, so they are refused instead.
    if (value.count > 0 && value.count - value.point > target.scale) return Fault::kNumericScale;
    if (value.count > 0 && value.point > target.precision - target.scale) {
      return Fault::kNumericOverflow;
    }
    dscale = target.scale > 0 ? target.scale : 0;
  }
  return WriteNumeric(value, dscale, out) ? Fault::kNone : Fault::kOutOfRange;
}

Fault Float8FromReal(std::string_view wire, const ColumnPlan&, CopyBuffer& out) {
  return FloatFromText<double>(wire, out);
}

Fault Float4FromReal(std::string_view wire, const ColumnPlan&, CopyBuffer& out) {
  return FloatFromText<float>(wire, out);
}

Fault Float8FromDecimal(std::string_view wire, const ColumnPlan&, CopyBuffer& out) {
  return FloatFromDecimal<double>(wire, out);
}

Fault Float4FromDecimal(std::string_view wire, const ColumnPlan&, CopyBuffer& out) {
  return FloatFromDecimal<float>(wire, out);
}

Fault Verbatim(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out) {
  size_t start = out.BeginField();
  out.Append(wire);
  return EndText(out, start, plan);
}

Fault Uuid(std::string_view wire, const ColumnPlan&, CopyBuffer& out) {
  // PostgreSQL's forms: optional braces, 32 hex digits, a '-' allowed after any group of 4.
  std::string_view s = wire;
  if (s.size() >= 2 && s.front() == '{' && s.back() == '}') s = s.substr(1, s.size() - 2);
  char bytes[16];
  size_t digits = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '-' && digits > 0 && digits % 4 == 0 && digits < 32 && i + 1 < s.size() &&
        s[i - 1] != '-') {
      continue;
    }
    int v = HexValue(s[i]);
    if (v < 0 || digits >= 32) return Fault::kBadUuid;
    if (digits % 2 == 0) {
      bytes[digits / 2] = static_cast<char>(v << 4);
    } else {
      bytes[digits / 2] = static_cast<char>(bytes[digits / 2] | v);
    }
    ++digits;
  }
  if (digits != 32) return Fault::kBadUuid;
  out.PutInt32(16);
  out.Append(bytes, 16);
  return Fault::kNone;
}

Fault Bytea(std::string_view wire, const ColumnPlan&, CopyBuffer& out) {
  if (wire.size() % 2 != 0) return Fault::kMalformed;
  out.PutInt32(static_cast<int32_t>(wire.size() / 2));
  char chunk[256];
  size_t n = 0;
  for (size_t i = 0; i < wire.size(); i += 2) {
    int hi = HexValue(wire[i]);
    int lo = HexValue(wire[i + 1]);
    if (hi < 0 || lo < 0) return Fault::kMalformed;
    chunk[n++] = static_cast<char>(hi << 4 | lo);
    if (n == sizeof chunk) out.Append(chunk, n), n = 0;
  }
  out.Append(chunk, n);
  return Fault::kNone;
}

Fault Bool(std::string_view wire, const ColumnPlan&, CopyBuffer& out) {
  bool value = false;
  if (!ParseBool(wire, &value)) return Fault::kMalformed;
  out.FieldBool(value);
  return Fault::kNone;
}

Fault BoolText(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out) {
  bool value = false;
  if (!ParseBool(wire, &value)) return Fault::kMalformed;
  return Verbatim(value ? "true" : "false", plan, out);
}

Fault Json(std::string_view wire, const ColumnPlan&, CopyBuffer& out) {
  if (CheckJson(wire, /*for_jsonb=*/false) != JsonFixup::kOk) return Fault::kBadJson;
  size_t start = out.BeginField();
  (void)AppendJsonFixed(wire, /*refuse_nul=*/false, out);
  out.EndField(start);
  return Fault::kNone;
}

Fault Jsonb(std::string_view wire, const ColumnPlan&, CopyBuffer& out) {
  JsonFixup problem = CheckJson(wire, /*for_jsonb=*/true);
  if (problem == JsonFixup::kNulCharacter) return Fault::kJsonNul;
  if (problem != JsonFixup::kOk) return Fault::kBadJson;
  size_t start = out.BeginField();
  out.PushBack('\1');  // jsonb's binary format: version 1, then the JSON text
  if (AppendJsonFixed(wire, /*refuse_nul=*/true, out) != JsonFixup::kOk) return Fault::kJsonNul;
  out.EndField(start);
  return Fault::kNone;
}

Fault JsonText(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out) {
  size_t start = out.BeginField();
  (void)AppendJsonFixed(wire, /*refuse_nul=*/false, out);
  return EndText(out, start, plan);
}

// GeoJSON as EWKB. GEOGRAPHY is always SRID 4326 in Snowflake. The GeoJSON of a GEOMETRY
// carries no SRID: it is the target column's declared SRID (geometry(Point,3857)), else 0.
// SnowflakeSource selects ST_ASEWKB for these targets (Ewkb below), which keeps each value's
// own SRID; this is for GeoJSON wire text.
Fault GeoAs(std::string_view wire, int32_t srid, CopyBuffer& out) {
  std::string ewkb;
  if (!GeoJsonToEwkb(wire, srid, &ewkb)) return Fault::kMalformed;
  out.Field(ewkb);
  return Fault::kNone;
}

Fault Geography(std::string_view wire, const ColumnPlan&, CopyBuffer& out) {
  return GeoAs(wire, 4326, out);
}

// ST_ASEWKB's hex: the bytes unchanged (every coordinate's double and the value's own SRID)
// once they are one whole EWKB geometry; refused when the target column declares another SRID
// (geography without one declares 4326, the SRID of every GEOGRAPHY value).
Fault Ewkb(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out) {
  std::string bytes;
  int32_t srid = 0;
  if (!DecodeHex(wire, &bytes) || !EwkbSrid(bytes, &srid)) return Fault::kMalformed;
  if (plan.target->srid != 0 && srid != plan.target->srid) return Fault::kSridMismatch;
  out.Field(bytes);
  return Fault::kNone;
}

Fault Geometry(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out) {
  return GeoAs(wire, plan.target->srid, out);
}

Fault VectorFloat4(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out) {
  return VectorAs<float>(wire, plan, out);
}

Fault VectorFloat8(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out) {
  return VectorAs<double>(wire, plan, out);
}

Fault VectorInt4(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out) {
  return VectorAs<int32_t>(wire, plan, out);
}

Fault Pgvector(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out) {
  int dimension = plan.source->vector_dimension;
  if (dimension > 16000) return Fault::kOutOfRange;  // pgvector's VECTOR_MAX_DIM
  out.PutInt32(4 + 4 * dimension);
  out.PutInt16(static_cast<int16_t>(dimension));
  out.PutInt16(0);
  return ForEachElement(wire, dimension, [&](std::string_view item) {
    float value = 0;
    auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
    if (ec == std::errc::result_out_of_range) return Fault::kOutOfRange;
    // pgvector refuses NaN and infinities too.
    if (ec != std::errc() || end != item.data() + item.size() || !std::isfinite(value)) {
      return Fault::kMalformed;
    }
    out.PutInt32(std::bit_cast<int32_t>(value));
    return Fault::kNone;
  });
}

}  // namespace enc
}  // namespace sf2pg::snowflake
