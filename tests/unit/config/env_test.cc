#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/load.h"
#include "core/error.h"

namespace sf2pg::config {
namespace {

using ::testing::HasSubstr;

const char* kKeyLines[] = {"MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
                           "xYzabcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKL"};

TEST(Dotenv, ParsesPlainQuotedExportedAndComments) {
  auto values = ParseDotenv(
      "# comment\n"
      "export A=1\n"
      "B = two words # trailing comment\n"
      "C=\"quoted # not a comment\"\n"
      "D='single $literal'\n"
      "\n"
      "E=\"line1\\nline2\"\n",
      ".env");
  EXPECT_EQ(values["A"], "1");
  EXPECT_EQ(values["B"], "two words");
  EXPECT_EQ(values["C"], "quoted # not a comment");
  EXPECT_EQ(values["D"], "single $literal");
  EXPECT_EQ(values["E"], "line1\nline2");
}

TEST(Dotenv, QuotedValueMaySpanLines) {
  auto values = ParseDotenv(
      "KEY=\"-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\"\nX=1\n", ".env");
  EXPECT_EQ(values["KEY"], "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----");
  EXPECT_EQ(values["X"], "1");
}

TEST(Dotenv, MalformedLineNamesFileAndLine) {
  try {
    ParseDotenv("A=1\nthis is not an assignment\n", "/etc/sf2pg.env");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "/etc/sf2pg.env:2: expected KEY=VALUE");
  }
}

TEST(Dotenv, UnterminatedQuoteIsAnError) {
  EXPECT_THROW(ParseDotenv("A=\"open\n", ".env"), ConfigError);
}

TEST(Environment, ProcessVariablesWinOverDotenv) {
  auto env = Environment::FromMaps({{"POSTGRES_HOST", "real"}},
                                   {{"POSTGRES_HOST", "dotenv"}, {"POSTGRES_USER", "u"}});
  EXPECT_EQ(env.Get("POSTGRES_HOST"), "real");
  EXPECT_EQ(env.Get("POSTGRES_USER"), "u");
  EXPECT_EQ(env.Get("MISSING"), std::nullopt);
}

TEST(PemKey, EscapedNewlinesBecomeRealOnes) {
  std::string escaped = std::string("-----BEGIN PRIVATE KEY-----\\n") + kKeyLines[0] + "\\n" +
                        kKeyLines[1] + "\\n-----END PRIVATE KEY-----";
  std::string pem = NormalizePemKey(escaped);
  EXPECT_EQ(pem, std::string("-----BEGIN PRIVATE KEY-----\n") + kKeyLines[0] + "\n" + kKeyLines[1] +
                     "\n-----END PRIVATE KEY-----\n");
}

TEST(PemKey, RealNewlinesAndQuotesAreKept) {
  std::string pem = std::string("\"-----BEGIN PRIVATE KEY-----\r\n") + kKeyLines[0] +
                    "\r\n-----END PRIVATE KEY-----\"";
  EXPECT_EQ(NormalizePemKey(pem), std::string("-----BEGIN PRIVATE KEY-----\n") + kKeyLines[0] +
                                      "\n-----END PRIVATE KEY-----\n");
}

TEST(PemKey, BareBodyIsWrappedAsPkcs8) {
  std::string pem = NormalizePemKey(std::string(kKeyLines[0]) + kKeyLines[1]);
  EXPECT_THAT(pem, HasSubstr("-----BEGIN PRIVATE KEY-----\n"));
  EXPECT_THAT(pem, HasSubstr("-----END PRIVATE KEY-----\n"));
}

TEST(Credentials, MissingRequiredVariablesAreAllReported) {
  std::vector<Problem> problems;
  LoadCredentials(Environment::FromMaps({}, {}), {}, &problems);
  std::vector<std::string> paths;
  for (const auto& p : problems) paths.push_back(p.path);
  EXPECT_THAT(paths, ::testing::UnorderedElementsAre("env.SNOWFLAKE_ACCOUNT", "env.SNOWFLAKE_USER",
                                                     "env.SNOWFLAKE_RSA_KEY", "env.POSTGRES_HOST",
                                                     "env.POSTGRES_USER"));
}

TEST(Credentials, ReadsEverythingAndValidatesValues) {
  std::vector<Problem> problems;
  auto env = Environment::FromMaps(
      {{"SNOWFLAKE_ACCOUNT", "acme-analytics"},
       {"SNOWFLAKE_USER", "svc"},
       {"SNOWFLAKE_RSA_KEY", std::string("-----BEGIN PRIVATE KEY-----\\n") + kKeyLines[0] +
                                 "\\n-----END PRIVATE KEY-----"},
       {"SNOWFLAKE_ROLE", "MIGRATOR"},
       {"SNOWFLAKE_URL", "http://127.0.0.1:8089"},
       {"POSTGRES_HOST", "db"},
       {"POSTGRES_USER", "u"},
       {"POSTGRES_PASSWORD", "pw-secret"},
       {"POSTGRES_PORT", "6543"},
       {"POSTGRES_SSLMODE", "require"},
       {"LOG_LEVEL", "DEBUG"}},
      {});
  auto c = LoadCredentials(env, {}, &problems);
  EXPECT_TRUE(problems.empty()) << FormatProblems(problems, true);
  EXPECT_EQ(c.snowflake.role, "MIGRATOR");
  EXPECT_EQ(c.postgres.port, 6543);
  EXPECT_EQ(c.postgres.sslmode, "require");
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_THAT(c.snowflake.private_key.reveal(), HasSubstr("\n" + std::string(kKeyLines[0]) + "\n"));
}

TEST(Credentials, BadValuesAreProblemsWithTheirVariable) {
  std::vector<Problem> problems;
  auto env = Environment::FromMaps({{"POSTGRES_HOST", "db"},
                                    {"POSTGRES_USER", "u"},
                                    {"POSTGRES_PORT", "54x"},
                                    {"POSTGRES_SSLMODE", "sometimes"},
                                    {"LOG_LEVEL", "loud"}},
                                   {});
  LoadCredentials(env, {.snowflake = false, .postgres = true}, &problems);
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0].ToString(), "env.POSTGRES_PORT: \"54x\" is not a port number");
  EXPECT_EQ(problems[1].path, "env.POSTGRES_SSLMODE");
  EXPECT_EQ(problems[2].path, "env.LOG_LEVEL");
}

TEST(Credentials, NoSslModeForARemoteHostIsAWarningThatNamesTheSetting) {
  auto warnings = [](std::map<std::string, std::string> vars) {
    std::vector<Problem> problems;
    vars["POSTGRES_USER"] = "u";
    auto env = Environment::FromMaps(vars, {});
    LoadCredentials(env, {.snowflake = false, .postgres = true}, &problems);
    std::string out;
    for (const auto& p : problems) {
      EXPECT_TRUE(p.warning) << p.ToString();
      out += p.ToString();
    }
    return out;
  };
  EXPECT_THAT(warnings({{"POSTGRES_HOST", "db.example.com"}}),
              HasSubstr("env.POSTGRES_SSLMODE: not set, so the connection to db.example.com"));
  EXPECT_THAT(warnings({{"POSTGRES_HOST", "db.example.com"}}), HasSubstr("verify-full"));
  EXPECT_EQ(warnings({{"POSTGRES_HOST", "db.example.com"}, {"POSTGRES_SSLMODE", "require"}}), "");
  EXPECT_EQ(warnings({{"POSTGRES_HOST", "localhost"}}), "");
  EXPECT_EQ(warnings({{"POSTGRES_HOST", "127.0.0.1"}}), "");
  EXPECT_EQ(warnings({{"POSTGRES_HOST", "/var/run/postgresql"}}), "");
}

TEST(Credentials, PythonLogLevelNamesAreAccepted) {
  for (const char* name : {"CRITICAL", "critical", "FATAL"}) {
    std::vector<Problem> problems;
    auto env = Environment::FromMaps({{"LOG_LEVEL", name}}, {});
    auto c = LoadCredentials(env, {.snowflake = false, .postgres = false}, &problems);
    EXPECT_TRUE(problems.empty()) << name << ": " << FormatProblems(problems, true);
    EXPECT_EQ(c.log_level, "error") << name;
  }
}

TEST(Credentials, SnowflakeUrlWithoutAUsablePortIsRefused) {
  auto problem = [](const std::string& url) {
    std::vector<Problem> problems;
    auto env = Environment::FromMaps({{"SNOWFLAKE_ACCOUNT", "acme"},
                                      {"SNOWFLAKE_USER", "svc"},
                                      {"SNOWFLAKE_TOKEN", "t"},
                                      {"SNOWFLAKE_URL", url}},
                                     {});
    LoadCredentials(env, {.snowflake = true, .postgres = false}, &problems);
    for (const auto& p : problems) {
      if (p.path == "env.SNOWFLAKE_URL") return p.ToString();
    }
    return std::string();
  };
  EXPECT_EQ(problem("http://host:"),
            "env.SNOWFLAKE_URL: \"http://host:\" ends its host with ':' but gives no port");
  EXPECT_THAT(problem("http://host:/api"), HasSubstr("gives no port"));
  EXPECT_THAT(problem("https://host:80a"), HasSubstr("not a number from 1 to 65535"));
  EXPECT_THAT(problem("https://host:0"), HasSubstr("not a number from 1 to 65535"));
  EXPECT_THAT(problem("https://host:99999999999999999999"), HasSubstr("1 to 65535"));
  EXPECT_THAT(problem("http://:8080"), HasSubstr("has no host name"));
  for (const char* good :
       {"http://127.0.0.1:8089", "https://acme.snowflakecomputing.com",
        "https://acme.snowflakecomputing.com/", "http://[::1]:8089/x", "https://host:443?x=1"}) {
    EXPECT_EQ(problem(good), "") << good;
  }
}

}  // namespace
}  // namespace sf2pg::config
