// Names and values that look like SQL: database, schema, table and column names with quotes,
// spaces, semicolons, mixed case and reserved words migrate exactly (every identifier is
// quoted), and values full of quotes, backslashes and SQL text stay values, also where they
// bound chunks (text key ranges are Snowflake literals in the chunk queries).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/exit_status.h"
#include "core/quote.h"
#include "integration/pg_fixture.h"
#include "integration/sfemu_server.h"

namespace sf2pg::testing {
namespace {

using nlohmann::json;

// A Snowflake string literal written independently of sf2pg's own quoting: quotes doubled,
// backslashes doubled (Snowflake reads backslash escapes in string literals).
std::string SnowflakeString(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += c;
    out += c;
  }
  return out + "'";
}

const std::vector<std::string>& NastyValues() {
  static const std::vector<std::string> values = {
      "'); DROP TABLE canary; --",
      "a'b",
      "c\\d",
      "back\\'slash",
      "$$ dollar $$",
      "\"double\"",
      "E'\\x41'",
      "line\nbreak\ttab",
      "%s %n {}",
      "'';'",
      "\\",
      "--",
      "/* c */",
      "Robert'); DELETE FROM \"Tgt \"\"Schema\"\"\".x; --",
      "ünïcödé \"'\\"};
  return values;
}

constexpr const char* kTable = "Order \"Lines\"; DROP";
constexpr const char* kColumns =
    "(\"Id\" NUMBER(38,0), \"group\" VARCHAR, \"Col With Space\" VARCHAR, \"quote\"\"d\" "
    "NUMBER(10,2), \"UPPER\" DATE, \"naïve\" BOOLEAN)";

TEST(ChaosIdentifiers, QuotedMixedCaseAndReservedNamesAndSqlLikeValuesMigrateExactly) {
  SfemuServer sfemu("identifiers_sfemu", "", 0);
  sfemu.Sql("CREATE DATABASE \"Mixed Db\"");
  sfemu.Sql("CREATE SCHEMA \"Mixed Db\".\"select\"");
  for (const char* table : {"\"Order \"\"Lines\"\"; DROP\"", "\"By Text\""}) {
    sfemu.Sql(std::string("CREATE TABLE \"Mixed Db\".\"select\".") + table + " " + kColumns);
    const auto& values = NastyValues();
    for (size_t i = 0; i < 40; ++i) {
      const std::string& v = values[i % values.size()];
      // Every value is unique in "group" (the text chunking column of the second table).
      sfemu.Sql(std::string("INSERT INTO \"Mixed Db\".\"select\".") + table + " SELECT " +
                std::to_string(i + 1) + ", " + SnowflakeString(v + "#" + std::to_string(i)) + ", " +
                SnowflakeString(v) + ", " + std::to_string(i) + ".25, '2024-01-" +
                std::to_string(i % 18 + 10) + "'::DATE, " + (i % 2 ? "TRUE" : "FALSE"));
    }
  }
  TestPg::CreateDatabase("identifiers_target");
  postgres::Connection target(TestPg::Params("identifiers_target"));
  target.Exec("CREATE SCHEMA \"Tgt \"\"Schema\"\"\"");
  target.Exec("CREATE TABLE public.canary (x int)");
  std::string dir = MakeTempDir("sf2pg-identifiers");
  std::ofstream(dir + "/config.json")
      << json{{"sources",
               {{{"source_name", "weird; name"},
                 {"source_sf_database", "Mixed Db"},
                 {"source_sf_schema", "select"},
                 {"target_pg_database", TestPg::Db("identifiers_target")},
                 {"target_pg_schema", "Tgt \"Schema\""},
                 {"tables",
                  {{{"source", kTable},
                    {"chunking_columns", {"Id"}},
                    {"chunking_column_types", {"bigint"}},
                    {"uniqueness_columns", {"Id"}},
                    {"batch_size", 7},
                    {"batch_size_copy_mode", 7}},
                   {{"source", "By Text"},
                    {"target", "by text"},
                    {"chunking_columns", {"group"}},
                    {"chunking_column_types", {"varchar"}},
                    {"uniqueness_columns", {"Id"}},
                    {"batch_size", 3},
                    {"batch_size_copy_mode", 3}}}}}}}}
             .dump();
  auto env = TestPg::Env();
  for (const auto& [k, v] : sfemu.Env()) env[k] = v;
  auto run = RunProcess({BinaryPath("sf2pg"), "migrate", "--log-format", "json", "--config",
                         dir + "/config.json", "--summary-json", dir + "/summary.json"},
                        env, dir);
  ASSERT_EQ(run.exit_code, kExitDone) << run.out << run.err;
  std::ifstream summary_file(dir + "/summary.json");
  json summary = json::parse(summary_file);
  ASSERT_EQ(summary["tables"].size(), 2u);
  EXPECT_GT(summary["tables"][0]["total_chunks"].get<int>(), 3) << summary.dump(2);
  EXPECT_GT(summary["tables"][1]["total_chunks"].get<int>(), 3) << summary.dump(2);
  EXPECT_EQ(summary["tables"][1]["strategy"], "key_range") << summary.dump(2);

  auto verify = RunProcess({BinaryPath("sf2pg"), "verify", "--json", "--log-level", "warning",
                            "--config", dir + "/config.json"},
                           env, dir);
  EXPECT_EQ(verify.exit_code, kExitDone) << verify.out << verify.err;
  json verdicts = json::parse(verify.out, nullptr, false);
  ASSERT_TRUE(verdicts.is_array()) << verify.out;
  for (const auto& v : verdicts) {
    EXPECT_TRUE(v["identical"].get<bool>()) << v.dump(2);
    EXPECT_EQ(v["source_rows"], 40);
  }

  // The names arrived as written (all-upper names become lower case), and every value too.
  for (const char* name : {kTable, "by text"}) {
    std::string qualified = "\"Tgt \"\"Schema\"\"\"." + pg::QuoteIdent(name);
    auto columns = target.Exec(
        "SELECT string_agg(attname, '|' ORDER BY attnum) FROM pg_attribute WHERE attrelid = "
        "$1::regclass AND attnum > 0",
        {qualified});
    EXPECT_EQ(columns.Get(0, 0), "Id|group|Col With Space|quote\"d|upper|naïve") << name;
    const auto& values = NastyValues();
    for (size_t i = 0; i < 40; ++i) {
      const std::string& v = values[i % values.size()];
      auto row = target.Exec(
          "SELECT count(*) FROM " + qualified +
              " WHERE \"Id\" = $1::bigint AND \"group\" = $2 AND \"Col With "
              "Space\" = $3 AND \"quote\"\"d\" = $4::numeric",
          {std::to_string(i + 1), v + "#" + std::to_string(i), v, std::to_string(i) + ".25"});
      EXPECT_EQ(row.GetInt(0, 0), 1) << name << " row " << i + 1 << ": " << v;
    }
  }
  EXPECT_EQ(target.Exec("SELECT count(*) FROM public.canary").GetInt(0, 0), 0);
}

}  // namespace
}  // namespace sf2pg::testing
