#include "core/retry.h"

#include <algorithm>

namespace sf2pg {

std::chrono::milliseconds FullJitterBackoff::Delay(int attempt) {
  int shift = std::clamp(attempt - 2, 0, 20);
  int64_t ceiling = std::min<int64_t>(cap_.count(), base_.count() << shift);
  std::uniform_int_distribution<int64_t> pick(0, std::max<int64_t>(ceiling, 0));
  return std::chrono::milliseconds(pick(random_));
}

std::chrono::milliseconds DecorrelatedJitterBackoff::Delay(int) {
  int64_t low = base_.count();
  int64_t high = std::max(low, previous_.count() * 3);
  std::uniform_int_distribution<int64_t> pick(low, high);
  previous_ = std::min(cap_, std::chrono::milliseconds(pick(random_)));
  return previous_;
}

std::chrono::milliseconds LinearBackoff::Delay(int attempt) const {
  return std::min(cap_, base_ * std::max(attempt - 1, 0));
}

}  // namespace sf2pg
