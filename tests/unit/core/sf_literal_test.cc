#include "core/sf_literal.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace sf2pg {
namespace {

SourceColumn Column(std::string type) {
  SourceColumn c;
  c.name = "C";
  c.type = std::move(type);
  return c;
}

std::string Literal(const char* wire, const char* type) {
  return SnowflakeLiteral(std::optional<std::string>(wire), Column(type));
}

TEST(SnowflakeLiteral, WritesEachTypeAsSnowflakeParsesIt) {
  EXPECT_EQ(Literal("42", "fixed"), "42");
  EXPECT_EQ(Literal("-12.50", "fixed"), "-12.50");
  EXPECT_EQ(Literal("O'Brien C:\\path", "text"), "'O''Brien C:\\\\path'");
  EXPECT_EQ(Literal("19552", "date"), "'2023-07-14'::DATE");
  EXPECT_EQ(Literal("-1", "date"), "'1969-12-31'::DATE");
  EXPECT_EQ(Literal("34215.25", "time"), "'09:30:15.250000000'::TIME");
  EXPECT_EQ(Literal("1689327015.250", "timestamp_ntz"),
            "'2023-07-14 09:30:15.250000000'::TIMESTAMP_NTZ");
  EXPECT_EQ(Literal("-0.750000000", "timestamp_ntz"),
            "'1969-12-31 23:59:59.250000000'::TIMESTAMP_NTZ");
  EXPECT_EQ(Literal("1689327015.250000000", "timestamp_ltz"),
            "'2023-07-14 09:30:15.250000000 +00:00'::TIMESTAMP_LTZ");
  EXPECT_EQ(Literal("1689307215.250000000 1770", "timestamp_tz"),
            "'2023-07-14 09:30:15.250000000 +05:30'::TIMESTAMP_TZ");
  EXPECT_EQ(Literal("1689355815 960", "timestamp_tz"),
            "'2023-07-14 09:30:15.000000000 -08:00'::TIMESTAMP_TZ");
  EXPECT_EQ(Literal("true", "boolean"), "TRUE");
  EXPECT_EQ(Literal("0", "boolean"), "FALSE");
  EXPECT_EQ(Literal("1.5", "real"), "1.5");
  EXPECT_EQ(Literal("1e+308", "real"), "1e+308");
  EXPECT_EQ(Literal("NaN", "real"), "'NaN'::FLOAT");
  EXPECT_EQ(Literal("inf", "real"), "'inf'::FLOAT");
  EXPECT_EQ(Literal("-inf", "real"), "'-inf'::FLOAT");
  EXPECT_EQ(Literal("CAFE01", "binary"), "TO_BINARY('CAFE01', 'HEX')");
  EXPECT_EQ(Literal("1.23e-40", "decfloat"), "'1.23e-40'::DECFLOAT");
  EXPECT_EQ(SnowflakeLiteral(std::nullopt, Column("text")), "NULL");
}

TEST(SnowflakeLiteral, RefusesWireTextThatCouldInjectSql) {
  EXPECT_THROW(Literal("1; DROP TABLE x", "fixed"), DataError);
  EXPECT_THROW(Literal("1 OR 1=1", "real"), DataError);
  EXPECT_THROW(Literal("CAFE') --", "binary"), DataError);
  EXPECT_THROW(Literal("maybe", "boolean"), DataError);
  EXPECT_THROW(Literal("yesterday", "date"), DataError);
  EXPECT_THROW(Literal("1689307215.25", "timestamp_tz"), DataError);
  EXPECT_THROW(Literal("{}", "variant"), DataError);
}

}  // namespace
}  // namespace sf2pg
