// `sf2pg init` against sfemu: the config it writes from the catalog of the demo data set and of
// a schema with awkward names passes validate-config and plan unchanged (and migrates), its
// .env template holds no value from the environment, and bad requests write nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "core/exit_status.h"
#include "integration/files.h"
#include "integration/pg_fixture.h"
#include "integration/sfemu_server.h"

namespace sf2pg::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kInitE = "\xC3\x89";  // "É", two bytes in UTF-8

class InitTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sfemu_ = new SfemuServer("init_sfemu", "demo", 2000);
    // A schema whose names PostgreSQL and Snowflake both make awkward.
    for (const std::string& sql : {
             std::string("CREATE DATABASE \"odd db\""),
             std::string("CREATE SCHEMA \"odd db\".\"Mixed \"\"Schema\"\"\""),
             Create("\"select\" (\"from\" NUMBER(9,0) PRIMARY KEY, V VARCHAR)"),
             Create("\"Order Lines\" (\"Line Id\" VARCHAR(20) PRIMARY KEY, "
                    "\"Last Modified\" TIMESTAMP_NTZ(9))"),
             Create("FOO (ID NUMBER(9,0) PRIMARY KEY)"),
             Create("\"foo\" (ID NUMBER(9,0) PRIMARY KEY)"),
             Create("\"" + LongTable("A") + "\" (ID NUMBER(9,0) PRIMARY KEY)"),
             Create("\"" + LongTable("B") + "\" (ID NUMBER(9,0) PRIMARY KEY)"),
             Create("NOKEY (MSG VARCHAR, UPDATED_AT TIMESTAMP_NTZ(9))"),
             Create("CASES (ID NUMBER(9,0) PRIMARY KEY, \"id\" VARCHAR)"),
             Create("DAYS (D DATE PRIMARY KEY, N NUMBER(9,0))"),
         }) {
      sfemu_->Sql(sql);
    }
    for (const std::string& table :
         {std::string("\"select\""), std::string("FOO"), std::string("\"foo\""),
          "\"" + LongTable("A") + "\"", "\"" + LongTable("B") + "\""}) {
      std::string first = table == "\"select\"" ? "\"from\"" : "ID";
      sfemu_->Sql("INSERT INTO " + Odd(table) + " (" + first + ") VALUES (1), (2), (3)");
    }
    sfemu_->Sql("INSERT INTO " + Odd("\"Order Lines\"") +
                " VALUES ('a-1', '2024-01-01 10:00:00'), ('b''2', NULL)");
    sfemu_->Sql("INSERT INTO " + Odd("NOKEY") + " VALUES ('x', '2024-01-01'), ('x', NULL)");
    sfemu_->Sql("INSERT INTO " + Odd("CASES") + " VALUES (1, 'one'), (2, 'two')");
    sfemu_->Sql("INSERT INTO " + Odd("DAYS") + " VALUES ('2024-01-01', 1), ('2024-01-02', 2)");
  }
  static void TearDownTestSuite() {
    delete sfemu_;
    sfemu_ = nullptr;
  }

  static std::string Odd(const std::string& table) {
    return "\"odd db\".\"Mixed \"\"Schema\"\"\"." + table;
  }
  static std::string Create(const std::string& rest) { return "CREATE TABLE " + Odd(rest); }
  // 62 'X', "É", then the suffix: 65 bytes, the same first 63 bytes for both.
  static std::string LongTable(const std::string& suffix) {
    return std::string(62, 'X') + kInitE + suffix;
  }

  void SetUp() override {
    dir_ = MakeTempDir("sf2pg-init");
    TestPg::CreateDatabase("init_target");
  }

  std::map<std::string, std::string> Env() {
    auto env = TestPg::Env();
    for (const auto& [k, v] : sfemu_->Env()) env[k] = v;
    return env;
  }

  ProcessResult Run(std::vector<std::string> args,
                    std::optional<std::map<std::string, std::string>> env = std::nullopt) {
    args.insert(args.begin(), BinaryPath("sf2pg"));
    return RunProcess(args, env ? *env : Env(), dir_);
  }

  // init for `database`.`schema` into the test's target database, then the checks a user runs.
  json InitAndCheck(const std::string& database, const std::string& schema,
                    std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"init",
                                     "--database",
                                     database,
                                     "--schema",
                                     schema,
                                     "--target-database",
                                     TestPg::Db("init_target")};
    args.insert(args.end(), more.begin(), more.end());
    auto init = Run(args);
    EXPECT_EQ(init.exit_code, kExitDone) << init.out << init.err;
    last_init_ = init;
    json config = ReadJsonFile(dir_ + "/config.json");
    EXPECT_FALSE(config.is_discarded()) << ReadFileText(dir_ + "/config.json");
    auto validate = Run({"validate-config"});
    EXPECT_EQ(validate.exit_code, kExitDone) << validate.out << validate.err;
    auto plan = Run({"plan"});
    EXPECT_EQ(plan.exit_code, kExitDone) << plan.out << plan.err;
    last_plan_ = plan;
    return config;
  }

  static const json& Table(const json& config, const std::string& source) {
    for (const auto& t : config["sources"][0]["tables"]) {
      if (t["source"] == source) return t;
    }
    static const json kNone;
    ADD_FAILURE() << "no table " << source << " in " << config.dump(2);
    return kNone;
  }

  std::string Count(const std::string& table) {
    return sfemu_->Sql("SELECT COUNT(*) FROM " + table)[0][0];
  }

  static SfemuServer* sfemu_;
  std::string dir_;
  ProcessResult last_init_, last_plan_;
};

SfemuServer* InitTest::sfemu_ = nullptr;

TEST_F(InitTest, DemoDataSetGivesAConfigThatValidatesAndPlans) {
  json config = InitAndCheck("ANALYTICS", "BI");
  const json& source = config["sources"][0];
  EXPECT_EQ(source["source_sf_database"], "ANALYTICS");
  EXPECT_EQ(source["source_sf_schema"], "BI");
  EXPECT_EQ(source["target_pg_schema"], "bi");
  ASSERT_EQ(source["tables"].size(), 2u);

  const json& visit = Table(config, "FACTVISIT");
  EXPECT_EQ(visit["target"], "factvisit");
  EXPECT_EQ(visit["uniqueness_columns"], json::array({"VISIT_ID"}));
  EXPECT_EQ(visit["chunking_columns"], json::array({"VISIT_ID"}));
  EXPECT_EQ(visit["chunking_strategy"], "numeric_range");
  EXPECT_EQ(visit["source_watermark"], "UPDATED_AT");
  EXPECT_EQ(visit["target_watermark"], "updated_at");
  EXPECT_GT(visit["batch_size"].get<int64_t>(), 0);
  for (const char* why : {"catalog", "uniqueness_columns", "chunking", "watermark", "batch_size"}) {
    EXPECT_TRUE(visit["_why"].contains(why)) << why;
  }
  const json& patient = Table(config, "DIMPATIENT");
  EXPECT_EQ(patient["uniqueness_columns"], json::array({"Patient Id"}));
  EXPECT_EQ(patient["chunking_strategy"], "key_range");
  EXPECT_EQ(patient["source_watermark"], "Updated Datatimestamp");

  // The human summary lists each table with its row count from the catalog.
  std::string visits = Count("ANALYTICS.BI.FACTVISIT");
  ASSERT_GE(visits.size(), 4u);
  std::string grouped =
      visits.substr(0, visits.size() - 3) + "," + visits.substr(visits.size() - 3);
  EXPECT_THAT(last_init_.out, HasSubstr("FACTVISIT"));
  EXPECT_THAT(last_init_.out, HasSubstr(grouped));
  EXPECT_THAT(last_init_.out, HasSubstr("wrote config.json: 2 table(s) of ANALYTICS.BI"));
  EXPECT_THAT(last_plan_.out, HasSubstr("ANALYTICS.BI.FACTVISIT: "));
  EXPECT_THAT(last_plan_.out, HasSubstr("ANALYTICS.BI.DIMPATIENT: "));

  // A pattern picks tables; the other schema of the demo set works the same way.
  InitAndCheck("ANALYTICS", "BI", {"--tables", "fact*", "--force"});
  EXPECT_THAT(last_init_.out, HasSubstr("1 table(s)"));
  EXPECT_THAT(last_init_.out, Not(HasSubstr("DIMPATIENT")));
  json conflict = InitAndCheck("CONFLICTREPORT", "PUBLIC", {"--force"});
  EXPECT_EQ(Table(conflict, "PATIENTADDRESS")["source_watermark"], "Updated Timestamp");
}

TEST_F(InitTest, AwkwardNamesRoundTripThroughPlanAndMigrate) {
  std::string schema = "Mixed \"Schema\"";
  json config = InitAndCheck("odd db", schema, {"--target-schema", "odd"});
  ASSERT_EQ(config["sources"][0]["tables"].size(), 9u);
  std::set<std::string> targets;
  for (const auto& t : config["sources"][0]["tables"]) {
    std::string target = t["target"];
    EXPECT_LE(target.size(), 63u) << target;
    EXPECT_TRUE(targets.insert(target).second) << "two tables load " << target;
  }
  EXPECT_EQ(Table(config, "select")["chunking_columns"], json::array({"from"}));
  EXPECT_EQ(Table(config, "Order Lines")["source_watermark"], "Last Modified");
  EXPECT_EQ(Table(config, "Order Lines")["chunking_strategy"], "key_range");
  EXPECT_EQ(Table(config, "NOKEY")["truncate_onstart"], true);
  EXPECT_EQ(Table(config, "CASES")["identifier_case"], "preserve");
  EXPECT_EQ(Table(config, "DAYS")["chunking_strategy"], "date_range");

  // The written config moves every row.
  auto migrate = Run({"migrate", "--log-format", "json"});
  EXPECT_EQ(migrate.exit_code, kExitDone) << migrate.out << migrate.err;
  auto verify = Run({"verify"});
  EXPECT_EQ(verify.exit_code, kExitDone) << verify.out << verify.err;
  EXPECT_THAT(verify.out, Not(HasSubstr("DIFFERENT")));
}

TEST_F(InitTest, UnknownNamesAndUnmatchedPatternsWriteNothing) {
  struct Case {
    std::vector<std::string> args;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{"--database", "ANALYTICS", "--schema", "NOPE"}, "Snowflake schema \"ANALYTICS\".\"NOPE\""},
      {{"--database", "NODB", "--schema", "BI"}, "Snowflake schema \"NODB\".\"BI\""},
      {{"--database", "analytics", "--schema", "bi"}, "case-sensitive"},
      {{"--database", "ANALYTICS", "--schema", "BI", "--tables", "FACT*,NOPE*"},
       "no table of Snowflake schema \"ANALYTICS\".\"BI\" matches \"NOPE*\""},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"init"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = Run(args);
    EXPECT_EQ(r.exit_code, kExitUsage) << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr(c.expected));
    EXPECT_FALSE(std::filesystem::exists(dir_ + "/config.json"));
    EXPECT_FALSE(std::filesystem::exists(dir_ + "/.env.example"));
  }
}

TEST_F(InitTest, ExistingFilesAreKeptUnlessForced) {
  std::ofstream(dir_ + "/mine.json") << "{\"mine\": true}";
  auto refused = Run({"init", "--database", "ANALYTICS", "--schema", "BI", "--out", "mine.json"});
  EXPECT_EQ(refused.exit_code, kExitUsage);
  EXPECT_THAT(refused.err, HasSubstr("mine.json: already exists"));
  EXPECT_EQ(ReadFileText(dir_ + "/mine.json"), "{\"mine\": true}");
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/.env.example"));

  std::ofstream(dir_ + "/.env.example") << "KEEP=1\n";
  auto env_refused = Run({"init", "--database", "ANALYTICS", "--schema", "BI"});
  EXPECT_EQ(env_refused.exit_code, kExitUsage);
  EXPECT_THAT(env_refused.err, HasSubstr(".env.example: already exists"));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/config.json"));

  auto same = Run({"init", "--database", "ANALYTICS", "--schema", "BI", "--out", "x", "--env-out",
                   "./x", "--force"});
  EXPECT_EQ(same.exit_code, kExitUsage);
  EXPECT_THAT(same.err, HasSubstr("--out and --env-out both name x"));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/x"));

  // --config names the output too, so validate-config reads what init wrote.
  auto forced = Run(
      {"init", "--database", "ANALYTICS", "--schema", "BI", "--config", "mine.json", "--force"});
  EXPECT_EQ(forced.exit_code, kExitDone) << forced.err;
  EXPECT_EQ(ReadJsonFile(dir_ + "/mine.json")["sources"][0]["source_sf_database"], "ANALYTICS");
  EXPECT_THAT(ReadFileText(dir_ + "/.env.example"), HasSubstr("SNOWFLAKE_ACCOUNT=<"));
}

TEST_F(InitTest, NoSecretFromTheEnvironmentIsWrittenOrPrinted) {
  auto env = Env();
  env["POSTGRES_PASSWORD"] = "pw-Zq93-never-printed";
  env["SNOWFLAKE_RSA_KEY_PASSPHRASE"] = "pass-Xk27-never-printed";
  env["LOG_LEVEL"] = "DEBUG";
  auto r = Run({"init", "--database", "ANALYTICS", "--schema", "BI", "--env-out", "my.env"}, env);
  ASSERT_EQ(r.exit_code, kExitDone) << r.err;
  // Secrets appear nowhere; the account and URL are not copied into the files either.
  std::vector<std::string> secrets = {env["POSTGRES_PASSWORD"],
                                      env["SNOWFLAKE_RSA_KEY_PASSPHRASE"]};
  std::string key = env["SNOWFLAKE_RSA_KEY"];
  for (size_t at = 0; (at = key.find('\n', at)) != std::string::npos; ++at) {
    std::string line = key.substr(at + 1, key.find('\n', at + 1) - at - 1);
    if (line.size() > 20 && !line.starts_with("-----")) secrets.push_back(line);
  }
  ASSERT_GT(secrets.size(), 5u);
  std::string config_text = ReadFileText(dir_ + "/config.json");
  std::string env_text = ReadFileText(dir_ + "/my.env");
  EXPECT_THAT(env_text, HasSubstr("SNOWFLAKE_USER=<"));
  for (const auto& secret : secrets) {
    for (const auto& text : {r.out, r.err, config_text, env_text}) {
      EXPECT_THAT(text, Not(HasSubstr(secret)));
    }
  }
  for (const auto& value : {env["SNOWFLAKE_ACCOUNT"], env["SNOWFLAKE_URL"]}) {
    EXPECT_THAT(config_text + env_text, Not(HasSubstr(value)));
  }
}

}  // namespace
}  // namespace sf2pg::testing
