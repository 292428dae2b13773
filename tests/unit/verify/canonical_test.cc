// The canonical text's expressions per (Snowflake type, target type), and which columns are
// compared row by row. tests/integration/verify/canonical_test.cc runs them in both engines.
#include "verify/canonical.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sf2pg::verify {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

SourceColumn Source(const std::string& type, int precision = 0, int scale = 0) {
  SourceColumn s;
  s.name = "V";
  s.type = type;
  s.precision = precision;
  s.scale = scale;
  return s;
}

TargetColumn Target(PgType type, const std::string& sql_type = "") {
  TargetColumn t;
  t.name = "v";
  t.type = type;
  t.sql_type = sql_type;
  return t;
}

TEST(Canonical, NumbersAreTextAtTheSourceScaleInEveryTargetType) {
  for (PgType to : {PgType::kInt4, PgType::kNumeric, PgType::kFloat8, PgType::kText}) {
    auto c = Canonical(Source("fixed", 10, 2), Target(to));
    EXPECT_THAT(c.row_by_row, IsEmpty());
    EXPECT_EQ(c.snowflake, "TO_VARCHAR(\"V\")");
    EXPECT_EQ(c.postgres, "round(\"v\"::numeric, 2)::text");
  }
  EXPECT_EQ(Canonical(Source("fixed", 38, 0), Target(PgType::kNumeric)).postgres,
            "round(\"v\"::numeric, 0)::text");
}

TEST(Canonical, TimestampsAreMicrosecondsRoundedTiesToEven) {
  for (const char* type : {"timestamp_ntz", "timestamp_ltz", "timestamp_tz"}) {
    auto c = Canonical(Source(type, 0, 9), Target(PgType::kTimestamptz));
    EXPECT_EQ(c.postgres, "(extract(epoch from \"v\") * 1000000)::numeric(38,0)::text") << type;
  }
  // The wall clock of a TIMESTAMP_NTZ as UTC; the instant of the others, at offset +00:00.
  EXPECT_EQ(Canonical(Source("timestamp_ntz", 0, 9), Target(PgType::kTimestamptz)).snowflake,
            "TO_VARCHAR(ROUND((DATE_PART(EPOCH_NANOSECOND, \"V\")) / 1000, 0, 'HALF_TO_EVEN'))");
  for (const char* type : {"timestamp_ltz", "timestamp_tz"}) {
    EXPECT_EQ(
        Canonical(Source(type, 0, 9), Target(PgType::kTimestamptz)).snowflake,
        "TO_VARCHAR(ROUND((DATE_PART(EPOCH_NANOSECOND, CONVERT_TIMEZONE('UTC', \"V\"))) / 1000, 0, "
        "'HALF_TO_EVEN'))")
        << type;
  }
  auto ntz = Canonical(Source("timestamp_ntz", 0, 9), Target(PgType::kTimestamp));
  EXPECT_THAT(ntz.postgres, HasSubstr("extract(epoch from \"v\")"));
}

TEST(Canonical, TimesDatesAndTheirTextTargets) {
  auto time = Canonical(Source("time", 0, 9), Target(PgType::kTime));
  EXPECT_THAT(time.snowflake, HasSubstr("DATE_PART(NANOSECOND, \"V\")"));
  EXPECT_THAT(time.snowflake, HasSubstr("'HALF_TO_EVEN'"));
  // Text with up to 6 fraction digits is read exactly; digits 7-9 are rounded here, ties to
  // even, since PostgreSQL's input rounds them through a double.
  EXPECT_EQ(Canonical(Source("time", 0, 3), Target(PgType::kText)).postgres,
            "(extract(epoch from \"v\"::time) * 1000000)::numeric(38,0)::text");
  auto text9 = Canonical(Source("time", 0, 9), Target(PgType::kText)).postgres;
  EXPECT_THAT(text9, HasSubstr("regexp_replace(\"v\", '(:\\d\\d\\.\\d{6})\\d+', '\\1')::time"));
  EXPECT_THAT(text9, HasSubstr("= 500 AND mod("));
  auto date = Canonical(Source("date"), Target(PgType::kDate));
  EXPECT_EQ(date.snowflake, "TO_VARCHAR(DATE_PART(EPOCH_SECOND, \"V\"))");
  EXPECT_EQ(date.postgres, "extract(epoch from \"v\"::date)::numeric(38,0)::text");
  // A date in a timestamp column is midnight UTC: microseconds, like the timestamps.
  auto midnight = Canonical(Source("date"), Target(PgType::kTimestamptz));
  EXPECT_EQ(midnight.snowflake, "TO_VARCHAR(DATE_PART(EPOCH_SECOND, \"V\") * 1000000)");
  EXPECT_THAT(midnight.postgres, HasSubstr("* 1000000)"));
}

TEST(Canonical, TheOffsetOfATimestampTzWhereTheTargetKeepsIt) {
  TargetColumn offset = Target(PgType::kInt2);
  offset.name = "v_offset_minutes";
  offset.tz_offset = true;
  auto c = Canonical(Source("timestamp_tz", 0, 9), offset);
  EXPECT_EQ(c.snowflake, "TO_VARCHAR(\"V\", 'TZH:TZM')");
  EXPECT_THAT(c.postgres, HasSubstr("lpad((abs((\"v_offset_minutes\")) / 60)::text, 2, '0')"));
  auto text = Canonical(Source("timestamp_tz", 0, 9), Target(PgType::kText));
  EXPECT_THAT(text.snowflake, HasSubstr("|| ' ' || TO_VARCHAR(\"V\", 'TZH:TZM')"));
  EXPECT_THAT(text.postgres, HasSubstr("\"v\"::timestamp"));
  // Only a TIMESTAMP_TZ has an offset.
  EXPECT_THAT(Canonical(Source("timestamp_ntz", 0, 9), offset).row_by_row, Not(IsEmpty()));
}

TEST(Canonical, TextBinaryBooleanAndUuid) {
  auto text = Canonical(Source("text"), Target(PgType::kText));
  EXPECT_EQ(text.snowflake, "\"V\"");
  EXPECT_EQ(text.postgres, "\"v\"::text");
  auto padded = Canonical(Source("text"), Target(PgType::kText, "character(5)"));
  EXPECT_EQ(padded.snowflake, "RTRIM(\"V\", ' ')");
  auto uuid = Canonical(Source("text"), Target(PgType::kUuid));
  EXPECT_EQ(uuid.postgres, "replace(\"v\"::text, '-', '')");
  auto binary = Canonical(Source("binary"), Target(PgType::kBytea));
  EXPECT_EQ(binary.snowflake, "TO_VARCHAR(\"V\", 'HEX')");
  EXPECT_EQ(binary.postgres, "upper(encode(\"v\", 'hex'))");
  EXPECT_EQ(Canonical(Source("boolean"), Target(PgType::kBool)).postgres, "\"v\"::text");
}

TEST(Canonical, TypesWithoutACommonExactTextAreComparedRowByRowWithAReason) {
  SourceColumn geo = Source("object");
  geo.ext_type = "GEOGRAPHY";
  SourceColumn vector = Source("vector");
  vector.vector_dimension = 3;
  vector.vector_element = "fixed";
  for (const SourceColumn& s : {Source("real"), Source("decfloat"), Source("variant"),
                                Source("object"), Source("array"), Source("map"), geo, vector}) {
    auto c = Canonical(s, Target(PgType::kJsonb));
    EXPECT_THAT(c.row_by_row, Not(IsEmpty())) << s.type;
    EXPECT_THAT(c.snowflake, IsEmpty()) << s.type;
    EXPECT_EQ(c.row_by_row, RowByRowReason(s)) << s.type;
  }
  EXPECT_THAT(RowByRowReason(Source("real")), HasSubstr("FLOAT"));
  EXPECT_THAT(RowByRowReason(Source("variant")), HasSubstr("jsonb"));
  for (const char* exact : {"fixed", "text", "binary", "boolean", "date", "time", "timestamp_ntz",
                            "timestamp_ltz", "timestamp_tz"}) {
    EXPECT_THAT(RowByRowReason(Source(exact)), IsEmpty()) << exact;
  }
  // A pair sf2pg does not load has no canonical text either.
  EXPECT_THAT(Canonical(Source("date"), Target(PgType::kBool)).row_by_row,
              HasSubstr("no canonical text"));
}

TEST(Canonical, RowTextSkipsRowByRowColumnsAndMarksNulls) {
  std::vector<CanonicalColumn> columns = {
      Canonical(Source("text"), Target(PgType::kText)),
      Canonical(Source("real"), Target(PgType::kFloat8)),
  };
  EXPECT_EQ(SnowflakeRowText(columns), "COALESCE('V' || LENGTH(\"V\") || ':' || \"V\", 'N')");
  EXPECT_EQ(PostgresRowText(columns),
            "COALESCE('V' || LENGTH(\"v\"::text) || ':' || \"v\"::text, 'N')");
  EXPECT_EQ(SnowflakeRowHash(columns), "MD5_NUMBER_LOWER64(" + SnowflakeRowText(columns) + ")");
  EXPECT_THAT(PostgresRowHash(columns), HasSubstr("substr(md5("));
  EXPECT_EQ(SnowflakeRowText({columns[1]}), "''");
}

}  // namespace
}  // namespace sf2pg::verify
