// Text values entering sfemu (CSV fields for the loader, string literals in SQL) converted to
// the PostgreSQL input text of the column that stores them. Values sfemu cannot store
// exactly are refused with a ValueError (an Error) naming the reason: fractional seconds beyond
// microseconds, NUL characters, VARIANT numbers whose Snowflake spelling is not emulated.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "json_text.h"
#include "sf_type.h"

namespace sf2pg::sfemu {

/// A date/time literal broken into its parts.
struct TemporalParts {
  bool has_date = false;
  int year = 0, month = 0, day = 0;
  bool has_time = false;
  int hour = 0, minute = 0, second = 0;
  std::string fraction;  ///< the fraction digits as written (0-9 digits)
  bool has_offset = false;
  int offset_minutes = 0;
};

/// Parses `YYYY-MM-DD`, `YYYY-MM-DD[ T]HH:MI[:SS[.fffffffff]]` and `HH:MI[:SS[.f]]`, each with an
/// optional `Z`, `+HH:MM`, `+HHMM` or `+HH` offset. Returns nullopt when the text is not a
/// valid date/time (out-of-range fields included).
std::optional<TemporalParts> ParseTemporal(std::string_view text);

/// PostgreSQL input for one Snowflake value. TIMESTAMP_TZ values also carry their offset;
/// when the text had none, `offset_from_session` is set and the offset must be taken from the
/// session time zone (the translator does that in SQL; the loader refuses such values).
struct PgInput {
  std::string value;
  std::string offset;
  bool offset_from_session = false;
};

/// Converts `input` for a column of `type`. Throws a ValueError (an Error) with a message fit for
/// the user (it names the type and the reason, not the value, for long values).
PgInput ToPgInput(const SfType& type, std::string_view input);

/// PostgreSQL text cannot hold NUL characters, so sfemu stores each NUL of a text value as
/// U+E000 (a private-use character) and turns it back into NUL on the wire. Text that contains
/// U+E000 itself is refused, which keeps the mapping exact.
inline constexpr std::string_view kNulStandIn = "\xEE\x80\x80";
/// `text` with its NULs replaced by the stand-in; throws a ValueError (an Error) if it holds
/// U+E000.
std::string StoreNuls(std::string_view text);

/// Whether `text` is a plain decimal number (optional sign, digits, optional fraction and
/// exponent), as Snowflake accepts it for NUMBER and FLOAT.
bool IsDecimalText(std::string_view text);

/// The Snowflake fixed type of a number literal as written (12.50 is NUMBER(4,2)).
SfType LiteralNumberType(std::string_view text);

}  // namespace sf2pg::sfemu
