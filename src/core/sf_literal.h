// Snowflake SQL literals built from values, for chunk boundaries (quoting is in core/quote.h).
// Pure functions, no I/O, so the planner can use them without the HTTP client.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/table.h"

namespace sf2pg {

/// The Snowflake SQL literal for a value of `column` as the SQL API sends it (wire text, see
/// docs/snowflake_types.md); "NULL" for nullopt. Examples: fixed "42" → 42; text → 'O''Brien';
/// date "19552" → '2023-07-14'::DATE; timestamp_tz "1689307215.25 1770" →
/// '2023-07-14 09:30:15.250000000 +05:30'::TIMESTAMP_TZ; binary "CAFE" →
/// TO_BINARY('CAFE', 'HEX'). Throws DataError for wire text that does not parse as its type,
/// and for types without a usable literal (variant, object, array, map, vector).
std::string SnowflakeLiteral(const std::optional<std::string>& wire, const SourceColumn& column);

}  // namespace sf2pg
