// The Snowflake SQL API's wire text for dates, times and timestamps (spec §4), parsed into
// exact integers, and the calendar arithmetic to render them. Pure functions, no I/O and no
// allocation; shared by the decoder (src/snowflake/) and the SQL literal helper.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sf2pg::sfwire {

/// A signed decimal count of seconds held exactly: value = seconds + nanos / 1e9 with
/// seconds = floor(value), so nanos is always in [0, 1e9). "-0.750000000" is {-1, 250000000}.
struct Seconds {
  int64_t seconds = 0;
  int32_t nanos = 0;
};

// The parsers accept only the canonical text the SQL API writes with its default output
// formats: an optional '-', then "0" or digits without a leading zero, then for seconds a '.'
// and the fraction digits. Anything else ("+5", "007", "-0", "2026-10-09", "09:30:15") is
// refused, never guessed at: a `*_OUTPUT_FORMAT` parameter in effect changes the wire text
// while rowType.type stays the same, and "YYYYMMDD" would otherwise read as a day count.

/// Parses "[-]digits[.digits]". With `scale` 0 to 9 the fraction must have exactly `scale`
/// digits (no '.' at scale 0), as the SQL API writes it (spec §4); with scale -1 any 1 to 9
/// fraction digits or none are accepted. False for anything else, including values beyond
/// ±10^18 s.
[[nodiscard]] bool ParseSeconds(std::string_view text, Seconds* out, int scale = -1);

/// Parses a timestamp_tz value "<seconds> <offset + 1440>" into the UTC instant and the
/// offset in minutes east of UTC (-1439..1439: strictly within ±24 h).
[[nodiscard]] bool ParseSecondsWithOffset(std::string_view text, Seconds* out, int* offset_minutes,
                                          int scale = -1);

/// Parses a date value: days since 1970-01-01, possibly negative.
[[nodiscard]] bool ParseDays(std::string_view text, int64_t* days);

// What Snowflake can hold. Its documentation recommends years 1582 to 9999 and says "some
// years outside this range" are accepted, without exact limits
// (https://docs.snowflake.com/en/sql-reference/data-types-datetime); Snowflake's own ingest
// SDK enforces years -9999..9999 for DATE and 1..9999 for TIMESTAMP_*
// (snowflakedb/snowflake-ingest-java pull request 520). TIME is 00:00:00 to
// 23:59:59.999999999 (same documentation page). A decoded value outside these limits cannot
// be a value Snowflake stored: it is wire text in some other encoding.

/// DATE: -9999-01-01 to 9999-12-31, in days since 1970-01-01.
inline constexpr int64_t kMinSnowflakeDays = -4371587;
inline constexpr int64_t kMaxSnowflakeDays = 2932896;
/// TIMESTAMP_*: 0001-01-01 00:00:00 to 9999-12-31 23:59:59.999999999, in seconds since
/// 1970-01-01 (the end is exclusive).
inline constexpr int64_t kMinSnowflakeSeconds = -62135596800;
inline constexpr int64_t kEndSnowflakeSeconds = 253402300800;
inline constexpr int64_t kSecondsPerDay = 86400;

inline bool DateInSnowflakeRange(int64_t days) {
  return days >= kMinSnowflakeDays && days <= kMaxSnowflakeDays;
}
/// For a timestamp's wall clock (for TIMESTAMP_TZ: the instant shifted by its offset).
inline bool TimestampInSnowflakeRange(const Seconds& wall_clock) {
  return wall_clock.seconds >= kMinSnowflakeSeconds && wall_clock.seconds < kEndSnowflakeSeconds;
}
inline bool TimeInSnowflakeRange(const Seconds& value) {
  return value.seconds >= 0 && value.seconds < kSecondsPerDay;
}

/// Microseconds of `value`, rounded to the nearest microsecond with ties to even (what
/// PostgreSQL does with fractional seconds beyond microseconds in text input). False when
/// the result does not fit in int64.
[[nodiscard]] bool RoundToMicros(const Seconds& value, int64_t* micros);

struct CivilDate {
  int64_t year = 1970;  ///< proleptic Gregorian; 0 is 1 BC, -1 is 2 BC
  int month = 1;
  int day = 1;
};

/// Days since 1970-01-01 to a calendar date and back (proleptic Gregorian calendar).
CivilDate CivilFromDays(int64_t days);
int64_t DaysFromCivil(const CivilDate& date);

/// Largest text FormatDate / FormatTimestamp write, including the terminating NUL.
inline constexpr size_t kMaxFormatted = 64;

/// How fraction digits are written.
enum class Fraction {
  kTrimmed,  ///< no '.' when zero, otherwise trailing zeros dropped (PostgreSQL's style)
  kNine,     ///< always '.' and nine digits (Snowflake literal style)
};

/// How years before 1 AD and UTC offsets are written.
enum class Style {
  kPostgres,   ///< "0001-01-01 BC"; offsets "+05:30", "+01", "-08"
  kSnowflake,  ///< negative years "-0001-01-01"; offsets always " +05:30"
};

/// "YYYY-MM-DD" (with " BC" in PostgreSQL style). Returns the length written to `out`, which
/// must hold kMaxFormatted bytes.
size_t FormatDate(int64_t days, Style style, char* out);

/// "HH:MM:SS[.fraction]" for a time of day in seconds (0..86400) plus nanoseconds.
size_t FormatTime(int64_t seconds_of_day, int32_t nanos, Fraction fraction, char* out);

/// "YYYY-MM-DD HH:MM:SS[.fraction]" for the wall clock of `value` shifted by
/// `offset_minutes`; the offset is appended when `with_offset` (after a space in Snowflake
/// style, directly in PostgreSQL style).
size_t FormatTimestamp(const Seconds& value, int offset_minutes, bool with_offset,
                       Fraction fraction, Style style, char* out);

}  // namespace sf2pg::sfwire
