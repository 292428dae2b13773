// sf2pg verify's rows method against a real PostgreSQL, with FakeSource as the source (which
// computes no checksums: checksum_test.cc runs the checksum method against sfemu).
#include "verify/verify.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "config/load.h"
#include "fakes/fake_source.h"
#include "integration/pg_fixture.h"

namespace sf2pg::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TestPg::CreateDatabase("verify");
    conn_ = std::make_unique<postgres::Connection>(TestPg::Params("verify"));
    conn_->Exec("CREATE TABLE items (id bigint PRIMARY KEY, name text, updated timestamp)");
    state_ = std::make_shared<FakeSourceState>();
    state_->rows = 2000;
    deps_.pg_params = [](const std::string& db) { return TestPg::Params(db); };
    deps_.make_source = [this] { return std::make_unique<FakeSource>(state_); };
  }

  config::Config Config(const std::string& keys) {
    auto r = config::ParseConfig(R"({"batch_size_copy_mode": 500, "status_pg_database": ")" +
                                 TestPg::Db("verify") + R"(",
      "lambda_timeout_buffer_seconds": 0, "sources": [{"source_name": "fake",
      "source_sf_database": "DB", "source_sf_schema": "S", "target_pg_database": ")" +
                                 TestPg::Db("verify") + R"(",
      "target_pg_schema": "public", "tables": [{"source": "ITEMS", "target": "items",
      "chunking_strategy": "offset", "truncate_onstart": true)" +
                                 keys + "}]}]}");
    EXPECT_TRUE(r.ok()) << config::FormatProblems(r.problems, true);
    return *r.config;
  }

  verify::TableVerdict Verify(const config::Config& c) {
    verify::VerifyOptions options;
    options.method = verify::Method::kRows;
    auto v = verify::VerifyTables(c, options, deps_);
    EXPECT_EQ(v.size(), 1u);
    return v.at(0);
  }

  std::unique_ptr<postgres::Connection> conn_;
  std::shared_ptr<FakeSourceState> state_;
  exec::MigrationDeps deps_;
};

TEST_F(VerifyTest, IdenticalAfterAMigrationAndEachDifferenceFound) {
  auto c = Config(R"(, "uniqueness_columns": ["ID"])");
  ASSERT_EQ(exec::RunMigration(c, {}, deps_).status, RunStatus::kCompleted);
  auto same = Verify(c);
  EXPECT_TRUE(same.identical()) << same.error;
  EXPECT_EQ(same.source_rows, 2000);
  EXPECT_EQ(same.target_rows, 2000);
  EXPECT_THAT(same.how, HasSubstr("matched on (id)"));

  conn_->Exec("UPDATE items SET name = 'tampered' WHERE id = 1500");
  conn_->Exec("UPDATE items SET updated = updated + interval '1 microsecond' WHERE id = 7");
  conn_->Exec("DELETE FROM items WHERE id = 42");
  conn_->Exec("INSERT INTO items VALUES (999999, 'ghost', NULL)");
  auto diff = Verify(c);
  EXPECT_FALSE(diff.identical());
  EXPECT_EQ(diff.changed, 2);
  EXPECT_EQ(diff.missing, 1);
  EXPECT_EQ(diff.extra, 1);
  EXPECT_THAT(diff.samples, Contains("changed id=1500: name"));
  EXPECT_THAT(diff.samples, Contains("changed id=7: updated"));
  EXPECT_THAT(diff.samples, Contains("missing id=42"));
  EXPECT_THAT(diff.samples, Contains("extra id=999999"));
}

// Each kind is counted once, whatever the number of sample rows shown: 7 missing rows are 7,
// with fewer samples than differences and with more.
TEST_F(VerifyTest, CountsEachKindOfDifferenceExactly) {
  auto c = Config(R"(, "uniqueness_columns": ["ID"])");
  ASSERT_EQ(exec::RunMigration(c, {}, deps_).status, RunStatus::kCompleted);
  conn_->Exec("DELETE FROM items WHERE id IN (10, 20, 30, 40, 50, 60, 70)");
  conn_->Exec("INSERT INTO items SELECT 100000 + g, 'ghost', NULL FROM generate_series(1, 5) g");
  conn_->Exec("UPDATE items SET name = 'tampered' WHERE id IN (101, 202, 303)");
  for (int shown : {2, 20, 100}) {
    verify::VerifyOptions options;
    options.method = verify::Method::kRows;
    options.max_rows_shown = shown;
    auto v = verify::VerifyTables(c, options, deps_);
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].missing, 7) << "shown " << shown;
    EXPECT_EQ(v[0].extra, 5) << "shown " << shown;
    EXPECT_EQ(v[0].changed, 3) << "shown " << shown;
    EXPECT_EQ(v[0].source_rows, 2000);
    EXPECT_EQ(v[0].target_rows, 2000 - 7 + 5);
    EXPECT_LE(v[0].samples.size(), static_cast<size_t>(shown));
    if (shown == 100) {
      EXPECT_EQ(v[0].samples.size(), 15u);
      EXPECT_THAT(v[0].samples, Contains("missing id=70"));
      EXPECT_THAT(v[0].samples, Contains("extra id=100005"));
      EXPECT_THAT(v[0].samples, Contains("changed id=303: name"));
    }
  }
}

TEST_F(VerifyTest, NullVersusEmptyIsADifference) {
  auto c = Config(R"(, "uniqueness_columns": ["ID"])");
  ASSERT_EQ(exec::RunMigration(c, {}, deps_).status, RunStatus::kCompleted);
  conn_->Exec("UPDATE items SET name = '' WHERE id = 4");  // row 3 has a NULL name
  auto diff = Verify(c);
  EXPECT_EQ(diff.changed, 1);
  EXPECT_THAT(diff.samples, Contains("changed id=4: name"));
}

TEST_F(VerifyTest, WithoutKeyRowsAreComparedAsMultisets) {
  auto c = Config("");
  ASSERT_EQ(exec::RunMigration(c, {}, deps_).status, RunStatus::kCompleted);
  EXPECT_TRUE(Verify(c).identical());
  conn_->Exec("ALTER TABLE items DROP CONSTRAINT items_pkey");
  conn_->Exec("INSERT INTO items SELECT * FROM items WHERE id = 11");  // a duplicate row
  auto diff = Verify(c);
  EXPECT_EQ(diff.missing, 0);
  EXPECT_EQ(diff.extra, 1);
  EXPECT_THAT(diff.how, HasSubstr("multisets"));
  ASSERT_FALSE(diff.samples.empty());
  EXPECT_THAT(diff.samples[0], HasSubstr("\"id\":11"));
}

}  // namespace
}  // namespace sf2pg::testing

namespace sf2pg::testing {
namespace {

TEST_F(VerifyTest, FindsEachDifferenceInAMillionRows) {
  state_->rows = 1000000;
  auto c = Config(R"(, "uniqueness_columns": ["ID"], "batch_size_copy_mode": 100000)");
  auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(exec::RunMigration(c, {}, deps_).status, RunStatus::kCompleted);
  double migrate_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  started = std::chrono::steady_clock::now();
  auto same = Verify(c);
  double verify_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_TRUE(same.identical());
  EXPECT_EQ(same.source_rows, 1000000);
  std::printf("1,000,000 rows: migrate %.1f s, verify %.1f s (%.2fx)\n", migrate_seconds,
              verify_seconds, verify_seconds / migrate_seconds);

  conn_->Exec("UPDATE items SET updated = updated + interval '1 second' WHERE id = 777777");
  auto changed = Verify(c);
  EXPECT_EQ(changed.changed, 1);
  EXPECT_THAT(changed.samples, Contains("changed id=777777: updated"));
  conn_->Exec("UPDATE items SET updated = updated - interval '1 second' WHERE id = 777777");
  conn_->Exec("DELETE FROM items WHERE id = 123456");
  auto missing = Verify(c);
  EXPECT_EQ(missing.missing, 1);
  EXPECT_EQ(missing.changed, 0);
  EXPECT_THAT(missing.samples, Contains("missing id=123456"));
  conn_->Exec(
      "INSERT INTO items SELECT 123456, CASE WHEN 123455 % 7 = 3 THEN NULL ELSE "
      "'name-123455' END, timestamp '2023-01-01' + 123455 * interval '1 second'");
  conn_->Exec("INSERT INTO items VALUES (2000001, 'extra', NULL)");
  auto extra = Verify(c);
  EXPECT_EQ(extra.extra, 1);
  EXPECT_EQ(extra.missing + extra.changed, 0);
  EXPECT_THAT(extra.samples, Contains("extra id=2000001"));
}

}  // namespace
}  // namespace sf2pg::testing
