// Snowflake SQL text built by the planner: literals from wire values and the predicates that
// bound a chunk. Pure functions. Identifiers and text are quoted with sf:: (core/quote.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/quote.h"
#include "core/table.h"

namespace sf2pg::plan {

/// A Snowflake SQL literal for a value given as SQL API wire text of `column`'s type,
/// e.g. fixed "12.50" -> 12.50, date "19552" -> '2023-07-14'::DATE, timestamp_tz
/// "1689307215.250000000 1770" -> '2023-07-14 09:30:15.250000000 +05:30'::TIMESTAMP_TZ.
/// Throws DataError for a type that cannot bound a chunk (variant, object, ...) and for wire
/// text that does not parse as its type.
std::string Literal(const SourceColumn& column, std::string_view wire);

/// `(k1, k2, ...) > (v1, v2, ...)` in lexicographic order, spelled out for Snowflake:
/// (k1 > v1 OR (k1 = v1 AND (k2 > v2 ...))). `inclusive` makes it >=.
std::string KeyAfter(const std::vector<SourceColumn>& keys,
                     const std::vector<std::string>& wire_values, bool inclusive);
/// The mirror image: (k1, ...) < (v1, ...) (or <= when inclusive).
std::string KeyBefore(const std::vector<SourceColumn>& keys,
                      const std::vector<std::string>& wire_values, bool inclusive);

/// Joins non-empty predicates with AND, each parenthesised; "" when none (core/quote.h).
using sf::And;

}  // namespace sf2pg::plan
