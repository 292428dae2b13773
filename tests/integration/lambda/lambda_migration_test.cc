// Migrations through the Lambda runtime against sfemu: graceful `partial` answers before short
// deadlines, and hard kills at the deadline that lose and duplicate nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "integration/files.h"
#include "integration/lambda/runtime_emulator.h"
#include "integration/pg_fixture.h"
#include "integration/sfemu_server.h"

namespace sf2pg::testing {
namespace {

using nlohmann::json;

class LambdaMigrationTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir("sf2pg-lambda-mig"); }

  // Options for a function migrating the demo's FACTVISIT into `database` in small chunks.
  EmulatorOptions Function(const SfemuServer& sfemu, const std::string& database,
                           int buffer_seconds) {
    TestPg::CreateDatabase(database);
    postgres::Connection(TestPg::Params(database))
        .Exec(
            "CREATE TABLE factvisit (visit_id numeric(38,0) PRIMARY KEY, patient_id varchar(36), "
            "visit_date date, amount numeric(12,2), duration_min integer, updated_at timestamp, "
            "created_at timestamptz, notes text, tags jsonb, local_time timestamptz)");
    std::ofstream(dir_ + "/config.json") << json{{"parallel_threads", 2},
                                                 {"batch_size", 500},
                                                 {"batch_size_copy_mode", 500},
                                                 {"lambda_timeout_buffer_seconds", buffer_seconds},
                                                 {"sources",
                                                  {{{"source_name", "analytics"},
                                                    {"source_sf_database", "ANALYTICS"},
                                                    {"source_sf_schema", "BI"},
                                                    {"target_pg_database", TestPg::Db(database)},
                                                    {"target_pg_schema", "public"},
                                                    {"tables",
                                                     {{{"source", "FACTVISIT"},
                                                       {"chunking_columns", {"VISIT_ID"}},
                                                       {"chunking_column_types", {"bigint"}},
                                                       {"uniqueness_columns", {"VISIT_ID"}}}}}}}}}
                                                .dump(2);
    EmulatorOptions options;
    const char* packaged = std::getenv("SF2PG_LAMBDA_BOOTSTRAP");
    options.command = {packaged && *packaged ? packaged : BinaryPath("sf2pg")};
    options.env = TestPg::Env();
    for (const auto& [k, v] : sfemu.Env()) options.env[k] = v;
    options.env["SF2PG_CONFIG"] = dir_ + "/config.json";
    options.log_path = dir_ + "/function.log";
    return options;
  }

  bool Identical() {
    std::map<std::string, std::string> env = options_env_;
    auto r = RunProcess({BinaryPath("sf2pg"), "verify", "--config", dir_ + "/config.json"}, env);
    verify_output_ = r.out + r.err;
    return r.exit_code == 0;
  }

  std::string dir_;
  std::map<std::string, std::string> options_env_;
  std::string verify_output_;
};

TEST_F(LambdaMigrationTest, StopsClaimingBeforeTheDeadlineAndResumesUntilCompleted) {
  // Margins wide enough for a loaded machine: the function stops claiming 2 s before its 5 s
  // timeout, and the load takes several of its invocations.
  SfemuServer sfemu("lambda_sfemu", "demo", 60000, {"--fault-latency-ms", "80"});
  EmulatorOptions options = Function(sfemu, "lambda_graceful", 2);
  options.timeout_ms = 5000;
  options_env_ = options.env;
  RuntimeEmulator emulator(options);
  std::string run_id;
  int partial = 0;
  json last;
  for (int i = 0; i < 40; ++i) {
    auto r = emulator.Invoke(i == 0 ? R"({"action": "migrate", "no_resume": true})"
                                    : R"({"action": "migrate"})");
    ASSERT_TRUE(r.ok) << r.error_type << ": " << r.error_message << "\n"
                      << ReadFileText(options.log_path);
    last = json::parse(r.payload)["body"];
    EXPECT_LT(r.seconds, 5.0);
    if (run_id.empty()) run_id = last["run_id"];
    EXPECT_EQ(last["run_id"], run_id) << "every invocation resumes the same run";
    if (last["status"] != "partial") break;
    ++partial;
    EXPECT_TRUE(last["deadline_reached"].get<bool>());
    EXPECT_TRUE(last["resume_needed"].get<bool>());
  }
  EXPECT_EQ(last["status"], "completed") << last.dump();
  EXPECT_GE(partial, 1) << "the data must need more than one invocation";
  // The log holds CloudWatch Embedded Metric Format lines: per table and invocation, the rows
  // it loaded, which add up to the run's rows; one line per invocation without dimensions.
  int64_t metric_rows = 0, invocations = 0;
  std::istringstream log(ReadFileText(options.log_path));
  for (std::string line; std::getline(log, line);) {
    if (line.find("\"_aws\"") == std::string::npos) continue;
    json document = json::parse(line);
    ASSERT_EQ(document["_aws"]["CloudWatchMetrics"][0]["Namespace"], "sf2pg") << line;
    if (document.contains("Table")) {
      metric_rows += document["Rows"].get<int64_t>();
    } else {
      ++invocations;
    }
  }
  EXPECT_EQ(metric_rows, last["counts"]["rows_total"].get<int64_t>());
  EXPECT_EQ(invocations, partial + 1);
  EXPECT_EQ(emulator.timeouts(), 0);
  EXPECT_EQ(emulator.environments_started(), 1);
  EXPECT_TRUE(Identical()) << verify_output_;
}

TEST_F(LambdaMigrationTest, AHardKillMidChunkLosesAndDuplicatesNothing) {
  // The first two chunk queries (the only statements naming PATIENT_ID) take 8 s more (with enough
  // sfemu executors that they block nothing else).
  SfemuServer sfemu("lambda_sfemu", "demo", 6000,
                    {"--fault-latency-ms", "10", "--executors", "8", "--fault-slow-ms", "8000",
                     "--fault-rule", R"({"match": "PATIENT_ID", "times": 2, "action": "slow"})"});
  EmulatorOptions options = Function(sfemu, "lambda_killed", 1);
  options.timeout_ms = 15000;
  options_env_ = options.env;
  RuntimeEmulator emulator(options);
  // A first invocation whose deadline falls inside those chunks: it claims them at once (it has
  // no chunk timing yet) and Lambda kills it in the middle of them.
  // 5 s leaves time to claim them on a loaded machine.
  auto killed = emulator.Invoke(R"({"action": "migrate", "no_resume": true})", 5000);
  ASSERT_TRUE(killed.timed_out) << killed.payload << "\n" << ReadFileText(options.log_path);
  EXPECT_EQ(killed.error_type, "Sandbox.Timedout");
  postgres::Connection status(TestPg::Params("lambda_killed"));
  EXPECT_GE(status
                .Exec("SELECT count(*) FROM migration_status.migration_chunk_status "
                      "WHERE status = 'in_progress'")
                .GetInt(0, 0),
            1)
      << "the kill must leave a chunk claimed";
  std::string state;
  for (int i = 0; i < 20 && state != "completed"; ++i) {
    auto r = emulator.Invoke(R"({"action": "migrate"})");
    ASSERT_TRUE(r.ok) << r.error_type << ": " << r.error_message << "\n"
                      << ReadFileText(options.log_path);
    state = json::parse(r.payload)["body"]["status"];
  }
  EXPECT_EQ(state, "completed");
  EXPECT_EQ(emulator.timeouts(), 1);
  EXPECT_EQ(emulator.environments_started(), 2);
  EXPECT_TRUE(Identical()) << verify_output_;
}

}  // namespace
}  // namespace sf2pg::testing
