// Random sequences against the in-memory engine: tables of random sizes and thread limits,
// random worker counts, and at every attempt a random fault (transient error, in-doubt commit
// that did or did not land, a broken session, a permanent error, a stop). Invocations repeat
// like resumes (failed chunks back to pending, the stop flag cleared) until the run is done.
// After every invocation no chunk has landed twice and no table had more chunks loading than
// its threads; at the end every chunk landed exactly once and the workers reported every row.
// Thousands of sequences run in a few seconds (minutes under AddressSanitizer).
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <thread>

#include "core/stop.h"
#include "exec/worker.h"
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

struct Outcome {
  int invocations = 0;
  int64_t reported_rows = 0;
};

// One random sequence; returns a description of the first broken rule, or "".
std::string RunSequence(uint32_t seed, Outcome* outcome) {
  std::mt19937 rng(seed);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  config::TableConfig table_config;
  std::vector<TableJob> jobs;
  auto run = std::make_shared<MemoryRun>();
  auto source_state = std::make_shared<FakeSourceState>();
  source_state->rows = 1000000;
  const int64_t rows_per_chunk = pick(1, 50);
  int total_chunks = 0;
  int tables = pick(1, 3);
  FakeSource types(source_state);
  for (int t = 0; t < tables; ++t) {
    TableJob job;
    job.table = &table_config;
    job.key = {"DB", "S", "T" + std::to_string(t)};
    job.source_columns = {"ID", "NAME", "UPDATED"};
    for (const auto& c : FakeSource::Columns()) job.targets.push_back(types.MapColumn(c, {}));
    job.order_by = "\"ID\"";
    job.max_threads = pick(1, 4);
    int chunks = pick(1, 12);
    total_chunks += chunks;
    run->AddTable(job.key, chunks, rows_per_chunk);
    jobs.push_back(job);
  }
  // Fault odds in percent per attempt; faults stop after a few invocations so the run ends.
  const int odds = pick(0, 40);
  std::mutex fault_mu;
  bool faults_on = true;
  auto fault = [&](int percent) {
    std::lock_guard lock(fault_mu);
    return faults_on && pick(0, 99) < percent;
  };
  run->before_commit = [&](const MemoryRun::Chunk& c, int) {
    int roll;
    {
      std::lock_guard lock(fault_mu);
      if (!faults_on || pick(0, 99) >= odds) return;
      roll = pick(0, 4);
    }
    switch (roll) {
      case 0:
        throw Error("connection reset", Retry::kChunk);
      case 1:
        throw Error("COMMIT: connection lost", Retry::kInDoubt);
      case 2: {
        std::lock_guard lock(run->mu);
        run->broken.insert(c.owner);
        throw Error("server closed the connection", Retry::kChunk);
      }
      case 3:
        throw DataError("bad row");
      default:
        StopFlag::Request();
        throw StoppedError("stop requested");
    }
  };
  run->after_commit = [&](const MemoryRun::Chunk&, int) {
    if (fault(odds / 2)) throw Error("COMMIT: connection lost", Retry::kInDoubt);
  };

  FakeClock clock;
  for (int invocation = 1; invocation <= 30; ++invocation) {
    outcome->invocations = invocation;
    StopFlag::ResetForTesting();
    {
      std::lock_guard lock(fault_mu);
      faults_on = invocation <= 6;
    }
    // A resume: failed chunks are pending again.
    {
      std::lock_guard lock(run->mu);
      for (auto& c : run->chunks) {
        if (c.status == ChunkStatus::kFailed) c.status = ChunkStatus::kPending;
      }
    }
    WorkShared shared;
    shared.run_id = "run";
    shared.jobs = &jobs;
    shared.clock = &clock;
    shared.retry.max_attempts = pick(1, 4);
    shared.open_session = [run] { return std::make_unique<MemorySession>(run); };
    shared.make_source = [source_state] { return std::make_unique<FakeSource>(source_state); };
    std::vector<std::thread> threads;
    int workers = pick(1, 4);
    for (int i = 0; i < workers; ++i) threads.emplace_back([&shared, i] { RunWorker(shared, i); });
    for (auto& t : threads) t.join();
    for (const auto& [key, stats] : shared.stats) outcome->reported_rows += stats.rows;

    std::lock_guard lock(run->mu);
    for (const auto& c : run->chunks) {
      if (c.commits > 1)
        return "chunk " + std::to_string(c.id) + " of " + c.table.ToString() + " landed " +
               std::to_string(c.commits) + " times";
    }
    for (const auto& job : jobs) {
      if (run->max_loading_by_table[job.key] > job.max_threads) {
        return job.key.ToString() + " loaded " +
               std::to_string(run->max_loading_by_table[job.key]) + " chunks at once, over " +
               std::to_string(job.max_threads);
      }
    }
    bool done = true;
    for (const auto& c : run->chunks) done = done && c.status == ChunkStatus::kCompleted;
    if (done) break;
  }
  StopFlag::ResetForTesting();
  std::lock_guard lock(run->mu);
  for (const auto& c : run->chunks) {
    if (c.status != ChunkStatus::kCompleted || c.commits != 1) {
      return "chunk " + std::to_string(c.id) + " of " + c.table.ToString() + " ended " +
             ToString(c.status) + " with " + std::to_string(c.commits) + " commits";
    }
  }
  // Every landed row is reported. (A chunk can be reported twice: when a worker's session
  // breaks, another worker may take its claim over and commit the chunk, and the first worker's
  // next attempt, if in doubt, finds it completed and cannot tell whose commit that was.)
  if (outcome->reported_rows < total_chunks * rows_per_chunk) {
    return "workers reported " + std::to_string(outcome->reported_rows) + " rows, the run has " +
           std::to_string(total_chunks * rows_per_chunk);
  }
  return "";
}

TEST(WorkerSequence, NoRandomSequenceOfFaultsLosesOrDuplicatesAChunk) {
  // SF2PG_WORKER_SEQUENCES sets the number (the sanitizer builds' test preset runs fewer).
  const char* configured = std::getenv("SF2PG_WORKER_SEQUENCES");
  int sequences = configured && *configured ? std::atoi(configured) : 2000, invocations = 0;
  for (uint32_t seed = 1; seed <= static_cast<uint32_t>(sequences); ++seed) {
    Outcome outcome;
    std::string broken = RunSequence(seed, &outcome);
    ASSERT_EQ(broken, "") << "seed " << seed << " after " << outcome.invocations
                          << " invocation(s)";
    invocations += outcome.invocations;
  }
  // Faults really happened: many sequences needed more than one invocation.
  EXPECT_GT(invocations, sequences * 3 / 2);
}

}  // namespace
}  // namespace sf2pg::exec
