// The worker's rules against an in-memory run (tests/fakes/memory_session.h) and FakeSource:
// exactly-once loading with several workers, retries, in-doubt commits, stop, deadline,
// capacity per table and abandoned claims. No server; each test takes milliseconds.
#include "exec/worker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "core/stop.h"
#include "fakes/fake_source.h"
#include "fakes/memory_session.h"
#include "unit/snowflake/fake_clock.h"

namespace sf2pg::exec {
namespace {

using testing::FakeClock;
using testing::FakeSource;
using testing::FakeSourceState;
using testing::MemoryRun;
using testing::MemorySession;

constexpr int64_t kRowsPerChunk = 100;

class WorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StopFlag::ResetForTesting();
    source_state_->rows = 1000000;
    table_config_.on_bad_row = "fail";
  }
  void TearDown() override { StopFlag::ResetForTesting(); }

  // A table of `chunks` chunks, loadable by `max_threads` workers at once.
  void AddTable(const std::string& name, int chunks, int max_threads = 8) {
    TableJob job;
    job.table = &table_config_;
    job.key = {"DB", "S", name};
    job.target_schema = "public";
    job.target_table = name;
    job.source_columns = {"ID", "NAME", "UPDATED"};
    job.target_columns = {"id", "name", "updated"};
    FakeSource types(source_state_);
    for (const auto& c : FakeSource::Columns()) job.targets.push_back(types.MapColumn(c, {}));
    job.order_by = "\"ID\"";
    job.plan_input.table = {"DB", "S", name, "\"NAME\" <> 'x'", ""};
    job.max_threads = max_threads;
    jobs_.push_back(job);
    run_->AddTable(job.key, chunks, kRowsPerChunk);
  }

  // Runs `workers` workers to the end, like the coordinator does.
  void RunWorkers(int workers) {
    shared_.run_id = "00000000-0000-0000-0000-000000000001";
    shared_.jobs = &jobs_;
    shared_.clock = &clock_;
    shared_.open_session = [run = run_] { return std::make_unique<MemorySession>(run); };
    shared_.make_source = [state = source_state_] { return std::make_unique<FakeSource>(state); };
    std::vector<std::thread> threads;
    for (int i = 0; i < workers; ++i) threads.emplace_back([this, i] { RunWorker(shared_, i); });
    for (auto& t : threads) t.join();
  }

  TableStats Stats(const std::string& table) {
    std::lock_guard lock(shared_.mu);
    return shared_.stats[run::TableKey{"DB", "S", table}];
  }

  int Attempts(const MemoryRun::Chunk& chunk) {
    std::lock_guard lock(run_->mu);
    return run_->attempts[{chunk.table, chunk.id}];
  }

  // Every chunk's rows landed once or never.
  void ExpectNoChunkLandedTwice() {
    std::lock_guard lock(run_->mu);
    for (const auto& c : run_->chunks) EXPECT_LE(c.commits, 1) << "chunk " << c.id;
  }

  config::TableConfig table_config_;
  std::vector<TableJob> jobs_;
  std::shared_ptr<MemoryRun> run_ = std::make_shared<MemoryRun>();
  std::shared_ptr<FakeSourceState> source_state_ = std::make_shared<FakeSourceState>();
  FakeClock clock_;
  WorkShared shared_;
};

TEST_F(WorkerTest, SeveralWorkersLoadEveryChunkOfEveryTableExactlyOnce) {
  AddTable("A", 25);
  AddTable("B", 15);
  RunWorkers(4);
  EXPECT_EQ(run_->Count(ChunkStatus::kCompleted), 40);
  EXPECT_EQ(run_->Rows(), 40 * kRowsPerChunk);
  ExpectNoChunkLandedTwice();
  EXPECT_EQ(Stats("A").chunks_done + Stats("B").chunks_done, 40);
  EXPECT_EQ(Stats("A").rows, 25 * kRowsPerChunk);
  EXPECT_EQ(source_state_->fetches, 40);
  EXPECT_TRUE(shared_.worker_error.empty()) << shared_.worker_error;
}

TEST_F(WorkerTest, EachChunkIsReadByAStructuredRequestFromItsStoredRange) {
  AddTable("A", 3);
  RunWorkers(1);
  ASSERT_EQ(source_state_->requests.size(), 3u);
  std::vector<ChunkRequest> requests = source_state_->requests;
  std::sort(requests.begin(), requests.end(),
            [](const ChunkRequest& a, const ChunkRequest& b) { return a.offset < b.offset; });
  for (size_t i = 0; i < requests.size(); ++i) {
    const ChunkRequest& r = requests[i];
    EXPECT_EQ(r.table.table, "A");
    EXPECT_EQ(r.table.filter, "\"NAME\" <> 'x'");
    EXPECT_EQ(r.columns, (std::vector<std::string>{"ID", "NAME", "UPDATED"}));
    EXPECT_EQ(r.order_by, "\"ID\"");
    EXPECT_EQ(r.limit, kRowsPerChunk);
    EXPECT_EQ(r.offset, static_cast<int64_t>(i) * kRowsPerChunk);
    EXPECT_EQ(r.targets.size(), 3u);
    EXPECT_EQ(r.description, "DB.S.A chunk " + std::to_string(i + 1));
    EXPECT_EQ(r.query_tag, "sf2pg:00000000:A:" + std::to_string(i + 1));
  }
  EXPECT_EQ(run_->Rows(), 3 * kRowsPerChunk);
}

TEST_F(WorkerTest, ATransientFailureIsRetriedAfterABackoffAndCounted) {
  AddTable("A", 5);
  run_->before_commit = [](const MemoryRun::Chunk& c, int attempt) {
    if (c.id == 3 && attempt == 1) throw Error("connection reset", Retry::kChunk);
  };
  RunWorkers(1);
  EXPECT_EQ(run_->Count(ChunkStatus::kCompleted), 5);
  EXPECT_EQ(run_->Get({"DB", "S", "A"}, 3).retry_count, 1);
  EXPECT_EQ(run_->Get({"DB", "S", "A"}, 3).commits, 1);
  EXPECT_EQ(Stats("A").retries, 1);
  EXPECT_EQ(Stats("A").chunks_failed, 0);
  EXPECT_GT(clock_.slept(), Clock::Duration::zero());
}

TEST_F(WorkerTest, APermanentFailureFailsTheChunkAtOnceAndTheOthersLoad) {
  AddTable("A", 4);
  run_->before_commit = [](const MemoryRun::Chunk& c, int) {
    if (c.id == 2) throw DataError("row 7: text contains a NUL byte");
  };
  RunWorkers(2);
  auto failed = run_->Get({"DB", "S", "A"}, 2);
  EXPECT_EQ(failed.status, ChunkStatus::kFailed);
  EXPECT_NE(failed.error.find("NUL byte"), std::string::npos);
  EXPECT_EQ(failed.retry_count, 0);
  EXPECT_EQ(run_->Count(ChunkStatus::kCompleted), 3);
  EXPECT_EQ(Stats("A").chunks_failed, 1);
  ASSERT_EQ(Stats("A").errors.size(), 1u);
}

TEST_F(WorkerTest, RetriesEndAtMaxAttemptsWithTheChunkFailed) {
  AddTable("A", 2);
  shared_.retry.max_attempts = 3;
  run_->before_commit = [](const MemoryRun::Chunk& c, int) {
    if (c.id == 1) throw Error("server busy", Retry::kChunk);
  };
  RunWorkers(1);
  auto chunk = run_->Get({"DB", "S", "A"}, 1);
  EXPECT_EQ(chunk.status, ChunkStatus::kFailed);
  EXPECT_EQ(chunk.retry_count, 2);  // attempts 2 and 3
  EXPECT_EQ(chunk.commits, 0);
  EXPECT_EQ(Attempts(chunk), 3);
  EXPECT_EQ(run_->Get({"DB", "S", "A"}, 2).status, ChunkStatus::kCompleted);
}

TEST_F(WorkerTest, AnInDoubtCommitThatLandedIsNotLoadedAgain) {
  AddTable("A", 3);
  run_->after_commit = [](const MemoryRun::Chunk& c, int attempt) {
    if (c.id == 2 && attempt == 1) throw Error("COMMIT: connection lost", Retry::kInDoubt);
  };
  RunWorkers(1);
  auto chunk = run_->Get({"DB", "S", "A"}, 2);
  EXPECT_EQ(chunk.status, ChunkStatus::kCompleted);
  EXPECT_EQ(chunk.commits, 1);
  EXPECT_EQ(Attempts(chunk), 1);  // asked, not loaded again
  EXPECT_EQ(Stats("A").rows, 3 * kRowsPerChunk);
  EXPECT_EQ(Stats("A").retries, 0);
  EXPECT_EQ(run_->Rows(), 3 * kRowsPerChunk);
}

TEST_F(WorkerTest, AnInDoubtCommitThatDidNotLandIsLoadedAgainOnce) {
  AddTable("A", 3);
  run_->before_commit = [](const MemoryRun::Chunk& c, int attempt) {
    if (c.id == 2 && attempt == 1) throw Error("COMMIT: connection lost", Retry::kInDoubt);
  };
  RunWorkers(1);
  auto chunk = run_->Get({"DB", "S", "A"}, 2);
  EXPECT_EQ(chunk.status, ChunkStatus::kCompleted);
  EXPECT_EQ(chunk.commits, 1);
  EXPECT_EQ(Attempts(chunk), 2);
  EXPECT_EQ(Stats("A").retries, 1);
  EXPECT_EQ(run_->Rows(), 3 * kRowsPerChunk);
}

TEST_F(WorkerTest, ABrokenStatusSessionIsReplacedAndTheChunkRetried) {
  AddTable("A", 3);
  MemoryRun* run = run_.get();  // not a shared_ptr: the hook is stored in the run itself
  // The first session breaks during chunk 2's first attempt.
  run_->before_commit = [run](const MemoryRun::Chunk& c, int attempt) {
    if (c.id == 2 && attempt == 1) {
      {
        std::lock_guard lock(run->mu);
        run->broken.insert(c.owner);
      }
      throw Error("server closed the connection", Retry::kChunk);
    }
  };
  RunWorkers(1);
  EXPECT_EQ(run_->Count(ChunkStatus::kCompleted), 3);
  EXPECT_EQ(run_->sessions_opened, 2);
  ExpectNoChunkLandedTwice();
}

TEST_F(WorkerTest, AWorkerThatCannotConnectRecordsWhyAndLoadsNothing) {
  AddTable("A", 3);
  shared_.retry.max_attempts = 2;
  run_->on_open = [](int) { throw Error("connection refused", Retry::kCall); };
  RunWorkers(1);
  EXPECT_EQ(run_->Count(ChunkStatus::kPending), 3);
  EXPECT_NE(shared_.worker_error.find("connection refused"), std::string::npos)
      << shared_.worker_error;
}

TEST_F(WorkerTest, AStopRequestPutsTheChunkBackAndClaimsNoMore) {
  AddTable("A", 5);
  run_->before_commit = [](const MemoryRun::Chunk& c, int) {
    if (c.id == 3) {
      StopFlag::Request();
      throw StoppedError("stop requested");
    }
  };
  RunWorkers(1);
  EXPECT_EQ(run_->Count(ChunkStatus::kCompleted), 2);
  EXPECT_EQ(run_->Get({"DB", "S", "A"}, 3).status, ChunkStatus::kPending);
  EXPECT_EQ(run_->Count(ChunkStatus::kPending), 3);
  EXPECT_EQ(Stats("A").chunks_failed, 0);
}

TEST_F(WorkerTest, NoChunkIsClaimedThatCouldNotFinishBeforeTheDeadline) {
  AddTable("A", 10);
  // Each chunk takes 10 s of (fake) time; the deadline is 45 s away with a 5 s buffer.
  source_state_->on_fetch = [this](int, const ChunkRequest&) {
    clock_.Advance(std::chrono::seconds(10));
  };
  shared_.deadline = clock_.Now() + std::chrono::seconds(45);
  shared_.deadline_buffer = std::chrono::seconds(5);
  RunWorkers(1);
  EXPECT_TRUE(shared_.deadline_reached);
  // Started at 0, 10, 20: the fourth would start at 30 and need until 40 + 5 of buffer.
  EXPECT_EQ(run_->Count(ChunkStatus::kCompleted), 3);
  EXPECT_EQ(run_->Count(ChunkStatus::kPending), 7);
  EXPECT_EQ(run_->Count(ChunkStatus::kInProgress), 0);
}

TEST_F(WorkerTest, ATableNeverHasMoreChunksLoadingThanItsThreads) {
  AddTable("ONE", 12, /*max_threads=*/1);
  AddTable("TWO", 12, /*max_threads=*/2);
  // Slow chunks, so that workers overlap.
  source_state_->on_fetch = [](int, const ChunkRequest&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  };
  RunWorkers(4);
  EXPECT_EQ(run_->Count(ChunkStatus::kCompleted), 24);
  EXPECT_EQ((run_->max_loading_by_table[{"DB", "S", "ONE"}]), 1);
  EXPECT_LE((run_->max_loading_by_table[{"DB", "S", "TWO"}]), 2);
}

TEST_F(WorkerTest, AChunkWhoseWorkerDiedIsTakenOverAndLoadedOnce) {
  AddTable("A", 3);
  // A worker of another process claimed chunk 2 and died (its session is gone).
  auto dead = std::make_unique<MemorySession>(run_);
  auto claim = dead->ClaimChunk({{"DB", "S", "A"}});
  ASSERT_TRUE(claim.chunk);
  dead->Break();
  RunWorkers(2);
  EXPECT_EQ(run_->Count(ChunkStatus::kCompleted), 3);
  ExpectNoChunkLandedTwice();
  EXPECT_EQ(run_->Rows(), 3 * kRowsPerChunk);
}

TEST_F(WorkerTest, AChunkAnotherWorkerCompletedFirstIsSkipped) {
  AddTable("A", 2);
  // Chunk 1 completes elsewhere while this worker fetches it (a joined process won).
  MemoryRun* run = run_.get();  // not a shared_ptr: the hook is stored in the run itself
  run_->before_commit = [run](const MemoryRun::Chunk& c, int) {
    if (c.id != 1) return;
    std::lock_guard lock(run->mu);
    auto* other = run->Find(c.table, 1);
    other->status = ChunkStatus::kCompleted;
    other->rows = kRowsPerChunk;
    ++other->commits;
  };
  RunWorkers(1);
  EXPECT_EQ(Stats("A").chunks_skipped, 1);
  EXPECT_EQ(Stats("A").chunks_done, 1);
  ExpectNoChunkLandedTwice();
}

}  // namespace
}  // namespace sf2pg::exec
