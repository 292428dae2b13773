// No private key, password or token in anything sf2pg leaves behind, for a run that fails and
// the run that resumes and completes it: stdout and stderr at debug level (text and JSON
// logs), the --summary-json files, `status`, `verify`, and every row of every table in the
// migration_status schema.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/exit_status.h"
#include "core/quote.h"
#include "integration/chaos/chaos_fixture.h"
#include "integration/files.h"

namespace sf2pg::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kPassword = "pw-Zq81-do-not-print-a9f3";

// Every row of every table of the status schema, as JSON lines.
std::string StatusTables(const Scene& scene) {
  auto conn = scene.Target();
  auto tables = conn.Exec(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'migration_status'");
  EXPECT_GE(tables.rows(), 3);
  std::string out;
  for (int i = 0; i < tables.rows(); ++i) {
    std::string name = pg::QuoteIdent(tables.Get(i, 0));
    auto rows = conn.Exec("SELECT row_to_json(t)::text FROM migration_status." + name + " t");
    for (int r = 0; r < rows.rows(); ++r) out += std::string(rows.Get(r, 0)) + "\n";
  }
  return out;
}

// The base64 lines of the PEM body: any one of them in an output is a leak.
std::vector<std::string> KeyLines(const std::string& pem) {
  std::vector<std::string> lines;
  std::string text = pem;
  for (size_t at; (at = text.find("\\n")) != std::string::npos;) text.replace(at, 2, "\n");
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.size() >= 40 && line.find("-----") == std::string::npos) lines.push_back(line);
  }
  return lines;
}

TEST(ChaosSecrets, NoKeyPasswordOrTokenInAnyOutputOfAFailingAndASuccessfulRun) {
  SceneOptions options;
  options.name = "chaos_secrets";
  options.rows = 5000;
  options.batch_rows = 1000;
  Scene scene(options);
  // A PostgreSQL role with a password that cannot appear by accident.
  scene.Target().Exec("DROP ROLE IF EXISTS secret_user");
  scene.Target().Exec(std::string("CREATE ROLE secret_user LOGIN SUPERUSER PASSWORD '") +
                      kPassword + "'");
  std::map<std::string, std::string> env = {
      {"POSTGRES_USER", "secret_user"}, {"POSTGRES_PASSWORD", kPassword}, {"LOG_LEVEL", "DEBUG"}};
  std::vector<std::string> key_lines = KeyLines(scene.Env().at("SNOWFLAKE_RSA_KEY"));
  ASSERT_GE(key_lines.size(), 10u);

  std::string outputs;
  auto collect = [&](const ProcessResult& r) { outputs += r.out + "\n" + r.err + "\n"; };
  // Every chunk but the first fails for good: the run fails, its errors are stored.
  scene.sfemu().SetFaults(
      R"({"rules": [{"match": "PATIENT_ID\" >= ", "times": -1, "action": "422"}]})");
  std::string failed_summary = scene.dir() + "/failed.json";
  auto failed = scene.Sf2pg(
      {"migrate", "--log-format", "json", "--summary-json", failed_summary, "--no-resume"}, env);
  collect(failed);
  ASSERT_EQ(failed.exit_code, kExitFailed) << failed.out << failed.err;
  outputs += ReadFileText(failed_summary);
  collect(scene.Sf2pg({"status"}, env));
  collect(scene.Sf2pg({"status", "--json"}, env));

  scene.sfemu().SetFaults(R"({"rules": []})");
  std::string done_summary = scene.dir() + "/done.json";
  auto done = scene.Sf2pg({"migrate", "--summary-json", done_summary}, env);
  collect(done);
  ASSERT_EQ(done.exit_code, kExitDone) << done.out << done.err;
  outputs += ReadFileText(done_summary);
  collect(scene.Sf2pg({"test-connections"}, env));
  collect(scene.Sf2pg({"verify"}, env));
  collect(scene.Sf2pg({"status", "--json"}, env));
  outputs += StatusTables(scene);

  // The outputs are real: debug lines, the stored chunk errors and both summaries are there.
  EXPECT_THAT(outputs, HasSubstr("injected by sfemu"));
  EXPECT_THAT(outputs, HasSubstr("\"level\":\"debug\""));
  EXPECT_THAT(outputs, HasSubstr("secret_user"));
  EXPECT_THAT(outputs, Not(HasSubstr(kPassword)));
  for (const auto& line : key_lines) EXPECT_THAT(outputs, Not(HasSubstr(line)));
  // A JWT starts with the base64 of {"alg":"RS256" ...; an OAuth or session token would follow
  // "Bearer ".
  EXPECT_THAT(outputs, Not(HasSubstr("eyJhbGciOi")));
  EXPECT_THAT(outputs, Not(HasSubstr("Bearer ")));
}

}  // namespace
}  // namespace sf2pg::testing
