// Which failures of a chunk are retried. The attempts and pauses come from core/retry.h.
#pragma once

#include "core/error.h"
#include "core/retry.h"

namespace sf2pg::exec {

/// True when an error of this class may be retried by redoing the chunk.
inline bool Retryable(Retry retry) {
  return retry == Retry::kCall || retry == Retry::kChunk || retry == Retry::kInDoubt;
}

}  // namespace sf2pg::exec
