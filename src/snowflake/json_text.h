// VARIANT, OBJECT, ARRAY, MAP, GEOGRAPHY and VECTOR values as JSON text: the SQL API writes a
// SQL NULL element of an ARRAY as a bare `undefined` token (spec §4), which is not JSON.
#pragma once

#include <string_view>

#include "core/copy_buffer.h"

namespace sf2pg::snowflake {

enum class JsonFixup {
  kOk,
  kNulCharacter,  ///< a string holds the escape \u0000 (jsonb cannot store it)
};

/// Appends `text` to `out` with every `undefined` token outside strings replaced by `null`.
/// When `refuse_nul` is set, reports a \u0000 escape inside a string instead (what was
/// appended is then incomplete; the caller drops the row).
[[nodiscard]] JsonFixup AppendJsonFixed(std::string_view text, bool refuse_nul, CopyBuffer& out);

}  // namespace sf2pg::snowflake
