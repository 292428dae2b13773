#include "lambda/handler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/secret.h"
#include "lambda/runtime_client.h"
#include "lambda/secrets.h"

namespace sf2pg::lambda {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST(LambdaErrors, TypesNameTheCauseAndNeverStartWithStates) {
  struct Case {
    std::exception_ptr error;
    std::string type;
  } cases[] = {
      {std::make_exception_ptr(PayloadError("x")), "Sf2pg.InvalidPayload"},
      {std::make_exception_ptr(ConfigError("x")), "Sf2pg.ConfigError"},
      {std::make_exception_ptr(ConnectionCheckError("x")), "Sf2pg.ConnectionError"},
      {std::make_exception_ptr(PostgresError("x", Retry::kNever, "42P01")), "Sf2pg.PostgresError"},
      {std::make_exception_ptr(PostgresError("x", Retry::kCall, "08006")), "Sf2pg.RetryableError"},
      {std::make_exception_ptr(SnowflakeError("x", Retry::kChunk)), "Sf2pg.RetryableError"},
      {std::make_exception_ptr(SnowflakeError("x", Retry::kNever)), "Sf2pg.SnowflakeError"},
      {std::make_exception_ptr(DataError("x")), "Sf2pg.DataError"},
      {std::make_exception_ptr(InternalError("x")), "Sf2pg.InternalError"},
      {std::make_exception_ptr(StoppedError("x")), "Sf2pg.Stopped"},
      {std::make_exception_ptr(std::runtime_error("x")), "Sf2pg.Unhandled"},
  };
  for (const auto& c : cases) {
    try {
      std::rethrow_exception(c.error);
    } catch (const std::exception& e) {
      ErrorReport report = ErrorReportFor(e);
      EXPECT_EQ(report.type, c.type);
      EXPECT_THAT(report.type, Not(StartsWith("States.")));
      EXPECT_EQ(report.message, "x");
    }
  }
}

TEST(LambdaErrors, MessagesAreRedactedAndBounded) {
  Redactor::Register("hunter2-password");
  ErrorReport report =
      ErrorReportFor(ConfigError("login with hunter2-password failed" + std::string(10000, 'x')));
  EXPECT_THAT(report.message, Not(HasSubstr("hunter2-password")));
  EXPECT_LT(report.message.size(), 5000u);
  nlohmann::json body = nlohmann::json::parse(ErrorBody(report));
  EXPECT_EQ(body["errorType"], "Sf2pg.ConfigError");
  EXPECT_TRUE(body["stackTrace"].is_array());
}

exec::MigrationResult Result(int tables, int errors_per_table) {
  exec::MigrationResult r;
  r.run_id = "run-1";
  r.status = RunStatus::kPartial;
  r.deadline_reached = true;
  for (int i = 0; i < tables; ++i) {
    exec::TableSummary t;
    t.table = "DB.S.T" + std::to_string(i);
    t.status = i % 2 ? TableStatus::kCompleted : TableStatus::kInProgress;
    t.total_chunks = 4;
    t.completed_chunks = i % 2 ? 4 : 1;
    t.rows = 10;
    t.rows_total = 40;
    for (int e = 0; e < errors_per_table; ++e) t.errors.push_back(std::string(3000, 'e'));
    r.tables.push_back(t);
  }
  return r;
}

TEST(LambdaMigrationBody, CountsAndStatus) {
  nlohmann::json body = MigrationBody(Result(4, 0));
  EXPECT_EQ(body["status"], "partial");
  EXPECT_EQ(body["resume_needed"], true);
  EXPECT_EQ(body["run_id"], "run-1");
  EXPECT_EQ(body["counts"]["tables"], 4);
  EXPECT_EQ(body["counts"]["tables_completed"], 2);
  EXPECT_EQ(body["counts"]["chunks_total"], 16);
  EXPECT_EQ(body["counts"]["chunks_completed"], 10);
  EXPECT_EQ(body["counts"]["rows"], 40);
  EXPECT_EQ(body["counts"]["rows_total"], 160);
  EXPECT_EQ(body["tables"].size(), 4u);
  EXPECT_TRUE(body["error"].is_string());
}

TEST(LambdaMigrationBody, StaysSmallWhateverTheRun) {
  nlohmann::json body = MigrationBody(Result(5000, 3));
  EXPECT_LE(body.dump().size(), kMaxBodyBytes);
  EXPECT_FALSE(body.contains("tables"));
  EXPECT_EQ(body["counts"]["tables"], 5000);
  EXPECT_FALSE(body["errors"].empty());
  nlohmann::json few = MigrationBody(Result(40, 3));
  EXPECT_LE(few.dump().size(), kMaxBodyBytes);
}

TEST(LambdaMigrationBody, FailedRunNamesItsFirstError) {
  exec::MigrationResult r = Result(1, 0);
  r.status = RunStatus::kFailed;
  r.tables[0].errors = {"target column missing"};
  nlohmann::json body = MigrationBody(r);
  EXPECT_THAT(body["error"].get<std::string>(), HasSubstr("target column missing"));
  EXPECT_EQ(body["resume_needed"], false);
}

TEST(LambdaMigrationBody, AShortfallIsNamedWithExitStatus4) {
  exec::MigrationResult r = Result(2, 0);
  r.status = RunStatus::kCompleted;
  for (auto& t : r.tables) t.status = TableStatus::kCompleted;
  run::RowCheck check;
  check.planned = 50;
  check.copied = 40;
  r.tables[1].row_check = check;
  nlohmann::json body = MigrationBody(r);
  EXPECT_EQ(body["status"], "completed");
  EXPECT_EQ(body["exit_status"], 4);
  EXPECT_EQ(body["shortfall"], true);
  ASSERT_EQ(body["shortfall_tables"].size(), 1u);
  EXPECT_EQ(body["shortfall_tables"][0]["table"], "DB.S.T1");
  EXPECT_EQ(body["shortfall_tables"][0]["planned"], 50);
  EXPECT_EQ(body["shortfall_tables"][0]["copied"], 40);
  r.tables[1].row_check->copied = 55;  // more rows than planned: reported, not an error
  body = MigrationBody(r);
  EXPECT_EQ(body["exit_status"], 0);
  EXPECT_EQ(body["shortfall"], false);
}

TEST(LambdaDeadline, EpochMillisecondsBecomeASteadyInstant) {
  auto wall = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'700'000'000'000));
  auto steady = std::chrono::steady_clock::time_point(std::chrono::seconds(50));
  auto deadline = SteadyDeadline(1'700'000'000'000 + 2500, wall, steady);
  EXPECT_EQ(deadline - steady, std::chrono::milliseconds(2500));
  EXPECT_LT(SteadyDeadline(1'700'000'000'000 - 10, wall, steady), steady);
}

TEST(LambdaSecrets, JsonKeysOrPlainText) {
  const auto& pg = SecretBindings()[1];
  EXPECT_EQ(SecretValue(R"({"username": "u", "password": "p4ss-word"})", pg.keys, "X"),
            "p4ss-word");
  EXPECT_EQ(SecretValue(R"({"POSTGRES_PASSWORD": "a", "password": "b"})", pg.keys, "X"), "a");
  EXPECT_EQ(SecretValue("plain text secret", pg.keys, "X"), "plain text secret");
  EXPECT_EQ(SecretValue("-----BEGIN PRIVATE KEY-----\nAB\n", SecretBindings()[0].keys, "X"),
            "-----BEGIN PRIVATE KEY-----\nAB\n");
  EXPECT_EQ(SecretValue(R"({"private_key": "KEY"})", SecretBindings()[0].keys, "X"), "KEY");
  try {
    SecretValue(R"({"pw": "do-not-print-me"})", pg.keys, "POSTGRES_PASSWORD_SECRET_ARN");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("POSTGRES_PASSWORD_SECRET_ARN"));
    EXPECT_THAT(e.what(), HasSubstr("POSTGRES_PASSWORD, password"));
    EXPECT_THAT(e.what(), Not(HasSubstr("do-not-print-me")));
  }
}

}  // namespace
}  // namespace sf2pg::lambda
