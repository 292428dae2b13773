#include "snowflake/geo.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

namespace sf2pg::snowflake {
namespace {

using nlohmann::json;

// WKB type codes and the EWKB flags PostGIS reads.
enum WkbType : uint32_t {
  kPoint = 1,
  kLineString = 2,
  kPolygon = 3,
  kMultiPoint = 4,
  kMultiLineString = 5,
  kMultiPolygon = 6,
  kCollection = 7,
};
constexpr uint32_t kZFlag = 0x80000000;
constexpr uint32_t kSridFlag = 0x20000000;

struct Kind {
  std::string_view name;
  WkbType type;
  int depth;  ///< nesting of "coordinates": 1 for a position, 2 for a list of them, ...
};

constexpr Kind kKinds[] = {
    {"Point", kPoint, 1},
    {"LineString", kLineString, 2},
    {"Polygon", kPolygon, 3},
    {"MultiPoint", kMultiPoint, 2},
    {"MultiLineString", kMultiLineString, 3},
    {"MultiPolygon", kMultiPolygon, 4},
};

class Writer {
 public:
  explicit Writer(std::string* out) : out_(out) {}

  bool Geometry(const json& g, int32_t srid) {
    if (!g.is_object() || !g.contains("type") || !g["type"].is_string()) return false;
    const std::string& type = g["type"].get_ref<const std::string&>();
    if (type == "GeometryCollection") {
      auto it = g.find("geometries");
      if (it == g.end() || !it->is_array()) return false;
      Header(kCollection, HasZ(*it), srid);
      Count(it->size());
      for (const json& member : *it) {
        if (!Geometry(member, 0)) return false;
      }
      return true;
    }
    for (const Kind& kind : kKinds) {
      if (kind.name != type) continue;
      auto it = g.find("coordinates");
      if (it == g.end() || !it->is_array()) return false;
      return Coordinates(kind, *it, srid);
    }
    return false;
  }

 private:
  // The number of values of the first position in `node` (a geometry or its coordinates);
  // 0 when it has none (an empty geometry).
  static size_t FirstPositionSize(const json& node) {
    if (node.is_object()) {
      if (auto it = node.find("coordinates"); it != node.end()) return FirstPositionSize(*it);
      if (auto it = node.find("geometries"); it != node.end()) return FirstPositionSize(*it);
      return 0;
    }
    if (!node.is_array() || node.empty()) return 0;
    if (node.front().is_number()) return node.size();
    for (const json& child : node) {
      if (size_t size = FirstPositionSize(child)) return size;
    }
    return 0;
  }

  // A geometry has Z when its first position has three numbers.
  static bool HasZ(const json& node) { return FirstPositionSize(node) == 3; }

  bool Coordinates(const Kind& kind, const json& coords, int32_t srid) {
    z_ = HasZ(coords);
    Header(kind.type, z_, srid);
    switch (kind.type) {
      case kPoint:
        return Position(coords, /*empty_ok=*/true);
      case kLineString:
        return Positions(coords);
      case kPolygon:
        return Rings(coords);
      default:
        break;
    }
    // Multi*: each member is a whole WKB geometry of the single kind.
    const Kind& member = kKinds[kind.type - kMultiPoint];
    Count(coords.size());
    bool z = z_;
    for (const json& part : coords) {
      if (!part.is_array()) return false;
      Header(member.type, z, 0);
      bool ok = member.type == kPoint        ? Position(part, false)
                : member.type == kLineString ? Positions(part)
                                             : Rings(part);
      if (!ok) return false;
    }
    return true;
  }

  bool Rings(const json& rings) {
    if (!rings.is_array()) return false;
    Count(rings.size());
    for (const json& ring : rings) {
      if (!Positions(ring)) return false;
    }
    return true;
  }

  bool Positions(const json& list) {
    if (!list.is_array()) return false;
    Count(list.size());
    for (const json& p : list) {
      if (!Position(p, false)) return false;
    }
    return true;
  }

  // x, y (and z): an empty point (only a Point's own "coordinates": []) is NaN, NaN as in WKB.
  bool Position(const json& p, bool empty_ok) {
    if (!p.is_array()) return false;
    if (p.empty() && empty_ok) {
      for (int i = 0; i < 2; ++i) Double(std::nan(""));
      return true;
    }
    if (p.size() != (z_ ? 3u : 2u)) return false;
    for (const json& n : p) {
      if (!n.is_number()) return false;
      double v = n.get<double>();
      if (!std::isfinite(v)) return false;
      Double(v);
    }
    return true;
  }

  void Header(uint32_t type, bool z, int32_t srid) {
    out_->push_back(std::endian::native == std::endian::little ? '\1' : '\0');
    if (z) type |= kZFlag;
    if (srid != 0) type |= kSridFlag;
    Raw(type);
    if (srid != 0) Raw(static_cast<uint32_t>(srid));
  }

  void Count(size_t n) { Raw(static_cast<uint32_t>(n)); }
  void Double(double v) { Raw(v); }

  template <typename T>
  void Raw(T v) {
    char bytes[sizeof v];
    std::memcpy(bytes, &v, sizeof v);
    out_->append(bytes, sizeof v);
  }

  std::string* out_;
  bool z_ = false;
};

}  // namespace

bool GeoJsonToEwkb(std::string_view geojson, int32_t srid, std::string* out) {
  json g = json::parse(geojson, nullptr, /*allow_exceptions=*/false);
  if (g.is_discarded()) return false;
  return Writer(out).Geometry(g, srid);
}

}  // namespace sf2pg::snowflake
