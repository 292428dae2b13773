// Identifiers in the shape Snowflake uses: UUID text for request ids, failure ids and
// constraint names.
#pragma once

#include <cstdint>
#include <string>

namespace sf2pg::sfemu {

/// Formats two 64-bit values as a version-4 UUID (8-4-4-4-12 lower-case hex).
std::string UuidText(uint64_t a, uint64_t b);
/// A random version-4 UUID. Thread-safe.
std::string NewUuid();

}  // namespace sf2pg::sfemu
