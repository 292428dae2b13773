#include "snowflake/errors.h"

#include <curl/curl.h>
#include <gtest/gtest.h>

namespace sf2pg::snowflake {
namespace {

TEST(ClassifyResponse, FollowsTheStatusMap) {
  struct Case {
    long status;
    const char* code;
    Action action;
    Retry retry;
  };
  const Case cases[] = {
      {200, "090001", Action::kDone, Retry::kNever},
      {200, "", Action::kDone, Retry::kNever},
      {200, "391908", Action::kFail, Retry::kNever},  // result too large
      {202, "333334", Action::kPoll, Retry::kNever},
      {400, "000900", Action::kFail, Retry::kNever},
      {400, "391922", Action::kFail, Retry::kNever},
      {401, "390144", Action::kReauthenticate, Retry::kNever},
      {401, "390303", Action::kReauthenticate, Retry::kNever},
      {403, "", Action::kFail, Retry::kNever},
      {404, "", Action::kFail, Retry::kNever},
      {405, "", Action::kFail, Retry::kNever},
      {408, "000630", Action::kFail, Retry::kNever},
      {415, "", Action::kFail, Retry::kNever},
      {422, "002003", Action::kFail, Retry::kNever},
      {422, "000604", Action::kFail, Retry::kNever},
      {429, "390505", Action::kRetry, Retry::kCall},
      {500, "", Action::kRetry, Retry::kCall},
      {502, "", Action::kRetry, Retry::kCall},
      {503, "", Action::kRetry, Retry::kCall},
      {504, "", Action::kRetry, Retry::kCall},
      {522, "", Action::kFail, Retry::kNever},  // invalid SSL certificate
      {599, "", Action::kRetry, Retry::kCall},
      {302, "", Action::kFail, Retry::kNever},
      {418, "", Action::kFail, Retry::kNever},
  };
  for (const Case& c : cases) {
    Verdict v = ClassifyResponse(c.status, c.code);
    EXPECT_EQ(v.action, c.action) << c.status << " " << c.code;
    EXPECT_EQ(v.retry, c.retry) << c.status << " " << c.code;
    EXPECT_FALSE(v.reason.empty());
  }
}

TEST(ClassifyTransport, RetriesNetworkFailuresButNotTlsTrustProblems) {
  for (CURLcode code : {CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_RECV_ERROR,
                        CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE,
                        CURLE_BAD_CONTENT_ENCODING, CURLE_SSL_CONNECT_ERROR}) {
    EXPECT_EQ(ClassifyTransport(code).action, Action::kRetry) << code;
    EXPECT_EQ(ClassifyTransport(code).retry, Retry::kCall) << code;
  }
  for (CURLcode code : {CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE,
                        CURLE_URL_MALFORMAT, CURLE_ABORTED_BY_CALLBACK, CURLE_FILESIZE_EXCEEDED}) {
    EXPECT_EQ(ClassifyTransport(code).action, Action::kFail) << code;
  }
}

TEST(ClassifyMalformedBody, IsTransient) {
  EXPECT_EQ(ClassifyMalformedBody().action, Action::kRetry);
  EXPECT_EQ(ClassifyMalformedBody().retry, Retry::kCall);
}

TEST(ParseErrorBody, ReadsTheOptionalFields) {
  ErrorBody body = ParseErrorBody(
      R"({"code":"002003","message":"SQL compilation error:\nObject 'NOPE' does not exist.",)"
      R"("sqlState":"42S02","statementHandle":"01b5"})");
  EXPECT_EQ(body.code, "002003");
  EXPECT_EQ(body.sql_state, "42S02");
  EXPECT_EQ(body.message, "SQL compilation error:\nObject 'NOPE' does not exist.");
  ErrorBody empty = ParseErrorBody("<html>Bad gateway</html>");
  EXPECT_TRUE(empty.code.empty());
  EXPECT_TRUE(empty.message.empty());
}

TEST(MakeError, CarriesCodeStateStatusAndMessage) {
  SnowflakeError e =
      MakeError(ClassifyResponse(422, "002003"), 422,
                {"002003", "42S02", "Object 'NOPE' does not exist."}, "running a statement");
  EXPECT_EQ(e.code(), "002003");
  EXPECT_EQ(e.sql_state(), "42S02");
  EXPECT_EQ(e.http_status(), 422);
  EXPECT_EQ(e.retry(), Retry::kNever);
  std::string what = e.what();
  EXPECT_NE(what.find("running a statement"), std::string::npos) << what;
  EXPECT_NE(what.find("HTTP 422, code 002003, SQLSTATE 42S02"), std::string::npos) << what;
  EXPECT_NE(what.find("Object 'NOPE' does not exist."), std::string::npos) << what;
}

}  // namespace
}  // namespace sf2pg::snowflake
