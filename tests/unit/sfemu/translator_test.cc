#include "translator.h"

#include <gtest/gtest.h>

#include <map>

#include "error.h"
#include "parser.h"

namespace sf2pg::sfemu {
namespace {

/// An in-memory catalog: DB.S.T with a few typed columns.
class FakeCatalog : public CatalogReader {
 public:
  FakeCatalog() {
    CatalogTable t;
    t.database = "DB";
    t.schema = "S";
    t.name = "T";
    t.pg_schema = "DB.S";
    t.pg_table = "T";
    auto add = [&](const char* name, SfType type, bool nullable = true) {
      CatalogColumn c;
      c.name = name;
      c.type = type;
      c.nullable = nullable;
      c.pg_name = name;
      t.columns.push_back(c);
    };
    add("ID", SfType::Fixed(38, 0), false);
    add("AMOUNT", SfType::Fixed(10, 2));
    add("Name", SfType::Text(100));
    add("TS", SfType::Of(SfKind::kTimestampTz, 9));
    add("V", SfType::Of(SfKind::kVariant));
    table_ = t;
  }
  bool HasDatabase(const std::string& d) override { return d == "DB"; }
  bool HasSchema(const std::string& d, const std::string& s) override {
    return d == "DB" && s == "S";
  }
  std::optional<CatalogTable> FindTable(const std::string& d, const std::string& s,
                                        const std::string& n) override {
    if (d == "DB" && s == "S" && n == "T") return table_;
    return std::nullopt;
  }

 private:
  CatalogTable table_;
};

struct Harness {
  FakeCatalog catalog;
  SessionContext session;
  std::string sql;
  std::vector<Statement> statements;

  TranslatedQuery Select(std::string text) {
    sql = std::move(text);
    statements = ParseScript(sql);
    Translator t(catalog, session, sql);
    return t.TranslateSelect(*statements[0].select);
  }
  Error SelectError(std::string text) {
    try {
      Select(std::move(text));
    } catch (const Error& e) {
      return e;
    }
    ADD_FAILURE() << "no error";
    return Error("", "", "");
  }
};

TEST(SfemuTranslator, TypesLiteralsAndNamesUnaliasedColumnsByTheirText) {
  Harness h;
  auto q = h.Select("select 1, 12.50, 'x', count(*) AS n");
  ASSERT_EQ(q.columns.size(), 4u);
  EXPECT_EQ(q.columns[0].name, "1");
  EXPECT_EQ(q.columns[0].type, SfType::Fixed(1, 0));
  EXPECT_EQ(q.columns[1].type, SfType::Fixed(4, 2));
  EXPECT_EQ(q.columns[2].name, "'X'");
  EXPECT_EQ(q.columns[2].type.kind, SfKind::kText);
  EXPECT_EQ(q.columns[3].name, "N");
  EXPECT_EQ(q.columns[3].type, SfType::Fixed(18, 0));
  EXPECT_FALSE(q.columns[3].nullable);
}

// rowType as recorded on the live service: unbounded text (134217728) for casts to VARCHAR
// without a length and for context functions, which are also nullable; PARSE_JSON is nullable;
// a bound BOOLEAN is nullable, a bound BINARY reports its own length, a NULL TEXT binding is
// unbounded text. Table columns and literals keep their own lengths.
TEST(SfemuTranslator, ComputedTextAndBindingsHaveTheLiveRowType) {
  Harness h;
  h.session.user = "TESTER";
  h.session.role = "SYSADMIN";
  nlohmann::json bindings = {{"1", {{"type", "BOOLEAN"}, {"value", "true"}}},
                             {"2", {{"type", "BINARY"}, {"value", "DEADBEEF"}}},
                             {"3", {{"type", "TEXT"}, {"value", nullptr}}},
                             {"4", {{"type", "TEXT"}, {"value", "h\u00e9"}}},
                             {"5", {{"type", "FIXED"}, {"value", "42"}}}};
  h.session.bindings = &bindings;
  auto q = h.Select(
      "SELECT CURRENT_TIMESTAMP()::STRING, CAST(1 AS VARCHAR), 1::VARCHAR(10), CURRENT_USER(), "
      "CURRENT_ROLE(), PARSE_JSON('1'), TO_VARCHAR(ID), ?, ?, ?, ?, ?, 'x', \"Name\" "
      "FROM DB.S.T");
  ASSERT_EQ(q.columns.size(), 14u);
  auto length = [&](size_t i) { return q.columns[i].type.length; };
  EXPECT_EQ(length(0), 134217728);
  EXPECT_EQ(q.columns[0].type.ByteLength(), 134217728);
  EXPECT_FALSE(q.columns[0].nullable);  // recorded: CURRENT_TIMESTAMP()::STRING is not nullable
  EXPECT_EQ(length(1), 134217728);
  EXPECT_EQ(length(2), 10);
  for (size_t i : {3u, 4u}) {
    EXPECT_EQ(q.columns[i].type.kind, SfKind::kText) << i;
    EXPECT_EQ(length(i), 134217728) << i;
    EXPECT_TRUE(q.columns[i].nullable) << i;
  }
  EXPECT_EQ(q.columns[5].type.kind, SfKind::kVariant);
  EXPECT_TRUE(q.columns[5].nullable);
  EXPECT_EQ(length(6), 134217728);
  EXPECT_EQ(q.columns[7].type.kind, SfKind::kBoolean);
  EXPECT_TRUE(q.columns[7].nullable);
  EXPECT_EQ(q.columns[8].type.kind, SfKind::kBinary);
  EXPECT_EQ(length(8), 4);
  EXPECT_EQ(q.columns[8].type.ByteLength(), 4);
  EXPECT_FALSE(q.columns[8].nullable);
  EXPECT_EQ(q.columns[9].type.kind, SfKind::kText);
  EXPECT_EQ(length(9), 134217728);
  EXPECT_TRUE(q.columns[9].nullable);
  EXPECT_EQ(length(10), 2);
  EXPECT_EQ(q.columns[10].type.ByteLength(), 8);
  EXPECT_FALSE(q.columns[10].nullable);
  EXPECT_FALSE(q.columns[11].nullable);
  EXPECT_EQ(length(12), 1);
  EXPECT_EQ(length(13), 100);
  EXPECT_EQ(q.columns[13].type.ByteLength(), 400);
}

TEST(SfemuTranslator, ResolvesNamesWithSnowflakeCaseRules) {
  Harness h;
  auto q = h.Select(R"(SELECT id, "Name", db.s.t.amount FROM "DB"."S"."T")");
  EXPECT_EQ(q.columns[0].name, "ID");
  EXPECT_EQ(q.columns[0].table, "T");
  EXPECT_EQ(q.columns[1].name, "Name");
  EXPECT_EQ(q.columns[2].type, SfType::Fixed(10, 2));
  Error e = h.SelectError(R"(SELECT "name" FROM DB.S.T)");
  EXPECT_EQ(e.code(), "000904");
  EXPECT_NE(std::string(e.what()).find("invalid identifier '\"name\"'"), std::string::npos);
}

TEST(SfemuTranslator, UsesRequestDefaultsForUnqualifiedTables) {
  Harness h;
  h.session.database = "DB";
  h.session.schema = "S";
  EXPECT_EQ(h.Select("SELECT * FROM t").columns.size(), 5u);
  h.session.database.clear();
  EXPECT_EQ(h.SelectError("SELECT * FROM t").code(), "090105");
}

TEST(SfemuTranslator, MissingObjectsAreSnowflakesNotFoundErrors) {
  Harness h;
  h.session.role = "R";
  Error table = h.SelectError(R"(SELECT * FROM "DB"."S"."NOPE")");
  EXPECT_EQ(table.code(), "002003");
  EXPECT_EQ(table.sql_state(), "42S02");
  EXPECT_EQ(
      std::string(table.what())
          .rfind("SQL compilation error:\nObject 'DB.S.NOPE' does not exist or not authorized.", 0),
      0u);
  EXPECT_NE(std::string(h.SelectError("SELECT * FROM DB.X.T").what()).find("Schema 'DB.X'"),
            std::string::npos);
  EXPECT_NE(std::string(h.SelectError("SELECT * FROM Y.S.T").what()).find("Database 'Y'"),
            std::string::npos);
}

TEST(SfemuTranslator, ArithmeticFollowsSnowflakeScaleRules) {
  Harness h;
  auto q =
      h.Select("SELECT AMOUNT / 3, AMOUNT * AMOUNT, AMOUNT + 1, FLOOR((ID - 5) / 10) FROM DB.S.T");
  EXPECT_EQ(q.columns[0].type.scale, 8);  // max(2, min(2 + 6, 12))
  EXPECT_EQ(q.columns[1].type.scale, 4);  // min(2 + 2, max(2, 2, 12))
  EXPECT_EQ(q.columns[2].type.scale, 2);
  EXPECT_EQ(q.columns[3].type.scale, 0);
  EXPECT_NE(q.sql.find("round("), std::string::npos);
}

TEST(SfemuTranslator, DateTruncOfTimestampTzKeepsTypeAndOffset) {
  Harness h;
  auto q = h.Select(
      R"(SELECT DATE_TRUNC('DAY', "TS") AS "D", COUNT(*) AS "N" FROM DB.S.T GROUP BY 1 ORDER BY 1)");
  EXPECT_EQ(q.columns[0].type, SfType::Of(SfKind::kTimestampTz, 9));
  EXPECT_GE(q.offset_index[0], 0);
  EXPECT_NE(q.sql.find("GROUP BY"), std::string::npos);
}

TEST(SfemuTranslator, RefusesWhatItCannotReproduce) {
  Harness h;
  Error hash = h.SelectError("SELECT HASH(ID) FROM DB.S.T");
  EXPECT_EQ(hash.code(), "000002");
  EXPECT_NE(std::string(hash.what()).find("HASH"), std::string::npos);
  // Digits beyond the scale: Snowflake's rounding or truncation is not emulated.
  Error nanos = h.SelectError("SELECT '2023-07-14 09:30:15.123456789'::TIMESTAMP_NTZ(6)");
  EXPECT_EQ(nanos.code(), "000002");
  EXPECT_EQ(h.SelectError("SELECT '09:30:15.1234'::TIME(3)").code(), "000002");
  EXPECT_EQ(h.SelectError("SELECT V FROM DB.S.T ORDER BY V").code(), "000002");
  EXPECT_EQ(h.SelectError("SELECT 'x'::NUMBER").code(), "100038");
}

TEST(SfemuTranslator, NanosecondsAreCompositesComparedExactly) {
  Harness h;
  auto literal = h.Select("SELECT '2023-07-14 09:30:15.123456789'::TIMESTAMP_NTZ AS \"A\"");
  EXPECT_NE(literal.sql.find(R"(("2023-07-14 09:30:15.123456",789))"), std::string::npos)
      << literal.sql;
  EXPECT_NE(literal.sql.find("sfemu_catalog.ntz_ns"), std::string::npos);
  auto q = h.Select(
      R"(SELECT MIN("TS") FROM DB.S.T WHERE "TS" > '2023-07-14 09:30:15.123456789 +05:30'::TIMESTAMP_TZ)");
  EXPECT_NE(q.sql.find("\"TS\") > sfemu_catalog.ns("), std::string::npos) << q.sql;
  EXPECT_NE(q.sql.find("sfemu_catalog.min(sfemu_catalog.ns("), std::string::npos) << q.sql;
  auto trunc = h.Select(R"(SELECT DATE_TRUNC('DAY', "TS") FROM DB.S.T)");
  EXPECT_NE(trunc.sql.find("sfemu_catalog.micros("), std::string::npos) << trunc.sql;
  // Scale 6 and below stay plain PostgreSQL values.
  auto plain = h.Select("SELECT '2023-07-14 09:30:15.123456'::TIMESTAMP_NTZ(6) AS \"A\"");
  EXPECT_EQ(plain.sql.find("_ns"), std::string::npos) << plain.sql;
}

TEST(SfemuTranslator, LiteralsConvertToTheColumnTypeTheyMeet) {
  Harness h;
  auto q = h.Select(
      R"(SELECT ID FROM DB.S.T WHERE "TS" > '2023-07-14 09:30:15.250000000 +05:30'::TIMESTAMP_TZ AND AMOUNT IN ('1.5', 2) AND "Name" LIKE 'a%')");
  EXPECT_NE(q.sql.find("sfemu_catalog.ltz_ns"), std::string::npos);
  EXPECT_NE(q.sql.find("ESCAPE ''"), std::string::npos);
}

TEST(SfemuTranslator, InsertValuesRefusesSemiStructuredConstructors) {
  Harness h;
  h.sql = R"(INSERT INTO DB.S.T (ID, V) VALUES (1, PARSE_JSON('{"a": 1}')))";
  h.statements = ParseScript(h.sql);
  Translator t(h.catalog, h.session, h.sql);
  try {
    t.TranslateInsert(h.statements[0]);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "002014");
  }
  h.sql = R"(INSERT INTO DB.S.T (ID, V) SELECT 1, PARSE_JSON('{"b": 1, "a": [1, 2]}'))";
  h.statements = ParseScript(h.sql);
  Translator t2(h.catalog, h.session, h.sql);
  auto dml = t2.TranslateInsert(h.statements[0]);
  EXPECT_NE(dml.sql.find(R"({"a":[1,2],"b":1})"), std::string::npos);
}

}  // namespace
}  // namespace sf2pg::sfemu
