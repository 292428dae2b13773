#include "snowflake/decoder.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "snowflake/errors.h"
#include "snowflake/http.h"
#include "snowflake/result.h"
#include "unit/snowflake/padded_body.h"
#include "unit/snowflake/recording_sink.h"

namespace sf2pg::snowflake {
namespace {

using sf2pg::testing::ParseCopyRows;
using sf2pg::testing::RecordingSink;

using sf2pg::testing::Padded;

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

// keep_tz_offset selects a TIMESTAMP_TZ column twice: the first cell lands as the instant, the
// second, for a tz_offset target, as the offset in minutes.
TEST(ChunkDecoder, ATimestampTzSelectedTwiceLandsAsInstantAndOffset) {
  std::vector<SourceColumn> columns = {Col("ID", "fixed", 38, 0), Col("AT", "timestamp_tz", 0, 9),
                                       Col("AT", "timestamp_tz", 0, 9)};
  ChunkRequest request;
  TargetColumn offset = Target("at_offset_minutes", PgType::kInt2);
  offset.tz_offset = true;
  request.targets = {Target("id", PgType::kInt8), Target("at", PgType::kTimestamptz), offset};
  request.key_columns = {0};
  request.description = "DB.S.T chunk 1";
  RecordingSink sink;
  ChunkDecoder decoder(columns, request, sink);
  const std::string at = "1689307215.250000000 1770";  // +05:30
  decoder.Decode(Body({{"1", at, at},
                       {"2", nullptr, nullptr},
                       {"3", "1689355815.250000000 960", "1689355815.250000000 960"},
                       {"4", "1689307215.25 1770", "1689307215.25 1770"}}),
                 4);
  decoder.Flush();
  EXPECT_EQ(decoder.rows(), 3);
  ASSERT_EQ(sink.rejects.size(), 1u);  // the malformed row is one bad row, named by its value
  EXPECT_EQ(sink.rejects[0].key, "ID=4");
  EXPECT_EQ(sink.rejects[0].column, "at");
  auto rows = ParseCopyRows(sink.data);
  ASSERT_EQ(rows.size(), 3u);
  constexpr int64_t kPgEpochMicros = 946684800LL * 1000000;
  EXPECT_EQ(rows[0][1], Int64Bytes(1689307215250000 - kPgEpochMicros));
  EXPECT_EQ(rows[0][2], std::string("\x01\x4a", 2));  // 330
  EXPECT_EQ(rows[1][1], std::nullopt);
  EXPECT_EQ(rows[1][2], std::nullopt);
  EXPECT_EQ(rows[2][2], std::string("\xfe\x20", 2));  // -480
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

TEST(ChunkDecoder, RefusesADateInAnotherEncodingWithTableChunkKeyAndColumn) {
  Fixture f;
  f.sink.accept_rejects = false;
  f.columns = {Col("ID", "fixed", 38, 0), Col("D", "date")};
  f.request.targets = {Target("id", PgType::kInt8), Target("d", PgType::kDate)};
  ChunkDecoder decoder(f.columns, f.request, f.sink);
  try {
    // What DATE_OUTPUT_FORMAT = 'YYYYMMDD' writes for 2026-10-09: all digits, but no day count.
    decoder.Decode(Body({{"1", "20735"}, {"7", "20261009"}}), 2);
    FAIL() << "no DataError";
  } catch (const DataError& e) {
    EXPECT_EQ(std::string(e.what()),
              "DB.S.T chunk 3: row 2 (ID=7), column d: value 20261009 is outside the range of "
              "Snowflake date values: the SQL API's encoding is days since 1970-01-01, "
              "-9999-01-01 to 9999-12-31 (is a *_OUTPUT_FORMAT parameter changing the wire "
              "text?)");
  }
}

TEST(ChunkDecoder, RejectsFormattedDateTimeTextAndLoadsTheCanonicalRow) {
  Fixture f;
  f.columns = {Col("ID", "fixed", 38, 0), Col("T", "time", 0, 3), Col("TS", "timestamp_ntz", 0, 3)};
  f.request.targets = {Target("id", PgType::kInt8), Target("t", PgType::kTime),
                       Target("ts", PgType::kTimestamp)};
  ChunkDecoder decoder(f.columns, f.request, f.sink);
  decoder.Decode(Body({{"1", "34215.250", "1689327015.250"},
                       {"2", "09:30:15.250", "1689327015.250"},
                       {"3", "34215.250", "2023-07-14 09:30:15.250"}}),
                 3);
  decoder.Flush();
  EXPECT_EQ(decoder.rows(), 1);
  ASSERT_EQ(f.sink.rejects.size(), 2u);
  EXPECT_EQ(f.sink.rejects[0].column, "t");
  EXPECT_NE(f.sink.rejects[0].reason.find("is not a valid Snowflake time value"), std::string::npos)
      << f.sink.rejects[0].reason;
  EXPECT_EQ(f.sink.rejects[1].column, "ts");
  EXPECT_EQ(f.sink.rejects[1].key, "ID=3");
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

// A row of every kind a crafted (or damaged) SQL API response can hold that PostgreSQL would
// refuse: each must become a bad row naming its column, never a changed value and never a
// COPY that PostgreSQL rejects as a whole.
struct BadValues {
  std::vector<SourceColumn> columns = {Col("ID", "fixed", 38, 0), Col("T", "text"),
                                       Col("D", "date"),          Col("TS", "timestamp_ntz", 0, 9),
                                       Col("N", "fixed", 38, 0),  Col("J", "variant"),
                                       Col("JT", "variant")};
  ChunkRequest request;
  RecordingSink sink;
  BadValues() {
    request.targets = {Target("id", PgType::kInt8), Target("t", PgType::kText),
                       Target("d", PgType::kDate),  Target("ts", PgType::kTimestamp),
                       Target("n", PgType::kInt4),  Target("j", PgType::kJsonb),
                       Target("jt", PgType::kJson)};
    request.key_columns = {0};
    request.description = "DB.S.T chunk 9";
  }
  // A row whose cells are raw JSON tokens (so they can hold bytes nlohmann would not write).
  static std::string Row(int id, const std::string& t = R"("ok")",
                         const std::string& d = R"("19000")",
                         const std::string& ts = R"("1689307215.250000000")",
                         const std::string& n = R"("7")", const std::string& j = R"("{\"a\": 1}")",
                         const std::string& jt = R"("[1]")") {
    return "[\"" + std::to_string(id) + "\"," + t + "," + d + "," + ts + "," + n + "," + j + "," +
           jt + "]";
  }
};

struct BadCase {
  std::string row;
  std::string column;
  std::string reason;
};

std::vector<BadCase> BadCases() {
  using B = BadValues;
  return {
      {B::Row(2, "\"caf\xC3\""), "t", "text is not valid UTF-8"},       // cut sequence
      {B::Row(3, "\"\xED\xA0\x80\""), "t", "text is not valid UTF-8"},  // raw surrogate
      {B::Row(4, "\"\xC0\xAF\""), "t", "text is not valid UTF-8"},      // overlong '/'
      {B::Row(5, R"("a\ud800b")"), "t", "text is not valid UTF-8"},     // unpaired escape
      {B::Row(6, R"("a\u0000b")"), "t", "text contains a NUL byte"},
      {B::Row(7, R"("ok")", R"("2146000000")"), "d",
       "value 2146000000 is outside the range of Snowflake date values"},
      {B::Row(8, R"("ok")", R"("-2500000")"), "d",
       "value -2500000 is outside PostgreSQL's range for date"},
      {B::Row(9, R"("ok")", R"("19000")", R"("9300000000000.000000000")"), "ts",
       "value 9300000000000.000000000 is outside the range of Snowflake timestamp_ntz values"},
      {B::Row(10, R"("ok")", R"("19000")", R"("-211000000000.000000000")"), "ts",
       "value -211000000000.000000000 is outside the range of Snowflake timestamp_ntz values"},
      {B::Row(11, R"("ok")", R"("19000")", R"("1689307215.250000000")", R"("2147483648")"), "n",
       "value 2147483648 is out of range for integer"},
      {B::Row(12, R"("ok")", R"("19000")", R"("1689307215.250000000")", R"("7")", R"("NaN")"), "j",
       "JSON that PostgreSQL refuses: text that is not JSON"},
      {B::Row(13, R"("ok")", R"("19000")", R"("1689307215.250000000")", R"("7")",
              R"("{\"a\": \"\\ud800\"}")"),
       "j", "JSON that PostgreSQL refuses: an unpaired UTF-16 surrogate escape"},
      {B::Row(14, R"("ok")", R"("19000")", R"("1689307215.250000000")", R"("7")", R"("1e200000")"),
       "j", "JSON that PostgreSQL refuses: a number beyond the range of jsonb's numeric"},
      {B::Row(15, R"("ok")", R"("19000")", R"("1689307215.250000000")", R"("7")",
              R"("{\"a\": \"\\u0000\"}")"),
       "j", "JSON holds a NUL character"},
      {B::Row(16, R"("ok")", R"("19000")", R"("1689307215.250000000")", R"("7")", R"("{\"a\": 1}")",
              R"("[1, Infinity]")"),
       "jt", "JSON that PostgreSQL refuses: text that is not JSON"},
  };
}

std::string BodyOfRows(const std::vector<std::string>& rows) {
  std::string body = R"({"data":[)";
  for (size_t i = 0; i < rows.size(); ++i) body += (i ? "," : "") + rows[i];
  return Padded(body + "]}");
}

TEST(ChunkDecoder, RejectsEachValuePostgresWouldRefuseAndLoadsTheRest) {
  BadValues f;
  std::vector<std::string> rows = {BadValues::Row(1)};
  for (const auto& c : BadCases()) rows.push_back(c.row);
  rows.push_back(BadValues::Row(99, R"("caf\u00e9 \ud83d\ude80")", R"("19000")",
                                R"("1689307215.250000000")", R"("-2147483648")",
                                R"("{\"k\": [1, null, \"\\u00e9\"], \"n\": 1e300}")",
                                R"("{\"a\": \"\\u0000\"}")"));
  ChunkDecoder decoder(f.columns, f.request, f.sink);
  decoder.Decode(BodyOfRows(rows), static_cast<int64_t>(rows.size()));
  decoder.Flush();
  EXPECT_EQ(decoder.rows(), 2);
  std::vector<BadCase> cases = BadCases();
  ASSERT_EQ(f.sink.rejects.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    const BadRow& bad = f.sink.rejects[i];
    EXPECT_EQ(bad.row_number, static_cast<int64_t>(i) + 2);
    EXPECT_EQ(bad.key, "ID=" + std::to_string(bad.row_number));
    EXPECT_EQ(bad.column, cases[i].column) << bad.reason;
    EXPECT_NE(bad.reason.find(cases[i].reason), std::string::npos) << bad.reason;
  }
  auto copied = ParseCopyRows(f.sink.data);
  ASSERT_EQ(copied.size(), 2u);
  EXPECT_EQ(copied[1][1], "caf\xC3\xA9 \xF0\x9F\x9A\x80");
  EXPECT_EQ(copied[1][6], R"({"a": "\u0000"})");  // json (not jsonb) keeps \u0000
}

TEST(ChunkDecoder, NamesTableChunkRowKeyAndColumnOfInvalidUtf8) {
  BadValues f;
  f.sink.accept_rejects = false;
  ChunkDecoder decoder(f.columns, f.request, f.sink);
  try {
    decoder.Decode(BodyOfRows({BadValues::Row(1), BadValues::Row(42, "\"bad \xFF byte\"")}), 2);
    FAIL() << "no DataError";
  } catch (const DataError& e) {
    EXPECT_EQ(std::string(e.what()),
              "DB.S.T chunk 9: row 2 (ID=42), column t: text is not valid UTF-8 (invalid bytes "
              "or an unpaired UTF-16 surrogate escape)");
  }
}

TEST(ChunkDecoder, InvalidUtf8InPartitionZeroLeavesItsMetadataReadable) {
  std::string body = Padded(R"({"resultSetMetaData":{"numRows":2,"rowType":[]},"data":[["1","a"],)"
                            "[\"2\",\"\xFE\"]],\"code\":\"090001\",\"statementHandle\":\"h1\"}");
  ResultReader reader;
  StatementMeta meta;
  std::string why;
  ASSERT_TRUE(reader.ReadMeta(body, &meta, &why)) << why;
  EXPECT_EQ(meta.code, "090001");
  EXPECT_EQ(meta.handle, "h1");
  Fixture f;
  ChunkDecoder decoder(f.columns, f.request, f.sink);
  decoder.Decode(body, 2);
  decoder.Flush();
  EXPECT_EQ(decoder.rows(), 1);
  ASSERT_EQ(f.sink.rejects.size(), 1u);
  EXPECT_EQ(f.sink.rejects[0].key, "ID=2");
}

}  // namespace
}  // namespace sf2pg::snowflake
