// The retry policy of chunks: exponential backoff with full jitter, slept through a Clock so
// tests run instantly. Used by the one retry loop in worker.cc.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

#include "core/clock.h"
#include "core/error.h"

namespace sf2pg::exec {

struct RetryPolicy {
  int max_attempts = 3;  ///< total attempts of a chunk (the seed's max_retry_attempts)
  std::chrono::milliseconds base{500};
  std::chrono::milliseconds cap{30000};
};

class Backoff {
 public:
  Backoff(RetryPolicy policy, uint64_t seed) : policy_(policy), rng_(seed) {}
  /// The pause before attempt `attempt` (2, 3, ...): uniform in [0, min(cap, base * 2^(n-2))].
  std::chrono::milliseconds Delay(int attempt);

 private:
  RetryPolicy policy_;
  std::mt19937_64 rng_;
};

/// True when an error of this class may be retried by redoing the chunk.
inline bool Retryable(Retry retry) {
  return retry == Retry::kCall || retry == Retry::kChunk || retry == Retry::kInDoubt;
}

}  // namespace sf2pg::exec
