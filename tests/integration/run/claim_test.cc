// Chunk claiming against a real PostgreSQL: concurrent claimers take different chunks, and a
// claimer that finds pending chunks locked by another claimer is told to try again.
#include <gtest/gtest.h>

#include <set>

#include "integration/pg_fixture.h"
#include "postgres/connection.h"
#include "run/status_store.h"

namespace sf2pg::testing {
namespace {

class ClaimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TestPg::CreateDatabase("claims");
    a_ = std::make_unique<postgres::Connection>(TestPg::Params("claims"));
    b_ = std::make_unique<postgres::Connection>(TestPg::Params("claims"));
    run::StatusStore store(*a_);
    store.EnsureSchema();
    run_id_ = store.CreateRun("hash", 1, 1, nlohmann::json::object(), "test");
    run::TableRecord table;
    table.key = key_;
    table.source_name = "s";
    table.target_database = TestPg::Db("claims");
    table.target_schema = "public";
    table.target_table = "t";
    table.metadata = {{"planned", true}};
    std::vector<nlohmann::json> ranges(kChunks, nlohmann::json{{"predicate", ""}});
    postgres::Transaction tx(*a_);
    store.InsertTablePlan(run_id_, table, ranges);
    tx.Commit();
  }

  static constexpr int kChunks = 3;
  run::TableKey key_{"DB", "S", "T"};
  std::string run_id_;
  std::unique_ptr<postgres::Connection> a_, b_;
};

TEST_F(ClaimTest, ConcurrentClaimersTakeDifferentChunks) {
  run::StatusStore first(*a_), second(*b_);
  std::set<int> taken;
  for (int i = 0; i < kChunks; ++i) {
    run::Claim claim = (i % 2 ? second : first).ClaimChunk(run_id_, {key_});
    ASSERT_TRUE(claim.chunk.has_value()) << "claim " << i;
    EXPECT_TRUE(taken.insert(claim.chunk->chunk_id).second);
  }
  // A third session (advisory locks are re-entrant within one).
  postgres::Connection c(TestPg::Params("claims"));
  run::Claim none = run::StatusStore(c).ClaimChunk(run_id_, {key_});
  EXPECT_FALSE(none.chunk.has_value());
  EXPECT_FALSE(none.busy);  // every chunk is in progress with a live owner: nothing left
}

TEST_F(ClaimTest, PendingChunksLockedByAnotherClaimerMeanBusyNotDone) {
  // Another session holds every pending row locked, as a claimer does for an instant.
  postgres::Transaction hold(*b_);
  b_->Exec(
      "SELECT chunk_id FROM migration_status.migration_chunk_status WHERE status = "
      "'pending' FOR UPDATE");
  run::StatusStore store(*a_);
  run::Claim claim = store.ClaimChunk(run_id_, {key_});
  EXPECT_FALSE(claim.chunk.has_value());
  EXPECT_TRUE(claim.busy);
  hold.Commit();
  claim = store.ClaimChunk(run_id_, {key_});
  ASSERT_TRUE(claim.chunk.has_value());
  EXPECT_EQ(claim.chunk->chunk_id, 1);
  EXPECT_FALSE(claim.busy);
}

}  // namespace
}  // namespace sf2pg::testing
