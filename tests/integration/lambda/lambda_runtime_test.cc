// The sf2pg binary as an AWS Lambda custom runtime, driven through the local Runtime API
// emulator: answers, handled errors, init errors, hard timeouts, process reuse and secrets.
// Set SF2PG_LAMBDA_BOOTSTRAP to run the same tests against a packaged bootstrap.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "integration/files.h"
#include "integration/lambda/runtime_emulator.h"
#include "integration/pg_fixture.h"

namespace sf2pg::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kRsaKey =
    "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----";

std::string Bootstrap() {
  const char* packaged = std::getenv("SF2PG_LAMBDA_BOOTSTRAP");
  return packaged && *packaged ? packaged : BinaryPath("sf2pg");
}

class LambdaRuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("sf2pg-lambda");
    TestPg::CreateDatabase("lambda_target");
    std::ofstream(dir_ + "/config.json") << R"({
      "lambda_timeout_buffer_seconds": 1,
      "sources": [{
        "source_name": "demo", "source_sf_database": "DEMO", "source_sf_schema": "PUBLIC",
        "target_pg_database": ")" + TestPg::Db("lambda_target") +
                                                R"(", "target_pg_schema": "public",
        "tables": [{"source": "PATIENTS", "uniqueness_columns": ["PATIENT_ID"]}]
      }]
    })";
    options_.command = {Bootstrap()};
    options_.env = TestPg::Env();
    options_.env["SNOWFLAKE_ACCOUNT"] = "acme-test";
    options_.env["SNOWFLAKE_USER"] = "svc";
    options_.env["SNOWFLAKE_RSA_KEY"] = kRsaKey;
    options_.env["LAMBDA_TASK_ROOT"] = dir_;
    options_.env["AWS_SESSION_TOKEN"] = "session-token-for-tests";
    options_.timeout_ms = 5000;
    options_.log_path = dir_ + "/lambda.log";
  }

  void TearDown() override {
    if (HasFailure()) std::cerr << "--- function log:\n" << ReadFileText(options_.log_path) << "\n";
  }

  static json Body(const InvokeResult& r) {
    json envelope = json::parse(r.payload);
    EXPECT_EQ(envelope.value("statusCode", 0), 200) << r.payload;
    return envelope["body"];
  }

  std::string dir_;
  EmulatorOptions options_;
};

TEST_F(LambdaRuntimeTest, ValidateConfigAnswersWithTheSeedEnvelope) {
  RuntimeEmulator emulator(options_);
  auto r = emulator.Invoke(R"({"action": "validate_config", "source_name": "demo"})");
  ASSERT_TRUE(r.ok) << r.payload;
  json body = Body(r);
  EXPECT_EQ(body["status"], "ok");
  EXPECT_EQ(body["tables"], 1);
  EXPECT_EQ(body["sources"][0]["source_name"], "demo");
  EXPECT_EQ(body["config_hash"].get<std::string>().size(), 32u);
}

TEST_F(LambdaRuntimeTest, HandledErrorCarriesItsTypeInBodyAndHeader) {
  RuntimeEmulator emulator(options_);
  auto r = emulator.Invoke(R"({"action": "migrate", "source_name": "nope"})");
  ASSERT_FALSE(r.ok);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.error_type, "Sf2pg.ConfigError");
  EXPECT_EQ(r.header_error_type, "Sf2pg.ConfigError");
  EXPECT_THAT(r.error_message, HasSubstr("unknown source nope"));
  // Errors name the event's fields, not the command line's options.
  auto table = emulator.Invoke(R"({"action": "migrate", "tables_filter": "NOPE"})");
  EXPECT_EQ(table.error_type, "Sf2pg.ConfigError");
  EXPECT_THAT(table.error_message, HasSubstr("tables_filter: no enabled table named nope"));
  EXPECT_THAT(table.error_message, Not(HasSubstr("--tables")));
  auto tested = emulator.Invoke(R"({"action": "test_connections", "source_name": "nope"})");
  EXPECT_EQ(tested.error_type, "Sf2pg.ConfigError");
  EXPECT_THAT(tested.error_message, HasSubstr("source_name: no source named nope"));
  auto bad = emulator.Invoke(R"({"action": "dance"})");
  EXPECT_EQ(bad.error_type, "Sf2pg.InvalidPayload");
  EXPECT_THAT(bad.error_message, HasSubstr("action: \"dance\""));
  auto typed = emulator.Invoke(R"({"action": "migrate", "no_resume": "yes"})");
  EXPECT_EQ(typed.error_type, "Sf2pg.InvalidPayload");
  EXPECT_THAT(typed.error_message, HasSubstr("no_resume: expected true or false"));
  // Handled errors do not cost the environment: all three were served by one process.
  EXPECT_EQ(emulator.environments_started(), 1);
  EXPECT_EQ(typed.pid, r.pid);
}

TEST_F(LambdaRuntimeTest, OneProcessServesManyInvocationsWithFreshStateEach) {
  RuntimeEmulator emulator(options_);
  auto status = emulator.Invoke(R"({"action": "status"})");
  ASSERT_TRUE(status.ok) << status.payload;
  EXPECT_EQ(Body(status)["status"], "ok");
  EXPECT_TRUE(Body(status)["view"].is_array());
  auto failed =
      emulator.Invoke(R"({"action": "status", "run_id": "00000000-0000-0000-0000-000000000000"})");
  EXPECT_FALSE(failed.ok);
  EXPECT_EQ(failed.error_type, "Sf2pg.ConfigError");
  // The failure of the previous invocation leaves nothing behind for the next one.
  auto again = emulator.Invoke(R"({"action": "validate_config"})");
  ASSERT_TRUE(again.ok) << again.payload;
  EXPECT_EQ(emulator.environments_started(), 1);
  EXPECT_EQ(status.pid, again.pid);
  EXPECT_EQ(status.environment, again.environment);
}

TEST_F(LambdaRuntimeTest, ARefusedResponseIsReportedAsAnErrorAndTheProcessGoesOn) {
  options_.max_response_bytes = 200;  // validate_config's answer is larger
  RuntimeEmulator emulator(options_);
  auto r = emulator.Invoke(R"({"action": "validate_config"})");
  ASSERT_FALSE(r.ok) << r.payload;
  EXPECT_EQ(r.error_type, "Sf2pg.ResponseRefused");
  EXPECT_THAT(r.error_message, HasSubstr("too large (413)"));
  auto small = emulator.Invoke(R"({"action": "nope"})");
  EXPECT_EQ(small.error_type, "Sf2pg.InvalidPayload");
  EXPECT_EQ(emulator.environments_started(), 1);
}

TEST_F(LambdaRuntimeTest, BrokenConfigIsAnInitErrorAndTheNextInvokeStartsAfresh) {
  std::ofstream(dir_ + "/config.json") << R"({"sources": [{"source_name": 5}]})";
  RuntimeEmulator emulator(options_);
  auto r = emulator.Invoke(R"({"action": "validate_config"})");
  ASSERT_FALSE(r.ok);
  EXPECT_TRUE(r.init_error);
  EXPECT_EQ(r.error_type, "Sf2pg.ConfigError");
  EXPECT_EQ(r.header_error_type, "Sf2pg.ConfigError");
  EXPECT_THAT(r.error_message, HasSubstr("config.json"));
  // Fixed in place: the next invocation gets a new environment whose init succeeds.
  std::ofstream(dir_ + "/config.json") << ReadFileText(SourcePath("examples/config.json"));
  auto fixed = emulator.Invoke(R"({"action": "validate_config"})");
  ASSERT_TRUE(fixed.ok) << fixed.payload;
  EXPECT_EQ(emulator.environments_started(), 2);
  EXPECT_NE(fixed.environment, r.environment);
}

TEST_F(LambdaRuntimeTest, ConfigPathComesFromSf2pgConfig) {
  std::ofstream(dir_ + "/other.json") << ReadFileText(SourcePath("examples/config.json"));
  std::ofstream(dir_ + "/config.json") << "not json";
  options_.env["SF2PG_CONFIG"] = dir_ + "/other.json";
  RuntimeEmulator emulator(options_);
  auto r = emulator.Invoke(R"({"action": "validate_config"})");
  ASSERT_TRUE(r.ok) << r.payload;
  EXPECT_EQ(Body(r)["tables"], 3);
}

// A TCP server that accepts connections and never says anything: libpq waits for it.
class SilentServer {
 public:
  SilentServer() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(fd_, 16);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~SilentServer() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST_F(LambdaRuntimeTest, HardTimeoutKillsTheProcessAndTheNextInvokeStartsAFreshOne) {
  SilentServer silent;
  options_.timeout_ms = 1500;
  options_.env["POSTGRES_PORT"] = std::to_string(silent.port());
  RuntimeEmulator emulator(options_);
  auto r = emulator.Invoke(R"({"action": "status"})");
  ASSERT_FALSE(r.ok) << r.payload;
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.error_type, "Sandbox.Timedout");
  EXPECT_THAT(r.error_message, HasSubstr("Task timed out after 1.50 seconds"));
  EXPECT_LT(r.seconds, 3.0);
  EXPECT_NE(kill(r.pid, 0), 0) << "the timed-out process must be gone";
  auto next = emulator.Invoke(R"({"action": "validate_config"})");
  ASSERT_TRUE(next.ok) << next.payload;
  EXPECT_EQ(emulator.environments_started(), 2);
  EXPECT_EQ(emulator.timeouts(), 1);
  EXPECT_NE(next.pid, r.pid);
}

// The AWS Parameters and Secrets Lambda Extension, as far as sf2pg uses it.
class FakeSecretsExtension {
 public:
  explicit FakeSecretsExtension(std::map<std::string, std::string> secrets)
      : secrets_(std::move(secrets)) {
    server_.Get("/secretsmanager/get", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      tokens_.push_back(req.get_header_value("X-Aws-Parameters-Secrets-Token"));
      if (tokens_.back() != "session-token-for-tests") {
        res.status = 401;
        return;
      }
      auto it = secrets_.find(req.get_param_value("secretId"));
      if (it == secrets_.end()) {
        res.status = 400;
        res.set_content(R"({"__type":"ResourceNotFoundException"})", "application/json");
        return;
      }
      res.set_content(json{{"ARN", it->first},
                           {"Name", "n"},
                           {"SecretString", it->second},
                           {"VersionStages", {"AWSCURRENT"}}}
                          .dump(),
                      "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FakeSecretsExtension() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }
  std::vector<std::string> tokens() {
    std::lock_guard lock(mu_);
    return tokens_;
  }

 private:
  std::map<std::string, std::string> secrets_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::vector<std::string> tokens_;
};

constexpr const char* kPgSecretArn =
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:pg-AbCdEf";
constexpr const char* kSfSecretArn =
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:sf-AbCdEf";

TEST_F(LambdaRuntimeTest, CredentialsComeFromSecretsManagerThroughTheExtension) {
  FakeSecretsExtension extension(
      {{kPgSecretArn, R"({"username": "sf2pg", "password": "sf2pg", "engine": "postgres"})"},
       {kSfSecretArn,
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE "
        "KEY-----\n"}});
  options_.env.erase("POSTGRES_PASSWORD");
  options_.env.erase("SNOWFLAKE_RSA_KEY");
  options_.env["POSTGRES_PASSWORD_SECRET_ARN"] = kPgSecretArn;
  options_.env["SNOWFLAKE_RSA_KEY_SECRET_ARN"] = kSfSecretArn;
  options_.env["PARAMETERS_SECRETS_EXTENSION_HTTP_PORT"] = std::to_string(extension.port());
  RuntimeEmulator emulator(options_);
  // status connects to PostgreSQL with the password, validate_config needs the key.
  auto status = emulator.Invoke(R"({"action": "status"})");
  ASSERT_TRUE(status.ok) << status.payload;
  auto validate = emulator.Invoke(R"({"action": "validate_config"})");
  ASSERT_TRUE(validate.ok) << validate.payload;
  auto tokens = extension.tokens();
  ASSERT_GE(tokens.size(), 3u);
  for (const auto& t : tokens) EXPECT_EQ(t, "session-token-for-tests");
}

TEST_F(LambdaRuntimeTest, SecretProblemsAreClearAndNeverShowTheSecret) {
  FakeSecretsExtension extension(
      {{kPgSecretArn, R"({"username": "sf2pg", "password": "wrong-secret-pw-42"})"},
       {kSfSecretArn, R"({"user": "svc", "passphrase": "not-the-key-value-7"})"}});
  options_.env["POSTGRES_PASSWORD_SECRET_ARN"] = kPgSecretArn;
  options_.env["PARAMETERS_SECRETS_EXTENSION_HTTP_PORT"] = std::to_string(extension.port());
  options_.env["LOG_LEVEL"] = "DEBUG";
  RuntimeEmulator emulator(options_);
  auto wrong = emulator.Invoke(R"({"action": "status"})");
  ASSERT_FALSE(wrong.ok);
  EXPECT_THAT(wrong.error_message, HasSubstr("password authentication failed"));

  options_.env["SNOWFLAKE_RSA_KEY_SECRET_ARN"] = kSfSecretArn;
  RuntimeEmulator no_key(options_);
  auto missing = no_key.Invoke(R"({"action": "validate_config"})");
  ASSERT_FALSE(missing.ok);
  EXPECT_EQ(missing.error_type, "Sf2pg.ConfigError");
  EXPECT_THAT(missing.error_message,
              HasSubstr("SNOWFLAKE_RSA_KEY_SECRET_ARN: the secret is a JSON object without a "
                        "non-empty string under SNOWFLAKE_RSA_KEY, private_key, private_key_pem"));

  options_.env["SNOWFLAKE_RSA_KEY_SECRET_ARN"] = "arn:aws:secretsmanager:us-east-1:1:secret:gone";
  RuntimeEmulator unknown(options_);
  auto gone = unknown.Invoke(R"({"action": "validate_config"})");
  EXPECT_EQ(gone.error_type, "Sf2pg.ConfigError");
  EXPECT_THAT(gone.error_message, HasSubstr("secret:gone"));
  EXPECT_THAT(gone.error_message, HasSubstr("HTTP 400"));

  std::string everything =
      wrong.payload + missing.payload + gone.payload + ReadFileText(options_.log_path);
  EXPECT_THAT(everything, Not(HasSubstr("wrong-secret-pw-42")));
  EXPECT_THAT(everything, Not(HasSubstr("not-the-key-value-7")));
}

}  // namespace
}  // namespace sf2pg::testing
