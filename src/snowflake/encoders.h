// The value encoders: one function per (Snowflake type, PostgreSQL type) pair the decoder
// supports, each turning one wire value into one binary COPY field, or reporting why it cannot
// without changing the value. The table of pairs in encoders.cc is the single definition of
// what sf2pg can load where (type_mapping.h's compatibility check reads it).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/copy_buffer.h"
#include "core/table.h"

namespace sf2pg::snowflake {

/// Snowflake result types as the decoder groups them.
enum class SfType {
  kFixed,
  kDecfloat,
  kReal,
  kText,
  kBinary,
  kBoolean,
  kDate,
  kTime,
  kTimestampNtz,
  kTimestampLtz,
  kTimestampTz,
  kJson,         ///< variant, object, array, map, vector
  kGeography,    ///< an object column with extTypeName GEOGRAPHY: GeoJSON, SRID 4326
  kGeometry,     ///< an object column with extTypeName GEOMETRY: GeoJSON without its SRID
  kVectorFloat,  ///< VECTOR(FLOAT, n): a vector whose rowType gives its dimension and elements
  kVectorInt,    ///< VECTOR(INT, n)
  kEwkb,         ///< a GEOGRAPHY / GEOMETRY selected as ST_ASEWKB(...): binary, marked kEwkbMarker
  kUnknown,
};

/// The extTypeName sf2pg gives a binary result column it selected as ST_ASEWKB(...) (the
/// service sends none), so that its values go to geometry / geography and nowhere else.
inline constexpr std::string_view kEwkbMarker = "sf2pg:EWKB";

/// The group of a rowType type name (case-insensitive); vector is kJson.
SfType SfTypeOf(std::string_view type);
/// The group of a column: an object with extTypeName GEOGRAPHY / GEOMETRY is kGeography /
/// kGeometry; a binary with extTypeName kEwkbMarker is kEwkb; a vector whose rowType carries
/// vectorDimension and a "real" or "fixed" element type is kVectorFloat / kVectorInt; without them
/// (an older service) kJson.
SfType SfTypeOf(const SourceColumn& column);

/// Why a value cannot become the target value unchanged.
enum class Fault : uint8_t {
  kNone,
  kMalformed,        ///< the wire text is not a value of its Snowflake type
  kNulByte,          ///< text with a NUL byte
  kTooLong,          ///< more characters than varchar(n) / char(n) holds
  kNumericOverflow,  ///< too many integer digits for numeric(p,s)
  kNumericScale,     ///< more fraction digits than numeric(p,s) keeps
  kOutOfRange,       ///< beyond an integer or float type, or numeric's limits
  kFraction,         ///< a fraction into an integer column
  kPrecisionLoss,    ///< more significant digits than a float type holds exactly
  kBadUuid,
  kSnowflakeRange,   ///< a date / time / timestamp Snowflake cannot hold: not canonical wire text
  kDateRange,        ///< outside PostgreSQL's date / timestamp range
  kTimePrecision,    ///< more fractional second digits than time(p) / timestamp(p) keeps
  kJsonNul,          ///< \u0000 in JSON for jsonb
  kNotNull,          ///< NULL into a NOT NULL column
  kBadUtf8,          ///< text that is not valid UTF-8 (raw bytes or an unpaired surrogate escape)
  kBadJson,          ///< JSON that PostgreSQL's json/jsonb input refuses (see CheckJson)
  kVectorDimension,  ///< a vector whose element count is not its column's dimension
  kSridMismatch,     ///< a spatial value whose SRID is not the one its target column declares
};

struct ColumnPlan;
/// Writes one non-NULL value as a whole field (length + bytes). On a fault the field may be
/// half written; the caller drops the row.
using EncodeFn = Fault (*)(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);

/// How one result column is encoded, precomputed once per chunk.
struct ColumnPlan {
  EncodeFn encode = nullptr;
  const SourceColumn* source = nullptr;
  const TargetColumn* target = nullptr;
  int64_t min = 0;  ///< integer targets: range
  int64_t max = 0;
  int64_t time_step = 1;  ///< time/timestamp targets: microseconds the column's precision keeps
};

/// The encoder for `source` values into `target` columns; nullptr when the pair is not
/// supported.
EncodeFn FindEncoder(const SourceColumn& source, PgType target);
/// The encoder for `source` values into `target`: FindEncoder(source, target.type), or for a
/// TargetColumn::tz_offset column the TIMESTAMP_TZ offset encoder (integer targets only).
EncodeFn FindEncoder(const SourceColumn& source, const TargetColumn& target);

/// The plan for a column; nullopt-like empty plan (encode == nullptr) when unsupported.
ColumnPlan MakePlan(const SourceColumn& source, const TargetColumn& target);

/// A sentence for a fault, naming the value when it is short and not text, e.g.
/// `value 12345678.91 does not fit numeric(6,2)`.
std::string FaultReason(Fault fault, std::string_view wire, const ColumnPlan& plan);

}  // namespace sf2pg::snowflake
