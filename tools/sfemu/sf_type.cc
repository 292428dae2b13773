#include "sf_type.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <stdexcept>

#include "core/strings.h"
#include "error.h"

namespace sf2pg::sfemu {
namespace {

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += Upper(w);
  }
  return out;
}

/// A type whose arguments are out of range; the parser adds the type's name.
Error BadType(const std::string& why) { return Error("002020", "42601", why); }

SfType FixedFrom(const std::vector<int64_t>& args) {
  int64_t p = args.size() > 0 ? args[0] : 38;
  int64_t s = args.size() > 1 ? args[1] : 0;
  if (p < 1 || p > 38) throw BadType("precision must be between 1 and 38");
  if (s < 0 || s > 37 || s > p) throw BadType("scale must be between 0 and 37");
  return SfType::Fixed(static_cast<int>(p), static_cast<int>(s));
}

SfType TemporalFrom(SfKind kind, const std::vector<int64_t>& args) {
  int64_t s = args.empty() ? 9 : args[0];
  if (s < 0 || s > 9) throw BadType("fractional seconds precision must be 0-9");
  return SfType::Of(kind, static_cast<int>(s));
}

SfType LengthFrom(SfKind kind, const std::vector<int64_t>& args, int64_t default_length,
                  int64_t max_length) {
  int64_t n = args.empty() ? default_length : args[0];
  if (n < 1 || n > max_length) throw BadType("length out of range");
  SfType t = SfType::Of(kind);
  t.length = n;
  return t;
}

}  // namespace

SfType SfType::Of(SfKind kind, int scale) {
  SfType t;
  t.kind = kind;
  t.precision = kind == SfKind::kFixed ? 38 : 0;
  t.scale = scale;
  t.length = kind == SfKind::kText     ? kMaxTextLength
             : kind == SfKind::kBinary ? kMaxBinaryLength
                                       : 0;
  return t;
}

SfType SfType::Vector(SfKind element, int dimension) {
  SfType t = Of(SfKind::kVector);
  t.element = element;
  t.dimension = dimension;
  return t;
}

SfType ParseVectorType(const std::string& element, int64_t dimension) {
  std::string name = Upper(element);
  if (name != "INT" && name != "FLOAT") {
    throw BadType("the element type of a VECTOR must be INT or FLOAT, not " + element);
  }
  if (dimension < 1 || dimension > kMaxVectorDimension) {
    throw BadType("the dimension of a VECTOR must be between 1 and " +
                  std::to_string(kMaxVectorDimension));
  }
  return SfType::Vector(name == "INT" ? SfKind::kFixed : SfKind::kReal,
                        static_cast<int>(dimension));
}

bool SfType::IsTemporal() const {
  return kind == SfKind::kDate || kind == SfKind::kTime || IsTimestamp();
}

bool SfType::IsTimestamp() const {
  return kind == SfKind::kTimestampNtz || kind == SfKind::kTimestampLtz ||
         kind == SfKind::kTimestampTz;
}

bool SfType::IsSemiStructured() const {
  return kind == SfKind::kVariant || kind == SfKind::kObject || kind == SfKind::kArray ||
         kind == SfKind::kGeography || kind == SfKind::kGeometry;
}

namespace {

struct KindNames {
  const char* wire;  ///< rowType.type
  const char* name;  ///< DDL / DESCRIBE, before any (arguments)
  const char* info;  ///< INFORMATION_SCHEMA.COLUMNS.DATA_TYPE
  const char* pg;    ///< PostgreSQL storage type
};

/// Indexed by SfKind, in its declaration order.
const KindNames& Names(SfKind kind) {
  static const KindNames kNames[] = {
      {"fixed", "NUMBER", "NUMBER", "numeric"},
      {"real", "FLOAT", "FLOAT", "double precision"},
      {"text", "VARCHAR", "TEXT", "text"},
      {"binary", "BINARY", "BINARY", "bytea"},
      {"boolean", "BOOLEAN", "BOOLEAN", "boolean"},
      {"date", "DATE", "DATE", "date"},
      {"time", "TIME", "TIME", "time"},
      {"timestamp_ntz", "TIMESTAMP_NTZ", "TIMESTAMP_NTZ", "timestamp"},
      {"timestamp_ltz", "TIMESTAMP_LTZ", "TIMESTAMP_LTZ", "timestamptz"},
      {"timestamp_tz", "TIMESTAMP_TZ", "TIMESTAMP_TZ", "timestamptz"},
      {"variant", "VARIANT", "VARIANT", "text"},
      {"object", "OBJECT", "OBJECT", "text"},
      {"array", "ARRAY", "ARRAY", "text"},
      {"object", "GEOGRAPHY", "GEOGRAPHY", "text"},
      {"object", "GEOMETRY", "GEOMETRY", "text"},
      {"vector", "VECTOR", "VECTOR", "real[]"},
      {"text", "VARCHAR", "TEXT", "text"},
  };
  static_assert(sizeof kNames / sizeof kNames[0] == static_cast<size_t>(SfKind::kNull) + 1);
  return kNames[static_cast<size_t>(kind)];
}

}  // namespace

std::string_view SfType::WireName() const { return Names(kind).wire; }

std::string_view SfType::ExtTypeName() const {
  if (kind == SfKind::kGeography || kind == SfKind::kGeometry) return Names(kind).name;
  return {};
}

std::string SfType::DeclaredName() const {
  std::string name = Names(kind).name;
  if (kind == SfKind::kFixed) {
    return name + "(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
  }
  if (kind == SfKind::kText || kind == SfKind::kNull || kind == SfKind::kBinary) {
    return name + "(" + std::to_string(length) + ")";
  }
  if (kind == SfKind::kTime || IsTimestamp()) return name + "(" + std::to_string(scale) + ")";
  if (kind == SfKind::kVector) {
    return name + (element == SfKind::kFixed ? "(INT, " : "(FLOAT, ") + std::to_string(dimension) +
           ")";
  }
  return name;
}

std::string_view SfType::InfoSchemaName() const { return Names(kind).info; }

std::string SfType::PgType() const {
  if (kind == SfKind::kFixed) {
    return "numeric(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
  }
  if (kind == SfKind::kVector && element == SfKind::kFixed) return "integer[]";
  // Scale 7-9: PostgreSQL keeps microseconds, so a composite adds the nanoseconds (catalog.cc).
  if (kind == SfKind::kTime && scale > 6) return "sfemu_catalog.time_ns";
  if (kind == SfKind::kTimestampNtz && scale > 6) return "sfemu_catalog.ntz_ns";
  if (IsTimestamp() && scale > 6) return "sfemu_catalog.ltz_ns";
  return Names(kind).pg;
}

int64_t SfType::ByteLength() const {
  if (kind == SfKind::kText) return std::min<int64_t>(length * 4, 134217728);
  if (kind == SfKind::kBinary) return length;
  return 0;
}

std::optional<SfType> ParseSfType(const std::vector<std::string>& words,
                                  const std::vector<int64_t>& args) {
  static const std::map<std::string, SfKind> kFixedNames = {{"NUMBER", SfKind::kFixed},
                                                            {"DECIMAL", SfKind::kFixed},
                                                            {"NUMERIC", SfKind::kFixed},
                                                            {"DEC", SfKind::kFixed}};
  static const std::map<std::string, SfKind> kSimple = {{"FLOAT", SfKind::kReal},
                                                        {"FLOAT4", SfKind::kReal},
                                                        {"FLOAT8", SfKind::kReal},
                                                        {"DOUBLE", SfKind::kReal},
                                                        {"DOUBLE PRECISION", SfKind::kReal},
                                                        {"REAL", SfKind::kReal},
                                                        {"BOOLEAN", SfKind::kBoolean},
                                                        {"DATE", SfKind::kDate},
                                                        {"VARIANT", SfKind::kVariant},
                                                        {"OBJECT", SfKind::kObject},
                                                        {"ARRAY", SfKind::kArray},
                                                        {"GEOGRAPHY", SfKind::kGeography},
                                                        {"GEOMETRY", SfKind::kGeometry}};
  static const std::map<std::string, SfKind> kTemporal = {
      {"TIME", SfKind::kTime},
      {"TIMESTAMP", SfKind::kTimestampNtz},
      {"DATETIME", SfKind::kTimestampNtz},
      {"TIMESTAMP_NTZ", SfKind::kTimestampNtz},
      {"TIMESTAMPNTZ", SfKind::kTimestampNtz},
      {"TIMESTAMP WITHOUT TIME ZONE", SfKind::kTimestampNtz},
      {"TIMESTAMP_LTZ", SfKind::kTimestampLtz},
      {"TIMESTAMPLTZ", SfKind::kTimestampLtz},
      {"TIMESTAMP WITH LOCAL TIME ZONE", SfKind::kTimestampLtz},
      {"TIMESTAMP_TZ", SfKind::kTimestampTz},
      {"TIMESTAMPTZ", SfKind::kTimestampTz},
      {"TIMESTAMP WITH TIME ZONE", SfKind::kTimestampTz}};
  std::string name = Join(words);
  if (kFixedNames.count(name)) return FixedFrom(args);
  if (name == "INT" || name == "INTEGER" || name == "BIGINT" || name == "SMALLINT" ||
      name == "TINYINT" || name == "BYTEINT") {
    if (!args.empty()) throw BadType(name + " takes no arguments");
    return SfType::Fixed(38, 0);
  }
  if (auto it = kSimple.find(name); it != kSimple.end()) {
    if (!args.empty() && it->second != SfKind::kReal) {
      throw BadType(name + " takes no arguments");
    }
    return SfType::Of(it->second);
  }
  if (auto it = kTemporal.find(name); it != kTemporal.end()) return TemporalFrom(it->second, args);
  if (name == "VARCHAR" || name == "STRING" || name == "TEXT" || name == "NVARCHAR" ||
      name == "NVARCHAR2" || name == "CHAR VARYING" || name == "NCHAR VARYING" ||
      name == "CHARACTER VARYING") {
    return LengthFrom(SfKind::kText, args, kMaxTextLength, kMaxTextLength);
  }
  if (name == "CHAR" || name == "CHARACTER" || name == "NCHAR") {
    return LengthFrom(SfKind::kText, args, 1, kMaxTextLength);
  }
  if (name == "BINARY" || name == "VARBINARY") {
    return LengthFrom(SfKind::kBinary, args, kMaxBinaryLength, kMaxBinaryLength);
  }
  return std::nullopt;
}

std::optional<SfType> ParseSfTypeText(std::string_view text) {
  if (text.size() > 7 && Upper(std::string(text.substr(0, 7))) == "VECTOR(") {
    // VECTOR(FLOAT, 3): an element type and a dimension.
    std::string inner(text.substr(7));
    size_t comma = inner.find(',');
    if (comma == std::string::npos || inner.back() != ')') return std::nullopt;
    std::string element = inner.substr(0, comma);
    std::erase(element, ' ');
    try {
      return ParseVectorType(element, std::stoll(inner.substr(comma + 1)));
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  std::vector<std::string> words;
  std::vector<int64_t> args;
  size_t i = 0;
  while (i < text.size() && text[i] != '(') {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])) &&
           text[i] != '(') {
      ++i;
    }
    if (i > start) words.emplace_back(text.substr(start, i - start));
  }
  if (i < text.size()) {
    size_t close = text.find(')', i);
    if (close == std::string_view::npos) return std::nullopt;
    std::string inner(text.substr(i + 1, close - i - 1));
    size_t pos = 0;
    while (pos < inner.size()) {
      size_t comma = inner.find(',', pos);
      if (comma == std::string::npos) comma = inner.size();
      try {
        args.push_back(std::stoll(inner.substr(pos, comma - pos)));
      } catch (const std::exception&) {
        return std::nullopt;
      }
      pos = comma + 1;
    }
  }
  if (words.empty()) return std::nullopt;
  try {
    return ParseSfType(words, args);
  } catch (const Error&) {
    return std::nullopt;
  }
}

}  // namespace sf2pg::sfemu
