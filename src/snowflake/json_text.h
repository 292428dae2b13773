// VARIANT, OBJECT, ARRAY, MAP, GEOGRAPHY and VECTOR values as JSON text: the SQL API writes a
// SQL NULL element of an ARRAY as a bare `undefined` token (spec §4), which is not JSON.
#pragma once

#include <string_view>

#include "core/copy_buffer.h"

namespace sf2pg::snowflake {

enum class JsonFixup {
  kOk,
  kNulCharacter,  ///< a string holds the escape \u0000 (jsonb cannot store it)
  kSyntax,        ///< not JSON as PostgreSQL reads it (NaN, bare words, raw control characters)
  kSurrogate,     ///< a \uXXXX escape that is half of a UTF-16 surrogate pair
  kNumberRange,   ///< a number beyond what jsonb's numeric can hold
};

/// What PostgreSQL's json input (and with `for_jsonb`, jsonb's) would refuse in `text`, where
/// bare `undefined` tokens count as null (AppendJsonFixed replaces them). PostgreSQL follows
/// RFC 8259 strictly; jsonb also refuses \u0000 and numbers beyond numeric's range. Nesting
/// depth is left to PostgreSQL.
[[nodiscard]] JsonFixup CheckJson(std::string_view text, bool for_jsonb);

/// A short phrase for a problem CheckJson found, e.g. "an unpaired UTF-16 surrogate escape".
std::string_view JsonProblem(JsonFixup fixup);

/// Appends `text` to `out` with every `undefined` token outside strings replaced by `null`.
/// When `refuse_nul` is set, reports a \u0000 escape inside a string instead (what was
/// appended is then incomplete; the caller drops the row).
[[nodiscard]] JsonFixup AppendJsonFixed(std::string_view text, bool refuse_nul, CopyBuffer& out);

}  // namespace sf2pg::snowflake
