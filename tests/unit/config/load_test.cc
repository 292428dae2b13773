#include "config/load.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "unit/config/problems.h"

namespace sf2pg::config {
namespace {

using Json = nlohmann::json;
using ::sf2pg::testing::ConfigErrors;
using ::testing::HasSubstr;
using ::testing::Not;

Json BaseConfig() {
  return Json::parse(R"({
    "parallel_threads": 4,
    "sources": [{
      "source_name": "analytics",
      "source_sf_database": "ANALYTICS",
      "source_sf_schema": "BI",
      "target_pg_database": "conflict_management",
      "target_pg_schema": "analytics_dev",
      "tables": [{
        "source": "DIMPATIENT",
        "target": "dimpatient",
        "chunking_columns": ["Patient Id"],
        "chunking_column_types": ["varchar"],
        "uniqueness_columns": ["Patient Id"]
      }]
    }]
  })");
}

// Expects exactly one error, at `path`, with exactly `message`.
void ExpectOneError(const Json& config, const std::string& path, const std::string& message) {
  auto errors = ConfigErrors(config);
  ASSERT_EQ(errors.size(), 1u) << FormatProblems(errors, true);
  EXPECT_EQ(errors[0].path, path);
  EXPECT_EQ(errors[0].message, message);
}

Json& Table(Json& config) { return config["sources"][0]["tables"][0]; }

TEST(ConfigLoad, BaseConfigIsValidAndResolvesDefaults) {
  auto result = ParseConfig(BaseConfig().dump());
  ASSERT_TRUE(result.ok()) << FormatProblems(result.problems, true);
  const auto& c = *result.config;
  EXPECT_EQ(c.settings.batch_size, 50000);
  EXPECT_EQ(c.settings.batch_size_copy_mode, 100000);
  EXPECT_EQ(c.settings.max_retry_attempts, 3);
  EXPECT_EQ(c.settings.lambda_timeout_buffer_seconds, 120);
  EXPECT_EQ(c.settings.resume_max_age_hours, 12);
  ASSERT_EQ(c.sources.size(), 1u);
  const auto& t = c.sources[0].tables[0];
  EXPECT_TRUE(t.enabled);
  EXPECT_EQ(t.parallel_threads, 4);
  EXPECT_EQ(t.batch_size, 50000);
  EXPECT_EQ(c.StatusDatabase(), "conflict_management");
  EXPECT_EQ(c.config_hash.size(), 32u);
}

TEST(ConfigLoad, PerTableOverridesWinOverGlobals) {
  Json j = BaseConfig();
  Table(j)["parallel_threads"] = 2;
  Table(j)["batch_size"] = 30000;
  Table(j)["batch_size_copy_mode"] = 35000;
  auto result = ParseConfig(j.dump());
  ASSERT_TRUE(result.ok());
  const auto& t = result.config->sources[0].tables[0];
  EXPECT_EQ(t.parallel_threads, 2);
  EXPECT_TRUE(t.has_threads_override);
  EXPECT_EQ(t.batch_size, 30000);
  EXPECT_EQ(t.batch_size_copy_mode, 35000);
}

TEST(ConfigLoad, TargetDefaultsToLowerCasedUnquotedSourceName) {
  Json j = BaseConfig();
  Table(j).erase("target");
  auto result = ParseConfig(j.dump());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.config->sources[0].tables[0].target, "dimpatient");
  Table(j)["source"] = "MixedCase";
  result = ParseConfig(j.dump());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.config->sources[0].tables[0].target, "MixedCase");
}

TEST(ConfigLoad, KeepTzOffsetIsOffByDefaultAndMustBeABoolean) {
  Json j = BaseConfig();
  auto result = ParseConfig(j.dump());
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result.config->sources[0].tables[0].keep_tz_offset);
  Table(j)["keep_tz_offset"] = true;
  result = ParseConfig(j.dump());
  ASSERT_TRUE(result.ok()) << FormatProblems(result.problems, true);
  EXPECT_TRUE(result.config->sources[0].tables[0].keep_tz_offset);
  Table(j)["keep_tz_offset"] = "yes";
  ExpectOneError(j, "sources[0].tables[0].keep_tz_offset",
                 "expected true or false, got string \"yes\"");
  Table(j).erase("keep_tz_offset");
  Table(j)["keep_tz_offsets"] = true;
  ExpectOneError(j, "sources[0].tables[0].keep_tz_offsets",
                 "unknown key; did you mean \"keep_tz_offset\"?");
}

TEST(ConfigLoad, DeleteModeNeedsAnIncrementalTableAndASoftColumnOnlyWhenSoft) {
  Json j = BaseConfig();
  auto result = ParseConfig(j.dump());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.config->sources[0].tables[0].delete_mode, DeleteMode::kNone);
  Table(j)["delete_mode"] = "hard";
  ExpectOneError(j, "sources[0].tables[0].delete_mode",
                 "needs an incremental table (source_watermark and uniqueness_columns): a full "
                 "load with truncate_onstart already leaves out rows deleted at the source");
  Table(j)["source_watermark"] = "UPDATED_AT";
  Table(j)["target_watermark"] = "updated_at";
  Table(j)["uniqueness_columns"] = {"PATIENT_ID"};
  result = ParseConfig(j.dump());
  ASSERT_TRUE(result.ok()) << FormatProblems(result.problems, true);
  const auto& t = result.config->sources[0].tables[0];
  EXPECT_EQ(t.delete_mode, DeleteMode::kHard);
  EXPECT_DOUBLE_EQ(t.max_delete_share, 0.10);
  std::string hard_hash = result.config->config_hash;
  Table(j)["soft_delete_column"] = "gone_at";
  ExpectOneError(j, "sources[0].tables[0].soft_delete_column",
                 "only used with \"delete_mode\": \"soft\"");
  Table(j)["delete_mode"] = "soft";
  result = ParseConfig(j.dump());
  ASSERT_TRUE(result.ok()) << FormatProblems(result.problems, true);
  EXPECT_EQ(result.config->sources[0].tables[0].soft_delete_column, "gone_at");
  EXPECT_NE(result.config->config_hash, hard_hash);
  Table(j)["soft_delete_column"] = std::string(64, 'x');
  ExpectOneError(j, "sources[0].tables[0].soft_delete_column",
                 "is 64 bytes long; PostgreSQL keeps only the first 63 bytes of a name");
  Table(j)["soft_delete_column"] = "gone_at";
  Table(j)["max_delete_share"] = 1.5;
  ExpectOneError(j, "sources[0].tables[0].max_delete_share",
                 "must be a share between 0 and 1 (0.10 is 10 %), got 1.500000");
  Table(j)["max_delete_share"] = 0.5;
  Table(j).erase("soft_delete_column");
  Table(j)["delete_mode"] = "hrad";
  ExpectOneError(j, "sources[0].tables[0].delete_mode",
                 "\"hrad\" is not one of none, hard, soft; did you mean \"hard\"?");
}

TEST(ConfigLoad, CommentsAreAllowedLikeTheSeedExamples) {
  auto result = ParseConfig(R"({
    // global settings
    "batch_size": 30000,          // override
    "sources": [{"source_name": "a", "source_sf_database": "D", "source_sf_schema": "S",
                 "target_pg_database": "d", "target_pg_schema": "s",
                 "tables": [{"source": "T", "truncate_onstart": true}]}]
  })");
  ASSERT_TRUE(result.ok()) << FormatProblems(result.problems, true);
  EXPECT_EQ(result.config->settings.batch_size, 30000);
}

// --- Invalid configurations: each reports its exact path and cause. ---

TEST(ConfigInvalid, MalformedJsonNamesLineAndColumn) {
  auto result = ParseConfig("{\n  \"batch_size\": 5,\n  \"sources\": [\n}");
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].path, "(document)");
  EXPECT_THAT(result.problems[0].message, HasSubstr("invalid JSON at line 4, column 1"));
}

// Found by tests/fuzz/config_fuzz.cc: nlohmann reports a number beyond a double's range with
// another exception than a syntax error, and ParseConfig let it escape.
TEST(ConfigInvalid, NumberBeyondADoubleIsAProblemNotAnException) {
  auto result = ParseConfig(R"({"batch_size": 1E400, "sources": []})");
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].path, "(document)");
  EXPECT_THAT(result.problems[0].message, HasSubstr("invalid JSON: number overflow"));
  EXPECT_THAT(result.problems[0].message, HasSubstr("1E400"));
}

TEST(ConfigInvalid, TopLevelMustBeAnObject) {
  ExpectOneError(Json::array(), "(document)", "expected a JSON object at the top, got an array");
}

TEST(ConfigInvalid, SourcesMissing) {
  Json j = BaseConfig();
  j.erase("sources");
  ExpectOneError(j, "sources", "required, missing");
}

TEST(ConfigInvalid, SourcesEmpty) {
  Json j = BaseConfig();
  j["sources"] = Json::array();
  ExpectOneError(j, "sources", "expected a non-empty list of sources, got an array");
}

TEST(ConfigInvalid, UnknownRootKeySuggestsTheKnownOne) {
  Json j = BaseConfig();
  j["parralel_threads"] = 3;
  ExpectOneError(j, "parralel_threads", "unknown key; did you mean \"parallel_threads\"?");
}

TEST(ConfigInvalid, UnknownKeyWithoutCloseMatch) {
  Json j = BaseConfig();
  j["colour"] = "blue";
  ExpectOneError(j, "colour", "unknown key");
}

TEST(ConfigInvalid, BatchSizeMustBePositive) {
  Json j = BaseConfig();
  j["batch_size"] = 0;
  ExpectOneError(j, "batch_size", "must be >= 1, got 0");
}

TEST(ConfigInvalid, BatchSizeMustBeAnInteger) {
  Json j = BaseConfig();
  j["batch_size"] = "abc";
  ExpectOneError(j, "batch_size", "expected an integer, got string \"abc\"");
}

TEST(ConfigInvalid, ThreadsOutOfRange) {
  Json j = BaseConfig();
  j["parallel_threads"] = 1000;
  ExpectOneError(j, "parallel_threads", "must be between 1 and 256, got 1000");
}

TEST(ConfigInvalid, ResumeMaxAgeMustBePositive) {
  Json j = BaseConfig();
  j["resume_max_age"] = -1;
  ExpectOneError(j, "resume_max_age", "must be > 0, got -1");
}

TEST(ConfigInvalid, SourceNameMissing) {
  Json j = BaseConfig();
  j["sources"][0].erase("source_name");
  ExpectOneError(j, "sources[0].source_name", "required, missing");
}

TEST(ConfigInvalid, SourceDatabaseEmpty) {
  Json j = BaseConfig();
  j["sources"][0]["source_sf_database"] = "";
  ExpectOneError(j, "sources[0].source_sf_database", "must not be empty");
}

TEST(ConfigInvalid, DuplicateSourceName) {
  Json j = BaseConfig();
  Json second = j["sources"][0];
  second["target_pg_schema"] = "other";
  j["sources"].push_back(second);
  ExpectOneError(j, "sources[1].source_name", "\"analytics\" is already used by sources[0]");
}

TEST(ConfigInvalid, TablesMustBeAList) {
  Json j = BaseConfig();
  j["sources"][0]["tables"] = Json::object();
  ExpectOneError(j, "sources[0].tables", "expected a list of tables, got an object");
}

TEST(ConfigInvalid, TableSourceMissing) {
  Json j = BaseConfig();
  Table(j).erase("source");
  ExpectOneError(j, "sources[0].tables[0].source", "required, missing");
}

TEST(ConfigInvalid, TypeCountMustMatchColumnCount) {
  Json j = BaseConfig();
  Table(j)["chunking_column_types"] = {"varchar", "bigint"};
  ExpectOneError(j, "sources[0].tables[0].chunking_column_types", "2 types for 1 column");
}

TEST(ConfigInvalid, UnknownChunkingTypeSuggests) {
  Json j = BaseConfig();
  Table(j)["chunking_column_types"] = {"varchr"};
  ExpectOneError(j, "sources[0].tables[0].chunking_column_types[0]",
                 "unknown chunking type \"varchr\"; did you mean \"varchar\"?");
}

TEST(ConfigInvalid, SourceWatermarkNeedsTargetWatermark) {
  Json j = BaseConfig();
  Table(j)["source_watermark"] = "Updated Datatimestamp";
  ExpectOneError(j, "sources[0].tables[0].target_watermark",
                 "required when source_watermark is set");
}

TEST(ConfigInvalid, TargetWatermarkNeedsSourceWatermark) {
  Json j = BaseConfig();
  Table(j)["target_watermark"] = "updated_datatimestamp";
  ExpectOneError(j, "sources[0].tables[0].source_watermark",
                 "required when target_watermark is set");
}

TEST(ConfigInvalid, IncrementalLoadNeedsUniquenessColumns) {
  Json j = BaseConfig();
  Table(j).erase("uniqueness_columns");
  Table(j)["source_watermark"] = "UPDATED";
  Table(j)["target_watermark"] = "updated";
  ExpectOneError(j, "sources[0].tables[0].uniqueness_columns",
                 "required for incremental loads (source_watermark is set): UPSERT needs a key");
}

TEST(ConfigInvalid, DateChunkingNeedsUniquenessColumns) {
  Json j = BaseConfig();
  Table(j).erase("uniqueness_columns");
  Table(j)["chunking_columns"] = {"Updated"};
  Table(j)["chunking_column_types"] = {"timestamp"};
  ExpectOneError(j, "sources[0].tables[0].uniqueness_columns",
                 "required with date chunking, which loads with UPSERT");
}

TEST(ConfigInvalid, UnknownTableKeySuggests) {
  Json j = BaseConfig();
  Table(j)["chunking_column"] = {"x"};
  ExpectOneError(j, "sources[0].tables[0].chunking_column",
                 "unknown key; did you mean \"chunking_columns\"?");
}

TEST(ConfigInvalid, BooleanMustBeBoolean) {
  Json j = BaseConfig();
  Table(j)["truncate_onstart"] = "yes";
  ExpectOneError(j, "sources[0].tables[0].truncate_onstart",
                 "expected true or false, got string \"yes\"");
}

TEST(ConfigInvalid, ColumnListItemsMustBeStrings) {
  Json j = BaseConfig();
  Table(j)["uniqueness_columns"] = {"Patient Id", 5};
  ExpectOneError(j, "sources[0].tables[0].uniqueness_columns[1]",
                 "expected a non-empty string, got number 5");
}

TEST(ConfigInvalid, ColumnListedTwice) {
  Json j = BaseConfig();
  Table(j)["uniqueness_columns"] = {"A", "A"};
  ExpectOneError(j, "sources[0].tables[0].uniqueness_columns", "\"A\" is listed twice");
}

TEST(ConfigInvalid, TwoTablesLoadTheSameTarget) {
  Json j = BaseConfig();
  Json second = Table(j);
  second["source"] = "DIMPATIENT_V2";
  j["sources"][0]["tables"].push_back(second);
  ExpectOneError(j, "sources[0].tables[1].target",
                 "target conflict_management.analytics_dev.dimpatient is also loaded by "
                 "sources[0].tables[0] (source \"analytics\", Snowflake ANALYTICS.BI.DIMPATIENT); "
                 "give one of them another target");
}

TEST(ConfigInvalid, SameSnowflakeTableTwiceInOneSource) {
  Json j = BaseConfig();
  Json second = Table(j);
  second["target"] = "dimpatient_copy";
  j["sources"][0]["tables"].push_back(second);
  ExpectOneError(j, "sources[0].tables[1].source",
                 "table \"DIMPATIENT\" is already listed as sources[0].tables[0]");
}

TEST(ConfigInvalid, FilterMustBeOneExpression) {
  Json j = BaseConfig();
  Table(j)["source_filter"] = "\"Status\" = 'Active'; DROP TABLE X";
  ExpectOneError(j, "sources[0].tables[0].source_filter",
                 "must be a single expression; ';' is not allowed outside quotes");
}

TEST(ConfigInvalid, FilterWithOpenQuote) {
  Json j = BaseConfig();
  Table(j)["source_filter"] = "\"Status\" = 'Active";
  ExpectOneError(j, "sources[0].tables[0].source_filter", "unterminated string");
}

TEST(ConfigInvalid, IdentifierCaseValue) {
  Json j = BaseConfig();
  Table(j)["identifier_case"] = "upper";
  ExpectOneError(j, "sources[0].tables[0].identifier_case",
                 "\"upper\" is not one of lower, preserve");
}

TEST(ConfigInvalid, StrategyNeedsColumns) {
  Json j = BaseConfig();
  Table(j).erase("chunking_columns");
  Table(j).erase("chunking_column_types");
  Table(j)["chunking_strategy"] = "numeric_range";
  ExpectOneError(j, "sources[0].tables[0].chunking_strategy",
                 "\"numeric_range\" needs chunking_columns");
}

TEST(ConfigInvalid, UnknownStrategySuggests) {
  Json j = BaseConfig();
  Table(j)["chunking_strategy"] = "numeric_rang";
  auto errors = ConfigErrors(j);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].path, "sources[0].tables[0].chunking_strategy");
  EXPECT_THAT(errors[0].message, HasSubstr("did you mean \"numeric_range\"?"));
}

TEST(ConfigInvalid, ReportsEveryProblemAtOnce) {
  Json j = BaseConfig();
  j["batch_size"] = -5;
  j["sources"][0].erase("target_pg_schema");
  Table(j)["chunking_column_types"] = {"varchar", "int"};
  Table(j)["disable_index"] = 1;
  auto errors = ConfigErrors(j);
  ASSERT_EQ(errors.size(), 4u) << FormatProblems(errors, true);
  std::string all = FormatProblems(errors, false);
  EXPECT_THAT(all, HasSubstr("batch_size: must be >= 1, got -5"));
  EXPECT_THAT(all, HasSubstr("sources[0].target_pg_schema: required, missing"));
  EXPECT_THAT(all, HasSubstr("sources[0].tables[0].chunking_column_types: 2 types for 1 column"));
  EXPECT_THAT(all, HasSubstr("sources[0].tables[0].disable_index: expected true or false"));
}

TEST(ConfigWarnings, MemoryEstimateAboveLimitWarns) {
  Json j = BaseConfig();
  Table(j)["bytes_per_row"] = 20480;  // 4 x 100000 x 20 KB x 2 = 15625 MB
  auto result = ParseConfig(j.dump());
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_TRUE(result.problems[0].warning);
  EXPECT_EQ(result.problems[0].path, "sources[0].tables[0]");
  EXPECT_THAT(result.problems[0].message, HasSubstr("memory estimate 15625 MB"));
}

TEST(ConfigWarnings, MissingKeyWithoutTruncateWarns) {
  Json j = BaseConfig();
  Table(j).erase("uniqueness_columns");
  auto result = ParseConfig(j.dump());
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].path, "sources[0].tables[0].uniqueness_columns");
}

TEST(ConfigLoadFile, MissingFileIsAClearError) {
  try {
    LoadConfigFile("/nonexistent/config.json");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/config.json: cannot read"));
  }
}

TEST(ConfigLoadFile, AFolderIsNamedAsOne) {
  try {
    LoadConfigFile(::testing::TempDir());
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr(": is a folder, not a configuration file"));
    EXPECT_THAT(e.what(), Not(HasSubstr("JSON")));
  }
}

TEST(ConfigLoadFile, ErrorsArePrefixedWithTheFileName) {
  std::string path = ::testing::TempDir() + "/bad_config.json";
  Json j = BaseConfig();
  j["batch_size"] = 0;
  std::ofstream(path) << j.dump();
  try {
    LoadConfigFile(path);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), path + ": batch_size: must be >= 1, got 0");
  }
}

// --- Every JSON example of the seed documents loads. ---

Json MinimalSource() {
  return Json::parse(R"({"source_name": "analytics", "source_sf_database": "ANALYTICS",
    "source_sf_schema": "BI", "target_pg_database": "conflict_management",
    "target_pg_schema": "analytics_dev", "tables": [{"source": "T", "truncate_onstart": true}]})");
}

TEST(ConfigSeedExamples, GlobalDefaults) {
  Json j = Json::parse(R"({"parallel_threads": 4, "batch_size": 50000,
                           "batch_size_copy_mode": 100000})");
  j["sources"] = Json::array({MinimalSource()});
  EXPECT_TRUE(ParseConfig(j.dump()).ok());
}

TEST(ConfigSeedExamples, GlobalSettings) {
  Json j = Json::parse(R"({"parallel_threads": 4, "batch_size": 50000,
    "batch_size_copy_mode": 100000, "max_retry_attempts": 3,
    "lambda_timeout_buffer_seconds": 120})");
  j["sources"] = Json::array({MinimalSource()});
  auto result = ParseConfig(j.dump());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.config->settings.lambda_timeout_buffer_seconds, 120);
}

TEST(ConfigSeedExamples, PerTableOverrideWithComments) {
  // Verbatim from the seed, comments included.
  std::string table = R"({
  "source": "LARGE_TABLE",
  "parallel_threads": 2,        // Override global
  "batch_size": 30000,          // Override global
  "batch_size_copy_mode": 35000 // Override global
})";
  std::string text = R"({"sources": [{"source_name": "a", "source_sf_database": "D",
    "source_sf_schema": "S", "target_pg_database": "d", "target_pg_schema": "s",
    "tables": [)" + table +
                     "]}]}";
  auto result = ParseConfig(text);
  ASSERT_TRUE(result.ok()) << FormatProblems(result.problems, true);
  EXPECT_EQ(result.config->sources[0].tables[0].batch_size_copy_mode, 35000);
}

TEST(ConfigSeedExamples, TableConfiguration) {
  Json table = Json::parse(R"({
    "enabled": true,
    "source": "DIMPATIENT",
    "target": "dimpatient",
    "source_filter": "\"Source System\" = 'hha' AND \"Status\" = 'Active'",
    "chunking_columns": ["Patient Id"],
    "chunking_column_types": ["varchar"],
    "uniqueness_columns": ["Patient Id"],
    "source_watermark": "Updated Datatimestamp",
    "target_watermark": "Updated Datatimestamp",
    "truncate_onstart": false,
    "disable_index": true
  })");
  Json j;
  j["sources"] = Json::array({MinimalSource()});
  j["sources"][0]["tables"] = Json::array({table});
  auto result = ParseConfig(j.dump());
  ASSERT_TRUE(result.ok()) << FormatProblems(result.problems, true);
  const auto& t = result.config->sources[0].tables[0];
  EXPECT_EQ(t.source_filter, "\"Source System\" = 'hha' AND \"Status\" = 'Active'");
  EXPECT_EQ(t.source_watermark, "Updated Datatimestamp");
  EXPECT_TRUE(t.disable_index);
}

TEST(ConfigSeedExamples, MultiSource) {
  Json j = Json::parse(R"({"sources": [
    {"source_name": "analytics", "source_sf_database": "ANALYTICS", "source_sf_schema": "BI",
     "target_pg_database": "conflict_management", "target_pg_schema": "analytics_dev"},
    {"source_name": "conflict", "source_sf_database": "CONFLICTREPORT",
     "source_sf_schema": "PUBLIC", "target_pg_database": "conflict_management",
     "target_pg_schema": "conflict_dev"}]})");
  // The seed's snippet leaves out the table lists; a loadable config needs them.
  for (auto& s : j["sources"]) s["tables"] = {{{"source", "T"}, {"truncate_onstart", true}}};
  auto result = ParseConfig(j.dump());
  ASSERT_TRUE(result.ok()) << FormatProblems(result.problems, true);
  EXPECT_EQ(result.config->sources.size(), 2u);
  EXPECT_NE(result.config->FindSource("conflict"), nullptr);
}

TEST(ConfigSeedExamples, ExampleConfigOfTheRepositoryLoads) {
  std::vector<Problem> warnings;
  Config c = LoadConfigFile(std::string(SF2PG_SOURCE_DIR) + "/examples/config.json", &warnings);
  EXPECT_GE(c.sources.size(), 2u);
  EXPECT_TRUE(warnings.empty()) << FormatProblems(warnings, true);
}

}  // namespace
}  // namespace sf2pg::config
