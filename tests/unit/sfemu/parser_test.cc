#include "parser.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "error.h"
#include "lexer.h"

namespace sf2pg::sfemu {
namespace {

TEST(SfemuLexer, UpperCasesUnquotedAndKeepsQuotedIdentifiers) {
  auto tokens = Tokenize(R"(select "Patient Id", "a""b", x1 from t)");
  EXPECT_EQ(tokens[0].text, "SELECT");
  EXPECT_EQ(tokens[1].kind, TokenKind::kQuotedIdentifier);
  EXPECT_EQ(tokens[1].text, "Patient Id");
  EXPECT_EQ(tokens[3].text, "a\"b");
  EXPECT_EQ(tokens[5].text, "X1");
}

TEST(SfemuLexer, DecodesSnowflakeStringEscapes) {
  auto tokens = Tokenize(R"('It''s' 'a\tb\\c\'' $$raw\n$$)");
  EXPECT_EQ(tokens[0].text, "It's");
  EXPECT_EQ(tokens[1].text, "a\tb\\c'");
  EXPECT_EQ(tokens[2].text, "raw\\n");
}

TEST(SfemuLexer, SkipsAllThreeCommentStyles) {
  auto tokens = Tokenize("/* a */ SELECT -- b\n 1 // c\n");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[1].text, "1");
  EXPECT_EQ(tokens[1].line, 2);
}

TEST(SfemuParser, SplitsStatementsAndIgnoresEmptyOnes) {
  auto statements = ParseScript("SELECT 1; ; SELECT 2;");
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[1].kind, StatementKind::kSelect);
}

TEST(SfemuParser, ReportsSyntaxErrorsWithPosition) {
  try {
    ParseScript("SELEC 1");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "001003");
    EXPECT_STREQ(e.what(),
                 "SQL compilation error:\nsyntax error line 1 at position 0 unexpected 'SELEC'.");
  }
  try {
    ParseScript("SELECT a FROM t WHERE");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("unexpected '<EOF>'"), std::string::npos);
  }
}

TEST(SfemuParser, RefusesJoinsAsUnsupported) {
  try {
    ParseScript("SELECT * FROM a JOIN b ON a.x = b.x");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "000002");
    EXPECT_NE(std::string(e.what()).find("joins"), std::string::npos);
  }
}

// Valid Snowflake that sfemu does not emulate is an unsupported feature (000002 / 0A000, the
// live service's code and message shape for one), naming the feature, never a syntax error.
TEST(SfemuParser, RefusesStagesTimeTravelAndPathsAsUnsupportedFeatures) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"COPY INTO t FROM @~/staged/", "Unsupported feature 'COPY INTO'."},
      {"COPY INTO t FROM @my_stage/path/file.csv.gz FILE_FORMAT = (TYPE = CSV)",
       "Unsupported feature 'COPY INTO'."},
      {"SELECT * FROM @%t", "Unsupported feature 'queries on staged files'."},
      {"SELECT * FROM db.s.t AT(OFFSET => -60)", "Unsupported feature 'time travel (AT)'."},
      {"SELECT * FROM t x BEFORE(STATEMENT => '01c8d7be')",
       "Unsupported feature 'time travel (BEFORE)'."},
      {"SELECT * FROM t CHANGES(INFORMATION => DEFAULT)",
       "Unsupported feature 'time travel (CHANGES)'."},
      {"SELECT v:a FROM t", "Unsupported feature 'semi-structured paths (v:a)'."},
      {"SELECT ID, v:a.b::STRING FROM t", "Unsupported feature 'semi-structured paths (v:a)'."},
  };
  for (const auto& [sql, message] : cases) {
    try {
      ParseScript(sql);
      ADD_FAILURE() << sql;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "000002") << sql;
      EXPECT_EQ(e.sql_state(), "0A000") << sql;
      EXPECT_EQ(e.http_status(), 422) << sql;
      EXPECT_STREQ(e.what(), message.c_str()) << sql;
    }
  }
  // Placeholders stay placeholders.
  auto statements = ParseScript("SELECT :a, ID FROM t WHERE ID = :b");
  ASSERT_EQ(statements.size(), 1u);
}

TEST(SfemuLexer, ReadsAStageReferenceAsOneToken) {
  auto tokens = Tokenize("COPY INTO t FROM @~/a/b.csv;");
  ASSERT_EQ(tokens.size(), 7u);
  EXPECT_TRUE(tokens[4].Is("@"));
  EXPECT_EQ(tokens[4].end - tokens[4].offset, std::string("@~/a/b.csv").size());
  EXPECT_TRUE(tokens[5].Is(";"));
}

TEST(SfemuParser, ParsesKeyBoundaryQuery) {
  auto s = ParseScript(
      R"(SELECT "C", "K" FROM (SELECT "C", "K", ROW_NUMBER() OVER (PARTITION BY FLOOR("C") ORDER BY "C", "K") AS "RN" FROM "D"."S"."T" WHERE (x = 1)) WHERE MOD("RN", 100) = 0 ORDER BY "C", "K")");
  ASSERT_EQ(s.size(), 1u);
  const Select& outer = *s[0].select;
  ASSERT_TRUE(outer.from->subquery);
  const Select& inner = *outer.from->subquery;
  const Expr& rn = *inner.items[2].expr;
  EXPECT_EQ(rn.text, "ROW_NUMBER");
  ASSERT_TRUE(rn.over);
  EXPECT_EQ(rn.over->partition_by.size(), 1u);
  EXPECT_EQ(rn.over->order_by.size(), 2u);
  EXPECT_EQ(inner.from->parts.size(), 3u);
}

TEST(SfemuParser, ParsesCreateTableWithKeysAndTypes) {
  auto s = ParseScript(
      R"(CREATE OR REPLACE TABLE db.s.t ("Id" NUMBER(38,0) NOT NULL, ts TIMESTAMP WITH TIME ZONE, v VARIANT, d DOUBLE PRECISION, PRIMARY KEY ("Id")) CLUSTER BY (ts))");
  const Statement& st = s[0];
  EXPECT_EQ(st.kind, StatementKind::kCreateTable);
  EXPECT_TRUE(st.or_replace);
  ASSERT_EQ(st.columns.size(), 4u);
  EXPECT_EQ(st.columns[1].type.kind, SfKind::kTimestampTz);
  EXPECT_EQ(st.columns[1].type.scale, 9);
  EXPECT_EQ(st.columns[3].type.kind, SfKind::kReal);
  ASSERT_EQ(st.primary_key.size(), 1u);
  EXPECT_EQ(st.primary_key[0].text, "Id");
}

TEST(SfemuParser, ParsesVectorTypesAndArrayLiterals) {
  auto s = ParseScript("CREATE TABLE t (f VECTOR(FLOAT, 256), i vector(int, 4096))");
  ASSERT_EQ(s[0].columns.size(), 2u);
  EXPECT_EQ(s[0].columns[0].type, SfType::Vector(SfKind::kReal, 256));
  EXPECT_EQ(s[0].columns[1].type, SfType::Vector(SfKind::kFixed, 4096));
  EXPECT_EQ(s[0].columns[0].type.DeclaredName(), "VECTOR(FLOAT, 256)");
  EXPECT_EQ(s[0].columns[1].type.PgType(), "integer[]");
  EXPECT_EQ(ParseSfTypeText("VECTOR(INT, 3)"), SfType::Vector(SfKind::kFixed, 3));
  EXPECT_EQ(ParseSfTypeText("VECTOR(FLOAT,3)"), SfType::Vector(SfKind::kReal, 3));
  for (const char* bad : {"VECTOR(STRING, 256)", "VECTOR(INT, -1)", "VECTOR(INT, 0)",
                          "VECTOR(FLOAT, 4097)", "VECTOR(NUMBER, 2)"}) {
    try {
      ParseScript(std::string("CREATE TABLE t (v ") + bad + ")");
      FAIL() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "002020") << bad;
      EXPECT_NE(std::string(e.what()).find("invalid type VECTOR"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(ParseSfTypeText(bad).has_value()) << bad;
  }
  auto select = ParseScript("SELECT [1, -2.5]::VECTOR(FLOAT, 2), []");
  const Expr& cast = *select[0].select->items[0].expr;
  EXPECT_EQ(cast.kind, ExprKind::kCast);
  EXPECT_EQ(cast.cast_type, SfType::Vector(SfKind::kReal, 2));
  EXPECT_EQ(cast.args[0]->kind, ExprKind::kFunction);
  EXPECT_EQ(cast.args[0]->text, "ARRAY_CONSTRUCT");
  EXPECT_EQ(cast.args[0]->args.size(), 2u);
  EXPECT_TRUE(select[0].select->items[1].expr->args.empty());
}

TEST(SfemuParser, TellsApiOnlyCommandsApart) {
  EXPECT_EQ(ParseScript("PUT file:///tmp/x @~")[0].kind, StatementKind::kNotInApi);
  EXPECT_EQ(ParseScript("BEGIN")[0].kind, StatementKind::kBegin);
  EXPECT_EQ(ParseScript("ALTER SESSION SET TIMEZONE = 'UTC'")[0].session_settings[0].first,
            "TIMEZONE");
}

}  // namespace
}  // namespace sf2pg::sfemu
