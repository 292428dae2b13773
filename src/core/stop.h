// The process-wide stop request (SIGINT/SIGTERM, or a deadline): workers stop claiming chunks
// and long waits (Snowflake polling, backoff sleeps) return early.
#pragma once

#include <atomic>

namespace sf2pg {

class StopFlag {
 public:
  static void Request() { flag().store(true, std::memory_order_relaxed); }
  static bool Requested() { return flag().load(std::memory_order_relaxed); }
  static void ResetForTesting() { flag().store(false); }

 private:
  static std::atomic<bool>& flag() {
    static std::atomic<bool> f{false};
    return f;
  }
};

}  // namespace sf2pg
