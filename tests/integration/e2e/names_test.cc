// Target names PostgreSQL cannot hold as they are, and tables one run cannot load together:
// the built binary refuses them in validate-config, plan, migrate and the Lambda entry point
// before anything is created on the target.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/exit_status.h"
#include "integration/pg_fixture.h"
#include "integration/sfemu_server.h"
#include "postgres/connection.h"

namespace sf2pg::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

// "É" is two bytes in UTF-8; after 62 ASCII bytes it straddles PostgreSQL's 63-byte limit.
const std::string kE = "\xC3\x89";
const std::string kLowerE = kE;  // sf2pg lower-cases ASCII letters only

class NamesE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sfemu_ = new SfemuServer("names_sfemu", "", 0);
    sfemu_->Sql("CREATE DATABASE NAMES");
    sfemu_->Sql("CREATE SCHEMA NAMES.SRC");
    sfemu_->Sql("CREATE TABLE NAMES.SRC.T (ID NUMBER(9,0) PRIMARY KEY, V VARCHAR)");
    sfemu_->Sql("INSERT INTO NAMES.SRC.T (ID, V) VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    for (const char* suffix : {"A", "B"}) {
      sfemu_->Sql("CREATE TABLE NAMES.SRC.\"" + LongTable(suffix) +
                  "\" (ID NUMBER(9,0), V VARCHAR)");
      sfemu_->Sql("INSERT INTO NAMES.SRC.\"" + LongTable(suffix) + "\" (ID, V) VALUES (1, '" +
                  suffix + "')");
    }
    sfemu_->Sql("CREATE TABLE NAMES.SRC.WIDE (ID NUMBER(9,0), \"" + LongColumn() + "\" VARCHAR)");
    sfemu_->Sql("INSERT INTO NAMES.SRC.WIDE (ID) VALUES (1)");
  }
  static void TearDownTestSuite() {
    delete sfemu_;
    sfemu_ = nullptr;
  }

  // 62 'X', "É", then the suffix: 65 bytes; PostgreSQL would keep only the 62 'x' of either.
  static std::string LongTable(const std::string& suffix) {
    return std::string(62, 'X') + kE + suffix;
  }
  // 62 'C' and "É": 64 bytes, 63 characters.
  static std::string LongColumn() { return std::string(62, 'C') + kE; }

  void SetUp() override {
    dir_ = MakeTempDir("sf2pg-names");
    TestPg::CreateDatabase("names_target");
    target_ = std::make_unique<postgres::Connection>(TestPg::Params("names_target"));
  }

  // Lists are std::vector: a braced list of one json value would be that value, not a list of
  // it, under some compilers.
  static json Source(const std::string& name, const std::string& schema, std::vector<json> tables) {
    return {{"source_name", name},        {"source_sf_database", "NAMES"},
            {"source_sf_schema", "SRC"},  {"target_pg_database", TestPg::Db("names_target")},
            {"target_pg_schema", schema}, {"tables", std::move(tables)}};
  }

  void WriteConfig(std::vector<json> sources) {
    json c = {{"lambda_timeout_buffer_seconds", 0}, {"sources", std::move(sources)}};
    std::ofstream(dir_ + "/config.json") << c.dump(2);
  }

  ProcessResult Sf2pg(std::vector<std::string> args) {
    return RunSf2pg(*sfemu_, std::move(args), dir_);
  }

  int64_t Scalar(const std::string& sql) { return target_->Exec(sql).GetInt(0, 0); }
  int64_t Schemas(const std::string& name) {
    return target_->Exec("SELECT count(*) FROM pg_namespace WHERE nspname = $1", {name})
        .GetInt(0, 0);
  }
  int64_t Relations(const std::string& like) {
    return target_->Exec("SELECT count(*) FROM pg_class WHERE relname LIKE $1", {like})
        .GetInt(0, 0);
  }
  // Runs recorded in the status tables (which live in the target database here).
  int64_t Runs() {
    if (target_->Exec("SELECT to_regclass('migration_status.migration_runs') IS NULL").Get(0, 0) ==
        "t")
      return 0;
    return Scalar("SELECT count(*) FROM migration_status.migration_runs");
  }

  static SfemuServer* sfemu_;
  std::string dir_;
  std::unique_ptr<postgres::Connection> target_;
};

SfemuServer* NamesE2eTest::sfemu_ = nullptr;

TEST_F(NamesE2eTest, SameSnowflakeTableInTwoSourcesIsRefusedUnlessOneSourceRuns) {
  json table = {{"source", "T"}, {"uniqueness_columns", {"ID"}}};
  WriteConfig({Source("dev", "dev", {table}), Source("prod", "prod", {table})});
  const std::string where =
      "config.json: sources[1].tables[0].source: Snowflake table NAMES.SRC.T (source \"prod\") is "
      "also selected by sources[0].tables[0] (source \"dev\")";
  const std::string fix = "run one source at a time (--source dev, then --source prod)";
  for (const auto& command : {"validate-config", "plan", "migrate"}) {
    auto r = Sf2pg({command});
    EXPECT_EQ(r.exit_code, kExitUsage) << command << "\n" << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr(where)) << command;
    EXPECT_THAT(r.err, HasSubstr(fix)) << command;
  }
  auto lambda = Sf2pg({"lambda", "--config", "config.json", "--event", R"({"action": "migrate"})"});
  EXPECT_EQ(lambda.exit_code, kExitFailed) << lambda.out << lambda.err;
  EXPECT_THAT(lambda.out, HasSubstr("Sf2pg.ConfigError"));
  EXPECT_THAT(lambda.out, HasSubstr("is also selected by sources[0].tables[0]"));
  auto lambda_validate =
      Sf2pg({"lambda", "--config", "config.json", "--event", R"({"action": "validate_config"})"});
  EXPECT_EQ(lambda_validate.exit_code, kExitFailed) << lambda_validate.out;
  EXPECT_THAT(lambda_validate.out, HasSubstr("is also selected by sources[0].tables[0]"));
  EXPECT_EQ(Schemas("dev") + Schemas("prod"), 0);
  EXPECT_EQ(Runs(), 0);

  // One source at a time loads both targets completely.
  for (const auto& source : {"dev", "prod"}) {
    auto plan = Sf2pg({"plan", "--source", source});
    EXPECT_EQ(plan.exit_code, kExitDone) << plan.out << plan.err;
    auto r = Sf2pg({"migrate", "--source", source});
    ASSERT_EQ(r.exit_code, kExitDone) << r.out << r.err;
    EXPECT_EQ(Scalar(std::string("SELECT count(*) FROM ") + source + ".t"), 3) << source;
  }
  EXPECT_EQ(Runs(), 2);
}

TEST_F(NamesE2eTest, TwoTablesWhoseTargetsShareTheirFirst63BytesAreRefusedWithNothingCreated) {
  WriteConfig({Source("long", "long_names",
                      {{{"source", LongTable("A")}, {"truncate_onstart", true}},
                       {{"source", LongTable("B")}, {"truncate_onstart", true}}})});
  std::string a = std::string(62, 'x') + kLowerE + "a", b = std::string(62, 'x') + kLowerE + "b";
  for (const auto& command : {"validate-config", "plan", "migrate"}) {
    auto r = Sf2pg({command});
    EXPECT_EQ(r.exit_code, kExitUsage) << command << "\n" << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("sources[0].tables[0].target: \"" + a +
                                 "\" is 65 bytes, over PostgreSQL's limit of 63 bytes"))
        << command;
    EXPECT_THAT(r.err,
                HasSubstr("sources[0].tables[1].target: target " + TestPg::Db("names_target") +
                          ".long_names." + b + " is also loaded by sources[0].tables[0]"))
        << command;
    EXPECT_THAT(r.err, HasSubstr("so both are " + TestPg::Db("names_target") + ".long_names." +
                                 std::string(62, 'x') + "; give one of them another target"))
        << command;
  }
  EXPECT_EQ(Schemas("long_names"), 0);
  EXPECT_EQ(Relations("xxxxxxxxxx%"), 0);
  EXPECT_EQ(Runs(), 0);

  // Short targets load both tables, each into its own table.
  WriteConfig(
      {Source("long", "long_names",
              {{{"source", LongTable("A")}, {"target", "long_a"}, {"truncate_onstart", true}},
               {{"source", LongTable("B")}, {"target", "long_b"}, {"truncate_onstart", true}}})});
  auto r = Sf2pg({"migrate"});
  ASSERT_EQ(r.exit_code, kExitDone) << r.out << r.err;
  EXPECT_EQ(target_->Exec("SELECT v FROM long_names.long_a").Get(0, 0), "A");
  EXPECT_EQ(target_->Exec("SELECT v FROM long_names.long_b").Get(0, 0), "B");
}

TEST_F(NamesE2eTest, AColumnNameOver63BytesIsRefusedByPlanAndMigrateWithNothingCreated) {
  WriteConfig({Source("wide", "wide_schema", {{{"source", "WIDE"}, {"truncate_onstart", true}}})});
  // validate-config does not read the source's columns.
  auto validate = Sf2pg({"validate-config"});
  EXPECT_EQ(validate.exit_code, kExitDone) << validate.out << validate.err;
  std::string lowered = std::string(62, 'c') + kLowerE;
  std::string why = "column \"" + lowered +
                    "\" is 64 bytes, over PostgreSQL's limit of 63 bytes for a name (it would "
                    "keep only \"" +
                    std::string(62, 'c') + "\") (from Snowflake column \"" + LongColumn() + "\")";
  auto plan = Sf2pg({"plan"});
  EXPECT_EQ(plan.exit_code, kExitFailed) << plan.out << plan.err;
  EXPECT_THAT(plan.out + plan.err, HasSubstr(why));
  EXPECT_THAT(plan.out + plan.err,
              HasSubstr("Snowflake view that selects it under a shorter name"));
  auto migrate = Sf2pg({"migrate"});
  EXPECT_EQ(migrate.exit_code, kExitFailed) << migrate.out << migrate.err;
  EXPECT_THAT(migrate.out + migrate.err, HasSubstr(why));
  EXPECT_THAT(migrate.out + migrate.err, Not(HasSubstr("is missing in the target")));
  EXPECT_EQ(Schemas("wide_schema"), 0);
  EXPECT_EQ(Relations("wide"), 0);
  // The run records the table as failed, with the reason, and moved no row.
  EXPECT_EQ(Scalar("SELECT count(*) FROM migration_status.migration_table_status WHERE "
                   "source_table = 'WIDE' AND status = 'failed'"),
            1);
  EXPECT_EQ(Scalar("SELECT count(*) FROM migration_status.migration_chunk_status"), 0);
}

}  // namespace
}  // namespace sf2pg::testing
