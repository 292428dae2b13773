#include "json_text.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "jackson.h"
#include "sf_type.h"
#include "values.h"

namespace sf2pg::sfemu {
namespace {

TEST(SfemuJsonText, SemiStructuredCasesOfTheSharedTableRoundTrip) {
  std::ifstream in(std::string(SF2PG_SOURCE_DIR) + "/tests/data/type_cases.json");
  auto cases = nlohmann::json::parse(in);
  int checked = 0;
  for (const auto& c : cases) {
    auto type = ParseSfTypeText(c["sf_type"].get<std::string>());
    ASSERT_TRUE(type) << c["sf_type"];
    if (!type->IsSemiStructured() || c["input"].is_null()) continue;
    std::string canonical = CanonicalJson(c["input"].get<std::string>(), type->kind);
    if (type->kind == SfKind::kGeometry) canonical = GeometryWireJson(canonical);
    EXPECT_EQ(PrettyJson(canonical), c["wire"].get<std::string>()) << c["id"];
    ++checked;
  }
  EXPECT_GE(checked, 15);
}

TEST(SfemuJsonText, RefusesNumbersItCannotSpellLikeSnowflake) {
  EXPECT_THROW(CanonicalJson(R"({"a": 1e5})", SfKind::kVariant), Error);
  EXPECT_THROW(CanonicalJson("1.50", SfKind::kVariant), Error);
  EXPECT_THROW(CanonicalJson("[1, undefined]", SfKind::kVariant, false), Error);
  EXPECT_THROW(CanonicalJson("[1]", SfKind::kObject), Error);
  EXPECT_EQ(CanonicalJson(R"({"b": {"d": 1, "c": 2}, "a": "é\n"})", SfKind::kVariant),
            R"({"a":"é\n","b":{"c":2,"d":1}})");
}

TEST(SfemuJsonText, GeometryIsStoredExactlyWithItsSrid) {
  EXPECT_EQ(CanonicalGeo("POINT(123.45678901234567 -0.1)", SfKind::kGeometry),
            R"({"coordinates":[123.45678901234567,-0.1],"type":"Point"})");
  std::string stored = CanonicalGeo("SRID=3857;POINT(1 2)", SfKind::kGeometry);
  EXPECT_EQ(stored, R"({"coordinates":[1,2],"srid":3857,"type":"Point"})");
  EXPECT_EQ(StoredGeometrySrid(stored), 3857);
  EXPECT_EQ(GeometryWireJson(stored),
            R"({"coordinates":[1.000000000000000e+00,2.000000000000000e+00],"type":"Point"})");
  // TO_GEOMETRY's SRID argument; SRID 0 is not stored.
  EXPECT_EQ(StoredGeometrySrid(
                CanonicalGeo(R"({"type":"Point","coordinates":[1,2]})", SfKind::kGeometry, 2056)),
            2056);
  EXPECT_EQ(CanonicalGeo("SRID=0;POINT(1 2)", SfKind::kGeometry),
            R"({"coordinates":[1,2],"type":"Point"})");
  // GEOGRAPHY is SRID 4326 only.
  EXPECT_EQ(CanonicalGeo("SRID=4326;POINT(1 2)", SfKind::kGeography),
            R"({"coordinates":[1,2],"type":"Point"})");
  EXPECT_THROW(CanonicalGeo("SRID=3857;POINT(1 2)", SfKind::kGeography), Error);
  EXPECT_THROW(CanonicalGeo("SRID=x;POINT(1 2)", SfKind::kGeometry), Error);
  EXPECT_THROW(CanonicalGeo("SRID=3857 POINT(1 2)", SfKind::kGeometry), Error);
}

TEST(SfemuJsonText, WireEscapingMapsStoredNulsBack) {
  std::string out;
  AppendJsonEscaped(out, StoreNuls(std::string("a\0b\"\x01", 5)));
  EXPECT_EQ(out, "a\\u0000b\\\"\\u0001");
  EXPECT_THROW(StoreNuls("\xEE\x80\x80"), Error);
}

TEST(SfemuJackson, RendersLikeTheRealServiceEnvelopes) {
  Json j;
  j["code"] = "333334";
  j["list"] = Json::array({Json{{"rowCount", 1}}, Json{{"rowCount", 2}}});
  j["empty"] = Json::array();
  j["handles"] = Json::array({"a", "b"});
  EXPECT_EQ(JacksonText(j),
            "{\n  \"code\" : \"333334\",\n  \"list\" : [ {\n    \"rowCount\" : 1\n  }, {\n    "
            "\"rowCount\" : 2\n  } ],\n  \"empty\" : [ ],\n  \"handles\" : [ \"a\", \"b\" ]\n}");
}

}  // namespace
}  // namespace sf2pg::sfemu
