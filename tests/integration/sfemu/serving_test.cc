// The scripts that run sfemu for tests, benchmarks and the demo, the loader's data sets, and a
// serving-rate measurement (printed, not asserted: machines differ).
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <future>
#include <iostream>
#include <set>

#include "integration/pg_fixture.h"
#include "integration/sfemu/sfemu_fixture.h"

namespace sf2pg::testing {
namespace {

using nlohmann::json;

std::map<std::string, std::string> PgEnv(const std::string& database) {
  return {{"PGHOST", "127.0.0.1"},
          {"PGPORT", std::to_string(TestPg::port())},
          {"PGUSER", "sf2pg"},
          {"PGPASSWORD", "sf2pg"},
          {"PGDATABASE", TestPg::Db(database)}};
}

ProcessResult Load(const std::string& database, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {BinaryPath("sfemu"), "load"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, PgEnv(database));
}

TEST(SfemuScripts, StartAndStopRunTheEmulatorInTheBackground) {
  TestPg::CreateDatabase("sfemu_scripts");
  std::string dir = MakeTempDir("sfemu-start");
  std::ofstream(dir + "/pg.env") << "PGHOST=127.0.0.1\nPGPORT=" << TestPg::port()
                                 << "\nPGUSER=sf2pg\nPGPASSWORD=sf2pg\nPGDATABASE="
                                 << TestPg::Db("sfemu_scripts") << "\n";
  ProcessResult start =
      RunProcess({SourcePath("tools/sfemu/start.sh"), dir + "/run", "--pg-env", dir + "/pg.env"},
                 {{"SFEMU_BIN", BinaryPath("sfemu")}});
  ASSERT_EQ(start.exit_code, 0) << start.err;
  int port = std::stoi(start.out);
  std::ifstream pid_file(dir + "/run/pid");
  int pid = 0;
  pid_file >> pid;
  ASSERT_GT(pid, 0);
  std::ifstream env_file(dir + "/run/env");
  std::string env((std::istreambuf_iterator<char>(env_file)), {});
  EXPECT_NE(env.find("SFEMU_URL=http://127.0.0.1:" + std::to_string(port)), std::string::npos);
  // The generated key signs tokens the emulator accepts.
  SfemuClient client(port, "SFEMU-DEMO", "SFEMU_USER", KeyFromPrivatePem(dir + "/run/rsa_key.p8"));
  EXPECT_EQ(client.Submit("SELECT 1").status, 200);
  ProcessResult stop = RunProcess({SourcePath("tools/sfemu/stop.sh"), dir + "/run"});
  EXPECT_EQ(stop.exit_code, 0) << stop.err;
  // Gone, or a zombie left to a parent that does not reap (as in some containers).
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string pid_field, comm, state;
  if (stat >> pid_field >> comm >> state) {
    EXPECT_EQ(state, "Z") << "sfemu still runs after stop.sh";
  }
  std::filesystem::remove_all(dir);
}

TEST(SfemuLoader, DemoDataSetHasTheDocumentedTables) {
  TestPg::CreateDatabase("sfemu_demo");
  ProcessResult load = Load("sfemu_demo", {"--dataset", "demo", "--rows", "3000", "--seed", "9"});
  ASSERT_EQ(load.exit_code, 0) << load.err;
  std::string dir = MakeTempDir("sfemu-demo");
  TestKey key = MakeKey(dir, "k");
  SfemuProcess server("sfemu_demo", {"--account", "demo", "--user", "U", "--public-key",
                                     "U=" + key.public_pem_path});
  SfemuClient client(server.port(), "DEMO", "U", key);
  auto count = [&](const std::string& table) {
    return client.Rows("SELECT COUNT(*) FROM " + table)[0][0];
  };
  EXPECT_EQ(count("ANALYTICS.BI.FACTVISIT"), "3000");
  EXPECT_EQ(count("ANALYTICS.BI.DIMPATIENT"), "600");
  EXPECT_EQ(count("CONFLICTREPORT.PUBLIC.PATIENTADDRESS"), "1500");
  auto cols = client.Rows(
      "SELECT COLUMN_NAME, DATA_TYPE FROM ANALYTICS.INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = "
      "'DIMPATIENT' ORDER BY ORDINAL_POSITION");
  ASSERT_EQ(cols.size(), 11u);
  EXPECT_EQ(cols[0][0], "Patient Id");
  EXPECT_EQ(cols[9][0], "Updated Datatimestamp");
  EXPECT_EQ(cols[9][1], "TIMESTAMP_TZ");
  // Nullable columns have some NULLs, timestamps carry varied offsets, the watermark repeats.
  EXPECT_NE(client.Rows(
                R"(SELECT COUNT(*) FROM ANALYTICS.BI.DIMPATIENT WHERE "Risk Score" IS NULL)")[0][0],
            "0");
  EXPECT_GT(
      client
          .Rows(
              R"(SELECT "Updated Datatimestamp" FROM ANALYTICS.BI.DIMPATIENT WHERE "Updated Datatimestamp" IS NOT NULL GROUP BY 1)")
          .size(),
      100u);
  auto offsets = client.Rows(
      R"(SELECT DISTINCT "Updated Datatimestamp" FROM ANALYTICS.BI.DIMPATIENT LIMIT 200)");
  std::set<std::string> distinct;
  for (const auto& r : offsets) {
    if (r[0].is_string())
      distinct.insert(r[0].get<std::string>().substr(r[0].get<std::string>().find(' ')));
  }
  EXPECT_GT(distinct.size(), 3u);
  EXPECT_EQ(client.Rows("SELECT MAX(N) FROM (SELECT UPDATED_AT, COUNT(*) AS N FROM "
                        "ANALYTICS.BI.FACTVISIT GROUP BY 1)")[0][0],
            "50");
  EXPECT_NE(
      client.Rows(
          R"(SELECT COUNT(*) FROM ANALYTICS.BI.DIMPATIENT WHERE "Birth Date" < '1970-01-01')")[0]
                                                                                              [0],
      "0");
  // Deterministic: the same seed gives the same rows.
  auto first = client.Rows(
      R"(SELECT "Patient Id", "Risk Score" FROM ANALYTICS.BI.DIMPATIENT ORDER BY "Patient Id" LIMIT 5)");
  ASSERT_EQ(Load("sfemu_demo",
                 {"--dataset", "demo", "--rows", "3000", "--seed", "9", "--table", "DIMPATIENT"})
                .exit_code,
            0);
  EXPECT_EQ(
      client.Rows(
          R"(SELECT "Patient Id", "Risk Score" FROM ANALYTICS.BI.DIMPATIENT ORDER BY "Patient Id" LIMIT 5)"),
      first);
  std::filesystem::remove_all(dir);
}

TEST(SfemuLoader, LoadsSnowflakeDdlAndCsvAndNamesBadRows) {
  TestPg::CreateDatabase("sfemu_csv");
  std::string dir = MakeTempDir("sfemu-csv-load");
  std::ofstream(dir + "/tables.sql")
      << "CREATE DATABASE IF NOT EXISTS SALES;\n"
         "CREATE OR REPLACE TABLE SALES.PUBLIC.CUSTOMERS (\n"
         "  ID NUMBER(38,0) PRIMARY KEY, NAME VARCHAR(20), SEEN TIMESTAMP_NTZ(3));\n";
  std::ofstream(dir + "/good.csv")
      << "ID,NAME,SEEN\n1,\"Ada, Countess\",2023-07-14 09:30:15.25\n2,,\n3,\"\",2023-07-14\n";
  std::ofstream(dir + "/bad.csv") << "4,Grace,2023-07-14 09:30:15.1234\n";
  ProcessResult ok = Load("sfemu_csv", {"--ddl", dir + "/tables.sql", "--csv",
                                        "SALES.PUBLIC.CUSTOMERS=" + dir + "/good.csv", "--header"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  ProcessResult bad = Load("sfemu_csv", {"--csv", "SALES.PUBLIC.CUSTOMERS=" + dir + "/bad.csv"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find(dir + "/bad.csv:1: column SEEN (TIMESTAMP_NTZ(3))"), std::string::npos)
      << bad.err;
  TestKey key = MakeKey(dir, "k");
  SfemuProcess server(
      "sfemu_csv", {"--account", "a", "--user", "U", "--public-key", "U=" + key.public_pem_path});
  SfemuClient client(server.port(), "A", "U", key);
  EXPECT_EQ(client.Rows("SELECT ID, NAME, SEEN FROM SALES.PUBLIC.CUSTOMERS ORDER BY ID"),
            (std::vector<std::vector<json>>{{"1", "Ada, Countess", "1689327015.250"},
                                            {"2", nullptr, nullptr},
                                            {"3", "", "1689292800.000"}}));
  std::filesystem::remove_all(dir);
}

/// Fetches every partition of `handle` with `threads` connections; returns the rows counted.
int64_t FetchAll(int port, const std::string& token, const json& first, int threads) {
  std::string handle = first["statementHandle"];
  size_t partitions = first["resultSetMetaData"]["partitionInfo"].size();
  std::atomic<size_t> next{1};
  std::atomic<int64_t> rows{static_cast<int64_t>(first["data"].size())};
  std::vector<std::future<void>> workers;
  for (int t = 0; t < threads; ++t) {
    workers.push_back(std::async(std::launch::async, [&] {
      httplib::Client http("127.0.0.1", port);
      http.set_tcp_nodelay(true);
      http.set_decompress(true);
      httplib::Headers h = {{"Authorization", "Bearer " + token},
                            {"X-Snowflake-Authorization-Token-Type", "KEYPAIR_JWT"}};
      for (size_t p = next++; p < partitions; p = next++) {
        auto res = http.Get("/api/v2/statements/" + handle + "?partition=" + std::to_string(p), h);
        if (!res || res->status != 200) continue;
        // Counting rows without a full parse: one "],\n[" separator per row boundary.
        int64_t n = 1;
        for (size_t i = 0; (i = res->body.find("],\n[", i)) != std::string::npos; ++i) ++n;
        rows += n;
      }
    }));
  }
  for (auto& w : workers) w.get();
  return rows;
}

TEST(SfemuServingRate, PatientsTable50kRowsFreshAndCached) {
  const int64_t kPatientRows = 50000;
  TestPg::CreateDatabase("sfemu_rate");
  auto load_start = std::chrono::steady_clock::now();
  ProcessResult load = Load("sfemu_rate", {"--dataset", "bench", "--table", "PATIENTS", "--rows",
                                           std::to_string(kPatientRows)});
  ASSERT_EQ(load.exit_code, 0) << load.err;
  double load_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();
  std::string dir = MakeTempDir("sfemu-rate");
  TestKey key = MakeKey(dir, "k");
  SfemuProcess server("sfemu_rate", {"--account", "bench", "--user", "U", "--public-key",
                                     "U=" + key.public_pem_path, "--cache-entries", "10",
                                     "--sync-wait-ms", "120000"});
  SfemuClient client(server.port(), "BENCH", "U", key);
  const std::string sql = R"(SELECT * FROM "BENCH"."PUBLIC"."PATIENTS" ORDER BY "PATIENT_ID")";
  auto run = [&](const char* label, json body) {
    auto start = std::chrono::steady_clock::now();
    HttpResult first = client.Submit(sql, std::move(body));
    double submit = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(first.status, 200);
    int64_t rows = FetchAll(server.port(), client.Token(), first.json, 4);
    double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(rows, kPatientRows);
    std::cout << "[ sfemu    ] " << label << ": " << rows << " rows, "
              << first.json["resultSetMetaData"]["partitionInfo"].size()
              << " partitions, statement " << submit
              << " s, all partitions fetched (4 connections, gunzip) in " << total
              << " s = " << static_cast<int64_t>(static_cast<double>(rows) / total) << " rows/s\n";
    ::testing::Test::RecordProperty(
        std::string(label) + "_rows_per_second",
        std::to_string(static_cast<int64_t>(static_cast<double>(rows) / total)));
  };
  std::cout << "[ sfemu    ] loaded " << kPatientRows << " PATIENTS rows in " << load_seconds
            << " s\n";
  run("fresh", json::object());
  run("cached", json::object());
  run("fresh (USE_CACHED_RESULT=false)", {{"parameters", {{"USE_CACHED_RESULT", "false"}}}});
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sf2pg::testing
