#include "http/client.h"

#include <curl/curl.h>
#include <gtest/gtest.h>

namespace sf2pg::http {
namespace {

TEST(HttpClient, ATransportFailureNamesTheCauseButNoHeaderOrBody) {
  Client client(Options{});
  Request request;
  request.method = Request::Method::kPost;
  // Port 1 of the loopback address: nothing listens there, the connection is refused at once.
  request.url = "http://127.0.0.1:1/secretsmanager/get?secretId=x";
  request.headers = {"Authorization: Bearer token-must-not-leak",
                     "X-Aws-Parameters-Secrets-Token: session-must-not-leak"};
  request.body = "password-must-not-leak";
  request.unstoppable = true;
  Response response = client.Send(request);
  ASSERT_TRUE(response.failed());
  EXPECT_EQ(response.status, 0);
  EXPECT_EQ(response.transport.code, CURLE_COULDNT_CONNECT);
  EXPECT_EQ(response.transport.summary, curl_easy_strerror(CURLE_COULDNT_CONNECT));
  EXPECT_FALSE(response.transport.detail.empty());
  for (const std::string& text : {response.transport.summary, response.transport.detail}) {
    EXPECT_EQ(text.find("must-not-leak"), std::string::npos) << text;
  }
  EXPECT_TRUE(response.body.empty());
}

TEST(HttpClient, EscapeEncodesEverythingButUnreservedCharacters) {
  EXPECT_EQ(Escape("arn:aws:secretsmanager:eu-west-1:1:secret:a/b c+d~e_f.g-h"),
            "arn%3Aaws%3Asecretsmanager%3Aeu-west-1%3A1%3Asecret%3Aa%2Fb%20c%2Bd~e_f.g-h");
  EXPECT_EQ(Escape(""), "");
}

TEST(HttpClient, HeaderLooksUpLowerCaseNames) {
  Response response;
  response.headers["retry-after"] = "7";
  EXPECT_EQ(response.Header("retry-after"), "7");
  EXPECT_EQ(response.Header("content-encoding"), "");
}

}  // namespace
}  // namespace sf2pg::http
