#include "cancel.h"

#include <algorithm>

#include "error.h"

namespace sf2pg::sfemu {

CancelToken::CancelToken(int timeout_seconds)
    : timeout_seconds_(timeout_seconds),
      deadline_(timeout_seconds > 0 ? Clock::now() + std::chrono::seconds(timeout_seconds)
                                    : Clock::time_point::max()) {}

CancelToken::~CancelToken() { Attach(nullptr); }

void CancelToken::Cancel() {
  std::lock_guard lock(mu_);
  canceled_ = true;
  if (pg_cancel_) {
    char error[256];
    PQcancel(pg_cancel_, error, sizeof error);
  }
  cv_.notify_all();
}

bool CancelToken::canceled() const {
  std::lock_guard lock(mu_);
  return canceled_;
}

bool CancelToken::expired() const { return Clock::now() >= deadline_; }

int64_t CancelToken::RemainingMs() const {
  if (deadline_ == Clock::time_point::max()) return 7LL * 86400 * 1000;
  // Rounded up: PostgreSQL's statement_timeout, set from this, must not fire before the
  // deadline, or a statement that ran out of time would be reported as cancelled (000604)
  // instead of timed out (000630, HTTP 408).
  auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline_ - Clock::now()).count();
  return left > 0 ? left : 0;
}

void CancelToken::Attach(postgres::Connection* conn) {
  std::lock_guard lock(mu_);
  if (pg_cancel_) {
    PQfreeCancel(pg_cancel_);
    pg_cancel_ = nullptr;
  }
  if (conn) pg_cancel_ = PQgetCancel(conn->raw());
}

bool CancelToken::Sleep(int64_t ms) {
  std::unique_lock lock(mu_);
  auto until = std::min(deadline_, Clock::now() + std::chrono::milliseconds(ms));
  cv_.wait_until(lock, until, [&] { return canceled_; });
  return !canceled_ && Clock::now() < deadline_;
}

void CancelToken::Check() const {
  if (canceled() || expired()) ThrowStopped();
}

void CancelToken::ThrowStopped() const {
  if (expired() && !canceled()) throw TimeoutError(timeout_seconds_);
  throw CanceledError();
}

}  // namespace sf2pg::sfemu
