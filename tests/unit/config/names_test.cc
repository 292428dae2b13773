#include "config/names.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "config/load.h"
#include "unit/config/problems.h"

namespace sf2pg::config {
namespace {

using Json = nlohmann::json;
using ::sf2pg::testing::ConfigErrors;
using ::testing::HasSubstr;

// "é" is two bytes in UTF-8 (0xC3 0xA9).
const std::string kE = "\xC3\xA9";

Json Source(const std::string& name, const std::string& schema, Json tables) {
  return {{"source_name", name},        {"source_sf_database", "DB"},
          {"source_sf_schema", "S"},    {"target_pg_database", "target"},
          {"target_pg_schema", schema}, {"tables", std::move(tables)}};
}

Json Table(const std::string& source, const std::string& target = "") {
  Json t = {{"source", source}, {"truncate_onstart", true}};
  if (!target.empty()) t["target"] = target;
  return t;
}

Config Parse(const Json& config) {
  auto result = ParseConfig(config.dump());
  EXPECT_TRUE(result.ok()) << FormatProblems(result.problems, true);
  return result.ok() ? *result.config : Config{};
}

SelectedTables All(const Config& config) {
  SelectedTables out;
  for (const auto& s : config.sources) {
    for (const auto& t : s.tables) out.emplace_back(&s, &t);
  }
  return out;
}

TEST(PgStoredName, KeepsShortNamesAndCutsLongOnesAt63Bytes) {
  EXPECT_EQ(PgStoredName("orders"), "orders");
  std::string exact(63, 'a');
  EXPECT_EQ(PgStoredName(exact), exact);
  EXPECT_EQ(PgStoredName(exact + "b"), exact);
  EXPECT_FALSE(PgNameTooLong(exact).has_value());
  ASSERT_TRUE(PgNameTooLong(exact + "b").has_value());
  EXPECT_THAT(*PgNameTooLong(exact + "b"), HasSubstr("is 64 bytes"));
}

TEST(PgStoredName, CountsBytesAndNeverSplitsAUtf8Character) {
  // 31 two-byte characters are 62 bytes and fit; a 32nd makes 64 bytes.
  std::string fits, over;
  for (int i = 0; i < 31; ++i) fits += kE;
  over = fits + kE;
  EXPECT_EQ(fits.size(), 62u);
  EXPECT_FALSE(PgNameTooLong(fits).has_value());
  ASSERT_TRUE(PgNameTooLong(over).has_value());
  // The 32nd character would straddle bytes 63 and 64, so PostgreSQL drops all of it.
  EXPECT_EQ(PgStoredName(over), fits);
  // One ASCII byte first: the 31st character ends exactly at byte 63 and is kept whole.
  EXPECT_EQ(PgStoredName("x" + over + "tail"), "x" + fits);
}

TEST(TargetNames, TableNameOver63BytesIsRefusedWithTheFix) {
  std::string long_target = std::string(60, 't') + kE + "xy";  // 64 bytes, 63 characters
  Json j = {
      {"sources", Json::array({Source("dev", "public", Json::array({Table("T", long_target)}))})}};
  auto errors = ConfigErrors(j);
  ASSERT_EQ(errors.size(), 1u) << FormatProblems(errors, true);
  EXPECT_EQ(errors[0].path, "sources[0].tables[0].target");
  EXPECT_THAT(errors[0].message, HasSubstr("is 64 bytes, over PostgreSQL's limit of 63"));
  EXPECT_THAT(errors[0].message, HasSubstr("set \"target\" to a name of at most 63 bytes"));
}

TEST(TargetNames, DefaultTargetFromALongSourceNameIsRefused) {
  Json j = {{"sources",
             Json::array({Source("dev", "public", Json::array({Table(std::string(64, 'T'))}))})}};
  auto errors = ConfigErrors(j);
  ASSERT_EQ(errors.size(), 1u) << FormatProblems(errors, true);
  EXPECT_EQ(errors[0].path, "sources[0].tables[0].target");
  EXPECT_THAT(errors[0].message, HasSubstr("\"" + std::string(64, 't') + "\" is 64 bytes"));
}

TEST(TargetNames, LongSchemaDatabaseAndWatermarkAreRefused) {
  Json source = Source("dev", std::string(64, 's'), Json::array({Table("T")}));
  source["target_pg_database"] = std::string(70, 'd');
  source["tables"][0]["source_watermark"] = "U";
  source["tables"][0]["target_watermark"] = std::string(64, 'w');
  source["tables"][0]["uniqueness_columns"] = {"ID"};
  Json j = {{"status_pg_database", std::string(64, 'x')}, {"sources", {source}}};
  auto errors = ConfigErrors(j);
  std::vector<std::string> paths;
  for (const auto& e : errors) paths.push_back(e.path);
  EXPECT_THAT(paths, ::testing::UnorderedElementsAre(
                         "status_pg_database", "sources[0].target_pg_database",
                         "sources[0].target_pg_schema", "sources[0].tables[0].target_watermark"))
      << FormatProblems(errors, true);
}

TEST(TargetNames, DisabledTableWithALongNameIsNotChecked) {
  Json t = Table("T", std::string(64, 'x'));
  t["enabled"] = false;
  Json j = {{"sources", Json::array({Source("dev", "public", {Table("U"), t})})}};
  EXPECT_TRUE(ConfigErrors(j).empty()) << FormatProblems(ConfigErrors(j), true);
}

TEST(TargetNames, TwoTargetsSharingTheirFirst63BytesAreNamedTogether) {
  std::string prefix(63, 'p');
  Json j = {
      {"sources", Json::array({Source("dev", "public",
                                      {Table("A", prefix + "_a"), Table("B", prefix + "_b")})})}};
  auto errors = ConfigErrors(j);
  ASSERT_EQ(errors.size(), 3u) << FormatProblems(errors, true);  // two lengths, one collision
  const Problem& collision = errors[2];
  EXPECT_EQ(collision.path, "sources[0].tables[1].target");
  EXPECT_THAT(collision.message,
              HasSubstr("target target.public." + prefix +
                        "_b is also loaded by "
                        "sources[0].tables[0] (source \"dev\", Snowflake DB.S.A)"));
  EXPECT_THAT(collision.message, HasSubstr("so both are target.public." + prefix));
}

TEST(TargetNames, MultiByteCutMakesTwoTargetsCollide) {
  // 62 ASCII bytes, then a two-byte character: PostgreSQL keeps only the 62 bytes of each.
  std::string stem(62, 'm');
  Json j = {
      {"sources", Json::array({Source("dev", "public",
                                      {Table("A", stem + kE), Table("B", stem + "\xC3\xA8")})})}};
  auto errors = ConfigErrors(j);
  ASSERT_EQ(errors.size(), 3u) << FormatProblems(errors, true);
  EXPECT_THAT(errors[0].message, HasSubstr("is 64 bytes"));
  EXPECT_THAT(errors[2].message, HasSubstr("so both are target.public." + stem + ";"));
}

TEST(Selection, SameSnowflakeTableInTwoSourcesIsRefusedOnlyWhenBothAreSelected) {
  Json j = {{"sources",
             {Source("dev", "dev", Json::array({Table("T")})),
              Source("prod", "prod", {Table("OTHER"), Table("T")})}}};
  Config config = Parse(j);  // the config itself is fine: each source may run on its own
  auto all = All(config);
  auto problems = CheckSelectedTables(config, all);
  ASSERT_EQ(problems.size(), 1u) << FormatProblems(problems, true);
  EXPECT_EQ(problems[0].path, "sources[1].tables[1].source");
  EXPECT_EQ(problems[0].message,
            "Snowflake table DB.S.T (source \"prod\") is also selected by sources[0].tables[0] "
            "(source \"dev\"); one run records each Snowflake table once and cannot load it "
            "twice: run one source at a time (--source dev, then --source prod)");
  SelectedTables dev_only(all.begin(), all.begin() + 1);
  EXPECT_TRUE(CheckSelectedTables(config, dev_only).empty());
  SelectedTables prod_only(all.begin() + 1, all.end());
  EXPECT_TRUE(CheckSelectedTables(config, prod_only).empty());
}

TEST(Selection, SnowflakeNamesAreComparedAsWritten) {
  // sf2pg quotes names as written: "t" and "T" are two Snowflake tables.
  Json j = {{"sources",
             {Source("dev", "dev", Json::array({Table("T")})),
              Source("prod", "prod", Json::array({Table("t")}))}}};
  Config config = Parse(j);
  EXPECT_TRUE(CheckSelectedTables(config, All(config)).empty());
}

TEST(Selection, DisabledSourceSelectedByNameIsCheckedForSharedTargets) {
  Json disabled = Source("old", "public", Json::array({Table("OTHER", "t")}));
  disabled["enabled"] = false;
  Json j = {{"sources", {Source("dev", "public", Json::array({Table("T")})), disabled}}};
  Config config = Parse(j);  // only enabled sources are checked when loading
  auto problems = CheckSelectedTables(config, All(config));
  ASSERT_EQ(problems.size(), 1u) << FormatProblems(problems, true);
  EXPECT_EQ(problems[0].path, "sources[1].tables[0].target");
  EXPECT_THAT(problems[0].message,
              HasSubstr("target target.public.t is also loaded by sources[0].tables[0]"));
}

TEST(Selection, TablePathPointsIntoTheConfig) {
  Json j = {
      {"sources",
       {Source("a", "a", Json::array({Table("X")})), Source("b", "b", {Table("Y"), Table("Z")})}}};
  Config config = Parse(j);
  EXPECT_EQ(TablePath(config, &config.sources[1], &config.sources[1].tables[1]),
            "sources[1].tables[1]");
}

}  // namespace
}  // namespace sf2pg::config
