// The SQL API's value encoding (jsonv2): every non-NULL cell is a JSON string whose text
// depends on the column's Snowflake type. These functions render PostgreSQL binary values
// (as libpq returns them with resultFormat = 1) straight into the wire text, appending to a
// caller-owned buffer, so a partition is built without per-value allocations.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sf2pg::sfemu::wire {

/// PostgreSQL epoch (2000-01-01) minus the Unix epoch, in days and in microseconds.
inline constexpr int64_t kPgEpochDays = 10957;
inline constexpr int64_t kPgEpochMicros = kPgEpochDays * 86400LL * 1000000LL;

/// Appends a PostgreSQL binary numeric with exactly `scale` fraction digits (rounding half
/// away from zero when the value has more). Throws Error for NaN/Infinity.
void AppendNumeric(std::string& out, std::string_view binary, int scale);
/// Appends an integer with `scale` zero fraction digits.
void AppendInteger(std::string& out, int64_t value, int scale);
/// Snowflake's float text: shortest round-trip digits, `NaN`, `inf`, `-inf`.
void AppendFloat(std::string& out, double value);
/// Days since 1970-01-01.
void AppendDate(std::string& out, int32_t pg_days);
/// Seconds since midnight, `.` and `scale` digits (none when scale is 0).
void AppendTime(std::string& out, int64_t micros, int scale, int nanos = 0);
/// Seconds since the Unix epoch with `scale` fraction digits; signed before 1970.
void AppendTimestamp(std::string& out, int64_t pg_micros, int scale, int nanos = 0);
/// TIMESTAMP_TZ: the instant, a space, then the offset in minutes plus 1440.
void AppendTimestampTz(std::string& out, int64_t pg_micros, int scale, int offset_minutes,
                       int nanos = 0);
/// A vector from a PostgreSQL binary one-dimensional int4 or float4 array (array_send):
/// `[1,2]`, or FLOAT elements with 6 decimals, `[0.100000,-2.500000]` (the float32 value
/// printed as by %f). Throws Error for another array.
void AppendVector(std::string& out, std::string_view binary);
/// Upper-case hex.
void AppendHex(std::string& out, std::string_view bytes);

/// Big-endian readers for PostgreSQL binary values.
int16_t ReadInt16(const char* p);
int32_t ReadInt32(const char* p);
int64_t ReadInt64(const char* p);
double ReadFloat8(const char* p);

/// Text of a PostgreSQL binary numeric (used by TO_VARCHAR-like conversions and tests).
std::string NumericText(std::string_view binary, int scale);

}  // namespace sf2pg::sfemu::wire
