#include "exec/retry.h"

#include <algorithm>

namespace sf2pg::exec {

std::chrono::milliseconds Backoff::Delay(int attempt) {
  int shift = std::clamp(attempt - 2, 0, 20);
  int64_t ceiling = std::min<int64_t>(policy_.cap.count(), policy_.base.count() << shift);
  std::uniform_int_distribution<int64_t> pick(0, std::max<int64_t>(ceiling, 0));
  return std::chrono::milliseconds(pick(rng_));
}

}  // namespace sf2pg::exec
