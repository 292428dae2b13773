#include "plan/sql.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "unit/plan/source_columns.h"

namespace sf2pg::plan {
namespace {

using ::sf2pg::testing::Col;

TEST(PlanSql, LiteralsFromWireValues) {
  EXPECT_EQ(Literal(Col("ID", "fixed"), "-42"), "-42");
  EXPECT_EQ(Literal(Col("A", "fixed", 2), "12.50"), "12.50");
  EXPECT_EQ(Literal(Col("F", "real"), "-inf"), "'-inf'::FLOAT");
  EXPECT_EQ(Literal(Col("S", "text"), "it's"), "'it''s'");
  EXPECT_EQ(Literal(Col("B", "boolean"), "true"), "TRUE");
  EXPECT_EQ(Literal(Col("X", "binary"), "CAFE"), "TO_BINARY('CAFE', 'HEX')");
  EXPECT_EQ(Literal(Col("D", "date"), "19552"), "'2023-07-14'::DATE");
  EXPECT_EQ(Literal(Col("D", "date"), "-1"), "'1969-12-31'::DATE");
  EXPECT_EQ(Literal(Col("D", "date"), "-719162"), "'0001-01-01'::DATE");
  EXPECT_EQ(Literal(Col("T", "time", 2), "34215.25"), "'09:30:15.250000000'::TIME");
  EXPECT_EQ(Literal(Col("T", "timestamp_ntz", 3), "1689327015.250"),
            "'2023-07-14 09:30:15.250000000'::TIMESTAMP_NTZ");
  EXPECT_EQ(Literal(Col("T", "timestamp_ntz", 9), "-0.750000000"),
            "'1969-12-31 23:59:59.250000000'::TIMESTAMP_NTZ");
  EXPECT_EQ(Literal(Col("T", "timestamp_ltz", 0), "1689327015"),
            "'2023-07-14 09:30:15.000000000 +00:00'::TIMESTAMP_LTZ");
  EXPECT_EQ(Literal(Col("T", "timestamp_tz", 9), "1689307215.250000000 1770"),
            "'2023-07-14 09:30:15.250000000 +05:30'::TIMESTAMP_TZ");
  EXPECT_EQ(Literal(Col("T", "timestamp_tz", 9), "1689327015.000000000 960"),
            "'2023-07-14 01:30:15.000000000 -08:00'::TIMESTAMP_TZ");
}

TEST(PlanSql, RefusesValuesThatCannotBoundAChunk) {
  EXPECT_THROW(Literal(Col("V", "variant"), "{}"), DataError);
  EXPECT_THROW(Literal(Col("N", "fixed"), "1; DROP TABLE X"), DataError);
}

TEST(PlanSql, CompositeKeyComparisonsSpellOutLexicographicOrder) {
  std::vector<SourceColumn> keys = {Col("D", "date"), Col("ID", "fixed")};
  EXPECT_EQ(KeyAfter(keys, {"19552", "7"}, false),
            "\"D\" > '2023-07-14'::DATE OR (\"D\" = '2023-07-14'::DATE AND (\"ID\" > 7))");
  EXPECT_EQ(KeyBefore(keys, {"19552", "7"}, true),
            "\"D\" < '2023-07-14'::DATE OR (\"D\" = '2023-07-14'::DATE AND (\"ID\" <= 7))");
  EXPECT_EQ(KeyAfter({Col("ID", "fixed")}, {"7"}, true), "\"ID\" >= 7");
}

TEST(PlanSql, AndSkipsEmptyParts) {
  EXPECT_EQ(And({"", "a = 1", "", "b OR c"}), "(a = 1) AND (b OR c)");
  EXPECT_EQ(And({"", ""}), "");
}

TEST(PlanSql, AndReadsQuotesAndBackslashEscapesWhenLookingForOuterParentheses) {
  // One group: the ')' and '(' are inside a literal or a quoted name.
  EXPECT_EQ(And({"(\"a)\" = 'x(')", "b"}), "(\"a)\" = 'x(') AND (b)");
  // One group: \' inside the literal is an escaped quote, so the literal ends at the last '.
  EXPECT_EQ(And({"(a = 'x\\') OR (b = ')", "c"}), "(a = 'x\\') OR (b = ') AND (c)");
  // Two groups: a doubled backslash does not escape the closing quote.
  EXPECT_EQ(And({"(a = '\\\\') OR (b = ')')"}), "((a = '\\\\') OR (b = ')'))");
}

}  // namespace
}  // namespace sf2pg::plan
