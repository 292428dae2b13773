// sfemu's responses against Snowflake's OpenAPI document of the SQL API
// (../shared/spec/sqlapi.openapi.yaml, or SF2PG_OPENAPI_SPEC): every kind of answer the
// emulator gives is recorded and checked by tools/sfemu/openapi_check.py, which applies only the
// departures the live service itself makes from the document (see its DEPARTURES).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "integration/pg_fixture.h"
#include "integration/sfemu/sfemu_fixture.h"

namespace sf2pg::testing {
namespace {

using nlohmann::json;

std::string SpecPath() {
  if (const char* path = std::getenv("SF2PG_OPENAPI_SPEC")) return path;
  return SourcePath("../shared/spec/sqlapi.openapi.yaml");
}

class SfemuOpenApi : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(SpecPath().c_str(), R_OK) != 0) {
      GTEST_SKIP() << "no OpenAPI document at " << SpecPath() << " (set SF2PG_OPENAPI_SPEC)";
    }
    shared_ = &SharedSfemu::Get();
    client_ = std::make_unique<SfemuClient>(shared_->Client());
    ASSERT_EQ(client_->Submit("CREATE DATABASE IF NOT EXISTS OAS").status, 200);
    ASSERT_EQ(client_->Post("/sfemu/faults", "{}").status, 200);
    dir_ = MakeTempDir("sf2pg-openapi");
  }
  void TearDown() override {
    if (client_) client_->Post("/sfemu/faults", "{}");
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  /// Records one exchange for the checker.
  void Record(const std::string& name, const std::string& method, const std::string& path,
              const HttpResult& r) {
    ASSERT_NE(r.status, 0) << name << ": no answer";
    exchanges_.push_back({{"name", name},
                          {"method", method},
                          {"path", path},
                          {"status", r.status},
                          {"body", r.json}});
  }
  HttpResult Submit(const std::string& name, const std::string& sql, const std::string& query = "",
                    json body = json::object()) {
    HttpResult r = client_->Submit(sql, std::move(body), query);
    Record(name, "POST", "/api/v2/statements" + query, r);
    return r;
  }
  HttpResult Get(const std::string& name, const std::string& path) {
    HttpResult r = client_->Get(path);
    Record(name, "GET", path, r);
    return r;
  }

  /// Writes `exchanges` and runs the checker on them.
  ProcessResult Check(const std::vector<json>& exchanges) {
    std::string path = dir_ + "/exchanges.jsonl";
    std::ofstream out(path);
    for (const auto& e : exchanges) out << e.dump() << "\n";
    out.close();
    return RunProcess(
        {"/usr/bin/python3", SourcePath("tools/sfemu/openapi_check.py"), SpecPath(), path});
  }

  SharedSfemu* shared_ = nullptr;
  std::unique_ptr<SfemuClient> client_;
  std::string dir_;
  std::vector<json> exchanges_;
};

TEST_F(SfemuOpenApi, EveryKindOfAnswerMatchesTheDocument) {
  ASSERT_EQ(client_
                ->Submit("CREATE OR REPLACE TABLE OAS.PUBLIC.T (ID NUMBER(38,0) NOT NULL, "
                         "AMOUNT NUMBER(10,2), NAME VARCHAR(20), F FLOAT, B BOOLEAN, D DATE, "
                         "TM TIME(3), TS TIMESTAMP_NTZ(9), TZ TIMESTAMP_TZ, V VARIANT, "
                         "BIN BINARY, G GEOGRAPHY, VEC VECTOR(FLOAT, 2))")
                .status,
            200);
  Submit("insert",
         "INSERT INTO OAS.PUBLIC.T (ID, AMOUNT, NAME, F, B, D, TM, TS, TZ, BIN) "
         "VALUES (1, 12.5, 'Zoë', 1.5, TRUE, '2026-10-09', '09:30:15.250', "
         "'2026-10-09 09:30:15.123456', '2026-10-09 09:30:15 +05:30', "
         "TO_BINARY('CAFE', 'HEX')), (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
         "NULL, NULL)");
  Submit("select every type, with NULL cells", "SELECT * FROM OAS.PUBLIC.T ORDER BY ID");
  Submit("expressions and context functions",
         "SELECT CURRENT_USER(), CURRENT_TIMESTAMP()::STRING, PARSE_JSON('{\"a\": [1, null]}'), "
         "NULL, 1 + 1");
  Submit(
      "bindings", "SELECT ? AS A, ? AS B", "",
      {{"bindings",
        {{"1", {{"type", "FIXED"}, {"value", "7"}}}, {"2", {{"type", "TEXT"}, {"value", "x"}}}}}});
  Submit("vectors (rowType vectorDimension and fields)",
         "SELECT [1, 2.5]::VECTOR(FLOAT, 2) AS F, [1, 2]::VECTOR(INT, 2) AS I");
  Submit("empty result", "SELECT ID FROM OAS.PUBLIC.T WHERE ID < 0");
  Submit("describe", "DESCRIBE TABLE OAS.PUBLIC.T");
  Submit("show", "SHOW TABLES IN SCHEMA OAS.PUBLIC");
  Submit("update", "UPDATE OAS.PUBLIC.T SET NAME = 'y' WHERE ID = 2");
  Submit("delete", "DELETE FROM OAS.PUBLIC.T WHERE ID = 3");
  Submit("multiple statements", "SELECT 1; SELECT 2", "",
         {{"parameters", {{"MULTI_STATEMENT_COUNT", "2"}}}});

  // A result in several partitions, and a later partition.
  std::string values;
  for (int i = 0; i < 600; ++i) values += (i ? ",(" : "(") + std::to_string(i) + ")";
  ASSERT_EQ(client_->Submit("CREATE OR REPLACE TABLE OAS.PUBLIC.BIG (ID NUMBER)").status, 200);
  ASSERT_EQ(client_->Submit("INSERT INTO OAS.PUBLIC.BIG VALUES " + values).status, 200);
  HttpResult big = Submit("first partition", "SELECT ID FROM OAS.PUBLIC.BIG ORDER BY ID");
  ASSERT_EQ(big.status, 200) << big.body;
  ASSERT_GE(big.json["resultSetMetaData"]["partitionInfo"].size(), 2u);
  std::string handle = big.json["statementHandle"];
  Get("later partition", "/api/v2/statements/" + handle + "?partition=1");
  Get("status of a finished statement", "/api/v2/statements/" + handle);

  // Asynchronous execution, a statement still running, and a cancel.
  SlowNext(*client_, "OAS_ASYNC");
  HttpResult async = Submit("async submit", "SELECT 'OAS_ASYNC'", "?async=true");
  ASSERT_EQ(async.status, 202) << async.body;
  std::string async_handle = async.json["statementHandle"];
  Get("status while running", "/api/v2/statements/" + async_handle);
  HttpResult cancel = client_->Post("/api/v2/statements/" + async_handle + "/cancel", "");
  Record("cancel", "POST", "/api/v2/statements/" + async_handle + "/cancel", cancel);
  Get("status of a cancelled statement", "/api/v2/statements/" + async_handle);

  // Refusals.
  Submit("syntax error", "SELEC 1");
  Submit("unknown table", "SELECT * FROM OAS.PUBLIC.NO_SUCH_TABLE");
  Submit("unsupported feature", "COPY INTO OAS.PUBLIC.T FROM @stage");
  Submit("bad binding", "SELECT ?", "",
         {{"bindings", {{"1", {{"type", "FIXED"}, {"value", "x"}}}}}});
  Get("unknown statement", "/api/v2/statements/01234567-89ab-cdef-0123-456789abcdef");
  Get("partition out of range", "/api/v2/statements/" + handle + "?partition=99");
  HttpResult no_statement = client_->Post("/api/v2/statements", "{}");
  Record("request without a statement", "POST", "/api/v2/statements", no_statement);
  HttpResult bad_json = client_->Post("/api/v2/statements", "{not json");
  Record("body that is not JSON", "POST", "/api/v2/statements", bad_json);
  HttpResult no_token =
      client_->Post("/api/v2/statements", R"({"statement": "SELECT 1"})", {{"Authorization", ""}});
  Record("no token", "POST", "/api/v2/statements", no_token);
  HttpResult bad_token = client_->Post("/api/v2/statements", R"({"statement": "SELECT 1"})",
                                       {{"Authorization", "Bearer not-a-token"}});
  Record("bad token", "POST", "/api/v2/statements", bad_token);

  // Every status the emulator answers with above is among those recorded.
  std::set<int> statuses;
  for (const auto& e : exchanges_) statuses.insert(e["status"].get<int>());
  for (int status : {200, 202, 400, 401, 422}) {
    EXPECT_TRUE(statuses.count(status)) << "no exchange answered " << status;
  }

  ProcessResult r = Check(exchanges_);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("openapi: " + std::to_string(exchanges_.size()) + " of " +
                       std::to_string(exchanges_.size()) + " exchanges match"),
            std::string::npos)
      << r.out;
  // The rowType departures are real: the live service, and sfemu, send null lengths.
  EXPECT_EQ(r.out.find("departure (0 exchanges): rowType precision"), std::string::npos) << r.out;
}

// The checker itself: answers that break the document are named, with the place.
TEST_F(SfemuOpenApi, TheCheckerRefusesAnswersThatBreakTheDocument) {
  HttpResult ok = client_->Submit("SELECT 1 AS N");
  ASSERT_EQ(ok.status, 200);
  json good = {{"name", "good"},
               {"method", "POST"},
               {"path", "/api/v2/statements"},
               {"status", 200},
               {"body", ok.json}};
  ProcessResult r = Check({good});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  json no_handle = good;
  no_handle["name"] = "no handle";
  no_handle["body"]["statementHandle"] = "not-a-uuid";
  json bad_row_type = good;
  bad_row_type["name"] = "bad rowType";
  bad_row_type["body"]["resultSetMetaData"]["rowType"][0]["scale"] = "0";
  json bad_cell = good;
  bad_cell["name"] = "bad cell";
  bad_cell["body"]["data"][0][0] = 1;
  json bad_status = good;
  bad_status["name"] = "bad status";
  bad_status["status"] = 201;
  json bad_path = good;
  bad_path["name"] = "bad path";
  bad_path["path"] = "/api/v2/statement";
  r = Check({good, no_handle, bad_row_type, bad_cell, bad_status, bad_path});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("openapi: 1 of 6 exchanges match"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("body['statementHandle']: 'not-a-uuid' is not a 'uuid'"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("body['resultSetMetaData']['rowType'][0]['scale']"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("body['data'][0][0]: 1 is not of type"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("status 201 is not one the document lists"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("/api/v2/statement: no such path"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace sf2pg::testing
