// Settling a run (docs/run_state.md, "Settling") against an in-memory tracker
// (tests/fakes/memory_tracker.h): table status from its chunks, the run's status and message,
// planned against copied rows, stops and deadlines, live workers elsewhere, tables outside the
// invocation; and a whole run in memory: open, plan, load with workers, settle, resume.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "core/stop.h"
#include "exec/migration.h"
#include "fakes/fake_source.h"
#include "fakes/memory_backend.h"
#include "unit/snowflake/fake_clock.h"

namespace sf2pg::exec {
namespace {

using testing::FakeClock;
using testing::FakeSource;
using testing::FakeSourceState;
using ::testing::HasSubstr;
using testing::MemoryRun;
using testing::MemorySession;
using testing::MemoryTracker;

constexpr int64_t kRows = 100;  // per chunk

class SettleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StopFlag::ResetForTesting();
    config_ = testing::TwoTableConfig();
    source_state_->rows = 1000000;
  }
  void TearDown() override { StopFlag::ResetForTesting(); }

  // Opens a fresh run of every table, as the coordinator does.
  std::string OpenFresh() {
    std::vector<std::string> names;
    run::Selection selection = run::SelectTables(config_, {}, {}, &names);
    return run::OpenRun(tracker_, config_, selection, names,
                        run::ExecutionHashOf(config_, names, {}), {})
        .run_id;
  }

  // Plans table `index` of the source with `chunks` chunks of kRows rows (OFFSET windows, so
  // FakeSource serves them) and makes it a job of this invocation.
  void PlanTable(int index, int chunks) {
    jobs_.push_back(testing::PlanInMemory(tracker_, config_.sources[0],
                                          config_.sources[0].tables[static_cast<size_t>(index)],
                                          run_id_, chunks, kRows));
  }

  // Sets a chunk as a worker would have left it.
  void SetChunk(const run::TableKey& key, int id, ChunkStatus status, int64_t rows = kRows,
                int owner = 0, int64_t rejected = 0) {
    auto chunks = tracker_.Chunks(run_id_);
    std::lock_guard lock(chunks->mu);
    MemoryRun::Chunk* c = chunks->Find(key, id);
    c->status = status;
    c->rows = status == ChunkStatus::kCompleted ? rows : 0;
    c->owner = owner;
    if (rejected > 0) c->range["rejected"] = rejected;
  }
  void CompleteAll(const run::TableKey& key, int chunks) {
    for (int i = 1; i <= chunks; ++i) SetChunk(key, i, ChunkStatus::kCompleted);
  }

  // T1's second chunk is held by a live worker elsewhere (owner 7); everything else is done.
  void OneChunkHeldElsewhere() {
    run_id_ = OpenFresh();
    PlanTable(0, 2);
    PlanTable(1, 1);
    SetChunk(kT1, 1, ChunkStatus::kCompleted);
    SetChunk(kT1, 2, ChunkStatus::kInProgress, 0, /*owner=*/7);
    CompleteAll(kT2, 1);
  }

  MigrationResult Settle() {
    MigrationResult result;
    result.run_id = run_id_;
    result.stopped = stopped_;
    result.deadline_reached = deadline_reached_;
    input_.jobs = &jobs_;
    input_.stats = &stats_;
    SettleRun(tracker_, input_, &result);
    return result;
  }
  run::RunInfo Run() { return *tracker_.LoadRun(run_id_); }

  // Runs `workers` workers on the run's planned tables, as the coordinator does.
  void RunWorkers(int workers) {
    WorkShared shared;
    shared.run_id = run_id_;
    shared.jobs = &jobs_;
    shared.clock = &clock_;
    shared.open_session = [chunks = tracker_.Chunks(run_id_)] {
      return std::make_unique<MemorySession>(chunks);
    };
    shared.make_source = [state = source_state_] { return std::make_unique<FakeSource>(state); };
    for (const auto& j : jobs_) tracker_.StartTable(run_id_, j.key);
    std::vector<std::thread> threads;
    for (int i = 0; i < workers; ++i) threads.emplace_back([&shared, i] { RunWorker(shared, i); });
    for (auto& t : threads) t.join();
    stats_ = shared.stats;
    input_.worker_error = shared.worker_error;
  }

  const run::TableKey kT1{"DB", "S", "T1"};
  const run::TableKey kT2{"DB", "S", "T2"};
  config::Config config_;
  MemoryTracker tracker_;
  std::string run_id_;
  std::vector<TableJob> jobs_;
  std::map<run::TableKey, TableStats> stats_;
  SettleInput input_;
  bool stopped_ = false, deadline_reached_ = false;
  std::shared_ptr<FakeSourceState> source_state_ = std::make_shared<FakeSourceState>();
  FakeClock clock_;
};

TEST_F(SettleTest, EveryChunkCompletedCompletesTheTablesAndTheRun) {
  run_id_ = OpenFresh();
  PlanTable(0, 3);
  PlanTable(1, 2);
  CompleteAll(kT1, 3);
  CompleteAll(kT2, 2);
  MigrationResult r = Settle();
  EXPECT_EQ(r.status, RunStatus::kCompleted);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(Run().status, RunStatus::kCompleted);
  ASSERT_EQ(r.tables.size(), 2u);
  EXPECT_EQ(r.tables[0].status, TableStatus::kCompleted);
  EXPECT_EQ(r.tables[0].total_chunks, 3);
  EXPECT_EQ(r.tables[0].completed_chunks, 3);
  EXPECT_EQ(r.tables[0].rows_total, 3 * kRows);
  EXPECT_EQ(r.tables[0].target, "db.public.t1");
  ASSERT_TRUE(r.tables[0].row_check.has_value());
  EXPECT_EQ(r.tables[0].row_check->verdict(), "match");
  EXPECT_EQ(tracker_.LoadTable(run_id_, kT1)->status, TableStatus::kCompleted);
  EXPECT_EQ(tracker_.TableCounters(run_id_), std::make_pair(2, 0));
}

TEST_F(SettleTest, AFailedChunkWithNothingLeftFailsTheTableAndTheRun) {
  run_id_ = OpenFresh();
  PlanTable(0, 3);
  PlanTable(1, 1);
  SetChunk(kT1, 1, ChunkStatus::kCompleted);
  SetChunk(kT1, 2, ChunkStatus::kFailed);
  SetChunk(kT1, 3, ChunkStatus::kCompleted);
  CompleteAll(kT2, 1);
  MigrationResult r = Settle();
  EXPECT_EQ(r.status, RunStatus::kFailed);
  EXPECT_EQ(r.error,
            "one or more tables failed; see migration_table_status and migration_chunk_status");
  EXPECT_EQ(Run().status, RunStatus::kFailed);
  EXPECT_EQ(Run().error_message, r.error);
  EXPECT_EQ(r.tables[0].status, TableStatus::kFailed);
  EXPECT_EQ(r.tables[0].failed_chunks, 1);
  EXPECT_FALSE(r.tables[0].row_check.has_value());
  EXPECT_EQ(r.tables[1].status, TableStatus::kCompleted);
  EXPECT_EQ(tracker_.TableCounters(run_id_), std::make_pair(1, 1));
}

TEST_F(SettleTest, AFailedChunkWithChunksLeftLeavesTheRunPartial) {
  run_id_ = OpenFresh();
  PlanTable(0, 3);
  PlanTable(1, 1);
  SetChunk(kT1, 1, ChunkStatus::kFailed);
  CompleteAll(kT2, 1);
  stopped_ = true;
  MigrationResult r = Settle();
  EXPECT_EQ(r.status, RunStatus::kPartial);
  EXPECT_EQ(r.error, "stopped by a signal");
  EXPECT_EQ(r.tables[0].status, TableStatus::kPending);  // not failed: chunks are left
  EXPECT_EQ(Run().status, RunStatus::kPartial);
}

TEST_F(SettleTest, FewerRowsThanPlannedAreReportedAsAShortfallAndTheRunStillCompletes) {
  run_id_ = OpenFresh();
  PlanTable(0, 3);
  PlanTable(1, 1);
  SetChunk(kT1, 1, ChunkStatus::kCompleted);
  SetChunk(kT1, 2, ChunkStatus::kCompleted, kRows - 7);
  SetChunk(kT1, 3, ChunkStatus::kCompleted, kRows - 5, 0, 5);  // rejected rows count
  CompleteAll(kT2, 1);
  MigrationResult r = Settle();
  EXPECT_EQ(r.status, RunStatus::kCompleted);
  ASSERT_TRUE(r.tables[0].row_check.has_value());
  const run::RowCheck& check = *r.tables[0].row_check;
  EXPECT_EQ(check.planned, 3 * kRows);
  EXPECT_EQ(check.copied, 3 * kRows - 12);
  EXPECT_EQ(check.rejected, 5);
  EXPECT_EQ(check.difference(), -7);
  EXPECT_EQ(check.verdict(), "shortfall");
  EXPECT_EQ(check.short_chunks, std::vector<int>{2});
  // Kept in the table's metadata for `sf2pg status`.
  auto stored = run::RowCheckOf(tracker_.LoadTable(run_id_, kT1)->metadata);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->difference(), -7);
  EXPECT_EQ(r.tables[1].row_check->verdict(), "match");
}

TEST_F(SettleTest, MoreRowsThanPlannedAreRowsAddedMeanwhile) {
  run_id_ = OpenFresh();
  PlanTable(0, 2);
  PlanTable(1, 1);
  SetChunk(kT1, 1, ChunkStatus::kCompleted);
  SetChunk(kT1, 2, ChunkStatus::kCompleted, kRows + 3);
  CompleteAll(kT2, 1);
  MigrationResult r = Settle();
  EXPECT_EQ(r.tables[0].row_check->verdict(), "more");
  EXPECT_EQ(r.tables[0].row_check->difference(), 3);
  EXPECT_EQ(r.status, RunStatus::kCompleted);
}

TEST_F(SettleTest, ADeadlineOrAStoppedWorkerLeavesThePendingChunksAndTheRunPartial) {
  run_id_ = OpenFresh();
  PlanTable(0, 3);
  PlanTable(1, 1);
  SetChunk(kT1, 1, ChunkStatus::kCompleted);
  CompleteAll(kT2, 1);
  deadline_reached_ = true;
  MigrationResult r = Settle();
  EXPECT_EQ(r.status, RunStatus::kPartial);
  EXPECT_EQ(r.error, "stopped before the deadline");
  EXPECT_EQ(Run().status, RunStatus::kPartial);
  EXPECT_EQ(r.tables[0].status, TableStatus::kPending);
  EXPECT_EQ(r.tables[1].status, TableStatus::kCompleted);

  deadline_reached_ = false;
  input_.worker_error = "status database unreachable";
  EXPECT_EQ(Settle().error, "workers stopped early: status database unreachable");
  input_.worker_error.clear();
  EXPECT_EQ(Settle().error, "chunks were left unclaimed");
}

TEST_F(SettleTest, ChunksALiveWorkerElsewhereHoldsLeaveTheRunRunningForItToSettle) {
  OneChunkHeldElsewhere();
  MigrationResult r = Settle();
  EXPECT_EQ(r.status, RunStatus::kRunning);
  EXPECT_EQ(r.error, "other workers are still loading chunks of this run");
  EXPECT_EQ(Run().status, RunStatus::kRunning);
  EXPECT_EQ(Run().error_message, "");

  // A claim whose session is gone is no one's: the run is partial.
  {
    auto chunks = tracker_.Chunks(run_id_);
    std::lock_guard lock(chunks->mu);
    chunks->broken.insert(7);
  }
  r = Settle();
  EXPECT_EQ(r.status, RunStatus::kPartial);
  EXPECT_EQ(r.error, "chunks were left unclaimed");
}

// A joined process commits the table's last chunk after this process settled the table (still
// in progress) but before it counted the chunks. The table must end completed, with its indexes
// restored and its rows checked, and not be left in progress in a run settled as completed.
TEST_F(SettleTest, ALastChunkCompletedElsewhereWhileSettlingCompletesTheTable) {
  OneChunkHeldElsewhere();
  tracker_.SetIndexFlags(run_id_, kT1, true, false);
  bool committed = false;
  tracker_.before = [&](const std::string& call) {
    if (call == "CountChunks" && !committed) {  // just after FinishTable of T1
      committed = true;
      SetChunk(kT1, 2, ChunkStatus::kCompleted, kRows, /*owner=*/7);
    }
  };
  std::vector<run::TableKey> restored;
  input_.restore_indexes = [&](const std::string&, const run::TableRecord& record,
                               const std::string&) { restored.push_back(record.key); };
  MigrationResult r = Settle();
  tracker_.before = nullptr;
  ASSERT_TRUE(committed);
  EXPECT_EQ(r.status, RunStatus::kCompleted);
  ASSERT_EQ(r.tables.size(), 2u);
  EXPECT_EQ(r.tables[0].status, TableStatus::kCompleted);
  ASSERT_TRUE(r.tables[0].row_check.has_value());
  EXPECT_EQ(r.tables[0].row_check->copied, 2 * kRows);
  EXPECT_EQ(tracker_.LoadTable(run_id_, kT1)->status, TableStatus::kCompleted);
  EXPECT_EQ(restored, std::vector<run::TableKey>{kT1});
}

// The live worker elsewhere completes its chunk after this process counted it as in progress
// but before it asked who holds it: the run is complete, not "chunks were left unclaimed".
TEST_F(SettleTest, AHeldChunkCompletedWhileCountingIsNotReportedAsLeftUnclaimed) {
  OneChunkHeldElsewhere();
  bool committed = false;
  tracker_.before = [&](const std::string& call) {
    if (call == "CountHeldChunks" && !committed) {
      committed = true;
      SetChunk(kT1, 2, ChunkStatus::kCompleted, kRows, /*owner=*/7);
    }
  };
  MigrationResult r = Settle();
  tracker_.before = nullptr;
  ASSERT_TRUE(committed);
  EXPECT_EQ(r.status, RunStatus::kCompleted) << r.error;
  EXPECT_EQ(r.tables[0].status, TableStatus::kCompleted);
  EXPECT_EQ(Run().status, RunStatus::kCompleted);
}

TEST_F(SettleTest, AStoppedProcessSettlesTheRunEvenWhileAnotherWorkerHoldsAChunk) {
  OneChunkHeldElsewhere();
  deadline_reached_ = true;
  MigrationResult r = Settle();
  EXPECT_EQ(r.status, RunStatus::kPartial);
  EXPECT_EQ(r.error, "stopped before the deadline");
  EXPECT_EQ(Run().status, RunStatus::kPartial);
  deadline_reached_ = false;
  stopped_ = true;
  EXPECT_EQ(Settle().error, "stopped by a signal");
}

TEST_F(SettleTest, TablesOutsideALimitedResumeKeepTheRunPartial) {
  run_id_ = OpenFresh();
  PlanTable(0, 2);  // T2 is outside this invocation, still a placeholder
  CompleteAll(kT1, 2);
  input_.others = {kT2};
  MigrationResult r = Settle();
  EXPECT_EQ(r.status, RunStatus::kPartial);
  EXPECT_EQ(r.error,
            "1 table(s) of the run outside this selection are not finished; resume them with "
            "sf2pg migrate --resume-run-id " +
                run_id_);
  EXPECT_EQ(r.tables.size(), 1u);
  EXPECT_EQ(r.tables[0].status, TableStatus::kCompleted);

  input_.others.clear();  // the planner stopped before T2
  EXPECT_THAT(Settle().error, HasSubstr("1 table(s) of the run are not planned yet"));
}

TEST_F(SettleTest, AFailedTableOutsideTheInvocationFailsTheRun) {
  run_id_ = OpenFresh();
  PlanTable(0, 1);
  CompleteAll(kT1, 1);
  run::TableRecord t2 = *tracker_.LoadTable(run_id_, kT2);
  tracker_.FailTable(run_id_, t2, "earlier problem");
  EXPECT_EQ(Settle().status, RunStatus::kFailed);
}

TEST_F(SettleTest, ATableThatCouldNotBePreparedFailsTheRunAndIsListed) {
  run_id_ = OpenFresh();
  PlanTable(0, 1);
  CompleteAll(kT1, 1);
  run::TableRecord t2 = *tracker_.LoadTable(run_id_, kT2);
  tracker_.FailTable(run_id_, t2, "table DB.S.T2 -> public.t2 cannot be loaded");
  EXPECT_EQ(tracker_.TableError(run_id_, kT2), "table DB.S.T2 -> public.t2 cannot be loaded");
  TableSummary failed;
  failed.table = "DB.S.T2";
  failed.status = TableStatus::kFailed;
  input_.unprepared.push_back(failed);
  MigrationResult r = Settle();
  EXPECT_EQ(r.status, RunStatus::kFailed);
  ASSERT_EQ(r.tables.size(), 2u);
  EXPECT_EQ(r.tables[1].table, "DB.S.T2");
  EXPECT_EQ(tracker_.TableCounters(run_id_), std::make_pair(1, 1));
}

TEST_F(SettleTest, ATableAJoinedProcessCouldNotPrepareFailsTheRun) {
  run_id_ = OpenFresh();
  PlanTable(0, 1);
  PlanTable(1, 1);
  CompleteAll(kT1, 1);
  CompleteAll(kT2, 1);
  EXPECT_EQ(tracker_.FinishTable(run_id_, kT2), TableStatus::kCompleted);
  jobs_.pop_back();  // this process could not prepare T2 (a joined one stores nothing for it)
  TableSummary failed;
  failed.table = "DB.S.T2";
  failed.status = TableStatus::kFailed;
  input_.unprepared.push_back(failed);
  input_.joining = true;
  MigrationResult r = Settle();
  EXPECT_EQ(r.status, RunStatus::kFailed);
  EXPECT_EQ(Run().status, RunStatus::kFailed);
}

TEST_F(SettleTest, AJoinedProcessLeavesTablesNotPlannedYetToThePlanner) {
  run_id_ = OpenFresh();
  PlanTable(0, 1);
  CompleteAll(kT1, 1);
  input_.joining = true;
  MigrationResult r = Settle();
  EXPECT_EQ(r.status, RunStatus::kRunning);
  EXPECT_EQ(Run().status, RunStatus::kRunning);
  stopped_ = true;  // but a stopped one settles
  r = Settle();
  EXPECT_EQ(r.status, RunStatus::kPartial);
  EXPECT_THAT(r.error, HasSubstr("not finished and no live worker holds them"));
}

TEST_F(SettleTest, AnAbandonedRunIsNeverChangedBySettling) {
  run_id_ = OpenFresh();
  PlanTable(0, 1);
  PlanTable(1, 1);
  CompleteAll(kT1, 1);
  CompleteAll(kT2, 1);
  tracker_.Abandon(run_id_, "ops");
  Settle();
  EXPECT_EQ(Run().status, RunStatus::kAbandoned);
}

TEST_F(SettleTest, IndexesDroppedForACompletedTableAreRestored) {
  run_id_ = OpenFresh();
  PlanTable(0, 1);
  PlanTable(1, 1);
  tracker_.SetIndexFlags(run_id_, kT1, true, false);
  CompleteAll(kT1, 1);
  SetChunk(kT2, 1, ChunkStatus::kPending);
  tracker_.SetIndexFlags(run_id_, kT2, true, false);
  std::vector<run::TableKey> restored;
  input_.restore_indexes = [&](const std::string& run_id, const run::TableRecord& record,
                               const std::string& database) {
    EXPECT_EQ(run_id, run_id_);
    EXPECT_EQ(database, "db");
    restored.push_back(record.key);
  };
  Settle();
  EXPECT_EQ(restored, std::vector<run::TableKey>{kT1});  // T2 is not completed
}

TEST_F(SettleTest, ARefusalWhilePlanningGivesUpTheTablesNotPlannedYet) {
  run_id_ = OpenFresh();
  PlanTable(0, 1);
  GiveUpUnplannedTables(tracker_, run_id_, "refused: target db.public.t2 belongs to run X");
  auto tables = tracker_.LoadTables(run_id_);
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].key, kT1);
  EXPECT_EQ(Run().status, RunStatus::kPartial);
  EXPECT_EQ(Run().error_message, "refused: target db.public.t2 belongs to run X");
}

TEST_F(SettleTest, AWholeRunInMemoryOpensPlansLoadsSettlesAndResumesAFailedChunk) {
  run_id_ = OpenFresh();
  PlanTable(0, 5);
  PlanTable(1, 3);
  auto chunks = tracker_.Chunks(run_id_);
  chunks->before_commit = [](const MemoryRun::Chunk& c, int) {
    if (c.table.source_table == "T1" && c.id == 4) throw DataError("row 7: bad value");
  };
  RunWorkers(3);
  MigrationResult r = Settle();
  EXPECT_EQ(r.status, RunStatus::kFailed);
  EXPECT_EQ(r.tables[0].status, TableStatus::kFailed);
  EXPECT_EQ(r.tables[0].completed_chunks, 4);
  EXPECT_EQ(r.tables[0].rows, 4 * kRows);
  EXPECT_EQ(r.tables[1].status, TableStatus::kCompleted);
  EXPECT_EQ(r.tables[1].rows_total, 3 * kRows);

  // The same invocation again resumes the run: only the failed chunk runs.
  chunks->before_commit = nullptr;
  std::string resumed = OpenFresh();
  EXPECT_EQ(resumed, run_id_);
  EXPECT_EQ(chunks->Get(kT1, 4).status, ChunkStatus::kPending);
  RunWorkers(2);
  r = Settle();
  EXPECT_EQ(r.status, RunStatus::kCompleted);
  EXPECT_EQ(r.tables[0].rows, kRows);  // this invocation's rows
  EXPECT_EQ(r.tables[0].rows_total, 5 * kRows);
  EXPECT_EQ(r.tables[0].row_check->verdict(), "match");
  EXPECT_EQ(Run().status, RunStatus::kCompleted);
  for (const auto& c : chunks->chunks) EXPECT_EQ(c.commits, 1) << c.table.ToString() << c.id;
}

}  // namespace
}  // namespace sf2pg::exec
