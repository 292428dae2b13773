// A response body as the HTTP client hands it to the result reader: followed by the padding
// that simdjson reads past the end (kBodyPadding), reserved but not part of the text.
#pragma once

#include <string>
#include <string_view>

#include "snowflake/http.h"

namespace sf2pg::testing {

inline std::string Padded(std::string_view text) {
  std::string out;
  out.reserve(text.size() + snowflake::kBodyPadding);
  out.append(text);
  return out;
}

}  // namespace sf2pg::testing
