// Every case of tests/data/type_cases.json through a real PostgreSQL: the case's wire value in a
// partition whose rowType is the case's, decoded for the column type PostgreSQL's catalog
// reports, copied in binary, and read back as text in a UTC session.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/copy_buffer.h"
#include "core/error.h"
#include "core/pg_type.h"
#include "integration/pg_fixture.h"
#include "snowflake/decoder.h"
#include "snowflake/http.h"
#include "unit/snowflake/recording_sink.h"

namespace sf2pg::snowflake {
namespace {

using sf2pg::testing::RecordingSink;
using sf2pg::testing::TestPg;

std::vector<nlohmann::json> LoadCases() {
  std::ifstream in(std::string(SF2PG_SOURCE_DIR) + "/tests/data/type_cases.json");
  std::stringstream text;
  text << in.rdbuf();
  auto cases = nlohmann::json::parse(text.str());
  return {cases.begin(), cases.end()};
}

SourceColumn SourceFrom(const nlohmann::json& row_type) {
  SourceColumn c;
  c.name = "V";
  c.type = row_type.at("type");
  c.precision = row_type.value("precision", 0);
  c.scale = row_type.value("scale", 0);
  c.length = row_type.value("length", int64_t{0});
  c.ext_type = row_type.value("ext_type", "");
  c.vector_dimension = row_type.value("vector_dimension", 0);
  c.vector_element = row_type.value("vector_element", "");
  return c;
}

std::string PartitionBody(const nlohmann::json& wire) {
  nlohmann::json body = nlohmann::json::object();
  body["data"] = nlohmann::json::array({nlohmann::json::array({wire})});
  std::string text = body.dump();
  std::string padded;
  padded.reserve(text.size() + kBodyPadding);
  padded.append(text);
  return padded;
}

class TypeCases : public ::testing::TestWithParam<nlohmann::json> {
 protected:
  static void SetUpTestSuite() {
    TestPg::CreateDatabase("sf2pg_type_cases");
    conn_ = new postgres::Connection(TestPg::Params("sf2pg_type_cases"));
    conn_->Exec("SET TIME ZONE 'UTC'");
    conn_->Exec("CREATE EXTENSION postgis");  // tools/setup.sh installs it
  }
  static void TearDownTestSuite() {
    delete conn_;
    conn_ = nullptr;
  }

  // The target column as the engine reads it: format_type + atttypmod from the catalog.
  TargetColumn CreateTarget(const std::string& pg_type) {
    conn_->Exec("DROP TABLE IF EXISTS t");
    conn_->Exec("CREATE TABLE t (v " + pg_type + ")");
    auto r = conn_->Exec(
        "SELECT format_type(atttypid, atttypmod), attnotnull FROM pg_attribute "
        "WHERE attrelid = 't'::regclass AND attname = 'v'");
    auto target = TargetColumnFromFormatType("v", r.Get(0, 0), r.Get(0, 1) == "t");
    EXPECT_TRUE(target) << r.Get(0, 0);
    return target.value_or(TargetColumn{});
  }

  static postgres::Connection* conn_;
};

postgres::Connection* TypeCases::conn_ = nullptr;

TEST_P(TypeCases, DecodesToThePostgresValue) {
  const nlohmann::json& c = GetParam();
  ChunkRequest request;
  request.description = "type case " + c.at("id").get<std::string>();
  request.targets = {CreateTarget(c.at("pg_type"))};
  request.key_columns = {0};
  std::vector<SourceColumn> columns = {SourceFrom(c.at("row_type"))};
  std::string body = PartitionBody(c.at("wire"));

  RecordingSink sink;
  ChunkDecoder decoder(columns, request, sink);
  decoder.Decode(body, 1);
  decoder.Flush();

  if (c.contains("pg_error")) {
    std::string expected = c.at("pg_error");
    ASSERT_EQ(sink.rejects.size(), 1u);
    EXPECT_NE(sink.rejects[0].reason.find(expected), std::string::npos) << sink.rejects[0].reason;
    EXPECT_EQ(sink.rows, 0);
    // Without a reject table the same row stops the chunk with a DataError.
    RecordingSink strict;
    strict.accept_rejects = false;
    ChunkDecoder failing(columns, request, strict);
    try {
      failing.Decode(body, 1);
      FAIL() << "no DataError";
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(request.description + ": row 1"), std::string::npos);
    }
    return;
  }
  ASSERT_TRUE(sink.rejects.empty()) << sink.rejects[0].reason;
  CopyBuffer header, trailer;
  header.Header();
  trailer.Trailer();
  conn_->CopyBegin("COPY t (v) FROM STDIN (FORMAT binary)");
  conn_->CopyPut(header.view());
  conn_->CopyPut(sink.data);
  conn_->CopyPut(trailer.view());
  EXPECT_EQ(conn_->CopyEnd(), 1);
  auto r = conn_->Exec("SELECT " + sf2pg::testing::CaseTextSql("v", c.at("pg_type")) + " FROM t");
  ASSERT_EQ(r.rows(), 1);
  if (c.at("pg_text").is_null()) {
    EXPECT_TRUE(r.IsNull(0, 0)) << r.Get(0, 0);
  } else {
    EXPECT_FALSE(r.IsNull(0, 0));
    EXPECT_EQ(r.Get(0, 0), c.at("pg_text").get<std::string>());
  }
}

INSTANTIATE_TEST_SUITE_P(All, TypeCases, ::testing::ValuesIn(LoadCases()),
                         [](const ::testing::TestParamInfo<nlohmann::json>& param) {
                           return param.param.at("id").get<std::string>();
                         });

TEST(TypeCasesFile, CoversEverySnowflakeTypeTheDecoderKnows) {
  std::set<std::string> types;
  for (const auto& c : LoadCases()) types.insert(c.at("row_type").at("type"));
  for (const char* type :
       {"fixed", "real", "text", "binary", "boolean", "date", "time", "timestamp_ntz",
        "timestamp_ltz", "timestamp_tz", "variant", "object", "array", "vector"}) {
    EXPECT_TRUE(types.count(type)) << type;
  }
}

}  // namespace
}  // namespace sf2pg::snowflake
