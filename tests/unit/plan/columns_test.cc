#include "plan/columns.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sf2pg::plan {
namespace {

using ::testing::HasSubstr;

std::vector<SourceColumn> Columns(const std::vector<std::string>& names) {
  std::vector<SourceColumn> out;
  for (const auto& n : names) out.push_back({n, "fixed", 38, 0, 0, true, "", 0, ""});
  return out;
}

TEST(ColumnNames, ShortDistinctNamesAreFine) {
  EXPECT_TRUE(ColumnNameProblems(Columns({"ID", "Name", "amount"}), config::IdentifierCase::kLower)
                  .empty());
  std::string exact(63, 'C');
  EXPECT_TRUE(ColumnNameProblems(Columns({exact}), config::IdentifierCase::kLower).empty());
}

TEST(ColumnNames, ANameOver63BytesIsRefusedWithWhatTheUserCanDo) {
  std::string name(64, 'C');
  auto problems = ColumnNameProblems(Columns({"ID", name}), config::IdentifierCase::kLower);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0], HasSubstr("column \"" + std::string(64, 'c') + "\" is 64 bytes"));
  EXPECT_THAT(problems[0], HasSubstr("(from Snowflake column \"" + name + "\")"));
  EXPECT_THAT(problems[0], HasSubstr("Snowflake view that selects it under a shorter name"));
}

TEST(ColumnNames, BytesCountNotCharacters) {
  // 32 two-byte characters: 32 characters, 64 bytes.
  std::string name;
  for (int i = 0; i < 32; ++i) name += "\xC3\xA9";
  auto problems = ColumnNameProblems(Columns({name}), config::IdentifierCase::kLower);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0], HasSubstr("is 64 bytes"));
  name.resize(62);  // 31 characters
  EXPECT_TRUE(ColumnNameProblems(Columns({name}), config::IdentifierCase::kLower).empty());
}

TEST(ColumnNames, TwoLongNamesSharingTheirFirst63BytesAreNamedTogether) {
  std::string prefix(63, 'x');
  auto problems = ColumnNameProblems(Columns({prefix + "_one", prefix + "_two"}),
                                     config::IdentifierCase::kPreserve);
  ASSERT_EQ(problems.size(), 3u);  // two lengths, one collision
  EXPECT_EQ(problems[2], "Snowflake columns \"" + prefix + "_one\" and \"" + prefix +
                             "_two\" would both be the PostgreSQL column \"" + prefix +
                             "\" (PostgreSQL keeps only the first 63 bytes of a name)");
}

TEST(ColumnNames, LowerCasingThatMergesTwoColumnsIsRefusedUnlessCaseIsPreserved) {
  auto problems =
      ColumnNameProblems(Columns({"ID", "id", "Other"}), config::IdentifierCase::kLower);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0],
            "Snowflake columns \"ID\" and \"id\" would both be the PostgreSQL column \"id\"; set "
            "identifier_case to \"preserve\" to keep the Snowflake names as they are");
  EXPECT_TRUE(ColumnNameProblems(Columns({"ID", "id"}), config::IdentifierCase::kPreserve).empty());
}

}  // namespace
}  // namespace sf2pg::plan
