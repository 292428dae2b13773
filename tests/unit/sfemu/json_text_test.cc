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
