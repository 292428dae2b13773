// sf2pg as a user runs it: the built binary against sfemu (the demo data set) and a real
// PostgreSQL. Each strategy and each load method end to end, checked row by row with
// `sf2pg verify`; resume after a failed chunk; two processes on one run; deadlines; progress
// and summaries.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pty.h>
#include <sys/wait.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "core/error.h"
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
                 {"target_pg_database", TestPg::Db("e2e_target")},
                 {"target_pg_schema", "public"},
                 {"tables", {table}}}}}};
    c.update(global);
    std::ofstream(dir_ + "/config.json") << c.dump(2);
  }

  ProcessResult Sf2pg(std::vector<std::string> args) {
    return RunSf2pg(*sfemu_, std::move(args), dir_);
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
    ::testing::Values(StrategyCase{"numeric_with_nulls",
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

// NUMBER(38,0) values at both ends of the type: their span has 39 digits, more than NUMBER(38)
// or a signed 128-bit integer holds. Chunked two rows at a time, with and without a key,
// every row lands exactly once.
TEST_F(E2eTest, Number38ExtremesLandExactlyOnceWithAndWithoutAKey) {
  const std::string max = "99999999999999999999999999999999999999";
  const std::vector<std::string> values = {"-" + max, "-" + max, "-" + max.substr(1) + "8", "-1",
                                           "0",       "1",       max.substr(1) + "8",       max,
                                           max};
  sfemu_->Sql("CREATE DATABASE IF NOT EXISTS EXTREMES");
  sfemu_->Sql("CREATE SCHEMA IF NOT EXISTS EXTREMES.NUMS");
  for (bool keyed : {false, true}) {
    SCOPED_TRACE(keyed ? "keyed" : "keyless");
    std::string name = keyed ? "BIG_KEYED" : "BIG_KEYLESS";
    sfemu_->Sql("CREATE TABLE EXTREMES.NUMS." + name + " (ID NUMBER(9,0), V NUMBER(38,0))");
    std::string insert;
    for (size_t i = 0; i < values.size(); ++i) {
      insert += (i ? ", (" : "(") + std::to_string(i + 1) + ", " + values[i] + ")";
    }
    sfemu_->Sql("INSERT INTO EXTREMES.NUMS." + name + " (ID, V) VALUES " + insert);
    json table = {{"source", name},
                  {"chunking_columns", {"V"}},
                  {"chunking_column_types", {"numeric"}},
                  {"batch_size", 2},
                  {"batch_size_copy_mode", 2}};
    if (keyed) table["uniqueness_columns"] = {"ID"};
    WriteConfig(table, json::object(), "EXTREMES", "NUMS");
    json summary = Summary();
    ASSERT_EQ(last_.exit_code, kExitDone) << last_.out << last_.err;
    EXPECT_EQ(summary["tables"][0]["strategy"], "numeric_range");
    EXPECT_GT(summary["tables"][0]["total_chunks"].get<int>(), 2);
    std::string target = "public." + std::string(keyed ? "big_keyed" : "big_keyless");
    EXPECT_EQ(Scalar("SELECT count(*) FROM " + target), 9);
    EXPECT_EQ(Scalar("SELECT count(DISTINCT id) FROM " + target), 9);
    EXPECT_EQ(Scalar("SELECT count(*) FROM " + target + " WHERE v = " + max), 2);
    EXPECT_EQ(Scalar("SELECT count(*) FROM " + target + " WHERE v = -" + max), 2);
    ExpectVerified();
  }
}

// Chunk boundaries fall between values that differ only in fraction digits 7-9: every row must
// still be read exactly once (the target then holds them rounded to microseconds).
TEST_F(E2eTest, TimestampsDifferingInNanosecondsAreReadExactlyOnce) {
  const std::vector<std::string> values = {
      "1969-12-31 23:59:59.999999999", "2023-07-14 09:30:15.123456001",
      "2023-07-14 09:30:15.123456499", "2023-07-14 09:30:15.1234565",
      "2023-07-14 09:30:15.1234565",   "2023-07-14 09:30:15.123456501",
      "2023-07-14 09:30:15.123456999", "2023-07-14 09:30:15.123457",
      "2023-07-14 23:59:59.999999999", "2023-07-15 00:00:00.000000001"};
  sfemu_->Sql("CREATE DATABASE IF NOT EXISTS NANOS");
  sfemu_->Sql("CREATE SCHEMA IF NOT EXISTS NANOS.TS");
  sfemu_->Sql("CREATE OR REPLACE TABLE NANOS.TS.EVENTS (ID NUMBER(9,0), T TIMESTAMP_NTZ(9))");
  std::string insert;
  for (size_t i = 0; i < values.size(); ++i) {
    insert += (i ? ", (" : "(") + std::to_string(i + 1) + ", '" + values[i] + "')";
  }
  sfemu_->Sql("INSERT INTO NANOS.TS.EVENTS (ID, T) VALUES " + insert);
  WriteConfig({{"source", "EVENTS"},
               {"chunking_columns", {"T"}},
               {"chunking_column_types", {"timestamp"}},
               {"uniqueness_columns", {"ID"}},
               {"batch_size", 2}},
              json::object(), "NANOS", "TS");
  json summary = Summary();
  ASSERT_EQ(last_.exit_code, kExitDone) << last_.out << last_.err;
  EXPECT_GT(summary["tables"][0]["total_chunks"].get<int>(), 2);
  // Each row in exactly one chunk (UPSERT would hide a row read twice; the chunk counts do not).
  EXPECT_EQ(Scalar("SELECT sum(rows_copied) FROM migration_status.migration_chunk_status"), 10);
  EXPECT_EQ(Scalar("SELECT count(*) FROM public.events"), 10);
  // Digits 7-9 round half to even: .1234565 -> .123456, .123456501 -> .123457.
  EXPECT_EQ(Scalar("SELECT count(*) FROM public.events WHERE t = '2023-07-14 09:30:15.123456'"), 4);
  EXPECT_EQ(Scalar("SELECT count(*) FROM public.events WHERE t = '2023-07-14 09:30:15.123457'"), 3);
  EXPECT_EQ(Scalar("SELECT count(*) FROM public.events WHERE t = '2023-07-15 00:00:00'"), 2);
  EXPECT_EQ(Scalar("SELECT count(*) FROM public.events WHERE t = '1970-01-01 00:00:00'"), 1);
  ExpectVerified();
}

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

json FactVisit(const json& extra = json::object()) {
  json t = {{"source", "FACTVISIT"},
            {"chunking_columns", {"VISIT_ID"}},
            {"uniqueness_columns", {"VISIT_ID"}},
            {"truncate_onstart", true}};
  t.update(extra);
  return t;
}

TEST_F(E2eTest, AFailedChunkIsReportedAndOnlyItRunsOnResume) {
  WriteConfig(FactVisit());
  // The first chunk (the only one whose predicate opens with an upper bound) fails once with a
  // permanent SQL error.
  sfemu_->SetFaults(R"js({"rules": [{"match": "WHERE \\(\"VISIT_ID\" <", "times": 1,
      "action": "422", "code": "100051", "sql_state": "22012", "message": "Division by zero"}]})js");
  json failed = Summary();
  EXPECT_EQ(last_.exit_code, kExitFailed) << last_.out << last_.err;
  EXPECT_EQ(failed["status"], "failed");
  EXPECT_EQ(failed["tables"][0]["failed_chunks"], 1);
  EXPECT_THAT(failed["tables"][0]["errors"][0].get<std::string>(), HasSubstr("Division by zero"));

  auto status = Sf2pg({"status", "--run-id", failed["run_id"]});
  EXPECT_EQ(status.exit_code, kExitDone);
  EXPECT_THAT(status.out, HasSubstr("failed chunks:"));
  EXPECT_THAT(status.out, HasSubstr("Division by zero"));
  auto status_json = json::parse(Sf2pg({"status", "--run-id", failed["run_id"], "--json"}).out);
  EXPECT_EQ(status_json["failed_chunks"].size(), 1u);

  json resumed = Summary();
  ASSERT_EQ(last_.exit_code, kExitDone) << last_.out << last_.err;
  EXPECT_EQ(resumed["run_id"], failed["run_id"]);
  EXPECT_TRUE(resumed["resumed"].get<bool>());
  int64_t total = resumed["tables"][0]["rows_total"];
  int64_t now = resumed["tables"][0]["rows"];
  EXPECT_EQ(total, 20000);
  EXPECT_GT(now, 0);
  EXPECT_LE(now, 3000);  // only the failed chunk ran again
  EXPECT_EQ(Scalar("SELECT count(*) FROM factvisit"), 20000);
  ExpectVerified();
}

TEST_F(E2eTest, ASecondProcessJoinsTheRunAndTheyShareTheChunks) {
  WriteConfig(FactVisit({{"batch_size_copy_mode", 1000}, {"parallel_threads", 2}}));
  // The first two chunk reads (SELECTs with an ORDER BY that are not statistics) take 4 s more:
  // whichever process made them, the first one is still loading when the second one joins, so
  // the second one claims chunks however fast the machine is.
  sfemu_->SetFaults(R"js({"slow_ms": 4000, "rules": [{"match":
      "^(?!.*(ROW_NUMBER|COUNT\\()).*ORDER BY", "times": 2, "action": "slow"}]})js");
  std::thread first([&] {
    auto r = Sf2pg({"migrate", "--summary-json", dir_ + "/first.json"});
    EXPECT_EQ(r.exit_code, kExitDone) << r.err;
  });
  std::string run_id;
  for (int i = 0; i < 400 && run_id.empty(); ++i) {
    try {
      // Chunks exist once the table is planned (its status row exists from the run's start).
      auto r =
          target_->Exec("SELECT run_id::text FROM migration_status.migration_chunk_status LIMIT 1");
      if (r.rows() > 0) run_id = std::string(r.Get(0, 0));
    } catch (const Error&) {
    }
    if (run_id.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  auto second =
      Sf2pg({"migrate", "--join-run-id", run_id, "--summary-json", dir_ + "/second.json"});
  first.join();
  EXPECT_EQ(second.exit_code, kExitDone) << second.err;
  json a, b;
  std::ifstream(dir_ + "/first.json") >> a;
  std::ifstream(dir_ + "/second.json") >> b;
  EXPECT_EQ(a["run_id"], b["run_id"]);
  int64_t ra = a["tables"][0]["rows"], rb = b["tables"][0]["rows"];
  EXPECT_GT(rb, 0);
  EXPECT_EQ(ra + rb, 20000);  // every chunk loaded exactly once between them
  ExpectVerified();
}

TEST_F(E2eTest, ADeadlineEndsPartialWithExit3AndTheNextRunCompletes) {
  WriteConfig(FactVisit({{"batch_size_copy_mode", 1000}, {"parallel_threads", 1}}),
              {{"lambda_timeout_buffer_seconds", 1}});
  // 20 chunks of at least 400 ms each outlast the deadline, which leaves time for the first
  // chunks even on a loaded machine.
  sfemu_->SetFaults(R"({"latency_ms": 400})");
  auto partial = Sf2pg({"migrate", "--deadline", "6"});
  EXPECT_EQ(partial.exit_code, kExitResumable) << partial.out << partial.err;
  EXPECT_THAT(partial.out, HasSubstr("partial"));
  EXPECT_THAT(partial.out, HasSubstr("Run the same command again to resume it"));
  int64_t loaded = Scalar("SELECT count(*) FROM factvisit");
  EXPECT_GT(loaded, 0);
  EXPECT_LT(loaded, 20000);
  sfemu_->SetFaults(R"({})");
  auto done = Sf2pg({"migrate"});
  EXPECT_EQ(done.exit_code, kExitDone) << done.err;
  EXPECT_THAT(done.out, HasSubstr("(resumed)"));
  ExpectVerified();
}

TEST_F(E2eTest, IncrementalLoadsReadOnlyNewAndChangedRows) {
  WriteConfig(FactVisit({{"truncate_onstart", false},
                         {"source_watermark", "UPDATED_AT"},
                         {"target_watermark", "updated_at"},
                         {"batch_size", 2000}}));
  json first = Summary();
  ASSERT_EQ(last_.exit_code, kExitDone) << last_.err;
  EXPECT_EQ(first["tables"][0]["rows"], 20000);
  // 10% of the rows change (with a newer watermark), and 30 rows arrive, 10 of them with the
  // largest watermark already loaded.
  auto max = sfemu_->Sql("SELECT TO_VARCHAR(MAX(UPDATED_AT)) FROM ANALYTICS.BI.FACTVISIT");
  std::string old_max = max.at(0).at(0);
  sfemu_->Sql(
      "UPDATE ANALYTICS.BI.FACTVISIT SET AMOUNT = 1.25, UPDATED_AT = "
      "'2030-01-01 00:00:00'::TIMESTAMP_NTZ WHERE MOD(VISIT_ID, 10) = 0");
  for (int i = 0; i < 30; ++i) {
    std::string wm =
        i < 10 ? "'" + old_max + "'::TIMESTAMP_NTZ" : "'2030-01-02 00:00:00'::TIMESTAMP_NTZ";
    sfemu_->Sql("INSERT INTO ANALYTICS.BI.FACTVISIT (VISIT_ID, PATIENT_ID, UPDATED_AT) SELECT " +
                std::to_string(900000 + i) + ", 'new', " + wm);
  }
  json second = Summary();
  ASSERT_EQ(last_.exit_code, kExitDone) << last_.err;
  int64_t read = second["tables"][0]["rows"];
  EXPECT_GE(read, 2030);  // the changed and the new rows
  EXPECT_LT(read, 2200);  // and not much more: only rows at or above the old watermark
  EXPECT_LE(second["tables"][0]["total_chunks"].get<int>(), 3);  // the full load took 10
  ExpectVerified();
  // Right after a complete run nothing is new: no chunk is planned.
  json third = Summary();
  ASSERT_EQ(last_.exit_code, kExitDone) << last_.err;
  EXPECT_EQ(third["tables"][0]["total_chunks"], 0);
  EXPECT_LT(third["seconds"].get<double>(), 5.0);
  // Put the source back for the other tests.
  sfemu_->Sql("DELETE FROM ANALYTICS.BI.FACTVISIT WHERE VISIT_ID >= 900000");
}

TEST_F(E2eTest, ProgressIsLoggedAsJsonLinesWithoutATerminal) {
  WriteConfig(FactVisit({{"batch_size_copy_mode", 1000}, {"parallel_threads", 2}}));
  sfemu_->SetFaults(R"({"latency_ms": 60})");
  auto r = Sf2pg({"migrate", "--progress-interval", "0.2", "--summary-json", dir_ + "/s.json"});
  ASSERT_EQ(r.exit_code, kExitDone) << r.err;
  json summary;
  std::ifstream(dir_ + "/s.json") >> summary;
  int lines = 0;
  std::istringstream err(r.err);
  for (std::string line; std::getline(err, line);) {
    auto j = json::parse(line, nullptr, false);
    if (j.is_discarded() || j.value("msg", "") != "progress") continue;
    ++lines;
    EXPECT_EQ(j["table"], "ANALYTICS.BI.FACTVISIT");
    EXPECT_EQ(j["chunks_total"], summary["tables"][0]["total_chunks"]);
    EXPECT_TRUE(j.contains("rows_per_second"));
    EXPECT_TRUE(j.contains("eta_seconds"));
  }
  EXPECT_GE(lines, 2);
  auto quiet = Sf2pg({"migrate", "--quiet", "--no-resume", "--progress-interval", "0.2"});
  EXPECT_EQ(quiet.exit_code, kExitDone);
  EXPECT_EQ(quiet.err.find("\"progress\""), std::string::npos);
  EXPECT_EQ(quiet.out, "");  // a quiet, successful run prints nothing
}

}  // namespace
}  // namespace sf2pg::testing

namespace sf2pg::testing {
namespace {

// Runs `argv` on a pseudo-terminal (stdout and stderr) and returns everything it printed.
std::string RunOnTerminal(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env, const std::string& cwd) {
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  env_strings.push_back("PATH=/usr/bin:/bin");
  env_strings.push_back("TERM=xterm");
  std::vector<char*> envp, args;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  winsize size{};
  size.ws_row = 30;
  size.ws_col = 200;
  int master = -1;
  pid_t pid = forkpty(&master, nullptr, nullptr, &size);
  if (pid == 0) {
    if (chdir(cwd.c_str()) != 0) _exit(127);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  std::string out;
  char buffer[4096];
  ssize_t n;
  while ((n = read(master, buffer, sizeof buffer)) > 0) out.append(buffer, static_cast<size_t>(n));
  close(master);
  waitpid(pid, nullptr, 0);
  return out;
}

TEST_F(E2eTest, OnATerminalProgressRedrawsInPlace) {
  WriteConfig(FactVisit({{"batch_size_copy_mode", 1000}, {"parallel_threads", 2}}));
  sfemu_->SetFaults(R"({"latency_ms": 60})");
  auto env = TestPg::Env();
  for (const auto& [k, v] : sfemu_->Env()) env[k] = v;
  std::string out = RunOnTerminal({BinaryPath("sf2pg"), "migrate"}, env, dir_);
  // Table lines with a bar, chunks, rows and rows/s, erased and drawn again at each update.
  EXPECT_THAT(out, HasSubstr("ANALYTICS.BI.FACTVISIT [#"));
  EXPECT_THAT(out, HasSubstr(" chunks "));
  EXPECT_THAT(out, HasSubstr(" rows/s "));
  EXPECT_THAT(out, HasSubstr("\x1b[1A\x1b[2K"));
  EXPECT_THAT(out, HasSubstr("done"));
  // The summary table follows the display.
  EXPECT_THAT(out, HasSubstr("method  strategy"));
  EXPECT_THAT(out, HasSubstr("completed"));
}

}  // namespace
}  // namespace sf2pg::testing

namespace sf2pg::testing {
namespace {

// The seed's "Concurrent Execution": two processes on two sources at once, each with its own
// run, and each resuming only its own.
TEST_F(E2eTest, TwoProcessesOnDifferentSourcesNeverResumeEachOther) {
  json c = {{"parallel_threads", 2},
            {"batch_size", 2000},
            {"batch_size_copy_mode", 2000},
            {"lambda_timeout_buffer_seconds", 0},
            {"sources",
             {{{"source_name", "analytics"},
               {"source_sf_database", "ANALYTICS"},
               {"source_sf_schema", "BI"},
               {"target_pg_database", TestPg::Db("e2e_target")},
               {"target_pg_schema", "analytics"},
               {"tables", {FactVisit()}}},
              {{"source_name", "conflict"},
               {"source_sf_database", "CONFLICTREPORT"},
               {"source_sf_schema", "PUBLIC"},
               {"target_pg_database", TestPg::Db("e2e_target")},
               {"target_pg_schema", "conflict"},
               {"tables",
                {{{"source", "PATIENTADDRESS"},
                  {"chunking_columns", {"Patient Address Id"}},
                  {"uniqueness_columns", {"Patient Address Id"}},
                  {"truncate_onstart", true}}}}}}}};
  std::ofstream(dir_ + "/config.json") << c.dump(2);
  sfemu_->SetFaults(R"({"latency_ms": 30})");
  ProcessResult a, b;
  std::thread ta([&] {
    a = Sf2pg({"migrate", "--source", "analytics", "--summary-json", dir_ + "/a.json"});
  });
  std::thread tb([&] {
    b = Sf2pg({"migrate", "--source", "conflict", "--summary-json", dir_ + "/b.json"});
  });
  ta.join();
  tb.join();
  ASSERT_EQ(a.exit_code, kExitDone) << a.err;
  ASSERT_EQ(b.exit_code, kExitDone) << b.err;
  json ja, jb;
  std::ifstream(dir_ + "/a.json") >> ja;
  std::ifstream(dir_ + "/b.json") >> jb;
  EXPECT_NE(ja["run_id"], jb["run_id"]);
  EXPECT_EQ(Scalar("SELECT count(*) FROM analytics.factvisit"), 20000);
  EXPECT_EQ(Scalar("SELECT count(*) FROM conflict.patientaddress"), 10000);
  EXPECT_EQ(Scalar("SELECT count(DISTINCT metadata->>'execution_hash') FROM "
                   "migration_status.migration_runs"),
            2);
  // Both runs left unfinished: each source resumes its own run.
  target_->Exec("UPDATE migration_status.migration_runs SET status = 'partial'");
  json ra = Summary({"--source", "analytics"});
  json rb = Summary({"--source", "conflict"});
  EXPECT_EQ(ra["run_id"], ja["run_id"]);
  EXPECT_EQ(rb["run_id"], jb["run_id"]);
  ExpectVerified();
}

// delete_mode: incremental loads carry the source's deletes into the target. Its own suite (a
// ctest entry of its own), on tables of its own in the shared emulator.
class DeleteModeTest : public E2eTest {
 protected:
  // ANALYTICS.BI.<name>: ID 1..rows, all with the same watermark.
  void CreateSource(const std::string& name, int rows = 100) {
    sfemu_->Sql("CREATE OR REPLACE TABLE ANALYTICS.BI." + name +
                " (ID NUMBER(10,0), NAME VARCHAR, UPDATED_AT TIMESTAMP_NTZ)");
    sfemu_->Sql("INSERT INTO ANALYTICS.BI." + name +
                " SELECT SEQ4() + 1, 'n', '2024-01-01 00:00:00'::TIMESTAMP_NTZ FROM "
                "TABLE(GENERATOR(ROWCOUNT => " +
                std::to_string(rows) + "))");
  }
  json Table(const std::string& name, const json& extra) {
    json t = {{"source", name},
              {"uniqueness_columns", {"ID"}},
              {"chunking_columns", {"ID"}},
              {"source_watermark", "UPDATED_AT"},
              {"target_watermark", "updated_at"},
              {"batch_size", 30}};
    t.update(extra);
    return t;
  }
  void TearDown() override {
    sfemu_->Sql("DROP TABLE IF EXISTS ANALYTICS.BI.GONE_HARD");
    sfemu_->Sql("DROP TABLE IF EXISTS ANALYTICS.BI.GONE_SOFT");
    sfemu_->Sql("DROP TABLE IF EXISTS ANALYTICS.BI.GONE_MANY");
    sfemu_->Sql("DROP TABLE IF EXISTS ANALYTICS.BI.GONE_REPAIR");
    sfemu_->Sql("DROP TABLE IF EXISTS ANALYTICS.BI.GONE_NANOS");
  }
  // The fields of the last run's JSON log line whose message contains `message`.
  json LogLine(const std::string& message) {
    json found;
    std::istringstream lines(last_.err);
    for (std::string line; std::getline(lines, line);) {
      if (line.find(message) == std::string::npos) continue;
      found = json::parse(line, nullptr, false);
    }
    return found;
  }
};

TEST_F(DeleteModeTest, HardDeletesVanishedKeysAndRefusesTooManyUnlessAllowed) {
  CreateSource("GONE_HARD");
  WriteConfig(Table("GONE_HARD", {{"delete_mode", "hard"}}));
  auto plan = Sf2pg({"plan"});
  EXPECT_EQ(plan.exit_code, kExitDone) << plan.err;
  EXPECT_THAT(plan.out, HasSubstr("delete_mode hard: the last chunk compares checksums of key "
                                  "ranges, reads the source's keys where they differ and "
                                  "deletes the target rows whose key is gone"));
  json first = Summary();
  ASSERT_EQ(last_.exit_code, kExitDone) << last_.out << last_.err;
  EXPECT_EQ(first["tables"][0]["rows"], 100);
  EXPECT_EQ(first["tables"][0]["rows_deleted"], 0);
  EXPECT_EQ(Scalar("SELECT count(*) FROM gone_hard"), 100);

  // 5 rows leave the source (5 % of the target): the deletes are carried.
  sfemu_->Sql("DELETE FROM ANALYTICS.BI.GONE_HARD WHERE ID <= 5");
  json second = Summary();
  ASSERT_EQ(last_.exit_code, kExitDone) << last_.out << last_.err;
  EXPECT_EQ(second["tables"][0]["rows_deleted"], 5);
  EXPECT_EQ(Scalar("SELECT count(*) FROM gone_hard"), 95);
  EXPECT_EQ(Scalar("SELECT count(*) FROM gone_hard WHERE id <= 5"), 0);
  EXPECT_THAT(last_.out, HasSubstr("5 target rows whose key left the source were deleted"));
  ExpectVerified();

  // 20 more leave (21 % of 95): the run stops before deleting, and says how to go on.
  sfemu_->Sql("DELETE FROM ANALYTICS.BI.GONE_HARD WHERE ID <= 25");
  Summary();
  EXPECT_EQ(last_.exit_code, kExitFailed) << last_.out << last_.err;
  EXPECT_THAT(last_.out + last_.err, HasSubstr("would delete 20 rows of public.gone_hard"));
  EXPECT_THAT(last_.out + last_.err, HasSubstr("--allow-deletes"));
  EXPECT_EQ(Scalar("SELECT count(*) FROM gone_hard"), 95);
  // Confirmed, the failed chunk runs again on resume and deletes them.
  json allowed = Summary({"--allow-deletes"});
  ASSERT_EQ(last_.exit_code, kExitDone) << last_.out << last_.err;
  EXPECT_EQ(allowed["tables"][0]["rows_deleted"], 20);
  EXPECT_EQ(Scalar("SELECT count(*) FROM gone_hard"), 75);
  ExpectVerified();
}

// The delete chunk compares checksums of key ranges first: when no key left, it reads none;
// otherwise only the keys of the ranges that differ.
TEST_F(DeleteModeTest, OnlyTheKeyRangesThatDifferAreRead) {
  CreateSource("GONE_MANY", 20000);
  WriteConfig(Table("GONE_MANY", {{"delete_mode", "hard"}, {"batch_size", 5000}}));
  Summary();
  ASSERT_EQ(last_.exit_code, kExitDone) << last_.out << last_.err;
  EXPECT_EQ(Scalar("SELECT count(*) FROM gone_many"), 20000);
  Summary();
  ASSERT_EQ(last_.exit_code, kExitDone) << last_.out << last_.err;
  json none = LogLine("no key left the source");
  ASSERT_TRUE(none.is_object()) << last_.err;
  EXPECT_THAT(none.dump(), HasSubstr("the checksums of the keys agree"));

  sfemu_->Sql("DELETE FROM ANALYTICS.BI.GONE_MANY WHERE ID IN (10, 15000)");
  json third = Summary();
  ASSERT_EQ(last_.exit_code, kExitDone) << last_.out << last_.err;
  EXPECT_EQ(third["tables"][0]["rows_deleted"], 2);
  EXPECT_EQ(Scalar("SELECT count(*) FROM gone_many WHERE id IN (10, 15000)"), 0);
  EXPECT_EQ(Scalar("SELECT count(*) FROM gone_many"), 19998);
  json deleted = LogLine("deleted rows whose key left the source");
  ASSERT_TRUE(deleted.is_object()) << last_.err;
  EXPECT_THAT(deleted.dump(), HasSubstr("key ranges differ"));
  int64_t read = deleted.value("source_keys", int64_t{-1});
  EXPECT_GT(read, 0);
  EXPECT_LE(read, 8000) << "two leaf ranges at most, not the 19,998 keys";
  ExpectVerified();
}

// verify --repair: an ordinary run reloads the key ranges that differ with UPSERT and deletes
// the extra rows, then the table is verified again.
TEST_F(DeleteModeTest, VerifyRepairReloadsTheRangesThatDifferAndDeletesExtraRows) {
  CreateSource("GONE_REPAIR", 20000);
  WriteConfig({{"source", "GONE_REPAIR"},
               {"uniqueness_columns", {"ID"}},
               {"chunking_columns", {"ID"}},
               {"truncate_onstart", true},
               {"batch_size_copy_mode", 5000}});
  Summary();
  ASSERT_EQ(last_.exit_code, kExitDone) << last_.out << last_.err;
  target_->Exec("UPDATE gone_repair SET name = 'changed' WHERE id = 100");
  target_->Exec("DELETE FROM gone_repair WHERE id = 9000");
  target_->Exec("INSERT INTO gone_repair (id, name, updated_at) VALUES (30000, 'extra', now())");

  auto r = Sf2pg({"verify", "--method", "checksum", "--leaf-rows", "500", "--repair", "--json",
                  "--log-level", "warning"});
  EXPECT_EQ(r.exit_code, kExitDone) << r.out << r.err;
  json j = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_FALSE(j["verify"][0]["identical"].get<bool>());
  EXPECT_EQ(j["verify"][0]["missing"], 1);
  EXPECT_EQ(j["verify"][0]["extra"], 1);
  EXPECT_EQ(j["verify"][0]["changed"], 1);
  const json& repaired = j["repair"]["tables"][0];
  EXPECT_EQ(repaired["method"], "UPSERT");
  EXPECT_EQ(repaired["rows_deleted"], 1);
  EXPECT_GT(repaired["rows"].get<int64_t>(), 0);
  EXPECT_LE(repaired["rows"].get<int64_t>(), 2000) << "the differing ranges, not 20,000 rows";
  EXPECT_TRUE(j["verify_after_repair"][0]["identical"].get<bool>()) << r.out;
  EXPECT_EQ(Scalar("SELECT count(*) FROM gone_repair"), 20000);
  EXPECT_EQ(Scalar("SELECT count(*) FROM gone_repair WHERE id = 100 AND name = 'n'"), 1);
  EXPECT_EQ(Scalar("SELECT count(*) FROM gone_repair WHERE id IN (9000, 30000)"), 1);
  ExpectVerified();
  // A normal migrate afterwards does not resume the repair run.
  json next = Summary();
  ASSERT_EQ(last_.exit_code, kExitDone) << last_.out << last_.err;
  EXPECT_FALSE(next["resumed"].get<bool>());

  // The row method has no ranges: the whole table is reloaded (UPSERT) and the extra row deleted.
  target_->Exec("DELETE FROM gone_repair WHERE id = 7");
  target_->Exec("INSERT INTO gone_repair (id, name, updated_at) VALUES (30001, 'extra', now())");
  auto whole = Sf2pg({"verify", "--method", "rows", "--repair", "--log-level", "warning"});
  EXPECT_EQ(whole.exit_code, kExitDone) << whole.out << whole.err;
  EXPECT_THAT(whole.out, HasSubstr("DIFFERENT"));
  EXPECT_THAT(whole.out, HasSubstr("after the repair:"));
  EXPECT_EQ(Scalar("SELECT count(*) FROM gone_repair"), 20000);
  EXPECT_EQ(Scalar("SELECT count(*) FROM gone_repair WHERE id IN (7, 30001)"), 1);
  ExpectVerified();
}

// A TIMESTAMP_NTZ(9) key: two keys that meet once rounded to microseconds are refused rather
// than merged by the UPSERT; and range bounds with nanoseconds cannot be written alike in both
// engines, so the delete chunk reads every key rather than risk deleting a row still there.
TEST_F(DeleteModeTest, NanosecondKeysAreReadWholeAndMustStayDistinct) {
  sfemu_->Sql(
      "CREATE OR REPLACE TABLE ANALYTICS.BI.GONE_NANOS (TS TIMESTAMP_NTZ(9), "
      "UPDATED_AT TIMESTAMP_NTZ)");
  for (const char* ts : {"2024-01-01 00:00:00.000000001", "2024-01-01 00:00:00.000001500",
                         "2024-01-01 00:00:00.000002500", "2024-01-01 00:00:01.123456789"}) {
    sfemu_->Sql("INSERT INTO ANALYTICS.BI.GONE_NANOS SELECT '" + std::string(ts) +
                "'::TIMESTAMP_NTZ(9), '2024-01-01 00:00:00'::TIMESTAMP_NTZ");
  }
  WriteConfig({{"source", "GONE_NANOS"},
               {"uniqueness_columns", {"TS"}},
               {"source_watermark", "UPDATED_AT"},
               {"target_watermark", "updated_at"},
               {"delete_mode", "hard"},
               {"max_delete_share", 0.5}});
  // .0000015 and .0000025 both round (ties to even) to .000002.
  json failed = Summary();
  EXPECT_EQ(last_.exit_code, kExitFailed) << last_.out << last_.err;
  EXPECT_THAT(last_.out + last_.err,
              HasSubstr("2 source rows have the same key in the target's types (ts=2024-01-01 "
                        "00:00:00.000002)"));
  EXPECT_EQ(Scalar("SELECT count(*) FROM gone_nanos"), 0);
  sfemu_->Sql(
      "DELETE FROM ANALYTICS.BI.GONE_NANOS WHERE TS = "
      "'2024-01-01 00:00:00.0000025'::TIMESTAMP_NTZ(9)");
  // A fresh run: the source lost a row since the failed run's plan.
  auto abandon = Sf2pg({"abandon", failed.value("run_id", "")});
  ASSERT_EQ(abandon.exit_code, kExitDone) << abandon.out << abandon.err;
  Summary();
  ASSERT_EQ(last_.exit_code, kExitDone) << last_.out << last_.err;
  EXPECT_EQ(Scalar("SELECT count(*) FROM gone_nanos"), 3);

  sfemu_->Sql(
      "DELETE FROM ANALYTICS.BI.GONE_NANOS WHERE TS > '2024-01-01 00:00:01'::TIMESTAMP_NTZ");
  json second = Summary();
  ASSERT_EQ(last_.exit_code, kExitDone) << last_.out << last_.err;
  EXPECT_EQ(second["tables"][0]["rows_deleted"], 1);
  EXPECT_EQ(Scalar("SELECT count(*) FROM gone_nanos"), 2);
  json deleted = LogLine("deleted rows whose key left the source");
  ASSERT_TRUE(deleted.is_object()) << last_.err;
  EXPECT_EQ(deleted.value("how", ""), "every key of the source read");
  EXPECT_EQ(deleted.value("source_keys", int64_t{-1}), 2);
}

TEST_F(DeleteModeTest, SoftMarksVanishedKeysAndUnmarksKeysThatComeBack) {
  CreateSource("GONE_SOFT");
  WriteConfig(Table("GONE_SOFT", {{"delete_mode", "soft"}, {"soft_delete_column", "gone at"}}));
  Summary();
  ASSERT_EQ(last_.exit_code, kExitDone) << last_.out << last_.err;
  EXPECT_EQ(Scalar("SELECT count(*) FROM gone_soft WHERE \"gone at\" IS NULL"), 100);

  sfemu_->Sql("DELETE FROM ANALYTICS.BI.GONE_SOFT WHERE ID IN (7, 8, 9)");
  json second = Summary();
  ASSERT_EQ(last_.exit_code, kExitDone) << last_.out << last_.err;
  EXPECT_EQ(second["tables"][0]["rows_deleted"], 3);
  EXPECT_EQ(Scalar("SELECT count(*) FROM gone_soft"), 100);
  EXPECT_EQ(Scalar("SELECT count(*) FROM gone_soft WHERE \"gone at\" IS NOT NULL"), 3);
  // verify leaves the marked rows out of the target, with either method.
  ExpectVerified();
  auto checksums = Sf2pg({"verify", "--method", "checksum"});
  EXPECT_EQ(checksums.exit_code, kExitDone) << checksums.out << checksums.err;
  // Marked rows are not marked again: the next run changes nothing.
  json third = Summary();
  ASSERT_EQ(last_.exit_code, kExitDone) << last_.out << last_.err;
  EXPECT_EQ(third["tables"][0]["rows_deleted"], 0);

  // Key 8 comes back with a newer watermark: loaded, and no longer marked.
  sfemu_->Sql(
      "INSERT INTO ANALYTICS.BI.GONE_SOFT SELECT 8, 'back', "
      "'2025-01-01 00:00:00'::TIMESTAMP_NTZ");
  Summary();
  ASSERT_EQ(last_.exit_code, kExitDone) << last_.out << last_.err;
  EXPECT_EQ(Scalar("SELECT count(*) FROM gone_soft WHERE \"gone at\" IS NOT NULL"), 2);
  EXPECT_EQ(Scalar("SELECT count(*) FROM gone_soft WHERE id = 8 AND name = 'back' AND "
                   "\"gone at\" IS NULL"),
            1);
}

}  // namespace
}  // namespace sf2pg::testing
