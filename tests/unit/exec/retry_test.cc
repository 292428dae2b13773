#include "exec/retry.h"

#include <gtest/gtest.h>

#include <set>

namespace sf2pg::exec {
namespace {

TEST(Backoff, DelaysGrowExponentiallyUpToTheCapWithJitter) {
  RetryPolicy policy{5, std::chrono::milliseconds(100), std::chrono::milliseconds(1000)};
  Backoff b(policy, 42);
  for (int i = 0; i < 200; ++i) {
    EXPECT_LE(b.Delay(2).count(), 100);
    EXPECT_LE(b.Delay(3).count(), 200);
    EXPECT_LE(b.Delay(4).count(), 400);
    EXPECT_LE(b.Delay(30).count(), 1000);
  }
  // Jitter: not always the same value.
  std::set<int64_t> seen;
  for (int i = 0; i < 50; ++i) seen.insert(b.Delay(10).count());
  EXPECT_GT(seen.size(), 10u);
}

TEST(Backoff, RetryableClasses) {
  EXPECT_TRUE(Retryable(Retry::kCall));
  EXPECT_TRUE(Retryable(Retry::kChunk));
  EXPECT_TRUE(Retryable(Retry::kInDoubt));
  EXPECT_FALSE(Retryable(Retry::kNever));
}

}  // namespace
}  // namespace sf2pg::exec
