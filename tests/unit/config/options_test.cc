// The config options kept as enums: their text in config.json, both ways, and how the loader
// reads them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "config/config.h"
#include "config/hash.h"
#include "config/load.h"

namespace sf2pg::config {
namespace {

using Json = nlohmann::json;
using ::testing::HasSubstr;

template <typename E, size_t N, typename Parse>
void ExpectRoundTrip(const EnumNames<E, N>& names, Parse parse) {
  std::set<std::string_view> seen;
  for (const auto& n : names) {
    EXPECT_TRUE(seen.insert(n.text).second) << "duplicate name " << n.text;
    EXPECT_EQ(ToString(n.value), n.text);
    EXPECT_EQ(parse(n.text), n.value) << n.text;
  }
}

template <typename Parse>
void ExpectRejected(Parse parse, const std::string& text, const std::string& message) {
  try {
    parse(text);
    ADD_FAILURE() << "\"" << text << "\" was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), message);
  }
}

TEST(ConfigOptions, ChunkingStrategyRoundTrip) {
  ExpectRoundTrip(kChunkingStrategyNames, ParseChunkingStrategy);
  EXPECT_EQ(ParseChunkingStrategy("grouped_values"), ChunkingStrategy::kGroupedValues);
  EXPECT_EQ(ToString(ChunkingStrategy::kNumericRange), "numeric_range");
  ExpectRejected(ParseChunkingStrategy, "hash",
                 "unknown chunking strategy \"hash\" (allowed: auto, single, numeric_range, "
                 "date_range, key_range, offset, grouped_values)");
  ExpectRejected(ParseChunkingStrategy, "",
                 "unknown chunking strategy \"\" (allowed: auto, single, numeric_range, "
                 "date_range, key_range, offset, grouped_values)");
}

TEST(ConfigOptions, IdentifierCaseRoundTrip) {
  ExpectRoundTrip(kIdentifierCaseNames, ParseIdentifierCase);
  ExpectRejected(ParseIdentifierCase, "upper",
                 "unknown identifier case \"upper\" (allowed: lower, preserve)");
  ExpectRejected(ParseIdentifierCase, "Lower",
                 "unknown identifier case \"Lower\" (allowed: lower, preserve)");
}

TEST(ConfigOptions, OnBadRowRoundTrip) {
  ExpectRoundTrip(kOnBadRowNames, ParseOnBadRow);
  ExpectRejected(ParseOnBadRow, "skip",
                 "unknown on_bad_row value \"skip\" (allowed: fail, reject)");
}

Json OneTable(const Json& table) {
  return {{"sources",
           {{{"source_name", "s"},
             {"source_sf_database", "DB"},
             {"source_sf_schema", "SC"},
             {"target_pg_database", "pg"},
             {"target_pg_schema", "public"},
             {"tables", {table}}}}}};
}

TEST(ConfigOptions, LoaderReadsTheTextsIntoEnums) {
  auto result = ParseConfig(OneTable({{"source", "T"},
                                      {"chunking_columns", {"ID"}},
                                      {"uniqueness_columns", {"ID"}},
                                      {"chunking_strategy", "grouped_values"},
                                      {"identifier_case", "preserve"},
                                      {"on_bad_row", "reject"}})
                                .dump());
  ASSERT_TRUE(result.ok()) << FormatProblems(result.problems, true);
  const TableConfig& t = result.config->sources[0].tables[0];
  EXPECT_EQ(t.chunking_strategy, ChunkingStrategy::kGroupedValues);
  EXPECT_EQ(t.identifier_case, IdentifierCase::kPreserve);
  EXPECT_EQ(ParseOnBadRow(t.on_bad_row), OnBadRow::kReject);
  EXPECT_EQ(t.target, "T");  // preserve keeps the upper-case name

  // The canonical form (and so the config hash of stored runs) holds the texts, not numbers.
  std::string canonical = CanonicalJson(*result.config);
  EXPECT_THAT(canonical, HasSubstr(R"("chunking_strategy":"grouped_values")"));
  EXPECT_THAT(canonical, HasSubstr(R"("identifier_case":"preserve")"));
  EXPECT_THAT(canonical, HasSubstr(R"("on_bad_row":"reject")"));
}

TEST(ConfigOptions, LoaderDefaults) {
  auto result = ParseConfig(OneTable({{"source", "T"}, {"uniqueness_columns", {"ID"}}}).dump());
  ASSERT_TRUE(result.ok()) << FormatProblems(result.problems, true);
  const TableConfig& t = result.config->sources[0].tables[0];
  EXPECT_EQ(t.chunking_strategy, ChunkingStrategy::kAuto);
  EXPECT_EQ(t.identifier_case, IdentifierCase::kLower);
  EXPECT_EQ(t.on_bad_row, "fail");
  EXPECT_EQ(t.target, "t");  // lower: an unquoted Snowflake name becomes lower case
  EXPECT_THAT(CanonicalJson(*result.config), HasSubstr(R"("chunking_strategy":"auto")"));
}

TEST(ConfigOptions, LoaderRejectsUnknownTextsWithTheAllowedOnes) {
  auto result = ParseConfig(OneTable({{"source", "T"},
                                      {"uniqueness_columns", {"ID"}},
                                      {"on_bad_row", "rejekt"},
                                      {"chunking_strategy", "Offset"}})
                                .dump());
  ASSERT_FALSE(result.ok());
  std::vector<std::string> errors;
  for (const auto& p : result.problems)
    if (!p.warning) errors.push_back(p.path + ": " + p.message);
  EXPECT_THAT(errors, ::testing::UnorderedElementsAre(
                          "sources[0].tables[0].on_bad_row: \"rejekt\" is not one of fail, "
                          "reject; did you mean \"reject\"?",
                          ::testing::StartsWith("sources[0].tables[0].chunking_strategy: "
                                                "\"Offset\" is not one of auto, single, ")));
}

}  // namespace
}  // namespace sf2pg::config
