// GeoJSON, as the SQL API sends GEOGRAPHY and GEOMETRY values, to PostGIS's binary input
// (EWKB: WKB with the SRID), the format geometry_recv and geography_recv read in binary COPY.
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

}  // namespace sf2pg::snowflake
