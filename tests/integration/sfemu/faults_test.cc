// Fault injection: each kind happens as configured (rates and targeted rules), deterministically
// for a given seed, and is counted in /sfemu/stats.
#include <gtest/gtest.h>

#include <chrono>

#include "integration/sfemu/sfemu_fixture.h"

namespace sf2pg::testing {
namespace {

using nlohmann::json;

class SfemuFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    client_ = std::make_unique<SfemuClient>(SharedSfemu::Get().Client());
    Configure(json::object());
    ASSERT_EQ(client_->Submit("CREATE DATABASE IF NOT EXISTS FAULTS").status, 200);
  }
  void TearDown() override { Configure(json::object()); }

  void Configure(const json& config) {
    HttpResult r = client_->Post("/sfemu/faults", config.dump());
    ASSERT_EQ(r.status, 200) << r.body;
  }
  int64_t Injected(const std::string& kind) {
    json counts = client_->Get("/sfemu/stats").json["faults_injected"];
    return counts.contains(kind) ? counts[kind].get<int64_t>() : 0;
  }
  /// A handle whose result has several partitions (small budgets on the shared server).
  std::string PartitionedResult(const std::string& marker) {
    client_->Submit("CREATE OR REPLACE TABLE FAULTS.PUBLIC.P (ID NUMBER, T VARCHAR)");
    std::string sql = "INSERT INTO FAULTS.PUBLIC.P VALUES ";
    for (int i = 0; i < 300; ++i)
      sql += (i ? ", (" : "(") + std::to_string(i) + ", 'some text to fill')";
    EXPECT_EQ(client_->Submit(sql).status, 200);
    HttpResult r =
        client_->Submit("SELECT ID, T, '" + marker + "' FROM FAULTS.PUBLIC.P ORDER BY ID");
    EXPECT_GE(r.json["resultSetMetaData"]["partitionInfo"].size(), 3u);
    return r.json["statementHandle"];
  }

  std::unique_ptr<SfemuClient> client_;
};

TEST_F(SfemuFaults, RatesAreDeterministicForASeed) {
  auto statuses = [&](uint64_t seed) {
    Configure({{"seed", seed}, {"rates", {{"429", 0.4}, {"503", 0.2}}}});
    std::vector<int> out;
    for (int i = 0; i < 30; ++i)
      out.push_back(client_->Submit("SELECT " + std::to_string(i)).status);
    return out;
  };
  std::vector<int> a = statuses(11), b = statuses(11), c = statuses(12);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_GT(std::count(a.begin(), a.end(), 429), 3);
  EXPECT_GT(std::count(a.begin(), a.end(), 503), 0);
  EXPECT_GT(std::count(a.begin(), a.end(), 200), 3);
}

TEST_F(SfemuFaults, HttpStatusFaultsHaveTheirBodiesAndHeaders) {
  int64_t before = Injected("429");
  Configure({{"rates", {{"429", 1.0}}}, {"retry_after_seconds", 7}});
  HttpResult r = client_->Submit("SELECT 1");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.json["code"], "390505");
  EXPECT_EQ(r.Header("Retry-After"), "7");
  EXPECT_EQ(Injected("429"), before + 1);
  for (auto [kind, status] :
       std::vector<std::pair<std::string, int>>{{"500", 500}, {"503", 503}, {"403", 403}}) {
    Configure({{"rates", {{kind, 1.0}}}});
    EXPECT_EQ(client_->Submit("SELECT 1").status, status) << kind;
  }
  // Status and partition fetches get them too.
  HttpResult ok = [&] {
    Configure(json::object());
    return client_->Submit("SELECT 1");
  }();
  Configure({{"rates", {{"503", 1.0}}}});
  EXPECT_EQ(
      client_->Get("/api/v2/statements/" + ok.json["statementHandle"].get<std::string>()).status,
      503);
}

TEST_F(SfemuFaults, LatencyIsAddedToEveryApiRequest) {
  Configure({{"latency_ms", 300}});
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(client_->Submit("SELECT 1").status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
  EXPECT_GE(Injected("latency"), 1);
}

TEST_F(SfemuFaults, TargetedRuleFailsTheNextNMatchingStatements) {
  Configure({{"rules", json::array({{{"match", "FAULTS\\.PUBLIC\\.T1"},
                                     {"times", 2},
                                     {"action", "422"},
                                     {"code", "100051"},
                                     {"sql_state", "22012"},
                                     {"message", "Division by zero"}}})}});
  client_->Submit("CREATE OR REPLACE TABLE FAULTS.PUBLIC.T1 (ID NUMBER)");  // matches: fails too
  for (int i = 0; i < 1; ++i) {
    HttpResult r = client_->Submit("SELECT * FROM FAULTS.PUBLIC.T1");
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(r.json["code"], "100051");
    EXPECT_EQ(r.json["sqlState"], "22012");
  }
  EXPECT_EQ(client_->Submit("SELECT 1 AS unrelated").status, 200);
  EXPECT_EQ(client_->Submit("CREATE OR REPLACE TABLE FAULTS.PUBLIC.T1 (ID NUMBER)").status, 200);
  EXPECT_EQ(client_->Submit("SELECT * FROM FAULTS.PUBLIC.T1").status, 200);  // used up
}

TEST_F(SfemuFaults, LostResponseRunsTheStatementAndRetryDoesNotRunItAgain) {
  client_->Submit("CREATE OR REPLACE TABLE FAULTS.PUBLIC.LOST (ID NUMBER)");
  Configure(
      {{"rules", json::array({{{"match", "INSERT INTO FAULTS"}, {"action", "lost_response"}}})}});
  std::string query = "?requestId=33333333-3333-3333-3333-333333333333";
  EXPECT_EQ(client_->Submit("INSERT INTO FAULTS.PUBLIC.LOST VALUES (1)", {}, query).status, 500);
  HttpResult retry =
      client_->Submit("INSERT INTO FAULTS.PUBLIC.LOST VALUES (1)", {}, query + "&retry=true");
  EXPECT_EQ(retry.status, 200);
  EXPECT_EQ(retry.json["stats"]["numRowsInserted"], 1);
  EXPECT_EQ(client_->Rows("SELECT COUNT(*) FROM FAULTS.PUBLIC.LOST")[0][0], "1");
}

TEST_F(SfemuFaults, SlowAndTimeoutFaults) {
  Configure({{"rates", {{"slow", 1.0}}}, {"slow_ms", 2000}});
  HttpResult slow = client_->Submit("SELECT 'slow'");
  EXPECT_EQ(slow.status, 202);  // the shared server waits 1.5 s synchronously
  Configure(json::object());
  EXPECT_EQ(client_->Poll(slow.json["statementHandle"]).status, 200);
  Configure({{"rates", {{"timeout", 1.0}}}});
  HttpResult timeout = client_->Submit("SELECT 'timeout'", {{"timeout", 30}});
  EXPECT_EQ(timeout.status, 408);
  EXPECT_EQ(timeout.json["code"], "000630");
  EXPECT_EQ(
      timeout.json["message"],
      "Statement reached its statement or warehouse timeout of 30 second(s) and was canceled.");
}

TEST_F(SfemuFaults, ConnectionResetInTheMiddleOfAPartition) {
  std::string handle = PartitionedResult("RESET_MARKER");
  Configure({{"rules",
              json::array({{{"match", "RESET_MARKER"}, {"action", "reset"}, {"partition", 2}}})}});
  HttpResult one = client_->Get("/api/v2/statements/" + handle + "?partition=1");
  EXPECT_EQ(one.status, 200);
  HttpResult cut = client_->Get("/api/v2/statements/" + handle + "?partition=2");
  EXPECT_EQ(cut.status, 0) << "the connection must break before the body is complete";
  HttpResult again = client_->Get("/api/v2/statements/" + handle + "?partition=2");
  EXPECT_EQ(again.status, 200);
  EXPECT_TRUE(again.json.contains("data"));
  EXPECT_GE(Injected("reset"), 1);
}

TEST_F(SfemuFaults, TruncatedGzipBody) {
  std::string handle = PartitionedResult("TRUNC_MARKER");
  Configure({{"rules", json::array({{{"match", "TRUNC_MARKER"}, {"action", "truncated_gzip"}}})}});
  HttpResult bad = client_->Get("/api/v2/statements/" + handle + "?partition=1");
  EXPECT_EQ(bad.status, 200);
  EXPECT_TRUE(bad.gzip);
  EXPECT_TRUE(bad.corrupt_gzip);
  EXPECT_EQ(std::to_string(bad.raw.size()), bad.Header("Content-Length"));
  HttpResult good = client_->Get("/api/v2/statements/" + handle + "?partition=1");
  EXPECT_FALSE(good.corrupt_gzip);
  EXPECT_GT(good.raw.size(), bad.raw.size());
}

TEST_F(SfemuFaults, BadConfigurationIsRefused) {
  EXPECT_EQ(client_->Post("/sfemu/faults", R"({"rates": {"sometimes": 0.1}})").status, 400);
  EXPECT_EQ(
      client_->Post("/sfemu/faults", R"({"rules": [{"match": "(", "action": "500"}]})").status,
      400);
  EXPECT_EQ(client_->Post("/sfemu/faults", "not json").status, 400);
}

}  // namespace
}  // namespace sf2pg::testing
