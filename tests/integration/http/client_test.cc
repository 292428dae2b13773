// http::Client against a local HTTP server: headers both ways, connection reuse, gzip, time
// limits and stop requests.
#include "http/client.h"

#include <curl/curl.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <set>
#include <thread>

#include "core/stop.h"
#include "integration/snowflake/fake_snowflake.h"

namespace sf2pg::http {
namespace {

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Get("/echo", [this](const httplib::Request& req, httplib::Response& res) {
      Record(req);
      res.set_header("X-Mixed-Case", "  Value with blanks  ");
      res.set_content(req.get_header_value("X-Token") + "|" + req.get_header_value("User-Agent"),
                      "text/plain");
    });
    server_.Post("/echo", [this](const httplib::Request& req, httplib::Response& res) {
      Record(req);
      res.status = 202;
      res.set_content(req.body + "|" + req.get_header_value("Content-Type"), "text/plain");
    });
    server_.Get("/gzip", [](const httplib::Request&, httplib::Response& res) {
      res.set_header("Content-Encoding", "gzip");
      // octet-stream: httplib would gzip a text body once more for a client that accepts gzip.
      res.set_content(testing::Gzip("inflated text"), "application/octet-stream");
    });
    server_.Get("/slow", [](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      res.set_content("late", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void TearDown() override {
    StopFlag::ResetForTesting();
    server_.stop();
    thread_.join();
  }
  void Record(const httplib::Request& req) {
    std::lock_guard lock(mu_);
    client_ports_.insert(req.remote_port);
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  size_t connections() {
    std::lock_guard lock(mu_);
    return client_ports_.size();
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::set<int> client_ports_;
};

TEST_F(HttpClientTest, SendsHeadersAndBodyAndReadsHeadersByLowerCaseNameOnOneConnection) {
  Options options;
  options.user_agent = "sf2pg-test";
  Client client(options);
  Request get;
  get.url = Url("/echo");
  get.headers = {"X-Token: abc"};
  Response first = client.Send(get);
  ASSERT_FALSE(first.failed()) << first.transport.detail;
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.body, "abc|sf2pg-test");
  EXPECT_EQ(first.Header("x-mixed-case"), "Value with blanks");
  EXPECT_GE(first.body.capacity() - first.body.size(), kBodyPadding);

  Request post;
  post.method = Request::Method::kPost;
  post.url = Url("/echo");
  post.headers = {"Content-Type: application/json"};
  post.body = R"({"a":1})";
  Response second = client.Send(post);
  ASSERT_FALSE(second.failed()) << second.transport.detail;
  EXPECT_EQ(second.status, 202);
  EXPECT_EQ(second.body, R"({"a":1}|application/json)");
  // The headers of one request are not sent with the next.
  Response third = client.Send(Request{Request::Method::kGet, Url("/echo"), {}, "", false, {}});
  EXPECT_EQ(third.body, "|sf2pg-test");
  EXPECT_EQ(connections(), 1u);  // keep-alive: one connection for all three
}

TEST_F(HttpClientTest, InflatesGzipOnlyWhenAskedTo) {
  Options zipped;
  zipped.gzip = true;
  Client inflating(zipped);
  Request request;
  request.url = Url("/gzip");
  Response inflated = inflating.Send(request);
  ASSERT_FALSE(inflated.failed()) << inflated.transport.detail;
  EXPECT_EQ(inflated.body, "inflated text");

  Client plain(Options{});
  Response raw = plain.Send(request);
  ASSERT_FALSE(raw.failed()) << raw.transport.detail;
  EXPECT_EQ(raw.body, testing::Gzip("inflated text"));  // handed over as received
}

TEST_F(HttpClientTest, GivesUpAtTheRequestTimeLimit) {
  Client client(Options{});
  Request request;
  request.url = Url("/slow");
  request.timeout = std::chrono::milliseconds(200);
  request.headers = {"Authorization: Bearer secret-token"};
  auto start = std::chrono::steady_clock::now();
  Response response = client.Send(request);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(response.failed());
  EXPECT_EQ(response.transport.code, CURLE_OPERATION_TIMEDOUT);
  EXPECT_LT(took, std::chrono::milliseconds(1200));
  EXPECT_EQ(response.transport.detail.find("secret-token"), std::string::npos);
}

TEST_F(HttpClientTest, AStopRequestAbandonsATransferUnlessItIsUnstoppable) {
  Client client(Options{});
  Request request;
  request.url = Url("/slow");
  StopFlag::Request();
  Response abandoned = client.Send(request);
  ASSERT_TRUE(abandoned.failed());
  EXPECT_EQ(abandoned.transport.code, CURLE_ABORTED_BY_CALLBACK);
  request.unstoppable = true;
  Response finished = client.Send(request);
  ASSERT_FALSE(finished.failed()) << finished.transport.detail;
  EXPECT_EQ(finished.body, "late");
}

}  // namespace
}  // namespace sf2pg::http
