// GEOGRAPHY and GEOMETRY values for PostGIS's binary input (EWKB: WKB with the SRID, the format
// geometry_recv and geography_recv read in binary COPY): from GeoJSON, as the SQL API sends
// them, or checked as ST_ASEWKB returns them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sf2pg::snowflake {

/// Appends the EWKB of the GeoJSON geometry `geojson` (Point, LineString, Polygon, Multi*,
/// GeometryCollection; 2D or 3D; empty ones included) with `srid` (0: none) to `out`. Every
/// coordinate is the double its text denotes (correctly rounded), so the value is unchanged.
/// False when the text is not such a geometry; `out` may then hold a partial value.
bool GeoJsonToEwkb(std::string_view geojson, int32_t srid, std::string* out);

/// Checks that `ewkb` is one whole (E)WKB geometry as ST_ASEWKB returns it (either byte
/// order; Z and M as EWKB flags or ISO type codes; Point to GeometryCollection) and sets `srid`
/// to its SRID (0 without one). False when it is not.
bool EwkbSrid(std::string_view ewkb, int32_t* srid);

/// `hex` (upper- or lower-case digits, as the SQL API writes BINARY) as bytes into `out`;
/// false when it is not hex.
bool DecodeHex(std::string_view hex, std::string* out);

}  // namespace sf2pg::snowflake
