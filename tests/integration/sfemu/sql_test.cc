// The SQL sf2pg sends (and the DDL/DML tests use) runs with Snowflake's semantics; anything
// else is refused naming what is unsupported.
#include <gtest/gtest.h>

#include <chrono>

#include "integration/sfemu/sfemu_fixture.h"

namespace sf2pg::testing {
namespace {

using nlohmann::json;
using Rows = std::vector<std::vector<json>>;

class SfemuSql : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    SfemuClient c = SharedSfemu::Get().Client();
    auto ok = [&](const std::string& sql) {
      HttpResult r = c.Submit(sql);
      ASSERT_EQ(r.status, 200) << sql << "\n" << r.body;
    };
    ok("CREATE DATABASE IF NOT EXISTS SQLT");
    ok(R"(CREATE OR REPLACE TABLE SQLT.PUBLIC.EV (ID NUMBER(38,0) PRIMARY KEY, GRP VARCHAR(10),
          AMT NUMBER(10,2), F FLOAT, FLAG BOOLEAN, D DATE, NTZ TIMESTAMP_NTZ(9),
          LTZ TIMESTAMP_LTZ(9), TZ TIMESTAMP_TZ(9), B BINARY, "Mixed Case" VARCHAR))");
    ok(R"(INSERT INTO SQLT.PUBLIC.EV VALUES
      (1, 'a', 10.50, 1.5, TRUE, '2023-07-14', '2023-07-14 09:30:15.25', '2023-07-14 09:30:15 +00:00',
       '2023-07-14 23:30:00 +05:30', 'CAFE', 'x'),
      (2, 'b', -3.25, NULL, FALSE, '2023-07-15', '2023-07-15 00:00:00', '2023-07-15 01:00:00 +00:00',
       '2023-07-15 01:00:00 -08:00', NULL, 'Y'),
      (3, 'a', 0, 2.25, NULL, NULL, NULL, NULL, NULL, '00FF', NULL),
      (4, 'B', 100, -1, TRUE, '1969-12-31', '1969-12-31 23:59:59.5', '1969-12-31 23:00:00 +00:00',
       '1970-01-01 00:30:00 +01:00', '', 'é'),
      (5, NULL, 7.77, 0, FALSE, '2023-07-14', '2023-07-14 18:00:00', '2023-07-14 18:00:00 +00:00',
       '2023-07-14 18:00:00 +00:00', 'AB', 'O''Brien'))");
  }
  void SetUp() override { client_ = std::make_unique<SfemuClient>(SharedSfemu::Get().Client()); }

  Rows Q(const std::string& sql, json body = json::object()) {
    return client_->Rows(sql, std::move(body));
  }
  /// IDs of EV rows matching `where`, in ID order.
  std::vector<std::string> Ids(const std::string& where) {
    std::vector<std::string> out;
    for (const auto& row :
         Q("SELECT \"ID\" FROM \"SQLT\".\"PUBLIC\".\"EV\" WHERE (" + where + ") ORDER BY \"ID\"")) {
      out.push_back(row[0]);
    }
    return out;
  }
  json Error(const std::string& sql) {
    HttpResult r = client_->Submit(sql);
    EXPECT_EQ(r.status, 422) << sql << "\n" << r.body;
    return r.json;
  }
  std::unique_ptr<SfemuClient> client_;
};

using V = std::vector<std::string>;

TEST_F(SfemuSql, MetadataQueries) {
  HttpResult zero = client_->Submit(R"(SELECT * FROM "SQLT"."PUBLIC"."EV" LIMIT 0)");
  ASSERT_EQ(zero.status, 200);
  const json& rt = zero.json["resultSetMetaData"]["rowType"];
  ASSERT_EQ(rt.size(), 11u);
  EXPECT_EQ(rt[2]["type"], "fixed");
  EXPECT_EQ(rt[2]["scale"], 2);
  EXPECT_EQ(rt[8]["type"], "timestamp_tz");
  EXPECT_EQ(rt[10]["name"], "Mixed Case");
  EXPECT_EQ(rt[0]["database"], "SQLT");
  EXPECT_EQ(rt[0]["table"], "EV");
  EXPECT_EQ(zero.json["data"].size(), 0u);
  EXPECT_EQ(zero.json["resultSetMetaData"]["partitionInfo"][0]["uncompressedSize"], 0);

  Rows pk = Q(R"(SHOW PRIMARY KEYS IN TABLE "SQLT"."PUBLIC"."EV")");
  ASSERT_EQ(pk.size(), 1u);
  EXPECT_EQ(pk[0][1], "SQLT");
  EXPECT_EQ(pk[0][3], "EV");
  EXPECT_EQ(pk[0][4], "ID");
  EXPECT_EQ(pk[0][5], "1");

  Rows desc = Q(R"(DESCRIBE TABLE "SQLT"."PUBLIC"."EV")");
  ASSERT_EQ(desc.size(), 11u);
  EXPECT_EQ(desc[0], (std::vector<json>{"ID", "NUMBER(38,0)", "COLUMN", "N", nullptr, "Y", "N",
                                        nullptr, nullptr, nullptr, nullptr, nullptr, nullptr}));
  EXPECT_EQ(desc[1][1], "VARCHAR(10)");
  EXPECT_EQ(desc[9][1], "BINARY(8388608)");

  Rows cols = Q(
      R"(SELECT COLUMN_NAME, DATA_TYPE, NUMERIC_PRECISION, NUMERIC_SCALE, CHARACTER_MAXIMUM_LENGTH, IS_NULLABLE
                 FROM "SQLT".INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = 'PUBLIC' AND TABLE_NAME = 'EV'
                 ORDER BY ORDINAL_POSITION)");
  ASSERT_EQ(cols.size(), 11u);
  EXPECT_EQ(cols[0], (std::vector<json>{"ID", "NUMBER", "38", "0", nullptr, "NO"}));
  EXPECT_EQ(cols[1], (std::vector<json>{"GRP", "TEXT", nullptr, nullptr, "10", "YES"}));
  EXPECT_EQ(cols[8][1], "TIMESTAMP_TZ");
  Rows tables = Q(
      R"(SELECT TABLE_NAME, ROW_COUNT FROM SQLT.INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'EV')");
  EXPECT_EQ(tables, (Rows{{"EV", "5"}}));
  Rows shown = Q("SHOW TABLES LIKE 'e%' IN SCHEMA SQLT.PUBLIC");
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0][1], "EV");
  EXPECT_EQ(shown[0][7], "5");
  EXPECT_EQ(Q("SELECT CURRENT_VERSION()")[0][0], "10.36.101");
  EXPECT_EQ(Q("SELECT 1"), (Rows{{"1"}}));
}

TEST_F(SfemuSql, ShowTablesInAQuotedSchemaGivesRowsAndBytesByName) {
  ASSERT_EQ(client_->Submit(R"(CREATE SCHEMA IF NOT EXISTS SQLT."odd ""Schema""")").status, 200);
  ASSERT_EQ(client_->Submit(R"(CREATE OR REPLACE TABLE SQLT."odd ""Schema"""."select" (ID NUMBER))")
                .status,
            200);
  ASSERT_EQ(
      client_->Submit(R"(CREATE OR REPLACE TABLE SQLT."odd ""Schema""".EMPTY (ID NUMBER))").status,
      200);
  ASSERT_EQ(
      client_->Submit(R"(INSERT INTO SQLT."odd ""Schema"""."select" VALUES (1), (2), (3))").status,
      200);
  HttpResult shown = client_->Submit(R"(SHOW TABLES IN SCHEMA "SQLT"."odd ""Schema""")");
  ASSERT_EQ(shown.status, 200) << shown.body;
  // Snowflake's documented order of the first columns.
  const json& rt = shown.json["resultSetMetaData"]["rowType"];
  std::vector<std::string> names;
  for (size_t i = 0; i < 10 && i < rt.size(); ++i) names.push_back(rt[i]["name"]);
  EXPECT_EQ(names, (V{"created_on", "name", "database_name", "schema_name", "kind", "comment",
                      "cluster_by", "rows", "bytes", "owner"}));
  EXPECT_EQ(rt[7]["type"], "fixed");
  EXPECT_EQ(rt[8]["type"], "fixed");
  const json& data = shown.json["data"];
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[0][1], "EMPTY");  // ordered by name
  EXPECT_EQ(data[0][7], "0");
  EXPECT_EQ(data[1][1], "select");
  EXPECT_EQ(data[1][3], "odd \"Schema\"");
  EXPECT_EQ(data[1][7], "3");
  EXPECT_GT(std::stoll(data[1][8].get<std::string>()), 0);
  EXPECT_EQ(Error(R"(SHOW TABLES IN SCHEMA "SQLT"."NOPE")")["code"], "002003");
  EXPECT_EQ(Error(R"(SHOW TABLES IN SCHEMA "NODB"."PUBLIC")")["code"], "002003");
}

TEST_F(SfemuSql, CountsAndMinMax) {
  EXPECT_EQ(Q(R"(SELECT COUNT(*) FROM "SQLT"."PUBLIC"."EV" WHERE ("AMT" > 0))"), (Rows{{"3"}}));
  EXPECT_EQ(
      Q(R"(SELECT MIN("NTZ"), MAX("NTZ"), COUNT(*), COUNT("NTZ") FROM "SQLT"."PUBLIC"."EV" WHERE (1 = 1))"),
      (Rows{{"-0.500000000", "1689379200.000000000", "5", "4"}}));
  EXPECT_EQ(Q(R"(SELECT MIN("GRP"), MAX("TZ"), MIN("D") FROM "SQLT"."PUBLIC"."EV")"),
            (Rows{{"B", "1689411600.000000000 960", "-1"}}));
}

TEST_F(SfemuSql, NumericBuckets) {
  EXPECT_EQ(Q(R"(SELECT FLOOR(("AMT" - -5) / 10) AS "B", COUNT(*) AS "N" FROM "SQLT"."PUBLIC"."EV"
                 WHERE (1 = 1) AND "AMT" IS NOT NULL GROUP BY 1 ORDER BY 1)"),
            (Rows{{"0", "2"}, {"1", "2"}, {"10", "1"}}));
}

TEST_F(SfemuSql, DayBucketsKeepTheColumnType) {
  EXPECT_EQ(Q(R"(SELECT DATE_TRUNC('DAY', "TZ") AS "D", COUNT(*) AS "N" FROM "SQLT"."PUBLIC"."EV"
                 WHERE (1 = 1) GROUP BY 1 ORDER BY 1)"),
            (Rows{{"-3600.000000000 1500", "1"},
                  {"1689273000.000000000 1770", "1"},
                  {"1689292800.000000000 1440", "1"},
                  {"1689408000.000000000 960", "1"},
                  {nullptr, "1"}}));
  EXPECT_EQ(Q(R"(SELECT DATE_TRUNC('DAY', "NTZ") AS "D", COUNT(*) AS "N" FROM "SQLT"."PUBLIC"."EV"
                 WHERE ("ID" < 3) GROUP BY 1 ORDER BY 1)"),
            (Rows{{"1689292800.000000000", "1"}, {"1689379200.000000000", "1"}}));
  EXPECT_EQ(
      Q(R"(SELECT TO_DATE("NTZ") AS "D", COUNT(*) AS "N" FROM "SQLT"."PUBLIC"."EV" WHERE (1 = 1)
                 GROUP BY 1 ORDER BY 1)"),
      (Rows{{"-1", "1"}, {"19552", "2"}, {"19553", "1"}, {nullptr, "1"}}));
  HttpResult r = client_->Submit(
      R"(SELECT DATE_TRUNC('DAY', "LTZ") AS "D" FROM "SQLT"."PUBLIC"."EV" WHERE "ID" = 1)");
  EXPECT_EQ(r.json["resultSetMetaData"]["rowType"][0]["type"], "timestamp_ltz");
  EXPECT_EQ(r.json["data"][0][0], "1689292800.000000000");
}

TEST_F(SfemuSql, GroupedValuesSortBinary) {
  EXPECT_EQ(
      Q(R"(SELECT "GRP", COUNT(*) AS "N" FROM "SQLT"."PUBLIC"."EV" WHERE (1 = 1) GROUP BY "GRP" ORDER BY "GRP")"),
      (Rows{{"B", "1"}, {"a", "2"}, {"b", "1"}, {nullptr, "1"}}));
}

TEST_F(SfemuSql, KeyBoundaries) {
  EXPECT_EQ(
      Q(R"(SELECT "GRP", "ID" FROM (SELECT "GRP", "ID", ROW_NUMBER() OVER (ORDER BY "GRP", "ID") AS "RN"
                 FROM "SQLT"."PUBLIC"."EV" WHERE (1 = 1)) WHERE MOD("RN", 2) = 0 ORDER BY "GRP", "ID")"),
      (Rows{{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(
      Q(R"(SELECT "ID" FROM (SELECT "ID", ROW_NUMBER() OVER (PARTITION BY FLOOR("ID" / 3) ORDER BY "ID") AS "RN"
                 FROM "SQLT"."PUBLIC"."EV" WHERE (1 = 1)) WHERE MOD("RN", 2) = 0 ORDER BY "ID")"),
      (Rows{{"2"}, {"4"}}));
}

TEST_F(SfemuSql, ChunkRangePredicates) {
  EXPECT_EQ(
      Ids(R"("NTZ" > '2023-07-14 00:00:00.000000000'::TIMESTAMP_NTZ AND "NTZ" <= '2023-07-14 18:00:00.000000000'::TIMESTAMP_NTZ)"),
      (V{"1", "5"}));
  EXPECT_EQ(Ids(R"("NTZ" IS NULL)"), (V{"3"}));
  EXPECT_EQ(Ids(R"("ID" IN (1, 4, 9))"), (V{"1", "4"}));
  EXPECT_EQ(Q(R"(SELECT "ID" FROM "SQLT"."PUBLIC"."EV" WHERE (1 = 1) AND
                 ("NTZ" > '2023-07-14 09:30:15.250000000'::TIMESTAMP_NTZ OR
                  ("NTZ" = '2023-07-14 09:30:15.250000000'::TIMESTAMP_NTZ AND "ID" > 0))
                 ORDER BY "NTZ", "ID")"),
            (Rows{{"1"}, {"5"}, {"2"}}));
  EXPECT_EQ(Ids(R"("TZ" >= '2023-07-14 18:00:00.000000000 +00:00'::TIMESTAMP_TZ)"),
            (V{"1", "2", "5"}));
  EXPECT_EQ(Ids(R"("LTZ" >= '2023-07-15 01:00:00.000000000 +00:00'::TIMESTAMP_LTZ)"), (V{"2"}));
  EXPECT_EQ(Ids(R"("D" = '2023-07-14'::DATE)"), (V{"1", "5"}));
  EXPECT_EQ(Ids(R"("B" = TO_BINARY('CAFE', 'HEX'))"), (V{"1"}));
  EXPECT_EQ(
      Q(R"(SELECT "ID", "GRP" FROM "SQLT"."PUBLIC"."EV" WHERE (1 = 1) ORDER BY "ID" LIMIT 2 OFFSET 1)"),
      (Rows{{"2", "b"}, {"3", "a"}}));
}

TEST_F(SfemuSql, Literals) {
  HttpResult r = client_->Submit(
      R"(SELECT -12.5, 'it''s', TRUE, FALSE, NULL, '2023-07-14'::DATE,
         '2023-07-14 09:30:15.250000000'::TIMESTAMP_NTZ, '2023-07-14 09:30:15.250000000 +05:30'::TIMESTAMP_TZ,
         '2023-07-14 09:30:15.250000000 +00:00'::TIMESTAMP_LTZ, CAST('7' AS NUMBER(5,2)), TO_BINARY('CAFE', 'HEX'),
         -3)");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["data"][0],
            json::parse(R"(["-12.5","it's","true","false",null,"19552","1689327015.250000000",
                            "1689307215.250000000 1770","1689327015.250000000","7.00","CAFE","-3"])"));
  const json& rt = r.json["resultSetMetaData"]["rowType"];
  EXPECT_EQ(rt[0]["type"], "fixed");
  EXPECT_EQ(rt[0]["scale"], 1);
  EXPECT_EQ(rt[6]["type"], "timestamp_ntz");
  EXPECT_EQ(rt[9]["precision"], 5);
  EXPECT_EQ(rt[10]["type"], "binary");
}

// With TIMEZONE=UTC a timestamp converted to text ends in Z, not +0000 (recorded:
// CURRENT_TIMESTAMP()::STRING gave "2026-10-08 22:40:55.656 Z"); other offsets keep +HHMM.
TEST_F(SfemuSql, ZeroOffsetsAsTextAreZ) {
  json utc = {{"parameters", {{"TIMEZONE", "UTC"}}}};
  Rows r = Q(R"(SELECT CURRENT_TIMESTAMP()::STRING, TO_VARCHAR("LTZ"),
                       TO_VARCHAR('2023-07-14 09:30:15 +00:00'::TIMESTAMP_TZ),
                       TO_VARCHAR('2023-07-14 09:30:15 +05:30'::TIMESTAMP_TZ),
                       TO_VARCHAR('2023-07-14 09:30:15 -08:00'::TIMESTAMP_TZ),
                       TO_VARCHAR("NTZ")
                FROM "SQLT"."PUBLIC"."EV" WHERE "ID" = 1)",
             utc);
  ASSERT_EQ(r.size(), 1u);
  std::string now = r[0][0];
  EXPECT_TRUE(now.ends_with(" Z")) << now;
  EXPECT_EQ(now.size(), std::string("2026-10-08 22:40:55.656 Z").size()) << now;
  EXPECT_EQ(r[0][1], "2023-07-14 09:30:15.000 Z");
  EXPECT_EQ(r[0][2], "2023-07-14 09:30:15.000 Z");
  EXPECT_EQ(r[0][3], "2023-07-14 09:30:15.000 +0530");
  EXPECT_EQ(r[0][4], "2023-07-14 09:30:15.000 -0800");
  EXPECT_EQ(r[0][5], "2023-07-14 09:30:15.250");
  // In another zone the local offset is written.
  Rows la = Q(R"(SELECT TO_VARCHAR("LTZ") FROM "SQLT"."PUBLIC"."EV" WHERE "ID" = 1)",
              {{"parameters", {{"TIMEZONE", "America/Los_Angeles"}}}});
  EXPECT_EQ(la[0][0], "2023-07-14 02:30:15.000 -0700");
}

// Valid Snowflake that sfemu does not run is refused as an unsupported feature naming it (the
// live service's 000002 / 0A000), never as a syntax error.
TEST_F(SfemuSql, UnemulatedStatementsAreUnsupportedFeatures) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"COPY INTO SQLT.PUBLIC.EV FROM @~/staged/", "COPY INTO"},
      {R"(SELECT * FROM "SQLT"."PUBLIC"."EV" AT(OFFSET => -60))", "time travel (AT)"},
      {R"(SELECT "ID" FROM "SQLT"."PUBLIC"."EV" BEFORE(TIMESTAMP => '2023-01-01'::TIMESTAMP_LTZ))",
       "time travel (BEFORE)"},
      {R"(SELECT "GRP":a FROM "SQLT"."PUBLIC"."EV")", "semi-structured paths (\"GRP\":a)"},
  };
  for (const auto& [sql, feature] : cases) {
    json e = Error(sql);
    EXPECT_EQ(e["code"], "000002") << sql;
    EXPECT_EQ(e["sqlState"], "0A000") << sql;
    EXPECT_EQ(e["message"], "Unsupported feature '" + feature + "'.") << sql;
    EXPECT_TRUE(e["statementHandle"].is_string()) << sql;
  }
}

// SYSTEM$WAIT sleeps on the server and answers as recorded ("waited 3 seconds", unbounded
// non-nullable text); with a shorter statement timeout it is cancelled with 408.
TEST_F(SfemuSql, SystemWaitSleepsAndHonoursTheStatementTimeout) {
  auto start = std::chrono::steady_clock::now();
  HttpResult r = client_->Submit("SELECT SYSTEM$WAIT(1)");
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_GE(took, std::chrono::milliseconds(950));
  EXPECT_EQ(r.json["data"], json::parse(R"([["waited 1 seconds"]])"));
  const json& c = r.json["resultSetMetaData"]["rowType"][0];
  EXPECT_EQ(c["name"], "SYSTEM$WAIT(1)");
  EXPECT_EQ(c["type"], "text");
  EXPECT_EQ(c["length"], 134217728);
  EXPECT_EQ(c["nullable"], false);
  HttpResult timed_out = client_->Submit("SELECT SYSTEM$WAIT(30)", {{"timeout", 1}});
  EXPECT_EQ(timed_out.status, 408) << timed_out.body;
  EXPECT_EQ(timed_out.json["code"], "000630");
  EXPECT_EQ(Error("SELECT SYSTEM$WAIT(1, 'MINUTES')")["code"], "000002");
}

// TABLE(GENERATOR(ROWCOUNT => n)) with SEQ4()/SEQ8() numbers rows 0..n-1 (recorded: SEQ4 is
// NUMBER(10,0), not nullable); SEQ4 elsewhere is refused.
TEST_F(SfemuSql, GeneratorRowsAreNumberedFromZero) {
  HttpResult r = client_->Submit(
      "SELECT SEQ4() AS N, SEQ8() FROM TABLE(GENERATOR(ROWCOUNT => 2500)) ORDER BY N DESC");
  ASSERT_EQ(r.status, 200) << r.body;
  const json& meta = r.json["resultSetMetaData"];
  EXPECT_EQ(meta["numRows"], 2500);
  EXPECT_EQ(r.json["data"][0], json::parse(R"(["2499","2499"])"));
  EXPECT_EQ(meta["rowType"][0]["type"], "fixed");
  EXPECT_EQ(meta["rowType"][0]["precision"], 10);
  EXPECT_EQ(meta["rowType"][0]["scale"], 0);
  EXPECT_EQ(meta["rowType"][0]["nullable"], false);
  EXPECT_EQ(meta["rowType"][1]["precision"], 19);
  EXPECT_EQ(Q("SELECT COUNT(*), MIN(N), SUM(N) FROM (SELECT SEQ4() AS N FROM "
              "TABLE(GENERATOR(ROWCOUNT => 20000))) WHERE N >= 10"),
            (Rows{{"19990", "10", "199989955"}}));
  EXPECT_EQ(Q("SELECT SEQ4() FROM TABLE(GENERATOR(ROWCOUNT => 0))"), Rows{});
  EXPECT_EQ(Error(R"(SELECT SEQ4() FROM "SQLT"."PUBLIC"."EV")")["code"], "000002");
  EXPECT_EQ(Error("SELECT 1 FROM TABLE(GENERATOR(TIMELIMIT => 1))")["code"], "000002");
}

// QUALIFY filters on window functions after they are computed, before ORDER BY and LIMIT, and
// may name select-list aliases.
TEST_F(SfemuSql, QualifyFiltersAfterWindowFunctions) {
  EXPECT_EQ(Q(R"(SELECT "ID", "GRP" FROM "SQLT"."PUBLIC"."EV" WHERE "GRP" IS NOT NULL
                 QUALIFY ROW_NUMBER() OVER (PARTITION BY "GRP" ORDER BY "ID" DESC) = 1
                 ORDER BY "ID")"),
            (Rows{{"2", "b"}, {"3", "a"}, {"4", "B"}}));
  EXPECT_EQ(Q(R"(SELECT "ID" AS X, RANK() OVER (ORDER BY "AMT" DESC) AS R
                 FROM "SQLT"."PUBLIC"."EV" QUALIFY R <= 3 ORDER BY R DESC LIMIT 2)"),
            (Rows{{"5", "3"}, {"1", "2"}}));
  EXPECT_EQ(Q(R"(SELECT "GRP", COUNT(*) AS N FROM "SQLT"."PUBLIC"."EV" GROUP BY "GRP"
                 QUALIFY COUNT(*) = MAX(COUNT(*)) OVER ())"),
            (Rows{{"a", "2"}}));
}

TEST_F(SfemuSql, UserFilters) {
  EXPECT_EQ(Ids(R"("GRP" = 'a' AND NOT "FLAG" IS NULL)"), (V{"1"}));
  EXPECT_EQ(Ids(R"("GRP" <> 'a')"), (V{"2", "4"}));
  EXPECT_EQ(Ids(R"("GRP" != 'a')"), (V{"2", "4"}));
  EXPECT_EQ(Ids(R"("AMT" < 0)"), (V{"2"}));
  EXPECT_EQ(Ids(R"("AMT" <= 0)"), (V{"2", "3"}));
  EXPECT_EQ(Ids(R"("AMT" >= 100)"), (V{"4"}));
  EXPECT_EQ(Ids(R"(grp IN ('a', 'b'))"), (V{"1", "2", "3"}));
  EXPECT_EQ(Ids(R"("GRP" NOT IN ('a'))"), (V{"2", "4"}));
  EXPECT_EQ(Ids(R"("GRP" LIKE 'a%')"), (V{"1", "3"}));
  EXPECT_EQ(Ids(R"("GRP" ILIKE 'B')"), (V{"2", "4"}));
  EXPECT_EQ(Ids(R"("GRP" LIKE '_')"), (V{"1", "2", "3", "4"}));
  EXPECT_EQ(Ids(R"("AMT" BETWEEN 0 AND 10.5)"), (V{"1", "3", "5"}));
  EXPECT_EQ(Ids(R"("AMT" * 2 - 1 > 20)"), (V{"4"}));
  EXPECT_EQ(Ids(R"("GRP" || '-' || "ID" = 'a-1')"), (V{"1"}));
  EXPECT_EQ(Ids(R"(("ID" = 1 OR "ID" = 2) AND "GRP" = 'a')"), (V{"1"}));
  EXPECT_EQ(Ids(R"("D" <= CURRENT_DATE)"), (V{"1", "2", "4", "5"}));
  EXPECT_EQ(Ids(R"("LTZ" < CURRENT_TIMESTAMP())"), (V{"1", "2", "4", "5"}));
  EXPECT_EQ(Ids(R"(COALESCE("GRP", 'none') = 'none')"), (V{"5"}));
  EXPECT_EQ(Ids(R"(UPPER("GRP") = 'B')"), (V{"2", "4"}));
  EXPECT_EQ(Ids(R"(LOWER("Mixed Case") = 'y')"), (V{"2"}));
  EXPECT_EQ(Ids(R"(UPPER("Mixed Case") = 'É')"), (V{"4"}));
  EXPECT_EQ(Ids(R"(TRIM('  a ') = "GRP")"), (V{"1", "3"}));
  EXPECT_EQ(Ids(R"("FLAG" = TRUE)"), (V{"1", "4"}));
  EXPECT_EQ(Ids(R"("F" > 1)"), (V{"1", "3"}));
}

TEST_F(SfemuSql, ComparisonFunctions) {
  EXPECT_EQ(Q("SELECT MD5('Snowflake'), MD5_HEX('Snowflake'), MD5_NUMBER_LOWER64('Snowflake'), "
              "MD5_NUMBER_UPPER64('Snowflake')"),
            (Rows{{"edf1439075a83a447fb8b630ddc9c8de", "edf1439075a83a447fb8b630ddc9c8de",
                   "9203306159527282910", "17145559544104499780"}}));
  EXPECT_EQ(Q(R"(SELECT SUM("AMT") FROM "SQLT"."PUBLIC"."EV")"), (Rows{{"115.02"}}));
  EXPECT_EQ(
      Q(R"(SELECT TO_VARCHAR("AMT"), TO_CHAR("D"), TO_VARCHAR("NTZ"), TO_VARCHAR("FLAG"), TO_VARCHAR("F"),
                 TO_VARCHAR("TZ"), TO_VARCHAR("B"), MD5(TO_VARCHAR("ID")) FROM "SQLT"."PUBLIC"."EV" WHERE "ID" = 1)"),
      (Rows{{"10.50", "2023-07-14", "2023-07-14 09:30:15.250", "true", "1.5",
             "2023-07-14 23:30:00.000 +0530", "CAFE", "c4ca4238a0b923820dcc509a6f75849b"}}));
  json hash = Error(R"(SELECT HASH_AGG(*) FROM "SQLT"."PUBLIC"."EV")");
  EXPECT_EQ(hash["code"], "000002");
  EXPECT_NE(hash["message"].get<std::string>().find("HASH_AGG"), std::string::npos);
}

// The functions of sf2pg verify's canonical row text (src/verify/canonical.cc).
TEST_F(SfemuSql, CanonicalTextFunctions) {
  EXPECT_EQ(
      Q("SELECT DATE_PART(EPOCH_NANOSECOND, '1970-01-01 00:00:01.000000500'::TIMESTAMP_NTZ(9)), "
        "DATE_PART(EPOCH_NANOSECOND, '1969-12-31 23:59:59.999999999'::TIMESTAMP_NTZ(9)), "
        "DATE_PART(EPOCH_NANOSECOND, '1970-01-01 01:00:00 +01:00'::TIMESTAMP_TZ), "
        "DATE_PART(EPOCH_SECOND, '1969-12-31'::DATE), "
        "DATE_PART(HOUR, '12:34:56.123456789'::TIME(9)), "
        "DATE_PART(MINUTE, '12:34:56.123456789'::TIME(9)), "
        "DATE_PART(SECOND, '12:34:56.123456789'::TIME(9)), "
        "DATE_PART(NANOSECOND, '12:34:56.123456789'::TIME(9))"),
      (Rows{{"1000000500", "-1", "0", "-86400", "12", "34", "56", "123456789"}}));
  EXPECT_EQ(Q("SELECT ROUND(2.5, 0, 'HALF_TO_EVEN'), ROUND(3.5, 0, 'HALF_TO_EVEN'), "
              "ROUND(-2.5, 0, 'HALF_TO_EVEN'), ROUND(1500, -3, 'HALF_TO_EVEN'), "
              "ROUND(2500, -3, 'HALF_TO_EVEN'), ROUND(2501, -3, 'HALF_TO_EVEN'), "
              "ROUND(2.5, 0, 'HALF_AWAY_FROM_ZERO')"),
            (Rows{{"2", "4", "-2", "2000", "2000", "3000", "3"}}));
  EXPECT_EQ(Q("SELECT REPLACE('a-b-c', '-'), REPLACE('abc', 'b', 'XY'), "
              "TO_VARCHAR(TO_BINARY('cafe'), 'HEX'), "
              "TO_VARCHAR('2023-07-14 09:30:15 -05:30'::TIMESTAMP_TZ, 'TZH:TZM'), "
              "TO_VARCHAR('2023-07-14 09:30:15 +00:00'::TIMESTAMP_TZ, 'TZH:TZM'), "
              "TO_VARCHAR(NULL::BOOLEAN)"),
            (Rows{{"abc", "aXYc", "CAFE", "-05:30", "+00:00", nullptr}}));
  EXPECT_EQ(
      Q("SELECT TO_VARCHAR(CONVERT_TIMEZONE('UTC', '1970-01-01 01:00:00 +05:30'::TIMESTAMP_TZ), "
        "'TZH:TZM'), DATE_PART(EPOCH_NANOSECOND, CONVERT_TIMEZONE('UTC', "
        "'1970-01-01 05:30:00.000000001 +05:30'::TIMESTAMP_TZ(9)))"),
      (Rows{{"+00:00", "1"}}));
  // Division keeps every digit up to its result scale, however large the operands.
  EXPECT_EQ(Q("SELECT 217564652683882940501 / 1000, -7 / 2, 1 / 3, ROUND(217564652683882940500 / "
              "1000, 0, "
              "'HALF_TO_EVEN')"),
            (Rows{{"217564652683882940.501000", "-3.500000", "0.333333", "217564652683882940"}}));
}

TEST_F(SfemuSql, DdlAndDmlWithStats) {
  HttpResult created =
      client_->Submit("CREATE OR REPLACE TABLE SQLT.PUBLIC.DUPS (K NUMBER PRIMARY KEY, V VARCHAR)");
  EXPECT_EQ(created.json["data"][0][0], "Table DUPS successfully created.");
  EXPECT_EQ(created.json["resultSetMetaData"]["rowType"][0]["name"], "status");
  HttpResult inserted = client_->Submit("INSERT INTO SQLT.PUBLIC.DUPS VALUES (1, 'a'), (1, 'b')");
  ASSERT_EQ(inserted.status, 200) << inserted.body;  // primary keys are not enforced
  EXPECT_EQ(inserted.json["data"], json::parse(R"([["2"]])"));
  EXPECT_EQ(inserted.json["resultSetMetaData"]["rowType"][0]["name"], "number of rows inserted");
  EXPECT_EQ(
      inserted.json["stats"],
      json::parse(
          R"({"numRowsInserted":2,"numRowsDeleted":0,"numRowsUpdated":0,"numDmlDuplicates":0})"));
  HttpResult updated = client_->Submit("UPDATE SQLT.PUBLIC.DUPS SET V = 'z' WHERE K = 1");
  EXPECT_EQ(updated.json["data"], json::parse(R"([["2","0"]])"));
  EXPECT_EQ(updated.json["stats"]["numRowsUpdated"], 2);
  EXPECT_FALSE(
      client_->Submit("UPDATE SQLT.PUBLIC.DUPS SET V = 'q' WHERE K = 99").json.contains("stats"));
  HttpResult copied = client_->Submit(
      R"(INSERT INTO SQLT.PUBLIC.DUPS (K, V) SELECT "ID", "GRP" FROM SQLT.PUBLIC.EV WHERE "ID" > 3)");
  EXPECT_EQ(copied.json["stats"]["numRowsInserted"], 2);
  HttpResult deleted = client_->Submit("DELETE FROM SQLT.PUBLIC.DUPS WHERE V = 'z'");
  EXPECT_EQ(deleted.json["data"], json::parse(R"([["2"]])"));
  EXPECT_EQ(deleted.json["stats"]["numRowsDeleted"], 2);
  HttpResult truncated = client_->Submit("TRUNCATE TABLE SQLT.PUBLIC.DUPS");
  EXPECT_EQ(truncated.json["data"][0][0], "Statement executed successfully.");
  EXPECT_EQ(truncated.json["stats"]["numRowsDeleted"], 2);
  EXPECT_EQ(Error("CREATE TABLE SQLT.PUBLIC.DUPS (K NUMBER)")["code"], "002002");
  EXPECT_EQ(
      client_->Submit("CREATE TABLE IF NOT EXISTS SQLT.PUBLIC.DUPS (K NUMBER)").json["data"][0][0],
      "DUPS already exists, statement succeeded.");
  EXPECT_EQ(client_->Submit("DROP TABLE SQLT.PUBLIC.DUPS").json["data"][0][0],
            "DUPS successfully dropped.");
  EXPECT_EQ(client_->Submit("DROP TABLE IF EXISTS SQLT.PUBLIC.DUPS").json["data"][0][0],
            "Drop statement executed successfully (DUPS already dropped).");
  EXPECT_EQ(Error("DROP TABLE SQLT.PUBLIC.DUPS")["code"], "002003");
  EXPECT_EQ(client_->Submit("CREATE SCHEMA IF NOT EXISTS SQLT.STAGING").json["data"][0][0],
            "Schema STAGING successfully created.");
  EXPECT_EQ(client_->Submit("CREATE SCHEMA IF NOT EXISTS SQLT.STAGING").json["data"][0][0],
            "STAGING already exists, statement succeeded.");
  EXPECT_EQ(client_->Submit("CREATE DATABASE IF NOT EXISTS SQLT").json["data"][0][0],
            "SQLT already exists, statement succeeded.");
  // Semi-structured values through INSERT ... SELECT (VALUES refuses them, as Snowflake does).
  client_->Submit(
      "CREATE OR REPLACE TABLE SQLT.STAGING.DOCS (ID NUMBER, DOC VARIANT, TAGS ARRAY, O OBJECT)");
  HttpResult docs = client_->Submit(
      R"(INSERT INTO SQLT.STAGING.DOCS SELECT 1, PARSE_JSON('{"b": [1, 2], "a": null}'), ARRAY_CONSTRUCT(1, NULL, 'x'), OBJECT_CONSTRUCT('k', 'v', 'n', NULL))");
  ASSERT_EQ(docs.status, 200) << docs.body;
  EXPECT_EQ(Q("SELECT DOC, TAGS, O FROM SQLT.STAGING.DOCS"),
            (Rows{{"{\n  \"a\": null,\n  \"b\": [\n    1,\n    2\n  ]\n}",
                   "[\n  1,\n  undefined,\n  \"x\"\n]", "{\n  \"k\": \"v\"\n}"}}));
  EXPECT_EQ(
      Error(R"(INSERT INTO SQLT.STAGING.DOCS (ID, DOC) VALUES (2, PARSE_JSON('{}')))")["code"],
      "002014");
}

TEST_F(SfemuSql, IdentifierRulesAndDefaults) {
  EXPECT_EQ(Q("select grp from sqlt.public.ev where id = 1"), (Rows{{"a"}}));
  EXPECT_EQ(Error(R"(SELECT "grp" FROM SQLT.PUBLIC.EV)")["code"], "000904");
  EXPECT_EQ(Q("SELECT COUNT(*) FROM ev", {{"database", "SQLT"}, {"schema", "PUBLIC"}}),
            (Rows{{"5"}}));
  EXPECT_EQ(Q("SELECT COUNT(*) FROM public.ev", {{"database", "SQLT"}}), (Rows{{"5"}}));
  HttpResult none = client_->Submit("SELECT COUNT(*) FROM ev");
  EXPECT_EQ(none.status, 422);
  EXPECT_EQ(none.json["code"], "090105");
  EXPECT_EQ(Q(R"(SELECT "Mixed Case" FROM SQLT.PUBLIC.EV WHERE "ID" = 5)"), (Rows{{"O'Brien"}}));
}

TEST_F(SfemuSql, Bindings) {
  HttpResult r =
      client_->Submit("SELECT ?, ?, ?, ?, :5",
                      {{"bindings",
                        {{"1", {{"type", "FIXED"}, {"value", "42"}}},
                         {"2", {{"type", "TEXT"}, {"value", "hé"}}},
                         {"3", {{"type", "DATE"}, {"value", "1689292800000"}}},
                         {"4", {{"type", "TIMESTAMP_NTZ"}, {"value", "1689327015250000000"}}},
                         {"5", {{"type", "BOOLEAN"}, {"value", nullptr}}}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["data"][0], json::parse(R"(["42","hé","19552","1689327015.250000000",null])"));
  client_->Submit("CREATE OR REPLACE TABLE SQLT.PUBLIC.BATCH (ID NUMBER, NAME VARCHAR)");
  HttpResult batch = client_->Submit("INSERT INTO SQLT.PUBLIC.BATCH VALUES (?, ?)",
                                     {{"bindings",
                                       {{"1", {{"type", "FIXED"}, {"value", {"11", "12", "13"}}}},
                                        {"2", {{"type", "TEXT"}, {"value", {"a", "b", "c"}}}}}}});
  EXPECT_EQ(batch.json["stats"]["numRowsInserted"], 3);
  EXPECT_EQ(Q("SELECT ID, NAME FROM SQLT.PUBLIC.BATCH WHERE ID > 10 ORDER BY ID"),
            (Rows{{"11", "a"}, {"12", "b"}, {"13", "c"}}));
  HttpResult uneven = client_->Submit("INSERT INTO SQLT.PUBLIC.BATCH VALUES (?, ?)",
                                      {{"bindings",
                                        {{"1", {{"type", "FIXED"}, {"value", {"21", "22"}}}},
                                         {"2", {{"type", "TEXT"}, {"value", {"a"}}}}}}});
  EXPECT_EQ(uneven.json["code"], "002099");
  EXPECT_EQ(
      client_->Submit("SELECT ?, ?", {{"bindings", {{"1", {{"type", "FIXED"}, {"value", "1"}}}}}})
          .json["code"],
      "002049");
  EXPECT_EQ(
      client_->Submit("SELECT ?", {{"bindings", {{"1", {{"type", "VARIANT"}, {"value", "{}"}}}}}})
          .json["code"],
      "002040");
  EXPECT_EQ(
      client_->Submit("SELECT ?", {{"bindings", {{"1", {{"type", "FIXED"}, {"value", "abc"}}}}}})
          .json["code"],
      "002086");
}

TEST_F(SfemuSql, UseInsideAMultiStatementRequest) {
  HttpResult r = client_->Submit("USE SCHEMA SQLT.PUBLIC; SELECT COUNT(*) FROM EV",
                                 {{"parameters", {{"MULTI_STATEMENT_COUNT", 2}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  HttpResult count =
      client_->Get("/api/v2/statements/" + r.json["statementHandles"][1].get<std::string>());
  EXPECT_EQ(count.json["data"][0][0], "5");
}

TEST_F(SfemuSql, ErrorsAreSnowflakeShaped) {
  json missing = Error(R"(SELECT * FROM "SQLT"."PUBLIC"."NOPE")");
  EXPECT_EQ(missing["code"], "002003");
  EXPECT_EQ(missing["sqlState"], "42S02");
  EXPECT_EQ(
      missing["message"].get<std::string>().rfind(
          "SQL compilation error:\nObject 'SQLT.PUBLIC.NOPE' does not exist or not authorized.", 0),
      0u);
  EXPECT_TRUE(missing["statementHandle"].is_string());
  json column = Error(R"(SELECT "NOPE" FROM "SQLT"."PUBLIC"."EV")");
  EXPECT_EQ(column["code"], "000904");
  EXPECT_EQ(column["sqlState"], "42000");
  EXPECT_NE(column["message"].get<std::string>().find("invalid identifier 'NOPE'"),
            std::string::npos);
  EXPECT_EQ(Error("SELEC 1")["code"], "001003");
  EXPECT_EQ(Error("SELECT 1/0")["code"], "100051");
  json join = Error("SELECT * FROM SQLT.PUBLIC.EV a JOIN SQLT.PUBLIC.EV b ON a.ID = b.ID");
  EXPECT_EQ(join["code"], "000002");
  EXPECT_NE(join["message"].get<std::string>().find("joins"), std::string::npos);
  EXPECT_EQ(Error("SELECT NOSUCHFUNCTION(1)")["code"], "000002");
  EXPECT_EQ(Error("SELECT '2023-07-14 09:30:15.123456789'::TIMESTAMP_NTZ(6)")["code"], "000002");
}

// Values differing only in digits 7-9 stay distinct and ordered in every query sf2pg sends.
TEST_F(SfemuSql, NanosecondsAreStoredServedAndComparedExactly) {
  auto ok = [&](const std::string& sql) {
    HttpResult r = client_->Submit(sql);
    ASSERT_EQ(r.status, 200) << sql << "\n" << r.body;
  };
  ok(R"(CREATE OR REPLACE TABLE SQLT.PUBLIC.NS (ID NUMBER, NTZ TIMESTAMP_NTZ(9),
        LTZ TIMESTAMP_LTZ(9), TZ TIMESTAMP_TZ(9), T TIME(9), N6 TIMESTAMP_NTZ(6)))");
  ok(R"(INSERT INTO SQLT.PUBLIC.NS VALUES
    (1, '2023-07-14 09:30:15.123456789', '2023-07-14 09:30:15.123456789 +00:00',
     '2023-07-14 09:30:15.123456789 +05:30', '09:30:15.123456789', '2023-07-14 09:30:15.123456'),
    (2, '2023-07-14 09:30:15.123456788', '2023-07-14 09:30:15.123456788 +00:00',
     '2023-07-14 09:30:15.123456788 +05:30', '09:30:15.123456788', NULL),
    (3, '2023-07-14 09:30:15.12345679', '2023-07-14 09:30:15.12345679 +00:00',
     '2023-07-14 09:30:15.12345679 -08:00', '09:30:15.12345679', NULL),
    (4, '1969-12-31 23:59:59.999999999', '1969-12-31 23:59:59.999999999 +00:00',
     '1969-12-31 23:59:59.999999999 +00:00', '23:59:59.999999999', NULL),
    (5, '2023-07-14 09:30:15.123456', '2023-07-14 09:30:15.123456 +00:00',
     '2023-07-14 09:30:15.123456 +05:30', '09:30:15.123456', NULL),
    (6, NULL, NULL, NULL, NULL, NULL))");
  const std::string from = R"( FROM "SQLT"."PUBLIC"."NS" )";
  EXPECT_EQ(Q(R"(SELECT "ID", "NTZ", "LTZ", "TZ", "T")" + from +
              R"(WHERE "ID" IN (1, 4))"
              R"( ORDER BY "ID")"),
            (Rows{{"1", "1689327015.123456789", "1689327015.123456789", "1689307215.123456789 1770",
                   "34215.123456789"},
                  {"4", "-0.000000001", "-0.000000001", "-0.000000001 1440", "86399.999999999"}}));
  auto ids = [&](const std::string& where, const std::string& order = "\"ID\"") {
    std::vector<std::string> out;
    for (const auto& row : Q(R"(SELECT "ID")" + from + "WHERE " + where + " ORDER BY " + order)) {
      out.push_back(row[0]);
    }
    return out;
  };
  for (const char* col : {"NTZ", "LTZ", "TZ"}) {
    std::string c = std::string("\"") + col + "\"";
    std::string type = std::string("::TIMESTAMP_") + col;
    std::string zone = std::string(col) == "NTZ" ? "" : " +00:00";
    std::string at = "'2023-07-14 09:30:15.123456788" + zone + "'" + type;
    std::string at_tz =
        std::string(col) == "TZ" ? "'2023-07-14 04:00:15.123456788 +00:00'" + type : at;
    EXPECT_EQ(ids(c + " > " + at_tz), (V{"1", "3"})) << col;
    EXPECT_EQ(ids(c + " >= " + at_tz), (V{"1", "2", "3"})) << col;
    EXPECT_EQ(ids(c + " = " + at_tz), (V{"2"})) << col;
    EXPECT_EQ(ids(c + " <= " + at_tz), (V{"2", "4", "5"})) << col;
    EXPECT_EQ(ids(c + " IS NOT NULL", c + ", \"ID\""), (V{"4", "5", "2", "1", "3"})) << col;
  }
  EXPECT_EQ(ids(R"("T" > '09:30:15.123456788'::TIME AND "T" < '23:59:59.999999999'::TIME)"),
            (V{"1", "3"}));
  EXPECT_EQ(ids(R"("T" BETWEEN '09:30:15.123456' AND '09:30:15.123456789')"), (V{"1", "2", "5"}));
  EXPECT_EQ(
      Q(R"(SELECT MIN("NTZ"), MAX("NTZ"), MAX("TZ"), MIN("T"), COUNT(DISTINCT "NTZ"))" + from),
      (Rows{{"-0.000000001", "1689327015.123456790", "1689355815.123456790 960", "34215.123456000",
             "5"}}));
  // The planner's queries: day histogram, key boundaries by ROW_NUMBER, range chunks.
  EXPECT_EQ(Q(R"(SELECT DATE_TRUNC('DAY', "NTZ") AS "D", COUNT(*) AS "N")" + from +
              R"(WHERE "NTZ" IS NOT NULL GROUP BY 1 ORDER BY 1)"),
            (Rows{{"-86400.000000000", "1"}, {"1689292800.000000000", "4"}}));
  EXPECT_EQ(Q(R"(SELECT "NTZ" FROM (SELECT "NTZ", ROW_NUMBER() OVER (ORDER BY "NTZ") AS "RN")" +
              from + R"(WHERE "NTZ" IS NOT NULL) WHERE MOD("RN", 2) = 0 ORDER BY "NTZ")"),
            (Rows{{"1689327015.123456000"}, {"1689327015.123456789"}}));
  EXPECT_EQ(
      Q(R"(SELECT "NTZ", COUNT(*))" + from + R"(WHERE "NTZ" IS NOT NULL GROUP BY 1 ORDER BY 1)")
          .size(),
      5u);
  // Branches of CASE, COALESCE, IFF and NULLIF mix stored and computed values.
  EXPECT_EQ(
      Q(R"(SELECT COALESCE("NTZ", DATE_TRUNC('DAY', '2024-01-01 10:00:00'::TIMESTAMP_NTZ)),
                        IFF("ID" = 1, "NTZ", '2000-01-01'::TIMESTAMP_NTZ(6)),
                        CASE "NTZ" WHEN '2023-07-14 09:30:15.123456789' THEN 'hit' END,
                        NULLIF("T", '09:30:15.123456788'::TIME), "NTZ" IS DISTINCT FROM "NTZ")" +
        from + R"(WHERE "ID" IN (1, 6) ORDER BY "ID")"),
      (Rows{{"1689327015.123456789", "1689327015.123456789", "hit", "34215.123456789", "false"},
            {"1704067200.000000000", "946684800.000000000", nullptr, nullptr, "false"}}));
  // Bindings carry nanoseconds too.
  HttpResult bound = client_->Submit(
      R"(SELECT "ID" FROM "SQLT"."PUBLIC"."NS" WHERE "NTZ" = ? OR "TZ" = ? ORDER BY "ID")",
      {{"bindings",
        {{"1", {{"type", "TIMESTAMP_NTZ"}, {"value", "1689327015123456789"}}},
         {"2", {{"type", "TIMESTAMP_TZ"}, {"value", "-1 1440"}}}}}});
  ASSERT_EQ(bound.status, 200) << bound.body;
  EXPECT_EQ(bound.json["data"], json::parse(R"([["1"],["4"]])"));
  // Copies and updates keep them; a column of scale 6 refuses them.
  ok(R"(UPDATE SQLT.PUBLIC.NS SET "NTZ" = '2000-01-01 00:00:00.000000001' WHERE "ID" = 5)");
  ok(R"(INSERT INTO SQLT.PUBLIC.NS ("ID", "NTZ") SELECT 7, "NTZ" FROM SQLT.PUBLIC.NS WHERE "ID" = 5)");
  EXPECT_EQ(Q(R"(SELECT "NTZ")" + from + R"(WHERE "ID" = 7)"), (Rows{{"946684800.000000001"}}));
  EXPECT_EQ(
      Error(R"(INSERT INTO SQLT.PUBLIC.NS ("ID", "N6") VALUES (8, '2023-07-14 09:30:15.1234561'))")
          ["code"],
      "000002");
  EXPECT_EQ(
      Error(
          R"(INSERT INTO SQLT.PUBLIC.NS ("ID", "N6") SELECT 8, "NTZ" FROM SQLT.PUBLIC.NS WHERE "ID" = 1)")
          ["code"],
      "000002");
}

}  // namespace
}  // namespace sf2pg::testing
