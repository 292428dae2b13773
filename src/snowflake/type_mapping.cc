#include "snowflake/type_mapping.h"

#include <algorithm>

#include "core/error.h"
#include "core/pg_type.h"
#include "core/strings.h"
#include "snowflake/encoders.h"

namespace sf2pg::snowflake {
namespace {

// PostgreSQL's largest varchar(n).
constexpr int64_t kMaxVarcharLength = 10485760;

PgType IntegerType(int precision) {
  if (precision <= 4) return PgType::kInt2;
  if (precision <= 9) return PgType::kInt4;
  return PgType::kInt8;
}

void MapFixed(const SourceColumn& source, TargetColumn* target) {
  if (source.scale == 0 && source.precision > 0 && source.precision <= 18) {
    target->type = IntegerType(source.precision);
    return;
  }
  target->type = PgType::kNumeric;
  target->precision = source.precision > 0 ? source.precision : 38;
  target->scale = source.scale;
}

}  // namespace

TargetColumn MapColumn(const SourceColumn& source, const TargetFeatures& features) {
  TargetColumn target;
  target.name = source.name;
  target.not_null = !source.nullable;
  switch (SfTypeOf(source)) {
    case SfType::kFixed:
      MapFixed(source, &target);
      break;
    case SfType::kDecfloat:
      target.type = PgType::kNumeric;
      break;
    case SfType::kReal:
      target.type = PgType::kFloat8;
      break;
    case SfType::kText:
      target.type = PgType::kText;
      if (source.length > 0 && source.length <= kMaxVarcharLength) {
        target.max_length = source.length;
      }
      break;
    case SfType::kBinary:
    case SfType::kEwkb:
      target.type = PgType::kBytea;
      break;
    case SfType::kBoolean:
      target.type = PgType::kBool;
      break;
    case SfType::kDate:
      target.type = PgType::kDate;
      break;
    case SfType::kTime:
      target.type = PgType::kTime;
      break;
    case SfType::kTimestampNtz:
      target.type = PgType::kTimestamp;
      break;
    case SfType::kTimestampLtz:
    case SfType::kTimestampTz:
      target.type = PgType::kTimestamptz;
      break;
    case SfType::kJson:
      target.type = PgType::kJsonb;
      break;
    case SfType::kGeography:
      target.type = features.postgis ? PgType::kGeography : PgType::kJsonb;
      target.srid = features.postgis ? 4326 : 0;
      break;
    case SfType::kGeometry:
      target.type = features.postgis ? PgType::kGeometry : PgType::kJsonb;
      break;
    case SfType::kVectorFloat:
      // pgvector's vector holds float4 elements as VECTOR(FLOAT, n) does. VECTOR(INT, n) stays
      // integer[]: a float4 holds integers exactly only up to 2^24.
      target.type = features.pgvector ? PgType::kVector : PgType::kFloat4Array;
      if (features.pgvector) target.precision = source.vector_dimension;
      break;
    case SfType::kVectorInt:
      target.type = PgType::kInt4Array;
      break;
    case SfType::kUnknown:
      throw ConfigError("column " + source.name + ": Snowflake type " + source.type +
                        " is not supported");
  }
  target.sql_type = PgTypeSql(target);
  return target;
}

bool IsSpatial(const SourceColumn& source) {
  SfType type = SfTypeOf(source);
  return type == SfType::kGeography || type == SfType::kGeometry;
}

std::optional<std::string> Incompatibility(const SourceColumn& source, const TargetColumn& target) {
  std::string pg = target.sql_type.empty() ? PgTypeSql(target) : target.sql_type;
  if (target.type == PgType::kVector && target.precision > 0 &&
      target.precision != source.vector_dimension && FindEncoder(source, target) != nullptr) {
    return "Snowflake column " + source.name + " (" + SnowflakeTypeSql(source) +
           ") has vectors of dimension " + std::to_string(source.vector_dimension) +
           "; PostgreSQL column " + target.name + " (" + pg + ") holds dimension " +
           std::to_string(target.precision);
  }
  if (FindEncoder(source, target) != nullptr) return std::nullopt;
  if (target.tz_offset) {
    return "the UTC offset of Snowflake column " + source.name + " (" + SnowflakeTypeSql(source) +
           ") cannot be loaded into PostgreSQL column " + target.name + " (" + pg +
           "): it needs a TIMESTAMP_TZ source and a smallint, integer or bigint target";
  }
  return "Snowflake column " + source.name + " (" + SnowflakeTypeSql(source) +
         ") cannot be loaded into PostgreSQL column " + target.name + " (" + pg + ")";
}

std::string SnowflakeTypeSql(const SourceColumn& source) {
  if (SfTypeOf(source) == SfType::kEwkb) return "BINARY (ST_ASEWKB)";
  if (!source.ext_type.empty()) return Upper(source.ext_type);
  std::string type = Upper(source.type);
  std::string dimension = std::to_string(source.vector_dimension) + ")";
  switch (SfTypeOf(source)) {
    case SfType::kFixed:
      return "NUMBER(" + std::to_string(source.precision) + "," + std::to_string(source.scale) +
             ")";
    case SfType::kText:
      return source.length > 0 ? "VARCHAR(" + std::to_string(source.length) + ")" : "VARCHAR";
    case SfType::kBinary:
      return source.length > 0 ? "BINARY(" + std::to_string(source.length) + ")" : "BINARY";
    case SfType::kReal:
      return "FLOAT";
    case SfType::kTime:
    case SfType::kTimestampNtz:
    case SfType::kTimestampLtz:
    case SfType::kTimestampTz:
      return type + "(" + std::to_string(source.scale) + ")";
    case SfType::kVectorFloat:
      return "VECTOR(FLOAT, " + dimension;
    case SfType::kVectorInt:
      return "VECTOR(INT, " + dimension;
    default:
      return type;
  }
}

}  // namespace sf2pg::snowflake
