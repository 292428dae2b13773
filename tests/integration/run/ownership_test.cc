// One unfinished run per target table, with the sf2pg binary against sfemu and the test
// PostgreSQL: a second run on a target that an unfinished run holds is refused before it touches
// anything, and following the message (resume that run, or abandon it) ends with the target
// equal to the source; two processes opening runs on one target at once; abandon; resumes
// limited to part of a run.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "core/exit_status.h"
#include "integration/chaos/chaos_fixture.h"
#include "integration/pg_fixture.h"
#include "run/status_store.h"

namespace sf2pg::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int kRows = 10000;  // PATIENTS; WIDE gets a tenth
constexpr int kBatch = 500;   // 20 PATIENTS chunks

// Two sources on sfemu's bench data: a (PATIENTS -> patients) and b (WIDE -> wide), both
// loaded with COPY after a truncate into targets without a primary key. Each PATIENTS
// statement takes 150 ms more, so a run lasts seconds and can be stopped part way.
class OwnershipTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SceneOptions options;
    options.name = "owner";
    options.rows = kRows;
    options.workers = 1;
    options.batch_rows = kBatch;
    options.sfemu_args = {"--fault-slow-ms", "150", "--fault-rule",
                          R"({"match": "PATIENTS", "times": -1, "action": "slow"})"};
    scene_ = std::make_unique<Scene>(options);
    auto load =
        RunProcess({BinaryPath("sfemu"), "load", "--dataset", "bench", "--table", "WIDE", "--rows",
                    std::to_string(kRows), "--pg-database", scene_->sfemu().database()},
                   {{"PGHOST", "127.0.0.1"},
                    {"PGPORT", std::to_string(TestPg::port())},
                    {"PGUSER", "sf2pg"},
                    {"PGPASSWORD", "sf2pg"},
                    {"PGSSLMODE", "disable"}});
    ASSERT_EQ(load.exit_code, 0) << load.err;
    std::string db = scene_->target_database();
    std::ofstream(scene_->dir() + "/config.json") << R"({"parallel_threads": 1, "batch_size": )"
                                                  << kBatch << R"(, "batch_size_copy_mode": )"
                                                  << kBatch << R"(, "max_retry_attempts": 3,
      "sources": [
        {"source_name": "a", "source_sf_database": "BENCH", "source_sf_schema": "PUBLIC",
         "target_pg_database": ")" << db << R"(", "target_pg_schema": "public",
         "tables": [{"source": "PATIENTS", "target": "patients", "truncate_onstart": true,
                     "chunking_columns": ["PATIENT_ID"], "chunking_column_types": ["bigint"]}]},
        {"source_name": "b", "source_sf_database": "BENCH", "source_sf_schema": "PUBLIC",
         "target_pg_database": ")" << db << R"(", "target_pg_schema": "public",
         "tables": [{"source": "WIDE", "target": "wide", "truncate_onstart": true,
                     "chunking_columns": ["ID"], "chunking_column_types": ["bigint"]}]}]})";
  }

  ProcessResult Sf2pg(std::vector<std::string> args) const {
    args.push_back("--log-format");
    args.push_back("json");
    return scene_->Sf2pg(args);
  }
  int64_t Scalar(const std::string& sql) const { return scene_->Scalar(sql); }
  std::string Text(const std::string& sql) const {
    return std::string(scene_->Target().Exec(sql).Get(0, 0));
  }

  // Starts `migrate <args>` in the background and stops it with SIGTERM once `chunks`
  // PATIENTS chunks completed in the newest run; expects the graceful stop (exit 3) and
  // returns that run's id.
  std::string StopAfter(std::vector<std::string> args, int chunks, const std::string& log) {
    args.insert(args.begin(), "migrate");
    args.push_back("--log-format");
    args.push_back("json");
    auto run = scene_->Start(args, log);
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (run->Running() && std::chrono::steady_clock::now() < until &&
           CompletedPatientChunks() < chunks) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_TRUE(run->Running()) << "the run ended before it could be stopped:\n" << run->Output();
    run->Signal(SIGTERM);
    EXPECT_EQ(run->Wait(), kExitResumable) << run->Output();
    return Text(
        "SELECT run_id::text FROM migration_status.migration_runs ORDER BY started_at "
        "DESC LIMIT 1");
  }

  int64_t CompletedPatientChunks() const {
    try {
      return Scalar(
          "SELECT count(*) FROM migration_status.migration_chunk_status c WHERE source_table = "
          "'PATIENTS' AND status = 'completed' AND run_id = (SELECT run_id FROM "
          "migration_status.migration_runs ORDER BY started_at DESC LIMIT 1)");
    } catch (const std::exception&) {
      return 0;  // the status tables do not exist yet
    }
  }

  std::string RunStatus(const std::string& run_id) const {
    return Text("SELECT status FROM migration_status.migration_runs WHERE run_id = '" + run_id +
                "'");
  }

  // A digest of every PATIENTS row, in key order, in the emulated Snowflake and in the target.
  void ExpectPatientsEqualSource() const {
    const char* columns =
        "%1PATIENT_ID%2::text || '|' || COALESCE(%1PATIENT_UUID%2, '~') || '|' || "
        "COALESCE(%1FIRST_NAME%2, '~') || '|' || COALESCE(%1LAST_NAME%2, '~') || '|' || "
        "COALESCE(%1BIRTH_DATE%2::text, '~') || '|' || COALESCE(%1STATUS%2, '~') || '|' || "
        "COALESCE(%1BALANCE%2::text, '~')";
    auto expand = [&](const std::string& open, const std::string& close, bool lower) {
      std::string s = columns;
      for (size_t at; (at = s.find("%1")) != std::string::npos;) s.replace(at, 2, open);
      for (size_t at; (at = s.find("%2")) != std::string::npos;) s.replace(at, 2, close);
      if (lower) {
        for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      }
      return s;
    };
    std::string digest = "SELECT count(*)::text || ' ' || md5(string_agg(";
    postgres::Connection source(TestPg::Params(scene_->sfemu().database()));
    auto s = source.Exec(digest + expand("\"", "\"", false) +
                         ", E'\\n' ORDER BY \"PATIENT_ID\")) FROM \"BENCH.PUBLIC\".\"PATIENTS\"");
    auto t = scene_->Target().Exec(digest + expand("", "", true) +
                                   ", E'\\n' ORDER BY patient_id)) FROM public.patients");
    EXPECT_EQ(std::string(t.Get(0, 0)), std::string(s.Get(0, 0)));
    EXPECT_EQ(std::string(s.Get(0, 0)).substr(0, 6), std::to_string(kRows) + " ");
    EXPECT_EQ(scene_->TargetRows(), kRows);
    EXPECT_EQ(scene_->DistinctKeys(), kRows);
  }

  std::unique_ptr<Scene> scene_;
};

TEST_F(OwnershipTest, SecondRunOnAnUnfinishedTargetIsRefusedAndTheMessageLeadsToAnExactTarget) {
  // An all-sources run stopped part way.
  std::string first = StopAfter({}, 3, "first.log");
  EXPECT_EQ(RunStatus(first), "partial");
  int64_t loaded = scene_->TargetRows();
  EXPECT_GT(loaded, 0);
  EXPECT_LT(loaded, kRows);
  EXPECT_EQ(loaded, Scalar("SELECT sum(rows_copied) FROM migration_status.migration_chunk_status "
                           "WHERE source_table = 'PATIENTS' AND status = 'completed'"));

  // A run of source a only has another execution hash: it would start fresh, truncate the
  // target and leave two runs to resume on one table. It is refused before touching anything.
  auto second = Sf2pg({"migrate", "--source", "a"});
  EXPECT_EQ(second.exit_code, kExitUsage) << second.out << second.err;
  EXPECT_THAT(second.err,
              HasSubstr("refusing to load " + scene_->target_database() + ".public.patients"));
  EXPECT_THAT(second.err, HasSubstr("unfinished run " + first + " (status partial, started "));
  EXPECT_THAT(second.err, HasSubstr("selection: sources a, b; all their enabled tables"));
  EXPECT_THAT(second.err, HasSubstr("sf2pg migrate --resume-run-id " + first + " --source a\n"));
  EXPECT_THAT(second.err, HasSubstr("sf2pg migrate --resume-run-id " + first + ")"));
  EXPECT_THAT(second.err, HasSubstr("sf2pg abandon " + first));
  EXPECT_EQ(Scalar("SELECT count(*) FROM migration_status.migration_runs"), 1);
  EXPECT_EQ(
      Scalar("SELECT count(*) FROM migration_status.migration_table_status WHERE run_id <> '" +
             first + "'"),
      0);
  EXPECT_EQ(scene_->TargetRows(), loaded);  // not truncated

  // Following the message: the run, limited to source a, finishes patients and stays partial
  // for wide, which it leaves alone.
  auto part = Sf2pg({"migrate", "--resume-run-id", first, "--source", "a"});
  EXPECT_EQ(part.exit_code, kExitResumable) << part.out << part.err;
  EXPECT_THAT(part.out, HasSubstr("outside this selection are not finished"));
  EXPECT_EQ(RunStatus(first), "partial");
  ExpectPatientsEqualSource();
  EXPECT_EQ(Scalar("SELECT count(*) FROM public.wide"), 0);
  EXPECT_EQ(Text("SELECT status FROM migration_status.migration_table_status WHERE source_table "
                 "= 'PATIENTS'"),
            "completed");

  // Then the whole run completes; exit 0 means both targets equal their sources.
  auto rest = Sf2pg({"migrate", "--resume-run-id", first});
  EXPECT_EQ(rest.exit_code, kExitDone) << rest.out << rest.err;
  EXPECT_EQ(RunStatus(first), "completed");
  ExpectPatientsEqualSource();
  EXPECT_EQ(Scalar("SELECT count(*) FROM public.wide"), kRows / 10);
  EXPECT_EQ(Scalar("SELECT count(DISTINCT id) FROM public.wide"), kRows / 10);
  EXPECT_EQ(Scalar("SELECT count(*) FROM migration_status.migration_runs"), 1);

  // With the run completed, a fresh run of source a may start again.
  auto again = Sf2pg({"migrate", "--source", "a"});
  EXPECT_EQ(again.exit_code, kExitDone) << again.out << again.err;
  ExpectPatientsEqualSource();
}

TEST_F(OwnershipTest, TwoProcessesOpeningRunsOnOneTargetAtOnceOnlyOneProceeds) {
  std::vector<std::string> args = {"migrate", "--no-resume",  "--source",
                                   "a",       "--log-format", "json"};
  auto one = scene_->Start(args, "one.log");
  auto two = scene_->Start(args, "two.log");
  int a = one->Wait(), b = two->Wait();
  std::string out = one->Output() + "\n----\n" + two->Output();
  EXPECT_EQ(std::min(a, b), kExitDone) << out;
  EXPECT_EQ(std::max(a, b), kExitUsage) << out;
  std::string loser = a == kExitUsage ? one->Output() : two->Output();
  EXPECT_THAT(loser, HasSubstr("belongs to unfinished run"));
  // The loser left no run and no status row behind, and the winner loaded every row once.
  EXPECT_EQ(Scalar("SELECT count(*) FROM migration_status.migration_runs"), 1);
  EXPECT_EQ(Text("SELECT status FROM migration_status.migration_runs"), "completed");
  ExpectPatientsEqualSource();
}

TEST_F(OwnershipTest, AbandonedRunIsNeverResumedAndFreesItsTargets) {
  std::string first = StopAfter({}, 2, "first.log");
  int64_t completed = Scalar(
      "SELECT completed_chunks FROM migration_status.migration_table_status WHERE source_table = "
      "'PATIENTS'");
  auto refused = Sf2pg({"migrate", "--source", "a"});
  ASSERT_EQ(refused.exit_code, kExitUsage) << refused.out << refused.err;

  auto abandon = Sf2pg({"abandon", first});
  EXPECT_EQ(abandon.exit_code, kExitDone) << abandon.out << abandon.err;
  EXPECT_THAT(abandon.out, HasSubstr("abandoned (it was partial)"));
  EXPECT_EQ(RunStatus(first), "abandoned");
  EXPECT_THAT(Text("SELECT error_message FROM migration_status.migration_runs"),
              HasSubstr("abandoned by "));
  // Its tables stay as they were.
  EXPECT_EQ(Scalar("SELECT completed_chunks FROM migration_status.migration_table_status WHERE "
                   "source_table = 'PATIENTS'"),
            completed);
  auto status = Sf2pg({"status"});
  EXPECT_EQ(status.exit_code, kExitDone);
  EXPECT_THAT(status.out, HasSubstr("abandoned"));
  auto detail = Sf2pg({"status", "--run-id", first});
  EXPECT_THAT(detail.out, HasSubstr("abandoned by "));

  auto resume = Sf2pg({"migrate", "--resume-run-id", first});
  EXPECT_EQ(resume.exit_code, kExitUsage);
  EXPECT_THAT(resume.err, HasSubstr("was abandoned"));
  auto join = Sf2pg({"migrate", "--join-run-id", first});
  EXPECT_EQ(join.exit_code, kExitUsage);
  EXPECT_THAT(join.err, HasSubstr("was abandoned"));

  // The same command as the abandoned run starts fresh (it is not resumed) and truncates.
  auto fresh = Sf2pg({"migrate"});
  EXPECT_EQ(fresh.exit_code, kExitDone) << fresh.out << fresh.err;
  EXPECT_EQ(Scalar("SELECT count(*) FROM migration_status.migration_runs"), 2);
  EXPECT_EQ(RunStatus(first), "abandoned");
  ExpectPatientsEqualSource();
  EXPECT_EQ(Scalar("SELECT count(*) FROM public.wide"), kRows / 10);
}

TEST_F(OwnershipTest, AbandonIsRefusedWhileWorkersHoldChunks) {
  std::string first = StopAfter({}, 1, "first.log");
  // A live worker of the run: resumed in the background, frozen (SIGSTOP) while it holds a
  // chunk; its PostgreSQL session keeps the chunk's advisory lock.
  auto worker =
      scene_->Start({"migrate", "--resume-run-id", first, "--log-format", "json"}, "worker.log");
  // Chunks of the run whose advisory lock a session holds; the planner's and the target's
  // transaction-level locks, held for moments, are not counted.
  auto held = [&] {
    auto target = scene_->Target();
    auto chunks = target.Exec(
        "SELECT source_database, source_schema, source_table, chunk_id FROM "
        "migration_status.migration_chunk_status WHERE run_id = $1::uuid AND status = "
        "'in_progress'",
        {first});
    int64_t count = 0;
    for (int i = 0; i < chunks.rows(); ++i) {
      run::TableKey table{std::string(chunks.Get(i, 0)), std::string(chunks.Get(i, 1)),
                          std::string(chunks.Get(i, 2))};
      auto [k1, k2] = run::ChunkLockKey(first, table, static_cast<int>(chunks.GetInt(i, 3)));
      count += target
                   .Exec(
                       "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                       "AND database = (SELECT oid FROM pg_database WHERE datname = "
                       "current_database()) AND classid = $1::bigint::oid AND objid = "
                       "$2::bigint::oid AND objsubid = 2",
                       {std::to_string(static_cast<uint32_t>(k1)),
                        std::to_string(static_cast<uint32_t>(k2))})
                   .GetInt(0, 0);
    }
    return count;
  };
  bool frozen = false;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!frozen && worker->Running() && std::chrono::steady_clock::now() < until) {
    if (held() > 0) {
      worker->Signal(SIGSTOP);
      frozen = held() > 0;
      if (!frozen) worker->Signal(SIGCONT);  // it let go in between: try again
    }
    if (!frozen) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(frozen) << worker->Output();
  auto refused = Sf2pg({"abandon", first});
  EXPECT_EQ(refused.exit_code, kExitFailed) << refused.out << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("live workers hold 1 of its chunks"));
  EXPECT_NE(RunStatus(first), "abandoned");

  worker->Signal(SIGCONT);
  worker->Signal(SIGTERM);
  EXPECT_EQ(worker->Wait(), kExitResumable) << worker->Output();
  auto abandon = Sf2pg({"abandon", first});
  EXPECT_EQ(abandon.exit_code, kExitDone) << abandon.out << abandon.err;
  EXPECT_EQ(RunStatus(first), "abandoned");
  auto again = Sf2pg({"abandon", first});
  EXPECT_EQ(again.exit_code, kExitDone);
  EXPECT_THAT(again.out, HasSubstr("already abandoned"));
}

TEST_F(OwnershipTest, ResumeOfATableOutsideTheRunIsRefused) {
  std::string first = StopAfter({"--source", "a"}, 1, "first.log");
  auto outside = Sf2pg({"migrate", "--resume-run-id", first, "--source", "b"});
  EXPECT_EQ(outside.exit_code, kExitUsage) << outside.out << outside.err;
  EXPECT_THAT(outside.err,
              HasSubstr("table BENCH.PUBLIC.WIDE (source b, target " + scene_->target_database() +
                        ".public.wide) is not part of run " + first));
  EXPECT_THAT(outside.err, HasSubstr("which selected sources a; all their enabled tables"));
  auto wider = Sf2pg({"migrate", "--resume-run-id", first});
  EXPECT_EQ(wider.exit_code, kExitUsage);
  EXPECT_THAT(wider.err, HasSubstr("BENCH.PUBLIC.WIDE"));
  EXPECT_EQ(Scalar("SELECT count(*) FROM migration_status.migration_table_status WHERE "
                   "source_table = 'WIDE'"),
            0);
  // Source b alone is another target: a fresh run of it is not blocked by run `first`.
  auto b = Sf2pg({"migrate", "--source", "b"});
  EXPECT_EQ(b.exit_code, kExitDone) << b.out << b.err;
  EXPECT_EQ(RunStatus(first), "partial");
  auto a = Sf2pg({"migrate", "--resume-run-id", first, "--source", "a"});
  EXPECT_EQ(a.exit_code, kExitDone) << a.out << a.err;
  ExpectPatientsEqualSource();
}

}  // namespace
}  // namespace sf2pg::testing
