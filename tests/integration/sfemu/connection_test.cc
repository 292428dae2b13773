// What sfemu needs from postgres::Connection beyond the product's use: the server's own
// fields of a failure, binary results with their column types, the transaction state.
#include "postgres/connection.h"

#include <gtest/gtest.h>

#include <cstring>

#include "integration/pg_fixture.h"

namespace sf2pg::testing {
namespace {

TEST(SfemuPgConnection, StatementErrorCarriesSqlStatePrimaryMessageAndConstraint) {
  postgres::Connection conn(TestPg::Params());
  conn.Exec("CREATE TEMP TABLE t (a int CONSTRAINT \"t#positive\" CHECK (a > 0))");
  try {
    conn.Exec("INSERT INTO t VALUES (-1)");
    FAIL() << "the insert should fail";
  } catch (const postgres::StatementError& e) {
    EXPECT_EQ(e.sql_state(), "23514");
    EXPECT_EQ(e.constraint(), "t#positive");
    EXPECT_EQ(e.primary_message(),
              "new row for relation \"t\" violates check constraint \"t#positive\"");
    EXPECT_NE(std::string(e.what()).find("(while running: INSERT INTO t"), std::string::npos);
  }
  try {
    conn.Exec("SELECT 1 / 0");
    FAIL() << "the division should fail";
  } catch (const PostgresError& e) {  // still a PostgresError for the product's handlers
    EXPECT_EQ(e.sql_state(), "22012");
    EXPECT_EQ(e.retry(), Retry::kNever);
  }
}

TEST(SfemuPgConnection, ExecBinaryReturnsBinaryValuesAndTheirTypes) {
  postgres::Connection conn(TestPg::Params());
  postgres::Result text = conn.Exec("SELECT 258::int4 AS n, 'x'::text AS s");
  EXPECT_EQ(text.Get(0, 0), "258");
  postgres::Result binary = conn.ExecBinary("SELECT 258::int4 AS n, 'x'::text AS s");
  EXPECT_EQ(binary.ColumnType(0), 23u);  // int4
  EXPECT_EQ(binary.ColumnType(1), 25u);  // text
  ASSERT_EQ(binary.Get(0, 0).size(), 4u);
  EXPECT_EQ(std::memcmp(binary.Get(0, 0).data(), "\x00\x00\x01\x02", 4), 0);  // network order
  EXPECT_EQ(binary.Get(0, 1), "x");
  EXPECT_THROW(conn.ExecBinary("SELECT nope"), postgres::StatementError);
}

TEST(SfemuPgConnection, InTransactionFollowsTheSession) {
  postgres::Connection conn(TestPg::Params());
  EXPECT_FALSE(conn.InTransaction());
  conn.Exec("BEGIN");
  EXPECT_TRUE(conn.InTransaction());
  EXPECT_THROW(conn.Exec("SELECT 1 / 0"), postgres::StatementError);
  EXPECT_TRUE(conn.InTransaction());  // failed, still to be rolled back
  conn.Exec("ROLLBACK");
  EXPECT_FALSE(conn.InTransaction());
}

}  // namespace
}  // namespace sf2pg::testing
