// sf2pg init's suggestions from a catalog: keys, chunking, watermarks, batch sizes, target names,
// and the .env template. The config it builds must load without an error.
#include "app/init.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "config/load.h"
#include "config/names.h"
#include "core/error.h"
#include "unit/plan/source_columns.h"

namespace sf2pg::app {
namespace {

using sf2pg::testing::Col;
using ::testing::HasSubstr;
using Json = nlohmann::ordered_json;

CatalogEntry Table(std::string name, std::vector<SourceColumn> columns,
                   std::vector<std::string> key, int64_t rows = 1000, int64_t bytes = 200000) {
  return {std::move(name), rows, bytes, std::move(columns), std::move(key)};
}

InitOptions Options() {
  InitOptions o;
  o.database = "ANALYTICS";
  o.schema = "BI";
  return o;
}

// The config of `tables`, checked to load without an error; returns its tables.
Json Tables(const std::vector<CatalogEntry>& tables) {
  Json config = InitConfig(Options(), tables);
  config::ParseResult parsed = config::ParseConfig(config.dump());
  EXPECT_TRUE(parsed.ok()) << config::FormatProblems(parsed.problems, true) << "\n"
                           << config.dump(2);
  return config["sources"][0]["tables"];
}

TEST(InitPatterns, GlobsMatchWholeNamesWithoutCase) {
  EXPECT_TRUE(MatchesPattern("FACTVISIT", "FACT*"));
  EXPECT_TRUE(MatchesPattern("FACTVISIT", "fact*"));
  EXPECT_TRUE(MatchesPattern("FACTVISIT", "*VISIT"));
  EXPECT_TRUE(MatchesPattern("FACTVISIT", "F?CT*T"));
  EXPECT_TRUE(MatchesPattern("Order Lines", "order lines"));
  EXPECT_TRUE(MatchesPattern("A", "*"));
  EXPECT_FALSE(MatchesPattern("FACTVISIT", "FACT"));
  EXPECT_FALSE(MatchesPattern("FACTVISIT", "VISIT"));
  EXPECT_FALSE(MatchesPattern("FACT", "FACT?"));
  EXPECT_FALSE(MatchesPattern("DIMPATIENT", "FACT*"));
}

TEST(InitPatterns, SelectionKeepsCatalogOrderAndNamesPatternsThatMatchNothing) {
  std::vector<std::string> all = {"DIMPATIENT", "FACTSALE", "FACTVISIT"};
  EXPECT_EQ(SelectTableNames(all, {}, "here"), all);
  EXPECT_EQ(SelectTableNames(all, {"factv*", "DIM*"}, "here"),
            (std::vector<std::string>{"DIMPATIENT", "FACTVISIT"}));
  try {
    SelectTableNames(all, {"FACT*", "NOPE*", "other"}, "Snowflake schema \"A\".\"B\"");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    std::string what = e.what();
    EXPECT_THAT(what, HasSubstr("no table of Snowflake schema \"A\".\"B\" matches \"NOPE*\", "
                                "\"other\""));
    EXPECT_THAT(what, HasSubstr("DIMPATIENT, FACTSALE, FACTVISIT"));
    EXPECT_THAT(what, ::testing::Not(HasSubstr("\"FACT*\"")));
  }
}

TEST(InitWatermark, UpdateTimesAreDatesOrTimestampsNamedSo) {
  EXPECT_EQ(WatermarkScore(Col("UPDATED_AT", "timestamp_ntz")), 2);
  EXPECT_EQ(WatermarkScore(Col("Updated Timestamp", "timestamp_tz")), 2);
  EXPECT_EQ(WatermarkScore(Col("LAST_MODIFIED", "date")), 2);
  EXPECT_EQ(WatermarkScore(Col("changed_on", "timestamp_ltz")), 2);
  EXPECT_EQ(WatermarkScore(Col("LOAD_TS", "timestamp_ntz")), 1);
  EXPECT_EQ(WatermarkScore(Col("CREATED_AT", "timestamp_ntz")), 0);
  EXPECT_EQ(WatermarkScore(Col("UPDATED_BY", "text")), 0);
  EXPECT_EQ(WatermarkScore(Col("UPDATE_COUNT", "fixed")), 0);
}

TEST(InitConfig, NumericKeyGivesNumericRangesAndAnUpdateTimeAWatermark) {
  SourceColumn id = Col("VISIT_ID", "fixed");
  id.precision = 38;
  Json t = Tables({Table("FACTVISIT",
                         {id, Col("LOAD_TS", "timestamp_ntz"), Col("UPDATED_AT", "timestamp_ntz"),
                          Col("NOTES", "text")},
                         {"VISIT_ID"})})[0];
  EXPECT_EQ(t["source"], "FACTVISIT");
  EXPECT_EQ(t["target"], "factvisit");
  EXPECT_EQ(t["uniqueness_columns"], Json::array({"VISIT_ID"}));
  EXPECT_EQ(t["chunking_columns"], Json::array({"VISIT_ID"}));
  EXPECT_EQ(t["chunking_column_types"], Json::array({"number"}));
  EXPECT_EQ(t["chunking_strategy"], "numeric_range");
  // The better-named column wins over the _TS one, which is mentioned.
  EXPECT_EQ(t["source_watermark"], "UPDATED_AT");
  EXPECT_EQ(t["target_watermark"], "updated_at");
  EXPECT_THAT(t["_why"]["watermark"].get<std::string>(), HasSubstr("also considered: LOAD_TS"));
  EXPECT_THAT(t["_why"]["uniqueness_columns"].get<std::string>(), HasSubstr("\"VISIT_ID\""));
  EXPECT_THAT(t["_why"]["chunking"].get<std::string>(), HasSubstr("NUMBER(38,0)"));
  EXPECT_FALSE(t.contains("truncate_onstart"));
}

TEST(InitConfig, TextAndDateKeysGetKeyAndDateRanges) {
  Json tables =
      Tables({Table("DIMPATIENT", {Col("Patient Id", "text"), Col("V", "text")}, {"Patient Id"}),
              Table("DAILY", {Col("DAY", "date"), Col("REGION", "text")}, {"DAY", "REGION"})});
  EXPECT_EQ(tables[0]["chunking_strategy"], "key_range");
  EXPECT_EQ(tables[0]["chunking_column_types"], Json::array({"varchar"}));
  EXPECT_EQ(tables[0]["target"], "dimpatient");
  EXPECT_EQ(tables[1]["chunking_strategy"], "date_range");
  EXPECT_EQ(tables[1]["chunking_columns"], Json::array({"DAY"}));
  EXPECT_EQ(tables[1]["uniqueness_columns"], Json::array({"DAY", "REGION"}));
  EXPECT_THAT(tables[0]["_why"]["watermark"].get<std::string>(), HasSubstr("full loads only"));
  EXPECT_FALSE(tables[0].contains("source_watermark"));
}

TEST(InitConfig, KeyThatCannotBoundRangesLeavesChunkingToThePlanner) {
  Json t = Tables({Table("FLAGS", {Col("ON", "boolean"), Col("V", "text")}, {"ON"})})[0];
  EXPECT_EQ(t["uniqueness_columns"], Json::array({"ON"}));
  EXPECT_FALSE(t.contains("chunking_columns"));
  EXPECT_FALSE(t.contains("chunking_strategy"));
  EXPECT_THAT(t["_why"]["chunking"].get<std::string>(), HasSubstr("BOOLEAN"));
}

TEST(InitConfig, NoKeyReloadsTheTableWholeAndSetsNoWatermark) {
  Json t = Tables({Table("LOG", {Col("MSG", "text"), Col("UPDATED_AT", "timestamp_ntz")}, {})})[0];
  EXPECT_FALSE(t.contains("uniqueness_columns"));
  EXPECT_EQ(t["truncate_onstart"], true);
  EXPECT_EQ(t["chunking_strategy"], "offset");
  EXPECT_FALSE(t.contains("source_watermark"));
  EXPECT_THAT(t["_why"]["watermark"].get<std::string>(), HasSubstr("need a key"));
  EXPECT_THAT(t["_why"]["uniqueness_columns"].get<std::string>(), HasSubstr("no primary key"));
}

TEST(InitConfig, BatchSizeFollowsTheRowWidthWithinItsClamps) {
  auto batch = [](int64_t rows, int64_t bytes) {
    Json t = Tables({Table("T", {Col("ID", "fixed")}, {"ID"}, rows, bytes)})[0];
    if (t.contains("batch_size")) {
      EXPECT_EQ(t["batch_size_copy_mode"].get<int64_t>(), 2 * t["batch_size"].get<int64_t>());
    }
    return t.value("batch_size", int64_t{-1});
  };
  int64_t per_row = 200;
  int64_t b = batch(1000, 1000 * per_row);
  EXPECT_LE(b * per_row, kChunkBytes);
  EXPECT_GT((b + 1000) * per_row, kChunkBytes);  // rounded down to a thousand rows
  EXPECT_EQ(b % 1000, 0);
  EXPECT_LT(batch(1000, 1000 * 2 * per_row), b);  // wider rows, fewer per chunk
  EXPECT_EQ(batch(1000000, 1000), kMaxBatch);     // 1 byte per row
  EXPECT_EQ(batch(10, int64_t{10} << 30), kMinBatch);
  EXPECT_EQ(batch(0, 0), -1);  // empty: the global sizes apply
  EXPECT_EQ(batch(-1, -1), -1);
}

TEST(InitConfig, AwkwardTableNamesGetLegalDistinctTargets) {
  std::string e = "\xC3\x89";  // two bytes
  std::string long_a = std::string(62, 'X') + e + "A";
  std::string long_b = std::string(62, 'X') + e + "B";
  Json tables = Tables(
      {Table("FOO", {Col("ID", "fixed")}, {"ID"}), Table("foo", {Col("ID", "fixed")}, {"ID"}),
       Table("select", {Col("ID", "fixed")}, {"ID"}),
       Table("Order \"Lines\"", {Col("ID", "fixed")}, {"ID"}),
       Table(long_a, {Col("ID", "fixed")}, {"ID"}), Table(long_b, {Col("ID", "fixed")}, {"ID"})});
  std::set<std::string> targets;
  for (const auto& t : tables) {
    std::string target = t["target"];
    EXPECT_LE(target.size(), config::kPgMaxNameBytes) << target;
    EXPECT_TRUE(targets.insert(target).second) << "twice: " << target;
  }
  EXPECT_EQ(tables[0]["target"], "foo");
  EXPECT_EQ(tables[1]["target"], "foo_2");
  EXPECT_THAT(tables[1]["_why"]["target"].get<std::string>(), HasSubstr("another table"));
  EXPECT_EQ(tables[2]["target"], "select");
  EXPECT_EQ(tables[3]["target"], "Order \"Lines\"");
  EXPECT_EQ(tables[4]["target"], std::string(62, 'x'));
  EXPECT_THAT(tables[4]["_why"]["target"].get<std::string>(), HasSubstr("63 bytes"));
  EXPECT_EQ(tables[5]["target"], std::string(61, 'x') + "_2");
}

TEST(InitConfig, ColumnNamesPostgresCannotHoldAreKeptOrTheTableIsDisabled) {
  std::string long_column = std::string(64, 'C');
  Json tables = Tables({Table("CASES", {Col("ID", "fixed"), Col("id", "text")}, {"ID"}),
                        Table("WIDE", {Col("ID", "fixed"), Col(long_column, "text")}, {"ID"})});
  EXPECT_EQ(tables[0]["identifier_case"], "preserve");
  EXPECT_EQ(tables[0]["target"], "CASES");
  EXPECT_FALSE(tables[0].contains("enabled"));
  EXPECT_EQ(tables[1]["enabled"], false);
  EXPECT_THAT(tables[1]["_why"]["enabled"].get<std::string>(), HasSubstr("63"));
}

TEST(InitConfig, SourceNamesFollowTheOptions) {
  InitOptions o = Options();
  o.schema = "Mixed Schema";
  Json s = InitConfig(o, {Table("T", {Col("ID", "fixed")}, {"ID"})})["sources"][0];
  EXPECT_EQ(s["source_name"], "analytics");
  EXPECT_EQ(s["source_sf_database"], "ANALYTICS");
  EXPECT_EQ(s["source_sf_schema"], "Mixed Schema");
  EXPECT_EQ(s["target_pg_database"], "analytics");
  EXPECT_EQ(s["target_pg_schema"], "Mixed Schema");
  o.source_name = "prod";
  o.target_database = "warehouse";
  o.target_schema = "bi";
  s = InitConfig(o, {Table("T", {Col("ID", "fixed")}, {"ID"})})["sources"][0];
  EXPECT_EQ(s["source_name"], "prod");
  EXPECT_EQ(s["target_pg_database"], "warehouse");
  EXPECT_EQ(s["target_pg_schema"], "bi");
}

TEST(InitEnv, TemplateHoldsPlaceholdersOnlyAndParses) {
  auto values = config::ParseDotenv(EnvTemplate(), ".env.example");
  for (const char* name : {"SNOWFLAKE_ACCOUNT", "SNOWFLAKE_USER", "SNOWFLAKE_RSA_KEY_FILE",
                           "POSTGRES_HOST", "POSTGRES_USER", "POSTGRES_PASSWORD"}) {
    ASSERT_TRUE(values.count(name)) << name;
    EXPECT_TRUE(values[name].starts_with("<") && values[name].ends_with(">"))
        << name << "=" << values[name];
  }
  for (const auto& [name, value] : values) {
    EXPECT_TRUE(value.starts_with("<") || name == "POSTGRES_PORT") << name << "=" << value;
  }
}

}  // namespace
}  // namespace sf2pg::app
