#include "exec/retry.h"

#include <gtest/gtest.h>

namespace sf2pg::exec {
namespace {

TEST(Retry, RetryableClasses) {
  EXPECT_TRUE(Retryable(Retry::kCall));
  EXPECT_TRUE(Retryable(Retry::kChunk));
  EXPECT_TRUE(Retryable(Retry::kInDoubt));
  EXPECT_FALSE(Retryable(Retry::kNever));
}

}  // namespace
}  // namespace sf2pg::exec
