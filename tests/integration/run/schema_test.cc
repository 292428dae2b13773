// The status schema against a real PostgreSQL: sql/migration_status_schema.sql is complete by
// itself, concurrent creators on a fresh database never fail, and a completed table's planned
// and copied rows are compared and kept where `sf2pg status` reads them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <barrier>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "core/error.h"
#include "integration/pg_fixture.h"
#include "postgres/connection.h"
#include "report/status_view.h"
#include "run/status_schema.h"
#include "run/status_store.h"

namespace sf2pg::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

int64_t Tables(postgres::Connection& conn) {
  return conn
      .Exec(
          "SELECT count(*) FROM pg_tables WHERE schemaname = 'migration_status' AND tablename "
          "IN ('migration_runs', 'migration_table_status', 'migration_chunk_status', "
          "'rejected_rows', 'sf2pg_chunk_commits')")
      .GetInt(0, 0);
}

TEST(StatusSchema, ASchemaFromAnotherDdlIsRefusedWithWhatDiffers) {
  TestPg::CreateDatabase("schema_shape");
  postgres::Connection conn(TestPg::Params("schema_shape"));
  // The feature document's alternative chunk table: a serial id, chunk_id and chunk_metadata.
  conn.Exec(
      "CREATE SCHEMA migration_status; CREATE TABLE migration_status.migration_chunk_status ("
      "id SERIAL PRIMARY KEY, run_id UUID, source_table VARCHAR(255), chunk_id INTEGER, "
      "status VARCHAR(50), chunk_metadata JSONB)");
  run::StatusStore store(conn);
  try {
    store.EnsureSchema();
    FAIL() << "accepted";
  } catch (const ConfigError& e) {
    std::string message = e.what();
    EXPECT_THAT(message, HasSubstr("was not made by sf2pg"));
    EXPECT_THAT(message, HasSubstr("migration_status.migration_chunk_status lacks source_database, "
                                   "source_schema, chunk_range"));
    EXPECT_THAT(message, HasSubstr("(it has id, run_id, source_table, chunk_id, status, "
                                   "chunk_metadata)"));
    EXPECT_THAT(message, HasSubstr("ALTER SCHEMA migration_status RENAME TO"));
    EXPECT_THAT(message, Not(HasSubstr("migration_runs lacks")));  // sf2pg created that one
  }
  // Moved aside as the message says, the next attempt creates sf2pg's own.
  conn.Exec("ALTER SCHEMA migration_status RENAME TO migration_status_old");
  store.EnsureSchema();
  EXPECT_EQ(Tables(conn), 5);
}

TEST(StatusSchema, TheSqlFileCreatesEveryTableSf2pgUses) {
  std::ifstream in(std::string(SF2PG_SOURCE_DIR) + "/sql/migration_status_schema.sql");
  std::stringstream file;
  file << in.rdbuf();
  ASSERT_FALSE(file.str().empty());
  EXPECT_EQ(file.str(), run::kStatusSchemaSql) << "the compiled-in schema is the file";
  EXPECT_THAT(file.str(), HasSubstr(run::kTargetSchemaSql));
  TestPg::CreateDatabase("schema_by_hand");
  postgres::Connection conn(TestPg::Params("schema_by_hand"));
  conn.Exec(file.str());  // what psql -f does
  EXPECT_EQ(Tables(conn), 5);
  conn.Exec(file.str());  // safe to run twice
  EXPECT_EQ(Tables(conn), 5);
  // The target part alone holds what a target database of its own needs.
  TestPg::CreateDatabase("schema_target_part");
  postgres::Connection target(TestPg::Params("schema_target_part"));
  target.Exec(run::kTargetSchemaSql);
  EXPECT_EQ(Tables(target), 2);
  EXPECT_EQ(target
                .Exec("SELECT count(*) FROM pg_tables WHERE tablename IN ('rejected_rows', "
                      "'sf2pg_chunk_commits')")
                .GetInt(0, 0),
            2);
}

TEST(StatusSchema, AnOlderSchemaGetsTheMissingTables) {
  TestPg::CreateDatabase("schema_older");
  postgres::Connection conn(TestPg::Params("schema_older"));
  run::StatusStore(conn).EnsureSchema();
  conn.Exec("DROP TABLE migration_status.rejected_rows, migration_status.sf2pg_chunk_commits");
  ASSERT_EQ(Tables(conn), 3);
  run::StatusStore(conn).EnsureSchema();
  EXPECT_EQ(Tables(conn), 5);
}

// Creators that start at the same instant on a fresh database, each on its own session. One
// extra session runs the file without sf2pg's lock (as psql -f does): it may fail itself, but
// sf2pg's creators must not.
void RaceCreators(const std::string& database, bool target_part) {
  constexpr size_t kCreators = 6;
  TestPg::CreateDatabase(database);
  std::vector<std::unique_ptr<postgres::Connection>> conns;
  for (size_t i = 0; i <= kCreators; ++i) {
    conns.push_back(std::make_unique<postgres::Connection>(TestPg::Params(database)));
  }
  std::barrier start(static_cast<std::ptrdiff_t>(kCreators + 1));
  std::mutex mu;
  std::vector<std::string> errors;
  std::vector<std::thread> threads;
  for (size_t i = 0; i <= kCreators; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      try {
        if (i == kCreators) {
          conns[i]->Exec(target_part ? run::kTargetSchemaSql : run::kStatusSchemaSql);
        } else if (target_part) {
          run::EnsureTargetSchema(*conns[i]);
        } else {
          run::StatusStore(*conns[i]).EnsureSchema();
        }
      } catch (const std::exception& e) {
        if (i == kCreators) return;  // the unlocked creator may lose the race
        std::lock_guard lock(mu);
        errors.push_back(e.what());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_THAT(errors, ::testing::IsEmpty()) << database;
  EXPECT_EQ(Tables(*conns[0]), target_part ? 2 : 5);
}

TEST(StatusSchema, ConcurrentCreatorsOnAFreshDatabaseNeverFail) {
  for (int round = 0; round < 10; ++round) {
    RaceCreators("schema_race", false);
    if (HasFailure()) break;
  }
}

TEST(StatusSchema, ConcurrentTargetCreatorsOnAFreshDatabaseNeverFail) {
  for (int round = 0; round < 10; ++round) {
    RaceCreators("schema_race_target", true);
    if (HasFailure()) break;
  }
}

class RowCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TestPg::CreateDatabase("row_check");
    conn_ = std::make_unique<postgres::Connection>(TestPg::Params("row_check"));
    store_ = std::make_unique<run::StatusStore>(*conn_);
    store_->EnsureSchema();
    run_id_ = store_->CreateRun("hash", 1, 1, nlohmann::json::object(), "test");
  }

  // A table planned at `planned` rows in chunks of the given estimates.
  void Plan(const run::TableKey& key, int64_t planned, const std::vector<int64_t>& estimates) {
    run::TableRecord table;
    table.key = key;
    table.source_name = "s";
    table.target_database = TestPg::Db("row_check");
    table.target_schema = "public";
    table.target_table = key.source_table;
    table.metadata = {{"planned", true}, {"method", "COPY"}, {"estimated_rows", planned}};
    std::vector<nlohmann::json> ranges;
    for (int64_t e : estimates) ranges.push_back({{"predicate", ""}, {"estimated_rows", e}});
    postgres::Transaction tx(*conn_);
    store_->InsertTablePlan(run_id_, table, ranges);
    tx.Commit();
  }

  void Complete(const run::TableKey& key, int chunk_id, int64_t rows, int64_t rejected = 0) {
    postgres::Transaction tx(*conn_);
    std::string previous = store_->LockChunk(run_id_, key, chunk_id);
    store_->CompleteChunk(run_id_, key, chunk_id, rows, previous, {{"rejected", rejected}});
    tx.Commit();
  }

  std::unique_ptr<postgres::Connection> conn_;
  std::unique_ptr<run::StatusStore> store_;
  std::string run_id_;
};

TEST_F(RowCheckTest, FewerRowsThanPlannedIsAShortfallNamingTheShortChunks) {
  run::TableKey key{"DB", "S", "SHORT"};
  Plan(key, 300, {100, 100, 100});
  Complete(key, 1, 100);
  Complete(key, 2, 0);  // no rows although the plan counted 100
  Complete(key, 3, 100);
  ASSERT_EQ(store_->FinishTable(run_id_, key), TableStatus::kCompleted);
  run::RowCheck check = store_->CheckRows(run_id_, key);
  EXPECT_EQ(check.planned, 300);
  EXPECT_EQ(check.copied, 200);
  EXPECT_EQ(check.difference(), -100);
  EXPECT_EQ(check.verdict(), "shortfall");
  EXPECT_EQ(check.short_chunks, std::vector<int>{2});
  // Kept in the table's metadata, next to the plan, for `sf2pg status`.
  auto stored = run::RowCheckOf(store_->LoadTable(run_id_, key)->metadata);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->copied, 200);
  EXPECT_EQ(store_->LoadTable(run_id_, key)->metadata["method"], "COPY");
  nlohmann::json view = report::RunJson(*store_, run_id_);
  ASSERT_EQ(view["tables"].size(), 1u);
  EXPECT_EQ(view["tables"][0]["row_check"]["verdict"], "shortfall");
  EXPECT_EQ(view["verify_tables"], nlohmann::json::array({"DB.S.SHORT"}));
  std::string text = report::RunText(view);
  EXPECT_THAT(text, HasSubstr("100 SHORT"));
  EXPECT_THAT(text, HasSubstr("sf2pg verify --tables SHORT"));
  nlohmann::json runs = report::RunsJson(*store_, 5);
  EXPECT_EQ(runs[0]["shortfall_tables"], 1);
  EXPECT_THAT(report::RunsText(runs), HasSubstr("rows short"));
}

TEST_F(RowCheckTest, RejectedRowsAndRowsAddedAfterPlanningAreNoShortfall) {
  run::TableKey rejected{"DB", "S", "REJECTED"}, grown{"DB", "S", "GROWN"};
  Plan(rejected, 10, {10});
  Complete(rejected, 1, 7, 3);
  Plan(grown, 200, {100, 100});
  Complete(grown, 1, 100);
  Complete(grown, 2, 130);  // the open-ended last chunk took rows added after planning
  run::RowCheck a = store_->CheckRows(run_id_, rejected);
  EXPECT_EQ(a.verdict(), "match");
  EXPECT_EQ(a.rejected, 3);
  EXPECT_TRUE(a.short_chunks.empty());
  run::RowCheck b = store_->CheckRows(run_id_, grown);
  EXPECT_EQ(b.verdict(), "more");
  EXPECT_EQ(b.difference(), 30);
  store_->FinishTable(run_id_, rejected);
  store_->FinishTable(run_id_, grown);
  nlohmann::json view = report::RunJson(*store_, run_id_);
  EXPECT_TRUE(view["verify_tables"].empty());
  std::string text = report::RunText(view);
  EXPECT_THAT(text, HasSubstr("+30 more"));
  EXPECT_THAT(text, Not(HasSubstr("SHORT")));
  EXPECT_EQ(report::RunsJson(*store_, 5)[0]["shortfall_tables"], 0);
}

}  // namespace
}  // namespace sf2pg::testing
