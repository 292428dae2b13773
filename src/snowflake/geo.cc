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

// Walks one (E)WKB geometry, checking that every count fits the bytes that are left.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  bool Geometry(int depth, int32_t* srid) {
    if (depth > kMaxDepth || !Byte(&little_)) return false;
    uint32_t type = 0;
    if (!U32(&type)) return false;
    uint32_t id = 0;
    if ((type & kSridFlag) != 0 && !U32(&id)) return false;
    if (srid != nullptr) *srid = static_cast<int32_t>(id);
    uint32_t base = type & 0x0FFFFFFF;
    uint32_t dims = 2u + ((type & kZFlag) != 0 ? 1u : 0u) + ((type & kMFlag) != 0 ? 1u : 0u);
    if (base >= 1000) {  // ISO: 1000 Z, 2000 M, 3000 ZM
      if (dims != 2 || base / 1000 > 3) return false;
      dims += base / 1000 == 3 ? 2u : 1u;
      base %= 1000;
    }
    uint32_t n = 0;
    switch (base) {
      case kPoint:
        return Skip(uint64_t{8} * dims);
      case kLineString:
        return U32(&n) && Skip(uint64_t{8} * dims * n);
      case kPolygon:
        if (!U32(&n)) return false;
        for (uint32_t i = 0; i < n; ++i) {
          uint32_t points = 0;
          if (!U32(&points) || !Skip(uint64_t{8} * dims * points)) return false;
        }
        return true;
      case kMultiPoint:
      case kMultiLineString:
      case kMultiPolygon:
      case kCollection:
        if (!U32(&n)) return false;
        for (uint32_t i = 0; i < n; ++i) {
          if (!Geometry(depth + 1, nullptr)) return false;
        }
        return true;
      default:
        return false;
    }
  }

  bool AtEnd() const { return pos_ == in_.size(); }

 private:
  static constexpr int kMaxDepth = 32;
  static constexpr uint32_t kMFlag = 0x40000000;

  bool Byte(bool* little) {
    if (pos_ >= in_.size() || static_cast<unsigned char>(in_[pos_]) > 1) return false;
    *little = in_[pos_++] == '\1';
    return true;
  }

  bool U32(uint32_t* v) {
    if (in_.size() - pos_ < 4) return false;
    auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(in_[i])); };
    *v = little_ ? b(pos_) | b(pos_ + 1) << 8 | b(pos_ + 2) << 16 | b(pos_ + 3) << 24
                 : b(pos_) << 24 | b(pos_ + 1) << 16 | b(pos_ + 2) << 8 | b(pos_ + 3);
    pos_ += 4;
    return true;
  }

  bool Skip(uint64_t bytes) {
    if (in_.size() - pos_ < bytes) return false;
    pos_ += bytes;
    return true;
  }

  std::string_view in_;
  size_t pos_ = 0;
  bool little_ = true;
};

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool EwkbSrid(std::string_view ewkb, int32_t* srid) {
  Reader reader(ewkb);
  return reader.Geometry(0, srid) && reader.AtEnd();
}

bool DecodeHex(std::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  out->clear();
  out->reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = HexDigit(hex[i]), lo = HexDigit(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi << 4 | lo));
  }
  return true;
}

bool GeoJsonToEwkb(std::string_view geojson, int32_t srid, std::string* out) {
  json g = json::parse(geojson, nullptr, /*allow_exceptions=*/false);
  if (g.is_discarded()) return false;
  return Writer(out).Geometry(g, srid);
}

}  // namespace sf2pg::snowflake
