// Builds the source columns that the planner tests describe tables with.
#pragma once

#include <string>
#include <utility>

#include "core/table.h"

namespace sf2pg::testing {

/// A source column named `name` of Snowflake wire type `type` ("fixed", "text", "date", ...)
/// with `scale` digits after the point.
inline SourceColumn Col(std::string name, std::string type, int scale = 0) {
  SourceColumn c;
  c.name = std::move(name);
  c.type = std::move(type);
  c.scale = scale;
  return c;
}

}  // namespace sf2pg::testing
