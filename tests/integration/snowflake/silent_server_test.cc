// A Snowflake endpoint that accepts connections and never answers: every request gives up
// within its time limit, with a message naming the host, the request and the limit.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "app/context.h"
#include "app/source_factory.h"
#include "core/error.h"
#include "snowflake/client.h"
#include "snowflake/snowflake_source.h"
#include "unit/snowflake/test_keys.h"

namespace sf2pg::snowflake {
namespace {

using namespace std::chrono_literals;
using Seconds = std::chrono::duration<double>;

// Listens on 127.0.0.1, accepts every connection, reads what arrives and never writes.
class SilentServer {
 public:
  SilentServer() {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(listen(listener_, 16), 0);
    socklen_t length = sizeof address;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~SilentServer() {
    done_ = true;
    thread_.join();
    for (int fd : connections_) close(fd);
    close(listener_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int accepted() const { return accepted_.load(); }

 private:
  void Serve() {
    while (!done_) {
      std::vector<pollfd> fds{{listener_, POLLIN, 0}};
      for (int fd : connections_) fds.push_back({fd, POLLIN, 0});
      if (poll(fds.data(), fds.size(), 50) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        int fd = accept(listener_, nullptr, nullptr);
        if (fd >= 0) connections_.push_back(fd), ++accepted_;
      }
      char sink[4096];
      for (size_t i = 1; i < fds.size(); ++i) {
        if (fds[i].revents & POLLIN) (void)!read(fds[i].fd, sink, sizeof sink);
      }
    }
  }

  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> done_{false};
  std::atomic<int> accepted_{0};
  std::vector<int> connections_;
  std::thread thread_;
};

config::Credentials Credentials(const std::string& url) {
  config::Credentials credentials;
  auto& sf = credentials.snowflake;
  sf.account = "acme";
  sf.user = "svc";
  sf.private_key = Secret(sf2pg::testing::SharedTestKey().private_pem);
  sf.url = url;
  return credentials;
}

TEST(SilentSnowflake, ARequestGivesUpAtItsTimeLimitAcrossRetries) {
  SilentServer server;
  ClientOptions options = ClientOptions::From(Credentials(server.url()), "DB", "PUBLIC");
  options.request_timeout = 1500ms;
  options.backoff_base = 10ms;
  options.backoff_cap = 20ms;
  Client client(options);
  auto start = std::chrono::steady_clock::now();
  try {
    client.Execute("SELECT 1", "t1:chunk-4");
    FAIL() << "no error";
  } catch (const SnowflakeError& e) {
    double elapsed = Seconds(std::chrono::steady_clock::now() - start).count();
    EXPECT_GE(elapsed, 1.4);
    EXPECT_LT(elapsed, 4.0);
    std::string what = e.what();
    EXPECT_EQ(e.retry(), Retry::kCall) << what;
    EXPECT_NE(what.find("Snowflake at " + server.url() +
                        " did not answer in time: running a "
                        "statement (t1:chunk-4) reached the "
                        "request time limit of 1.5 s "
                        "(request_timeout_seconds)"),
              std::string::npos)
        << what;
  }
  EXPECT_GE(server.accepted(), 1);
}

TEST(SilentSnowflake, TestConnectionsEndsWithinTheLimitNamingTheHost) {
  SilentServer server;
  app::Context context;
  context.credentials = Credentials(server.url());
  context.config.settings.request_timeout_seconds = 2;  // below the 30 s test-connections limit
  auto start = std::chrono::steady_clock::now();
  app::ConnectionCheck check = app::CheckSnowflake(context);
  double elapsed = Seconds(std::chrono::steady_clock::now() - start).count();
  EXPECT_FALSE(check.ok);
  EXPECT_GE(elapsed, 1.9);
  EXPECT_LT(elapsed, 5.0);
  EXPECT_NE(check.detail.find("Snowflake at " + server.url() + " did not answer in time"),
            std::string::npos)
      << check.detail;
  EXPECT_NE(check.detail.find("request time limit of 2 s"), std::string::npos) << check.detail;
}

TEST(SilentSnowflake, TestConnectionsWaitsAtMostThirtySecondsWhateverTheRequestTimeout) {
  // The limit is enforced end to end above (2 s); here, which limit applies. A larger
  // request_timeout_seconds does not lengthen test-connections, a smaller one shortens it.
  EXPECT_EQ(app::kTestConnectionLimit, 30s);
  config::Config config;
  config.settings.request_timeout_seconds = 600;
  auto credentials = Credentials("http://127.0.0.1:9");
  EXPECT_EQ(app::TestConnectionOptions(credentials, &config).request_timeout, 30s);
  EXPECT_EQ(app::TestConnectionOptions(credentials, nullptr).request_timeout, 30s);
  config.settings.request_timeout_seconds = 7;
  EXPECT_EQ(app::TestConnectionOptions(credentials, &config).request_timeout, 7s);
}

}  // namespace
}  // namespace sf2pg::snowflake
