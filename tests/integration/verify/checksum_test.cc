// sf2pg verify's checksum method against sfemu and a real PostgreSQL: tables migrated by sf2pg,
// then changed on either side; each difference must be found and named by key, and an
// identical table must cost only aggregate statements.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "config/load.h"
#include "core/quote.h"
#include "integration/pg_fixture.h"
#include "integration/sfemu_server.h"
#include "snowflake/snowflake_source.h"
#include "verify/verify.h"

namespace sf2pg::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

// A 63-byte table name with a quote, a space and a reserved word: the longest PostgreSQL keeps.
const std::string kHostileTable = "Order \"Lines\" select " + std::string(42, 'x');
// Text keys that sort differently by bytes than by a language's collation: upper case before
// lower case, a space, a quote, multibyte characters, the empty string.
const std::vector<std::string> kTexts = {
    "a", "B", "b b", "O'Brien", "\xC3\xA9t\xC3\xA9", "\xE6\x97\xA5\xE6\x9C\xAC", "Z", "", "zz top"};

class ChecksumTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sfemu_ = new SfemuServer("verify_sum_sfemu", "", 0);
    sfemu_->Sql("CREATE DATABASE VSUM");
    sfemu_->Sql("CREATE SCHEMA VSUM.S");
    // ITEMS: 20,000 rows keyed by ID.
    sfemu_->Sql("CREATE TABLE VSUM.S.ITEMS (ID NUMBER(38,0), NAME VARCHAR, QTY NUMBER(9,0))");
    sfemu_->Sql(
        "INSERT INTO VSUM.S.ITEMS SELECT SEQ4() + 1, 'name-' || TO_VARCHAR(SEQ4()), "
        "MOD(SEQ4(), 97) FROM TABLE(GENERATOR(ROWCOUNT => 20000))");
    // The hostile table: a two-column key (text, number) whose names need quoting.
    sfemu_->Sql(
        "CREATE TABLE VSUM.S." + sf::QuoteIdent(kHostileTable) +
        " (\"R\xC3\xA9gion \"\"x\"\"\" VARCHAR, \"ORDER\" NUMBER(9,0), \"select\" VARCHAR)");
    for (const auto& t : kTexts) {
      if (t == "zz top") continue;  // only ever an extra row in the target
      sfemu_->Sql("INSERT INTO VSUM.S." + sf::QuoteIdent(kHostileTable) + " SELECT " +
                  sf::QuoteLiteral(t) + ", SEQ4(), 'v' || TO_VARCHAR(SEQ4()) FROM " +
                  "TABLE(GENERATOR(ROWCOUNT => 300))");
    }
    auto env = sfemu_->Env();
    config::Credentials c;
    c.snowflake.account = env["SNOWFLAKE_ACCOUNT"];
    c.snowflake.user = env["SNOWFLAKE_USER"];
    c.snowflake.private_key = Secret(env["SNOWFLAKE_RSA_KEY"]);
    c.snowflake.url = env["SNOWFLAKE_URL"];
    options_ = new snowflake::ClientOptions(snowflake::ClientOptions::From(c, "", ""));
  }
  static void TearDownTestSuite() {
    delete options_;
    options_ = nullptr;
    delete sfemu_;
    sfemu_ = nullptr;
  }

  void SetUp() override {
    TestPg::CreateDatabase("verify_sum");
    conn_ = std::make_unique<postgres::Connection>(TestPg::Params("verify_sum"));
    deps_.pg_params = [](const std::string& db) { return TestPg::Params(db); };
    deps_.make_source = [] { return snowflake::MakeSnowflakeSource(*options_); };
  }

  // A config of one table of VSUM.S; `more` adds keys to the table's entry.
  config::Config Config(const std::string& table, const std::string& target,
                        const std::string& more) {
    auto r = config::ParseConfig(R"({"batch_size_copy_mode": 5000, "status_pg_database": ")" +
                                 TestPg::Db("verify_sum") + R"(",
      "lambda_timeout_buffer_seconds": 0, "sources": [{"source_name": "emu",
      "source_sf_database": "VSUM", "source_sf_schema": "S", "target_pg_database": ")" +
                                 TestPg::Db("verify_sum") + R"(",
      "target_pg_schema": "public", "tables": [{"source": )" +
                                 nlohmann::json(table).dump() + R"(, "target": )" +
                                 nlohmann::json(target).dump() + R"(, "truncate_onstart": true)" +
                                 more + "}]}]}");
    EXPECT_TRUE(r.ok()) << config::FormatProblems(r.problems, true);
    return *r.config;
  }

  verify::TableVerdict Verify(const config::Config& c, verify::Method method,
                              int64_t leaf_rows = 500, int initial_ranges = 128) {
    verify::VerifyOptions options;
    options.method = method;
    options.max_rows_shown = 50;
    options.checksum.leaf_rows = leaf_rows;
    options.checksum.initial_ranges = initial_ranges;
    auto v = verify::VerifyTables(c, options, deps_);
    EXPECT_EQ(v.size(), 1u);
    EXPECT_EQ(v.at(0).error, "");
    return v.at(0);
  }

  static int64_t BytesServed() {
    return nlohmann::json::parse(sfemu_->Stats())["bytes_served"].get<int64_t>();
  }

  static SfemuServer* sfemu_;
  static snowflake::ClientOptions* options_;
  std::unique_ptr<postgres::Connection> conn_;
  exec::MigrationDeps deps_;
};

SfemuServer* ChecksumTest::sfemu_ = nullptr;
snowflake::ClientOptions* ChecksumTest::options_ = nullptr;

TEST_F(ChecksumTest, IdenticalTableCostsOnlyAggregates) {
  auto c = Config("ITEMS", "items", R"(, "uniqueness_columns": ["ID"])");
  ASSERT_EQ(exec::RunMigration(c, {}, deps_).status, RunStatus::kCompleted);

  int64_t before = BytesServed();
  auto rows = Verify(c, verify::Method::kRows);
  int64_t row_bytes = BytesServed() - before;
  EXPECT_TRUE(rows.identical());
  EXPECT_EQ(rows.method, "rows");
  EXPECT_EQ(rows.rows_fetched, 20000);

  before = BytesServed();
  auto sums = Verify(c, verify::Method::kChecksum);
  int64_t sum_bytes = BytesServed() - before;
  EXPECT_TRUE(sums.identical()) << sums.how;
  EXPECT_EQ(sums.method, "checksum");
  EXPECT_EQ(sums.source_rows, 20000);
  EXPECT_EQ(sums.target_rows, 20000);
  EXPECT_EQ(sums.rows_fetched, 0);
  EXPECT_EQ(sums.bisected, 0);
  EXPECT_GT(sums.ranges, 10);
  EXPECT_THAT(sums.how, HasSubstr("0 source rows fetched"));
  EXPECT_LT(sum_bytes * 10, row_bytes) << "checksums " << sum_bytes << " bytes, rows " << row_bytes;

  // auto: below the threshold the rows are compared; above it the checksums.
  verify::VerifyOptions options;
  options.checksum_threshold = 20001;
  auto small = verify::VerifyTables(c, options, deps_).at(0);
  EXPECT_EQ(small.method, "rows");
  EXPECT_THAT(small.how, HasSubstr("below the checksum threshold"));
  options.checksum_threshold = 20000;
  EXPECT_EQ(verify::VerifyTables(c, options, deps_).at(0).method, "checksum");
}

TEST_F(ChecksumTest, EachDifferenceIsNamedByKeyAndOnlyItsRangesAreRead) {
  auto c = Config("ITEMS", "items", R"(, "uniqueness_columns": ["ID"])");
  ASSERT_EQ(exec::RunMigration(c, {}, deps_).status, RunStatus::kCompleted);
  conn_->Exec("UPDATE items SET name = 'tampered' WHERE id = 15000");
  conn_->Exec("UPDATE items SET qty = qty + 1 WHERE id = 7");
  conn_->Exec("DELETE FROM items WHERE id = 4242");
  conn_->Exec("INSERT INTO items VALUES (999999, 'ghost', 1)");
  // Few first ranges, so that the differing ones are cut before their rows are read.
  auto v = Verify(c, verify::Method::kChecksum, 200, 8);
  EXPECT_FALSE(v.identical());
  EXPECT_EQ(v.changed, 2);
  EXPECT_EQ(v.missing, 1);
  EXPECT_EQ(v.extra, 1);
  EXPECT_THAT(v.samples, Contains("changed id=15000: name"));
  EXPECT_THAT(v.samples, Contains("changed id=7: qty"));
  EXPECT_THAT(v.samples, Contains("missing id=4242"));
  EXPECT_THAT(v.samples, Contains("extra id=999999"));
  EXPECT_GT(v.bisected, 0);
  EXPECT_LE(v.rows_fetched, 4 * 200) << v.how;
  EXPECT_EQ(v.target_rows, 20000);
}

TEST_F(ChecksumTest, TextAndNumberKeyWithHostileNames) {
  auto c = Config(kHostileTable, kHostileTable,
                  R"(, "uniqueness_columns": ["R\u00e9gion \"x\"", "ORDER"])");
  ASSERT_EQ(exec::RunMigration(c, {}, deps_).status, RunStatus::kCompleted);
  auto same = Verify(c, verify::Method::kChecksum, 50, 4);
  EXPECT_TRUE(same.identical()) << same.how;
  EXPECT_EQ(same.source_rows, 8 * 300);
  EXPECT_EQ(same.rows_fetched, 0);

  std::string table = pg::QuoteIdent(kHostileTable);
  std::string region = pg::QuoteIdent("R\xC3\xA9gion \"x\"");
  conn_->Exec("UPDATE " + table + " SET \"select\" = 'changed' WHERE " + region +
              " = '\xE6\x97\xA5\xE6\x9C\xAC' AND \"order\" = 3");
  conn_->Exec("DELETE FROM " + table + " WHERE " + region + " = 'O''Brien' AND \"order\" = 1");
  conn_->Exec("INSERT INTO " + table + " VALUES ('zz top', 1, 'v1')");
  conn_->Exec("INSERT INTO " + table + " VALUES ('B', 300, 'v300')");
  auto v = Verify(c, verify::Method::kChecksum, 50, 4);
  EXPECT_EQ(v.changed, 1);
  EXPECT_EQ(v.missing, 1);
  EXPECT_EQ(v.extra, 2);
  EXPECT_THAT(v.samples,
              Contains("changed R\xC3\xA9gion \"x\"=\xE6\x97\xA5\xE6\x9C\xAC, order=3: select"));
  EXPECT_THAT(v.samples, Contains("missing R\xC3\xA9gion \"x\"=O'Brien, order=1"));
  EXPECT_THAT(v.samples, Contains("extra R\xC3\xA9gion \"x\"=zz top, order=1"));
  EXPECT_THAT(v.samples, Contains("extra R\xC3\xA9gion \"x\"=B, order=300"));
  EXPECT_GT(v.bisected, 0);
  EXPECT_LE(v.rows_fetched, 8 * 50) << v.how;
}

// The target's key column sorts by a language's rules ("B" after "a"), Snowflake by code
// point: ranges are still cut alike on both sides (COLLATE "C" in PostgreSQL).
TEST_F(ChecksumTest, TextKeyRangesFollowByteOrderWhateverTheTargetCollation) {
  sfemu_->Sql("CREATE OR REPLACE TABLE VSUM.S.WORDS (K VARCHAR, N NUMBER(9,0), V VARCHAR)");
  conn_->Exec(
      "CREATE TABLE words (k text COLLATE \"en-x-icu\", n integer, v text, PRIMARY KEY (k, n))");
  for (const auto& t : kTexts) {
    sfemu_->Sql("INSERT INTO VSUM.S.WORDS SELECT " + sf::QuoteLiteral(t) +
                ", SEQ4(), 'v' || TO_VARCHAR(SEQ4()) FROM TABLE(GENERATOR(ROWCOUNT => 50))");
    conn_->Exec("INSERT INTO words SELECT " + pg::QuoteLiteral(t) +
                ", g, 'v' || g FROM generate_series(0, 49) g");
  }
  auto c = Config("WORDS", "words", R"(, "uniqueness_columns": ["K", "N"])");
  auto same = Verify(c, verify::Method::kChecksum, 10, 8);
  EXPECT_TRUE(same.identical()) << same.how;
  EXPECT_EQ(same.source_rows, static_cast<int64_t>(kTexts.size()) * 50);
  EXPECT_EQ(same.rows_fetched, 0) << same.how;
  conn_->Exec("UPDATE words SET v = 'x' WHERE k = 'b b' AND n = 20");
  auto v = Verify(c, verify::Method::kChecksum, 10, 8);
  EXPECT_EQ(v.changed, 1);
  EXPECT_EQ(v.missing + v.extra, 0) << v.how;
  EXPECT_THAT(v.samples, Contains("changed k=b b, n=20: v"));
  EXPECT_LE(v.rows_fetched, 10) << v.how;
}

TEST_F(ChecksumTest, SourceFilterIsApplied) {
  auto c = Config("ITEMS", "items",
                  R"(, "uniqueness_columns": ["ID"], "source_filter": "\"ID\" <= 10000")");
  ASSERT_EQ(exec::RunMigration(c, {}, deps_).status, RunStatus::kCompleted);
  auto same = Verify(c, verify::Method::kChecksum);
  EXPECT_TRUE(same.identical()) << same.how;
  EXPECT_EQ(same.source_rows, 10000);
  conn_->Exec("INSERT INTO items VALUES (15000, 'name-14999', 61)");  // filtered out at the source
  auto v = Verify(c, verify::Method::kChecksum);
  EXPECT_EQ(v.extra, 1);
  EXPECT_EQ(v.missing + v.changed, 0);
  EXPECT_THAT(v.samples, Contains("extra id=15000"));
}

TEST_F(ChecksumTest, NullKeysAreARangeOfTheirOwn) {
  sfemu_->Sql("CREATE OR REPLACE TABLE VSUM.S.NULLKEYS (A NUMBER(9,0), B VARCHAR, V VARCHAR)");
  sfemu_->Sql(
      "INSERT INTO VSUM.S.NULLKEYS VALUES (1, 'x', 'one'), (1, NULL, 'one-null'), (2, 'y', "
      "'two'), (NULL, 'z', 'null-z'), (3, 'w', 'three')");
  conn_->Exec("CREATE TABLE nullkeys (a integer, b text, v text, UNIQUE (a, b))");
  conn_->Exec(
      "INSERT INTO nullkeys VALUES (1, 'x', 'one'), (1, NULL, 'one-null'), (2, 'y', 'two'), "
      "(NULL, 'z', 'null-z'), (3, 'w', 'three')");
  auto c = Config("NULLKEYS", "nullkeys", R"(, "uniqueness_columns": ["A", "B"])");
  auto same = Verify(c, verify::Method::kChecksum, 1, 2);
  EXPECT_TRUE(same.identical()) << same.how;
  EXPECT_EQ(same.source_rows, 5);
  conn_->Exec("UPDATE nullkeys SET v = 'changed' WHERE a IS NULL");
  auto v = Verify(c, verify::Method::kChecksum, 1, 2);
  EXPECT_EQ(v.changed, 1) << v.how;
  EXPECT_EQ(v.missing + v.extra, 0);
  EXPECT_THAT(v.samples, Contains("changed b=z: v"));
}

TEST_F(ChecksumTest, AKeyWithoutTheSameOrderInBothEnginesIsComparedRowByRow) {
  sfemu_->Sql("CREATE OR REPLACE TABLE VSUM.S.FLOATKEY (F FLOAT, V VARCHAR)");
  sfemu_->Sql("INSERT INTO VSUM.S.FLOATKEY VALUES (0.5, 'a'), (-1.25, 'b'), (1e300, 'c')");
  auto c = Config("FLOATKEY", "floatkey", R"(, "uniqueness_columns": ["F"])");
  ASSERT_EQ(exec::RunMigration(c, {}, deps_).status, RunStatus::kCompleted);
  conn_->Exec("UPDATE floatkey SET v = 'x' WHERE f = 0.5");
  auto v = Verify(c, verify::Method::kChecksum);
  EXPECT_EQ(v.method, "rows");
  EXPECT_THAT(v.how, HasSubstr("not checksums (key column F (real"));
  EXPECT_EQ(v.changed, 1);
  EXPECT_THAT(v.samples, Contains("changed f=0.5: v"));
}

TEST_F(ChecksumTest, WithoutAKeyOneWholeTableChecksumThenRows) {
  auto c = Config("ITEMS", "items", "");
  ASSERT_EQ(exec::RunMigration(c, {}, deps_).status, RunStatus::kCompleted);
  auto same = Verify(c, verify::Method::kChecksum);
  EXPECT_TRUE(same.identical());
  EXPECT_EQ(same.method, "checksum");
  EXPECT_EQ(same.rows_fetched, 0);
  EXPECT_THAT(same.how, HasSubstr("whole table"));
  conn_->Exec("DELETE FROM items WHERE id = 11");
  auto v = Verify(c, verify::Method::kChecksum);
  EXPECT_EQ(v.method, "rows");
  EXPECT_EQ(v.missing, 1);
  EXPECT_THAT(v.how, HasSubstr("whole-table checksums differ"));
  EXPECT_THAT(v.how, HasSubstr("multisets"));
}

}  // namespace
}  // namespace sf2pg::testing
