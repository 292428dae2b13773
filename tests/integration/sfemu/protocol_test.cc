// Conformance of sfemu's SQL API v2 endpoints with the real service (spec §1-§2, §9).
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <thread>

#include "integration/sfemu/sfemu_fixture.h"
#include "snowflake/decoder.h"
#include "snowflake/http.h"
#include "unit/snowflake/recording_sink.h"

namespace sf2pg::testing {
namespace {

using nlohmann::json;

class SfemuProtocol : public ::testing::Test {
 protected:
  void SetUp() override {
    shared_ = &SharedSfemu::Get();
    client_ = std::make_unique<SfemuClient>(shared_->Client());
    ASSERT_EQ(client_->Submit("CREATE DATABASE IF NOT EXISTS PROTO").status, 200);
    ASSERT_EQ(client_->Post("/sfemu/faults", "{}").status, 200);
  }
  void TearDown() override { client_->Post("/sfemu/faults", "{}"); }

  /// A table PROTO.PUBLIC.<name> with `rows` rows (ID, TXT).
  void MakeTable(const std::string& name, int rows) {
    ASSERT_EQ(client_
                  ->Submit("CREATE OR REPLACE TABLE PROTO.PUBLIC." + name +
                           " (ID NUMBER(38,0), TXT VARCHAR)")
                  .status,
              200);
    if (rows == 0) return;
    std::string sql = "INSERT INTO PROTO.PUBLIC." + name + " VALUES ";
    for (int i = 0; i < rows; ++i) {
      sql += (i ? ", (" : "(") + std::to_string(i) + ", 'row number " + std::to_string(i) + "')";
    }
    HttpResult r = client_->Submit(sql);
    ASSERT_EQ(r.status, 200) << r.body;
  }

  /// A statement that takes the configured slow time (2.5 s) through a targeted fault rule.
  SharedSfemu* shared_;
  std::unique_ptr<SfemuClient> client_;
};

TEST_F(SfemuProtocol, ResultSetHasEveryFieldOfTheRealService) {
  std::string request_id = "5b8f1a52-8f0e-4c8e-9a9c-2f1f7a0b6d11";
  HttpResult r = client_->Submit("SELECT 1 AS a, 'x' AS \"lower\"", {}, "?requestId=" + request_id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  const json& j = r.json;
  EXPECT_EQ(j["code"], "090001");
  EXPECT_EQ(j["sqlState"], "00000");
  EXPECT_EQ(j["message"], "Statement executed successfully.");
  EXPECT_EQ(j["requestId"], request_id);
  std::string handle = j["statementHandle"];
  EXPECT_TRUE(std::regex_match(
      handle, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")));
  EXPECT_EQ(j["statementStatusUrl"], "/api/v2/statements/" + handle + "?requestId=" + request_id);
  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  EXPECT_NEAR(j["createdOn"].get<double>(), static_cast<double>(now_ms), 60000);
  const json& meta = j["resultSetMetaData"];
  EXPECT_EQ(meta["numRows"], 1);
  EXPECT_EQ(meta["format"], "jsonv2");
  ASSERT_EQ(meta["partitionInfo"].size(), 1u);
  EXPECT_EQ(meta["partitionInfo"][0]["rowCount"], 1);
  EXPECT_FALSE(meta["partitionInfo"][0].contains("compressedSize"));
  const json& a = meta["rowType"][0];
  EXPECT_EQ(a["name"], "A");
  EXPECT_EQ(a["type"], "fixed");
  EXPECT_EQ(a["precision"], 1);
  EXPECT_EQ(a["scale"], 0);
  EXPECT_TRUE(a["length"].is_null());
  EXPECT_TRUE(a["collation"].is_null());
  EXPECT_EQ(a["nullable"], false);
  EXPECT_EQ(meta["rowType"][1]["name"], "lower");
  EXPECT_EQ(meta["rowType"][1]["type"], "text");
  EXPECT_EQ(j["data"], json::parse(R"([["1","x"]])"));
  EXPECT_FALSE(j.contains("stats"));
  std::string link = r.Header("Link");
  EXPECT_NE(link.find("</api/v2/statements/" + handle + "?requestId="), std::string::npos);
  EXPECT_NE(link.find("&partition=0>; rel=\"first\""), std::string::npos);
  EXPECT_NE(link.find("&partition=0>; rel=\"last\""), std::string::npos);
  // The real service's layout: Jackson's pretty printer.
  EXPECT_EQ(r.body.rfind("{\n  \"resultSetMetaData\" : {\n    \"numRows\" : 1,", 0), 0u);
}

// An empty result is written with Jackson's empty array, "[ ]", as the live service writes it.
TEST_F(SfemuProtocol, EmptyResultDataIsWrittenAsTheLiveServiceWritesIt) {
  MakeTable("EMPTY", 0);
  HttpResult r = client_->Submit("SELECT ID, TXT FROM PROTO.PUBLIC.EMPTY");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("\n  \"data\" : [ ],\n  \"code\" : \"090001\","), std::string::npos)
      << r.body;
  EXPECT_EQ(r.json["data"], json::array());
  HttpResult again =
      client_->Get("/api/v2/statements/" + r.json["statementHandle"].get<std::string>());
  EXPECT_NE(again.body.find("\"data\" : [ ],"), std::string::npos) << again.body;
  HttpResult one = client_->Submit("SELECT 1");
  EXPECT_NE(one.body.find("\"data\" : [ [\"1\"] ],"), std::string::npos) << one.body;
}

// rowType of metadata results and of computed text, as recorded on the live service: the text
// columns of SHOW, DESCRIBE and DDL status have byteLength = length = 16777216 (table columns
// report four bytes a character); context functions are unbounded (134217728) and nullable.
TEST_F(SfemuProtocol, RowTypeOfMetadataAndComputedTextIsTheLiveServicesOne) {
  auto text_columns = [](const HttpResult& r) {
    std::vector<json> out;
    for (const auto& c : r.json["resultSetMetaData"]["rowType"]) {
      if (c["type"] == "text") out.push_back(c);
    }
    return out;
  };
  HttpResult created =
      client_->Submit("CREATE OR REPLACE TABLE PROTO.PUBLIC.RT (ID NUMBER PRIMARY KEY, S VARCHAR)");
  ASSERT_EQ(created.status, 200) << created.body;
  for (const char* sql : {"DESCRIBE TABLE PROTO.PUBLIC.RT", "SHOW TABLES IN SCHEMA PROTO.PUBLIC",
                          "SHOW PRIMARY KEYS IN TABLE PROTO.PUBLIC.RT"}) {
    HttpResult r = client_->Submit(sql);
    ASSERT_EQ(r.status, 200) << sql << r.body;
    std::vector<json> texts = text_columns(r);
    ASSERT_FALSE(texts.empty()) << sql;
    for (const auto& c : texts) {
      EXPECT_EQ(c["length"], 16777216) << sql << c.dump();
      EXPECT_EQ(c["byteLength"], 16777216) << sql << c.dump();
    }
  }
  std::vector<json> status = text_columns(created);
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(status[0]["name"], "status");
  EXPECT_EQ(status[0]["byteLength"], 16777216);
  EXPECT_EQ(status[0]["nullable"], true);

  HttpResult table = client_->Submit("SELECT S FROM PROTO.PUBLIC.RT");
  ASSERT_EQ(table.status, 200);
  EXPECT_EQ(table.json["resultSetMetaData"]["rowType"][0]["length"], 16777216);
  EXPECT_EQ(table.json["resultSetMetaData"]["rowType"][0]["byteLength"], 67108864);

  HttpResult ctx = client_->Submit(
      "SELECT CURRENT_USER(), CURRENT_ROLE(), CURRENT_VERSION(), CURRENT_DATABASE(), "
      "CURRENT_TIMESTAMP()::STRING, PARSE_JSON('{\"a\":1}'), ?, ?, ?",
      {{"database", "PROTO"},
       {"bindings",
        {{"1", {{"type", "BOOLEAN"}, {"value", "false"}}},
         {"2", {{"type", "BINARY"}, {"value", "CAFE01"}}},
         {"3", {{"type", "TEXT"}, {"value", nullptr}}}}}});
  ASSERT_EQ(ctx.status, 200) << ctx.body;
  const json& rt = ctx.json["resultSetMetaData"]["rowType"];
  ASSERT_EQ(rt.size(), 9u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(rt[i]["type"], "text") << i;
    EXPECT_EQ(rt[i]["length"], 134217728) << i;
    EXPECT_EQ(rt[i]["byteLength"], 134217728) << i;
    EXPECT_EQ(rt[i]["nullable"], i < 4) << i;  // recorded: the cast of the clock is not
  }
  EXPECT_EQ(rt[5]["type"], "variant");
  EXPECT_EQ(rt[5]["nullable"], true);
  EXPECT_EQ(rt[6]["type"], "boolean");
  EXPECT_EQ(rt[6]["nullable"], true);
  EXPECT_EQ(rt[7]["type"], "binary");
  EXPECT_EQ(rt[7]["length"], 3);
  EXPECT_EQ(rt[7]["byteLength"], 3);
  EXPECT_EQ(rt[7]["nullable"], false);
  EXPECT_EQ(rt[8]["type"], "text");
  EXPECT_EQ(rt[8]["length"], 134217728);
  EXPECT_EQ(rt[8]["nullable"], true);
  EXPECT_EQ(ctx.json["data"][0][6], "false");
  EXPECT_EQ(ctx.json["data"][0][7], "CAFE01");
  EXPECT_TRUE(ctx.json["data"][0][8].is_null());
  // extTypeName only where there is one (recorded: absent on every other entry).
  for (const auto& c : rt) EXPECT_FALSE(c.contains("extTypeName")) << c.dump();
}

TEST_F(SfemuProtocol, LargeResultsArePartitionedAndLaterPartitionsAreGzip) {
  MakeTable("BIG", 600);
  HttpResult first = client_->Submit("SELECT ID, TXT FROM PROTO.PUBLIC.BIG ORDER BY ID");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_FALSE(first.gzip);  // no Accept-Encoding: gzip was sent
  const json& parts = first.json["resultSetMetaData"]["partitionInfo"];
  ASSERT_GE(parts.size(), 3u);
  EXPECT_EQ(first.json["resultSetMetaData"]["numRows"], 600);
  EXPECT_EQ(first.json["data"].size(), parts[0]["rowCount"].get<size_t>());
  std::string handle = first.json["statementHandle"];
  int64_t next_id = static_cast<int64_t>(first.json["data"].size());
  for (size_t p = 1; p < parts.size(); ++p) {
    HttpResult part =
        client_->Get("/api/v2/statements/" + handle + "?partition=" + std::to_string(p));
    ASSERT_EQ(part.status, 200);
    EXPECT_TRUE(part.gzip) << "partition " << p << " must be gzip even without Accept-Encoding";
    EXPECT_EQ(static_cast<int64_t>(part.raw.size()), parts[p]["compressedSize"].get<int64_t>());
    EXPECT_EQ(static_cast<int64_t>(part.body.size()), parts[p]["uncompressedSize"].get<int64_t>());
    ASSERT_EQ(part.json.size(), 1u) << "a partition body holds only data";
    ASSERT_EQ(part.json["data"].size(), parts[p]["rowCount"].get<size_t>());
    for (const auto& row : part.json["data"]) {
      EXPECT_EQ(row[0], std::to_string(next_id));
      ++next_id;
    }
    std::string link = part.Header("Link");
    EXPECT_NE(link.find("partition=" + std::to_string(p - 1) + ">; rel=\"prev\""),
              std::string::npos);
    if (p + 1 < parts.size()) {
      EXPECT_NE(link.find("partition=" + std::to_string(p + 1) + ">; rel=\"next\""),
                std::string::npos);
    }
    EXPECT_NE(link.find("partition=" + std::to_string(parts.size() - 1) + ">; rel=\"last\""),
              std::string::npos);
  }
  EXPECT_EQ(next_id, 600);
  // Budgets grow: the second partition is larger than the first.
  EXPECT_GT(parts[1]["uncompressedSize"].get<int64_t>(),
            parts[0]["uncompressedSize"].get<int64_t>());
  // With Accept-Encoding: gzip, the first response is compressed too, and GET returns it again.
  HttpResult zipped = client_->Get("/api/v2/statements/" + handle, {{"Accept-Encoding", "gzip"}});
  EXPECT_TRUE(zipped.gzip);
  EXPECT_EQ(zipped.json["data"], first.json["data"]);
  HttpResult zero = client_->Get("/api/v2/statements/" + handle + "?partition=0");
  EXPECT_EQ(zero.json["statementHandle"], handle);
  EXPECT_EQ(zero.json["resultSetMetaData"], first.json["resultSetMetaData"]);
}

TEST_F(SfemuProtocol, PartitionOutOfRangeAndUnknownHandleAre400) {
  HttpResult r = client_->Submit("SELECT 1");
  std::string handle = r.json["statementHandle"];
  HttpResult bad = client_->Get("/api/v2/statements/" + handle + "?partition=9");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json["code"], "391922");
  EXPECT_EQ(bad.json["message"],
            "Invalid partition parameter. The partition must be long type parsable and between 0 "
            "and 0, but '9' is specified.");
  EXPECT_EQ(bad.json["statementHandle"], handle);
  EXPECT_EQ(client_->Get("/api/v2/statements/" + handle + "?partition=x").json["code"], "391922");
  HttpResult unknown = client_->Get("/api/v2/statements/00000000-0000-0000-0000-000000000000");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.json["code"], "000709");
  EXPECT_EQ(unknown.json["sqlState"], "02000");
  EXPECT_EQ(unknown.json["message"], "Statement 00000000-0000-0000-0000-000000000000 not found");
}

TEST_F(SfemuProtocol, AsyncAndSlowStatementsAnswer202ThenPollTo200) {
  SlowNext(*client_, "ASYNC_MARKER");
  HttpResult r = client_->Submit("SELECT 'ASYNC_MARKER' AS M", {}, "?async=true");
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.json["code"], "333334");
  EXPECT_EQ(r.json["message"],
            "Asynchronous execution in progress. Use provided query id to perform query "
            "monitoring and management.");
  std::string handle = r.json["statementHandle"];
  EXPECT_EQ(r.json["statementStatusUrl"], "/api/v2/statements/" + handle);
  EXPECT_EQ(client_->Get("/api/v2/statements/" + handle).status, 202);
  HttpResult done = client_->Poll(handle);
  ASSERT_EQ(done.status, 200);
  EXPECT_EQ(done.json["data"][0][0], "ASYNC_MARKER");
  // Without async, a statement slower than the synchronous wait (1.5 s here) also gets 202.
  SlowNext(*client_, "SYNC_MARKER");
  auto start = std::chrono::steady_clock::now();
  HttpResult sync = client_->Submit("SELECT 'SYNC_MARKER'");
  double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(sync.status, 202);
  EXPECT_GE(waited, 1.4);
  EXPECT_EQ(client_->Poll(sync.json["statementHandle"]).status, 200);
}

TEST_F(SfemuProtocol, CancelAnswers000604AndLaterGetIs422) {
  SlowNext(*client_, "CANCEL_MARKER");
  HttpResult r = client_->Submit("SELECT 'CANCEL_MARKER'", {}, "?async=true");
  std::string handle = r.json["statementHandle"];
  HttpResult cancel = client_->Post("/api/v2/statements/" + handle + "/cancel", "");
  ASSERT_EQ(cancel.status, 200);
  EXPECT_EQ(cancel.json["code"], "000604");
  EXPECT_EQ(cancel.json["sqlState"], "57014");
  EXPECT_EQ(cancel.json["message"], "SQL execution canceled");
  EXPECT_EQ(cancel.json["statementHandle"], handle);
  EXPECT_EQ(cancel.json["statementStatusUrl"], "/api/statements/" + handle);
  HttpResult after = client_->Poll(handle);
  EXPECT_EQ(after.status, 422);
  EXPECT_EQ(after.json["code"], "000604");
  EXPECT_EQ(after.json["message"], "SQL execution canceled");
  // Cancelling a finished statement is answered 200 too, and does not change it.
  HttpResult done = client_->Submit("SELECT 2");
  EXPECT_EQ(client_
                ->Post("/api/v2/statements/" + done.json["statementHandle"].get<std::string>() +
                           "/cancel",
                       "")
                .status,
            200);
  EXPECT_EQ(
      client_->Get("/api/v2/statements/" + done.json["statementHandle"].get<std::string>()).status,
      200);
}

TEST_F(SfemuProtocol, StatementTimeoutIs408WithSnowflakesMessage) {
  SlowNext(*client_, "TIMEOUT_MARKER");
  auto start = std::chrono::steady_clock::now();
  HttpResult r = client_->Submit("SELECT 'TIMEOUT_MARKER'", {{"timeout", 1}});
  double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.status, 408) << r.body;
  EXPECT_EQ(r.json["code"], "000630");
  EXPECT_EQ(r.json["sqlState"], "57014");
  EXPECT_EQ(
      r.json["message"],
      "Statement reached its statement or warehouse timeout of 1 second(s) and was canceled.");
  EXPECT_LT(waited, 1.45);  // stopped at the timeout, not after the slow 2.5 s
  EXPECT_EQ(
      client_->Get("/api/v2/statements/" + r.json["statementHandle"].get<std::string>()).status,
      408);
}

TEST_F(SfemuProtocol, RetryWithTheSameRequestIdDoesNotExecuteAgain) {
  MakeTable("RETRY", 0);
  std::string id = "11111111-1111-1111-1111-111111111111";
  HttpResult first =
      client_->Submit("INSERT INTO PROTO.PUBLIC.RETRY VALUES (1, 'a')", {}, "?requestId=" + id);
  ASSERT_EQ(first.status, 200);
  HttpResult retry = client_->Submit("INSERT INTO PROTO.PUBLIC.RETRY VALUES (1, 'a')", {},
                                     "?requestId=" + id + "&retry=true");
  EXPECT_EQ(retry.status, 200);
  EXPECT_EQ(retry.json["statementHandle"], first.json["statementHandle"]);
  EXPECT_EQ(client_->Rows("SELECT COUNT(*) FROM PROTO.PUBLIC.RETRY")[0][0], "1");
  HttpResult again =
      client_->Submit("INSERT INTO PROTO.PUBLIC.RETRY VALUES (1, 'a')", {}, "?requestId=" + id);
  EXPECT_NE(again.json["statementHandle"], first.json["statementHandle"]);
  EXPECT_EQ(client_->Rows("SELECT COUNT(*) FROM PROTO.PUBLIC.RETRY")[0][0], "2");
  // A retry of a statement that failed runs it again.
  ASSERT_EQ(
      client_
          ->Post("/sfemu/faults", R"({"rules": [{"match": "RETRY_FAIL_MARKER", "action": "422"}]})")
          .status,
      200);
  std::string failing = "?requestId=44444444-4444-4444-4444-444444444444";
  EXPECT_EQ(client_->Submit("SELECT 'RETRY_FAIL_MARKER'", {}, failing).status, 422);
  HttpResult rerun = client_->Submit("SELECT 'RETRY_FAIL_MARKER'", {}, failing + "&retry=true");
  EXPECT_EQ(rerun.status, 200);
  EXPECT_EQ(rerun.json["data"][0][0], "RETRY_FAIL_MARKER");
  // retry=true with an id never seen runs the statement.
  HttpResult fresh =
      client_->Submit("SELECT 7", {}, "?requestId=22222222-2222-2222-2222-222222222222&retry=true");
  EXPECT_EQ(fresh.json["data"][0][0], "7");
}

TEST_F(SfemuProtocol, MultiStatementRules) {
  HttpResult mismatch = client_->Submit("SELECT 1; SELECT 2");
  EXPECT_EQ(mismatch.status, 422);
  EXPECT_EQ(mismatch.json["code"], "000008");
  EXPECT_EQ(mismatch.json["message"],
            "Actual statement count 2 did not match the desired statement count 1.");
  // Both key spellings and JSON types are accepted.
  for (json params : {json{{"MULTI_STATEMENT_COUNT", "2"}}, json{{"multi_statement_count", 2}}}) {
    HttpResult ok = client_->Submit("SELECT 1 AS A; SELECT 'two' AS B", {{"parameters", params}});
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(ok.json["data"][0][0], "Multiple statements executed successfully.");
    EXPECT_EQ(ok.json["resultSetMetaData"]["rowType"][0]["name"], "multiple statement execution");
    ASSERT_EQ(ok.json["statementHandles"].size(), 2u);
    HttpResult second =
        client_->Get("/api/v2/statements/" + ok.json["statementHandles"][1].get<std::string>());
    EXPECT_EQ(second.json["data"][0][0], "two");
  }
  HttpResult any = client_->Submit("SELECT 1; SELECT 2; SELECT 3",
                                   {{"parameters", {{"MULTI_STATEMENT_COUNT", "0"}}}});
  EXPECT_EQ(any.json["statementHandles"].size(), 3u);
  for (const char* alone : {"BEGIN", "COMMIT", "ROLLBACK"}) {
    HttpResult r = client_->Submit(alone);
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(r.json["code"], "391911");
    EXPECT_EQ(r.json["message"].get<std::string>().rfind(
                  "Command not supported by SQL API: TRANSACTION_", 0),
              0u);
  }
  HttpResult put = client_->Submit("PUT file:///tmp/x.csv @~/stage");
  EXPECT_EQ(put.json["code"], "391911");
  EXPECT_EQ(put.json["message"], "Command not supported by SQL API: PUT");
  // A transaction inside one request: ROLLBACK leaves no row.
  MakeTable("TXN", 0);
  HttpResult txn = client_->Submit("BEGIN; INSERT INTO PROTO.PUBLIC.TXN VALUES (8, 'r'); ROLLBACK",
                                   {{"parameters", {{"MULTI_STATEMENT_COUNT", 3}}}});
  EXPECT_EQ(txn.status, 200) << txn.body;
  EXPECT_EQ(client_->Rows("SELECT COUNT(*) FROM PROTO.PUBLIC.TXN")[0][0], "0");
  client_->Submit("BEGIN; INSERT INTO PROTO.PUBLIC.TXN VALUES (9, 't'); COMMIT",
                  {{"parameters", {{"MULTI_STATEMENT_COUNT", 3}}}});
  EXPECT_EQ(client_->Rows("SELECT COUNT(*) FROM PROTO.PUBLIC.TXN")[0][0], "1");
}

TEST_F(SfemuProtocol, BadRequestsGetTheRealCodes) {
  HttpResult missing = client_->Submit("", {{"statement", nullptr}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.json["code"], "000900");
  EXPECT_EQ(missing.json["message"], "SQL compilation error:\nEmpty SQL statement.");
  EXPECT_TRUE(missing.json["statementHandle"].is_null());
  EXPECT_EQ(client_->Submit("   ").json["code"], "000900");
  HttpResult payload = client_->Post("/api/v2/statements", "{not json");
  EXPECT_EQ(payload.status, 400);
  EXPECT_EQ(payload.json["code"], "390142");
  EXPECT_EQ(client_->Submit("SELECT 1", {{"timeout", "soon"}}).json["code"], "390142");
  HttpResult content = client_->Submit("SELECT 1", {}, "", {{"Content-Type", "text/plain"}});
  EXPECT_EQ(content.status, 400);
  for (const auto& [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/api/v2/statements"},
                                                        {"PUT", "/api/v2/statements"},
                                                        {"DELETE", "/api/v2/statements/abc"},
                                                        {"GET", "/api/v2/statements/abc/cancel"}}) {
    HttpResult r = client_->Request(method, path);
    EXPECT_EQ(r.status, 405) << method << " " << path;
    EXPECT_TRUE(r.raw.empty());
    EXPECT_EQ(r.Header("Content-Length"), "0");
  }
}

// The SQL API applies *_OUTPUT_FORMAT parameters sent in the request body: the cells become
// formatted text while rowType.type stays the same (spec §1.4). sf2pg never sends them, and
// its decoder refuses such text (see ChunkDecoder tests).
TEST_F(SfemuProtocol, OutputFormatParametersChangeTheWireTextOfDatesAndTimes) {
  ASSERT_EQ(client_
                ->Submit("CREATE OR REPLACE TABLE PROTO.PUBLIC.WHEN_ (D DATE, T TIME(3), "
                         "N TIMESTAMP_NTZ(3), Z TIMESTAMP_TZ(3))")
                .status,
            200);
  HttpResult insert = client_->Submit(
      "INSERT INTO PROTO.PUBLIC.WHEN_ VALUES ('2026-10-09'::DATE, '09:30:15.25'::TIME, "
      "'2023-07-14 09:30:15.25'::TIMESTAMP_NTZ, '2023-07-14 09:30:15.25 +05:30'::TIMESTAMP_TZ)");
  ASSERT_EQ(insert.status, 200) << insert.body;
  const std::string select = "SELECT D, T, N, Z FROM PROTO.PUBLIC.WHEN_";

  HttpResult canonical = client_->Submit(select, {{"parameters", {{"TIMEZONE", "UTC"}}}});
  ASSERT_EQ(canonical.status, 200) << canonical.body;
  EXPECT_EQ(canonical.json["data"],
            json::parse(R"([["20735","34215.250","1689327015.250","1689307215.250 1770"]])"));

  HttpResult formatted = client_->Submit(
      select, {{"parameters",
                {{"DATE_OUTPUT_FORMAT", "YYYYMMDD"},
                 {"time_output_format", "HH24:MI:SS.FF3"},
                 {"TIMESTAMP_NTZ_OUTPUT_FORMAT", "YYYY-MM-DD HH24:MI:SS.FF3"},
                 {"TIMESTAMP_OUTPUT_FORMAT", "YYYY-MM-DD\"T\"HH24:MI:SS.FF3 TZH:TZM"}}}});
  ASSERT_EQ(formatted.status, 200) << formatted.body;
  EXPECT_EQ(formatted.json["data"],
            json::parse(R"([["20261009","09:30:15.250","2023-07-14 09:30:15.250",)"
                        R"("2023-07-14T09:30:15.250 +05:30"]])"));
  EXPECT_EQ(formatted.json["resultSetMetaData"]["rowType"][0]["type"], "date");
  // A zero offset is written Z, as the default format writes UTC.
  HttpResult utc = client_->Submit(
      "SELECT '2023-07-14 09:30:15.25 +00:00'::TIMESTAMP_TZ(3)",
      {{"parameters", {{"TIMESTAMP_OUTPUT_FORMAT", "YYYY-MM-DD\"T\"HH24:MI:SS.FF3 TZH:TZM"}}}});
  ASSERT_EQ(utc.status, 200) << utc.body;
  EXPECT_EQ(utc.json["data"], json::parse(R"([["2023-07-14T09:30:15.250 Z"]])"));

  // sf2pg's decoder loads the canonical answer and refuses every formatted value.
  auto column = [](const char* name, const char* type, int scale) {
    SourceColumn c;
    c.name = name;
    c.type = type;
    c.scale = scale;
    return c;
  };
  auto target = [](const char* name, PgType type) {
    TargetColumn t;
    t.name = name;
    t.type = type;
    return t;
  };
  std::vector<SourceColumn> columns = {column("D", "date", 0), column("T", "time", 3),
                                       column("N", "timestamp_ntz", 3),
                                       column("Z", "timestamp_tz", 3)};
  ChunkRequest request;
  request.targets = {target("d", PgType::kDate), target("t", PgType::kTime),
                     target("n", PgType::kTimestamp), target("z", PgType::kTimestamptz)};
  request.description = "PROTO.PUBLIC.WHEN_ chunk 1";
  auto decode = [&](const std::string& body, RecordingSink& sink) {
    std::string padded;
    padded.reserve(body.size() + snowflake::kBodyPadding);
    padded.append(body);
    snowflake::ChunkDecoder decoder(columns, request, sink);
    decoder.Decode(padded, 1);
    decoder.Flush();
    return decoder.rows();
  };
  RecordingSink good;
  EXPECT_EQ(decode(canonical.body, good), 1);
  EXPECT_TRUE(good.rejects.empty());
  RecordingSink refused;
  EXPECT_EQ(decode(formatted.body, refused), 0);
  ASSERT_EQ(refused.rejects.size(), 1u);
  EXPECT_EQ(refused.rejects[0].column, "d");
  EXPECT_NE(refused.rejects[0].reason.find("value 20261009 is outside the range of Snowflake date"),
            std::string::npos)
      << refused.rejects[0].reason;

  // Formats sfemu does not render, and BINARY_OUTPUT_FORMAT other than HEX, are refused.
  for (auto [p, v] :
       std::vector<std::pair<const char*, const char*>>{{"DATE_OUTPUT_FORMAT", "DY, DD MON YYYY"},
                                                        {"DATE_OUTPUT_FORMAT", "AUTO"},
                                                        {"BINARY_OUTPUT_FORMAT", "BASE64"},
                                                        {"GEOMETRY_OUTPUT_FORMAT", "EWKB"},
                                                        {"GEOGRAPHY_OUTPUT_FORMAT", "WKT"}}) {
    HttpResult r = client_->Submit(select, {{"parameters", {{p, v}}}});
    EXPECT_EQ(r.status, 422) << p << " " << v;
    EXPECT_EQ(r.json["code"], "000002");
    EXPECT_NE(r.json["message"].get<std::string>().find("OUTPUT_FORMAT"), std::string::npos);
  }
  HttpResult ok = client_->Submit("SELECT 1", {{"parameters",
                                                {{"QUERY_TAG", "sf2pg"},
                                                 {"TIMEZONE", "UTC"},
                                                 {"BINARY_OUTPUT_FORMAT", "HEX"},
                                                 {"GEOMETRY_OUTPUT_FORMAT", "GeoJSON"}}},
                                               {"resultSetMetaData", {{"format", "jsonv2"}}}});
  EXPECT_EQ(ok.status, 200);
}

TEST_F(SfemuProtocol, NullableFalseRendersNullAsAString) {
  HttpResult r = client_->Submit("SELECT NULL AS N, 1 AS O", {}, "?nullable=false");
  EXPECT_EQ(r.json["data"], json::parse(R"([["null","1"]])"));
  EXPECT_EQ(client_->Submit("SELECT NULL AS N").json["data"], json::parse(R"([[null]])"));
}

TEST_F(SfemuProtocol, StatsCountRequestsRowsAndFaults) {
  HttpResult before = client_->Get("/sfemu/stats", {{"Authorization", ""}});
  ASSERT_EQ(before.status, 200);
  std::string unique = std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  client_->Submit("SELECT '" + unique + "'");  // not in the result cache
  HttpResult after = client_->Get("/sfemu/stats", {{"Authorization", ""}});
  EXPECT_GT(after.json["requests"].get<int64_t>(), before.json["requests"].get<int64_t>());
  EXPECT_GT(after.json["rows_served"].get<int64_t>(), before.json["rows_served"].get<int64_t>());
  EXPECT_GT(after.json["statements_executed"].get<int64_t>(),
            before.json["statements_executed"].get<int64_t>());
  EXPECT_TRUE(after.json.contains("faults_injected"));
  EXPECT_EQ(client_->Get("/sfemu/health", {{"Authorization", ""}}).json["status"], "ok");
}

TEST_F(SfemuProtocol, ResultCacheServesTheSameRowsUntilAWrite) {
  MakeTable("CACHED", 5);
  const std::string q = "SELECT ID FROM PROTO.PUBLIC.CACHED ORDER BY ID";
  auto hits = [&] { return client_->Get("/sfemu/stats").json["cache_hits"].get<int64_t>(); };
  int64_t h0 = hits();
  EXPECT_EQ(client_->Rows(q).size(), 5u);
  EXPECT_EQ(client_->Rows(q).size(), 5u);
  EXPECT_EQ(hits(), h0 + 1);
  client_->Submit("INSERT INTO PROTO.PUBLIC.CACHED VALUES (99, 'new')");
  EXPECT_EQ(client_->Rows(q).size(), 6u);  // the write invalidated the cached result
  EXPECT_EQ(hits(), h0 + 1);
}

}  // namespace
}  // namespace sf2pg::testing
