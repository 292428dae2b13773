#include "pg_rows.h"

#include <cstring>

#include "error.h"
#include "json_text.h"
#include "wire.h"

namespace sf2pg::sfemu {
namespace {

constexpr Oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kFloat4 = 700,
              kFloat8 = 701, kNumeric = 1700, kTime = 1083, kTimestamp = 1114, kTimestamptz = 1184;

/// A TIME/TIMESTAMP value: PostgreSQL's microseconds and the nanoseconds beyond them.
struct Temporal {
  int64_t micros;
  int nanos;
};

/// Reads a time/timestamp/timestamptz, or a composite (microseconds, nanoseconds) of one
/// (sfemu_catalog.ntz_ns, ltz_ns, time_ns: columns of scale 7-9), in binary form.
Temporal ReadTemporal(Oid oid, std::string_view bytes) {
  const char* p = bytes.data();
  if (oid == kTime || oid == kTimestamp || oid == kTimestamptz) return {wire::ReadInt64(p), 0};
  // record_send: count, then (oid, length, bytes) per field.
  if (bytes.size() != 30 || wire::ReadInt32(p) != 2 || wire::ReadInt32(p + 8) != 8 ||
      wire::ReadInt32(p + 24) != 2) {
    throw InternalError("unexpected PostgreSQL temporal type " + std::to_string(oid));
  }
  return {wire::ReadInt64(p + 12), wire::ReadInt16(p + 28)};
}

int64_t ReadInteger(Oid oid, const char* p) {
  switch (oid) {
    case kInt8:
      return wire::ReadInt64(p);
    case kInt4:
      return wire::ReadInt32(p);
    case kInt2:
      return wire::ReadInt16(p);
    default:
      throw InternalError("unexpected PostgreSQL integer type " + std::to_string(oid));
  }
}

}  // namespace

RowRenderer::RowRenderer(const TranslatedQuery& query, bool nullable_null,
                         const OutputFormats& formats)
    : null_text_(nullable_null ? "null" : "\"null\"") {
  for (size_t i = 0; i < query.columns.size(); ++i) {
    Column c;
    c.type = query.columns[i].type;
    c.value = query.value_index[i];
    c.offset = query.offset_index[i];
    c.format = formats.For(c.type.kind);
    columns_.push_back(c);
  }
}

void RowRenderer::Bind(const postgres::Result& result) {
  for (auto& c : columns_) {
    c.oid = result.ColumnType(c.value);
    if (c.offset >= 0) c.offset_oid = result.ColumnType(c.offset);
  }
}

void RowRenderer::Append(std::string& out, const postgres::Result& result, int row) const {
  out += '[';
  bool first = true;
  for (const auto& c : columns_) {
    if (!first) out += ',';
    first = false;
    if (result.IsNull(row, c.value)) {
      out += null_text_;
      continue;
    }
    out += '"';
    AppendValue(out, c, result.Get(row, c.value), result, row);
    out += '"';
  }
  out += ']';
}

void RowRenderer::AppendValue(std::string& out, const Column& c, std::string_view bytes,
                              const postgres::Result& result, int row) const {
  const char* p = bytes.data();
  switch (c.type.kind) {
    case SfKind::kFixed:
      if (c.oid == kNumeric) {
        wire::AppendNumeric(out, bytes, c.type.scale);
      } else if (c.oid == kFloat8) {
        throw InternalError("float value in a NUMBER column");
      } else {
        wire::AppendInteger(out, ReadInteger(c.oid, p), c.type.scale);
      }
      return;
    case SfKind::kReal:
      if (c.oid == kFloat4) {
        auto bits = static_cast<uint32_t>(wire::ReadInt32(p));
        float f;
        std::memcpy(&f, &bits, 4);
        wire::AppendFloat(out, f);
      } else {
        wire::AppendFloat(out, wire::ReadFloat8(p));
      }
      return;
    case SfKind::kBoolean:
      out += p[0] ? "true" : "false";
      return;
    case SfKind::kDate:
      if (c.format) {
        int64_t days = wire::ReadInt32(p) + wire::kPgEpochDays;
        AppendFormatted(out, *c.format, days * 86400 * 1000000, 0);
        return;
      }
      wire::AppendDate(out, wire::ReadInt32(p));
      return;
    case SfKind::kTime: {
      Temporal v = ReadTemporal(c.oid, bytes);
      if (c.format) {
        AppendFormatted(out, *c.format, v.micros, 0, v.nanos);
        return;
      }
      wire::AppendTime(out, v.micros, c.type.scale, v.nanos);
      return;
    }
    case SfKind::kTimestampNtz:
    case SfKind::kTimestampLtz: {
      Temporal v = ReadTemporal(c.oid, bytes);
      // LTZ is shown in UTC here; the service shows it in the request's TIMEZONE.
      if (c.format) {
        AppendFormatted(out, *c.format, v.micros + wire::kPgEpochMicros, 0, v.nanos);
        return;
      }
      wire::AppendTimestamp(out, v.micros, c.type.scale, v.nanos);
      return;
    }
    case SfKind::kTimestampTz: {
      Temporal v = ReadTemporal(c.oid, bytes);
      int offset = 0;
      if (c.offset >= 0 && !result.IsNull(row, c.offset)) {
        offset = static_cast<int>(ReadInteger(c.offset_oid, result.Get(row, c.offset).data()));
      }
      if (c.format) {
        AppendFormatted(out, *c.format,
                        v.micros + wire::kPgEpochMicros + int64_t{offset} * 60000000, offset,
                        v.nanos);
        return;
      }
      wire::AppendTimestampTz(out, v.micros, c.type.scale, offset, v.nanos);
      return;
    }
    case SfKind::kBinary:
      wire::AppendHex(out, bytes);
      return;
    case SfKind::kVariant:
    case SfKind::kObject:
    case SfKind::kArray:
    case SfKind::kGeography:
      AppendPrettyJsonEscaped(out, bytes);
      return;
    case SfKind::kGeometry:
      AppendPrettyJsonEscaped(out, GeometryWireJson(bytes));
      return;
    case SfKind::kVector:
      wire::AppendVector(out, bytes);
      return;
    case SfKind::kText:
    case SfKind::kNull:
      if (c.oid == kBytea || c.oid == kBool) throw InternalError("unexpected text column type");
      AppendJsonEscaped(out, bytes);
      return;
  }
}

}  // namespace sf2pg::sfemu
