// sf2pg as a user runs it: the built binary against sfemu (the demo data set) and a real
// PostgreSQL. Each strategy and each load method end to end, checked row by row with
// `sf2pg verify`; resume after a failed chunk; two processes on one run; deadlines; progress
// and summaries.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/exit_status.h"
#include "integration/pg_fixture.h"
#include "integration/sfemu_server.h"
#include "postgres/connection.h"

namespace sf2pg::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class E2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { sfemu_ = new SfemuServer("e2e_sfemu", "demo", 20000); }
  static void TearDownTestSuite() {
    delete sfemu_;
    sfemu_ = nullptr;
  }

  void SetUp() override {
    dir_ = MakeTempDir("sf2pg-e2e");
    TestPg::CreateDatabase("e2e_target");
    target_ = std::make_unique<postgres::Connection>(TestPg::Params("e2e_target"));
    sfemu_->SetFaults(R"({"rates": {}, "rules": []})");
  }

  /// Writes a config with one source ANALYTICS.BI (or `schema`) holding `table`.
  void WriteConfig(const json& table, const json& global = json::object(),
                   const std::string& database = "ANALYTICS", const std::string& schema = "BI") {
    json c = {{"parallel_threads", 3},
              {"batch_size", 3000},
              {"batch_size_copy_mode", 3000},
              {"lambda_timeout_buffer_seconds", 0},
              {"sources",
               {{{"source_name", "demo"},
                 {"source_sf_database", database},
                 {"source_sf_schema", schema},
                 {"target_pg_database", "e2e_target"},
                 {"target_pg_schema", "public"},
                 {"tables", {table}}}}}};
    c.update(global);
    std::ofstream(dir_ + "/config.json") << c.dump(2);
  }

  ProcessResult Sf2pg(std::vector<std::string> args) {
    args.insert(args.begin(), BinaryPath("sf2pg"));
    args.push_back("--log-format");
    args.push_back("json");
    auto env = TestPg::Env();
    for (const auto& [k, v] : sfemu_->Env()) env[k] = v;
    return RunProcess(args, env, dir_);
  }

  json Summary(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"migrate", "--summary-json", dir_ + "/summary.json"};
    args.insert(args.end(), extra.begin(), extra.end());
    last_ = Sf2pg(args);
    std::ifstream in(dir_ + "/summary.json");
    json j;
    if (in) in >> j;
    std::remove((dir_ + "/summary.json").c_str());
    return j;
  }

  void ExpectVerified() {
    auto v = Sf2pg({"verify"});
    EXPECT_EQ(v.exit_code, kExitDone) << v.out << v.err;
    EXPECT_THAT(v.out, HasSubstr(": identical ("));
  }

  int64_t Scalar(const std::string& sql) { return target_->Exec(sql).GetInt(0, 0); }

  static SfemuServer* sfemu_;
  std::string dir_;
  std::unique_ptr<postgres::Connection> target_;
  ProcessResult last_;
};

SfemuServer* E2eTest::sfemu_ = nullptr;

struct StrategyCase {
  const char* name;
  const char* table_json;
  const char* strategy;
};

class StrategyTest : public E2eTest, public ::testing::WithParamInterface<StrategyCase> {};

// Each strategy loads with COPY into a new table, then with UPSERT into the loaded one; both
// times the target must equal the source row for row.
TEST_P(StrategyTest, CopyThenUpsertEqualTheSource) {
  WriteConfig(json::parse(GetParam().table_json));
  json first = Summary();
  ASSERT_EQ(last_.exit_code, kExitDone) << last_.out << last_.err;
  ASSERT_EQ(first["tables"].size(), 1u);
  EXPECT_EQ(first["tables"][0]["strategy"], GetParam().strategy);
  // Date chunking always loads with UPSERT (the seed tool's rule); the others start with COPY.
  EXPECT_EQ(first["tables"][0]["method"],
            std::string(GetParam().strategy) == "date_range" ? "UPSERT" : "COPY");
  EXPECT_GT(first["tables"][0]["total_chunks"].get<int>(), 1);
  ExpectVerified();

  // Change the target behind sf2pg's back; the UPSERT run repairs it.
  std::string target = first["tables"][0]["target"];  // e2e_target.public.<table>
  target = target.substr(target.find('.') + 1);
  target_->Exec("DELETE FROM " + target + " WHERE ctid IN (SELECT ctid FROM " + target +
                " LIMIT 25)");
  json second = Summary({"--no-resume"});
  ASSERT_EQ(last_.exit_code, kExitDone) << last_.out << last_.err;
  EXPECT_EQ(second["tables"][0]["method"], "UPSERT");
  ExpectVerified();
}

INSTANTIATE_TEST_SUITE_P(
    Strategies, StrategyTest,
    ::testing::Values(
        StrategyCase{"numeric_with_nulls",
                     R"({"source": "FACTVISIT", "chunking_columns": ["AMOUNT"],
                         "chunking_column_types": ["numeric"], "uniqueness_columns": ["VISIT_ID"],
                         "chunking_strategy": "numeric_range"})",
                     "numeric_range"},
        StrategyCase{"date_tz_with_nulls",
                     R"({"source": "FACTVISIT", "chunking_columns": ["LOCAL_TIME"],
                         "uniqueness_columns": ["VISIT_ID"], "chunking_strategy": "date_range"})",
                     "date_range"},
        StrategyCase{"date_shared_watermarks",
                     R"({"source": "FACTVISIT", "chunking_columns": ["UPDATED_AT"],
                         "chunking_column_types": ["timestamp"],
                         "uniqueness_columns": ["VISIT_ID"], "batch_size_copy_mode": 700})",
                     "date_range"},
        StrategyCase{"text_key_ranges",
                     R"({"source": "FACTVISIT", "chunking_columns": ["PATIENT_ID"],
                         "chunking_column_types": ["varchar"],
                         "uniqueness_columns": ["VISIT_ID"]})",
                     "key_range"},
        StrategyCase{"grouped_values_with_nulls",
                     R"({"source": "FACTVISIT", "chunking_columns": ["NOTES"],
                         "uniqueness_columns": ["VISIT_ID"],
                         "chunking_strategy": "grouped_values"})",
                     "grouped_values"},
        StrategyCase{"offset",
                     R"({"source": "FACTVISIT", "uniqueness_columns": ["VISIT_ID"],
                         "chunking_strategy": "offset"})",
                     "offset"},
        StrategyCase{"uniqueness_only_filtered",
                     R"({"source": "DIMPATIENT", "uniqueness_columns": ["Patient Id"],
                         "source_filter": "\"Status\" <> 'Deleted' AND \"Source System\" = 'hha'",
                         "batch_size_copy_mode": 500})",
                     "key_range"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST_F(E2eTest, DenseDaysAreSplitBelowTheBatchSize) {
  WriteConfig({{"source", "PATIENTADDRESS"},
               {"chunking_columns", {"Updated Timestamp"}},
               {"chunking_column_types", {"timestamp"}},
               {"uniqueness_columns", {"Patient Address Id"}},
               {"batch_size", 400}},
              json::object(), "CONFLICTREPORT", "PUBLIC");
  json s = Summary();
  ASSERT_EQ(last_.exit_code, kExitDone) << last_.err;
  EXPECT_EQ(s["tables"][0]["method"], "UPSERT");  // date chunking loads with UPSERT
  // No chunk is larger than the batch, although some days hold far more rows than that.
  EXPECT_EQ(Scalar("SELECT count(*) FROM migration_status.migration_chunk_status WHERE "
                   "rows_copied > 400"),
            0);
  EXPECT_GT(Scalar("SELECT max(n) FROM (SELECT count(*) AS n FROM patientaddress GROUP BY "
                   "date_trunc('day', \"Updated Timestamp\")) x"),
            1000);
  ExpectVerified();
}

}  // namespace
}  // namespace sf2pg::testing
