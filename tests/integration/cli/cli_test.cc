// The sf2pg binary as a user runs it: exit codes, messages, and no secrets in any output.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "core/exit_status.h"
#include "integration/pg_fixture.h"
#include "integration/sfemu_server.h"

namespace sf2pg::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class CliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { sfemu_ = new SfemuServer("cli_sfemu", "", 0); }
  static void TearDownTestSuite() {
    delete sfemu_;
    sfemu_ = nullptr;
  }

  void SetUp() override {
    dir_ = MakeTempDir("sf2pg-cli");
    TestPg::CreateDatabase("cli_target");
    WriteConfig(R"({
      "sources": [{
        "source_name": "demo", "source_sf_database": "DEMO", "source_sf_schema": "PUBLIC",
        "target_pg_database": ")" +
                TestPg::Db("cli_target") + R"(", "target_pg_schema": "public",
        "tables": [{"source": "PATIENTS", "uniqueness_columns": ["PATIENT_ID"]}]
      }]
    })");
  }

  void WriteConfig(const std::string& text) { std::ofstream(dir_ + "/config.json") << text; }

  std::map<std::string, std::string> Env() {
    auto env = TestPg::Env();
    for (const auto& [k, v] : sfemu_->Env()) env[k] = v;
    return env;
  }

  ProcessResult Run(std::vector<std::string> args, std::map<std::string, std::string> env) {
    args.insert(args.begin(), BinaryPath("sf2pg"));
    return RunProcess(args, env, dir_);
  }

  std::string dir_;
  static SfemuServer* sfemu_;
};

SfemuServer* CliTest::sfemu_ = nullptr;

TEST_F(CliTest, VersionAndHelp) {
  auto version = Run({"--version"}, {});
  EXPECT_EQ(version.exit_code, kExitDone);
  EXPECT_THAT(version.out, HasSubstr("sf2pg " SF2PG_VERSION));
  // The commit it was built from: 12 hex digits, "-dirty" with uncommitted changes, or
  // "unknown" when built outside a git checkout.
  EXPECT_THAT(version.out,
              ::testing::MatchesRegex("sf2pg " SF2PG_VERSION
                                      " \\(commit ([0-9a-f]{12}(-dirty)?|unknown)\\)\n"));
  auto help = Run({"--help"}, {});
  EXPECT_EQ(help.exit_code, kExitDone);
  EXPECT_THAT(help.out, HasSubstr("Examples:"));
  EXPECT_THAT(help.out, HasSubstr("migrate"));
}

TEST_F(CliTest, UnknownOptionIsUsageError) {
  auto r = Run({"migrate", "--no-such-flag"}, Env());
  EXPECT_EQ(r.exit_code, kExitUsage);
}

TEST_F(CliTest, ValidateConfigAcceptsAGoodConfig) {
  auto r = Run({"validate-config"}, Env());
  EXPECT_EQ(r.exit_code, kExitDone) << r.err;
  EXPECT_THAT(r.out, HasSubstr("configuration OK: 1 source(s), 1 enabled table(s)"));
  EXPECT_THAT(r.out, HasSubstr("PATIENTS -> patients"));
}

TEST_F(CliTest, ValidateConfigListsEveryProblemWithExit2) {
  WriteConfig(R"({"batch_size": 0, "sources": [{"source_name": "demo",
    "source_sf_database": "DEMO", "source_sf_schema": "PUBLIC", "target_pg_database": "x",
    "target_pg_schema": "public", "tables": [{"source": "T", "chunking_columns": ["A"],
    "chunking_column_types": ["int", "int"], "truncate_onstart": true}]}]})");
  auto env = Env();
  env.erase("SNOWFLAKE_USER");
  auto r = Run({"validate-config"}, env);
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("config.json: batch_size: must be >= 1, got 0"));
  EXPECT_THAT(r.err, HasSubstr("sources[0].tables[0].chunking_column_types: 2 types for 1 column"));
  EXPECT_THAT(r.err, HasSubstr("env.SNOWFLAKE_USER: not set"));
}

TEST_F(CliTest, MissingConfigFileIsUsageError) {
  auto r = Run({"validate-config", "--config", "nope.json"}, Env());
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("nope.json: cannot read the configuration file"));
}

TEST_F(CliTest, MistakesANewUserMakesGetClearWords) {
  struct Case {
    std::vector<std::string> args;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{"validate-config", "--config", dir_}, dir_ + ": is a folder, not a configuration file"},
      {{"validate-config", "--env-file", dir_ + "/missing.env"},
       "--env-file: File does not exist: " + dir_ + "/missing.env"},
      {{"migrate", "--resume-max-age", "abc"},
       "--resume-max-age: expected a number greater than 0, not 'abc'"},
      {{"migrate", "--deadline", "0"}, "--deadline: expected a number greater than 0, not '0'"},
      {{"verify", "--method", "fast"}, "--method: fast not in {auto,checksum,rows}"},
      {{"verify", "--leaf-rows", "0"}, "--leaf-rows: expected a number greater than 0, not '0'"},
  };
  for (const auto& c : cases) {
    auto r = Run(c.args, Env());
    EXPECT_EQ(r.exit_code, kExitUsage) << c.args[1] << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr(c.expected));
    EXPECT_LT(r.err.size(), 400u) << r.err;  // a sentence, not a 300-digit range
  }
}

TEST_F(CliTest, DotenvFileIsReadAndEnvironmentWins) {
  auto env = Env();
  std::ofstream(dir_ + "/.env") << "POSTGRES_PORT=1\nPOSTGRES_USER=sf2pg\n";
  env.erase("POSTGRES_USER");               // comes from .env
  auto r = Run({"test-connections"}, env);  // POSTGRES_PORT from the environment wins
  EXPECT_EQ(r.exit_code, kExitDone) << r.out << r.err;
}

TEST_F(CliTest, TestConnectionsSucceedsAgainstTheCluster) {
  auto r = Run({"test-connections"}, Env());
  EXPECT_EQ(r.exit_code, kExitDone) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("/" + TestPg::Db("cli_target") + ": OK (server 15"));
  EXPECT_THAT(r.out, HasSubstr("Snowflake SVC@http://127.0.0.1:"));
  EXPECT_THAT(r.out, HasSubstr(": OK (version"));
}

TEST_F(CliTest, TestConnectionsFailsClearlyOnWrongPort) {
  auto env = Env();
  env["POSTGRES_PORT"] = "1";
  auto r = Run({"test-connections"}, env);
  EXPECT_EQ(r.exit_code, kExitFailed);
  EXPECT_THAT(r.out, HasSubstr("sf2pg@127.0.0.1:1/" + TestPg::Db("cli_target") +
                               ": FAILED: cannot connect"));
  EXPECT_THAT(r.out, HasSubstr("Connection refused"));
}

TEST_F(CliTest, TestConnectionsFailsClearlyOnWrongPasswordWithoutShowingIt) {
  auto env = Env();
  env["POSTGRES_PASSWORD"] = "wrong-password-123";
  auto r = Run({"test-connections", "--log-format", "json"}, env);
  EXPECT_EQ(r.exit_code, kExitFailed);
  EXPECT_THAT(r.out, HasSubstr("password authentication failed for user \"sf2pg\""));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("wrong-password-123")));
}

TEST_F(CliTest, NoSecretInAnyOutputOfAFailingRun) {
  auto env = Env();
  env["POSTGRES_PASSWORD"] = "s3cr3t-pw-value";
  env["SNOWFLAKE_RSA_KEY"] =
      "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCSECRETLINE\\n-----END PRIVATE "
      "KEY-----";
  env["LOG_LEVEL"] = "DEBUG";
  for (const auto& command : {"validate-config", "test-connections", "migrate", "status"}) {
    auto r = Run({command}, env);
    EXPECT_THAT(r.out + r.err, Not(HasSubstr("s3cr3t-pw-value"))) << command;
    EXPECT_THAT(r.out + r.err, Not(HasSubstr("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCSECRETLINE")))
        << command;
  }
}

}  // namespace
}  // namespace sf2pg::testing
