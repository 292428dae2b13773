#include "plan/planner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes/fake_statistics.h"
#include "unit/plan/source_columns.h"

namespace sf2pg::plan {
namespace {

using ::sf2pg::testing::Col;
using ::sf2pg::testing::Counts;
using ::sf2pg::testing::FakeStatistics;
using ::sf2pg::testing::Figures;
using ::testing::HasSubstr;
using ::testing::Not;

TableInput Table(int64_t batch) {
  TableInput t;
  t.table = {"DB", "S", "T", "", ""};
  t.batch_size = batch;
  t.all_columns = {Col("ID", "fixed"), Col("NAME", "text"), Col("UPDATED", "timestamp_ntz", 9)};
  return t;
}

int64_t Sum(const Plan& p) {
  int64_t n = 0;
  for (const auto& c : p.chunks) n += c.estimated_rows;
  return n;
}

TEST(Planner, SmallTableIsOneChunk) {
  TableInput t = Table(1000);
  t.chunking = {Col("ID", "fixed")};
  t.chunking_kinds = {KeyKind::kNumeric};
  FakeStatistics q;
  q.stats["ID"] = Figures(10, 10, "1", "10");
  Plan p = PlanTable(t, q);
  EXPECT_EQ(p.strategy, config::ChunkingStrategy::kSingle);
  ASSERT_EQ(p.chunks.size(), 1u);
  EXPECT_EQ(p.chunks[0].predicate, "");
  EXPECT_EQ(p.queries, 1);
  EXPECT_EQ(p.order_by, "\"ID\"");
}

TEST(Planner, EmptyTableHasNoChunk) {
  TableInput t = Table(1000);
  FakeStatistics q;
  q.count = 0;
  Plan p = PlanTable(t, q);
  EXPECT_TRUE(p.chunks.empty());
  EXPECT_EQ(p.total_rows, 0);
}

TEST(Planner, NumericRangeMergesHistogramBucketsUpToTheBatch) {
  TableInput t = Table(100);
  t.chunking = {Col("ID", "fixed")};
  t.chunking_kinds = {KeyKind::kNumeric};
  t.uniqueness = {Col("ID", "fixed")};
  FakeStatistics q;
  q.stats["ID"] = Figures(250, 250, "1", "250");
  // 24 buckets wanted -> width (250-1)/24+1 = 11.
  std::vector<std::pair<Cell, int64_t>> buckets;
  for (int b = 0; b < 23; ++b) buckets.push_back({std::to_string(b), b < 22 ? 11 : 8});
  q.value_counts = {Counts(buckets)};
  Plan p = PlanTable(t, q);
  EXPECT_EQ(p.strategy, config::ChunkingStrategy::kNumericRange);
  EXPECT_EQ(p.queries, 2);
  ASSERT_EQ(q.Calls("CountByValue").size(), 1u);
  EXPECT_EQ(q.Calls("CountByValue")[0].column, "FLOOR((\"ID\"::FLOAT - '1'::FLOAT) / '11'::FLOAT)");
  EXPECT_EQ(q.Calls("CountByValue")[0].predicate, "\"ID\" IS NOT NULL");
  ASSERT_EQ(p.chunks.size(), 3u);
  EXPECT_EQ(Sum(p), 250);
  for (const auto& c : p.chunks) EXPECT_LE(c.estimated_rows, 100);
  // Contiguous: open below, [lo, hi), open above.
  EXPECT_EQ(p.chunks[0].predicate, "(\"ID\" < 100)");
  EXPECT_EQ(p.chunks[1].predicate, "(\"ID\" >= 100) AND (\"ID\" < 199)");
  EXPECT_EQ(p.chunks[2].predicate, "(\"ID\" >= 199)");
}

TEST(Planner, DenseBucketIsSplitOnTheKeyInOneQuery) {
  TableInput t = Table(100);
  t.chunking = {Col("ID", "fixed")};
  t.chunking_kinds = {KeyKind::kNumeric};
  t.uniqueness = {Col("ID", "fixed")};
  FakeStatistics q;
  q.boundaries = {{{"1", "5"}, {"1", "6"}}};
  q.stats["ID"] = Figures(300, 300, "0", "7");
  q.value_counts = {Counts({{"0", 50}, {"1", 250}})};  // bucket 1 is dense
  Plan p = PlanTable(t, q);
  EXPECT_EQ(p.queries, 3);
  ASSERT_EQ(q.Calls("KeyBoundaries").size(), 1u);
  FakeStatistics::Call split = q.Calls("KeyBoundaries")[0];
  EXPECT_EQ(split.partition, q.Calls("CountByValue")[0].column);  // numbered per bucket
  EXPECT_EQ(split.keys, (std::vector<std::string>{"ID"}));
  EXPECT_EQ(split.predicate, "((\"ID\" >= 1))");
  EXPECT_EQ(split.every, 100);
  ASSERT_EQ(p.chunks.size(), 4u);  // bucket 0, then the dense bucket in three key ranges
  EXPECT_EQ(p.chunks[0].predicate, "(\"ID\" < 1)");
  EXPECT_EQ(p.chunks[1].predicate, "(\"ID\" >= 1) AND (\"ID\" <= 5)");
  EXPECT_EQ(p.chunks[2].predicate, "(\"ID\" >= 1) AND (\"ID\" > 5) AND (\"ID\" <= 6)");
  EXPECT_EQ(p.chunks[3].predicate, "(\"ID\" >= 1) AND (\"ID\" > 6)");
}

TEST(Planner, DateRangeByDayWithNullChunk) {
  TableInput t = Table(100);
  t.chunking = {Col("UPDATED", "timestamp_ntz", 9)};
  t.chunking_kinds = {KeyKind::kDate};
  t.uniqueness = {Col("ID", "fixed")};
  FakeStatistics q;
  q.stats["UPDATED"] = Figures(180, 170, "0", "259200");
  q.value_counts = {Counts({{"0.000000000", 60}, {"86400.000000000", 60}, {"172800.000000000", 50}},
                           Col("V", "timestamp_ntz", 9))};
  Plan p = PlanTable(t, q);
  EXPECT_EQ(p.strategy, config::ChunkingStrategy::kDateRange);
  ASSERT_EQ(p.chunks.size(), 4u);
  EXPECT_EQ(p.chunks[0].predicate,
            "(\"UPDATED\" < '1970-01-02 00:00:00.000000000'::TIMESTAMP_NTZ)");
  EXPECT_EQ(p.chunks[1].predicate,
            "(\"UPDATED\" >= '1970-01-02 00:00:00.000000000'::TIMESTAMP_NTZ) AND (\"UPDATED\" < "
            "'1970-01-03 00:00:00.000000000'::TIMESTAMP_NTZ)");
  EXPECT_EQ(p.chunks[3].predicate, "\"UPDATED\" IS NULL");
  EXPECT_EQ(p.chunks[3].estimated_rows, 10);
  EXPECT_EQ(Sum(p), 180);
  EXPECT_EQ(p.order_by, "\"UPDATED\", \"ID\"");
  EXPECT_EQ(q.Calls("CountByValue").at(0).column, "DATE_TRUNC('DAY', \"UPDATED\")");
}

TEST(Planner, TextKeyRangesComeFromOneBoundaryQuery) {
  TableInput t = Table(2);
  t.chunking = {Col("Patient Id", "text")};
  t.chunking_kinds = {KeyKind::kText};
  t.uniqueness = {Col("Patient Id", "text")};
  t.table.filter = "\"Status\" = 'Active'";
  FakeStatistics q;
  q.stats["Patient Id"] = Figures(6, 5);
  q.boundaries = {{{"b"}, {"d"}}};
  Plan p = PlanTable(t, q);
  EXPECT_EQ(p.strategy, config::ChunkingStrategy::kKeyRange);
  EXPECT_EQ(p.queries, 2);
  EXPECT_FALSE(q.Calls("Stats").at(0).min_max);  // no MIN/MAX of text
  ASSERT_EQ(q.Calls("KeyBoundaries").size(), 1u);
  FakeStatistics::Call b = q.Calls("KeyBoundaries")[0];
  EXPECT_EQ(b.keys, (std::vector<std::string>{"Patient Id"}));
  EXPECT_EQ(b.predicate, "\"Patient Id\" IS NOT NULL");
  EXPECT_EQ(b.partition, "");
  EXPECT_EQ(b.every, 2);
  ASSERT_EQ(p.chunks.size(), 4u);
  EXPECT_EQ(p.chunks[0].predicate, "(\"Patient Id\" IS NOT NULL) AND (\"Patient Id\" <= 'b')");
  EXPECT_EQ(p.chunks[1].predicate,
            "(\"Patient Id\" IS NOT NULL) AND (\"Patient Id\" > 'b') AND (\"Patient Id\" <= 'd')");
  EXPECT_EQ(p.chunks[2].predicate, "(\"Patient Id\" IS NOT NULL) AND (\"Patient Id\" > 'd')");
  EXPECT_EQ(p.chunks[3].predicate, "\"Patient Id\" IS NULL");
  for (const auto& call : q.calls) EXPECT_EQ(call.table.filter, "\"Status\" = 'Active'");
}

TEST(Planner, OffsetWithoutAnyKeyOrdersByEveryColumn) {
  TableInput t = Table(40);
  FakeStatistics q;
  q.count = 100;
  Plan p = PlanTable(t, q);
  EXPECT_EQ(p.strategy, config::ChunkingStrategy::kOffset);
  EXPECT_EQ(p.order_by, "\"ID\", \"NAME\", \"UPDATED\"");
  ASSERT_EQ(p.chunks.size(), 3u);
  EXPECT_EQ(p.chunks[0].limit, 40);
  EXPECT_EQ(p.chunks[1].offset, 40);
  EXPECT_EQ(p.chunks[2].limit, -1);  // the last chunk reads to the end
  EXPECT_EQ(p.chunks[2].offset, 80);
  ASSERT_EQ(q.Calls("Count").size(), 1u);
  EXPECT_EQ(q.Calls("Count")[0].table.table, "T");
  ChunkRequest read = ChunkRead(t, {"ID", "NAME"}, p.order_by, p.chunks[2]);
  EXPECT_EQ(read.table.database, "DB");
  EXPECT_EQ(read.columns, (std::vector<std::string>{"ID", "NAME"}));
  EXPECT_EQ(read.order_by, "\"ID\", \"NAME\", \"UPDATED\"");
  EXPECT_EQ(read.predicate, "");
  EXPECT_EQ(read.limit, -1);
  EXPECT_EQ(read.offset, 80);
}

TEST(Planner, TableSmallerThanOneBatchPerWorkerIsSplitForEveryWorker) {
  TableInput t = Table(50000);
  t.parallelism = 4;
  FakeStatistics q;
  q.count = 100000;
  Plan p = PlanTable(t, q);
  EXPECT_EQ(p.strategy, config::ChunkingStrategy::kOffset);
  ASSERT_EQ(p.chunks.size(), 4u);  // not 2 chunks of 50,000 for 4 workers
  for (const auto& c : p.chunks) EXPECT_EQ(c.estimated_rows, 25000);
  EXPECT_EQ(Sum(p), 100000);

  // Never below min_split_rows: 15,000 rows make two chunks, not four of 3,750.
  FakeStatistics small;
  small.count = 15000;
  Plan s = PlanTable(t, small);
  ASSERT_EQ(s.chunks.size(), 2u);
  EXPECT_EQ(s.chunks[0].estimated_rows, 10000);
  EXPECT_EQ(s.chunks[1].estimated_rows, 5000);

  // A big table keeps batch_size chunks.
  FakeStatistics big;
  big.count = 1000000;
  Plan b = PlanTable(t, big);
  EXPECT_EQ(b.chunks.size(), 20u);
  for (const auto& c : b.chunks) EXPECT_LE(c.estimated_rows, 50000);

  t.parallelism = 1;  // one worker: one chunk per batch
  EXPECT_EQ(PlanTable(t, q).chunks.size(), 2u);
}

TEST(Planner, GroupedValuesPackWholeValuesIntoRangesOpenAtBothEnds) {
  TableInput t = Table(10);
  t.chunking = {Col("REGION", "text")};
  t.chunking_kinds = {KeyKind::kText};
  t.strategy = config::ChunkingStrategy::kGroupedValues;
  FakeStatistics q;
  q.value_counts = {Counts({{"EU", 4}, {"NA", 5}, {"SA", 3}, {std::nullopt, 2}})};
  Plan p = PlanTable(t, q);
  EXPECT_EQ(p.strategy, config::ChunkingStrategy::kGroupedValues);
  ASSERT_EQ(p.chunks.size(), 3u);
  // EU and NA together, SA alone; a region added after planning (AF, OC, ZZ) still falls in
  // exactly one of the two ranges.
  EXPECT_EQ(p.chunks[0].predicate, "(\"REGION\" < 'SA')");
  EXPECT_EQ(p.chunks[1].predicate, "(\"REGION\" >= 'SA')");
  EXPECT_EQ(p.chunks[2].predicate, "\"REGION\" IS NULL");
  EXPECT_EQ(q.Calls("CountByValue").at(0).column, "\"REGION\"");
  EXPECT_EQ(q.Calls("CountByValue").at(0).predicate, "");
}

TEST(Planner, FloorIsAppliedToEveryQueryAndChunk) {
  TableInput t = Table(1000);
  t.table.floor = "\"UPDATED\" >= '2023-01-01 00:00:00'::TIMESTAMP_NTZ";
  t.uniqueness = {Col("ID", "fixed")};
  FakeStatistics q;
  q.stats["ID"] = Figures(5, 5);
  Plan p = PlanTable(t, q);
  ASSERT_EQ(p.chunks.size(), 1u);
  ASSERT_FALSE(q.calls.empty());
  for (const auto& call : q.calls) EXPECT_EQ(call.table.floor, t.table.floor);
  ChunkRequest read = ChunkRead(t, {"ID"}, p.order_by, p.chunks[0]);
  EXPECT_EQ(read.table.floor, "\"UPDATED\" >= '2023-01-01 00:00:00'::TIMESTAMP_NTZ");
  EXPECT_EQ(read.order_by, "\"ID\"");
}

TEST(Planner, NothingNewAboveTheWatermarkPlansNoChunk) {
  TableInput t = Table(1000);
  t.table.floor = "\"UPDATED\" >= '2023-01-01 00:00:00'::TIMESTAMP_NTZ";
  t.uniqueness = {Col("ID", "fixed")};
  t.up_to_date_rows = 50;
  t.newer_than_target = "\"UPDATED\" > '2023-01-01 00:00:00.000001'::TIMESTAMP_NTZ";
  FakeStatistics q;
  q.count_where = 0;
  q.stats["ID"] = Figures(50, 50);
  Plan p = PlanTable(t, q);
  EXPECT_TRUE(p.chunks.empty());
  EXPECT_THAT(p.reason, HasSubstr("up to date"));
  ASSERT_EQ(q.Calls("CountWhere").size(), 1u);
  EXPECT_EQ(q.Calls("CountWhere")[0].predicate, t.newer_than_target);
  t.up_to_date_rows = 49;  // one new row sharing the largest watermark
  Plan again = PlanTable(t, q);
  ASSERT_EQ(again.chunks.size(), 1u);
  EXPECT_EQ(again.chunks[0].estimated_rows, 50);
}

TEST(Planner, ARowNewerThanTheTargetsNewestIsNotUpToDateWhateverTheCount) {
  // The newest row was updated to a newer watermark: the counts at or above the floor are
  // equal on both sides, but the source holds a row the target does not have yet.
  TableInput t = Table(1000);
  t.table.floor = "\"UPDATED\" >= '2023-01-01 00:00:00'::TIMESTAMP_NTZ";
  t.uniqueness = {Col("ID", "fixed")};
  t.up_to_date_rows = 1;
  t.newer_than_target = "\"UPDATED\" > '2023-01-01 00:00:00.000001'::TIMESTAMP_NTZ";
  FakeStatistics q;
  q.count_where = 1;
  q.stats["ID"] = Figures(1, 1);
  Plan p = PlanTable(t, q);
  ASSERT_EQ(p.chunks.size(), 1u);
  EXPECT_THAT(p.reason, Not(HasSubstr("up to date")));
  // Without the check of newer rows, equal counts never mean "up to date".
  t.newer_than_target.clear();
  EXPECT_EQ(PlanTable(t, q).chunks.size(), 1u);
}

TEST(Planner, OrderByIsChunkingThenUniquenessColumns) {
  TableInput t = Table(1000);
  t.chunking = {Col("UPDATED", "timestamp_ntz", 9)};
  t.chunking_kinds = {KeyKind::kDate};
  t.uniqueness = {Col("ID", "fixed"), Col("UPDATED", "timestamp_ntz", 9)};
  FakeStatistics q;
  q.stats["UPDATED"] = Figures(5, 5, "0", "1");
  EXPECT_EQ(PlanTable(t, q).order_by, "\"UPDATED\", \"ID\"");
}

}  // namespace
}  // namespace sf2pg::plan
