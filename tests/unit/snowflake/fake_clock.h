// A Clock whose time moves only when someone sleeps or calls Advance(): backoff and token
// renewal tests run instantly. Thread-safe.
#pragma once

#include <mutex>

#include "core/clock.h"

namespace sf2pg::testing {

class FakeClock : public Clock {
 public:
  TimePoint Now() override {
    std::lock_guard lock(mu_);
    return now_;
  }
  void SleepFor(Duration d) override {
    std::lock_guard lock(mu_);
    now_ += d;
    slept_ += d;
  }
  void Advance(Duration d) {
    std::lock_guard lock(mu_);
    now_ += d;
  }
  /// Total time spent in SleepFor.
  Duration slept() const {
    std::lock_guard lock(mu_);
    return slept_;
  }

 private:
  mutable std::mutex mu_;
  TimePoint now_{};
  Duration slept_{};
};

}  // namespace sf2pg::testing
