// Columns on both sides of a migration: a Snowflake result column as the SQL API describes it,
// and a PostgreSQL target column the rows are encoded for.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sf2pg {

/// A column of a Snowflake result (`resultSetMetaData.rowType[i]`) or table.
struct SourceColumn {
  std::string name;
  /// Lower-case SQL API type: fixed, real, decfloat, text, binary, boolean, date, time,
  /// timestamp_ntz, timestamp_ltz, timestamp_tz, variant, object, array, map, vector.
  std::string type;
  int precision = 0;   ///< fixed: digits; 0 when not applicable
  int scale = 0;       ///< fixed: fraction digits; time/timestamp: fraction digits (0-9)
  int64_t length = 0;  ///< text/binary: maximum length; 0 when not applicable
  bool nullable = true;
  std::string ext_type;  ///< extTypeName: GEOGRAPHY or GEOMETRY for those object columns
  /// vector: `vectorDimension` and the element type (`fields[0].type`: "real" for FLOAT,
  /// "fixed" for INT); 0 and empty when the service does not send them.
  int vector_dimension = 0;
  std::string vector_element;
};

/// PostgreSQL types sf2pg writes in binary COPY format.
enum class PgType {
  kBool,
  kInt2,
  kInt4,
  kInt8,
  kNumeric,
  kFloat4,
  kFloat8,
  kText,  ///< text, varchar(n), char(n)
  kBytea,
  kDate,
  kTime,
  kTimestamp,
  kTimestamptz,
  kJson,
  kJsonb,
  kUuid,
  kFloat4Array,  ///< real[]: one-dimensional, no NULL elements (VECTOR(FLOAT, n))
  kFloat8Array,  ///< double precision[]
  kInt4Array,    ///< integer[] (VECTOR(INT, n))
  kGeometry,     ///< PostGIS geometry, written as EWKB (geometry_recv)
  kGeography,    ///< PostGIS geography, written as EWKB (geography_recv)
  kVector,       ///< pgvector's vector(n): n float4, written as vector_recv reads them
};

/// What the target database offers beyond core PostgreSQL, read once per database.
struct TargetFeatures {
  bool postgis = false;   ///< the postgis extension is installed (geometry, geography)
  bool pgvector = false;  ///< the vector extension (pgvector) is installed
};

/// A column of the PostgreSQL target table.
struct TargetColumn {
  std::string name;
  PgType type = PgType::kText;
  /// numeric: precision and scale (0 precision = unconstrained); text: maximum characters
  /// (0 = unlimited); vector: `precision` is the declared dimension (0 = any).
  int precision = 0;
  int scale = 0;
  int64_t max_length = 0;
  /// time, timestamp, timestamptz: fractional second digits the column keeps (timestamp(3)
  /// keeps 3); 6, PostgreSQL's microseconds, when the type has no precision.
  int fraction_digits = 6;
  /// geometry, geography: the SRID of a declared `geometry(Point,3857)`; 0 when not declared.
  int srid = 0;
  bool not_null = false;
  /// Holds the UTC offset in minutes (east positive) of a TIMESTAMP_TZ source column instead of
  /// its value: the companion column of TableConfig::keep_tz_offset.
  bool tz_offset = false;
  std::string sql_type;  ///< as PostgreSQL prints it, e.g. "numeric(10,2)", for messages
};

}  // namespace sf2pg
