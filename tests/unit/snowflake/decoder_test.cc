#include "snowflake/decoder.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "snowflake/errors.h"
#include "snowflake/http.h"
#include "unit/snowflake/recording_sink.h"

namespace sf2pg::snowflake {
namespace {

using sf2pg::testing::ParseCopyRows;
using sf2pg::testing::RecordingSink;

std::string Padded(std::string_view text) {
  std::string out;
  out.reserve(text.size() + kBodyPadding);
  out.append(text);
  return out;
}

using Rows = std::vector<std::vector<nlohmann::json>>;

// {"data": [[...], ...]}, built explicitly: nlohmann would read {{"1", "a"}} as an object.
std::string Body(const Rows& rows) {
  nlohmann::json data = nlohmann::json::array();
  for (const auto& row : rows) data.push_back(nlohmann::json(row));
  nlohmann::json body = nlohmann::json::object();
  body["data"] = data;
  return Padded(body.dump());
}

std::string Int64Bytes(int64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<size_t>(i)] = static_cast<char>(v & 0xFF);
    v >>= 8;
  }
  return out;
}

SourceColumn Col(std::string name, std::string type, int precision = 0, int scale = 0) {
  SourceColumn c;
  c.name = std::move(name);
  c.type = std::move(type);
  c.precision = precision;
  c.scale = scale;
  return c;
}

TargetColumn Target(std::string name, PgType type, int64_t max_length = 0) {
  TargetColumn t;
  t.name = std::move(name);
  t.type = type;
  t.max_length = max_length;
  return t;
}

struct Fixture {
  std::vector<SourceColumn> columns = {Col("ID", "fixed", 38, 0), Col("NAME", "text")};
  ChunkRequest request;
  RecordingSink sink;
  Fixture() {
    request.targets = {Target("id", PgType::kInt8), Target("name", PgType::kText, 5)};
    request.key_columns = {0};
    request.description = "DB.S.T chunk 3";
  }
};

TEST(ChunkDecoder, WritesRowsFromPartitionZeroAndLaterPartitions) {
  Fixture f;
  ChunkDecoder decoder(f.columns, f.request, f.sink);
  // Partition 0 arrives inside the whole first response; the decoder skips the metadata.
  std::string first = Padded(R"({"resultSetMetaData":{"numRows":3,"rowType":[]},)"
                             R"("data":[["1","Ada"],["2",null]],"code":"090001"})");
  decoder.Decode(first, 2);
  decoder.Decode(Body({{"-3", ""}}), 1);
  decoder.Flush();
  EXPECT_EQ(decoder.rows(), 3);
  EXPECT_EQ(f.sink.rows, 3);
  auto rows = ParseCopyRows(f.sink.data);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][0], Int64Bytes(1));
  EXPECT_EQ(rows[0][1], "Ada");
  EXPECT_EQ(rows[1][1], std::nullopt);
  EXPECT_EQ(rows[2][0], Int64Bytes(-3));
  EXPECT_EQ(rows[2][1], "");  // empty string, not NULL
}

TEST(ChunkDecoder, UnescapesJsonStrings) {
  Fixture f;
  f.request.targets[1].max_length = 0;
  ChunkDecoder decoder(f.columns, f.request, f.sink);
  decoder.Decode(Padded(R"({"data":[["1","a\"b\\c\nd\u00e9\ud83d\ude80"]]})"), 1);
  decoder.Flush();
  auto rows = ParseCopyRows(f.sink.data);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][1], "a\"b\\c\nd\xC3\xA9\xF0\x9F\x9A\x80");
}

TEST(ChunkDecoder, HandsWholeRowsInPiecesOfTheConfiguredSize) {
  Fixture f;
  Rows rows;
  for (int i = 0; i < 100; ++i) rows.push_back({std::to_string(i), "abc"});
  ChunkDecoder decoder(f.columns, f.request, f.sink, /*piece_bytes=*/100);
  decoder.Decode(Body(rows), 100);
  decoder.Flush();
  EXPECT_EQ(f.sink.rows, 100);
  ASSERT_GT(f.sink.pieces.size(), 5u);
  for (size_t i = 0; i + 1 < f.sink.pieces.size(); ++i) {
    EXPECT_GE(f.sink.piece_bytes[i], 100u);
    EXPECT_LT(f.sink.piece_bytes[i], 100u + 30u);  // at most one row beyond the threshold
  }
  EXPECT_EQ(ParseCopyRows(f.sink.data).size(), 100u);
}

TEST(ChunkDecoder, RejectsABadRowAndGoesOn) {
  Fixture f;
  ChunkDecoder decoder(f.columns, f.request, f.sink);
  decoder.Decode(Body({{"1", "short"}, {"42", "too long"}, {"3", "ok"}}), 3);
  decoder.Flush();
  EXPECT_EQ(decoder.rows(), 2);
  EXPECT_EQ(decoder.rejected(), 1);
  ASSERT_EQ(f.sink.rejects.size(), 1u);
  const BadRow& bad = f.sink.rejects[0];
  EXPECT_EQ(bad.row_number, 2);
  EXPECT_EQ(bad.column, "name");
  EXPECT_EQ(bad.key, "ID=42");
  EXPECT_NE(bad.reason.find("longer than 5 characters"), std::string::npos) << bad.reason;
  EXPECT_EQ(nlohmann::json::parse(bad.raw), nlohmann::json::array({"42", "too long"}));
  auto rows = ParseCopyRows(f.sink.data);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][1], "ok");
}

TEST(ChunkDecoder, FailsOnABadRowTheSinkDoesNotTake) {
  Fixture f;
  f.sink.accept_rejects = false;
  f.columns.push_back(Col("REGION", "text"));
  f.request.targets.push_back(Target("region", PgType::kText));
  f.request.key_columns = {0, 2};
  ChunkDecoder decoder(f.columns, f.request, f.sink);
  try {
    decoder.Decode(Body({{"1", "a", "EU"}, {"7", std::string("a\0b", 3), "O'Neil"}}), 2);
    FAIL() << "no DataError";
  } catch (const DataError& e) {
    EXPECT_EQ(std::string(e.what()),
              "DB.S.T chunk 3: row 2 (ID=7, REGION='O''Neil'), column name: text contains a NUL "
              "byte, which PostgreSQL cannot store");
  }
}

TEST(ChunkDecoder, CountsCharactersNotBytesForVarchar) {
  Fixture f;
  ChunkDecoder decoder(f.columns, f.request, f.sink);
  decoder.Decode(Body({{"1", "Zoë東京"}, {"2", "Zoë東京x"}}), 2);
  decoder.Flush();
  EXPECT_EQ(decoder.rows(), 1);
  EXPECT_EQ(decoder.rejected(), 1);
  EXPECT_EQ(f.sink.rejects[0].row_number, 2);
}

TEST(ChunkDecoder, RefusesNullForANotNullColumn) {
  Fixture f;
  f.request.targets[1].not_null = true;
  ChunkDecoder decoder(f.columns, f.request, f.sink);
  decoder.Decode(Body({{"1", nullptr}}), 1);
  ASSERT_EQ(f.sink.rejects.size(), 1u);
  EXPECT_NE(f.sink.rejects[0].reason.find("NOT NULL"), std::string::npos);
}

TEST(ChunkDecoder, NeedsOneTargetPerResultColumn) {
  Fixture f;
  f.request.targets.pop_back();
  try {
    ChunkDecoder decoder(f.columns, f.request, f.sink);
    FAIL() << "no error";
  } catch (const InternalError& e) {
    EXPECT_NE(std::string(e.what()).find("2 columns but 1 target"), std::string::npos);
  }
}

TEST(ChunkDecoder, RefusesATypePairItCannotEncode) {
  Fixture f;
  f.request.targets[1].type = PgType::kDate;
  EXPECT_THROW(ChunkDecoder(f.columns, f.request, f.sink), InternalError);
}

TEST(ChunkDecoder, ResumesADamagedPartitionWithoutDuplicatingRows) {
  Fixture f;
  Rows rows;
  for (int i = 0; i < 50; ++i) rows.push_back({std::to_string(i), "r"});
  std::string whole = Body(rows);
  // Row 31 damaged (a bare number where the SQL API always sends a string).
  std::string damaged = whole;
  damaged.replace(damaged.find("[\"30\""), 5, "[30");
  ChunkDecoder decoder(f.columns, f.request, f.sink, /*piece_bytes=*/64);
  EXPECT_THROW(decoder.Decode(Padded(damaged), 50), MalformedResultError);
  EXPECT_EQ(decoder.rows(), 30);
  decoder.Decode(whole, 50, /*resume=*/true);
  decoder.Flush();
  EXPECT_EQ(decoder.rows(), 50);
  auto copied = ParseCopyRows(f.sink.data);
  ASSERT_EQ(copied.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(copied[static_cast<size_t>(i)][0], Int64Bytes(i));
}

TEST(ChunkDecoder, RefusesATruncatedPartitionBeforeAnyRow) {
  Fixture f;
  Rows rows;
  for (int i = 0; i < 50; ++i) rows.push_back({std::to_string(i), "r"});
  std::string whole = Body(rows);
  for (size_t cut : {whole.size() / 3, whole.find("],") + 2, whole.size() - 1}) {
    ChunkDecoder decoder(f.columns, f.request, f.sink);
    EXPECT_THROW(decoder.Decode(Padded(whole.substr(0, cut)), 50), MalformedResultError) << cut;
    EXPECT_EQ(decoder.rows(), 0) << cut;
  }
}

TEST(ChunkDecoder, TreatsBrokenBodiesAsMalformed) {
  for (const char* text : {"", "{", "[]", R"({"data":[["1"]]})", R"({"data":[["1","a","b"]]})",
                           R"({"data":[[1,"a"]]})", R"({"nodata":[]})", "<html>"}) {
    Fixture f;
    ChunkDecoder decoder(f.columns, f.request, f.sink);
    EXPECT_THROW(decoder.Decode(Padded(text), -1), MalformedResultError) << text;
  }
}

TEST(ChunkDecoder, ChecksTheAnnouncedRowCount) {
  Fixture f;
  ChunkDecoder decoder(f.columns, f.request, f.sink);
  EXPECT_THROW(decoder.Decode(Body({{"1", "a"}}), 2), MalformedResultError);
}

}  // namespace
}  // namespace sf2pg::snowflake
