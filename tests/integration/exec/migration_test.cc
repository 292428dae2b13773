// The migration engine against a real PostgreSQL, with rows from FakeSource: parallel
// workers, exactly-once commits, retries, failures and resume, deadlines and stops.
#include "exec/migration.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "config/load.h"
#include "core/stop.h"
#include "fakes/fake_source.h"
#include "integration/pg_fixture.h"
#include "postgres/connection.h"
#include "run/status_store.h"

namespace sf2pg::testing {
namespace {

using ::testing::HasSubstr;

class MigrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StopFlag::ResetForTesting();
    TestPg::CreateDatabase("engine");
    conn_ = std::make_unique<postgres::Connection>(TestPg::Params("engine"));
    conn_->Exec("CREATE TABLE public.items (id bigint PRIMARY KEY, name text, updated timestamp)");
    state_ = std::make_shared<FakeSourceState>();
    state_->rows = 1000;
    deps_.pg_params = [](const std::string& db) { return TestPg::Params(db); };
    deps_.make_source = [this] { return std::make_unique<FakeSource>(state_); };
  }
  void TearDown() override { StopFlag::ResetForTesting(); }

  config::Config Config(const std::string& table_extra = "", const std::string& global = "",
                        const std::string& target_db = "engine") {
    std::string text = R"({"parallel_threads": 4, "batch_size_copy_mode": 100, "batch_size": 100,
      "max_retry_attempts": 3, "lambda_timeout_buffer_seconds": 0)" +
                       global + R"(,
      "status_pg_database": ")" +
                       TestPg::Db("engine") + R"(",
      "sources": [{"source_name": "fake", "source_sf_database": "DB", "source_sf_schema": "S",
        "target_pg_database": ")" +
                       TestPg::Db(target_db) + R"(", "target_pg_schema": "public",
        "tables": [{"source": "ITEMS", "target": "items", "uniqueness_columns": ["ID"],
                    "chunking_strategy": "offset")" +
                       table_extra + R"(}]}]})";
    auto result = config::ParseConfig(text);
    EXPECT_TRUE(result.ok()) << config::FormatProblems(result.problems, true);
    return *result.config;
  }

  exec::MigrationResult Run(const config::Config& c, exec::MigrationOptions options = {}) {
    return exec::RunMigration(c, options, deps_);
  }

  int64_t Scalar(const std::string& sql) { return conn_->Exec(sql).GetInt(0, 0); }

  // Every row of the target equals the source's, and there are exactly `rows` of them.
  void ExpectExactTarget(int64_t rows) {
    EXPECT_EQ(Scalar("SELECT count(*) FROM items"), rows);
    EXPECT_EQ(Scalar("SELECT count(DISTINCT id) FROM items"), rows);
    EXPECT_EQ(Scalar("SELECT count(*) FROM items WHERE id < 1 OR id > " + std::to_string(rows)), 0);
    EXPECT_EQ(Scalar("SELECT count(*) FROM items WHERE name IS DISTINCT FROM CASE WHEN (id - 1) "
                     "% 7 = 3 THEN NULL ELSE 'name-' || (id - 1) END OR updated <> timestamp "
                     "'2023-01-01' + (id - 1) * interval '1 second'"),
              0);
  }

  std::unique_ptr<postgres::Connection> conn_;
  std::shared_ptr<FakeSourceState> state_;
  exec::MigrationDeps deps_;
};

TEST_F(MigrationTest, CopiesEveryRowOnceWithParallelWorkers) {
  auto r = Run(Config());
  EXPECT_EQ(r.status, RunStatus::kCompleted);
  ExpectExactTarget(1000);
  ASSERT_EQ(r.tables.size(), 1u);
  EXPECT_EQ(r.tables[0].method, LoadMethod::kCopy);
  EXPECT_EQ(r.tables[0].strategy, config::ChunkingStrategy::kOffset);
  EXPECT_EQ(r.tables[0].completed_chunks, 10);
  EXPECT_EQ(r.tables[0].rows, 1000);
  // The status tables tell the same story.
  EXPECT_EQ(Scalar("SELECT count(*) FROM migration_status.migration_chunk_status WHERE status = "
                   "'completed' AND rows_copied = 100"),
            10);
  EXPECT_EQ(Scalar("SELECT total_rows_copied FROM migration_status.migration_table_status"), 1000);
  EXPECT_EQ(Scalar("SELECT completed_chunks FROM migration_status.migration_table_status"), 10);
  EXPECT_EQ(Scalar("SELECT total_rows_copied FROM migration_status.migration_runs"), 1000);
  EXPECT_EQ(Scalar("SELECT completed_tables FROM migration_status.migration_runs WHERE status = "
                   "'completed'"),
            1);
  EXPECT_EQ(state_->fetches, 10);
}

TEST_F(MigrationTest, TransientFailureIsRetriedAndCounted) {
  state_->on_fetch = [](int n, const ChunkRequest&) {
    if (n == 3) throw SnowflakeError("HTTP 503", Retry::kCall, "", "", 503);
  };
  auto r = Run(Config());
  EXPECT_EQ(r.status, RunStatus::kCompleted);
  ExpectExactTarget(1000);
  EXPECT_EQ(r.tables[0].retries, 1);
  EXPECT_EQ(Scalar("SELECT sum(retry_count) FROM migration_status.migration_chunk_status"), 1);
}

TEST_F(MigrationTest, FailureMidChunkLeavesNoRowsOfThatChunk) {
  // The chunk starting at row 500 fails after 250 of its rows were sent: none may remain.
  int failures = 0;
  state_->on_row = [&](int64_t row) {
    if (row == 550 && failures++ < 5) throw SnowflakeError("connection reset", Retry::kCall);
  };
  auto r = Run(Config(R"(, "parallel_threads": 1)"));
  EXPECT_EQ(r.status, RunStatus::kFailed);
  EXPECT_EQ(Scalar("SELECT count(*) FROM items WHERE id BETWEEN 501 AND 600"), 0);
  EXPECT_EQ(Scalar("SELECT count(*) FROM items"), 900);
  EXPECT_EQ(Scalar("SELECT count(*) FROM migration_status.migration_chunk_status WHERE status = "
                   "'failed' AND error_message LIKE '%connection reset%' AND retry_count = 2"),
            1);
  EXPECT_EQ(Scalar("SELECT failed_chunks FROM migration_status.migration_table_status"), 1);
  EXPECT_EQ(Scalar("SELECT failed_tables FROM migration_status.migration_runs"), 1);

  // The resume loads only the failed chunk.
  state_->on_row = nullptr;
  int before = state_->fetches;
  auto again = Run(Config(R"(, "parallel_threads": 1)"));
  EXPECT_TRUE(again.resumed);
  EXPECT_EQ(again.run_id, r.run_id);
  EXPECT_EQ(again.status, RunStatus::kCompleted);
  EXPECT_EQ(state_->fetches - before, 1);
  ExpectExactTarget(1000);
  EXPECT_EQ(Scalar("SELECT failed_chunks FROM migration_status.migration_table_status"), 0);
  EXPECT_EQ(Scalar("SELECT failed_tables FROM migration_status.migration_runs"), 0);
  EXPECT_EQ(Scalar("SELECT completed_tables FROM migration_status.migration_runs"), 1);
  EXPECT_EQ(Scalar("SELECT total_rows_copied FROM migration_status.migration_runs"), 1000);
}

TEST_F(MigrationTest, PermanentErrorIsNotRetried) {
  state_->on_fetch = [](int n, const ChunkRequest&) {
    if (n == 2)
      throw SnowflakeError("SQL compilation error", Retry::kNever, "001003", "42000", 422);
  };
  auto r = Run(Config(R"(, "parallel_threads": 1)"));
  EXPECT_EQ(r.status, RunStatus::kFailed);
  EXPECT_EQ(r.tables[0].retries, 0);
  EXPECT_EQ(r.tables[0].failed_chunks, 1);
  EXPECT_THAT(r.tables[0].errors.at(0), HasSubstr("SQL compilation error"));
  EXPECT_EQ(Scalar("SELECT count(*) FROM items"), 900);
}

TEST_F(MigrationTest, TwoConcurrentProcessesShareChunksWithoutLoadingAnyTwice) {
  // The joiner reads through its own source state. From its 10th chunk on, the first process
  // waits (at most 60 s) until the joiner has fetched a chunk, so the two share the work
  // however the machine schedules them.
  state_->rows = 5000;
  auto joiner = std::make_shared<FakeSourceState>();
  joiner->rows = state_->rows;
  state_->on_fetch = [joiner](int number, const ChunkRequest&) {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (number >= 10 && std::chrono::steady_clock::now() < until) {
      {
        std::lock_guard lock(joiner->mu);
        if (joiner->fetches > 0) return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  };
  auto c = Config();
  exec::MigrationResult first, second;
  std::thread a([&] { first = Run(c); });
  // The second joins the same run once the first has planned it.
  std::string run_id;
  for (int i = 0; i < 1000 && run_id.empty(); ++i) {
    try {  // the status tables appear once the first process starts
      auto r = conn_->Exec("SELECT run_id::text FROM migration_status.migration_table_status");
      if (r.rows() > 0) run_id = std::string(r.Get(0, 0));
    } catch (const PostgresError&) {
    }
    if (run_id.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (run_id.empty()) {
    a.join();
    FAIL() << "the first process never planned the run";
  }
  exec::MigrationOptions join;
  join.join_run_id = run_id;
  exec::MigrationDeps joiner_deps = deps_;
  joiner_deps.make_source = [joiner] { return std::make_unique<FakeSource>(joiner); };
  std::thread b([&] { second = exec::RunMigration(c, join, joiner_deps); });
  a.join();
  b.join();
  ExpectExactTarget(5000);
  EXPECT_EQ(first.tables[0].rows + second.tables[0].rows, 5000);
  EXPECT_EQ(state_->fetches + joiner->fetches, 50);  // every chunk fetched exactly once
  EXPECT_GT(second.tables[0].rows, 0);               // the joiner did share the work
  EXPECT_EQ(Scalar("SELECT count(*) FROM migration_status.migration_runs WHERE status = "
                   "'completed'"),
            1);
}

// A clock that moves only when told: each fetch of a chunk takes 30 ms of it, and sleeps
// (claim polling, backoff) pass at once. The deadline then falls at the same chunk whatever
// the machine's load.
class StepClock : public Clock {
 public:
  TimePoint Now() override { return TimePoint(Duration(ns_.load())); }
  void SleepFor(Duration d) override { ns_ += d.count(); }

 private:
  std::atomic<Duration::rep> ns_{Clock::Real().Now().time_since_epoch().count()};
};

TEST_F(MigrationTest, DeadlineLeavesTheRunPartialAndResumable) {
  auto c = Config(R"(, "parallel_threads": 1)");
  StepClock clock;
  deps_.clock = &clock;
  exec::MigrationOptions options;
  int served = 0;
  state_->on_fetch = [&](int, const ChunkRequest&) {
    ++served;
    clock.SleepFor(std::chrono::milliseconds(30));
  };
  options.deadline = clock.Now() + std::chrono::milliseconds(200);
  auto r = Run(c, options);
  EXPECT_EQ(r.status, RunStatus::kPartial);
  EXPECT_TRUE(r.deadline_reached);
  EXPECT_GT(served, 0);
  EXPECT_LT(served, 10);
  EXPECT_EQ(Scalar("SELECT count(*) FROM migration_status.migration_runs WHERE status = 'partial'"),
            1);
  auto done = Run(c);
  EXPECT_EQ(done.status, RunStatus::kCompleted);
  EXPECT_EQ(done.run_id, r.run_id);
  EXPECT_EQ(served, 10);
  ExpectExactTarget(1000);
}

TEST_F(MigrationTest, StopRequestRollsBackTheChunkInFlight) {
  auto c = Config(R"(, "parallel_threads": 1)");
  state_->on_row = [](int64_t row) {
    if (row == 420) StopFlag::Request();
  };
  auto r = Run(c);
  EXPECT_EQ(r.status, RunStatus::kPartial);
  EXPECT_TRUE(r.stopped);
  EXPECT_EQ(Scalar("SELECT count(*) FROM items"), 400);
  EXPECT_EQ(Scalar("SELECT count(*) FROM migration_status.migration_chunk_status WHERE status = "
                   "'in_progress'"),
            0);
  StopFlag::ResetForTesting();
  state_->on_row = nullptr;
  auto done = Run(c);
  EXPECT_EQ(done.status, RunStatus::kCompleted);
  ExpectExactTarget(1000);
}

TEST_F(MigrationTest, NonEmptyTargetLoadsWithUpsertAndNeverDuplicates) {
  conn_->Exec(
      "INSERT INTO items SELECT g, 'old', timestamp '2000-01-01' FROM generate_series(1, 500) g");
  auto r = Run(Config());
  EXPECT_EQ(r.status, RunStatus::kCompleted);
  EXPECT_EQ(r.tables[0].method, LoadMethod::kUpsert);
  ExpectExactTarget(1000);
}

TEST_F(MigrationTest, TruncateOnStartHappensOnceAndNotOnResume) {
  conn_->Exec("INSERT INTO items VALUES (99999, 'stale', NULL)");
  state_->on_fetch = [](int n, const ChunkRequest&) {
    if (n == 4) throw SnowflakeError("permanent", Retry::kNever);
  };
  auto c = Config(R"(, "truncate_onstart": true, "parallel_threads": 1)");
  auto r = Run(c);
  EXPECT_EQ(r.status, RunStatus::kFailed);
  EXPECT_EQ(Scalar("SELECT count(*) FROM items WHERE id = 99999"), 0);
  EXPECT_EQ(Scalar("SELECT count(*) FROM items"), 900);
  // Rows written between runs by someone else survive the resume: no second truncate.
  conn_->Exec("INSERT INTO items VALUES (77777, 'added later', NULL)");
  state_->on_fetch = nullptr;
  auto again = Run(c);
  EXPECT_EQ(again.status, RunStatus::kCompleted);
  EXPECT_EQ(Scalar("SELECT count(*) FROM items"), 1001);
}

TEST_F(MigrationTest, NoResumeStartsFreshAndResumeRunIdPicksTheRun) {
  auto c = Config();
  auto first = Run(c);
  EXPECT_EQ(first.status, RunStatus::kCompleted);
  exec::MigrationOptions fresh;
  fresh.no_resume = true;
  auto second = Run(c, fresh);
  EXPECT_NE(second.run_id, first.run_id);
  EXPECT_FALSE(second.resumed);
  EXPECT_EQ(second.tables[0].method, LoadMethod::kUpsert);  // the target is no longer empty
  ExpectExactTarget(1000);
  exec::MigrationOptions pick;
  pick.resume_run_id = first.run_id;
  auto third = Run(c, pick);
  EXPECT_EQ(third.status, RunStatus::kCompleted);  // nothing left to do in a completed run
  EXPECT_EQ(third.run_id, first.run_id);
  pick.resume_run_id = "00000000-0000-0000-0000-000000000000";
  EXPECT_THROW(Run(c, pick), ConfigError);
}

TEST_F(MigrationTest, JoinedRunIsNotBlockedByItselfButAFreshRunIs) {
  auto c = Config();
  exec::MigrationOptions plan_only;
  plan_only.deadline = Clock::Real().Now();  // planned, no chunk claimed
  auto planned = Run(c, plan_only);
  EXPECT_EQ(planned.status, RunStatus::kPartial);
  EXPECT_EQ(Scalar("SELECT count(*) FROM items"), 0);
  exec::MigrationOptions fresh;
  fresh.no_resume = true;
  EXPECT_THROW(Run(c, fresh), ConfigError);
  EXPECT_EQ(Scalar("SELECT count(*) FROM migration_status.migration_runs"), 1);
  exec::MigrationOptions join;
  join.join_run_id = planned.run_id;
  auto joined = Run(c, join);
  EXPECT_EQ(joined.run_id, planned.run_id);
  EXPECT_EQ(joined.status, RunStatus::kCompleted);
  ExpectExactTarget(1000);
  // Completed, the run no longer holds the target.
  auto again = Run(c, fresh);
  EXPECT_EQ(again.status, RunStatus::kCompleted);
  EXPECT_NE(again.run_id, planned.run_id);
  ExpectExactTarget(1000);
}

TEST_F(MigrationTest, RunsOlderThanTheResumeWindowAreNotResumed) {
  state_->on_fetch = [](int n, const ChunkRequest&) {
    if (n == 1) throw SnowflakeError("permanent", Retry::kNever);
  };
  auto c = Config(R"(, "parallel_threads": 1)");
  auto r = Run(c);
  EXPECT_EQ(r.status, RunStatus::kFailed);
  conn_->Exec(
      "UPDATE migration_status.migration_runs SET started_at = started_at - interval '13 hours'");
  state_->on_fetch = nullptr;
  // Too old to be resumed by itself, the run still holds its target: a fresh run is refused,
  // naming it, before it writes anything.
  try {
    Run(c);
    ADD_FAILURE() << "a fresh run on the target of an unfinished run was not refused";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("belongs to unfinished run " + r.run_id + " (status failed"));
    EXPECT_THAT(e.what(), HasSubstr("sf2pg abandon " + r.run_id));
  }
  EXPECT_EQ(Scalar("SELECT count(*) FROM migration_status.migration_runs"), 1);
  exec::MigrationOptions wider;
  wider.resume_max_age_hours = 24;
  auto resumed = Run(c, wider);
  EXPECT_TRUE(resumed.resumed);
  EXPECT_EQ(resumed.run_id, r.run_id);
  EXPECT_EQ(resumed.status, RunStatus::kCompleted);
  ExpectExactTarget(1000);
}

TEST_F(MigrationTest, TargetInAnotherDatabaseStaysExactlyOnceWithCommitMarkers) {
  TestPg::CreateDatabase("engine_target");
  postgres::Connection target(TestPg::Params("engine_target"));
  target.Exec("CREATE TABLE public.items (id bigint PRIMARY KEY, name text, updated timestamp)");
  auto c = Config("", "", "engine_target");
  auto r = Run(c);
  EXPECT_EQ(r.status, RunStatus::kCompleted);
  EXPECT_EQ(target.Exec("SELECT count(*) FROM items").GetInt(0, 0), 1000);
  EXPECT_EQ(target.Exec("SELECT count(*) FROM migration_status.sf2pg_chunk_commits").GetInt(0, 0),
            10);
  // A chunk whose rows committed but whose status did not (a crash in between) is not loaded
  // again: the marker says it is done.
  conn_->Exec(
      "UPDATE migration_status.migration_chunk_status SET status = 'pending' WHERE "
      "chunk_id = 3");
  conn_->Exec("UPDATE migration_status.migration_runs SET status = 'partial'");
  int before = state_->fetches;
  auto again = Run(c);
  EXPECT_EQ(again.status, RunStatus::kCompleted);
  EXPECT_EQ(state_->fetches, before);
  EXPECT_EQ(target.Exec("SELECT count(*) FROM items").GetInt(0, 0), 1000);
}

TEST_F(MigrationTest, MissingTargetColumnStopsTheTableWithTheList) {
  conn_->Exec("ALTER TABLE items DROP COLUMN name");
  conn_->Exec("ALTER TABLE items ADD COLUMN extra int NOT NULL");
  auto r = Run(Config());
  EXPECT_EQ(r.status, RunStatus::kFailed);
  ASSERT_EQ(r.tables.size(), 1u);
  std::string error = r.tables[0].errors.at(0);
  EXPECT_THAT(error,
              HasSubstr("column \"name\" (from Snowflake NAME text) is missing in the target"));
  EXPECT_THAT(error, HasSubstr("target column \"extra\" is NOT NULL but has no source column"));
  EXPECT_EQ(state_->fetches, 0);
}

}  // namespace
}  // namespace sf2pg::testing

namespace sf2pg::testing {
namespace {

bool IndexExists(postgres::Connection& c, const std::string& name) {
  return c.Exec("SELECT to_regclass('public." + name + "') IS NOT NULL").Get(0, 0) == "t";
}

TEST_F(MigrationTest, SecondaryIndexesAreDroppedDuringTheLoadAndRestoredAfter) {
  conn_->Exec("CREATE INDEX items_name_idx ON items (name)");
  conn_->Exec("CREATE UNIQUE INDEX items_updated_uidx ON items (updated, id)");
  postgres::Connection observer(TestPg::Params("engine"));
  bool seen_during_load = true;
  state_->on_fetch = [&](int n, const ChunkRequest&) {
    if (n == 1) seen_during_load = IndexExists(observer, "items_name_idx");
  };
  auto r = Run(Config(R"(, "disable_index": true)"));
  EXPECT_EQ(r.status, RunStatus::kCompleted);
  EXPECT_FALSE(seen_during_load);
  EXPECT_TRUE(IndexExists(*conn_, "items_name_idx"));
  EXPECT_TRUE(IndexExists(*conn_, "items_updated_uidx"));  // unique: never dropped
  EXPECT_EQ(Scalar("SELECT count(*) FROM migration_status.migration_table_status WHERE "
                   "indexes_disabled AND indexes_restored"),
            1);
  ExpectExactTarget(1000);
}

TEST_F(MigrationTest, IndexesDroppedByAFailedRunAreRestoredByTheNextFreshRun) {
  conn_->Exec("CREATE INDEX items_name_idx ON items (name)");
  state_->on_fetch = [](int, const ChunkRequest&) {
    throw SnowflakeError("warehouse suspended", Retry::kNever);
  };
  auto r = Run(Config(R"(, "disable_index": true)"));
  EXPECT_EQ(r.status, RunStatus::kFailed);
  EXPECT_FALSE(IndexExists(*conn_, "items_name_idx"));
  // The definition was stored before the drop.
  EXPECT_EQ(Scalar("SELECT jsonb_array_length(metadata->'dropped_indexes') FROM "
                   "migration_status.migration_table_status"),
            1);
  state_->on_fetch = nullptr;
  exec::MigrationOptions fresh;
  fresh.no_resume = true;
  // The failed run holds the target until it is given up.
  EXPECT_THROW(Run(Config(), fresh), ConfigError);
  EXPECT_FALSE(IndexExists(*conn_, "items_name_idx"));
  run::StatusStore store(*conn_);
  EXPECT_EQ(store.AbandonRun(r.run_id, "test"), RunStatus::kFailed);
  auto again = Run(Config(), fresh);  // without disable_index: only the repair touches indexes
  EXPECT_EQ(again.status, RunStatus::kCompleted);
  EXPECT_TRUE(IndexExists(*conn_, "items_name_idx"));
  EXPECT_EQ(Scalar("SELECT count(*) FROM migration_status.migration_table_status WHERE "
                   "indexes_disabled AND NOT indexes_restored"),
            0);
}

TEST_F(MigrationTest, ExecutionsOnDifferentSourcesNeverResumeEachOther) {
  auto text = R"({"parallel_threads": 2, "batch_size_copy_mode": 100, "batch_size": 100,
    "lambda_timeout_buffer_seconds": 0, "status_pg_database": ")" +
              TestPg::Db("engine") + R"(",
    "sources": [
      {"source_name": "a", "source_sf_database": "DB", "source_sf_schema": "S",
       "target_pg_database": ")" +
              TestPg::Db("engine") + R"(", "target_pg_schema": "public",
       "tables": [{"source": "ITEMS", "target": "items", "uniqueness_columns": ["ID"],
                   "chunking_strategy": "offset"}]},
      {"source_name": "b", "source_sf_database": "DB", "source_sf_schema": "S2",
       "target_pg_database": ")" +
              TestPg::Db("engine") + R"(", "target_pg_schema": "public",
       "tables": [{"source": "ITEMS", "target": "items_b", "uniqueness_columns": ["ID"],
                   "chunking_strategy": "offset"}]}]})";
  conn_->Exec("CREATE TABLE public.items_b (id bigint PRIMARY KEY, name text, updated timestamp)");
  auto c = *config::ParseConfig(text).config;
  state_->on_fetch = [](int, const ChunkRequest&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  };
  exec::MigrationOptions a, b;
  a.sources = {"a"};
  b.sources = {"b"};
  exec::MigrationResult ra, rb;
  std::thread ta([&] { ra = Run(c, a); });
  std::thread tb([&] { rb = Run(c, b); });
  ta.join();
  tb.join();
  EXPECT_EQ(ra.status, RunStatus::kCompleted);
  EXPECT_EQ(rb.status, RunStatus::kCompleted);
  EXPECT_NE(ra.run_id, rb.run_id);
  EXPECT_EQ(Scalar("SELECT count(*) FROM items"), 1000);
  EXPECT_EQ(Scalar("SELECT count(*) FROM items_b"), 1000);
  EXPECT_EQ(Scalar("SELECT count(DISTINCT metadata->>'execution_hash') FROM "
                   "migration_status.migration_runs"),
            2);
  // A failed run of source a is resumed by source a only.
  conn_->Exec("UPDATE migration_status.migration_runs SET status = 'partial'");
  auto rb2 = Run(c, b);
  EXPECT_EQ(rb2.run_id, rb.run_id);
  auto ra2 = Run(c, a);
  EXPECT_EQ(ra2.run_id, ra.run_id);
}

}  // namespace
}  // namespace sf2pg::testing
