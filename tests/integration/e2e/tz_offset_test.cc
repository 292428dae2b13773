// keep_tz_offset end to end: TIMESTAMP_TZ values at several offsets, served by sfemu as the
// SQL API's wire text "<UTC seconds> <offset + 1440>", land as the instant (timestamptz) and,
// with the option, as the offset in minutes (smallint <c>_offset_minutes) — with COPY, with
// UPSERT, and checked by verify. Without the option no companion column is created; a
// companion name that collides, or a target without a fitting column, is refused.
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

struct Row {
  int id;
  const char* at;  // TIMESTAMP_TZ(9) literal, or nullptr
  int offset_minutes;
};

// Offsets from -12:00 to +14:00, with fractional hours (+05:30, +05:45, -03:30), and NULL.
const Row kOffsetRows[] = {
    {1, "2023-07-14 09:30:15.25 +05:30", 330}, {2, "2023-07-14 09:30:15.25 -08:00", -480},
    {3, "2023-07-14 09:30:15.25 +05:45", 345}, {4, "2023-07-14 09:30:15.25 -12:00", -720},
    {5, "2023-07-14 09:30:15.25 +14:00", 840}, {6, nullptr, 0},
    {7, "1950-06-15 12:00:00 -03:30", -210},   {8, "2023-07-14 09:30:15.25 +00:00", 0},
};

class TzOffsetE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sfemu_ = new SfemuServer("tzoff_sfemu", "", 0);
    sfemu_->Sql("CREATE DATABASE TZOFF");
    sfemu_->Sql("CREATE SCHEMA TZOFF.SRC");
    sfemu_->Sql(
        "CREATE TABLE TZOFF.SRC.EVENTS (ID NUMBER(9,0) PRIMARY KEY, AT TIMESTAMP_TZ(9), "
        "LOCAL_AT TIMESTAMP_LTZ(9))");
    for (const auto& r : kOffsetRows) {
      std::string at = r.at ? "CAST('" + std::string(r.at) + "' AS TIMESTAMP_TZ(9))" : "NULL";
      sfemu_->Sql("INSERT INTO TZOFF.SRC.EVENTS (ID, AT, LOCAL_AT) SELECT " + std::to_string(r.id) +
                  ", " + at + ", NULL");
    }
    sfemu_->Sql(
        "CREATE TABLE TZOFF.SRC.CLASH (ID NUMBER(9,0) PRIMARY KEY, AT TIMESTAMP_TZ(9), "
        "AT_OFFSET_MINUTES NUMBER(4,0))");
    sfemu_->Sql("INSERT INTO TZOFF.SRC.CLASH (ID) VALUES (1)");
  }
  static void TearDownTestSuite() {
    delete sfemu_;
    sfemu_ = nullptr;
  }

  void SetUp() override {
    dir_ = MakeTempDir("sf2pg-tzoff");
    TestPg::CreateDatabase("tzoff_target");
    target_ = std::make_unique<postgres::Connection>(TestPg::Params("tzoff_target"));
  }

  void WriteConfig(const json& table) {
    json c = {{"lambda_timeout_buffer_seconds", 0},
              {"sources",
               {{{"source_name", "tz"},
                 {"source_sf_database", "TZOFF"},
                 {"source_sf_schema", "SRC"},
                 {"target_pg_database", TestPg::Db("tzoff_target")},
                 {"target_pg_schema", "public"},
                 {"tables", std::vector<json>{table}}}}}};
    std::ofstream(dir_ + "/config.json") << c.dump(2);
  }

  ProcessResult Sf2pg(std::vector<std::string> args) {
    return RunSf2pg(*sfemu_, std::move(args), dir_);
  }

  // "name type" of each column of public.<table>, in order.
  std::vector<std::string> Columns(const std::string& table) {
    auto r = target_->Exec(
        "SELECT attname || ' ' || format_type(atttypid, atttypmod) FROM pg_attribute WHERE "
        "attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        {"public." + table});
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.Get(i, 0));
    return out;
  }

  // Every row of `table` holds the instant the source's wire text gives and that text's
  // offset; the original wall clock is the instant shifted by the offset.
  void ExpectBothValues(const std::string& table) {
    auto wire = sfemu_->Sql("SELECT ID, AT FROM TZOFF.SRC.EVENTS ORDER BY ID");
    auto landed = target_->Exec(
        "SELECT id, extract(epoch FROM at)::text, at_offset_minutes::text, "
        "to_char((at AT TIME ZONE 'UTC') + make_interval(mins => at_offset_minutes), "
        "'YYYY-MM-DD HH24:MI:SS.FF2') FROM public." +
        table + " ORDER BY id");
    ASSERT_EQ(landed.rows(), static_cast<int>(std::size(kOffsetRows)));
    ASSERT_EQ(wire.size(), std::size(kOffsetRows));
    for (size_t i = 0; i < std::size(kOffsetRows); ++i) {
      const Row& r = kOffsetRows[i];
      int row = static_cast<int>(i);
      ASSERT_EQ(landed.GetInt(row, 0), r.id);
      if (!r.at) {
        EXPECT_TRUE(landed.IsNull(row, 1)) << r.id;
        EXPECT_TRUE(landed.IsNull(row, 2)) << r.id;  // NULL offset for a NULL value
        continue;
      }
      // The wire text: "<seconds> <offset + 1440>".
      const std::string& text = wire[i][1];
      size_t space = text.find(' ');
      ASSERT_NE(space, std::string::npos) << text;
      EXPECT_DOUBLE_EQ(std::stod(std::string(landed.Get(row, 1))), std::stod(text.substr(0, space)))
          << r.id << " " << text;
      EXPECT_EQ(std::stoi(text.substr(space + 1)) - 1440, r.offset_minutes) << text;
      EXPECT_EQ(landed.Get(row, 2), std::to_string(r.offset_minutes)) << r.id << " " << text;
      std::string local(r.at);
      local = local.substr(0, local.rfind(' '));  // "2023-07-14 09:30:15.25"
      if (local.find('.') == std::string::npos) local += ".00";
      EXPECT_EQ(landed.Get(row, 3), local) << r.id;
    }
  }

  static SfemuServer* sfemu_;
  std::string dir_;
  std::unique_ptr<postgres::Connection> target_;
};

SfemuServer* TzOffsetE2eTest::sfemu_ = nullptr;

TEST_F(TzOffsetE2eTest, TheOffsetLandsNextToTheInstantWithCopyAndUpsert) {
  WriteConfig({{"source", "EVENTS"}, {"uniqueness_columns", {"ID"}}, {"keep_tz_offset", true}});
  auto plan = Sf2pg({"plan"});
  ASSERT_EQ(plan.exit_code, kExitDone) << plan.out << plan.err;
  EXPECT_THAT(plan.out, HasSubstr("at_offset_minutes"));  // the DDL it would run
  EXPECT_THAT(plan.out, HasSubstr("smallint"));
  auto copy = Sf2pg({"migrate"});
  ASSERT_EQ(copy.exit_code, kExitDone) << copy.out << copy.err;
  // Only the TIMESTAMP_TZ column has a companion; TIMESTAMP_LTZ has no offset to keep.
  EXPECT_EQ(Columns("events"),
            (std::vector<std::string>{"id integer", "at timestamp with time zone",
                                      "at_offset_minutes smallint",
                                      "local_at timestamp with time zone"}));
  ExpectBothValues("events");
  auto verify = Sf2pg({"verify"});
  EXPECT_EQ(verify.exit_code, kExitDone) << verify.out << verify.err;
  EXPECT_THAT(verify.out, HasSubstr(": identical ("));

  // verify compares the offsets too: a changed offset is a changed row.
  target_->Exec("UPDATE public.events SET at_offset_minutes = 0 WHERE id = 1");
  target_->Exec("DELETE FROM public.events WHERE id = 3");
  auto differs = Sf2pg({"verify"});
  EXPECT_NE(differs.exit_code, kExitDone) << differs.out;
  EXPECT_THAT(differs.out, HasSubstr("changed id=1: at_offset_minutes"));

  // UPSERT into the loaded table carries the offset column and repairs both rows.
  auto upsert = Sf2pg({"migrate", "--no-resume", "--summary-json", dir_ + "/summary.json"});
  ASSERT_EQ(upsert.exit_code, kExitDone) << upsert.out << upsert.err;
  json summary = json::parse(std::ifstream(dir_ + "/summary.json"));
  EXPECT_EQ(summary["tables"][0]["method"], "UPSERT");
  ExpectBothValues("events");
  auto again = Sf2pg({"verify"});
  EXPECT_EQ(again.exit_code, kExitDone) << again.out << again.err;
}

TEST_F(TzOffsetE2eTest, WithoutTheOptionNoCompanionColumnIsCreated) {
  WriteConfig({{"source", "EVENTS"}, {"target", "plain"}, {"uniqueness_columns", {"ID"}}});
  auto r = Sf2pg({"migrate"});
  ASSERT_EQ(r.exit_code, kExitDone) << r.out << r.err;
  EXPECT_EQ(Columns("plain"), (std::vector<std::string>{"id integer", "at timestamp with time zone",
                                                        "local_at timestamp with time zone"}));
  EXPECT_EQ(target_->Exec("SELECT count(*) FROM public.plain WHERE at IS NOT NULL").GetInt(0, 0),
            7);
  auto verify = Sf2pg({"verify"});
  EXPECT_EQ(verify.exit_code, kExitDone) << verify.out << verify.err;

  // Turning the option on for the loaded table, which has no offset column, is refused with
  // what to do.
  WriteConfig({{"source", "EVENTS"},
               {"target", "plain"},
               {"uniqueness_columns", {"ID"}},
               {"keep_tz_offset", true}});
  auto on = Sf2pg({"migrate"});
  EXPECT_EQ(on.exit_code, kExitFailed) << on.out << on.err;
  EXPECT_THAT(on.out + on.err,
              HasSubstr("column \"at_offset_minutes\" (the UTC offset of Snowflake AT "
                        "timestamp_tz, keep_tz_offset) is missing in the target"));
}

TEST_F(TzOffsetE2eTest, AnOffsetColumnOfTheWrongTypeIsRefused) {
  target_->Exec(
      "CREATE TABLE public.typed (id integer PRIMARY KEY, at timestamptz, local_at timestamptz, "
      "at_offset_minutes text)");
  WriteConfig({{"source", "EVENTS"},
               {"target", "typed"},
               {"uniqueness_columns", {"ID"}},
               {"keep_tz_offset", true}});
  auto r = Sf2pg({"migrate"});
  EXPECT_EQ(r.exit_code, kExitFailed) << r.out << r.err;
  EXPECT_THAT(r.out + r.err,
              HasSubstr("the UTC offset of Snowflake column AT (TIMESTAMP_TZ(9)) cannot be "
                        "loaded into PostgreSQL column at_offset_minutes (text)"));
  EXPECT_EQ(target_->Exec("SELECT count(*) FROM public.typed").GetInt(0, 0), 0);

  // An integer column of any width is fine: the failed run resumes into the fixed table.
  target_->Exec("ALTER TABLE public.typed ALTER at_offset_minutes TYPE integer USING NULL");
  auto fixed = Sf2pg({"migrate"});
  ASSERT_EQ(fixed.exit_code, kExitDone) << fixed.out << fixed.err;
  ExpectBothValues("typed");
}

TEST_F(TzOffsetE2eTest, ACompanionNameTakenByASourceColumnIsRefusedBeforeAnythingIsCreated) {
  WriteConfig({{"source", "CLASH"}, {"uniqueness_columns", {"ID"}}, {"keep_tz_offset", true}});
  auto r = Sf2pg({"migrate"});
  EXPECT_EQ(r.exit_code, kExitFailed) << r.out << r.err;
  EXPECT_THAT(r.out + r.err,
              HasSubstr("Snowflake column \"AT_OFFSET_MINUTES\" and the offset column of "
                        "Snowflake column \"AT\" (keep_tz_offset) would both be the "
                        "PostgreSQL column \"at_offset_minutes\""));
  EXPECT_EQ(target_->Exec("SELECT count(*) FROM pg_class WHERE relname = 'clash'").GetInt(0, 0), 0);
  // Without the option the table loads as it is (into another target: the failed run still
  // holds this one).
  WriteConfig({{"source", "CLASH"}, {"target", "clash_plain"}, {"uniqueness_columns", {"ID"}}});
  auto off = Sf2pg({"migrate"});
  EXPECT_EQ(off.exit_code, kExitDone) << off.out << off.err;
}

}  // namespace
}  // namespace sf2pg::testing
