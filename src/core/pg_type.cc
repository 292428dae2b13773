#include "core/pg_type.h"

#include <array>
#include <charconv>
#include <vector>

namespace sf2pg {
namespace {

struct Named {
  std::string_view name;
  PgType type;
};

// format_type() spellings, without any "(modifier)".
constexpr std::array kNames = {
    Named{"boolean", PgType::kBool},
    Named{"smallint", PgType::kInt2},
    Named{"integer", PgType::kInt4},
    Named{"bigint", PgType::kInt8},
    Named{"numeric", PgType::kNumeric},
    Named{"real", PgType::kFloat4},
    Named{"double precision", PgType::kFloat8},
    Named{"text", PgType::kText},
    Named{"character varying", PgType::kText},
    Named{"character", PgType::kText},
    Named{"bpchar", PgType::kText},
    Named{"citext", PgType::kText},
    Named{"bytea", PgType::kBytea},
    Named{"date", PgType::kDate},
    Named{"time without time zone", PgType::kTime},
    Named{"timestamp without time zone", PgType::kTimestamp},
    Named{"timestamp with time zone", PgType::kTimestamptz},
    Named{"json", PgType::kJson},
    Named{"jsonb", PgType::kJsonb},
    Named{"uuid", PgType::kUuid},
    Named{"real[]", PgType::kFloat4Array},
    Named{"double precision[]", PgType::kFloat8Array},
    Named{"integer[]", PgType::kInt4Array},
    Named{"geometry", PgType::kGeometry},
    Named{"geography", PgType::kGeography},
};

// PostGIS's typmod as format_type() prints it: "geometry(Point,3857)", "geography(Polygon)"
// (geography without an SRID means 4326). True when `text` is such a type; sets the column.
bool SpatialType(std::string_view text, TargetColumn* column) {
  size_t dot = text.find('.');  // "postgis.geometry" when the extension's schema is elsewhere
  if (dot != std::string_view::npos && dot < text.find('(')) text.remove_prefix(dot + 1);
  for (PgType type : {PgType::kGeometry, PgType::kGeography}) {
    std::string_view name = type == PgType::kGeometry ? "geometry" : "geography";
    if (text.substr(0, name.size()) != name) continue;
    std::string_view rest = text.substr(name.size());
    column->type = type;
    column->srid = type == PgType::kGeography ? 4326 : 0;
    if (rest.empty()) return true;
    if (rest.front() != '(' || rest.back() != ')') return false;
    size_t comma = rest.find(',');
    if (comma == std::string_view::npos) return true;
    std::string_view srid = rest.substr(comma + 1, rest.size() - comma - 2);
    auto [end, ec] = std::from_chars(srid.data(), srid.data() + srid.size(), column->srid);
    return ec == std::errc() && end == srid.data() + srid.size();
  }
  return false;
}

// Splits "timestamp(3) with time zone" into "timestamp with time zone" and {3}.
bool SplitModifiers(std::string_view text, std::string* base, std::vector<int>* mods) {
  size_t open = text.find('(');
  if (open == std::string_view::npos) {
    *base = std::string(text);
    return true;
  }
  size_t close = text.find(')', open);
  if (close == std::string_view::npos) return false;
  *base = std::string(text.substr(0, open)) + std::string(text.substr(close + 1));
  std::string_view inner = text.substr(open + 1, close - open - 1);
  while (!inner.empty()) {
    while (!inner.empty() && inner.front() == ' ') inner.remove_prefix(1);
    int value = 0;
    auto [end, ec] = std::from_chars(inner.data(), inner.data() + inner.size(), value);
    if (ec != std::errc()) return false;
    mods->push_back(value);
    inner.remove_prefix(static_cast<size_t>(end - inner.data()));
    if (!inner.empty() && inner.front() == ',') inner.remove_prefix(1);
  }
  return true;
}

bool ApplyModifiers(std::string_view base, const std::vector<int>& mods, TargetColumn* column) {
  if (mods.empty()) {
    if (base == "character") column->max_length = 1;  // char without a length is char(1)
    return true;
  }
  switch (column->type) {
    case PgType::kNumeric:
      column->precision = mods[0];
      column->scale = mods.size() > 1 ? mods[1] : 0;
      return mods.size() <= 2;
    case PgType::kText:
      column->max_length = mods[0];
      return mods.size() == 1;
    case PgType::kTime:
    case PgType::kTimestamp:
    case PgType::kTimestamptz:
      column->fraction_digits = mods[0];
      return mods.size() == 1;
    default:
      return false;
  }
}

}  // namespace

std::optional<TargetColumn> TargetColumnFromFormatType(std::string name,
                                                       std::string_view format_type,
                                                       bool not_null) {
  TargetColumn spatial;
  if (SpatialType(format_type, &spatial)) {
    spatial.name = std::move(name);
    spatial.not_null = not_null;
    spatial.sql_type = std::string(format_type);
    return spatial;
  }
  std::string base;
  std::vector<int> mods;
  if (!SplitModifiers(format_type, &base, &mods)) return std::nullopt;
  // pgvector's vector(n), "public.vector(n)" when its schema is not on the search path.
  if (base == "vector" || (base.size() > 7 && base.compare(base.size() - 7, 7, ".vector") == 0)) {
    if (mods.size() > 1) return std::nullopt;
    TargetColumn column;
    column.name = std::move(name);
    column.type = PgType::kVector;
    column.precision = mods.empty() ? 0 : mods[0];
    column.not_null = not_null;
    column.sql_type = std::string(format_type);
    return column;
  }
  for (const Named& named : kNames) {
    if (named.name != base) continue;
    TargetColumn column;
    column.name = std::move(name);
    column.type = named.type;
    column.not_null = not_null;
    column.sql_type = std::string(format_type);
    if (!ApplyModifiers(base, mods, &column)) return std::nullopt;
    return column;
  }
  return std::nullopt;
}

std::string_view PgTypeName(PgType type) {
  switch (type) {
    case PgType::kBool:
      return "boolean";
    case PgType::kInt2:
      return "smallint";
    case PgType::kInt4:
      return "integer";
    case PgType::kInt8:
      return "bigint";
    case PgType::kNumeric:
      return "numeric";
    case PgType::kFloat4:
      return "real";
    case PgType::kFloat8:
      return "double precision";
    case PgType::kText:
      return "text";
    case PgType::kBytea:
      return "bytea";
    case PgType::kDate:
      return "date";
    case PgType::kTime:
      return "time without time zone";
    case PgType::kTimestamp:
      return "timestamp without time zone";
    case PgType::kTimestamptz:
      return "timestamp with time zone";
    case PgType::kJson:
      return "json";
    case PgType::kJsonb:
      return "jsonb";
    case PgType::kUuid:
      return "uuid";
    case PgType::kFloat4Array:
      return "real[]";
    case PgType::kFloat8Array:
      return "double precision[]";
    case PgType::kInt4Array:
      return "integer[]";
    case PgType::kGeometry:
      return "geometry";
    case PgType::kGeography:
      return "geography";
    case PgType::kVector:
      return "vector";
  }
  return "unknown";
}

std::string PgTypeSql(const TargetColumn& column) {
  switch (column.type) {
    case PgType::kNumeric:
      if (column.precision == 0) return "numeric";
      return "numeric(" + std::to_string(column.precision) + "," + std::to_string(column.scale) +
             ")";
    case PgType::kText:
      if (column.max_length == 0) return "text";
      return "character varying(" + std::to_string(column.max_length) + ")";
    case PgType::kTime:
    case PgType::kTimestamp:
    case PgType::kTimestamptz: {
      std::string name(PgTypeName(column.type));
      if (column.fraction_digits >= 6) return name;
      size_t space = name.find(' ');
      return name.substr(0, space) + "(" + std::to_string(column.fraction_digits) + ")" +
             name.substr(space);
    }
    case PgType::kVector:
      return column.precision > 0 ? "vector(" + std::to_string(column.precision) + ")" : "vector";
    default:
      return std::string(PgTypeName(column.type));
  }
}

}  // namespace sf2pg
