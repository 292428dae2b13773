// The Snowflake SQL of the Source's typed operations: the exact text SnowflakeSource sends.
#include "snowflake/statements.h"

#include <gtest/gtest.h>

namespace sf2pg::snowflake {
namespace {

TableRef Table() { return {"DB", "S", "T", "", ""}; }

TEST(Statements, DescribeReadsNoRowsAndIgnoresTheFilter) {
  TableRef t = {"Sales DB", "PUBLIC", "my\"table", "\"X\" = 1", "\"Y\" >= 2"};
  EXPECT_EQ(DescribeSql(t), "SELECT * FROM \"Sales DB\".\"PUBLIC\".\"my\"\"table\" LIMIT 0");
}

TEST(Statements, CountAppliesTheFilterAndTheFloorEachParenthesised) {
  TableRef t = Table();
  EXPECT_EQ(CountSql(t), "SELECT COUNT(*) AS \"N\" FROM \"DB\".\"S\".\"T\"");
  t.filter = "\"Status\" = 'Active' OR \"Status\" = 'New'";
  EXPECT_EQ(CountSql(t),
            "SELECT COUNT(*) AS \"N\" FROM \"DB\".\"S\".\"T\" WHERE (\"Status\" = "
            "'Active' OR \"Status\" = 'New')");
  t.floor = "\"UPDATED\" >= '2023-01-01 00:00:00'::TIMESTAMP_NTZ";
  EXPECT_EQ(CountSql(t),
            "SELECT COUNT(*) AS \"N\" FROM \"DB\".\"S\".\"T\" WHERE (\"Status\" = 'Active' OR "
            "\"Status\" = 'New') AND (\"UPDATED\" >= '2023-01-01 00:00:00'::TIMESTAMP_NTZ)");
  t.filter.clear();
  EXPECT_EQ(CountSql(t),
            "SELECT COUNT(*) AS \"N\" FROM \"DB\".\"S\".\"T\" WHERE (\"UPDATED\" "
            ">= '2023-01-01 00:00:00'::TIMESTAMP_NTZ)");
}

TEST(Statements, MaxQuotesTheColumnAndAppliesTheFilter) {
  TableRef t = Table();
  EXPECT_EQ(MaxSql(t, "Updated At"), "SELECT MAX(\"Updated At\") AS \"M\" FROM \"DB\".\"S\".\"T\"");
  t.filter = "(\"REGION\" = 'EU')";  // already one group: not wrapped again
  EXPECT_EQ(MaxSql(t, "U\"X"),
            "SELECT MAX(\"U\"\"X\") AS \"M\" FROM \"DB\".\"S\".\"T\" WHERE (\"REGION\" = 'EU')");
}

TEST(Statements, ChunkSelectsItsColumnsWithinFilterFloorAndPredicateInOrder) {
  ChunkRequest r;
  r.table = Table();
  r.columns = {"ID", "NAME"};
  EXPECT_EQ(ChunkSql(r), "SELECT \"ID\", \"NAME\" FROM \"DB\".\"S\".\"T\"");
  r.table.filter = "\"Status\" = 'Active'";
  r.table.floor = "\"UPDATED\" >= '2023-01-01 00:00:00'::TIMESTAMP_NTZ";
  r.predicate = "(\"ID\" >= 100) AND (\"ID\" < 200)";
  r.order_by = "\"ID\"";
  EXPECT_EQ(ChunkSql(r),
            "SELECT \"ID\", \"NAME\" FROM \"DB\".\"S\".\"T\" WHERE (\"Status\" = 'Active') AND "
            "(\"UPDATED\" >= '2023-01-01 00:00:00'::TIMESTAMP_NTZ) AND ((\"ID\" >= 100) AND "
            "(\"ID\" < 200)) ORDER BY \"ID\"");
}

TEST(Statements, ChunkWindowsWithLimitAndOffset) {
  ChunkRequest r;
  r.table = Table();
  r.columns = {"ID", "NAME"};
  r.order_by = "\"ID\", \"NAME\", \"UPDATED\"";
  r.limit = 40;
  EXPECT_EQ(ChunkSql(r),
            "SELECT \"ID\", \"NAME\" FROM \"DB\".\"S\".\"T\" ORDER BY \"ID\", "
            "\"NAME\", \"UPDATED\" LIMIT 40");
  r.offset = 40;
  EXPECT_EQ(ChunkSql(r),
            "SELECT \"ID\", \"NAME\" FROM \"DB\".\"S\".\"T\" ORDER BY \"ID\", "
            "\"NAME\", \"UPDATED\" LIMIT 40 OFFSET 40");
  // The last window has no limit, but Snowflake needs LIMIT before OFFSET.
  r.limit = -1;
  r.offset = 80;
  EXPECT_EQ(ChunkSql(r),
            "SELECT \"ID\", \"NAME\" FROM \"DB\".\"S\".\"T\" ORDER BY \"ID\", "
            "\"NAME\", \"UPDATED\" LIMIT NULL OFFSET 80");
  r.limit = 0;
  r.offset = 0;
  EXPECT_EQ(ChunkSql(r),
            "SELECT \"ID\", \"NAME\" FROM \"DB\".\"S\".\"T\" ORDER BY \"ID\", "
            "\"NAME\", \"UPDATED\" LIMIT 0");
}

}  // namespace
}  // namespace sf2pg::snowflake
