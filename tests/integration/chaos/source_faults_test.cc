// The Snowflake side failing under a migration: sfemu injects HTTP 429, 500 and 503, resets
// connections in the middle of partitions and truncates gzip bodies, 5 % of requests each. The
// migration still ends exact, and the retries are counted in its summary.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "core/exit_status.h"
#include "integration/chaos/chaos_fixture.h"
#include "integration/files.h"

namespace sf2pg::testing {
namespace {

using nlohmann::json;

TEST(ChaosSource, FaultsOnFivePercentOfRequestsEachStillGiveAnExactTarget) {
  const int rows = EnvInt("SF2PG_CHAOS_FAULT_ROWS", 50000);
  std::vector<std::string> faults = {"--seed", std::to_string(EnvInt("SF2PG_CHAOS_SEED", 11))};
  for (const char* kind : {"429", "500", "503", "reset", "truncated_gzip"}) {
    faults.push_back("--fault-rate");
    faults.push_back(std::string(kind) + "=0.05");
  }
  // Partitions of ~60 kB so that every chunk has several to reset or truncate.
  for (const char* option :
       {"--partition-first-bytes=30000", "--partition-max-bytes=60000", "--fault-retry-after=0"}) {
    faults.push_back(option);
  }
  SceneOptions options;
  options.name = "chaos_source";
  options.rows = rows;
  options.batch_rows = rows / 20;
  options.sfemu_args = faults;
  Scene scene(options);
  std::string summary = scene.dir() + "/summary.json";
  auto r = scene.Sf2pg({"migrate", "--log-format", "json", "--summary-json", summary});
  // A chunk whose every attempt met a fault fails; the resume completes it.
  for (int i = 0; i < 3 && r.exit_code == kExitFailed; ++i) {
    r = scene.Sf2pg({"migrate", "--log-format", "json"});
  }
  ASSERT_EQ(r.exit_code, kExitDone) << r.out << r.err.substr(0, 4000);

  json s = ReadJsonFile(summary);
  ASSERT_TRUE(s.is_object());
  ASSERT_EQ(s["tables"].size(), 1u);
  int64_t source_retries = s["tables"][0]["source_retries"];
  int64_t retries = s["totals"]["retries"];
  json stats = json::parse(scene.sfemu().Stats());
  json injected = stats["faults_injected"];
  std::cout << "[ chaos    ] faults injected " << injected.dump() << "; summary: source_retries "
            << source_retries << ", retries " << retries << "\n";
  for (const char* kind : {"429", "500", "503", "reset", "truncated_gzip"}) {
    EXPECT_GT(injected.value(kind, 0), 0) << kind << " was never injected: " << injected.dump();
  }
  EXPECT_GT(source_retries, 0);
  EXPECT_GE(retries, source_retries);
  // Every retry was visible as a warning naming what failed.
  EXPECT_NE(r.err.find("transient Snowflake error; retrying"), std::string::npos);

  EXPECT_EQ(scene.TargetRows(), rows);
  EXPECT_EQ(scene.DistinctKeys(), rows);
  scene.sfemu().SetFaults(R"({"rates": {}})");  // verify reads the whole table at once
  auto verdict = scene.Verify();
  EXPECT_TRUE(verdict["identical"].get<bool>()) << verdict.dump(2);
  EXPECT_EQ(verdict["source_rows"], rows);
}

}  // namespace
}  // namespace sf2pg::testing
