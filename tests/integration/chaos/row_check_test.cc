// Planned against copied rows, end to end: the source changes between the plan (a run that
// reaches its deadline at once, planned but with nothing loaded) and the load (the resume).
// Rows deleted in between are a shortfall: the run completes, but the summary, the log,
// --summary-json and `sf2pg status` say so, and the exit status is 4. Rows added in between
// land in the open-ended last chunk and are reported, with exit 0.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "core/exit_status.h"
#include "integration/chaos/chaos_fixture.h"
#include "integration/files.h"

namespace sf2pg::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

SceneOptions Options(const std::string& name) {
  SceneOptions options;
  options.name = name;
  options.rows = 3000;
  options.batch_rows = 1000;
  options.workers = 2;
  return options;
}

// Opens and plans the run without loading a chunk (the deadline has passed before any claim).
void PlanOnly(const Scene& scene) {
  auto r = scene.Sf2pg({"migrate", "--deadline", "0.001", "--log-format", "json"});
  ASSERT_EQ(r.exit_code, kExitResumable) << r.out << r.err;
  ASSERT_EQ(scene.TargetRows(), 0);
  ASSERT_GE(scene.Scalar("SELECT count(*) FROM migration_status.migration_chunk_status"), 3);
}

TEST(RowCheck, RowsLostBetweenPlanAndLoadEndInExit4AndEveryReportSaysSo) {
  Scene scene(Options("row_short"));
  PlanOnly(scene);
  // 100 rows of the middle chunk disappear from the source after planning.
  scene.sfemu().Sql(
      "DELETE FROM BENCH.PUBLIC.PATIENTS WHERE PATIENT_ID > 1200 AND PATIENT_ID "
      "<= 1300");
  std::string summary = scene.dir() + "/summary.json";
  auto r = scene.Sf2pg({"migrate", "--log-format", "json", "--summary-json", summary});
  EXPECT_EQ(r.exit_code, kExitShortfall) << r.out << r.err;
  EXPECT_EQ(scene.TargetRows(), 2900);
  // The summary text.
  EXPECT_THAT(r.out, HasSubstr("completed with a shortfall: run sf2pg verify"));
  EXPECT_THAT(r.out, HasSubstr("BENCH.PUBLIC.PATIENTS: SHORTFALL: 2,900 rows copied, 3,000 "
                               "planned: 100 rows missing (short chunks: 2)"));
  EXPECT_THAT(r.out, HasSubstr("sf2pg verify --tables PATIENTS"));
  // The log.
  EXPECT_THAT(r.err, HasSubstr("fewer rows copied than planned; run sf2pg verify"));
  EXPECT_THAT(r.err, HasSubstr("\"missing\":100"));
  // --summary-json.
  json s = ReadJsonFile(summary);
  ASSERT_TRUE(s.is_object()) << r.out;
  EXPECT_EQ(s["status"], "completed");
  EXPECT_EQ(s["exit_status"].get<int>(), kExitShortfall);
  EXPECT_EQ(s["shortfall"], true);
  EXPECT_EQ(s["verify_tables"], json::array({"BENCH.PUBLIC.PATIENTS"}));
  json check = s["tables"][0]["row_check"];
  EXPECT_EQ(check["planned"], 3000);
  EXPECT_EQ(check["copied"], 2900);
  EXPECT_EQ(check["difference"], -100);
  EXPECT_EQ(check["verdict"], "shortfall");
  EXPECT_EQ(check["short_chunks"], json::array({2}));
  // sf2pg status, as text and JSON, from the table's metadata.
  std::string run_id = s["run_id"];
  auto status = scene.Sf2pg({"status", "--run-id", run_id});
  EXPECT_EQ(status.exit_code, kExitDone) << status.err;
  EXPECT_THAT(status.out, HasSubstr("100 SHORT"));
  EXPECT_THAT(status.out, HasSubstr("2,900 rows copied of 3,000 planned; run `sf2pg verify "
                                    "--tables PATIENTS`"));
  auto status_json = scene.Sf2pg({"status", "--run-id", run_id, "--json"});
  json view = json::parse(status_json.out, nullptr, false);
  ASSERT_TRUE(view.is_object()) << status_json.out << status_json.err;
  EXPECT_EQ(view["tables"][0]["row_check"]["verdict"], "shortfall");
  EXPECT_EQ(view["verify_tables"], json::array({"BENCH.PUBLIC.PATIENTS"}));
  auto runs = scene.Sf2pg({"status"});
  EXPECT_THAT(runs.out, HasSubstr("completed, rows short"));
  // And verify agrees: the target equals the source as it is now.
  EXPECT_TRUE(scene.Verify()["identical"].get<bool>());
}

TEST(RowCheck, RowsAddedBetweenPlanAndLoadAreReportedWithExit0) {
  Scene scene(Options("row_more"));
  PlanOnly(scene);
  for (int id : {900001, 900002, 900003}) {
    scene.sfemu().Sql("INSERT INTO BENCH.PUBLIC.PATIENTS (PATIENT_ID, FIRST_NAME) SELECT " +
                      std::to_string(id) + ", 'late'");
  }
  std::string summary = scene.dir() + "/summary.json";
  auto r = scene.Sf2pg({"migrate", "--log-format", "json", "--summary-json", summary});
  EXPECT_EQ(r.exit_code, kExitDone) << r.out << r.err;
  EXPECT_EQ(scene.TargetRows(), 3003);
  EXPECT_THAT(r.out, HasSubstr("BENCH.PUBLIC.PATIENTS: 3,003 rows copied, 3,000 planned: 3 more "
                               "(rows added to the source after planning)"));
  EXPECT_THAT(r.out, Not(HasSubstr("shortfall")));
  EXPECT_THAT(r.err, HasSubstr("more rows copied than planned"));
  json s = ReadJsonFile(summary);
  ASSERT_TRUE(s.is_object()) << r.out;
  EXPECT_EQ(s["exit_status"].get<int>(), kExitDone);
  EXPECT_EQ(s["shortfall"], false);
  EXPECT_EQ(s["tables"][0]["row_check"]["verdict"], "more");
  EXPECT_EQ(s["tables"][0]["row_check"]["difference"], 3);
}

}  // namespace
}  // namespace sf2pg::testing
