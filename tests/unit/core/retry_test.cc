#include "core/retry.h"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <vector>

#include "core/error.h"
#include "unit/snowflake/fake_clock.h"

namespace sf2pg {
namespace {

using std::chrono::milliseconds;

RetryPolicy Policy(int attempts, int base_ms, int cap_ms) {
  RetryPolicy policy;
  policy.max_attempts = attempts;
  policy.base = milliseconds(base_ms);
  policy.cap = milliseconds(cap_ms);
  return policy;
}

TEST(FullJitterBackoff, DelaysGrowExponentiallyUpToTheCapWithJitter) {
  FullJitterBackoff b(Policy(5, 100, 1000), 42);
  int64_t largest_first = 0;
  for (int i = 0; i < 200; ++i) {
    int64_t first = b.Delay(2).count();
    EXPECT_GE(first, 0);
    EXPECT_LE(first, 100);
    largest_first = std::max(largest_first, first);
    EXPECT_LE(b.Delay(3).count(), 200);
    EXPECT_LE(b.Delay(4).count(), 400);
    EXPECT_LE(b.Delay(30).count(), 1000);
  }
  EXPECT_GT(largest_first, 50);  // the whole range is used, not only its low end
  // Jitter: not always the same value.
  std::set<int64_t> seen;
  for (int i = 0; i < 50; ++i) seen.insert(b.Delay(10).count());
  EXPECT_GT(seen.size(), 10u);
}

TEST(FullJitterBackoff, TheSameSeedGivesTheSameDelays) {
  FullJitterBackoff a(Policy(5, 100, 1000), 7), b(Policy(5, 100, 1000), 7);
  FullJitterBackoff other(Policy(5, 100, 1000), 8);
  bool differ = false;
  for (int n = 2; n < 12; ++n) {
    milliseconds d = a.Delay(n);
    EXPECT_EQ(d, b.Delay(n));
    differ = differ || d != other.Delay(n);
  }
  EXPECT_TRUE(differ);
}

TEST(DecorrelatedJitterBackoff, StaysBetweenBaseAndCapAndGrows) {
  DecorrelatedJitterBackoff backoff(Policy(5, 1000, 16000), 42);
  milliseconds largest{0};
  for (int i = 0; i < 200; ++i) {
    milliseconds d = backoff.Delay(i + 2);
    EXPECT_GE(d, milliseconds(1000));
    EXPECT_LE(d, milliseconds(16000));
    largest = std::max(largest, d);
  }
  EXPECT_GT(largest, milliseconds(8000));  // decorrelated jitter reaches towards the cap
  DecorrelatedJitterBackoff first(Policy(5, 1000, 16000), 7);
  EXPECT_LE(first.Delay(2), milliseconds(3000));  // the first pause is at most 3 × base
}

TEST(DecorrelatedJitterBackoff, DifferentSeedsJitterDifferently) {
  DecorrelatedJitterBackoff a(Policy(5, 1000, 16000), 1), b(Policy(5, 1000, 16000), 2);
  bool differ = false;
  for (int i = 0; i < 5; ++i) differ = differ || a.Delay(2) != b.Delay(2);
  EXPECT_TRUE(differ);
}

TEST(LinearBackoff, GrowsByBaseUpToTheCap) {
  LinearBackoff backoff(Policy(9, 200, 700));
  EXPECT_EQ(backoff.Delay(2), milliseconds(200));
  EXPECT_EQ(backoff.Delay(3), milliseconds(400));
  EXPECT_EQ(backoff.Delay(4), milliseconds(600));
  EXPECT_EQ(backoff.Delay(5), milliseconds(700));
}

TEST(WithRetries, ReturnsAtTheFirstSuccessWithoutSleeping) {
  testing::FakeClock clock;
  LinearBackoff backoff(Policy(3, 100, 1000));
  int calls = 0;
  int got = WithRetries<Error>(
      Policy(3, 100, 1000), clock, backoff, [&](int attempt) { return ++calls * 10 + attempt; },
      [](const Error&) { return true; }, [](int, const Error&, milliseconds) {});
  EXPECT_EQ(got, 11);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(clock.slept(), Clock::Duration::zero());
}

TEST(WithRetries, RetriesTransientErrorsWithThePausesOfTheBackoff) {
  testing::FakeClock clock;
  LinearBackoff backoff(Policy(5, 100, 1000));
  std::vector<int> attempts;
  std::vector<milliseconds> pauses;
  std::string got = WithRetries<Error>(
      Policy(5, 100, 1000), clock, backoff,
      [&](int attempt) {
        attempts.push_back(attempt);
        if (attempt < 3) throw Error("busy", Retry::kCall);
        return std::string("done");
      },
      [](const Error& e) { return e.retry() == Retry::kCall; },
      [&](int, const Error&, milliseconds delay) { pauses.push_back(delay); });
  EXPECT_EQ(got, "done");
  EXPECT_EQ(attempts, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(pauses, (std::vector<milliseconds>{milliseconds(100), milliseconds(200)}));
  EXPECT_EQ(clock.slept(), milliseconds(300));
}

TEST(WithRetries, GivesUpAfterMaxAttemptsWithTheLastError) {
  testing::FakeClock clock;
  FullJitterBackoff backoff(Policy(4, 100, 150), 3);
  int calls = 0;
  int retries = 0;
  try {
    WithRetries<Error>(
        Policy(4, 100, 150), clock, backoff,
        [&](int attempt) {
          ++calls;
          throw Error("failure " + std::to_string(attempt), Retry::kCall);
        },
        [](const Error&) { return true; }, [&](int, const Error&, milliseconds) { ++retries; });
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "failure 4");
  }
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(retries, 3);
  // Three pauses, each within the cap.
  EXPECT_LE(clock.slept(), milliseconds(3 * 150));
}

TEST(WithRetries, APermanentErrorIsNotRetried) {
  testing::FakeClock clock;
  NoBackoff backoff;
  int calls = 0;
  EXPECT_THROW(WithRetries<Error>(
                   Policy(5, 100, 1000), clock, backoff,
                   [&](int) -> int {
                     ++calls;
                     throw ConfigError("bad setting");
                   },
                   [](const Error& e) { return e.retry() != Retry::kNever; },
                   [](int, const Error&, milliseconds) {}),
               ConfigError);
  EXPECT_EQ(calls, 1);
}

TEST(WithRetries, OtherExceptionsPassThrough) {
  testing::FakeClock clock;
  NoBackoff backoff;
  int calls = 0;
  EXPECT_THROW(WithRetries<Error>(
                   Policy(5, 100, 1000), clock, backoff,
                   [&](int) {
                     ++calls;
                     throw std::logic_error("bug");
                   },
                   [](const Error&) { return true; }, [](int, const Error&, milliseconds) {}),
               std::logic_error);
  EXPECT_EQ(calls, 1);
}

bool stop_requested = false;
bool StopRequested() { return stop_requested; }

TEST(WithRetries, AStopEndsTheRetries) {
  testing::FakeClock clock;
  LinearBackoff backoff(Policy(5, 100, 1000));
  RetryPolicy policy = Policy(5, 100, 1000);
  policy.stop = &StopRequested;
  stop_requested = false;
  int calls = 0;
  EXPECT_THROW(WithRetries<Error>(
                   policy, clock, backoff,
                   [&](int attempt) {
                     ++calls;
                     if (attempt == 2) stop_requested = true;
                     throw Error("busy", Retry::kCall);
                   },
                   [](const Error&) { return true; }, [](int, const Error&, milliseconds) {}),
               Error);
  stop_requested = false;
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(clock.slept(), milliseconds(100));  // only the pause before attempt 2
}

TEST(WithRetries, OnRetryPreparesTheNextAttempt) {
  testing::FakeClock clock;
  NoBackoff backoff;
  std::string body = "damaged";
  int refetches = 0;
  size_t size = WithRetries<std::runtime_error>(
      Policy(3, 0, 0), clock, backoff,
      [&](int) {
        if (body == "damaged") throw std::runtime_error("malformed");
        return body.size();
      },
      [](const std::runtime_error&) { return true; },
      [&](int, const std::runtime_error&, milliseconds) {
        ++refetches;
        body = "good body";
      });
  EXPECT_EQ(size, 9u);
  EXPECT_EQ(refetches, 1);
  EXPECT_EQ(clock.slept(), Clock::Duration::zero());
}

}  // namespace
}  // namespace sf2pg
