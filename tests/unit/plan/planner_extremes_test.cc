// The planner on numeric ranges that do not fit 128-bit or NUMBER(38) arithmetic, and the
// partition check every plan passes before it is returned.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "fakes/fake_statistics.h"
#include "plan/planner.h"
#include "unit/plan/source_columns.h"

namespace sf2pg::plan {
namespace {

using ::sf2pg::testing::Col;
using ::sf2pg::testing::Counts;
using ::sf2pg::testing::FakeStatistics;
using ::sf2pg::testing::Figures;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kMax = "99999999999999999999999999999999999999";  // 10^38 - 1
const std::string kMin = "-" + kMax;

TableInput Numeric(int64_t batch, SourceColumn column, bool keyed) {
  TableInput t;
  t.table = {"DB", "S", "T", "", ""};
  t.batch_size = batch;
  t.chunking = {column};
  t.chunking_kinds = {KeyKind::kNumeric};
  if (keyed) t.uniqueness = {Col("K", "fixed")};
  t.all_columns = {column, Col("K", "fixed")};
  return t;
}

std::vector<std::string> Predicates(const Plan& p) {
  std::vector<std::string> out;
  for (const auto& c : p.chunks) out.push_back(c.predicate);
  return out;
}

// The expression of the histogram's buckets; "" when there was none.
std::string Histogram(const FakeStatistics& q) {
  auto calls = q.Calls("CountByValue");
  return calls.empty() ? "" : calls.front().column;
}

TEST(PlannerExtremes, Number38ExtremesGetExactEdgesAndNoNumberArithmetic) {
  TableInput t = Numeric(2, Col("V", "fixed"), false);
  FakeStatistics q;
  q.stats["V"] = Figures(9, 9, kMin, kMax);
  // want = (9/2+1)*8 = 40 buckets; span 2*10^38-2 -> width 5*10^36 (more than 2^127 / 40).
  q.boundaries = {{{"0", kMin}, {"39", kMax}}};
  q.value_counts = {Counts({{"0", 3}, {"20", 2}, {"39", 4}})};
  Plan p = PlanTable(t, q);
  EXPECT_EQ(p.strategy, config::ChunkingStrategy::kNumericRange);
  EXPECT_THAT(p.reason, HasSubstr("exact decimal arithmetic"));
  std::string histogram = Histogram(q);
  EXPECT_EQ(histogram,
            "FLOOR((\"V\"::FLOAT - '-9.9999999999999998e+37'::FLOAT) / "
            "'4.9999999999999998e+36'::FLOAT)");
  EXPECT_THAT(histogram, Not(HasSubstr("\"V\" -")));  // no NUMBER subtraction to overflow
  // Edges lo + b * width, exactly: bucket 20 starts at 1, bucket 39 at 95*10^36 + 1.
  const std::string e39 = "95000000000000000000000000000000000001";
  EXPECT_EQ(Predicates(p), (std::vector<std::string>{
                               "(\"V\" < 1) AND (\"V\" <= " + kMin + ")",
                               "(\"V\" < 1) AND (\"V\" > " + kMin + ")",
                               "(\"V\" >= 1) AND (\"V\" < " + e39 + ")",
                               "(\"V\" >= " + e39 + ") AND (\"V\" <= " + kMax + ")",
                               "(\"V\" >= " + e39 + ") AND (\"V\" > " + kMax + ")",
                           }));
}

TEST(PlannerExtremes, KeyedExtremesWithNullsAndDuplicatesCoverEveryCell) {
  TableInput t = Numeric(2, Col("V", "fixed"), true);
  FakeStatistics q;
  q.stats["V"] = Figures(12, 9, kMin, kMax);
  // The dense extremes split on (V, K), then the NULL rows on K.
  q.boundaries = {{{"0", kMin, "2"}, {"39", kMax, "7"}, {"39", kMax, "9"}}, {{"2"}}};
  q.value_counts = {Counts({{"0", 4}, {"10", 1}, {"39", 4}})};
  Plan p = PlanTable(t, q);
  EXPECT_EQ(p.null_rows, 3);
  int null_chunks = 0;
  for (const auto& c : p.chunks) null_chunks += c.bounds.cell == "null";
  EXPECT_EQ(null_chunks, 2);
  EXPECT_EQ(p.chunks.back().predicate, "(\"V\" IS NULL) AND (\"K\" > 2)");
  // The first cell is split at (kMin, 2); the last at (kMax, 7) and (kMax, 9).
  EXPECT_EQ(p.chunks[0].bounds.key_hi.values, (std::vector<std::string>{kMin, "2"}));
  EXPECT_EQ(p.chunks.size(), 2u + 1u + 3u + 2u);
  auto splits = q.Calls("KeyBoundaries");
  ASSERT_EQ(splits.size(), 2u);
  EXPECT_EQ(splits[0].keys, (std::vector<std::string>{"V", "K"}));
  EXPECT_EQ(splits[1].keys, (std::vector<std::string>{"K"}));
  EXPECT_EQ(splits[1].predicate, "\"V\" IS NULL");
}

TEST(PlannerExtremes, LargeScalesKeepEveryDigit) {
  TableInput t = Numeric(1, Col("V", "fixed", 37), false);
  const std::string lo = "-9.9999999999999999999999999999999999999";
  const std::string hi = "9.9999999999999999999999999999999999999";
  FakeStatistics q;
  q.stats["V"] = Figures(3, 3, lo, hi);
  // want = 32: width = (2*10^38-2)/32 + 1 units of 10^-37 = 0.625 exactly.
  q.value_counts = {Counts({{"0", 1}, {"16", 1}, {"31", 1}})};
  Plan p = PlanTable(t, q);
  EXPECT_EQ(Predicates(p), (std::vector<std::string>{
                               "(\"V\" < 0.0000000000000000000000000000000000001)",
                               "(\"V\" >= 0.0000000000000000000000000000000000001) AND (\"V\" < "
                               "9.3750000000000000000000000000000000001)",
                               "(\"V\" >= 9.3750000000000000000000000000000000001)",
                           }));
}

TEST(PlannerExtremes, NegativeOnlyRangeAndOutOfRangeBucketNumbers) {
  TableInput t = Numeric(2, Col("V", "fixed", 2), false);
  FakeStatistics q;
  q.stats["V"] = Figures(5, 5, "-500.00", "-100.5");
  // FLOAT rounding may number a row -1 or past the last bucket: clamped, edges stay in range.
  q.value_counts = {Counts({{"-1.0", 1}, {"0", 1}, {"12.0", 2}, {"24", 1}})};
  Plan p = PlanTable(t, q);
  // want = 24: width = 39950/24 + 1 = 1665 units (16.65); bucket 12 starts at -500 + 199.80,
  // bucket 24 is clamped to the last one, 23, at -500 + 382.95.
  EXPECT_EQ(Predicates(p), (std::vector<std::string>{
                               "(\"V\" < -300.20)",
                               "(\"V\" >= -300.20) AND (\"V\" < -117.05)",
                               "(\"V\" >= -117.05)",
                           }));
  EXPECT_EQ(p.chunks[0].estimated_rows, 2);  // buckets -1 and 0 merged
}

TEST(PlannerExtremes, SingleValueIsSplitOnTheKey) {
  TableInput t = Numeric(2, Col("V", "fixed"), true);
  FakeStatistics q;
  q.stats["V"] = Figures(5, 5, kMax, kMax);
  q.boundaries = {{{"0", kMax, "2"}, {"0", kMax, "4"}}};
  q.value_counts = {Counts({{"0", 5}})};
  Plan p = PlanTable(t, q);
  ASSERT_EQ(p.chunks.size(), 3u);
  EXPECT_EQ(p.chunks[0].predicate, "(\"V\" IS NOT NULL) AND (\"V\" < " + kMax +
                                       " OR (\"V\" = " + kMax + " AND (\"K\" <= 2)))");
}

TEST(PlannerExtremes, UnrepresentableBoundsFallBackToKeyRanges) {
  struct Case {
    SourceColumn column;
    std::string lo, hi, why;
  };
  std::vector<Case> cases = {
      {Col("V", "real"), "-1.5", "NaN", "NaN or infinite"},
      {Col("V", "real"), "-inf", "3", "NaN or infinite"},
      {Col("V", "real"), "-1.7976931348623157e+308", "1.7976931348623157e+308", "beyond 1e300"},
      {Col("V", "real"), "2.5", "2.5", "a single value"},
      {Col("V", "decfloat"), "-1.5e+300", "1.5e+300", "decfloat values allow no safe arithmetic"},
      {Col("V", "fixed"), "-1", "1" + kMax, "are not exact NUMBER(38,0)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.column.type + " " + c.lo + " .. " + c.hi);
    TableInput t = Numeric(2, c.column, false);
    FakeStatistics q;
    q.stats["V"] = Figures(5, 5, c.lo, c.hi);
    q.boundaries = {{{c.lo}, {c.hi}}};
    Plan p = PlanTable(t, q);
    EXPECT_THAT(p.reason, HasSubstr("key-range boundaries (ROW_NUMBER)"));
    EXPECT_THAT(p.reason, HasSubstr(c.why));
    EXPECT_EQ(Histogram(q), "");                         // no arithmetic on the values at all
    EXPECT_EQ(p.chunks.size(), c.lo == c.hi ? 2u : 3u);  // repeated boundaries are dropped
    EXPECT_EQ(p.queries, 2);
  }
}

TEST(PlannerExtremes, KeylessNullsAreNotWindowedWithoutAnOrder) {
  TableInput t = Numeric(2, Col("V", "fixed"), false);
  FakeStatistics q;
  q.stats["V"] = Figures(7, 2, "1", "2");
  q.value_counts = {Counts({{"0", 1}, {"1", 1}})};
  Plan p = PlanTable(t, q);
  ASSERT_FALSE(p.chunks.empty());
  const ChunkSpec& nulls = p.chunks.back();
  EXPECT_EQ(nulls.predicate, "\"V\" IS NULL");
  EXPECT_EQ(nulls.limit, -1);  // rows sharing NULL have no deterministic order to window
  EXPECT_EQ(nulls.estimated_rows, 5);
}

// ---- CheckPlan ----

ChunkSpec Range(std::optional<std::string> lo, bool lo_inc, std::optional<std::string> hi,
                bool hi_inc) {
  ChunkSpec c;
  c.bounds.cell = "range";
  if (lo) c.bounds.lo = {{*lo}, lo_inc};
  if (hi) c.bounds.hi = {{*hi}, hi_inc};
  return c;
}

Plan Of(std::vector<ChunkSpec> chunks, int64_t nulls = 0) {
  Plan p;
  p.strategy = config::ChunkingStrategy::kNumericRange;
  p.total_rows = 100;
  p.null_rows = nulls;
  p.chunks = std::move(chunks);
  return p;
}

void ExpectViolation(const Plan& p, const std::string& what) {
  try {
    CheckPlan(p);
    ADD_FAILURE() << "no violation; expected " << what;
  } catch (const InternalError& e) {
    EXPECT_THAT(e.what(), HasSubstr("not a partition of the table"));
    EXPECT_THAT(e.what(), HasSubstr(what));
  }
}

TEST(CheckPlan, AcceptsAChainedPlanWithItsNullCell) {
  ChunkSpec null_cell;
  null_cell.bounds.cell = "null";
  EXPECT_NO_THROW(CheckPlan(Of({Range({}, false, "10", false), Range("10", true, "20", false),
                                Range("20", true, {}, false), null_cell},
                               5)));
}

TEST(CheckPlan, RejectsOverlapsGapsAndHoles) {
  // (-inf, 10] then [5, +inf): an overlap.
  ExpectViolation(Of({Range({}, false, "10", true), Range("5", true, {}, false)}),
                  "a gap or an overlap");
  // (-inf, 10] then [10, +inf): 10 in both.
  ExpectViolation(Of({Range({}, false, "10", true), Range("10", true, {}, false)}), "an overlap");
  // (-inf, 10) then [11, +inf): a gap.
  ExpectViolation(Of({Range({}, false, "10", false), Range("11", true, {}, false)}),
                  "a gap or an overlap");
  // (-inf, 10) then (10, +inf): 10 in neither.
  ExpectViolation(Of({Range({}, false, "10", false), Range("10", false, {}, false)}), "a gap");
  // Bounded below first / above last.
  ExpectViolation(Of({Range("0", true, {}, false)}), "the first is >= 0");
  ExpectViolation(Of({Range({}, false, "0", false)}), "the last is < 0");
  // Edges that go down: [20, 10) is empty and the cells after it overlap earlier ones.
  ExpectViolation(Of({Range({}, false, "20", false), Range("20", true, "1e1", false),
                      Range("1e1", true, {}, false)}),
                  "do not increase");
  ExpectViolation(Of({Range({}, false, "-99999999999999999999999999999999999998", false),
                      Range("-99999999999999999999999999999999999998", true,
                            "-99999999999999999999999999999999999999", false),
                      Range("-99999999999999999999999999999999999999", true, {}, false)}),
                  "do not increase");
  // Decimals beyond double precision compare exactly (as doubles these bounds are equal).
  EXPECT_NO_THROW(
      CheckPlan(Of({Range({}, false, "-99999999999999999999999999999999999999", false),
                    Range("-99999999999999999999999999999999999999", true,
                          "-99999999999999999999999999999999999998", false),
                    Range("-99999999999999999999999999999999999998", true, {}, false)})));
  // NULLs counted but no NULL cell.
  ExpectViolation(Of({Range({}, false, {}, false)}, 3), "3 NULL rows counted");
}

TEST(CheckPlan, RejectsBrokenKeyChainsInLists) {
  ChunkSpec a = Range({}, false, {}, false), b = a;
  a.bounds.key_hi = {{"5", "1"}, true};
  b.bounds.key_lo = {{"5", "2"}, false};
  ExpectViolation(Of({a, b}), "key ranges of cell range");
  b.bounds.key_lo = {{"5", "1"}, false};
  EXPECT_NO_THROW(CheckPlan(Of({a, b})));

  // A cell the checker cannot reason about (an IN list, which no strategy makes: it would miss
  // values added after planning) is refused.
  ChunkSpec in1;
  in1.bounds.cell = "values";
  ExpectViolation(Of({in1}), "unknown cell values");
}

TEST(CheckPlan, RejectsBrokenOffsetWindows) {
  ChunkSpec w1, w2, w3;
  w1.limit = 10;
  w2.offset = 10;
  w2.limit = 10;
  w3.offset = 25;
  ExpectViolation(Of({w1, w2, w3}), "starts at OFFSET 25, not 20");
  w3.offset = 20;
  EXPECT_NO_THROW(CheckPlan(Of({w1, w2, w3})));
  w3.limit = 10;
  ExpectViolation(Of({w1, w2, w3}), "the last but has a LIMIT");
}

}  // namespace
}  // namespace sf2pg::plan
