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

TEST(Statements, CountWhereCountsMatchingRowsWithinTheFilter) {
  TableRef t = Table();
  t.filter = "\"Status\" = 'Active'";
  EXPECT_EQ(CountWhereSql(t, "\"U\" > 5"),
            "SELECT COUNT(CASE WHEN \"U\" > 5 THEN 1 END) AS \"N\" FROM \"DB\".\"S\".\"T\" "
            "WHERE (\"Status\" = 'Active')");
}

TEST(Statements, StatsCountRowsAndNonNullValuesAndMinMaxOnlyWhenAsked) {
  TableRef t = Table();
  t.floor = "\"U\" >= 3";
  EXPECT_EQ(StatsSql(t, "Patient Id", false),
            "SELECT COUNT(*) AS \"N\", COUNT(\"Patient Id\") AS \"NN\" FROM \"DB\".\"S\".\"T\" "
            "WHERE (\"U\" >= 3)");
  EXPECT_EQ(StatsSql(t, "V", true),
            "SELECT COUNT(*) AS \"N\", COUNT(\"V\") AS \"NN\", MIN(\"V\") AS \"LO\", MAX(\"V\") AS "
            "\"HI\" FROM \"DB\".\"S\".\"T\" WHERE (\"U\" >= 3)");
}

TEST(Statements, CountByValueGroupsAndOrdersByTheExpression) {
  TableRef t = Table();
  t.filter = "\"Status\" = 'Active'";
  EXPECT_EQ(
      CountByValueSql(t, "FLOOR((\"ID\"::FLOAT - '1'::FLOAT) / '11'::FLOAT)", "\"ID\" IS NOT NULL"),
      "SELECT FLOOR((\"ID\"::FLOAT - '1'::FLOAT) / '11'::FLOAT) AS \"V\", COUNT(*) AS \"N\" "
      "FROM \"DB\".\"S\".\"T\" WHERE (\"Status\" = 'Active') AND (\"ID\" IS NOT NULL) "
      "GROUP BY 1 ORDER BY 1");
  EXPECT_EQ(CountByValueSql(Table(), "\"REGION\"", ""),
            "SELECT \"REGION\" AS \"V\", COUNT(*) AS \"N\" FROM \"DB\".\"S\".\"T\" GROUP BY 1 "
            "ORDER BY 1");
}

TEST(Statements, KeyBoundariesNumberRowsInKeyOrderAndKeepEveryNth) {
  TableRef t = Table();
  t.filter = "\"Status\" = 'Active'";
  EXPECT_EQ(KeyBoundariesSql(t, {"Patient Id"}, "\"Patient Id\" IS NOT NULL", "", 2),
            "SELECT \"Patient Id\" FROM (SELECT \"Patient Id\", ROW_NUMBER() OVER (ORDER BY "
            "\"Patient Id\") AS \"RN\" FROM \"DB\".\"S\".\"T\" WHERE (\"Status\" = 'Active') AND "
            "(\"Patient Id\" IS NOT NULL)) WHERE MOD(\"RN\", 2) = 0 ORDER BY \"Patient Id\"");
  // Partitioned: numbering restarts at each bucket, whose value comes first.
  EXPECT_EQ(KeyBoundariesSql(Table(), {"V", "K"}, "\"V\" >= 1", "FLOOR(\"V\")", 100),
            "SELECT \"B\", \"V\", \"K\" FROM (SELECT FLOOR(\"V\") AS \"B\", \"V\", \"K\", "
            "ROW_NUMBER() OVER (PARTITION BY FLOOR(\"V\") ORDER BY \"V\", \"K\") AS \"RN\" FROM "
            "\"DB\".\"S\".\"T\" WHERE (\"V\" >= 1)) WHERE MOD(\"RN\", 100) = 0 ORDER BY \"B\", "
            "\"V\", \"K\"");
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

TEST(Statements, ChunkSelectsTheEwkbOfColumnsLandingInPostgisTypes) {
  ChunkRequest r;
  r.table = Table();
  r.columns = {"ID", "G", "J", "H"};
  r.targets.resize(4);
  r.targets[0].type = PgType::kInt4;
  r.targets[1].type = PgType::kGeometry;
  r.targets[2].type = PgType::kJsonb;  // another spatial column into jsonb keeps its GeoJSON
  r.targets[3].type = PgType::kGeography;
  EXPECT_EQ(ChunkSql(r),
            "SELECT \"ID\", ST_ASEWKB(\"G\") AS \"G\", \"J\", ST_ASEWKB(\"H\") AS \"H\" FROM "
            "\"DB\".\"S\".\"T\"");
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

TEST(Statements, CatalogReadsQuoteEveryName) {
  EXPECT_EQ(ShowTablesSql("Sales DB", "my\"schema"),
            "SHOW TABLES IN SCHEMA \"Sales DB\".\"my\"\"schema\"");
  EXPECT_EQ(ShowPrimaryKeysSql("DB", "S", "select"),
            "SHOW PRIMARY KEYS IN TABLE \"DB\".\"S\".\"select\"");
}

TEST(Statements, RangeChecksumsGroupsCountsAndSumsByBucketWithinTheFilter) {
  TableRef t = {"DB", "S", "T", "\"X\" = 1", ""};
  EXPECT_EQ(RangeChecksumsSql(t, "CASE WHEN \"ID\" <= 5 THEN 0 ELSE 1 END", "\"ID\" > 0", "H(1)"),
            "SELECT CASE WHEN \"ID\" <= 5 THEN 0 ELSE 1 END AS \"B\", COUNT(*) AS \"N\", "
            "SUM(H(1)) AS \"H\" FROM \"DB\".\"S\".\"T\" WHERE (\"X\" = 1) AND (\"ID\" > 0) "
            "GROUP BY 1 ORDER BY 1");
  EXPECT_EQ(RangeChecksumsSql(Table(), "0", "", "H(1)"),
            "SELECT 0 AS \"B\", COUNT(*) AS \"N\", SUM(H(1)) AS \"H\" FROM \"DB\".\"S\".\"T\" "
            "GROUP BY 1 ORDER BY 1");
}

}  // namespace
}  // namespace sf2pg::snowflake
