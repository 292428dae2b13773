// JSON text helpers: string escaping for the wire, and semi-structured values (VARIANT,
// OBJECT, ARRAY, GEOGRAPHY, GEOMETRY). sfemu stores each semi-structured value as a compact
// canonical JSON text (keys sorted, Snowflake's number spelling, `undefined` for a SQL NULL
// array element) and pretty-prints it on the way out, exactly as Snowflake does:
// newlines, 2-space indent, `"key": value`.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "error.h"
#include "sf_type.h"

namespace sf2pg::sfemu {

/// Appends a Unicode code point as UTF-8.
void AppendUtf8(std::string& out, uint32_t code_point);

/// The two-character backslash escape of \\ \n \r \t \b \f (shared by JSON and COPY text),
/// null for any other character.
const char* ShortEscape(char c);

/// Appends `text` as the inside of a JSON string (no quotes), escaping as the SQL API does:
/// \" \\ \b \f \n \r \t, other control characters as \u00XX; UTF-8 kept as is.
void AppendJsonEscaped(std::string& out, std::string_view text);
/// Appends `"text"`.
void AppendJsonString(std::string& out, std::string_view text);

/// Parses JSON `input` and returns its canonical compact text for a column of `kind`
/// (variant, object, array, geography, geometry). Object keys are sorted; `undefined` is
/// accepted as an array element (a SQL NULL). Throws a ValueError (an Error) for invalid JSON, for
/// a value of the wrong shape (OBJECT needs an object, ARRAY an array) and for numbers whose
/// Snowflake spelling sfemu cannot reproduce (exponents, trailing fraction zeros, over 38 digits).
/// `allow_undefined` accepts Snowflake's own `undefined` array elements (loader input);
/// PARSE_JSON does not.
std::string CanonicalJson(std::string_view input, SfKind kind, bool allow_undefined = true);

/// A GEOGRAPHY or GEOMETRY from WKT `POINT(x y)` or GeoJSON text, optionally after an EWKT
/// `SRID=n;` prefix, as sfemu stores it: canonical compact GeoJSON whose numbers are the
/// shortest text of their doubles (exact), and for a GEOMETRY with an SRID other than 0 an
/// outermost "srid" member. The GEOMETRY's SRID is `srid` when given (TO_GEOMETRY's second
/// argument), else the prefix's, else 0; a GEOGRAPHY's is 4326 and no other is accepted.
std::string CanonicalGeo(std::string_view input, SfKind kind,
                         std::optional<int64_t> srid = std::nullopt);
/// The SRID of a stored GEOMETRY (0 without one).
int64_t StoredGeometrySrid(std::string_view stored);
/// A stored GEOMETRY as the SQL API's GeoJSON: without the SRID (GeoJSON has none) and every
/// number in exponent form with 15 decimals (spec section 4), compact.
std::string GeometryWireJson(std::string_view stored);

/// Appends the Snowflake pretty rendering of canonical compact JSON, JSON-escaped so that it
/// can sit inside a wire string.
void AppendPrettyJsonEscaped(std::string& out, std::string_view compact);
/// The pretty rendering itself (tests and TO_VARCHAR need the plain text).
std::string PrettyJson(std::string_view compact);

/// Canonical text of a JSON string value (quoted and escaped the canonical way).
std::string CanonicalJsonString(std::string_view text);

}  // namespace sf2pg::sfemu
