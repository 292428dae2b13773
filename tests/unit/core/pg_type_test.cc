#include "core/pg_type.h"

#include <gtest/gtest.h>

namespace sf2pg {
namespace {

TEST(TargetColumnFromFormatType, ReadsTypesAndModifiers) {
  auto n = TargetColumnFromFormatType("amount", "numeric(10,2)", true);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->type, PgType::kNumeric);
  EXPECT_EQ(n->precision, 10);
  EXPECT_EQ(n->scale, 2);
  EXPECT_TRUE(n->not_null);
  EXPECT_EQ(n->sql_type, "numeric(10,2)");
  EXPECT_EQ(n->name, "amount");

  auto v = TargetColumnFromFormatType("name", "character varying(5)", false);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->type, PgType::kText);
  EXPECT_EQ(v->max_length, 5);

  auto ts = TargetColumnFromFormatType("t", "timestamp(3) with time zone", false);
  ASSERT_TRUE(ts);
  EXPECT_EQ(ts->type, PgType::kTimestamptz);
  EXPECT_EQ(ts->fraction_digits, 3);

  auto plain = TargetColumnFromFormatType("t", "timestamp without time zone", false);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->fraction_digits, 6);
  EXPECT_EQ(TargetColumnFromFormatType("c", "character", false)->max_length, 1);
  EXPECT_EQ(TargetColumnFromFormatType("n", "numeric", false)->precision, 0);
}

TEST(TargetColumnFromFormatType, KnowsEveryTypeItCanWrite) {
  const std::pair<const char*, PgType> cases[] = {
      {"boolean", PgType::kBool},        {"smallint", PgType::kInt2},
      {"integer", PgType::kInt4},        {"bigint", PgType::kInt8},
      {"real", PgType::kFloat4},         {"double precision", PgType::kFloat8},
      {"text", PgType::kText},           {"bytea", PgType::kBytea},
      {"date", PgType::kDate},           {"time without time zone", PgType::kTime},
      {"json", PgType::kJson},           {"jsonb", PgType::kJsonb},
      {"uuid", PgType::kUuid},           {"real[]", PgType::kFloat4Array},
      {"integer[]", PgType::kInt4Array}, {"double precision[]", PgType::kFloat8Array},
  };
  for (const auto& [text, type] : cases) {
    auto column = TargetColumnFromFormatType("c", text, false);
    ASSERT_TRUE(column) << text;
    EXPECT_EQ(column->type, type) << text;
    EXPECT_EQ(PgTypeSql(*column), text);
  }
}

TEST(TargetColumnFromFormatType, ReadsPostgisTypesAndTheirSrid) {
  struct Case {
    const char* text;
    PgType type;
    int srid;
  };
  for (const Case& c : {Case{"geometry", PgType::kGeometry, 0},
                        Case{"geometry(Point,3857)", PgType::kGeometry, 3857},
                        Case{"geometry(PolygonZ)", PgType::kGeometry, 0},
                        Case{"public.geometry(Point,4326)", PgType::kGeometry, 4326},
                        Case{"geography", PgType::kGeography, 4326},
                        Case{"geography(Point,4269)", PgType::kGeography, 4269}}) {
    auto column = TargetColumnFromFormatType("c", c.text, true);
    ASSERT_TRUE(column) << c.text;
    EXPECT_EQ(column->type, c.type) << c.text;
    EXPECT_EQ(column->srid, c.srid) << c.text;
    EXPECT_EQ(column->sql_type, c.text);
    EXPECT_TRUE(column->not_null);
  }
  EXPECT_FALSE(TargetColumnFromFormatType("c", "geometry(Point,x)", false));
  EXPECT_FALSE(TargetColumnFromFormatType("c", "geometryx", false));
  TargetColumn created;
  created.type = PgType::kGeography;
  EXPECT_EQ(PgTypeSql(created), "geography");
  created.type = PgType::kGeometry;
  EXPECT_EQ(PgTypeSql(created), "geometry");
}

TEST(TargetColumnFromFormatType, ReadsPgvectorAndItsDimension) {
  struct Case {
    const char* text;
    int dimension;
  };
  for (const Case& c : {Case{"vector", 0}, Case{"vector(3)", 3}, Case{"public.vector(1536)", 1536},
                        Case{"\"My Schema\".vector(2)", 2}}) {
    auto column = TargetColumnFromFormatType("c", c.text, false);
    ASSERT_TRUE(column) << c.text;
    EXPECT_EQ(column->type, PgType::kVector) << c.text;
    EXPECT_EQ(column->precision, c.dimension) << c.text;
    EXPECT_EQ(column->sql_type, c.text);
  }
  EXPECT_FALSE(TargetColumnFromFormatType("c", "vector(3,1)", false));
  EXPECT_FALSE(TargetColumnFromFormatType("c", "halfvec(3)", false));  // not written by sf2pg
  EXPECT_FALSE(TargetColumnFromFormatType("c", "myvector(3)", false));
  TargetColumn created;
  created.type = PgType::kVector;
  created.precision = 4;
  EXPECT_EQ(PgTypeSql(created), "vector(4)");
}

TEST(TargetColumnFromFormatType, RefusesTypesItCannotWrite) {
  for (const char* text : {"bigint[]", "text[]", "time with time zone", "interval", "point",
                           "money", "numeric(10", "character varying(x)"}) {
    EXPECT_FALSE(TargetColumnFromFormatType("c", text, false)) << text;
  }
}

TEST(PgTypeSql, SpellsModifiers) {
  TargetColumn c;
  c.type = PgType::kNumeric;
  c.precision = 38;
  EXPECT_EQ(PgTypeSql(c), "numeric(38,0)");
  c.type = PgType::kText;
  c.max_length = 40;
  EXPECT_EQ(PgTypeSql(c), "character varying(40)");
  c.type = PgType::kTimestamp;
  c.fraction_digits = 3;
  EXPECT_EQ(PgTypeSql(c), "timestamp(3) without time zone");
}

}  // namespace
}  // namespace sf2pg
