#include "core/sf_wire.h"

#include <gtest/gtest.h>

#include <string>

namespace sf2pg::sfwire {
namespace {

std::string Timestamp(const Seconds& v, int offset, bool with_offset, Fraction f, Style s) {
  char out[kMaxFormatted];
  return std::string(out, FormatTimestamp(v, offset, with_offset, f, s, out));
}

TEST(ParseSeconds, KeepsFloorSecondsAndPositiveNanos) {
  Seconds v;
  ASSERT_TRUE(ParseSeconds("1689327015.250", &v));
  EXPECT_EQ(v.seconds, 1689327015);
  EXPECT_EQ(v.nanos, 250000000);
  ASSERT_TRUE(ParseSeconds("-0.750000000", &v));
  EXPECT_EQ(v.seconds, -1);
  EXPECT_EQ(v.nanos, 250000000);
  ASSERT_TRUE(ParseSeconds("-5", &v));
  EXPECT_EQ(v.seconds, -5);
  EXPECT_EQ(v.nanos, 0);
  ASSERT_TRUE(ParseSeconds("34215.123456789", &v));
  EXPECT_EQ(v.nanos, 123456789);
  for (const char* bad :
       {"", "-", "1.", "1.1234567890", "1e5", " 1", "1 ", "+1", "1.-1", "1234567890123456789"}) {
    EXPECT_FALSE(ParseSeconds(bad, &v)) << bad;
  }
}

TEST(ParseSecondsWithOffset, DecodesThe1440Bias) {
  Seconds v;
  int offset = 0;
  ASSERT_TRUE(ParseSecondsWithOffset("1689307215.250000000 1770", &v, &offset));
  EXPECT_EQ(offset, 330);
  EXPECT_EQ(v.seconds, 1689307215);
  ASSERT_TRUE(ParseSecondsWithOffset("1 960", &v, &offset));
  EXPECT_EQ(offset, -480);
  EXPECT_FALSE(ParseSecondsWithOffset("1689307215.25", &v, &offset));
  EXPECT_FALSE(ParseSecondsWithOffset("1 0", &v, &offset));
  EXPECT_FALSE(ParseSecondsWithOffset("1 2880", &v, &offset));
  EXPECT_FALSE(ParseSecondsWithOffset("1 +60", &v, &offset));
}

TEST(RoundToMicros, RoundsHalfToEvenExactly) {
  int64_t us = 0;
  ASSERT_TRUE(RoundToMicros({0, 123456500}, &us));
  EXPECT_EQ(us, 123456);
  ASSERT_TRUE(RoundToMicros({0, 123457500}, &us));
  EXPECT_EQ(us, 123458);
  ASSERT_TRUE(RoundToMicros({0, 123456499}, &us));
  EXPECT_EQ(us, 123456);
  ASSERT_TRUE(RoundToMicros({-1, 250000000}, &us));
  EXPECT_EQ(us, -750000);
  EXPECT_FALSE(RoundToMicros({INT64_MAX / 1000, 0}, &us));
}

TEST(CivilDays, RoundTripAcrossEras) {
  for (int64_t days : {-719162LL, -719163LL, -1LL, 0LL, 10957LL, 19552LL, 2932896LL, -3000000LL}) {
    EXPECT_EQ(DaysFromCivil(CivilFromDays(days)), days) << days;
  }
  CivilDate d = CivilFromDays(19552);
  EXPECT_EQ(d.year, 2023);
  EXPECT_EQ(d.month, 7);
  EXPECT_EQ(d.day, 14);
  EXPECT_EQ(DaysFromCivil({2024, 2, 29}), 19782);
}

TEST(Format, WritesPostgresAndSnowflakeStyles) {
  char out[kMaxFormatted];
  EXPECT_EQ(std::string(out, FormatDate(-1, Style::kPostgres, out)), "1969-12-31");
  EXPECT_EQ(std::string(out, FormatDate(-719163, Style::kPostgres, out)), "0001-12-31 BC");
  EXPECT_EQ(std::string(out, FormatDate(-719163, Style::kSnowflake, out)), "0000-12-31");
  EXPECT_EQ(std::string(out, FormatTime(34215, 250000000, Fraction::kTrimmed, out)), "09:30:15.25");
  EXPECT_EQ(std::string(out, FormatTime(0, 0, Fraction::kNine, out)), "00:00:00.000000000");
  Seconds v{1689307215, 250000000};
  EXPECT_EQ(Timestamp(v, 330, true, Fraction::kTrimmed, Style::kPostgres),
            "2023-07-14 09:30:15.25+05:30");
  EXPECT_EQ(Timestamp(v, 330, true, Fraction::kNine, Style::kSnowflake),
            "2023-07-14 09:30:15.250000000 +05:30");
  EXPECT_EQ(Timestamp(v, -480, true, Fraction::kTrimmed, Style::kPostgres),
            "2023-07-13 20:00:15.25-08");
  EXPECT_EQ(Timestamp({-1, 250000000}, 0, false, Fraction::kTrimmed, Style::kPostgres),
            "1969-12-31 23:59:59.25");
  EXPECT_EQ(Timestamp({-62135596800LL - 86400, 0}, 0, true, Fraction::kTrimmed, Style::kPostgres),
            "0001-12-31 00:00:00+00 BC");
}

}  // namespace
}  // namespace sf2pg::sfwire
