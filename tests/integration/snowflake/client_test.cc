// The SQL API client against a local server that fails on purpose: which requests are made,
// with which requestId and retry flag, and what is retried or not.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <regex>

#include "core/error.h"
#include "core/stop.h"
#include "integration/snowflake/fake_snowflake.h"
#include "snowflake/metadata.h"
#include "snowflake/snowflake_source.h"
#include "unit/snowflake/fake_clock.h"
#include "unit/snowflake/recording_sink.h"
#include "unit/snowflake/test_keys.h"

namespace sf2pg::snowflake {
namespace {

using namespace std::chrono_literals;
using sf2pg::testing::FakeClock;
using sf2pg::testing::FakeSnowflake;
using sf2pg::testing::RecordedRequest;
using sf2pg::testing::ResultSetBody;
using sf2pg::testing::RunningBody;
using sf2pg::testing::SendGzipJson;
using sf2pg::testing::SendJson;

nlohmann::json IdNameRowType() {
  return nlohmann::json::parse(R"([
    {"name":"ID","type":"fixed","precision":38,"scale":0,"nullable":false,"length":null},
    {"name":"NAME","type":"text","precision":null,"scale":null,"length":100,"nullable":true}])");
}

std::string OneRow() { return ResultSetBody("h1", IdNameRowType(), {{"1", "Ada"}}, {1}); }

class SnowflakeClientTest : public ::testing::Test {
 protected:
  ClientOptions Options() {
    config::Credentials credentials;
    auto& sf = credentials.snowflake;
    sf.account = "acme.analytics";
    sf.user = "svc";
    sf.private_key = Secret(sf2pg::testing::SharedTestKey().private_pem);
    sf.warehouse = "WH";
    sf.role = "MIGRATOR";
    sf.url = server_.url();
    ClientOptions options = ClientOptions::From(credentials, "SALES", "PUBLIC");
    options.clock = &clock_;
    options.max_attempts = 4;
    options.backoff_base = 10ms;
    options.backoff_cap = 80ms;
    return options;
  }
  std::vector<RecordedRequest> Posts() { return server_.requests("POST", "/api/v2/statements"); }

  // The first `failures` submissions are answered by `fail`, later ones with one row.
  void FailSubmissions(int failures, std::function<void(httplib::Response&)> fail) {
    server_.OnSubmit([this, failures, fail](const auto&, auto& res) {
      if (++submissions_ <= failures) {
        fail(res);
      } else {
        SendJson(res, 200, OneRow());
      }
    });
  }

  // Runs a query and checks it was submitted `attempts` times under one requestId, with
  // retry=true on every resubmission.
  std::vector<RecordedRequest> QueryAndExpectResubmissions(SnowflakeSource& source,
                                                           size_t attempts) {
    EXPECT_EQ(source.Query("SELECT 1").rows.size(), 1u);
    auto posts = Posts();
    EXPECT_EQ(posts.size(), attempts);
    for (size_t i = 0; i < posts.size(); ++i) {
      EXPECT_EQ(posts[i].Param("requestId"), posts[0].Param("requestId"));
      EXPECT_EQ(posts[i].Param("retry"), i == 0 ? "" : "true") << "submission " << i;
    }
    return posts;
  }
  void TearDown() override { StopFlag::ResetForTesting(); }

  FakeClock clock_;
  FakeSnowflake server_;
  std::atomic<int> submissions_{0};
};

TEST_F(SnowflakeClientTest, SendsTheDocumentedRequest) {
  server_.OnSubmit([](const auto&, auto& res) { SendJson(res, 200, OneRow()); });
  SnowflakeSource source(Options());
  QueryResult result = source.Query("SELECT ID, NAME FROM T");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rows[0][1], "Ada");
  EXPECT_EQ(result.columns[1].length, 100);

  auto posts = Posts();
  ASSERT_EQ(posts.size(), 1u);
  const RecordedRequest& r = posts[0];
  EXPECT_TRUE(std::regex_match(
      r.Param("requestId"),
      std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  EXPECT_EQ(r.Param("retry"), "");
  EXPECT_TRUE(r.Header("authorization").starts_with("Bearer ey"));
  EXPECT_EQ(r.Header("x-snowflake-authorization-token-type"), "KEYPAIR_JWT");
  EXPECT_EQ(r.Header("user-agent"), "sf2pg/" SF2PG_VERSION);
  EXPECT_NE(r.Header("accept-encoding").find("gzip"), std::string::npos);
  EXPECT_EQ(r.Header("accept"), "application/json");
  EXPECT_EQ(r.Header("content-type"), "application/json");
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["statement"], "SELECT ID, NAME FROM T");
  EXPECT_EQ(body["timeout"], 3600);
  EXPECT_EQ(body["database"], "SALES");
  EXPECT_EQ(body["schema"], "PUBLIC");
  EXPECT_EQ(body["warehouse"], "WH");
  EXPECT_EQ(body["role"], "MIGRATOR");
  EXPECT_EQ(body["parameters"], nlohmann::json({{"QUERY_TAG", "sf2pg"}, {"TIMEZONE", "UTC"}}));
  EXPECT_EQ(r.body.find("OUTPUT_FORMAT"), std::string::npos);
}

TEST_F(SnowflakeClientTest, RetriesA429AfterRetryAfterWithTheSameRequestId) {
  FailSubmissions(1, [](auto& res) {
    res.set_header("Retry-After", "7");
    SendJson(res, 429, R"({"code":"390505","message":"Too many requests."})");
  });
  SnowflakeSource source(Options());
  QueryAndExpectResubmissions(source, 2);
  EXPECT_EQ(clock_.slept(), std::chrono::seconds(7));
  EXPECT_EQ(source.client().retries(), 1);
}

TEST_F(SnowflakeClientTest, Retries503WithJitteredBackoff) {
  FailSubmissions(2, [](auto& res) { SendJson(res, 503, ""); });
  SnowflakeSource source(Options());
  QueryAndExpectResubmissions(source, 3);
  EXPECT_GE(clock_.slept(), 20ms);   // two sleeps of at least the base
  EXPECT_LE(clock_.slept(), 160ms);  // two sleeps of at most the cap
}

TEST_F(SnowflakeClientTest, RetriesAConnectionResetMidBody) {
  FailSubmissions(1, [](auto& res) {
    std::string body = OneRow();
    res.set_content_provider(body.size(), "application/json",
                             [body](size_t, size_t, httplib::DataSink& sink) {
                               sink.write(body.data(), body.size() / 2);
                               return false;  // drop the connection half way
                             });
  });
  SnowflakeSource source(Options());
  QueryAndExpectResubmissions(source, 2);
}

TEST_F(SnowflakeClientTest, RetriesAMalformedJsonBody) {
  FailSubmissions(1, [](auto& res) { SendJson(res, 200, OneRow().substr(0, 40)); });
  SnowflakeSource source(Options());
  QueryAndExpectResubmissions(source, 2);
}

TEST_F(SnowflakeClientTest, FetchesATruncatedGzipPartitionAgain) {
  server_.OnSubmit([](const auto&, auto& res) {
    SendJson(res, 200, ResultSetBody("h2", IdNameRowType(), {{"1", "a"}, {"2", "b"}}, {2, 3}));
  });
  int partition_calls = 0;
  server_.OnStatement([&partition_calls](const httplib::Request& req, auto& res) {
    ASSERT_EQ(req.get_param_value("partition"), "1");
    std::string json =
        nlohmann::json({{"data", sf2pg::testing::DataArray({{"3", "c"}, {"4", "d"}, {"5", "e"}})}})
            .dump();
    SendGzipJson(res, json, ++partition_calls == 1 ? sf2pg::testing::Gzip(json).size() / 2 : 0);
  });
  SnowflakeSource source(Options());
  ChunkRequest request;
  request.table = {"DB", "S", "T", "", ""};
  request.columns = {"ID", "NAME"};
  request.targets.resize(2);
  request.targets[0].type = PgType::kInt8;
  request.targets[1].type = PgType::kText;
  sf2pg::testing::RecordingSink sink;
  FetchStats stats = source.Fetch(request, sink);
  EXPECT_EQ(stats.rows, 5);
  EXPECT_EQ(stats.partitions, 2);
  EXPECT_GE(stats.retries, 1);
  EXPECT_EQ(partition_calls, 2);
  auto rows = sf2pg::testing::ParseCopyRows(sink.data);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[4][1], "e");
}

// Partitions are inflated by sf2pg itself: one that compresses far beyond the first size
// guess (a thousandfold), and one sent as two gzip members, arrive whole.
TEST_F(SnowflakeClientTest, InflatesHighlyCompressibleAndMultiMemberPartitions) {
  server_.OnSubmit([](const auto&, auto& res) {
    SendJson(res, 200, ResultSetBody("h9", IdNameRowType(), {{"0", "x"}}, {1, 20000, 2}));
  });
  server_.OnStatement([](const httplib::Request& req, auto& res) {
    if (req.get_param_value("partition") == "1") {
      sf2pg::testing::JsonRows rows(20000, {"7", std::string(200, 'z')});
      SendGzipJson(res, nlohmann::json({{"data", sf2pg::testing::DataArray(rows)}}).dump());
      return;
    }
    std::string json =
        nlohmann::json({{"data", sf2pg::testing::DataArray({{"8", "m"}, {"9", "n"}})}}).dump();
    size_t half = json.size() / 2;
    res.set_header("Content-Encoding", "gzip");
    res.set_content(
        sf2pg::testing::Gzip(json.substr(0, half)) + sf2pg::testing::Gzip(json.substr(half)),
        "application/json; charset=utf-8");  // not compressed again by httplib
  });
  SnowflakeSource source(Options());
  ChunkRequest request;
  request.table = {"DB", "S", "T", "", ""};
  request.columns = {"ID", "NAME"};
  request.targets.resize(2);
  request.targets[0].type = PgType::kInt8;
  request.targets[1].type = PgType::kText;
  sf2pg::testing::RecordingSink sink;
  FetchStats stats = source.Fetch(request, sink);
  EXPECT_EQ(stats.rows, 20003);
  EXPECT_EQ(stats.retries, 0);
  auto rows = sf2pg::testing::ParseCopyRows(sink.data);
  ASSERT_EQ(rows.size(), 20003u);
  EXPECT_EQ(rows[20000][1], std::string(200, 'z'));
  EXPECT_EQ(rows[20002][1], "n");
}

TEST_F(SnowflakeClientTest, PollsA202UntilTheResultIsReady) {
  server_.OnSubmit([](const auto&, auto& res) { SendJson(res, 202, RunningBody("h3")); });
  int polls = 0;
  server_.OnStatement([&polls](const httplib::Request& req, auto& res) {
    EXPECT_EQ(req.matches[1], "h3");
    if (++polls < 3) {
      SendJson(res, 202, RunningBody("h3"));
    } else {
      SendJson(res, 200, ResultSetBody("h3", IdNameRowType(), {{"7", "late"}}, {1}));
    }
  });
  SnowflakeSource source(Options());
  QueryResult result = source.Query("SELECT SLOW()");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rows[0][1], "late");
  EXPECT_EQ(Posts().size(), 1u);
  EXPECT_EQ(server_.requests("GET", "/api/v2/statements/h3").size(), 3u);
  EXPECT_EQ(clock_.slept(), 250ms + 500ms + 1000ms);  // growing poll intervals
  EXPECT_EQ(source.client().retries(), 0);
}

TEST_F(SnowflakeClientTest, DoesNotRetryA422) {
  server_.OnSubmit([](const auto&, auto& res) {
    SendJson(res, 422,
             R"({"code":"002003","message":"SQL compilation error:\nObject 'NOPE' does not exist )"
             R"(or not authorized.","sqlState":"42S02","statementHandle":"h4"})");
  });
  SnowflakeSource source(Options());
  try {
    source.Query("SELECT * FROM NOPE");
    FAIL() << "no error";
  } catch (const SnowflakeError& e) {
    EXPECT_EQ(e.code(), "002003");
    EXPECT_EQ(e.sql_state(), "42S02");
    EXPECT_EQ(e.http_status(), 422);
    EXPECT_EQ(e.retry(), Retry::kNever);
    EXPECT_NE(std::string(e.what()).find("Object 'NOPE' does not exist"), std::string::npos);
  }
  EXPECT_EQ(Posts().size(), 1u);
  EXPECT_EQ(clock_.slept(), 0ms);
}

TEST_F(SnowflakeClientTest, AuthenticatesAgainOnceAfterA401) {
  FailSubmissions(1, [this](auto& res) {
    clock_.Advance(10s);  // so the fresh token differs from the rejected one
    SendJson(res, 401, R"({"code":"390144","message":"JWT token is invalid."})");
  });
  SnowflakeSource source(Options());
  auto posts = QueryAndExpectResubmissions(source, 2);
  EXPECT_NE(posts[1].Header("authorization"), posts[0].Header("authorization"));
}

TEST_F(SnowflakeClientTest, GivesUpAfterASecond401) {
  server_.OnSubmit([](const auto&, auto& res) {
    SendJson(res, 401, R"({"code":"390144","message":"JWT token is invalid."})");
  });
  SnowflakeSource source(Options());
  try {
    source.Query("SELECT 1");
    FAIL() << "no error";
  } catch (const SnowflakeError& e) {
    EXPECT_EQ(e.http_status(), 401);
    EXPECT_EQ(e.code(), "390144");
    EXPECT_EQ(e.retry(), Retry::kNever);
  }
  EXPECT_EQ(Posts().size(), 2u);
}

TEST_F(SnowflakeClientTest, GivesUpAfterMaxAttempts) {
  server_.OnSubmit([](const auto&, auto& res) { SendJson(res, 502, ""); });
  SnowflakeSource source(Options());
  try {
    source.Query("SELECT 1");
    FAIL() << "no error";
  } catch (const SnowflakeError& e) {
    EXPECT_EQ(e.http_status(), 502);
    EXPECT_EQ(e.retry(), Retry::kCall);
    EXPECT_NE(std::string(e.what()).find("after 4 attempts"), std::string::npos) << e.what();
  }
  EXPECT_EQ(Posts().size(), 4u);
  EXPECT_EQ(source.client().retries(), 3);
}

TEST_F(SnowflakeClientTest, UsesAFreshRequestIdPerStatement) {
  server_.OnSubmit([](const auto&, auto& res) { SendJson(res, 200, OneRow()); });
  SnowflakeSource source(Options());
  source.Query("SELECT 1");
  source.Query("SELECT 1");
  auto posts = Posts();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_NE(posts[0].Param("requestId"), posts[1].Param("requestId"));
  EXPECT_EQ(posts[1].Param("retry"), "");
}

TEST_F(SnowflakeClientTest, CancelsTheStatementWhenStopped) {
  server_.OnSubmit([](const auto&, auto& res) { SendJson(res, 202, RunningBody("h5")); });
  server_.OnStatement([](const auto&, auto& res) {
    StopFlag::Request();
    SendJson(res, 202, RunningBody("h5"));
  });
  server_.OnCancel([](const auto&, auto& res) {
    SendJson(res, 200,
             R"({"code":"000604","sqlState":"57014","message":"SQL execution canceled"})");
  });
  SnowflakeSource source(Options());
  EXPECT_THROW(source.Query("SELECT SLOW()"), StoppedError);
  EXPECT_EQ(server_.requests("POST", "/api/v2/statements/h5/cancel").size(), 1u);
}

TEST_F(SnowflakeClientTest, ReportsAStatementTimeout) {
  server_.OnSubmit([](const auto&, auto& res) {
    SendJson(res, 408,
             R"({"code":"000630","sqlState":"57014","message":"Statement reached its statement )"
             R"(or warehouse timeout of 10 second(s) and was canceled.","statementHandle":"h6"})");
  });
  SnowflakeSource source(Options());
  try {
    source.Query("SELECT SLOW()");
    FAIL() << "no error";
  } catch (const SnowflakeError& e) {
    EXPECT_EQ(e.code(), "000630");
    EXPECT_NE(std::string(e.what()).find("timeout"), std::string::npos);
  }
  EXPECT_EQ(Posts().size(), 1u);
}

TEST_F(SnowflakeClientTest, RefusesAResultTooLargeForTheSqlApi) {
  server_.OnSubmit([](const auto&, auto& res) {
    SendJson(res, 200,
             R"({"code":"391908","message":"The result set size exceeded the max )"
             R"(number of bytes allowed.","statementHandle":"h7"})");
  });
  SnowflakeSource source(Options());
  EXPECT_THROW(source.Query("SELECT HUGE()"), SnowflakeError);
  EXPECT_EQ(Posts().size(), 1u);
}

TEST_F(SnowflakeClientTest, RefusesABodyBeyondTheLimitAsReceivedOrOnceInflated) {
  // 2 MB of rows: sent as is, then gzip-compressed (a few kB that inflate beyond the limit).
  std::string rows;
  for (int i = 0; i < 100000; ++i) rows += std::string(i ? "," : "") + R"(["1","Ada Lovelace"])";
  std::string big = R"({"resultSetMetaData":{"numRows":100000,"rowType":[)"
                    R"({"name":"ID","type":"fixed","precision":38,"scale":0},)"
                    R"({"name":"NAME","type":"text","length":100}]},"data":[)" +
                    rows + R"(],"code":"090001","statementHandle":"h8"})";
  ASSERT_GT(big.size(), 2000000u);
  for (bool gzip : {false, true}) {
    server_.OnSubmit([&](const auto&, auto& res) {
      if (gzip) {
        SendGzipJson(res, big);
      } else {
        SendJson(res, 200, big);
      }
    });
    size_t posts_before = Posts().size();
    ClientOptions options = Options();
    options.http.max_body_bytes = 1 << 20;
    SnowflakeSource source(options);
    try {
      source.Query("SELECT ID, NAME FROM T");
      FAIL() << "a body beyond the limit was accepted (gzip " << gzip << ")";
    } catch (const SnowflakeError& e) {
      EXPECT_EQ(e.retry(), Retry::kNever);
      EXPECT_NE(std::string(e.what()).find("exceeds sf2pg's limit of 1048576 bytes"),
                std::string::npos)
          << e.what();
    }
    EXPECT_EQ(Posts().size(), posts_before + 1) << "refused at once, not retried";
  }
}

TEST_F(SnowflakeClientTest, SendsOAuthTokensAsBearerWithTheirType) {
  server_.OnSubmit([](const auto&, auto& res) { SendJson(res, 200, OneRow()); });
  ClientOptions options = Options();
  options.credentials.private_key = Secret();
  options.credentials.token = Secret("oauth-access-token");
  options.credentials.token_type = "OAUTH";
  SnowflakeSource source(options);
  source.Query("SELECT 1");
  auto posts = Posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].Header("authorization"), "Bearer oauth-access-token");
  EXPECT_EQ(posts[0].Header("x-snowflake-authorization-token-type"), "OAUTH");
}

TEST_F(SnowflakeClientTest, MetadataHelpersSendSnowflakeSql) {
  server_.OnSubmit([](const httplib::Request& req, auto& res) {
    std::string sql = nlohmann::json::parse(req.body)["statement"];
    if (sql.starts_with("SHOW PRIMARY KEYS")) {
      nlohmann::json row_type = nlohmann::json::array();
      for (const char* name : {"created_on", "database_name", "schema_name", "table_name",
                               "column_name", "key_sequence", "constraint_name"}) {
        row_type.push_back({{"name", name}, {"type", "text"}});
      }
      SendJson(res, 200,
               ResultSetBody("pk", row_type,
                             {{"t", "DB", "S", "T", "REGION", "2", "PK"},
                              {"t", "DB", "S", "T", "ID", "1", "PK"}},
                             {2}));
    } else if (sql == "SELECT CURRENT_VERSION()") {
      SendJson(res, 200,
               ResultSetBody(
                   "v", nlohmann::json::array({{{"name", "CURRENT_VERSION()"}, {"type", "text"}}}),
                   {{"9.38.1"}}, {1}));
    } else {
      SendJson(res, 200, ResultSetBody("c", IdNameRowType(), {}, {}));
    }
  });
  SnowflakeSource source(Options());
  EXPECT_EQ(source.TestConnection(), "9.38.1");
  EXPECT_EQ(PrimaryKey(source, "DB", "S", "T"), (std::vector<std::string>{"ID", "REGION"}));
  auto columns = TableColumns(source, "DB", "S", "my\"table");
  ASSERT_EQ(columns.size(), 2u);
  EXPECT_EQ(columns[0].precision, 38);
  EXPECT_FALSE(columns[0].nullable);
  auto posts = Posts();
  ASSERT_EQ(posts.size(), 3u);
  EXPECT_EQ(nlohmann::json::parse(posts[1].body)["statement"],
            R"(SHOW PRIMARY KEYS IN TABLE "DB"."S"."T")");
  EXPECT_EQ(nlohmann::json::parse(posts[2].body)["statement"],
            R"(SELECT * FROM "DB"."S"."my""table" LIMIT 0)");
}

TEST_F(SnowflakeClientTest, TypedOperationsSendTheirStatementsAndReadTheirResults) {
  int counts = 0;
  server_.OnSubmit([&counts](const httplib::Request& req, auto& res) {
    std::string sql = nlohmann::json::parse(req.body)["statement"];
    auto one = [](const char* name, const char* type) {
      return nlohmann::json::array({{{"name", name}, {"type", type}}});
    };
    if (sql.starts_with("SELECT COUNT(*)")) {
      // The first count is a number, the second is not.
      SendJson(res, 200,
               ResultSetBody("n", one("N", "fixed"), {{++counts == 1 ? "42" : "4x"}}, {1}));
    } else if (sql.find("\"EMPTY\"") != std::string::npos) {
      SendJson(res, 200, ResultSetBody("m", one("M", "fixed"), {{nullptr}}, {1}));
    } else {
      SendJson(res, 200, ResultSetBody("m", one("M", "fixed"), {{"7"}}, {1}));
    }
  });
  SnowflakeSource source(Options());
  TableRef table{"DB", "S", "T", "\"REGION\" = 'EU'", "\"ID\" >= 5"};
  EXPECT_EQ(source.Count(table), 42);
  EXPECT_EQ(source.Max(table, "ID"), std::optional<std::string>("7"));
  TableRef empty = table;
  empty.table = "EMPTY";
  EXPECT_EQ(source.Max(empty, "ID"), std::nullopt);
  EXPECT_THROW(source.Count(table), SnowflakeError);
  auto posts = Posts();
  ASSERT_EQ(posts.size(), 4u);
  EXPECT_EQ(nlohmann::json::parse(posts[0].body)["statement"],
            R"(SELECT COUNT(*) AS "N" FROM "DB"."S"."T" WHERE ("REGION" = 'EU') AND ("ID" >= 5))");
  EXPECT_EQ(nlohmann::json::parse(posts[1].body)["statement"],
            R"(SELECT MAX("ID") AS "M" FROM "DB"."S"."T" WHERE ("REGION" = 'EU') AND ("ID" >= 5))");
}

}  // namespace
}  // namespace sf2pg::snowflake
