#include "result.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "gzip.h"

namespace sf2pg::sfemu {
namespace {

ResultColumn Column() {
  ResultColumn c;
  c.name = "N";
  c.type = SfType::Fixed(10, 0);
  return c;
}

TEST(SfemuResult, CutsPartitionsByAGrowingByteBudget) {
  BlobStore store(1 << 30, "");
  PartitionPolicy policy;
  policy.first_bytes = 1000;
  policy.max_bytes = 4000;
  ResultBuilder b({Column()}, RowLayout::kQuery, policy, store);
  for (int i = 0; i < 2000; ++i) b.AddRow({std::to_string(i)});
  auto r = b.Finish();
  ASSERT_GT(r->partitions.size(), 3u);
  EXPECT_EQ(r->num_rows, 2000);
  int64_t rows = 0;
  for (size_t i = 0; i < r->partitions.size(); ++i) {
    const auto& p = r->partitions[i];
    std::string body = Gunzip(p.gzip->Read());
    EXPECT_EQ(static_cast<int64_t>(body.size()), p.uncompressed);  // the whole {"data":[...]}
    EXPECT_EQ(p.compressed, static_cast<int64_t>(p.gzip->size()));
    EXPECT_EQ(body.rfind("{\"data\":[[\"", 0), 0u);
    if (i + 1 < r->partitions.size()) {
      size_t budget = std::min<size_t>(4000, 1000u << i);
      EXPECT_LE(body.size(), budget);
      EXPECT_GT(body.size() + 20, budget);
    }
    rows += p.rows;
  }
  EXPECT_EQ(rows, 2000);
  EXPECT_EQ(r->Rows(0).substr(0, 10), "[\"0\"],\n[\"1");
}

TEST(SfemuResult, MetadataLayoutJoinsRowsWithCommasAndCountsOnlyRows) {
  BlobStore store(1 << 30, "");
  ResultBuilder b({Column()}, RowLayout::kMetadata, PartitionPolicy{}, store);
  b.AddRow({"1"});
  b.AddRow({std::nullopt});
  auto r = b.Finish();
  EXPECT_EQ(r->Rows(0), "[\"1\"],[null]");
  EXPECT_EQ(r->partitions[0].uncompressed, 12);
}

TEST(SfemuResult, SpillsBeyondTheMemoryBudget) {
  std::string dir = ::testing::TempDir() + "/sfemu-spill-test";
  BlobStore store(100, dir);
  auto small = store.Put(std::string(50, 'a'));
  auto big = store.Put(std::string(200, 'b'));
  EXPECT_FALSE(small->spilled());
  EXPECT_TRUE(big->spilled());
  EXPECT_EQ(big->Read(), std::string(200, 'b'));
  EXPECT_EQ(store.memory_used(), 50);
  small.reset();
  big.reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sf2pg::sfemu
