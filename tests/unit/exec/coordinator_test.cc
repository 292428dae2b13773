// The coordinator (exec::RunMigration) on an in-memory backend (tests/fakes/memory_backend.h):
// a fresh run, a resume after a failed chunk, a table that cannot be prepared, a target another
// run owns, a dry run, stops and deadlines, indexes an earlier run left dropped, and settling
// after the coordinator's own session died.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/stop.h"
#include "exec/migration.h"
#include "fakes/fake_source.h"
#include "fakes/memory_backend.h"
#include "unit/snowflake/fake_clock.h"

namespace sf2pg::exec {
namespace {

using ::testing::ElementsAre;
using testing::FakeClock;
using testing::FakeSource;
using testing::FakeSourceState;
using ::testing::HasSubstr;
using testing::MemoryBackend;
using testing::MemoryTarget;

class CoordinatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StopFlag::ResetForTesting();
    config_ = testing::TwoTableConfig();
    source_->rows = 1000000;
    target_.chunks_per_table = 3;
    deps_.backend = [this](const std::string& status_db, bool) {
      status_dbs_.push_back(status_db);
      return std::make_unique<MemoryBackend>(target_);
    };
    deps_.make_source = [state = source_] { return std::make_unique<FakeSource>(state); };
    deps_.clock = &clock_;
    options_.workers = 2;
  }
  void TearDown() override { StopFlag::ResetForTesting(); }

  MigrationResult Migrate() { return RunMigration(config_, options_, deps_); }
  run::RunInfo Run(const std::string& id) { return *target_.tracker.LoadRun(id); }

  // Fails every fetch of chunk `chunk` (1-based) of T1 with a data error.
  void FailChunkOfT1(int chunk) {
    source_->on_fetch = [chunk, rows = target_.rows_per_chunk](int, const ChunkRequest& r) {
      if (r.table.table == "T1" && r.offset == (chunk - 1) * rows) {
        throw DataError("row 7: bad value");
      }
    };
  }

  const run::TableKey kT1{"DB", "S", "T1"};
  const run::TableKey kT2{"DB", "S", "T2"};
  config::Config config_;
  MigrationOptions options_;
  MigrationDeps deps_;
  MemoryTarget target_;
  std::vector<std::string> status_dbs_;
  std::shared_ptr<FakeSourceState> source_ = std::make_shared<FakeSourceState>();
  FakeClock clock_;
};

TEST_F(CoordinatorTest, AFreshRunPreparesLoadsAndCompletesEveryTable) {
  MigrationResult r = Migrate();
  EXPECT_EQ(r.status, RunStatus::kCompleted) << r.error;
  EXPECT_FALSE(r.resumed);
  ASSERT_EQ(r.tables.size(), 2u);
  for (const auto& t : r.tables) {
    EXPECT_EQ(t.status, TableStatus::kCompleted) << t.table;
    EXPECT_EQ(t.completed_chunks, 3) << t.table;
    EXPECT_EQ(t.rows, 300) << t.table;
    EXPECT_EQ(t.row_check->verdict(), "match") << t.table;
  }
  EXPECT_EQ(Run(r.run_id).status, RunStatus::kCompleted);
  EXPECT_THAT(status_dbs_, ElementsAre("db"));
  EXPECT_EQ(target_.schema_checks, 1);
  EXPECT_EQ(target_.sessions, 2);  // one per worker
  EXPECT_THAT(target_.prepared, ElementsAre("T1", "T2"));
  for (const auto& c : target_.tracker.Chunks(r.run_id)->chunks) EXPECT_EQ(c.commits, 1);
}

TEST_F(CoordinatorTest, AFailedChunkFailsItsTableAndTheNextInvocationResumesOnlyThatChunk) {
  FailChunkOfT1(2);
  MigrationResult first = Migrate();
  EXPECT_EQ(first.status, RunStatus::kFailed);
  EXPECT_EQ(first.tables[0].status, TableStatus::kFailed);
  EXPECT_EQ(first.tables[0].completed_chunks, 2);
  EXPECT_THAT(first.tables[0].errors, ElementsAre(HasSubstr("row 7: bad value")));
  EXPECT_EQ(first.tables[1].status, TableStatus::kCompleted);

  source_->on_fetch = nullptr;
  MigrationResult second = Migrate();
  EXPECT_EQ(second.run_id, first.run_id);
  EXPECT_TRUE(second.resumed);
  EXPECT_EQ(second.status, RunStatus::kCompleted) << second.error;
  EXPECT_EQ(second.tables[0].chunks_loaded, 1);
  EXPECT_EQ(second.tables[0].rows, 100);
  EXPECT_EQ(second.tables[0].rows_total, 300);
  EXPECT_EQ(second.tables[1].chunks_loaded, 0);
  for (const auto& c : target_.tracker.Chunks(first.run_id)->chunks) EXPECT_EQ(c.commits, 1);
}

TEST_F(CoordinatorTest, ATableThatCannotBePreparedFailsAloneWhileTheOthersLoad) {
  target_.refuse["T2"] = [] { throw ConfigError("target column \"x\" is integer, source text"); };
  MigrationResult r = Migrate();
  EXPECT_EQ(r.status, RunStatus::kFailed);
  ASSERT_EQ(r.tables.size(), 2u);
  EXPECT_EQ(r.tables[0].status, TableStatus::kCompleted);
  EXPECT_EQ(r.tables[1].table, "DB.S.T2");
  EXPECT_EQ(r.tables[1].status, TableStatus::kFailed);
  EXPECT_THAT(r.tables[1].errors, ElementsAre(HasSubstr("is integer, source text")));
  EXPECT_THAT(target_.tracker.TableError(r.run_id, kT2), HasSubstr("is integer, source text"));
  EXPECT_EQ(Run(r.run_id).status, RunStatus::kFailed);
}

TEST_F(CoordinatorTest, ATargetAnotherRunOwnsRefusesTheRunAndGivesUpTheTablesNotPlanned) {
  run::TargetOwner owner;
  owner.run.run_id = "other-run";
  owner.run.status = RunStatus::kRunning;
  owner.run.metadata = {{"sources", {"b"}}};
  owner.source_name = "b";
  owner.key = {"DB2", "S", "T2"};
  target_.refuse["T2"] = [owner] { throw run::TargetOwnedError({"db", "public", "t2"}, owner); };
  EXPECT_THROW(
      {
        try {
          Migrate();
        } catch (const ConfigError& e) {
          EXPECT_THAT(e.what(), HasSubstr("other-run"));
          throw;
        }
      },
      ConfigError);
  ASSERT_EQ(target_.tracker.RunIds().size(), 1u);
  std::string id = target_.tracker.RunIds()[0];
  EXPECT_EQ(Run(id).status, RunStatus::kPartial);
  EXPECT_THAT(Run(id).error_message, HasSubstr("refused: target db.public.t2"));
  auto tables = target_.tracker.LoadTables(id);
  ASSERT_EQ(tables.size(), 1u);  // T1 was planned and stays resumable
  EXPECT_EQ(tables[0].key, kT1);
  EXPECT_EQ(target_.sessions, 0);  // no worker started
}

TEST_F(CoordinatorTest, ADryRunPlansEveryTableAndWritesNothing) {
  options_.dry_run = true;
  MigrationResult r = Migrate();
  EXPECT_EQ(r.status, RunStatus::kPlanned);
  ASSERT_EQ(r.plans.size(), 2u);
  EXPECT_EQ(r.plans[0].table, "T1");
  EXPECT_EQ(r.plans[0].rows, 300);
  EXPECT_EQ(target_.schema_checks, 0);
  EXPECT_TRUE(target_.tracker.RunIds().empty());
  EXPECT_EQ(target_.sessions, 0);
}

TEST_F(CoordinatorTest, AStopBeforePreparingLeavesTheRunPartialAndResumable) {
  StopFlag::Request();
  MigrationResult r = Migrate();
  EXPECT_EQ(r.status, RunStatus::kPartial);
  EXPECT_TRUE(target_.prepared.empty());
  EXPECT_THAT(r.error, HasSubstr("not planned yet"));
  EXPECT_THAT(r.error, HasSubstr("--resume-run-id " + r.run_id));

  StopFlag::ResetForTesting();
  MigrationResult again = Migrate();
  EXPECT_EQ(again.run_id, r.run_id);
  EXPECT_EQ(again.status, RunStatus::kCompleted) << again.error;
}

TEST_F(CoordinatorTest, APassedDeadlineLeavesThePendingChunksAndTheRunPartial) {
  options_.deadline = clock_.Now();
  MigrationResult r = Migrate();
  EXPECT_TRUE(r.deadline_reached);
  EXPECT_EQ(r.status, RunStatus::kPartial);
  EXPECT_EQ(r.error, "stopped before the deadline");
  EXPECT_EQ(r.tables[0].completed_chunks + r.tables[1].completed_chunks, 0);
}

TEST_F(CoordinatorTest, IndexesAnEarlierRunLeftDroppedAreRestoredBeforeAFreshRun) {
  // An earlier run dropped t1's indexes and was abandoned before it restored them.
  std::vector<std::string> names;
  run::Selection selection = run::SelectTables(config_, {}, {}, &names);
  std::string earlier =
      run::OpenRun(target_.tracker, config_, selection, names, "old-hash", {}).run_id;
  testing::PlanInMemory(target_.tracker, config_.sources[0], config_.sources[0].tables[0], earlier,
                        1, 100);
  run::TableRecord record = *target_.tracker.LoadTable(earlier, kT1);
  record.metadata["dropped_indexes"] = {{{"definition", "CREATE INDEX t1_name ON t1 (name)"}}};
  target_.tracker.DeleteTable(earlier, kT1);
  target_.tracker.StorePlan(earlier, record, {}, nullptr);
  target_.tracker.SetIndexFlags(earlier, kT1, true, false);
  target_.tracker.Abandon(earlier, "test");

  MigrationResult r = Migrate();
  EXPECT_EQ(r.status, RunStatus::kCompleted) << r.error;
  ASSERT_EQ(target_.restored.size(), 1u);
  EXPECT_EQ(target_.restored[0].first, "db");
  EXPECT_THAT(target_.restored[0].second, ElementsAre("CREATE INDEX t1_name ON t1 (name)"));
  EXPECT_TRUE(target_.tracker.LoadTable(earlier, kT1)->indexes_restored);
}

TEST_F(CoordinatorTest, AJoinedProcessLoadsThePlannedTablesAndLeavesSettlingToThePlanner) {
  // The planning process opened the run and has planned T1 so far; T2 is still a placeholder.
  std::vector<std::string> names;
  run::Selection selection = run::SelectTables(config_, {}, {}, &names);
  std::string id = run::OpenRun(target_.tracker, config_, selection, names,
                                run::ExecutionHashOf(config_, names, {}), {})
                       .run_id;
  testing::PlanInMemory(target_.tracker, config_.sources[0], config_.sources[0].tables[0], id, 3,
                        100);

  options_.join_run_id = id;
  MigrationResult r = Migrate();
  EXPECT_EQ(r.run_id, id);
  EXPECT_THAT(target_.prepared, ElementsAre("T1"));  // T2 is left to the planner
  EXPECT_EQ(r.status, RunStatus::kRunning);
  EXPECT_EQ(r.error, "other workers are still loading chunks of this run");
  ASSERT_EQ(r.tables.size(), 1u);
  EXPECT_EQ(r.tables[0].chunks_loaded, 3);
  EXPECT_EQ(Run(id).status, RunStatus::kRunning);  // not settled by the joined process
  EXPECT_EQ(target_.tracker.LoadTable(id, kT2)->status, TableStatus::kPending);
}

TEST_F(CoordinatorTest, SettlingReconnectsWhenTheCoordinatorsSessionDiedWhileWorkersRan) {
  deps_.on_chunk = [this] { target_.alive = false; };
  MigrationResult r = Migrate();
  EXPECT_EQ(r.status, RunStatus::kCompleted) << r.error;
  EXPECT_EQ(target_.reconnects, 1);
}

TEST_F(CoordinatorTest, SettlingRetriesAfterALostSessionAndRecordsTheOutcome) {
  int failures = 2;
  target_.tracker.before = [&](const std::string& call) {
    if (call == "FinishTable" && failures > 0) {
      --failures;
      throw Error("server closed the connection unexpectedly", Retry::kChunk);
    }
  };
  MigrationResult r = Migrate();
  EXPECT_EQ(r.status, RunStatus::kCompleted) << r.error;
  EXPECT_EQ(target_.reconnects, 2);
  EXPECT_EQ(Run(r.run_id).status, RunStatus::kCompleted);
}

TEST_F(CoordinatorTest, SettlingThatNeverSucceedsFailsLoudlyAndLeavesTheRunResumable) {
  target_.tracker.before = [](const std::string& call) {
    if (call == "FinishTable") throw Error("server closed the connection", Retry::kChunk);
  };
  MigrationResult r = Migrate();
  EXPECT_EQ(r.status, RunStatus::kFailed);
  EXPECT_THAT(r.error, HasSubstr("cannot record the run's outcome"));
  EXPECT_THAT(r.error, HasSubstr("stays resumable"));
  EXPECT_EQ(target_.reconnects, 3);  // four attempts
  EXPECT_EQ(Run(r.run_id).status, RunStatus::kRunning);

  target_.tracker.before = nullptr;
  MigrationResult again = Migrate();
  EXPECT_EQ(again.run_id, r.run_id);
  EXPECT_EQ(again.status, RunStatus::kCompleted) << again.error;
}

}  // namespace
}  // namespace sf2pg::exec
