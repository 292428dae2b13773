// FetchSecretString against a local stand-in for the AWS Parameters and Secrets extension:
// the token header, the escaped secret id, the tries while the extension is not ready, and the
// errors when it refuses or cannot be reached.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#include "core/error.h"
#include "lambda/secrets.h"

namespace sf2pg::lambda {
namespace {

class SecretsExtensionTest : public ::testing::Test {
 protected:
  using Answer = std::function<void(int request, httplib::Response&)>;

  void SetUp() override {
    server_.Get("/secretsmanager/get", [this](const httplib::Request& req, httplib::Response& res) {
      int n = ++requests_;
      if (req.get_header_value("X-Aws-Parameters-Secrets-Token") != "session-token" ||
          req.get_param_value("secretId") != kSecretId) {
        res.status = 401;
        return;
      }
      answer_(n, res);
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    settings_.port = port_;
    settings_.host = "127.0.0.1";
    settings_.session_token = "session-token";
  }
  void TearDown() override {
    server_.stop();
    thread_.join();
  }

  static constexpr const char* kSecretId = "arn:aws:secretsmanager:eu-west-1:1:secret:pg/pass word";
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> requests_{0};
  Answer answer_;
  ExtensionSettings settings_;
};

TEST_F(SecretsExtensionTest, TriesAgainWhileTheExtensionIsNotReady) {
  answer_ = [](int n, httplib::Response& res) {
    if (n == 1) {
      res.status = 400;
      res.set_content("extension not ready", "text/plain");
    } else {
      res.set_content(R"({"SecretString":"s3cret"})", "application/json");
    }
  };
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(FetchSecretString(kSecretId, settings_), "s3cret");
  EXPECT_EQ(requests_.load(), 2);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(200));
}

TEST_F(SecretsExtensionTest, AServerErrorOnEveryTryIsRetryable) {
  answer_ = [](int, httplib::Response& res) {
    res.status = 503;
    res.set_content("unavailable", "text/plain");
  };
  try {
    FetchSecretString(kSecretId, settings_);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    FAIL() << "a configuration error: " << e.what();
  } catch (const Error& e) {
    EXPECT_EQ(e.retry(), Retry::kCall);
    EXPECT_NE(std::string(e.what()).find("HTTP 503: unavailable"), std::string::npos) << e.what();
  }
  EXPECT_EQ(requests_.load(), settings_.attempts);
}

TEST_F(SecretsExtensionTest, ARefusalIsAConfigurationErrorWithoutAnotherTry) {
  answer_ = [](int, httplib::Response& res) {
    res.status = 400;
    res.set_content("AccessDeniedException", "text/plain");
  };
  try {
    FetchSecretString(kSecretId, settings_);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("HTTP 400: AccessDeniedException"), std::string::npos) << what;
    EXPECT_EQ(what.find("session-token"), std::string::npos) << what;
  }
  EXPECT_EQ(requests_.load(), 1);
}

TEST_F(SecretsExtensionTest, AnExtensionThatIsNotThereIsRetryableAndNamesTheLayer) {
  settings_.port = 1;  // nothing listens there
  try {
    FetchSecretString(kSecretId, settings_);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.retry(), Retry::kCall);
    std::string what = e.what();
    EXPECT_NE(what.find("Parameters-and-Secrets-Lambda-Extension layer"), std::string::npos)
        << what;
    EXPECT_EQ(what.find("session-token"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace sf2pg::lambda
