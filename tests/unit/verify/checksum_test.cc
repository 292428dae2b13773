// The checksum method's pure parts: key literals and range predicates in both engines, the
// bucket expression, cutting ranges, and the passes of CompareChecksums against canned answers
// (FakeStatistics for the source, CannedTarget for the target).
#include "verify/checksum.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "fakes/fake_statistics.h"

namespace sf2pg::verify {
namespace {

using ::sf2pg::testing::FakeStatistics;
using ::testing::HasSubstr;
using ::testing::Not;

KeyColumn IntKey(const std::string& name) {
  KeyColumn k;
  k.source = {name, "fixed", 38, 0, 0, false, "", 0, ""};
  k.target.name = name == "ID" ? "id" : name;
  k.target.type = PgType::kInt8;
  k.target.sql_type = "bigint";
  return k;
}

KeyColumn TextKey(const std::string& name) {
  KeyColumn k;
  k.source = {name, "text", 0, 0, 100, false, "", 0, ""};
  k.target.name = name;
  k.target.type = PgType::kText;
  k.target.sql_type = "text";
  return k;
}

KeyRange Range(Key lo, Key hi) {
  KeyRange r;
  r.lo = std::move(lo);
  r.hi = std::move(hi);
  return r;
}

// The target's answers: the n-th call gets the n-th (the last one repeats).
class CannedTarget : public TargetChecksums {
 public:
  std::vector<std::vector<RangeChecksum>> answers;
  std::vector<std::pair<std::string, std::string>> calls;  // bucket, predicate
  std::vector<RangeChecksum> Checksums(const std::string& bucket,
                                       const std::string& predicate) override {
    calls.emplace_back(bucket, predicate);
    return answers.at(std::min(calls.size(), answers.size()) - 1);
  }
};

TEST(ChecksumKeys, LiteralsInEachEngine) {
  EXPECT_EQ(KeyLiteral(IntKey("ID"), "-42", Engine::kSnowflake), "(-42)");
  EXPECT_EQ(KeyLiteral(IntKey("ID"), "-42", Engine::kPostgres), "(-42)");
  EXPECT_EQ(KeyLiteral(TextKey("N"), "O'B\\x", Engine::kSnowflake), "'O''B\\\\x'");
  EXPECT_EQ(KeyLiteral(TextKey("N"), "O'B\\x", Engine::kPostgres), "E'O''B\\\\x'");
  KeyColumn date{{"D", "date", 0, 0, 0, false, "", 0, ""}, {}};
  date.target.type = PgType::kDate;
  EXPECT_EQ(KeyLiteral(date, "19552", Engine::kSnowflake), "'2023-07-14'::DATE");
  EXPECT_EQ(KeyLiteral(date, "19552", Engine::kPostgres), "'2023-07-14'::date");
  KeyColumn ts{{"T", "timestamp_ntz", 0, 9, 0, false, "", 0, ""}, {}};
  ts.target.type = PgType::kTimestamp;
  EXPECT_EQ(KeyLiteral(ts, "1689327015.250000000", Engine::kPostgres),
            "'2023-07-14 09:30:15.250000000'::timestamp");
  EXPECT_THROW(KeyLiteral(IntKey("ID"), "4x", Engine::kPostgres), DataError);
}

TEST(ChecksumKeys, OnlyKeysThatOrderAlikeInBothEngines) {
  EXPECT_EQ(KeyProblem(IntKey("ID")), "");
  EXPECT_EQ(KeyProblem(TextKey("N")), "");
  KeyColumn real{{"F", "real", 0, 0, 0, false, "", 0, ""}, {}};
  real.target.type = PgType::kFloat8;
  EXPECT_THAT(KeyProblem(real), HasSubstr("key column F"));
  KeyColumn padded = TextKey("C");
  padded.target.sql_type = "character(5)";
  EXPECT_THAT(KeyProblem(padded), HasSubstr("trailing spaces"));
}

TEST(ChecksumRanges, PredicatesCompareTextInByteOrderInPostgres) {
  std::vector<KeyColumn> keys = {TextKey("N"), IntKey("ID")};
  KeyRange r = Range({"a", "1"}, {"b", "2"});
  EXPECT_EQ(RangePredicate(keys, r, Engine::kPostgres),
            "(\"N\" IS NOT NULL AND \"id\" IS NOT NULL AND (\"N\" COLLATE \"C\" > 'a' OR (\"N\" "
            "COLLATE \"C\" = 'a' AND \"id\" > (1))) AND (\"N\" COLLATE \"C\" < 'b' OR (\"N\" "
            "COLLATE \"C\" = 'b' AND \"id\" <= (2))))");
  EXPECT_EQ(RangePredicate(keys, r, Engine::kSnowflake),
            "(\"N\" IS NOT NULL AND \"ID\" IS NOT NULL AND (\"N\" > 'a' OR (\"N\" = 'a' AND \"ID\" "
            "> (1))) AND (\"N\" < 'b' OR (\"N\" = 'b' AND \"ID\" <= (2))))");
  KeyRange nulls;
  nulls.null_keys = true;
  EXPECT_EQ(RangePredicate(keys, nulls, Engine::kSnowflake), "(\"N\" IS NULL OR \"ID\" IS NULL)");
  EXPECT_EQ(AnyRange({}, keys, Engine::kSnowflake), "FALSE");
}

TEST(ChecksumRanges, BucketExpressionIsABinarySearchWithNullKeysFirst) {
  std::vector<KeyColumn> keys = {IntKey("ID")};
  KeyRange nulls;
  nulls.null_keys = true;
  std::vector<KeyRange> ranges = {Range({}, {"10"}), Range({"10"}, {"20"}), Range({"20"}, {}),
                                  nulls};
  EXPECT_EQ(BucketExpression(ranges, keys, Engine::kSnowflake),
            "CASE WHEN \"ID\" IS NULL THEN 3 ELSE CASE WHEN \"ID\" <= (20) THEN CASE WHEN "
            "\"ID\" <= (10) THEN 0 ELSE 1 END ELSE 2 END END");
  EXPECT_EQ(BucketExpression({Range({}, {})}, {}, Engine::kPostgres), "0");
  // Only the last range may be open above.
  EXPECT_THROW(BucketExpression({Range({}, {}), Range({"5"}, {})}, keys, Engine::kPostgres),
               InternalError);
}

TEST(ChecksumRanges, SplitDropsRepeatedAndOuterBounds) {
  KeyRange r = Range({"0"}, {"100"});
  r.depth = 2;
  auto parts = Split(r, {{"0"}, {"10"}, {"10"}, {"50"}, {"100"}});
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].lo, Key{"0"});
  EXPECT_EQ(parts[0].hi, Key{"10"});
  EXPECT_EQ(parts[1].hi, Key{"50"});
  EXPECT_EQ(parts[2].lo, Key{"50"});
  EXPECT_EQ(parts[2].hi, Key{"100"});
  EXPECT_EQ(parts[2].depth, 3);
  EXPECT_EQ(Split(r, {}).size(), 1u);
}

TableRef Table() { return {"DB", "S", "T", "", ""}; }

TEST(ChecksumPasses, IdenticalTableTakesOneAggregatePerSide) {
  FakeStatistics source;
  source.boundaries = {{{"500"}, {"1000"}}};
  source.range_checksums = {{{0, 500, "123"}, {1, 500, "456"}, {2, 3, "7"}}};
  CannedTarget target;
  target.answers = {source.range_checksums[0]};
  ChecksumOptions options;
  options.initial_ranges = 2;
  options.leaf_rows = 100;
  auto o = CompareChecksums(source, Table(), {IntKey("ID")}, "H", target, 1003, options);
  EXPECT_TRUE(o.differing.empty());
  EXPECT_EQ(o.source_rows, 1003);
  EXPECT_EQ(o.target_rows, 1003);
  EXPECT_EQ(o.ranges, 4);  // three key ranges and the NULL keys
  EXPECT_EQ(o.source_queries, 2);
  EXPECT_EQ(o.target_queries, 1);
  ASSERT_EQ(source.Calls("KeyBoundaries").size(), 1u);
  EXPECT_EQ(source.Calls("KeyBoundaries")[0].every, 502);
  EXPECT_EQ(source.Calls("KeyBoundaries")[0].predicate, "\"ID\" IS NOT NULL");
  EXPECT_EQ(source.Calls("RangeChecksums")[0].predicate, "");  // the whole table
  EXPECT_EQ(source.Calls("RangeChecksums")[0].row_hash, "H");
}

TEST(ChecksumPasses, ADifferingRangeIsCutUntilSmallThenComparedRowByRow) {
  FakeStatistics source;
  // Pass 1: (-inf, 500], (500, +inf), NULL keys; the first range differs.
  // Pass 2: the first range cut at 100, 200, 300, 400; (200, 300] differs (100 rows: a leaf).
  source.boundaries = {{{"500"}},
                       {{"0", "100"}, {"0", "200"}, {"0", "300"}, {"0", "400"}, {"0", "500"}}};
  source.range_checksums = {
      {{0, 500, "10"}, {1, 500, "20"}},
      {{0, 100, "1"}, {1, 100, "2"}, {2, 100, "3"}, {3, 100, "4"}, {4, 100, "5"}}};
  CannedTarget target;
  target.answers = {{{0, 499, "9"}, {1, 500, "20"}},
                    {{0, 100, "1"}, {1, 100, "2"}, {2, 99, "2"}, {3, 100, "4"}, {4, 100, "5"}}};
  ChecksumOptions options;
  options.initial_ranges = 2;
  options.leaf_rows = 100;
  options.fanout = 5;
  auto o = CompareChecksums(source, Table(), {IntKey("ID")}, "H", target, 1000, options);
  ASSERT_EQ(o.differing.size(), 1u);
  EXPECT_EQ(o.differing[0].lo, Key{"200"});
  EXPECT_EQ(o.differing[0].hi, Key{"300"});
  EXPECT_EQ(o.differing[0].source_rows, 100);
  EXPECT_EQ(o.differing[0].target_rows, 99);
  EXPECT_EQ(o.bisected, 1);
  EXPECT_EQ(o.ranges, 3 + 5);
  EXPECT_EQ(o.source_rows, 1000);
  EXPECT_EQ(o.target_rows, 999);
  // The cut: one statement, boundaries numbered within the differing range only.
  auto cut = source.Calls("KeyBoundaries").at(1);
  EXPECT_EQ(cut.every, 100);
  EXPECT_EQ(cut.predicate, "((\"ID\" IS NOT NULL AND \"ID\" <= (500)))");
  EXPECT_EQ(cut.partition, "0");
  // The second pass reads only the subranges.
  EXPECT_THAT(source.Calls("RangeChecksums").at(1).predicate, HasSubstr("\"ID\" <= (500)"));
  EXPECT_THAT(target.calls.at(1).second, HasSubstr("\"id\" > (400)"));
}

TEST(ChecksumPasses, ARangeWithoutBoundariesToCutAtEndsTheBisection) {
  FakeStatistics source;
  source.boundaries = {{}, {}};  // no key to cut at (the every-th key is the range's last)
  source.range_checksums = {{{0, 50, "10"}}};
  CannedTarget target;
  target.answers = {{{0, 50, "11"}}};
  ChecksumOptions options;
  options.leaf_rows = 10;
  auto o = CompareChecksums(source, Table(), {IntKey("ID")}, "H", target, 50, options);
  ASSERT_EQ(o.differing.size(), 1u);
  EXPECT_TRUE(o.differing[0].lo.empty() && o.differing[0].hi.empty());
  EXPECT_EQ(o.bisected, 0);
  EXPECT_EQ(source.Calls("RangeChecksums").size(), 1u);
}

TEST(ChecksumPasses, TooManyDifferingRangesAreComparedWithoutCutting) {
  FakeStatistics source;
  source.boundaries = {{{"10"}, {"20"}, {"30"}}};
  source.range_checksums = {{{0, 10, "1"}, {1, 10, "2"}, {2, 10, "3"}, {3, 10, "4"}}};
  CannedTarget target;
  target.answers = {{{0, 10, "0"}, {1, 10, "0"}, {2, 10, "0"}, {3, 10, "0"}, {4, 1, "5"}}};
  ChecksumOptions options;
  options.initial_ranges = 4;
  options.leaf_rows = 2;
  options.max_bisect = 3;
  auto o = CompareChecksums(source, Table(), {IntKey("ID")}, "H", target, 40, options);
  EXPECT_EQ(o.differing.size(), 5u);
  EXPECT_TRUE(o.differing.back().null_keys);  // a target row with a NULL key
  EXPECT_THAT(o.note, HasSubstr("4 ranges differ"));
  EXPECT_EQ(source.Calls("KeyBoundaries").size(), 1u);
}

TEST(ChecksumPasses, AnAnswerNamingNoRangeIsRefused) {
  FakeStatistics source;
  source.range_checksums = {{{7, 1, "1"}}};
  CannedTarget target;
  target.answers = {{}};
  EXPECT_THROW(CompareChecksums(source, Table(), {IntKey("ID")}, "H", target, 1, {}),
               InternalError);
}

TEST(ChecksumPasses, WithoutAKeyTheWholeTableIsOneRange) {
  FakeStatistics source;
  source.range_checksums = {{{0, 3, "99"}}};
  CannedTarget target;
  target.answers = {{{0, 3, "099"}}};  // the same sum, written with a leading zero
  auto o = CompareChecksums(source, Table(), {}, "H", target, 3, {});
  EXPECT_TRUE(o.differing.empty());
  EXPECT_EQ(source.Calls("KeyBoundaries").size(), 0u);
  EXPECT_EQ(source.Calls("RangeChecksums")[0].column, "0");
  target.answers = {{{0, 3, "98"}}};
  EXPECT_EQ(CompareChecksums(source, Table(), {}, "H", target, 3, {}).differing.size(), 1u);
}

}  // namespace
}  // namespace sf2pg::verify
