#include "snowflake/geo.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>

namespace sf2pg::snowflake {
namespace {

// Builds the expected EWKB (little-endian, as on every machine the tests run on).
class Ewkb {
 public:
  Ewkb& Header(uint32_t type, uint32_t srid = 0) {
    bytes_ += '\1';
    if (srid != 0) type |= 0x20000000;
    Put(type);
    if (srid != 0) Put(srid);
    return *this;
  }
  Ewkb& Count(uint32_t n) { return Put(n); }
  Ewkb& Xy(double x, double y) { return Put(x).Put(y); }
  Ewkb& Xyz(double x, double y, double z) { return Put(x).Put(y).Put(z); }
  const std::string& bytes() const { return bytes_; }

 private:
  template <typename T>
  Ewkb& Put(T v) {
    char b[sizeof v];
    std::memcpy(b, &v, sizeof v);
    bytes_.append(b, sizeof v);
    return *this;
  }
  std::string bytes_;
};

std::string Convert(std::string_view geojson, int32_t srid) {
  std::string out;
  EXPECT_TRUE(GeoJsonToEwkb(geojson, srid, &out)) << geojson;
  return out;
}

TEST(GeoJsonToEwkb, PointWithSrid) {
  EXPECT_EQ(Convert("{\n  \"coordinates\": [\n    1,\n    2\n  ],\n  \"type\": \"Point\"\n}", 4326),
            Ewkb().Header(1, 4326).Xy(1, 2).bytes());
}

TEST(GeoJsonToEwkb, NoSridFlagForSridZero) {
  EXPECT_EQ(Convert(R"({"coordinates":[1.5,-2],"type":"Point"})", 0),
            Ewkb().Header(1).Xy(1.5, -2).bytes());
}

TEST(GeoJsonToEwkb, ExponentFormAndHardDoublesAreExact) {
  // GEOMETRY's exponent form, and doubles whose shortest text needs 17 digits.
  EXPECT_EQ(Convert(R"({"coordinates":[3.000000000000000e+00,-1.234567890123457e-05],)"
                    R"("type":"Point"})",
                    0),
            Ewkb().Header(1).Xy(3.0, -1.234567890123457e-05).bytes());
  EXPECT_EQ(Convert(R"({"coordinates":[0.30000000000000004,-122.35],"type":"Point"})", 4326),
            Ewkb().Header(1, 4326).Xy(0.30000000000000004, -122.35).bytes());
  EXPECT_NE(0.30000000000000004, 0.3);  // the test would not notice rounding otherwise
}

TEST(GeoJsonToEwkb, ThreeDimensionalPoint) {
  EXPECT_EQ(Convert(R"({"coordinates":[1,2,3],"type":"Point"})", 0),
            Ewkb().Header(0x80000001).Xyz(1, 2, 3).bytes());
}

TEST(GeoJsonToEwkb, LineString) {
  EXPECT_EQ(Convert(R"({"coordinates":[[-124.2,42],[-120.01,41.99]],"type":"LineString"})", 4326),
            Ewkb().Header(2, 4326).Count(2).Xy(-124.2, 42).Xy(-120.01, 41.99).bytes());
}

TEST(GeoJsonToEwkb, PolygonWithAHole) {
  std::string json = R"({"coordinates":[[[0,0],[10,0],[10,10],[0,0]],[[1,1],[2,1],[2,2],[1,1]]],)"
                     R"("type":"Polygon"})";
  Ewkb expected;
  expected.Header(3, 3857).Count(2);
  expected.Count(4).Xy(0, 0).Xy(10, 0).Xy(10, 10).Xy(0, 0);
  expected.Count(4).Xy(1, 1).Xy(2, 1).Xy(2, 2).Xy(1, 1);
  EXPECT_EQ(Convert(json, 3857), expected.bytes());
}

TEST(GeoJsonToEwkb, MultiGeometriesRepeatTheHeaderWithoutSrid) {
  EXPECT_EQ(Convert(R"({"coordinates":[[1,2],[3,4]],"type":"MultiPoint"})", 4326),
            Ewkb().Header(4, 4326).Count(2).Header(1).Xy(1, 2).Header(1).Xy(3, 4).bytes());
  EXPECT_EQ(Convert(R"({"coordinates":[[[1,2],[3,4]]],"type":"MultiLineString"})", 0),
            Ewkb().Header(5).Count(1).Header(2).Count(2).Xy(1, 2).Xy(3, 4).bytes());
  EXPECT_EQ(Convert(R"({"coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]],"type":"MultiPolygon"})", 0),
            Ewkb()
                .Header(6)
                .Count(1)
                .Header(3)
                .Count(1)
                .Count(4)
                .Xy(0, 0)
                .Xy(1, 0)
                .Xy(1, 1)
                .Xy(0, 0)
                .bytes());
}

TEST(GeoJsonToEwkb, GeometryCollection) {
  std::string json =
      R"({"geometries":[{"coordinates":[1,2],"type":"Point"},)"
      R"({"coordinates":[[1,2],[3,4]],"type":"LineString"}],"type":"GeometryCollection"})";
  EXPECT_EQ(Convert(json, 4326), Ewkb()
                                     .Header(7, 4326)
                                     .Count(2)
                                     .Header(1)
                                     .Xy(1, 2)
                                     .Header(2)
                                     .Count(2)
                                     .Xy(1, 2)
                                     .Xy(3, 4)
                                     .bytes());
}

TEST(GeoJsonToEwkb, EmptyGeometries) {
  std::string point = Convert(R"({"coordinates":[],"type":"Point"})", 0);
  ASSERT_EQ(point.size(), 21u);  // an empty point is NaN, NaN
  double x = 0;
  std::memcpy(&x, point.data() + 5, sizeof x);
  EXPECT_TRUE(std::isnan(x));
  EXPECT_EQ(Convert(R"({"coordinates":[],"type":"LineString"})", 0),
            Ewkb().Header(2).Count(0).bytes());
  EXPECT_EQ(Convert(R"({"geometries":[],"type":"GeometryCollection"})", 4326),
            Ewkb().Header(7, 4326).Count(0).bytes());
}

TEST(GeoJsonToEwkb, RefusesWhatIsNotAGeometry) {
  std::string out;
  for (const char* bad : {
           "not json",
           R"({"coordinates":[1,2]})",                                // no type
           R"({"coordinates":[1,2],"type":"Circle"})",                // unknown type
           R"({"coordinates":[1],"type":"Point"})",                   // one number
           R"({"coordinates":[1,2,3,4],"type":"Point"})",             // four
           R"({"coordinates":["1",2],"type":"Point"})",               // a string
           R"({"coordinates":[[1,2],[1,2,3]],"type":"LineString"})",  // mixed dimensions
           R"({"coordinates":[1,2],"type":"LineString"})",            // too shallow
           R"({"type":"GeometryCollection"})",                        // no geometries
           R"({"geometries":[{"type":"Point"}],"type":"GeometryCollection"})",
       }) {
    out.clear();
    EXPECT_FALSE(GeoJsonToEwkb(bad, 0, &out)) << bad;
  }
}

TEST(EwkbSrid, ReadsTheSridOfWholeGeometries) {
  int32_t srid = -1;
  EXPECT_TRUE(EwkbSrid(Ewkb().Header(1, 3857).Xy(1, 2).bytes(), &srid));
  EXPECT_EQ(srid, 3857);
  EXPECT_TRUE(EwkbSrid(Ewkb().Header(1).Xy(1, 2).bytes(), &srid));
  EXPECT_EQ(srid, 0);
  // The service's own example (ST_ASEWKB of a GEOGRAPHY LINESTRING, SRID 4326).
  std::string line;
  ASSERT_TRUE(DecodeHex(
      "0102000020E610000002000000CDCCCCCCCC0C5FC00000000000004540713D0AD7A3005EC01F85EB51B8FE4440",
      &line));
  EXPECT_TRUE(EwkbSrid(line, &srid));
  EXPECT_EQ(srid, 4326);
  std::string polygon =
      Ewkb().Header(3, 2056).Count(1).Count(4).Xy(0, 0).Xy(1, 0).Xy(1, 1).Xy(0, 0).bytes();
  EXPECT_TRUE(EwkbSrid(polygon, &srid));
  EXPECT_EQ(srid, 2056);
  std::string multi = Ewkb().Header(4, 0).Count(2).Header(1).Xy(1, 2).Header(1).Xy(3, 4).bytes();
  EXPECT_TRUE(EwkbSrid(multi, &srid));
  std::string z = Ewkb().Header(1 | 0x80000000u).Xyz(1, 2, 3).bytes();
  EXPECT_TRUE(EwkbSrid(z, &srid));
  std::string iso_z = Ewkb().Header(1001).Xyz(1, 2, 3).bytes();
  EXPECT_TRUE(EwkbSrid(iso_z, &srid));
  // Big-endian input is read too.
  std::string big("\0\x20\0\0\x01\0\0\x0f\x11", 9);
  big.append(16, '\0');
  EXPECT_TRUE(EwkbSrid(big, &srid));
  EXPECT_EQ(srid, 3857);
}

TEST(EwkbSrid, RefusesWhatIsNotOneWholeGeometry) {
  int32_t srid = 0;
  std::string point = Ewkb().Header(1, 3857).Xy(1, 2).bytes();
  EXPECT_FALSE(EwkbSrid(point.substr(0, point.size() - 1), &srid));
  EXPECT_FALSE(EwkbSrid(point + "x", &srid));
  EXPECT_FALSE(EwkbSrid("", &srid));
  EXPECT_FALSE(EwkbSrid(Ewkb().Header(9).Xy(1, 2).bytes(), &srid));
  // A count larger than the bytes left.
  EXPECT_FALSE(EwkbSrid(Ewkb().Header(2).Count(1000000).Xy(1, 2).bytes(), &srid));
  std::string bytes;
  EXPECT_FALSE(DecodeHex("0G", &bytes));
  EXPECT_FALSE(DecodeHex("012", &bytes));
  EXPECT_TRUE(DecodeHex("0aFf", &bytes));
  EXPECT_EQ(bytes, std::string("\x0a\xff", 2));
}

}  // namespace
}  // namespace sf2pg::snowflake
