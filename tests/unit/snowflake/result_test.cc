#include "snowflake/result.h"

#include <gtest/gtest.h>

#include "snowflake/http.h"
#include "unit/snowflake/padded_body.h"

namespace sf2pg::snowflake {
namespace {

using sf2pg::testing::Padded;

// The composed first response of spec §2.2, with key order shuffled.
const char* kFirstResponse = R"({
  "data" : [ ["1001", "Ada", "1689327015.250"], ["1002", null, null] ],
  "resultSetMetaData" : {
    "rowType" : [
      { "name": "ID", "database": "SALES", "schema": "PUBLIC", "table": "CUSTOMERS",
        "type": "fixed", "precision": 38, "scale": 0, "length": null, "byteLength": null,
        "nullable": false, "collation": null },
      { "type": "TEXT", "name": "NAME", "precision": null, "scale": null, "length": 200,
        "byteLength": 800, "nullable": true, "collation": null },
      { "name": "GEO", "type": "object", "extTypeName": "GEOGRAPHY", "nullable": true },
      { "name": "UPDATED_AT", "type": "timestamp_ntz", "precision": 0, "scale": 3,
        "length": null, "nullable": true }
    ],
    "numRows" : 5,
    "format" : "jsonv2",
    "partitionInfo" : [ { "rowCount" : 2, "uncompressedSize" : 188 },
                        { "rowCount" : 3, "uncompressedSize" : 300, "compressedSize" : 90 } ]
  },
  "code" : "090001",
  "statementStatusUrl" : "/api/v2/statements/01b5?requestId=5b8f",
  "requestId" : "5b8f",
  "sqlState" : "00000",
  "statementHandle" : "01b5",
  "message" : "Statement executed successfully.",
  "createdOn" : 1689327100123
})";

TEST(ResultReader, ReadsStatementMetadataInAnyKeyOrder) {
  ResultReader reader;
  StatementMeta meta;
  std::string error;
  ASSERT_TRUE(reader.ReadMeta(Padded(kFirstResponse), &meta, &error)) << error;
  EXPECT_EQ(meta.code, "090001");
  EXPECT_EQ(meta.sql_state, "00000");
  EXPECT_EQ(meta.handle, "01b5");
  EXPECT_EQ(meta.status_url, "/api/v2/statements/01b5?requestId=5b8f");
  EXPECT_TRUE(meta.has_result);
  EXPECT_EQ(meta.num_rows, 5);
  EXPECT_EQ(meta.partition_rows, (std::vector<int64_t>{2, 3}));
  ASSERT_EQ(meta.columns.size(), 4u);
  EXPECT_EQ(meta.columns[0].name, "ID");
  EXPECT_EQ(meta.columns[0].type, "fixed");
  EXPECT_EQ(meta.columns[0].precision, 38);
  EXPECT_FALSE(meta.columns[0].nullable);
  EXPECT_EQ(meta.columns[1].type, "text");  // lower-cased
  EXPECT_EQ(meta.columns[1].length, 200);
  EXPECT_TRUE(meta.columns[1].nullable);
  EXPECT_EQ(meta.columns[2].ext_type, "GEOGRAPHY");
  EXPECT_EQ(meta.columns[3].scale, 3);
}

TEST(ResultReader, ReadsAVectorsDimensionAndElementType) {
  const char* body = R"({"resultSetMetaData": {"rowType": [
      { "name": "F", "type": "vector", "vectorDimension": 256, "precision": null,
        "fields": [ { "type": "real", "nullable": false, "precision": null, "scale": null } ] },
      { "fields": [ { "fieldName": "", "fieldType": { "type": "FIXED", "scale": 0 } } ],
        "name": "I", "type": "vector", "vectorDimension": 16 },
      { "name": "OLD", "type": "vector", "nullable": true },
      { "name": "O", "type": "object", "vectorDimension": 3,
        "fields": [ { "fieldName": "a", "fieldType": { "type": "text" } } ] },
      { "name": "TWO", "type": "vector", "vectorDimension": 2,
        "fields": [ { "type": "real" }, { "type": "real" } ] }
    ], "numRows": 0}})";
  ResultReader reader;
  StatementMeta meta;
  std::string error;
  ASSERT_TRUE(reader.ReadMeta(Padded(body), &meta, &error)) << error;
  ASSERT_EQ(meta.columns.size(), 5u);
  EXPECT_EQ(meta.columns[0].vector_dimension, 256);
  EXPECT_EQ(meta.columns[0].vector_element, "real");
  EXPECT_EQ(meta.columns[1].vector_dimension, 16);
  EXPECT_EQ(meta.columns[1].vector_element, "fixed");
  EXPECT_EQ(meta.columns[2].vector_dimension, 0);
  EXPECT_EQ(meta.columns[2].vector_element, "");
  EXPECT_EQ(meta.columns[3].vector_dimension, 0);  // only vectors keep these
  EXPECT_EQ(meta.columns[3].vector_element, "");
  EXPECT_EQ(meta.columns[4].vector_element, "");  // not one element type
}

TEST(ResultReader, ReadsA202Status) {
  ResultReader reader;
  StatementMeta meta;
  std::string error;
  ASSERT_TRUE(reader.ReadMeta(
      Padded(
          R"({"code":"333334","message":"Asynchronous execution in progress.","statementHandle":"01b6","statementStatusUrl":"/api/v2/statements/01b6"})"),
      &meta, &error));
  EXPECT_EQ(meta.code, "333334");
  EXPECT_EQ(meta.handle, "01b6");
  EXPECT_FALSE(meta.has_result);
}

TEST(ResultReader, ReadsRowsAsWireText) {
  ResultReader reader;
  WireRows rows;
  std::string error;
  ASSERT_TRUE(reader.ReadRows(Padded(kFirstResponse), 3, &rows, &error)) << error;
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][1], "Ada");
  EXPECT_EQ(rows[1][1], std::nullopt);
  WireRows wrong;
  EXPECT_FALSE(reader.ReadRows(Padded(kFirstResponse), 4, &wrong, &error));
}

TEST(ResultReader, RejectsBrokenBodies) {
  ResultReader reader;
  StatementMeta meta;
  WireRows rows;
  std::string error;
  std::string truncated(kFirstResponse, 200);
  EXPECT_FALSE(reader.ReadMeta(Padded(truncated), &meta, &error));
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(reader.ReadMeta(Padded("<html>502</html>"), &meta, &error));
  EXPECT_FALSE(reader.ReadRows(Padded(R"({"data":[["1"],)"), 1, &rows, &error));
}

}  // namespace
}  // namespace sf2pg::snowflake
