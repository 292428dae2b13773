// Snowflake data types as sfemu models them: the declared type of a column or expression,
// how it is named in DDL, DESCRIBE, INFORMATION_SCHEMA and the SQL API's rowType, and the
// PostgreSQL type that stores it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sf2pg::sfemu {

enum class SfKind {
  kFixed,
  kReal,
  kText,
  kBinary,
  kBoolean,
  kDate,
  kTime,
  kTimestampNtz,
  kTimestampLtz,
  kTimestampTz,
  kVariant,
  kObject,
  kArray,
  kGeography,
  kGeometry,
  kVector,  ///< VECTOR(INT|FLOAT, n): element and dimension; stored as integer[] / real[]
  kNull,    ///< the type of a bare NULL literal; becomes the other operand's type
};

inline constexpr int64_t kMaxTextLength = 16777216;
inline constexpr int64_t kMaxBinaryLength = 8388608;
/// The length (and byteLength) the service reports for text computed by an expression whose
/// length it does not bound: casts to VARCHAR without a length, TO_VARCHAR, context functions
/// such as CURRENT_USER(), NULL text bindings (observed). Table columns keep 16777216.
inline constexpr int64_t kExpressionTextLength = 134217728;
inline constexpr int kMaxVectorDimension = 4096;

struct SfType {
  SfKind kind = SfKind::kText;
  int precision = 38;               ///< fixed only
  int scale = 0;                    ///< fixed: fraction digits; time and timestamps: 0-9
  int64_t length = kMaxTextLength;  ///< text and binary
  SfKind element = SfKind::kNull;   ///< vector: kFixed (INT) or kReal (FLOAT)
  int dimension = 0;                ///< vector

  static SfType Fixed(int precision, int scale) { return {SfKind::kFixed, precision, scale, 0}; }
  static SfType Text(int64_t length = kMaxTextLength) { return {SfKind::kText, 0, 0, length}; }
  static SfType Of(SfKind kind, int scale = 0);
  /// VECTOR(INT, n) for kFixed, VECTOR(FLOAT, n) for kReal.
  static SfType Vector(SfKind element, int dimension);

  bool IsTemporal() const;
  bool IsTimestamp() const;
  bool IsSemiStructured() const;  ///< variant, object, array, geography, geometry
  bool IsNumeric() const { return kind == SfKind::kFixed || kind == SfKind::kReal; }

  /// rowType.type: lower-case, geography and geometry are "object".
  std::string_view WireName() const;
  /// rowType.extTypeName: "GEOGRAPHY"/"GEOMETRY", empty otherwise.
  std::string_view ExtTypeName() const;
  /// The full type as DESCRIBE TABLE prints it: NUMBER(38,0), VARCHAR(16777216), TIME(9).
  std::string DeclaredName() const;
  /// INFORMATION_SCHEMA.COLUMNS.DATA_TYPE: NUMBER, TEXT, FLOAT, TIMESTAMP_NTZ, ...
  std::string_view InfoSchemaName() const;
  /// The PostgreSQL type of the value (without collation): numeric(10,2), timestamp, ...
  std::string PgType() const;
  /// rowType.byteLength for text and binary; 0 when not applicable.
  int64_t ByteLength() const;

  bool operator==(const SfType& other) const = default;
};

/// Parses the words of a Snowflake type name ("NUMBER", "TIMESTAMP_NTZ", "DOUBLE PRECISION",
/// "CHARACTER VARYING") with optional arguments (precision, scale or length). Applies
/// Snowflake's defaults: NUMBER = NUMBER(38,0), VARCHAR = VARCHAR(16777216), CHAR = CHAR(1),
/// TIMESTAMP = TIMESTAMP_NTZ(9). Returns nullopt for unknown names; throws Error (002020)
/// for out-of-range arguments.
std::optional<SfType> ParseSfType(const std::vector<std::string>& words,
                                  const std::vector<int64_t>& args);

/// VECTOR(<element>, <dimension>): element INT or FLOAT, dimension 1 to 4096; throws Error
/// (002020) otherwise.
SfType ParseVectorType(const std::string& element, int64_t dimension);

/// Convenience for a whole type string such as "NUMBER(10,2)", "timestamp_tz(3)" or
/// "VECTOR(FLOAT, 3)".
std::optional<SfType> ParseSfTypeText(std::string_view text);

}  // namespace sf2pg::sfemu
