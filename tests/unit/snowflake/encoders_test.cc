#include "snowflake/encoders.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

namespace sf2pg::snowflake {
namespace {

struct Encoded {
  Fault fault = Fault::kNone;
  std::string bytes;  ///< the field's value, without its length
};

SourceColumn SrcCol(std::string type, int scale = 0) {
  SourceColumn c;
  c.name = "C";
  c.type = std::move(type);
  c.precision = c.type == "fixed" ? 38 : 0;
  c.scale = scale;
  return c;
}

TargetColumn Tgt(PgType type) {
  TargetColumn t;
  t.name = "c";
  t.type = type;
  return t;
}

Encoded Encode(const SourceColumn& source, const TargetColumn& target, std::string_view wire) {
  ColumnPlan plan = MakePlan(source, target);
  EXPECT_NE(plan.encode, nullptr) << source.type;
  CopyBuffer out;
  Encoded e;
  e.fault = plan.encode(wire, plan, out);
  if (e.fault == Fault::kNone) {
    std::string_view v = out.view();
    uint32_t length = static_cast<uint32_t>(static_cast<unsigned char>(v[0])) << 24 |
                      static_cast<uint32_t>(static_cast<unsigned char>(v[1])) << 16 |
                      static_cast<uint32_t>(static_cast<unsigned char>(v[2])) << 8 |
                      static_cast<uint32_t>(static_cast<unsigned char>(v[3]));
    e.bytes = std::string(v.substr(4));
    EXPECT_EQ(length, e.bytes.size()) << wire;
  }
  return e;
}

Encoded Encode(std::string type, PgType target, std::string_view wire, int scale = 0) {
  return Encode(SrcCol(std::move(type), scale), Tgt(target), wire);
}

int64_t AsInt64(const std::string& b) {
  uint64_t v = 0;
  for (char c : b) v = v << 8 | static_cast<unsigned char>(c);
  return static_cast<int64_t>(v);
}

double AsDouble(const std::string& b) {
  uint64_t bits = static_cast<uint64_t>(AsInt64(b));
  double d;
  std::memcpy(&d, &bits, 8);
  return d;
}

SourceColumn VectorCol(std::string element, int dimension) {
  SourceColumn c = SrcCol("vector");
  c.vector_element = std::move(element);
  c.vector_dimension = dimension;
  return c;
}

std::string BigEndian32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

// array_send's form of a one-dimensional array without NULLs: the header, then each element
// as a field (length and value).
std::string ArrayBytes(uint32_t oid, const std::vector<std::string>& elements) {
  std::string out = BigEndian32(1) + BigEndian32(0) + BigEndian32(oid) +
                    BigEndian32(static_cast<uint32_t>(elements.size())) + BigEndian32(1);
  for (const auto& e : elements) out += BigEndian32(static_cast<uint32_t>(e.size())) + e;
  return out;
}

std::string Float4Bytes(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  return BigEndian32(bits);
}

constexpr int64_t kPgEpochMicros = 946684800LL * 1000000;

TEST(Encoders, BooleansAcceptTrueFalseOneZeroInAnyCase) {
  for (const char* t : {"true", "TRUE", "True", "1"}) {
    EXPECT_EQ(Encode("boolean", PgType::kBool, t).bytes, std::string(1, '\1')) << t;
  }
  for (const char* f : {"false", "FALSE", "0"}) {
    EXPECT_EQ(Encode("boolean", PgType::kBool, f).bytes, std::string(1, '\0')) << f;
  }
  EXPECT_EQ(Encode("boolean", PgType::kBool, "yes").fault, Fault::kMalformed);
  EXPECT_EQ(Encode("boolean", PgType::kText, "1").bytes, "true");
}

TEST(Encoders, RealsKeepInfinitiesNanAndNegativeZero) {
  EXPECT_EQ(AsDouble(Encode("real", PgType::kFloat8, "inf").bytes), INFINITY);
  EXPECT_EQ(AsDouble(Encode("real", PgType::kFloat8, "-inf").bytes), -INFINITY);
  EXPECT_TRUE(std::isnan(AsDouble(Encode("real", PgType::kFloat8, "NaN").bytes)));
  EXPECT_TRUE(std::signbit(AsDouble(Encode("real", PgType::kFloat8, "-0").bytes)));
  EXPECT_EQ(AsDouble(Encode("real", PgType::kFloat8, "5e-324").bytes), 5e-324);
  EXPECT_EQ(Encode("real", PgType::kFloat8, "1e400").fault, Fault::kOutOfRange);
  EXPECT_EQ(Encode("real", PgType::kFloat4, "0.5").bytes, std::string("\x3f\x00\x00\x00", 4));
  EXPECT_EQ(Encode("real", PgType::kFloat4, "1e39").fault, Fault::kOutOfRange);
}

TEST(Encoders, DecimalsIntoFloatsMustStayExact) {
  EXPECT_EQ(AsDouble(Encode("fixed", PgType::kFloat8, "123.45", 2).bytes), 123.45);
  EXPECT_EQ(Encode("fixed", PgType::kFloat8, "1234567890123456").fault, Fault::kPrecisionLoss);
  EXPECT_EQ(Encode("fixed", PgType::kFloat4, "1234567").fault, Fault::kPrecisionLoss);
}

TEST(Encoders, IntegersCheckRangeAndFraction) {
  EXPECT_EQ(Encode("fixed", PgType::kInt2, "32767").bytes, std::string("\x7f\xff", 2));
  EXPECT_EQ(Encode("fixed", PgType::kInt2, "32768").fault, Fault::kOutOfRange);
  EXPECT_EQ(Encode("fixed", PgType::kInt4, "-2147483648").bytes, std::string("\x80\0\0\0", 4));
  EXPECT_EQ(Encode("fixed", PgType::kInt8, "1.50", 2).fault, Fault::kFraction);
  EXPECT_EQ(AsInt64(Encode("fixed", PgType::kInt8, "7.00", 2).bytes), 7);
}

TEST(Encoders, NumericRefusesValuesItWouldRoundOrCannotHold) {
  TargetColumn n62 = Tgt(PgType::kNumeric);
  n62.precision = 6;
  n62.scale = 2;
  EXPECT_EQ(Encode(SrcCol("fixed", 2), n62, "12345678.91").fault, Fault::kNumericOverflow);
  EXPECT_EQ(Encode(SrcCol("fixed", 3), n62, "1.234").fault, Fault::kNumericScale);
  EXPECT_EQ(Encode(SrcCol("fixed", 3), n62, "1.230").fault, Fault::kNone);
  EXPECT_EQ(Encode(SrcCol("fixed", 2), n62, "9999.99").fault, Fault::kNone);
  TargetColumn n55 = Tgt(PgType::kNumeric);
  n55.precision = 5;
  n55.scale = 5;
  EXPECT_EQ(Encode(SrcCol("fixed", 5), n55, "0.00010").fault, Fault::kNone);
  EXPECT_EQ(Encode(SrcCol("fixed", 0), n55, "1").fault, Fault::kNumericOverflow);
  EXPECT_EQ(Encode("decfloat", PgType::kNumeric, "1.23e-40").fault, Fault::kNone);
  EXPECT_EQ(Encode("decfloat", PgType::kNumeric, "1e-20000").fault, Fault::kOutOfRange);
}

TEST(Encoders, DatesCountDaysFrom2000) {
  EXPECT_EQ(Encode("date", PgType::kDate, "19552").bytes, std::string("\0\0\x21\x93", 4));
  EXPECT_EQ(Encode("date", PgType::kDate, "-1").bytes, std::string("\xff\xff\xd5\x32", 4));
  EXPECT_EQ(Encode("date", PgType::kDate, "-719162").fault, Fault::kNone);  // 0001-01-01
  EXPECT_EQ(Encode("date", PgType::kDate, "999999999999").fault, Fault::kSnowflakeRange);
  EXPECT_EQ(Encode("date", PgType::kDate, "1.5").fault, Fault::kMalformed);
  EXPECT_EQ(AsInt64(Encode("date", PgType::kTimestamptz, "10957").bytes), 0);
  EXPECT_EQ(Encode("date", PgType::kText, "-1").bytes, "1969-12-31");
  EXPECT_EQ(Encode("date", PgType::kText, "-719163").bytes, "0001-12-31 BC");
}

TEST(Encoders, TimesRoundNanosecondsHalfToEven) {
  EXPECT_EQ(AsInt64(Encode("time", PgType::kTime, "34215.25", 2).bytes), 34215250000);
  EXPECT_EQ(AsInt64(Encode("time", PgType::kTime, "34215.123456789", 9).bytes), 34215123457);
  EXPECT_EQ(AsInt64(Encode("time", PgType::kTime, "0.000000500", 9).bytes), 0);
  EXPECT_EQ(AsInt64(Encode("time", PgType::kTime, "0.000001500", 9).bytes), 2);
  EXPECT_EQ(AsInt64(Encode("time", PgType::kTime, "86399.9999995", 7).bytes), 86400000000);
  EXPECT_EQ(Encode("time", PgType::kTime, "86401").fault, Fault::kSnowflakeRange);
  EXPECT_EQ(Encode("time", PgType::kText, "34215.250", 3).bytes, "09:30:15.25");
}

TEST(Encoders, TimestampsRoundToMicrosecondsHalfToEven) {
  auto micros = [](const char* wire) {
    return AsInt64(Encode("timestamp_ntz", PgType::kTimestamp, wire, 9).bytes) + kPgEpochMicros;
  };
  EXPECT_EQ(micros("1689327015.123456500"), 1689327015123456);
  EXPECT_EQ(micros("1689327015.123457500"), 1689327015123458);
  EXPECT_EQ(micros("1689327015.123456501"), 1689327015123457);
  EXPECT_EQ(micros("-0.750000000"), -750000);
  EXPECT_EQ(micros("-0.000000500"), 0);                             // -0.5 µs: tie, to even (0)
  EXPECT_EQ(micros("-0.000001500"), -2);                            // -1.5 µs: tie, to even (-2)
  EXPECT_EQ(micros("253402300799.999999000"), 253402300799999999);  // 9999-12-31 23:59:59.999999
  EXPECT_EQ(Encode("timestamp_ntz", PgType::kTimestamp, "99999999999999999").fault,
            Fault::kSnowflakeRange);
}

TEST(Encoders, TimestampPrecisionOfTheTargetIsRespected) {
  TargetColumn ms = Tgt(PgType::kTimestamp);
  ms.fraction_digits = 3;
  EXPECT_EQ(Encode(SrcCol("timestamp_ntz", 9), ms, "1689327015.123000000").fault, Fault::kNone);
  EXPECT_EQ(Encode(SrcCol("timestamp_ntz", 9), ms, "1689327015.123400000").fault,
            Fault::kTimePrecision);
}

// keep_tz_offset: the same wire cell, encoded for the companion column, is its offset in
// minutes east of UTC (wire offset - 1440).
Encoded EncodeOffset(PgType target, std::string_view wire, int scale = 9) {
  TargetColumn t = Tgt(target);
  t.tz_offset = true;
  return Encode(SrcCol("timestamp_tz", scale), t, wire);
}

int64_t AsSigned16(const std::string& b) {
  EXPECT_EQ(b.size(), 2u);
  return static_cast<int16_t>(static_cast<uint16_t>(AsInt64(b)));
}

TEST(Encoders, TimestampTzOffsetIsTheOffsetInMinutes) {
  struct Case {
    const char* wire;
    int64_t minutes;
  } cases[] = {
      {"1689307215.250000000 1770", 330},  // +05:30
      {"1689307215.250000000 2085", 645},  // +10:45, not a whole hour
      {"1689307215.250000000 1785", 345},  // +05:45 (Nepal)
      {"1689307215.250000000 960", -480},  // -08:00
      {"1689307215.250000000 720", -720},  // -12:00, the lowest offset in use
      {"1689307215.250000000 2280", 840},  // +14:00, the highest
      {"1689307215.250000000 1440", 0},    // UTC
      {"1689307215.250000000 1410", -30},  // -00:30: negative without a whole hour
      {"0.000000000 1", -1439},            // the limits of the wire encoding
      {"0.000000000 2879", 1439},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(AsSigned16(EncodeOffset(PgType::kInt2, c.wire).bytes), c.minutes) << c.wire;
    std::string as_int = EncodeOffset(PgType::kInt4, c.wire).bytes;
    ASSERT_EQ(as_int.size(), 4u) << c.wire;
    EXPECT_EQ(static_cast<int32_t>(static_cast<uint32_t>(AsInt64(as_int))), c.minutes) << c.wire;
    std::string as_bigint = EncodeOffset(PgType::kInt8, c.wire).bytes;
    ASSERT_EQ(as_bigint.size(), 8u) << c.wire;
    EXPECT_EQ(AsInt64(as_bigint), c.minutes) << c.wire;
  }
  EXPECT_EQ(AsSigned16(EncodeOffset(PgType::kInt2, "1689327015 1770", 0).bytes), 330);
  // Wire text the value column refuses is refused here too, for the same reason.
  EXPECT_EQ(EncodeOffset(PgType::kInt2, "1689307215.25").fault, Fault::kMalformed);
  EXPECT_EQ(EncodeOffset(PgType::kInt2, "1689307215.250000000 2880").fault, Fault::kMalformed);
  EXPECT_EQ(EncodeOffset(PgType::kInt2, "1689307215.250000000 0").fault, Fault::kMalformed);
  EXPECT_EQ(EncodeOffset(PgType::kInt2, "1689307215.25 1770").fault, Fault::kMalformed);  // scale
  // Only a TIMESTAMP_TZ value has an offset, and only an integer column holds it.
  TargetColumn offset = Tgt(PgType::kInt2);
  offset.tz_offset = true;
  EXPECT_EQ(FindEncoder(SrcCol("timestamp_ltz", 9), offset), nullptr);
  EXPECT_EQ(FindEncoder(SrcCol("timestamp_ntz", 9), offset), nullptr);
  offset.type = PgType::kText;
  EXPECT_EQ(FindEncoder(SrcCol("timestamp_tz", 9), offset), nullptr);
  // Without the flag, TIMESTAMP_TZ into smallint stays unsupported.
  EXPECT_EQ(FindEncoder(SrcCol("timestamp_tz", 9), Tgt(PgType::kInt2)), nullptr);
}

TEST(Encoders, TimestampTzUsesTheInstantAndTextKeepsTheOffset) {
  int64_t instant =
      AsInt64(Encode("timestamp_tz", PgType::kTimestamptz, "1689307215.250000000 1770", 9).bytes);
  EXPECT_EQ(instant + kPgEpochMicros, 1689307215250000);
  EXPECT_EQ(Encode("timestamp_tz", PgType::kText, "1689307215.250000000 1770", 9).bytes,
            "2023-07-14 09:30:15.25+05:30");
  EXPECT_EQ(Encode("timestamp_tz", PgType::kText, "1689355815.250000000 960", 9).bytes,
            "2023-07-14 09:30:15.25-08");
  EXPECT_EQ(Encode("timestamp_tz", PgType::kText, "1689327015 1440", 0).bytes,
            "2023-07-14 09:30:15+00");
  EXPECT_EQ(Encode("timestamp_tz", PgType::kTimestamptz, "1689307215.25").fault, Fault::kMalformed);
  EXPECT_EQ(Encode("timestamp_ltz", PgType::kText, "1689327015.250", 3).bytes,
            "2023-07-14 09:30:15.25+00");
  EXPECT_EQ(Encode("timestamp_ntz", PgType::kText, "1689327015.000000000", 9).bytes,
            "2023-07-14 09:30:15");
}

// Snowflake's limits (core/sf_wire.h): a value beyond them is wire text in another encoding,
// e.g. a DATE_OUTPUT_FORMAT of YYYYMMDD, and is refused rather than read as a day count.
TEST(Encoders, DatesOutsideSnowflakesRangeAreRefused) {
  EXPECT_EQ(Encode("date", PgType::kText, "-4371587").bytes, "10000-01-01 BC");  // -9999-01-01
  EXPECT_EQ(Encode("date", PgType::kText, "-4371588").fault, Fault::kSnowflakeRange);
  EXPECT_EQ(Encode("date", PgType::kDate, "-4371588").fault, Fault::kSnowflakeRange);
  EXPECT_EQ(Encode("date", PgType::kText, "2932896").bytes, "9999-12-31");
  EXPECT_EQ(Encode("date", PgType::kDate, "2932896").fault, Fault::kNone);
  EXPECT_EQ(Encode("date", PgType::kDate, "2932897").fault, Fault::kSnowflakeRange);
  EXPECT_EQ(Encode("date", PgType::kTimestamp, "2932897").fault, Fault::kSnowflakeRange);
  EXPECT_EQ(Encode("date", PgType::kText, "2932897").fault, Fault::kSnowflakeRange);
  EXPECT_EQ(Encode("date", PgType::kDate, "20261009").fault, Fault::kSnowflakeRange);  // YYYYMMDD
  // Inside Snowflake's range but before PostgreSQL's 4714-11-24 BC.
  EXPECT_EQ(Encode("date", PgType::kDate, "-2500000").fault, Fault::kDateRange);
}

TEST(Encoders, TimesOf24HoursOrMoreAreRefused) {
  EXPECT_EQ(AsInt64(Encode("time", PgType::kTime, "0").bytes), 0);
  EXPECT_EQ(AsInt64(Encode("time", PgType::kTime, "86399").bytes), 86399000000);
  EXPECT_EQ(Encode("time", PgType::kTime, "86400").fault, Fault::kSnowflakeRange);
  EXPECT_EQ(Encode("time", PgType::kText, "86400").fault, Fault::kSnowflakeRange);
  EXPECT_EQ(Encode("time", PgType::kTime, "-1").fault, Fault::kSnowflakeRange);
  EXPECT_EQ(Encode("time", PgType::kTime, "86399.999999999", 9).fault, Fault::kNone);
  EXPECT_EQ(Encode("time", PgType::kTime, "86400.000000000", 9).fault, Fault::kSnowflakeRange);
  EXPECT_EQ(Encode("time", PgType::kTime, "-0.000000001", 9).fault, Fault::kSnowflakeRange);
}

TEST(Encoders, TimestampsOutsideYears1To9999AreRefused) {
  for (const char* type : {"timestamp_ntz", "timestamp_ltz"}) {
    PgType target =
        std::string(type) == "timestamp_ntz" ? PgType::kTimestamp : PgType::kTimestamptz;
    EXPECT_EQ(AsInt64(Encode(type, target, "-62135596800").bytes) + kPgEpochMicros,
              -62135596800000000)
        << type;  // 0001-01-01 00:00:00
    EXPECT_EQ(Encode(type, target, "-62135596801").fault, Fault::kSnowflakeRange) << type;
    EXPECT_EQ(Encode(type, target, "-62135596800.000000001", 9).fault, Fault::kSnowflakeRange)
        << type;
    EXPECT_EQ(Encode(type, target, "253402300799.999999999", 9).fault, Fault::kNone) << type;
    EXPECT_EQ(Encode(type, target, "253402300800").fault, Fault::kSnowflakeRange) << type;
    EXPECT_EQ(Encode(type, PgType::kText, "253402300800").fault, Fault::kSnowflakeRange) << type;
    // YYYYMMDDHH24MISS read as seconds.
    EXPECT_EQ(Encode(type, target, "20261009093015").fault, Fault::kSnowflakeRange) << type;
  }
}

TEST(Encoders, TimestampTzChecksItsWallClockAndItsOffset) {
  auto tz = [](const char* wire, PgType target = PgType::kTimestamptz) {
    return Encode("timestamp_tz", target, wire).fault;
  };
  EXPECT_EQ(tz("253402300799 1440"), Fault::kNone);            // 9999-12-31 23:59:59 +00:00
  EXPECT_EQ(tz("253402300799 1441"), Fault::kSnowflakeRange);  // 10000-01-01 00:00:59 +00:01
  EXPECT_EQ(tz("253402300800 1439"), Fault::kNone);            // 9999-12-31 23:59:00 -00:01
  EXPECT_EQ(tz("-62135596800 1440"), Fault::kNone);
  EXPECT_EQ(tz("-62135596800 1439"), Fault::kSnowflakeRange);  // 0000-12-31 23:59 -00:01
  EXPECT_EQ(tz("-62135596800 1439", PgType::kText), Fault::kSnowflakeRange);
  // Offsets strictly within ±24 h: encoded 1 to 2879.
  EXPECT_EQ(Encode("timestamp_tz", PgType::kText, "0 1").bytes, "1969-12-31 00:01:00-23:59");
  EXPECT_EQ(tz("0 0"), Fault::kMalformed);
  EXPECT_EQ(Encode("timestamp_tz", PgType::kText, "0 2879").bytes, "1970-01-01 23:59:00+23:59");
  EXPECT_EQ(tz("0 2880"), Fault::kMalformed);
  EXPECT_EQ(tz("0 -1"), Fault::kMalformed);
  EXPECT_EQ(tz("0 01440"), Fault::kMalformed);
}

TEST(Encoders, OnlyTheCanonicalWireTextIsAccepted) {
  // Dates: a day count without sign noise or leading zeros.
  for (const char* bad : {"019552", "+19552", "-0", "00", " 19552", "19552 ", "1e4", "2026-10-09",
                          "10/09/2026", ""}) {
    EXPECT_EQ(Encode("date", PgType::kDate, bad).fault, Fault::kMalformed) << bad;
    EXPECT_EQ(Encode("date", PgType::kText, bad).fault, Fault::kMalformed) << bad;
  }
  EXPECT_EQ(Encode("date", PgType::kDate, "0").fault, Fault::kNone);
  // Times and timestamps: exactly `scale` fraction digits, no '.' at scale 0.
  EXPECT_EQ(Encode("time", PgType::kTime, "34215.250", 3).fault, Fault::kNone);
  for (const char* bad :
       {"34215.25", "34215.2500", "34215", "34215.", "09:30:15.250", "034215.250", "-0.000"}) {
    EXPECT_EQ(Encode("time", PgType::kTime, bad, 3).fault, Fault::kMalformed) << bad;
  }
  EXPECT_EQ(Encode("time", PgType::kTime, "093015").fault, Fault::kMalformed);  // HH24MISS
  EXPECT_EQ(Encode("time", PgType::kTime, "34215.0").fault, Fault::kMalformed);
  EXPECT_EQ(Encode("timestamp_ntz", PgType::kTimestamp, "-0.750", 3).fault, Fault::kNone);
  for (const char* bad : {"1689327015.25", "1689327015", "2023-07-14 09:30:15.250",
                          "01689327015.250", "-0.000", "1689327015.250Z"}) {
    EXPECT_EQ(Encode("timestamp_ntz", PgType::kTimestamp, bad, 3).fault, Fault::kMalformed) << bad;
    EXPECT_EQ(Encode("timestamp_ltz", PgType::kText, bad, 3).fault, Fault::kMalformed) << bad;
  }
  EXPECT_EQ(Encode("timestamp_tz", PgType::kTimestamptz, "1689307215.25 1770", 9).fault,
            Fault::kMalformed);
  EXPECT_EQ(Encode("timestamp_tz", PgType::kTimestamptz, "2023-07-14 09:30:15.250 +05:30", 3).fault,
            Fault::kMalformed);
}

TEST(Encoders, NamesTheCanonicalEncodingWhenRefusingADate) {
  SourceColumn source = SrcCol("date");
  TargetColumn target = Tgt(PgType::kDate);
  ColumnPlan plan = MakePlan(source, target);
  EXPECT_EQ(FaultReason(Fault::kSnowflakeRange, "20261009", plan),
            "value 20261009 is outside the range of Snowflake date values: the SQL API's encoding "
            "is days since 1970-01-01, -9999-01-01 to 9999-12-31 (is a *_OUTPUT_FORMAT parameter "
            "changing the wire text?)");
  SourceColumn time = SrcCol("time", 3);
  TargetColumn time_target = Tgt(PgType::kTime);
  ColumnPlan time_plan = MakePlan(time, time_target);
  EXPECT_EQ(FaultReason(Fault::kMalformed, "09:30:15.250", time_plan),
            "value 09:30:15.250 is not a valid Snowflake time value: the SQL API's encoding is "
            "seconds since midnight with 3 fraction digits, under 86400 (is a *_OUTPUT_FORMAT "
            "parameter changing the wire text?)");
}

TEST(Encoders, UuidsAcceptPostgresFormsOnly) {
  std::string bytes("\xa0\xee\xbc\x99\x9c\x0b\x4e\xf8\xbb\x6d\x6b\xb9\xbd\x38\x0a\x11", 16);
  for (const char* good :
       {"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
        "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}", "a0eebc999c0b4ef8bb6d6bb9bd380a11",
        "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11"}) {
    EXPECT_EQ(Encode("text", PgType::kUuid, good).bytes, bytes) << good;
  }
  for (const char* bad :
       {"not-a-uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1",
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a111", "-a0eebc999c0b4ef8bb6d6bb9bd380a11",
        "a0eebc99--9c0b-4ef8-bb6d-6bb9bd380a11", "g0eebc999c0b4ef8bb6d6bb9bd380a11"}) {
    EXPECT_EQ(Encode("text", PgType::kUuid, bad).fault, Fault::kBadUuid) << bad;
  }
}

TEST(Encoders, BinaryIsHexInEitherCase) {
  EXPECT_EQ(Encode("binary", PgType::kBytea, "CAFE01").bytes, std::string("\xca\xfe\x01", 3));
  EXPECT_EQ(Encode("binary", PgType::kBytea, "abcdef").bytes, std::string("\xab\xcd\xef", 3));
  EXPECT_EQ(Encode("binary", PgType::kBytea, "").bytes, "");
  EXPECT_EQ(Encode("binary", PgType::kBytea, "ABC").fault, Fault::kMalformed);
  EXPECT_EQ(Encode("binary", PgType::kBytea, "ZZ").fault, Fault::kMalformed);
  std::string big(2000, 'F');
  EXPECT_EQ(Encode("binary", PgType::kBytea, big).bytes, std::string(1000, '\xff'));
}

TEST(Encoders, JsonbHasAVersionByteAndFixedUpText) {
  EXPECT_EQ(Encode("array", PgType::kJsonb, "[\n  1,\n  undefined\n]").bytes,
            "\1[\n  1,\n  null\n]");
  EXPECT_EQ(Encode("variant", PgType::kJson, "[undefined]").bytes, "[null]");
  EXPECT_EQ(Encode("variant", PgType::kJsonb, R"({"a": "x\u0000y"})").fault, Fault::kJsonNul);
  EXPECT_EQ(Encode("variant", PgType::kText, R"({"a": "x\u0000y"})").fault, Fault::kNone);
}

TEST(Encoders, TextTargetsCheckTheirLength) {
  TargetColumn v3 = Tgt(PgType::kText);
  v3.max_length = 3;
  EXPECT_EQ(Encode(SrcCol("fixed"), v3, "123").bytes, "123");
  EXPECT_EQ(Encode(SrcCol("fixed"), v3, "1234").fault, Fault::kTooLong);
  EXPECT_EQ(Encode(SrcCol("text"), v3, "éèê").bytes, "éèê");
  EXPECT_EQ(Encode(SrcCol("text"), v3, "éèêë").fault, Fault::kTooLong);
  EXPECT_EQ(Encode(SrcCol("text"), v3, std::string("a\0b", 3)).fault, Fault::kNulByte);
}

TEST(Encoders, FloatVectorsBecomeRealArraysOfTheirFloat32Values) {
  SourceColumn v3 = VectorCol("real", 3);
  EXPECT_EQ(Encode(v3, Tgt(PgType::kFloat4Array), "[0.100000,-2.500000,16777216.000000]").bytes,
            ArrayBytes(700, {Float4Bytes(0.1f), Float4Bytes(-2.5f), Float4Bytes(16777216.0f)}));
  // Snowflake prints float32 values with 6 decimals; the nearest float32 is the value it holds.
  for (float f : {0.1f, -123.456f, 1e20f, 3.4028235e38f, 16777217.0f}) {
    char text[128];
    std::snprintf(text, sizeof text, "[%f,0.000000,0.000000]", static_cast<double>(f));
    EXPECT_EQ(Encode(v3, Tgt(PgType::kFloat4Array), text).bytes.substr(24, 4), Float4Bytes(f))
        << text;
  }
  // double precision[] keeps the float32 value exactly.
  double widened = 0.1f;
  uint64_t bits;
  std::memcpy(&bits, &widened, 8);
  std::string element =
      BigEndian32(static_cast<uint32_t>(bits >> 32)) + BigEndian32(static_cast<uint32_t>(bits));
  EXPECT_EQ(Encode(VectorCol("real", 1), Tgt(PgType::kFloat8Array), "[0.100000]").bytes,
            ArrayBytes(701, {element}));
}

TEST(Encoders, IntVectorsBecomeIntegerArrays) {
  EXPECT_EQ(
      Encode(VectorCol("fixed", 3), Tgt(PgType::kInt4Array), "[1,-2147483648,2147483647]").bytes,
      ArrayBytes(23, {BigEndian32(1), BigEndian32(0x80000000u), BigEndian32(0x7fffffffu)}));
  SourceColumn big = VectorCol("fixed", 4096);
  std::string wire = "[";
  for (int i = 0; i < 4096; ++i) wire += (i ? "," : "") + std::to_string(i - 2048);
  Encoded e = Encode(big, Tgt(PgType::kInt4Array), wire + "]");
  ASSERT_EQ(e.fault, Fault::kNone);
  EXPECT_EQ(e.bytes.size(), 20u + 4096 * 8);
  EXPECT_EQ(e.bytes.substr(e.bytes.size() - 4), BigEndian32(2047));
}

TEST(Encoders, VectorsOfTheWrongDimensionOrWithBadElementsAreRefused) {
  SourceColumn f2 = VectorCol("real", 2), i2 = VectorCol("fixed", 2);
  TargetColumn real = Tgt(PgType::kFloat4Array), integer = Tgt(PgType::kInt4Array);
  EXPECT_EQ(Encode(f2, real, "[1.000000]").fault, Fault::kVectorDimension);
  EXPECT_EQ(Encode(f2, real, "[1.000000,2.000000,3.000000]").fault, Fault::kVectorDimension);
  EXPECT_EQ(Encode(f2, real, "[]").fault, Fault::kVectorDimension);
  EXPECT_EQ(Encode(i2, integer, "[1,2,3]").fault, Fault::kVectorDimension);
  for (const char* bad : {"1.0,2.0", "[1.0,]", "[,1.0]", "[1.0,null]", "[1.0,x]", "[1.0,nan]",
                          "[1.0,inf]", "[[1.0],2.0]", "{1.0,2.0}"}) {
    EXPECT_EQ(Encode(f2, real, bad).fault, Fault::kMalformed) << bad;
  }
  EXPECT_EQ(Encode(f2, real, "[1e39,1]").fault, Fault::kOutOfRange);
  EXPECT_EQ(Encode(i2, integer, "[2147483648,1]").fault, Fault::kOutOfRange);
  EXPECT_EQ(Encode(i2, integer, "[1.5,1]").fault, Fault::kMalformed);
  EXPECT_EQ(Encode(i2, integer, "[1,null]").fault, Fault::kMalformed);
  EXPECT_EQ(Encode(f2, real, "[1.000000, 2.000000]").fault, Fault::kNone);  // spaces are fine
  ColumnPlan plan = MakePlan(f2, real);
  EXPECT_EQ(FaultReason(Fault::kVectorDimension, "[1.000000]", plan),
            "value [1.000000] does not have 2 elements, as VECTOR(FLOAT, 2) has");
}

TEST(Encoders, VectorsIntoJsonbAreCopiedAsSent) {
  EXPECT_EQ(Encode(VectorCol("real", 2), Tgt(PgType::kJsonb), "[1.000000,2.500000]").bytes,
            "\1[1.000000,2.500000]");
}

TEST(FaultReason, NamesShortNonTextValuesAndTheTargetType) {
  SourceColumn fixed = SrcCol("fixed", 2);
  TargetColumn n62 = Tgt(PgType::kNumeric);
  n62.precision = 6;
  n62.scale = 2;
  n62.sql_type = "numeric(6,2)";
  ColumnPlan plan = MakePlan(fixed, n62);
  EXPECT_EQ(FaultReason(Fault::kNumericOverflow, "12345678.91", plan),
            "value 12345678.91 does not fit numeric(6,2)");
  SourceColumn text = SrcCol("text");
  TargetColumn uuid = Tgt(PgType::kUuid);
  EXPECT_EQ(FaultReason(Fault::kBadUuid, "secret text", MakePlan(text, uuid)),
            "value is not a UUID");
}

}  // namespace
}  // namespace sf2pg::snowflake
