#include "snowflake/type_mapping.h"

#include <gtest/gtest.h>

#include "core/copy_buffer.h"
#include "core/error.h"
#include "core/pg_type.h"
#include "snowflake/encoders.h"

namespace sf2pg::snowflake {
namespace {

SourceColumn Src(std::string type, int precision = 0, int scale = 0, int64_t length = 0,
                 std::string ext = {}) {
  SourceColumn c;
  c.name = "COL";
  c.type = std::move(type);
  c.precision = precision;
  c.scale = scale;
  c.length = length;
  c.ext_type = std::move(ext);
  return c;
}

SourceColumn Vector(std::string element, int dimension) {
  SourceColumn c = Src("vector");
  c.vector_element = std::move(element);
  c.vector_dimension = dimension;
  return c;
}

struct MappingCase {
  SourceColumn source;
  std::string pg_sql;
  std::string sample_wire;  ///< a value of the Snowflake type, as the SQL API sends it
};

std::vector<MappingCase> Cases() {
  return {
      {Src("fixed", 4, 0), "smallint", "-9999"},
      {Src("fixed", 9, 0), "integer", "123456789"},
      {Src("fixed", 18, 0), "bigint", "123456789012345678"},
      {Src("fixed", 38, 0), "numeric(38,0)", "98765432109876543210987654321"},
      {Src("fixed", 10, 2), "numeric(10,2)", "12345678.91"},
      {Src("fixed", 38, 37), "numeric(38,37)", "0.1234567890123456789012345678901234567"},
      {Src("decfloat"), "numeric", "1.23e-40"},
      {Src("real"), "double precision", "-inf"},
      {Src("text", 0, 0, 16777216), "text", "Ada"},
      {Src("text", 0, 0, 40), "character varying(40)", "Ada"},
      {Src("text", 0, 0, 10485760), "character varying(10485760)", "Ada"},
      {Src("binary", 0, 0, 8388608), "bytea", "CAFE01"},
      {Src("boolean"), "boolean", "true"},
      {Src("date"), "date", "19552"},
      {Src("time", 0, 9), "time without time zone", "34215.123456789"},
      {Src("timestamp_ntz", 0, 9), "timestamp without time zone", "1689327015.250000000"},
      {Src("timestamp_ltz", 0, 9), "timestamp with time zone", "1689327015.250000000"},
      {Src("timestamp_tz", 0, 9), "timestamp with time zone", "1689307215.250000000 1770"},
      {Src("variant"), "jsonb", "{\n  \"k\": 1\n}"},
      {Src("object"), "jsonb", "{\n  \"a\": 1\n}"},
      {Src("array"), "jsonb", "[\n  1,\n  undefined\n]"},
      {Src("map"), "jsonb", "{\n  \"a\": 1\n}"},
      {Src("object", 0, 0, 0, "GEOGRAPHY"), "jsonb", "{\n  \"type\": \"Point\"\n}"},
      {Src("object", 0, 0, 0, "GEOMETRY"), "jsonb", "{\n  \"type\": \"Point\"\n}"},
      {Src("vector"), "jsonb", "[1.000000,2.500000]"},  // no vectorDimension: an older service
      {Vector("real", 2), "real[]", "[1.000000,2.500000]"},
      {Vector("fixed", 3), "integer[]", "[1,-2,3]"},
  };
}

TEST(MapColumn, ChoosesTheDocumentedPostgresType) {
  for (const MappingCase& c : Cases()) {
    TargetColumn target = MapColumn(c.source);
    EXPECT_EQ(target.sql_type, c.pg_sql) << SnowflakeTypeSql(c.source);
    EXPECT_EQ(PgTypeSql(target), c.pg_sql) << SnowflakeTypeSql(c.source);
    EXPECT_EQ(target.name, "COL");
  }
}

TEST(MapColumn, EveryMappedTypeDecodes) {
  for (const MappingCase& c : Cases()) {
    TargetColumn target = MapColumn(c.source);
    EXPECT_FALSE(Incompatibility(c.source, target)) << c.pg_sql;
    ColumnPlan plan = MakePlan(c.source, target);
    ASSERT_NE(plan.encode, nullptr) << SnowflakeTypeSql(c.source);
    CopyBuffer out;
    EXPECT_EQ(plan.encode(c.sample_wire, plan, out), Fault::kNone)
        << SnowflakeTypeSql(c.source) << " -> " << c.pg_sql;
    EXPECT_GT(out.size(), 4u);
  }
}

TEST(MapColumn, SpatialTypesNeedPostgis) {
  SourceColumn geography = Src("object", 0, 0, 0, "GEOGRAPHY");
  SourceColumn geometry = Src("object", 0, 0, 0, "GEOMETRY");
  EXPECT_TRUE(IsSpatial(geography));
  EXPECT_TRUE(IsSpatial(geometry));
  EXPECT_FALSE(IsSpatial(Src("object")));
  EXPECT_EQ(MapColumn(geography, {.postgis = false}).sql_type, "jsonb");
  EXPECT_EQ(MapColumn(geometry, {.postgis = false}).sql_type, "jsonb");
  TargetColumn geog = MapColumn(geography, {.postgis = true});
  EXPECT_EQ(geog.sql_type, "geography");
  EXPECT_EQ(geog.srid, 4326);
  TargetColumn geom = MapColumn(geometry, {.postgis = true});
  EXPECT_EQ(geom.sql_type, "geometry");
  EXPECT_EQ(geom.srid, 0);
  EXPECT_EQ(MapColumn(Src("object"), {.postgis = true}).sql_type, "jsonb");
  std::string point = "{\n  \"coordinates\": [\n    1,\n    2\n  ],\n  \"type\": \"Point\"\n}";
  for (const TargetColumn& target : {geog, geom}) {
    const SourceColumn& source = target.type == PgType::kGeography ? geography : geometry;
    ColumnPlan plan = MakePlan(source, target);
    ASSERT_NE(plan.encode, nullptr);
    CopyBuffer out;
    EXPECT_EQ(plan.encode(point, plan, out), Fault::kNone);
    // An EWKB point: with the SRID for geography (4326), without for geometry (0).
    EXPECT_EQ(out.size(), 4u + (target.srid != 0 ? 25u : 21u));
    out.Clear();
    EXPECT_EQ(plan.encode("{\"type\": \"Point\"}", plan, out), Fault::kMalformed);
  }
}

TEST(Incompatibility, SpatialColumnsIntoPostgisTypesOrJson) {
  auto target = [](const char* format_type) {
    return *TargetColumnFromFormatType("v", format_type, false);
  };
  SourceColumn geography = Src("object", 0, 0, 0, "GEOGRAPHY");
  SourceColumn geometry = Src("object", 0, 0, 0, "GEOMETRY");
  for (const char* ok : {"geography", "geography(Point,4326)", "jsonb", "json", "text"}) {
    EXPECT_FALSE(Incompatibility(geography, target(ok))) << ok;
  }
  for (const char* ok : {"geometry", "geometry(Polygon,3857)", "jsonb", "json", "text"}) {
    EXPECT_FALSE(Incompatibility(geometry, target(ok))) << ok;
  }
  EXPECT_TRUE(Incompatibility(geography, target("geometry")));
  EXPECT_TRUE(Incompatibility(geometry, target("geography")));
  EXPECT_TRUE(Incompatibility(Src("object"), target("geometry")));
  EXPECT_EQ(*Incompatibility(geometry, target("geography")),
            "Snowflake column COL (GEOMETRY) cannot be loaded into PostgreSQL column v "
            "(geography)");
}

TEST(Ewkb, LandsWithTheValuesOwnSridOrIsRefused) {
  SourceColumn ewkb = Src("binary");
  ewkb.ext_type = std::string(kEwkbMarker);
  auto target = [](const char* format_type) {
    return *TargetColumnFromFormatType("v", format_type, false);
  };
  // Only a marked binary column (ST_ASEWKB) goes to geometry / geography.
  EXPECT_TRUE(Incompatibility(Src("binary"), target("geometry")));
  EXPECT_FALSE(Incompatibility(ewkb, target("geometry")));
  EXPECT_FALSE(Incompatibility(ewkb, target("geography")));
  // POINT(1 2) with SRID 3857, as ST_ASEWKB's hex.
  std::string wire = "0101000020110F0000000000000000F03F0000000000000040";
  for (const char* ok : {"geometry", "geometry(Point,3857)"}) {
    TargetColumn t = target(ok);
    ColumnPlan plan = MakePlan(ewkb, t);
    CopyBuffer out;
    ASSERT_EQ(plan.encode(wire, plan, out), Fault::kNone) << ok;
    EXPECT_EQ(out.size(), 4u + 25u) << ok;  // the bytes unchanged
  }
  TargetColumn declared = target("geometry(Point,4326)");
  ColumnPlan plan = MakePlan(ewkb, declared);
  CopyBuffer out;
  EXPECT_EQ(plan.encode(wire, plan, out), Fault::kSridMismatch);
  EXPECT_EQ(FaultReason(Fault::kSridMismatch, wire, plan),
            "value has SRID 3857 but geometry(Point,4326) declares SRID 4326; sf2pg does not "
            "change a value's SRID (declare the column without an SRID, or with the values' "
            "SRID)");
  out.Clear();
  EXPECT_EQ(plan.encode("0101", plan, out), Fault::kMalformed);
  EXPECT_EQ(FaultReason(Fault::kMalformed, "0101", plan),
            "value is not the hex of one EWKB geometry, as ST_ASEWKB returns it");
}

TEST(MapColumn, KeepsNotNull) {
  SourceColumn c = Src("fixed", 38, 0);
  c.nullable = false;
  EXPECT_TRUE(MapColumn(c).not_null);
}

TEST(MapColumn, RefusesUnknownTypes) {
  EXPECT_THROW(MapColumn(Src("interval_day_time")), ConfigError);
}

TEST(MapColumn, VectorsNeedTheirDimensionAndElementType) {
  EXPECT_EQ(SnowflakeTypeSql(Vector("real", 256)), "VECTOR(FLOAT, 256)");
  EXPECT_EQ(SnowflakeTypeSql(Vector("fixed", 16)), "VECTOR(INT, 16)");
  EXPECT_EQ(MapColumn(Vector("real", 0)).sql_type, "jsonb");  // no dimension
  EXPECT_EQ(MapColumn(Vector("text", 2)).sql_type, "jsonb");  // an element type sf2pg lacks
  EXPECT_EQ(MapColumn(Vector("", 2)).sql_type, "jsonb");      // no fields
  EXPECT_EQ(SnowflakeTypeSql(Vector("", 2)), "VECTOR");
}

TEST(Incompatibility, VectorsIntoArraysOfTheirElementTypeOrJson) {
  auto target = [](const char* format_type) {
    return *TargetColumnFromFormatType("v", format_type, false);
  };
  for (const char* ok : {"real[]", "double precision[]", "jsonb", "json", "text"}) {
    EXPECT_FALSE(Incompatibility(Vector("real", 2), target(ok))) << ok;
  }
  for (const char* ok : {"integer[]", "jsonb", "json", "text"}) {
    EXPECT_FALSE(Incompatibility(Vector("fixed", 2), target(ok))) << ok;
  }
  EXPECT_TRUE(Incompatibility(Vector("real", 2), target("integer[]")));
  EXPECT_TRUE(Incompatibility(Vector("fixed", 2), target("real[]")));
  EXPECT_TRUE(Incompatibility(Vector("real", 2), target("real")));
  EXPECT_TRUE(Incompatibility(Src("vector"), target("real[]")));  // dimension unknown
  EXPECT_EQ(*Incompatibility(Vector("fixed", 2), target("real[]")),
            "Snowflake column COL (VECTOR(INT, 2)) cannot be loaded into PostgreSQL column v "
            "(real[])");
}

TEST(Incompatibility, OffsetColumnsNeedATimestampTzAndAnInteger) {
  TargetColumn offset;
  offset.name = "at_offset_minutes";
  offset.tz_offset = true;
  for (PgType type : {PgType::kInt2, PgType::kInt4, PgType::kInt8}) {
    offset.type = type;
    EXPECT_FALSE(Incompatibility(Src("timestamp_tz", 0, 9), offset));
  }
  offset.type = PgType::kText;
  offset.sql_type = "text";
  auto why = Incompatibility(Src("timestamp_tz", 0, 9), offset);
  ASSERT_TRUE(why);
  EXPECT_EQ(*why,
            "the UTC offset of Snowflake column COL (TIMESTAMP_TZ(9)) cannot be loaded into "
            "PostgreSQL column at_offset_minutes (text): it needs a TIMESTAMP_TZ source and a "
            "smallint, integer or bigint target");
  offset.type = PgType::kInt2;
  EXPECT_TRUE(Incompatibility(Src("timestamp_ltz", 0, 9), offset));
}

TEST(Incompatibility, NamesBothSidesOfAnUnsupportedPair) {
  TargetColumn date;
  date.name = "born";
  date.type = PgType::kDate;
  date.sql_type = "date";
  auto why = Incompatibility(Src("timestamp_tz", 0, 9), date);
  ASSERT_TRUE(why);
  EXPECT_EQ(*why,
            "Snowflake column COL (TIMESTAMP_TZ(9)) cannot be loaded into PostgreSQL column "
            "born (date)");
  TargetColumn text;
  text.type = PgType::kText;
  EXPECT_FALSE(Incompatibility(Src("timestamp_tz", 0, 9), text));  // text keeps the offset
  TargetColumn ts;
  ts.type = PgType::kTimestamp;
  EXPECT_TRUE(Incompatibility(Src("timestamp_tz", 0, 9), ts));  // which wall clock? refused
  EXPECT_TRUE(Incompatibility(Src("text"), date));
}

}  // namespace
}  // namespace sf2pg::snowflake
