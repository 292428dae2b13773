#include "core/error.h"

namespace sf2pg {

std::string_view RetryName(Retry retry) {
  switch (retry) {
    case Retry::kNever:
      return "never";
    case Retry::kCall:
      return "call";
    case Retry::kChunk:
      return "chunk";
    case Retry::kInDoubt:
      return "in-doubt";
  }
  return "unknown";
}

}  // namespace sf2pg
