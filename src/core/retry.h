// Retrying a step that may fail for a while: how many attempts, how long to pause between them
// (a backoff strategy) and when to stop early. The plain retry loops of sf2pg are WithRetries;
// the loops with more steps between attempts (a Snowflake request, a chunk) take their pauses
// from the same strategies. Pauses are slept on a Clock, so tests run instantly.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>
#include <type_traits>

#include "core/clock.h"

namespace sf2pg {

struct RetryPolicy {
  int max_attempts = 3;                  ///< attempts in all, the first one included
  std::chrono::milliseconds base{500};   ///< the first pause, or its bound with jitter
  std::chrono::milliseconds cap{30000};  ///< no pause is longer
  bool (*stop)() = nullptr;              ///< when it returns true, no further attempt is made
};

// Backoff strategies: Delay(n) is the pause before attempt n (2, 3, ...). The jittered ones
// draw from a seeded generator (reproducible in tests) and are not thread-safe.

/// Exponential backoff with full jitter: uniform in [0, min(cap, base × 2^(n-2))].
class FullJitterBackoff {
 public:
  FullJitterBackoff(const RetryPolicy& policy, uint64_t seed)
      : base_(policy.base), cap_(policy.cap), random_(seed) {}
  std::chrono::milliseconds Delay(int attempt);

 private:
  std::chrono::milliseconds base_;
  std::chrono::milliseconds cap_;
  std::mt19937_64 random_;
};

/// Decorrelated jitter (as in gosnowflake): each pause is min(cap, uniform(base, 3 × the
/// previous pause)), the first one's "previous" being base. The attempt number is not used.
class DecorrelatedJitterBackoff {
 public:
  DecorrelatedJitterBackoff(const RetryPolicy& policy, uint64_t seed)
      : base_(policy.base), cap_(policy.cap), previous_(policy.base), random_(seed) {}
  std::chrono::milliseconds Delay(int attempt);

 private:
  std::chrono::milliseconds base_;
  std::chrono::milliseconds cap_;
  std::chrono::milliseconds previous_;
  std::mt19937_64 random_;
};

/// base × (n - 1), at most cap: 1, 2, 3 × base.
class LinearBackoff {
 public:
  explicit LinearBackoff(const RetryPolicy& policy) : base_(policy.base), cap_(policy.cap) {}
  std::chrono::milliseconds Delay(int attempt) const;

 private:
  std::chrono::milliseconds base_;
  std::chrono::milliseconds cap_;
};

/// No pause: the next attempt follows at once (e.g. fetching a damaged body again).
struct NoBackoff {
  std::chrono::milliseconds Delay(int) const { return std::chrono::milliseconds(0); }
};

/// Runs `op(attempt)` for attempt 1, 2, ... and returns what it returns. When it throws an `E`,
/// the error propagates unless `is_transient(e)` holds, attempts remain (policy.max_attempts)
/// and policy.stop (if set) does not ask to stop; otherwise `on_retry(attempt, e, delay)` is
/// called (to log it, count it or prepare the next attempt; it may throw), `clock` sleeps
/// `delay = backoff.Delay(attempt + 1)`, and `op` runs again. Other exceptions propagate.
template <typename E, typename Op, typename Backoff, typename IsTransient, typename OnRetry>
auto WithRetries(const RetryPolicy& policy, Clock& clock, Backoff& backoff, Op&& op,
                 IsTransient&& is_transient, OnRetry&& on_retry) -> std::invoke_result_t<Op&, int> {
  for (int attempt = 1;; ++attempt) {
    try {
      return op(attempt);
    } catch (const E& e) {
      if (attempt >= policy.max_attempts || !is_transient(e) || (policy.stop && policy.stop())) {
        throw;
      }
      std::chrono::milliseconds delay = backoff.Delay(attempt + 1);
      on_retry(attempt, e, delay);
      if (delay.count() > 0) clock.SleepFor(delay);
    }
  }
}

}  // namespace sf2pg
