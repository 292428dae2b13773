// Date and time encoders. PostgreSQL counts from 2000-01-01 (dates in days, times and
// timestamps in microseconds); the SQL API counts from 1970-01-01 (spec §4).
#include "core/sf_wire.h"
#include "snowflake/encoders_impl.h"

namespace sf2pg::snowflake::enc {
namespace {

constexpr int64_t kPgEpochDays = 10957;  // 2000-01-01 - 1970-01-01
constexpr int64_t kMicrosPerDay = 86400LL * 1000000;
constexpr int64_t kPgEpochMicros = kPgEpochDays * kMicrosPerDay;
// PostgreSQL's valid ranges (datatype/timestamp.h), relative to 2000-01-01.
constexpr int64_t kMinDate = -2451545;                    // 4714-11-24 BC
constexpr int64_t kEndDate = 2147483494 - 2451545;        // exclusive
constexpr int64_t kMinTimestamp = -211813488000000000LL;  // 4714-11-24 00:00 BC
constexpr int64_t kEndTimestamp = 9223371331200000000LL;  // 294277-01-01, exclusive

using sfwire::Fraction;
using sfwire::Style;

// Every decoder below first parses the canonical wire text, then checks that the value is one
// Snowflake can hold (kSnowflakeRange), then that PostgreSQL can (kDateRange).

Fault ParseSnowflakeDate(std::string_view wire, int64_t* days) {
  if (!sfwire::ParseDays(wire, days)) return Fault::kMalformed;
  return sfwire::DateInSnowflakeRange(*days) ? Fault::kNone : Fault::kSnowflakeRange;
}

Fault ParseSnowflakeTime(std::string_view wire, const ColumnPlan& plan, sfwire::Seconds* value) {
  if (!sfwire::ParseSeconds(wire, value, plan.source->scale)) return Fault::kMalformed;
  return sfwire::TimeInSnowflakeRange(*value) ? Fault::kNone : Fault::kSnowflakeRange;
}

// A TIMESTAMP_NTZ / _LTZ value, or with `tz` a TIMESTAMP_TZ value and its offset.
Fault ParseSnowflakeTimestamp(std::string_view wire, bool tz, const ColumnPlan& plan,
                              sfwire::Seconds* value, int* offset) {
  *offset = 0;
  bool ok = tz ? sfwire::ParseSecondsWithOffset(wire, value, offset, plan.source->scale)
               : sfwire::ParseSeconds(wire, value, plan.source->scale);
  if (!ok) return Fault::kMalformed;
  sfwire::Seconds wall_clock = *value;
  wall_clock.seconds += int64_t{*offset} * 60;
  return sfwire::TimestampInSnowflakeRange(wall_clock) ? Fault::kNone : Fault::kSnowflakeRange;
}

Fault ParseDate(std::string_view wire, int64_t* pg_days) {
  int64_t days = 0;
  if (Fault fault = ParseSnowflakeDate(wire, &days); fault != Fault::kNone) return fault;
  *pg_days = days - kPgEpochDays;
  return *pg_days >= kMinDate && *pg_days < kEndDate ? Fault::kNone : Fault::kDateRange;
}

// Microseconds since 2000-01-01, checked against the target's range and precision.
Fault ToPgTimestamp(const sfwire::Seconds& value, const ColumnPlan& plan, int64_t* pg) {
  int64_t micros = 0;
  if (!sfwire::RoundToMicros(value, &micros) || micros < kMinTimestamp + kPgEpochMicros) {
    return Fault::kDateRange;
  }
  *pg = micros - kPgEpochMicros;
  if (*pg >= kEndTimestamp) return Fault::kDateRange;
  return *pg % plan.time_step == 0 ? Fault::kNone : Fault::kTimePrecision;
}

Fault TextField(std::string_view text, const ColumnPlan& plan, CopyBuffer& out) {
  return Verbatim(text, plan, out);
}

Fault TimestampText(std::string_view wire, bool tz, bool with_offset, const ColumnPlan& plan,
                    CopyBuffer& out) {
  sfwire::Seconds value;
  int offset = 0;
  if (Fault fault = ParseSnowflakeTimestamp(wire, tz, plan, &value, &offset);
      fault != Fault::kNone) {
    return fault;
  }
  char text[sfwire::kMaxFormatted];
  size_t n = sfwire::FormatTimestamp(value, offset, with_offset, Fraction::kTrimmed,
                                     Style::kPostgres, text);
  return TextField({text, n}, plan, out);
}

}  // namespace

Fault Date(std::string_view wire, const ColumnPlan&, CopyBuffer& out) {
  int64_t days = 0;
  Fault fault = ParseDate(wire, &days);
  if (fault == Fault::kNone) out.FieldInt32(static_cast<int32_t>(days));
  return fault;
}

Fault DateTimestamp(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out) {
  int64_t days = 0;
  if (Fault fault = ParseSnowflakeDate(wire, &days); fault != Fault::kNone) return fault;
  int64_t micros = 0;
  Fault fault = ToPgTimestamp({days * 86400, 0}, plan, &micros);
  if (fault == Fault::kNone) out.FieldInt64(micros);
  return fault;
}

Fault DateText(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out) {
  int64_t days = 0;
  if (Fault fault = ParseSnowflakeDate(wire, &days); fault != Fault::kNone) return fault;
  char text[sfwire::kMaxFormatted];
  size_t n = sfwire::FormatDate(days, Style::kPostgres, text);
  return TextField({text, n}, plan, out);
}

Fault Time(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out) {
  sfwire::Seconds value;
  if (Fault fault = ParseSnowflakeTime(wire, plan, &value); fault != Fault::kNone) return fault;
  int64_t micros = 0;
  if (!sfwire::RoundToMicros(value, &micros)) return Fault::kMalformed;
  // 23:59:59.9999995 and later round to 24:00:00, which PostgreSQL's time holds.
  if (micros < 0 || micros > kMicrosPerDay) return Fault::kDateRange;
  if (micros % plan.time_step != 0) return Fault::kTimePrecision;
  out.FieldInt64(micros);
  return Fault::kNone;
}

Fault TimeText(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out) {
  sfwire::Seconds value;
  if (Fault fault = ParseSnowflakeTime(wire, plan, &value); fault != Fault::kNone) return fault;
  char text[sfwire::kMaxFormatted];
  size_t n = sfwire::FormatTime(value.seconds, value.nanos, Fraction::kTrimmed, text);
  return TextField({text, n}, plan, out);
}

Fault Timestamp(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out) {
  sfwire::Seconds value;
  int offset = 0;
  if (Fault fault = ParseSnowflakeTimestamp(wire, /*tz=*/false, plan, &value, &offset);
      fault != Fault::kNone) {
    return fault;
  }
  int64_t micros = 0;
  Fault fault = ToPgTimestamp(value, plan, &micros);
  if (fault == Fault::kNone) out.FieldInt64(micros);
  return fault;
}

Fault TimestampTz(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out) {
  // The seconds are the UTC instant already; the offset only says how it was written.
  sfwire::Seconds value;
  int offset = 0;
  if (Fault fault = ParseSnowflakeTimestamp(wire, /*tz=*/true, plan, &value, &offset);
      fault != Fault::kNone) {
    return fault;
  }
  int64_t micros = 0;
  Fault fault = ToPgTimestamp(value, plan, &micros);
  if (fault == Fault::kNone) out.FieldInt64(micros);
  return fault;
}

Fault TimestampTzOffset(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out) {
  sfwire::Seconds value;
  int offset = 0;
  if (Fault fault = ParseSnowflakeTimestamp(wire, /*tz=*/true, plan, &value, &offset);
      fault != Fault::kNone) {
    return fault;
  }
  switch (plan.target->type) {  // FindEncoder picks this encoder for integer targets only
    case PgType::kInt2:
      out.FieldInt16(static_cast<int16_t>(offset));
      break;
    case PgType::kInt4:
      out.FieldInt32(offset);
      break;
    default:
      out.FieldInt64(offset);
      break;
  }
  return Fault::kNone;
}

Fault NtzText(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out) {
  return TimestampText(wire, /*tz=*/false, /*with_offset=*/false, plan, out);
}

Fault LtzText(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out) {
  return TimestampText(wire, /*tz=*/false, /*with_offset=*/true, plan, out);
}

Fault TzText(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out) {
  return TimestampText(wire, /*tz=*/true, /*with_offset=*/true, plan, out);
}

}  // namespace sf2pg::snowflake::enc
