// Rows PostgreSQL cannot hold unchanged, end to end through sfemu: by default the chunk fails
// with a message naming table, chunk, row key and column; with "on_bad_row": "reject" each bad
// row goes to migration_status.rejected_rows with its reason and the rest loads. Values sfemu
// cannot store (invalid UTF-8, dates beyond PostgreSQL's range) are covered by the decoder's
// tests with crafted SQL API responses (tests/unit/snowflake/decoder_test.cc).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/exit_status.h"
#include "integration/pg_fixture.h"
#include "integration/sfemu_server.h"

namespace sf2pg::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class BadRowsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sfemu_ = new SfemuServer("bad_rows_sfemu", "", 0);
    for (const char* sql : {
             "CREATE DATABASE BAD",
             "CREATE TABLE BAD.PUBLIC.ROWS (ID NUMBER(38,0), NAME VARCHAR, AMOUNT NUMBER(12,2), "
             "QTY NUMBER(12,0), DOC VARIANT, AT TIMESTAMP_NTZ(9))",
             // Row 1 and rows 7-10 are good; rows 2-6 each hold one value the target refuses.
             "INSERT INTO BAD.PUBLIC.ROWS SELECT 1, 'good', 1.50, 1, PARSE_JSON('{\"a\": 1}'), "
             "'2024-01-01 10:00:00'::TIMESTAMP_NTZ",
             "INSERT INTO BAD.PUBLIC.ROWS SELECT 2, 'nul\\0byte', 2.50, 2, PARSE_JSON('[2]'), "
             "'2024-01-02 10:00:00'::TIMESTAMP_NTZ",
             "INSERT INTO BAD.PUBLIC.ROWS SELECT 3, 'too much', 123456.78, 3, "
             "PARSE_JSON('[3]'), '2024-01-03 10:00:00'::TIMESTAMP_NTZ",
             "INSERT INTO BAD.PUBLIC.ROWS SELECT 4, 'too many', 4.00, 3000000000, "
             "PARSE_JSON('[4]'), '2024-01-04 10:00:00'::TIMESTAMP_NTZ",
             "INSERT INTO BAD.PUBLIC.ROWS SELECT 5, 'nul in json', 5.00, 5, "
             "PARSE_JSON('{\"a\": \"x\\\\u0000y\"}'), '2024-01-05 10:00:00'::TIMESTAMP_NTZ",
             "INSERT INTO BAD.PUBLIC.ROWS SELECT 6, 'fraction', 6.00, 6, PARSE_JSON('[6]'), "
             "'2024-01-06 10:00:00.25'::TIMESTAMP_NTZ",
             "INSERT INTO BAD.PUBLIC.ROWS SELECT 7, 'O''Brien; DROP TABLE rows; --', 7.00, 7, "
             "PARSE_JSON('{\"q\": \"\\\\\"\"}'), '2024-01-07 10:00:00'::TIMESTAMP_NTZ",
             "INSERT INTO BAD.PUBLIC.ROWS SELECT 8, 'Zoë 東京', -9999.99, -2147483648, "
             "PARSE_JSON('null'), '2024-01-08 10:00:00'::TIMESTAMP_NTZ",
             "INSERT INTO BAD.PUBLIC.ROWS SELECT 9, '', 9999.99, 2147483647, "
             "PARSE_JSON('[]'), '2024-01-09 10:00:00'::TIMESTAMP_NTZ",
             "INSERT INTO BAD.PUBLIC.ROWS SELECT 10, NULL, NULL, NULL, NULL, NULL",
         }) {
      sfemu_->Sql(sql);
    }
  }
  static void TearDownTestSuite() {
    delete sfemu_;
    sfemu_ = nullptr;
  }

  void SetUp() override {
    dir_ = MakeTempDir("sf2pg-bad-rows");
    FreshTarget();
  }

  // A new target database: no migration_status schema yet, an empty target table.
  static void FreshTarget() {
    TestPg::CreateDatabase("bad_rows");
    postgres::Connection(TestPg::Params("bad_rows"))
        .Exec(
            "CREATE TABLE public.rows (id bigint PRIMARY KEY, name text, amount "
            "numeric(6,2), qty integer, doc jsonb, at timestamp(0))");
  }

  // `workers` > 1 splits the ten rows into chunks of two, loaded in parallel.
  ProcessResult Migrate(const std::string& on_bad_row, int workers = 1) {
    json config = {{"parallel_threads", workers}};
    if (workers > 1) {
      config["batch_size"] = 2;
      config["batch_size_copy_mode"] = 2;
    }
    config["sources"] = json{{"sources",
                              {{{"source_name", "bad"},
                                {"source_sf_database", "BAD"},
                                {"source_sf_schema", "PUBLIC"},
                                {"target_pg_database", TestPg::Db("bad_rows")},
                                {"target_pg_schema", "public"},
                                {"tables",
                                 {{{"source", "ROWS"},
                                   {"uniqueness_columns", {"ID"}},
                                   {"on_bad_row", on_bad_row}}}}}}}}["sources"];
    std::ofstream(dir_ + "/config.json") << config.dump();
    auto env = TestPg::Env();
    for (const auto& [k, v] : sfemu_->Env()) env[k] = v;
    return RunProcess({BinaryPath("sf2pg"), "migrate", "--no-resume", "--log-format", "json",
                       "--config", dir_ + "/config.json", "--summary-json", dir_ + "/summary.json"},
                      env, dir_);
  }

  json Summary() {
    std::ifstream in(dir_ + "/summary.json");
    std::stringstream s;
    s << in.rdbuf();
    return json::parse(s.str());
  }

  int64_t Scalar(const std::string& sql) {
    return postgres::Connection(TestPg::Params("bad_rows")).Exec(sql).GetInt(0, 0);
  }

  std::string dir_;
  static SfemuServer* sfemu_;
};

SfemuServer* BadRowsTest::sfemu_ = nullptr;

TEST_F(BadRowsTest, ByDefaultTheChunkFailsNamingTableChunkKeyAndColumn) {
  auto r = Migrate("fail");
  EXPECT_EQ(r.exit_code, kExitFailed) << r.out << r.err;
  std::string expected =
      "BAD.PUBLIC.ROWS chunk 1: row 2 (ID=2), column name: text contains a NUL byte, which "
      "PostgreSQL cannot store";
  EXPECT_THAT(r.out, HasSubstr(expected));
  EXPECT_THAT(Summary()["tables"][0]["errors"][0].get<std::string>(), HasSubstr(expected));
  postgres::Connection conn(TestPg::Params("bad_rows"));
  auto chunk = conn.Exec(
      "SELECT status, error_message, retry_count FROM migration_status.migration_chunk_status");
  ASSERT_EQ(chunk.rows(), 1);
  EXPECT_EQ(chunk.Get(0, 0), "failed");
  EXPECT_THAT(std::string(chunk.Get(0, 1)), HasSubstr(expected));
  EXPECT_EQ(chunk.Get(0, 2), "0") << "a bad row is not retried";
  EXPECT_EQ(Scalar("SELECT count(*) FROM public.rows"), 0) << "nothing of the chunk remains";
}

TEST_F(BadRowsTest, RejectModeStoresEachBadRowWithItsReasonAndLoadsTheRest) {
  auto r = Migrate("reject");
  ASSERT_EQ(r.exit_code, kExitDone) << r.out << r.err;
  json table = Summary()["tables"][0];
  EXPECT_EQ(table["rejected"], 5);
  EXPECT_EQ(table["rows"], 5);
  postgres::Connection conn(TestPg::Params("bad_rows"));
  auto rejected = conn.Exec(
      "SELECT row_key, column_name, reason, raw_row, source_table, chunk_id FROM "
      "migration_status.rejected_rows ORDER BY row_number");
  ASSERT_EQ(rejected.rows(), 5);
  struct Expected {
    const char* key;
    const char* column;
    const char* reason;
  };
  const Expected expected[] = {
      {"ID=2", "name", "text contains a NUL byte, which PostgreSQL cannot store"},
      {"ID=3", "amount", "value 123456.78 does not fit numeric(6,2)"},
      {"ID=4", "qty", "value 3000000000 is out of range for integer"},
      {"ID=5", "doc", "JSON holds a NUL character (\\u0000), which jsonb cannot store"},
      {"ID=6", "at", "has more fractional second digits than timestamp(0)"},
  };
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(rejected.Get(i, 0), expected[i].key);
    EXPECT_EQ(rejected.Get(i, 1), expected[i].column);
    EXPECT_THAT(std::string(rejected.Get(i, 2)), HasSubstr(expected[i].reason));
    EXPECT_EQ(rejected.Get(i, 4), "ROWS");
    EXPECT_EQ(rejected.Get(i, 5), "1");
    // The raw row keeps the source's values (as SQL API wire text), NUL escaped.
    json raw = json::parse(rejected.Get(i, 3));
    ASSERT_TRUE(raw.is_array());
    EXPECT_EQ(raw[0], std::to_string(i + 2));
  }
  EXPECT_EQ(json::parse(rejected.Get(0, 3))[1], std::string("nul\0byte", 8));
  // The good rows arrive unchanged, quotes and all.
  EXPECT_EQ(Scalar("SELECT count(*) FROM public.rows"), 5);
  EXPECT_EQ(Scalar("SELECT count(*) FROM public.rows WHERE id = 7 AND name = 'O''Brien; DROP "
                   "TABLE rows; --' AND doc = '{\"q\": \"\\\"\"}'::jsonb"),
            1);
  EXPECT_EQ(Scalar("SELECT count(*) FROM public.rows WHERE id = 8 AND name = 'Zoë 東京' AND "
                   "amount = -9999.99 AND qty = -2147483648"),
            1);
  EXPECT_EQ(Scalar("SELECT count(*) FROM public.rows WHERE id = 10 AND name IS NULL AND doc IS "
                   "NULL"),
            1);
  // verify names exactly the rejected rows as missing.
  auto env = TestPg::Env();
  for (const auto& [k, v] : sfemu_->Env()) env[k] = v;
  auto v = RunProcess({BinaryPath("sf2pg"), "verify", "--json", "--log-level", "warning",
                       "--config", dir_ + "/config.json"},
                      env, dir_);
  json verdict = json::parse(v.out, nullptr, false);
  ASSERT_TRUE(verdict.is_array()) << v.out << v.err;
  EXPECT_EQ(verdict[0]["missing"], 5) << verdict.dump(2);
  EXPECT_EQ(verdict[0]["extra"], 0);
  EXPECT_EQ(verdict[0]["changed"], 0);
}

// Workers that reject rows at the same time on a fresh database: the rejected_rows table is
// created with the status schema before the workers start, so no chunk races to create it.
TEST_F(BadRowsTest, RejectModeWithFourWorkersOnAFreshDatabaseSucceedsEveryTime) {
  for (int round = 0; round < 8; ++round) {
    FreshTarget();
    auto r = Migrate("reject", 4);
    ASSERT_EQ(r.exit_code, kExitDone) << "round " << round << "\n" << r.out << r.err;
    json table = Summary()["tables"][0];
    EXPECT_GE(table["total_chunks"], 3) << "the rows are split into chunks";
    EXPECT_EQ(table["rejected"], 5);
    EXPECT_EQ(table["row_check"]["verdict"], "match") << "rejected rows are accounted for";
    EXPECT_EQ(Scalar("SELECT count(*) FROM migration_status.rejected_rows"), 5);
    EXPECT_EQ(Scalar("SELECT count(DISTINCT chunk_id) FROM migration_status.rejected_rows"), 3);
    EXPECT_EQ(Scalar("SELECT count(*) FROM public.rows"), 5);
    EXPECT_EQ(Scalar("SELECT sum(retry_count) FROM migration_status.migration_chunk_status"), 0)
        << "no chunk failed and retried";
  }
}

}  // namespace
}  // namespace sf2pg::testing
