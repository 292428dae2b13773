// Hostile names through every command: schema, table and column names holding double quotes,
// apostrophes, semicolons, spaces, backslashes, unicode, mixed case and reserved words (in
// Snowflake and in PostgreSQL), used as the uniqueness column, the chunking columns (numeric
// and text) and the watermark. `plan`, `migrate` (fresh and incremental), `verify` and
// `status`, and the Lambda actions (validate_config, test_connections, migrate with plan_only
// and join_run_id, status) all succeed; the target holds exactly the source rows (checked row
// by row with SQL written here), and verify finds no difference, then exactly the one made.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/exit_status.h"
#include "core/quote.h"
#include "integration/files.h"
#include "integration/lambda/runtime_emulator.h"
#include "integration/pg_fixture.h"
#include "integration/sfemu_server.h"

namespace sf2pg::testing {
namespace {

using nlohmann::json;
using ::testing::Contains;
using ::testing::HasSubstr;

// Quoting written here, independently of sf2pg's: "name" with double quotes doubled (both
// dialects), and a Snowflake string with quotes and backslashes doubled.
std::string Dq(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += c;
    out += c;
  }
  return out + "\"";
}

std::string SfString(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += c;
    out += c;
  }
  return out + "'";
}

// Every name is at most 63 bytes (PostgreSQL's limit).
const std::string kDatabase = "Hostile Db; 'x' \"y\"";
const std::string kSchema = "Sch \"Q\"; 'a' \\ ü select";
const std::string kTargetSchema = "tgt \"S\"; 'a' \\ é Order";
const std::string kNumericTable = "Order 'Lines'; \"x\" \\ ü";
const std::string kNumericTarget = "select 'T'; \"x\" \\ DROP";
const std::string kTextTable = "user";
const std::string kId = "Customer's Id";           // uniqueness column
const std::string kNumber = "Ordér \"Nr\"; \\ x";  // numeric chunking column
const std::string kKey = "Kéy 'T' \"k\"; \\";      // text chunking column
const std::string kSelect = "select";              // a reserved word, text values
const std::string kOrder = "order";                // a reserved word, the watermark
const std::string kAmount = "User Mixed;Case";     // numeric values
constexpr int kRows = 50;

const std::vector<std::string>& Values() {
  static const std::vector<std::string> values = {"'); DROP TABLE canary; --",
                                                  "a'b",
                                                  "c\\d",
                                                  "back\\'slash",
                                                  "\"double\"",
                                                  "E'\\x41'",
                                                  "ünïcödé \"'\\",
                                                  "; SELECT 1; --",
                                                  "plain"};
  return values;
}

// The values of row i (1-based) as text; nullopt is NULL.
struct Row {
  std::string id;
  std::optional<std::string> number;
  std::string key;
  std::string select;
  std::string order;
  std::string amount;
};

Row MakeRow(int i) {
  Row r;
  r.id = std::to_string(i);
  if (i % 11 != 0) r.number = std::to_string(i % 13);  // duplicates, and a few NULLs
  r.select = Values()[static_cast<size_t>(i) % Values().size()];
  r.key = r.select + "#" + std::to_string(i);
  r.order = "2024-02-" + std::to_string(10 + i % 18);
  r.amount = std::to_string(i) + ".25";
  return r;
}

class HostileNamesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sfemu_ = new SfemuServer("hostile_sfemu", "", 0);
    sfemu_->Sql("CREATE DATABASE " + Dq(kDatabase));
    sfemu_->Sql("CREATE SCHEMA " + Dq(kDatabase) + "." + Dq(kSchema));
    std::string columns = "(" + Dq(kId) + " NUMBER(38,0) NOT NULL, " + Dq(kNumber) +
                          " NUMBER(10,0), " + Dq(kKey) + " VARCHAR, " + Dq(kSelect) + " VARCHAR, " +
                          Dq(kOrder) + " DATE, " + Dq(kAmount) + " NUMBER(10,2))";
    for (const auto& table : {kNumericTable, kTextTable}) {
      std::string qualified = Dq(kDatabase) + "." + Dq(kSchema) + "." + Dq(table);
      sfemu_->Sql("CREATE TABLE " + qualified + " " + columns);
      for (int i = 1; i <= kRows; ++i) {
        Row r = MakeRow(i);
        sfemu_->Sql("INSERT INTO " + qualified + " SELECT " + r.id + ", " +
                    (r.number ? *r.number : "NULL") + ", " + SfString(r.key) + ", " +
                    SfString(r.select) + ", '" + r.order + "'::DATE, " + r.amount);
      }
    }
  }
  static void TearDownTestSuite() {
    delete sfemu_;
    sfemu_ = nullptr;
  }

  void SetUp() override { dir_ = MakeTempDir("sf2pg-hostile"); }

  // A config migrating both tables into `database` in chunks of 7 rows.
  std::string WriteConfig(const std::string& database) {
    json config = {{"parallel_threads", 2},
                   {"lambda_timeout_buffer_seconds", 1},
                   {"sources",
                    {{{"source_name", "src 'one'; \"x\""},
                      {"source_sf_database", kDatabase},
                      {"source_sf_schema", kSchema},
                      {"target_pg_database", TestPg::Db(database)},
                      {"target_pg_schema", kTargetSchema},
                      {"tables",
                       {{{"source", kNumericTable},
                         {"target", kNumericTarget},
                         {"chunking_columns", {kNumber}},
                         {"uniqueness_columns", {kId}},
                         {"source_watermark", kOrder},
                         {"target_watermark", kOrder},
                         {"batch_size", 7},
                         {"batch_size_copy_mode", 7}},
                        {{"source", kTextTable},
                         {"chunking_columns", {kKey}},
                         {"uniqueness_columns", {kId}},
                         {"batch_size", 7},
                         {"batch_size_copy_mode", 7}}}}}}}};
    std::string path = dir_ + "/config-" + database + ".json";
    std::ofstream(path) << config.dump(2);
    return path;
  }

  std::map<std::string, std::string> Env() const {
    auto env = TestPg::Env();
    for (const auto& [k, v] : sfemu_->Env()) env[k] = v;
    return env;
  }

  ProcessResult Sf2pg(std::vector<std::string> args) {
    args.insert(args.begin(), BinaryPath("sf2pg"));
    return RunProcess(args, Env(), dir_);
  }

  // Every source row is in the target exactly once with every value, and nothing else is.
  static void ExpectExactRows(postgres::Connection& target) {
    for (const auto& table : {kNumericTarget, kTextTable}) {
      std::string qualified = Dq(kTargetSchema) + "." + Dq(table);
      EXPECT_EQ(target.Exec("SELECT count(*) FROM " + qualified).GetInt(0, 0), kRows) << table;
      auto names = target.Exec(
          "SELECT string_agg(attname, '|' ORDER BY attnum) FROM pg_attribute WHERE attrelid = "
          "$1::regclass AND attnum > 0 AND NOT attisdropped",
          {qualified});
      EXPECT_EQ(names.Get(0, 0),
                kId + "|" + kNumber + "|" + kKey + "|" + kSelect + "|" + kOrder + "|" + kAmount);
      for (int i = 1; i <= kRows; ++i) {
        Row r = MakeRow(i);
        auto found = target.Exec("SELECT count(*) FROM " + qualified + " WHERE " + Dq(kId) +
                                     " = $1::numeric AND " + Dq(kNumber) +
                                     " IS NOT DISTINCT FROM $2::numeric AND " + Dq(kKey) +
                                     " = $3 AND " + Dq(kSelect) + " = $4 AND " + Dq(kOrder) +
                                     " = $5::date AND " + Dq(kAmount) + " = $6::numeric",
                                 {r.id, r.number, r.key, r.select, r.order, r.amount});
        EXPECT_EQ(found.GetInt(0, 0), 1) << table << " row " << i << ": " << r.select;
      }
    }
    EXPECT_EQ(target.Exec("SELECT count(*) FROM public.canary").GetInt(0, 0), 0);
  }

  // verify --json: 0 differences, then exactly 1 after one target value is changed (and none
  // once it is changed back).
  void ExpectVerifyFindsExactlyTheChange(const std::string& config, postgres::Connection& target) {
    auto same = Sf2pg({"verify", "--json", "--log-level", "warning", "--config", config});
    ASSERT_EQ(same.exit_code, kExitDone) << same.out << same.err;
    json verdicts = json::parse(same.out, nullptr, false);
    ASSERT_TRUE(verdicts.is_array() && verdicts.size() == 2) << same.out;
    for (const auto& v : verdicts) {
      EXPECT_TRUE(v["identical"].get<bool>()) << v.dump(2);
      EXPECT_EQ(v["source_rows"], kRows);
      EXPECT_EQ(v["target_rows"], kRows);
      EXPECT_EQ(v["missing"], 0);
      EXPECT_EQ(v["extra"], 0);
      EXPECT_EQ(v["changed"], 0);
    }

    std::string qualified = Dq(kTargetSchema) + "." + Dq(kNumericTarget);
    std::string change =
        "UPDATE " + qualified + " SET " + Dq(kSelect) + " = $1 WHERE " + Dq(kId) + " = 5";
    target.Exec(change, {std::string("tampered'; --")});
    auto diff = Sf2pg({"verify", "--json", "--log-level", "warning", "--config", config});
    EXPECT_EQ(diff.exit_code, kExitFailed) << diff.out << diff.err;
    verdicts = json::parse(diff.out, nullptr, false);
    ASSERT_TRUE(verdicts.is_array() && verdicts.size() == 2) << diff.out;
    int64_t differences = 0;
    for (const auto& v : verdicts) {
      EXPECT_TRUE(v.value("error", "").empty()) << v.dump(2);
      differences +=
          v["missing"].get<int64_t>() + v["extra"].get<int64_t>() + v["changed"].get<int64_t>();
      if (v["identical"].get<bool>()) continue;
      EXPECT_EQ(v["changed"], 1) << v.dump(2);
      EXPECT_THAT(v["samples"].get<std::vector<std::string>>(),
                  Contains("changed " + kId + "=5: " + kSelect))
          << v.dump(2);
    }
    EXPECT_EQ(differences, 1);
    target.Exec(change, {MakeRow(5).select});
  }

  static SfemuServer* sfemu_;
  std::string dir_;
};

SfemuServer* HostileNamesTest::sfemu_ = nullptr;

// sf2pg's quoting functions, read back by each server: every text comes back unchanged (in
// PostgreSQL whatever standard_conforming_strings is).
TEST_F(HostileNamesTest, QuotedNamesAndLiteralsReadBackUnchanged) {
  std::vector<std::string> texts = Values();
  for (const char* more : {"\\", "'", "\\'", "a\\\\b", "\"", "", kId.c_str(), kNumber.c_str()})
    texts.push_back(more);
  postgres::Connection conn(TestPg::Params());
  for (const char* conforming : {"on", "off"}) {
    conn.Exec(std::string("SET standard_conforming_strings = ") + conforming);
    for (const auto& t : texts) {
      EXPECT_EQ(conn.Exec("SELECT " + pg::QuoteLiteral(t)).Get(0, 0), t) << conforming << ": " << t;
      if (t.empty()) continue;  // no empty identifier
      EXPECT_EQ(conn.Exec("SELECT 1 AS " + pg::QuoteIdent(t)).ColumnName(0), t) << t;
    }
  }
  for (const auto& t : texts) {
    auto rows = sfemu_->Sql("SELECT " + sf::QuoteLiteral(t) + " AS " + sf::QuoteIdent("v \"1\""));
    ASSERT_EQ(rows.size(), 1u) << t;
    EXPECT_EQ(rows[0].at(0), t);
  }
}

TEST_F(HostileNamesTest, PlanMigrateVerifyAndStatusFromTheCommandLine) {
  TestPg::CreateDatabase("hostile_cli");
  postgres::Connection target(TestPg::Params("hostile_cli"));
  target.Exec("CREATE TABLE public.canary (x int)");
  std::string config = WriteConfig("hostile_cli");

  auto check = Sf2pg({"validate-config", "--config", config});
  EXPECT_EQ(check.exit_code, kExitDone) << check.out << check.err;
  auto connections = Sf2pg({"test-connections", "--config", config});
  EXPECT_EQ(connections.exit_code, kExitDone) << connections.out << connections.err;

  // plan before the target exists (the DDL is reported) ...
  auto plan = Sf2pg({"plan", "--config", config});
  ASSERT_EQ(plan.exit_code, kExitDone) << plan.out << plan.err;
  EXPECT_THAT(plan.out, HasSubstr(kNumericTable));
  EXPECT_EQ(target.Exec("SELECT count(*) FROM pg_namespace WHERE nspname = $1", {kTargetSchema})
                .GetInt(0, 0),
            0)
      << "plan must create nothing";

  auto run = Sf2pg({"migrate", "--log-format", "json", "--config", config, "--summary-json",
                    dir_ + "/summary.json"});
  ASSERT_EQ(run.exit_code, kExitDone) << run.out << run.err;
  json summary = json::parse(ReadFileText(dir_ + "/summary.json"));
  ASSERT_EQ(summary["tables"].size(), 2u) << summary.dump(2);
  std::string run_id = summary.value("run_id", "");
  for (const auto& t : summary["tables"]) {
    EXPECT_GT(t["total_chunks"].get<int>(), 5) << t.dump(2);
    EXPECT_EQ(t["status"], "completed") << t.dump(2);
  }
  EXPECT_EQ(summary["tables"][0]["strategy"], "numeric_range") << summary.dump(2);
  EXPECT_EQ(summary["tables"][1]["strategy"], "key_range") << summary.dump(2);
  ExpectExactRows(target);
  ExpectVerifyFindsExactlyTheChange(config, target);

  // ... and once it holds the rows (UPSERT, with the watermark floor read from the target).
  plan = Sf2pg({"plan", "--config", config, "--tables", kNumericTable});
  EXPECT_EQ(plan.exit_code, kExitDone) << plan.out << plan.err;
  EXPECT_THAT(plan.out, HasSubstr("UPSERT"));

  // An incremental run: the floor query names the hostile watermark and table.
  auto again = Sf2pg({"migrate", "--no-resume", "--config", config, "--tables", kNumericTable});
  EXPECT_EQ(again.exit_code, kExitDone) << again.out << again.err;
  ExpectExactRows(target);

  auto runs = Sf2pg({"status", "--json", "--config", config});
  ASSERT_EQ(runs.exit_code, kExitDone) << runs.out << runs.err;
  EXPECT_THAT(runs.out, HasSubstr(run_id));
  auto detail = Sf2pg({"status", "--json", "--run-id", run_id, "--config", config});
  ASSERT_EQ(detail.exit_code, kExitDone) << detail.out << detail.err;
  json view = json::parse(detail.out, nullptr, false);
  ASSERT_TRUE(view.is_object()) << detail.out;
  ASSERT_EQ(view["tables"].size(), 2u) << view.dump(2);
  std::vector<std::string> tables;
  for (const auto& t : view["tables"]) {
    EXPECT_EQ(t["status"], "completed") << t.dump(2);
    EXPECT_EQ(t["rows"], kRows) << t.dump(2);
    tables.push_back(t["table"]);
  }
  EXPECT_THAT(tables, Contains(kDatabase + "." + kSchema + "." + kNumericTable));
  EXPECT_THAT(tables, Contains(kDatabase + "." + kSchema + "." + kTextTable));
  auto text = Sf2pg({"status", "--run-id", run_id, "--config", config});
  EXPECT_EQ(text.exit_code, kExitDone) << text.out << text.err;
}

TEST_F(HostileNamesTest, EveryLambdaAction) {
  TestPg::CreateDatabase("hostile_lambda");
  postgres::Connection target(TestPg::Params("hostile_lambda"));
  target.Exec("CREATE TABLE public.canary (x int)");
  std::string config = WriteConfig("hostile_lambda");
  EmulatorOptions options;
  const char* packaged = std::getenv("SF2PG_LAMBDA_BOOTSTRAP");
  options.command = {packaged && *packaged ? packaged : BinaryPath("sf2pg")};
  options.env = Env();
  options.env["SF2PG_CONFIG"] = config;
  options.timeout_ms = 120000;
  options.log_path = dir_ + "/function.log";
  RuntimeEmulator lambda(options);
  auto invoke = [&](const json& event) {
    auto r = lambda.Invoke(event.dump());
    EXPECT_TRUE(r.ok) << event.dump() << ": " << r.error_type << ": " << r.error_message << "\n"
                      << ReadFileText(options.log_path);
    json envelope = json::parse(r.payload, nullptr, false);
    return envelope.is_object() ? envelope["body"] : json();
  };

  json validated = invoke({{"action", "validate_config"}});
  EXPECT_EQ(validated["status"], "ok") << validated.dump(2);
  EXPECT_EQ(validated["tables"], 2) << validated.dump(2);
  json connected = invoke({{"action", "test_connections"}});
  EXPECT_EQ(connected["status"], "ok") << connected.dump(2);

  // Step Functions' fan-out: one invocation plans, the others join the run.
  // Both name the tables (a joiner must select what the planner selected).
  json tables = json::array({kNumericTable, kTextTable});
  json planned = invoke(
      {{"action", "migrate"}, {"no_resume", true}, {"plan_only", true}, {"tables_filter", tables}});
  std::string run_id = planned.value("run_id", "");
  ASSERT_FALSE(run_id.empty()) << planned.dump(2);
  json last = planned;
  for (int i = 0; i < 10 && last["status"] != "completed"; ++i) {
    last = invoke({{"action", "migrate"}, {"join_run_id", run_id}, {"tables_filter", tables}});
    EXPECT_EQ(last["run_id"], run_id) << last.dump(2);
  }
  EXPECT_EQ(last["status"], "completed") << last.dump(2);
  EXPECT_EQ(last["counts"]["rows_total"], 2 * kRows) << last.dump(2);
  ExpectExactRows(target);

  json status = invoke({{"action", "status"}, {"run_id", run_id}});
  EXPECT_EQ(status["status"], "ok") << status.dump(2);
  ASSERT_EQ(status["view"]["tables"].size(), 2u) << status.dump(2);
  for (const auto& t : status["view"]["tables"]) {
    EXPECT_EQ(t["status"], "completed") << t.dump(2);
    EXPECT_EQ(t["rows"], kRows) << t.dump(2);
  }
  json runs = invoke({{"action", "status"}});
  EXPECT_EQ(runs["status"], "ok") << runs.dump(2);
  EXPECT_THAT(runs.dump(), HasSubstr(run_id));

  ExpectVerifyFindsExactlyTheChange(config, target);
}

}  // namespace
}  // namespace sf2pg::testing
