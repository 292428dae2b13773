#include "config/hash.h"

#include <gtest/gtest.h>

#include "config/load.h"

namespace sf2pg::config {
namespace {

const char* kConfig = R"({
  "batch_size": 40000,
  "parallel_threads": 4,
  "sources": [{
    "source_name": "analytics", "source_sf_database": "ANALYTICS", "source_sf_schema": "BI",
    "target_pg_database": "cm", "target_pg_schema": "analytics_dev",
    "tables": [{"source": "DIMPATIENT", "chunking_columns": ["ID"],
                "chunking_column_types": ["bigint"], "uniqueness_columns": ["ID"]}]
  }]
})";

// The same configuration, keys reordered and reformatted.
const char* kReordered = R"({"sources":[{"tables":[{"uniqueness_columns":["ID"],
  "chunking_column_types":["bigint"],"chunking_columns":["ID"],"source":"DIMPATIENT"}],
  "target_pg_schema":"analytics_dev","target_pg_database":"cm","source_sf_schema":"BI",
  "source_sf_database":"ANALYTICS","source_name":"analytics"}],
  "parallel_threads":4,          "batch_size":40000})";

std::string HashOf(const std::string& text) {
  auto result = ParseConfig(text);
  EXPECT_TRUE(result.ok()) << FormatProblems(result.problems, true);
  return result.ok() ? result.config->config_hash : "";
}

TEST(ConfigHash, Md5MatchesKnownValue) {
  EXPECT_EQ(Md5Hex("Snowflake"), "edf1439075a83a447fb8b630ddc9c8de");
}

TEST(ConfigHash, ReorderedAndReformattedFilesHashTheSame) {
  EXPECT_EQ(HashOf(kConfig), HashOf(kReordered));
}

TEST(ConfigHash, OneChangedValueChangesTheHash) {
  std::string changed = kConfig;
  changed.replace(changed.find("40000"), 5, "40001");
  EXPECT_NE(HashOf(kConfig), HashOf(changed));
  std::string renamed = kConfig;
  renamed.replace(renamed.find("analytics_dev"), 13, "analytics_prd");
  EXPECT_NE(HashOf(kConfig), HashOf(renamed));
}

TEST(ConfigHash, KeepTzOffsetChangesTheTargetSoItChangesTheHash) {
  std::string on = kConfig;
  on.replace(on.find("\"source\": \"DIMPATIENT\""), 22,
             "\"source\": \"DIMPATIENT\", \"keep_tz_offset\": true");
  EXPECT_NE(HashOf(kConfig), HashOf(on));
  // Off is the default: writing it out keeps the hash of a run started without it.
  std::string off = kConfig;
  off.replace(off.find("\"source\": \"DIMPATIENT\""), 22,
              "\"source\": \"DIMPATIENT\", \"keep_tz_offset\": false");
  EXPECT_EQ(HashOf(kConfig), HashOf(off));
}

TEST(ConfigHash, ExecutionKnobsDoNotChangeTheHash) {
  // Lowering the thread count after an out-of-memory stop must still resume the run.
  std::string fewer = kConfig;
  fewer.replace(fewer.find("\"parallel_threads\": 4"), 21, "\"parallel_threads\": 2");
  EXPECT_EQ(HashOf(kConfig), HashOf(fewer));
}

TEST(ConfigHash, ExecutionHashDependsOnSortedSources) {
  std::string h = HashOf(kConfig);
  EXPECT_EQ(ExecutionHash(h, {"b", "a"}), ExecutionHash(h, {"a", "b"}));
  EXPECT_NE(ExecutionHash(h, {"analytics"}), ExecutionHash(h, {"conflict"}));
  EXPECT_NE(ExecutionHash(h, {"analytics"}), ExecutionHash(h + "0", {"analytics"}));
  EXPECT_EQ(ExecutionHash(h, {"analytics"}).size(), 32u);
}

}  // namespace
}  // namespace sf2pg::config
