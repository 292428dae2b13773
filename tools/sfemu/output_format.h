// The `*_OUTPUT_FORMAT` session parameters of the request body (spec §1.4). The SQL API applies
// them only when sent in the request (account- and user-level settings are ignored) and then
// writes DATE / TIME / TIMESTAMP_* cells as formatted text instead of the numbers of spec §4,
// while rowType.type stays the same. sfemu implements the common format elements so that a
// client can be tested against formatted wire text; others are refused (422 000002).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "sf_type.h"

namespace sf2pg::sfemu {

/// The formats of one request, by upper-case parameter name (e.g. "DATE_OUTPUT_FORMAT").
struct OutputFormats {
  std::map<std::string, std::string> by_name;

  bool empty() const { return by_name.empty(); }
  /// The format that applies to a column of `kind`, or nullptr for spec §4's encoding. The
  /// TIMESTAMP_NTZ/LTZ/TZ formats fall back to TIMESTAMP_OUTPUT_FORMAT.
  const std::string* For(SfKind kind) const;
};

/// True for the parameter names that are output formats sfemu knows.
bool IsOutputFormatParameter(std::string_view upper_name);

/// Empty when sfemu can render `format`, else why not (for the 422 message).
std::string CheckOutputFormat(std::string_view format);

/// Appends `wall_micros` (a wall clock in microseconds since 1970-01-01; for TIME, since
/// midnight) plus `nanos` (0-999) formatted with `format`. `offset_minutes` feeds TZH and TZM.
void AppendFormatted(std::string& out, std::string_view format, int64_t wall_micros,
                     int offset_minutes, int nanos = 0);

}  // namespace sf2pg::sfemu
