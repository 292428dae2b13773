#include "plan/columns.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/pg_type.h"
#include "fakes/fake_source.h"

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

// keep_tz_offset: each TIMESTAMP_TZ column gets a companion column for its offset.

std::vector<SourceColumn> WithTimestampTz(const std::vector<std::string>& names,
                                          const std::string& tz_name) {
  auto columns = Columns(names);
  columns.push_back({tz_name, "timestamp_tz", 0, 9, 0, true, "", 0, ""});
  return columns;
}

TEST(OffsetColumns, TheNameIsFoldedLikeTheColumnsName) {
  EXPECT_EQ(OffsetColumnName("CREATED_AT", config::IdentifierCase::kLower),
            "created_at_offset_minutes");
  EXPECT_EQ(OffsetColumnName("CREATED_AT", config::IdentifierCase::kPreserve),
            "CREATED_AT_OFFSET_MINUTES");
  EXPECT_EQ(OffsetColumnName("createdAt", config::IdentifierCase::kLower),
            "createdAt_offset_minutes");
  EXPECT_EQ(OffsetColumnName("createdAt", config::IdentifierCase::kPreserve),
            "createdAt_offset_minutes");
  EXPECT_TRUE(IsTimestampTz({"AT", "timestamp_tz", 0, 9, 0, true, "", 0, ""}));
  EXPECT_FALSE(IsTimestampTz({"AT", "timestamp_ltz", 0, 9, 0, true, "", 0, ""}));
}

TEST(OffsetColumns, ACollisionWithASourceColumnIsRefusedOnlyWhenTheOptionIsOn) {
  auto columns = WithTimestampTz({"ID", "AT_OFFSET_MINUTES"}, "AT");
  EXPECT_TRUE(ColumnNameProblems(columns, config::IdentifierCase::kLower, false).empty());
  auto problems = ColumnNameProblems(columns, config::IdentifierCase::kLower, true);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0],
            "Snowflake column \"AT_OFFSET_MINUTES\" and the offset column of Snowflake column "
            "\"AT\" (keep_tz_offset) would both be the PostgreSQL column \"at_offset_minutes\"; "
            "rename one of the Snowflake columns, or turn keep_tz_offset off");
  // Only TIMESTAMP_TZ columns have one: a TIMESTAMP_LTZ column next to it is fine.
  columns.back().type = "timestamp_ltz";
  EXPECT_TRUE(ColumnNameProblems(columns, config::IdentifierCase::kLower, true).empty());
}

TEST(OffsetColumns, AnOffsetNameOver63BytesIsRefused) {
  std::string name(48, 'T');  // 48 + 15 = 63 bytes: fits
  EXPECT_TRUE(
      ColumnNameProblems(WithTimestampTz({"ID"}, name), config::IdentifierCase::kLower, true)
          .empty());
  name += "T";  // 64 bytes with the suffix
  EXPECT_TRUE(
      ColumnNameProblems(WithTimestampTz({"ID"}, name), config::IdentifierCase::kLower, false)
          .empty());
  auto problems =
      ColumnNameProblems(WithTimestampTz({"ID"}, name), config::IdentifierCase::kLower, true);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0], HasSubstr("column \"" + std::string(49, 't') +
                                     "_offset_minutes\" is 64 bytes, over PostgreSQL's limit"));
  EXPECT_THAT(problems[0], HasSubstr("(from the offset column of Snowflake column \"" + name +
                                     "\" (keep_tz_offset))"));
  EXPECT_THAT(problems[0], HasSubstr("or turn keep_tz_offset off"));
}

TEST(OffsetColumns, TheCreatedTableHasASmallintAfterEachTimestampTz) {
  testing::FakeSource types(std::make_shared<testing::FakeSourceState>());
  config::SourceConfig source;
  source.target_pg_schema = "public";
  config::TableConfig table;
  table.target = "t";
  table.uniqueness_columns = {"ID"};
  std::vector<SourceColumn> columns = WithTimestampTz({"ID"}, "AT");
  columns.push_back({"LOCAL", "timestamp_ltz", 0, 9, 0, true, "", 0, ""});
  columns.push_back({"DUE", "timestamp_tz", 0, 3, 0, false, "", 0, ""});

  auto names = [](const postgres::TableInfo& info) {
    std::vector<std::string> out;
    for (const auto& c : info.columns) out.push_back(c.name + " " + c.sql_type);
    return out;
  };
  EXPECT_EQ(
      names(PlannedTarget(source, table, types, columns, {})),
      (std::vector<std::string>{"id numeric(38,0)", "at timestamp with time zone",
                                "local timestamp with time zone", "due timestamp with time zone"}));
  table.keep_tz_offset = true;
  auto info = PlannedTarget(source, table, types, columns, {});
  EXPECT_EQ(names(info), (std::vector<std::string>{
                             "id numeric(38,0)", "at timestamp with time zone",
                             "at_offset_minutes smallint", "local timestamp with time zone",
                             "due timestamp with time zone", "due_offset_minutes smallint"}));
  EXPECT_TRUE(info.columns[2].tz_offset);
  EXPECT_FALSE(info.columns[2].not_null);
  EXPECT_TRUE(info.columns[5].not_null);  // as its TIMESTAMP_TZ column
  EXPECT_FALSE(info.columns[1].tz_offset);
}

}  // namespace
}  // namespace sf2pg::plan
