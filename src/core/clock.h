// Time and sleeping behind an interface, so retry and deadline logic is tested instantly.
#pragma once

#include <chrono>
#include <thread>

namespace sf2pg {

class Clock {
 public:
  using Duration = std::chrono::steady_clock::duration;
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint Now() = 0;
  virtual void SleepFor(Duration d) = 0;
  /// The process-wide real clock.
  static Clock& Real();
};

class RealClock : public Clock {
 public:
  TimePoint Now() override { return std::chrono::steady_clock::now(); }
  void SleepFor(Duration d) override { std::this_thread::sleep_for(d); }
};

inline Clock& Clock::Real() {
  static RealClock clock;
  return clock;
}

}  // namespace sf2pg
