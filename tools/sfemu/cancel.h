// Cancellation and the statement timeout of one executing statement. The HTTP cancel handler
// and the executor thread share a CancelToken; cancelling also interrupts the PostgreSQL query
// the statement is running.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "postgres/connection.h"

namespace sf2pg::sfemu {

class CancelToken {
 public:
  using Clock = std::chrono::steady_clock;

  /// `timeout_seconds` <= 0 means no timeout (Snowflake's maximum, 7 days, never reached here).
  explicit CancelToken(int timeout_seconds);
  ~CancelToken();
  CancelToken(const CancelToken&) = delete;
  CancelToken& operator=(const CancelToken&) = delete;

  /// Marks the statement cancelled and interrupts its running query. Thread-safe.
  void Cancel();
  bool canceled() const;
  bool expired() const;
  int timeout_seconds() const { return timeout_seconds_; }
  /// Milliseconds left before the timeout, rounded up (a large value when there is none).
  int64_t RemainingMs() const;

  /// The connection whose query Cancel() should interrupt (null to detach).
  void Attach(postgres::Connection* conn);
  /// Sleeps up to `ms`; returns early (false) when cancelled or timed out.
  bool Sleep(int64_t ms);
  /// Throws the Error for a cancelled (000604) or timed-out (000630, HTTP 408)
  /// statement; returns normally otherwise.
  void Check() const;
  /// The error for the current state: timeout when the deadline passed, else cancel.
  [[noreturn]] void ThrowStopped() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool canceled_ = false;
  int timeout_seconds_;
  Clock::time_point deadline_;
  PGcancel* pg_cancel_ = nullptr;
};

}  // namespace sf2pg::sfemu
