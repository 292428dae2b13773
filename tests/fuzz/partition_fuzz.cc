// libFuzzer target: SQL API response bodies as the client receives them. The first two bytes
// pick the result's columns from a table of every Snowflake type (each encoded for the target
// sf2pg would create, or for a narrower one); the rest is the body. The reader and the decoder
// may refuse a body only with an sf2pg error, and whatever rows they hand on must be well-formed
// binary COPY rows with one field per column.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/error.h"
#include "snowflake/decoder.h"
#include "snowflake/http.h"
#include "snowflake/result.h"
#include "snowflake/type_mapping.h"
#include "unit/snowflake/recording_sink.h"

namespace {

using sf2pg::PgType;
using sf2pg::SourceColumn;
using sf2pg::TargetColumn;

struct Pair {
  SourceColumn source;
  TargetColumn target;
};

SourceColumn Col(const char* type, int precision = 0, int scale = 0) {
  SourceColumn c;
  c.name = std::string("C_") + type;
  c.type = type;
  c.precision = precision;
  c.scale = scale;
  return c;
}

Pair Mapped(SourceColumn c) {
  TargetColumn t = sf2pg::snowflake::MapColumn(c);
  return {std::move(c), std::move(t)};
}

Pair Narrow(SourceColumn c, PgType type, int precision, int scale, int64_t max_length) {
  TargetColumn t;
  t.name = c.name;
  t.type = type;
  t.precision = precision;
  t.scale = scale;
  t.max_length = max_length;
  t.fraction_digits = 3;
  return {std::move(c), std::move(t)};
}

const std::vector<Pair>& Columns() {
  static const std::vector<Pair> columns = [] {
    std::vector<Pair> v = {
        Mapped(Col("fixed", 38, 0)),
        Mapped(Col("fixed", 9, 0)),
        Mapped(Col("fixed", 38, 10)),
        Mapped(Col("fixed", 12, 2)),
        Mapped(Col("real")),
        Mapped(Col("decfloat", 38, 0)),
        Mapped(Col("text")),
        Mapped(Col("binary")),
        Mapped(Col("boolean")),
        Mapped(Col("date")),
        Mapped(Col("time", 0, 9)),
        Mapped(Col("timestamp_ntz", 0, 9)),
        Mapped(Col("timestamp_ltz", 0, 9)),
        Mapped(Col("timestamp_tz", 0, 9)),
        Mapped(Col("variant")),
        Mapped(Col("object")),
        Mapped(Col("array")),
        Narrow(Col("fixed", 38, 0), PgType::kInt2, 0, 0, 0),
        Narrow(Col("fixed", 38, 4), PgType::kNumeric, 6, 2, 0),
        Narrow(Col("text"), PgType::kText, 0, 0, 5),
        Narrow(Col("timestamp_ntz", 0, 9), PgType::kTimestamp, 0, 0, 0),
        Narrow(Col("variant"), PgType::kJson, 0, 0, 0),
        Narrow(Col("text"), PgType::kUuid, 0, 0, 0),
    };
    return v;
  }();
  return columns;
}

// Field count and lengths of every COPY row are consistent, and each row has `fields` fields.
void CheckCopyRows(const std::string& data, size_t fields) {
  for (const auto& row : sf2pg::testing::ParseCopyRows(data)) {
    if (row.size() != fields) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const auto& table = Columns();
  size_t count = 1 + data[0] % 6, first = data[1];
  std::vector<SourceColumn> sources;
  sf2pg::ChunkRequest request;
  request.description = "FUZZ.PUBLIC.T chunk 1";
  request.key_columns = {0};
  for (size_t i = 0; i < count; ++i) {
    const Pair& p = table[(first + i) % table.size()];
    sources.push_back(p.source);
    request.targets.push_back(p.target);
  }
  std::string body;
  body.reserve(size - 2 + sf2pg::snowflake::kBodyPadding);
  body.assign(reinterpret_cast<const char*>(data) + 2, size - 2);

  sf2pg::snowflake::ResultReader reader;
  sf2pg::snowflake::StatementMeta meta;
  std::string why;
  if (reader.ReadMeta(body, &meta, &why)) {
    sf2pg::snowflake::WireRows rows;
    (void)reader.ReadRows(body, count, &rows, &why);
    for (const auto& row : rows) {
      if (row.size() != count) std::abort();
    }
  }
  std::string clean;
  std::vector<size_t> bad;
  clean.reserve(body.size() + sf2pg::snowflake::kBodyPadding);
  sf2pg::snowflake::ReplaceInvalidUtf8(body, &clean, &bad);

  for (bool reject : {false, true}) {
    sf2pg::testing::RecordingSink sink;
    sink.accept_rejects = reject;
    try {
      sf2pg::snowflake::ChunkDecoder decoder(sources, request, sink, 256);
      decoder.Decode(body, -1);
      decoder.Flush();
      if (decoder.rows() != sink.rows) std::abort();
    } catch (const sf2pg::Error&) {
    }
    CheckCopyRows(sink.data, count);
  }
  return 0;
}
