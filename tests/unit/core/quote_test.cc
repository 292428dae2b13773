#include "core/quote.h"

#include <gtest/gtest.h>

namespace sf2pg {
namespace {

TEST(PgQuote, IdentifiersDoubleDoubleQuotesOnly) {
  EXPECT_EQ(pg::QuoteIdent("items"), "\"items\"");
  EXPECT_EQ(pg::QuoteIdent("Customer's Id"), "\"Customer's Id\"");
  EXPECT_EQ(pg::QuoteIdent("we\"ird"), "\"we\"\"ird\"");
  EXPECT_EQ(pg::QuoteIdent("a\\b; DROP"), "\"a\\b; DROP\"");
  EXPECT_EQ(pg::QuoteIdent(""), "\"\"");
}

TEST(PgQuote, LiteralsDoubleQuotesAndUseAnEscapeStringForBackslashes) {
  EXPECT_EQ(pg::QuoteLiteral("plain"), "'plain'");
  EXPECT_EQ(pg::QuoteLiteral("Customer's Id="), "'Customer''s Id='");
  EXPECT_EQ(pg::QuoteLiteral("\"x\""), "'\"x\"'");
  // PQescapeLiteral's form: E'...' with backslashes doubled, whatever
  // standard_conforming_strings is.
  EXPECT_EQ(pg::QuoteLiteral("c:\\dir's"), "E'c:\\\\dir''s'");
  EXPECT_EQ(pg::QuoteLiteral("\\"), "E'\\\\'");
  EXPECT_EQ(pg::QuoteLiteral(""), "''");
}

TEST(SfQuote, IdentifiersDoubleDoubleQuotesOnly) {
  EXPECT_EQ(sf::QuoteIdent("ANALYTICS"), "\"ANALYTICS\"");
  EXPECT_EQ(sf::QuoteIdent("we\"ird"), "\"we\"\"ird\"");
  EXPECT_EQ(sf::QuoteIdent("it's \\ ok"), "\"it's \\ ok\"");
  EXPECT_EQ(sf::QualifiedName("DB", "my \"schema\"", "T"), "\"DB\".\"my \"\"schema\"\"\".\"T\"");
}

TEST(SfQuote, LiteralsDoubleQuotesAndBackslashes) {
  EXPECT_EQ(sf::QuoteLiteral("O'Brien \\ x"), "'O''Brien \\\\ x'");
  EXPECT_EQ(sf::QuoteLiteral("\\'"), "'\\\\'''");
  EXPECT_EQ(sf::QuoteLiteral("\"q\""), "'\"q\"'");
  EXPECT_EQ(sf::QuoteLiteral(""), "''");
}

}  // namespace
}  // namespace sf2pg
