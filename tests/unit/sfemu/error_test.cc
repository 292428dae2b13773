#include "error.h"

#include <gtest/gtest.h>

#include <chrono>

#include "cancel.h"
#include "core/error.h"
#include "json_text.h"
#include "lexer.h"
#include "parser.h"
#include "postgres/connection.h"
#include "sf_type.h"

namespace sf2pg::sfemu {
namespace {

/// The response the client receives for `e`, as text.
std::string Body(const Error& e, const std::string& handle = "01b5-h") {
  return JacksonText(ErrorResponse(e, handle).body);
}

postgres::StatementError PgError(const std::string& sql_state, const std::string& primary,
                                 const std::string& constraint = "") {
  return postgres::StatementError("PostgreSQL u@h:1/db: ERROR:  " + primary, Retry::kNever,
                                  sql_state, primary, constraint);
}

TEST(SfemuErrorResponse, StatementFailureIsA422WithAllFourFields) {
  ErrorReply r = ErrorResponse(DoesNotExist("Object", "NOPE", ""), "01b5-h");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(JacksonText(r.body),
            "{\n  \"code\" : \"002003\",\n  \"message\" : \"SQL compilation error:\\nObject "
            "'NOPE' does not exist or not authorized.\",\n  \"sqlState\" : \"42S02\",\n  "
            "\"statementHandle\" : \"01b5-h\"\n}");
}

TEST(SfemuErrorResponse, StatementFailureWithoutHandleSaysNull) {
  ErrorReply r = ErrorResponse(
      Error("000900", "42601", "SQL compilation error:\nEmpty SQL statement.", 400), "");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.body["statementHandle"].is_null());
  EXPECT_EQ(r.body["sqlState"], "42601");
}

TEST(SfemuErrorResponse, RefusedRequestHasOnlyCodeAndMessage) {
  Error e = Error::Request(429, "390505", "Too many requests.");
  ErrorReply r = ErrorResponse(e, "01b5-h");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(JacksonText(r.body),
            "{\n  \"code\" : \"390505\",\n  \"message\" : \"Too many requests.\"\n}");
  EXPECT_EQ(ErrorResponse(Error::Request(401, "390144", "JWT token is invalid."), "").status, 401);
}

TEST(SfemuErrorResponse, TimeoutCancelAndInternalErrors) {
  ErrorReply timeout = ErrorResponse(TimeoutError(30), "h");
  EXPECT_EQ(timeout.status, 408);
  EXPECT_EQ(timeout.body["code"], "000630");
  EXPECT_EQ(timeout.body["sqlState"], "57014");
  EXPECT_EQ(timeout.body["message"],
            "Statement reached its statement or warehouse timeout of 30 second(s) and was "
            "canceled.");
  ErrorReply canceled = ErrorResponse(CanceledError(), "h");
  EXPECT_EQ(canceled.status, 422);
  EXPECT_EQ(canceled.body["code"], "000604");
  EXPECT_EQ(canceled.body["message"], "SQL execution canceled");
  ErrorReply internal = ErrorResponse(InternalError("corrupt gzip data"), "h");
  EXPECT_EQ(internal.status, 422);
  EXPECT_EQ(internal.body["code"], "000603");
  EXPECT_EQ(internal.body["sqlState"], "XX000");
  EXPECT_EQ(internal.body["message"], "SQL execution internal error: corrupt gzip data");
}

// The statement timeout sfemu gives PostgreSQL is rounded up, so PostgreSQL never cancels the
// statement before the token's deadline (which would report 000604 instead of 000630): the
// milliseconds it reports are never fewer than the time truly left.
TEST(SfemuCancelToken, RemainingTimeIsNeverLessThanTheTimeLeft) {
  auto before = std::chrono::steady_clock::now();
  CancelToken token(1);
  int64_t left = token.RemainingMs();
  auto elapsed = std::chrono::steady_clock::now() - before;
  EXPECT_GE(std::chrono::milliseconds(left), std::chrono::seconds(1) - elapsed);
  EXPECT_LE(left, 1000);
  EXPECT_GT(CancelToken(0).RemainingMs(), 86400 * 1000);  // no timeout
}

TEST(SfemuErrorResponse, ValueErrorsKeepTheirCodeAndDefaultTo100069) {
  EXPECT_NE(Body(ValueError("bad")).find("\"code\" : \"100069\""), std::string::npos);
  EXPECT_NE(Body(ValueError("bad")).find("\"sqlState\" : \"22P02\""), std::string::npos);
  try {
    CanonicalJson("[1]", SfKind::kObject);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "100069");
    EXPECT_EQ(e.http_status(), 422);
  }
}

TEST(SfemuErrorResponse, LexerAndTypeErrorsAreCompilationErrors) {
  try {
    Tokenize("SELECT 'open");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "001003");
    EXPECT_EQ(e.sql_state(), "42000");
    EXPECT_EQ(std::string(e.what()).rfind("SQL compilation error:\nsyntax error line 1 at ", 0),
              0u);
  }
  try {
    ParseScript("CREATE TABLE T (A NUMBER(39, 0))");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "002020");
    EXPECT_EQ(e.sql_state(), "42601");
    EXPECT_STREQ(e.what(),
                 "SQL compilation error:\ninvalid type NUMBER: precision must be between 1 and 38");
  }
  EXPECT_FALSE(ParseSfTypeText("NUMBER(39,0)").has_value());
}

struct PgCase {
  const char* sql_state;
  const char* constraint;
  const char* code;
  const char* response_state;
  int status;
  const char* message;
};

TEST(SfemuErrorResponse, PostgresFailuresMapToSnowflakeErrors) {
  const PgCase cases[] = {
      {"22012", "", "100051", "22012", 422, "Division by zero"},
      {"22003", "", "100039", "22003", 422, "Numeric value out of range: boom"},
      {"22P02", "", "100038", "22018", 422, "Numeric value is not recognized: boom"},
      {"22001", "", "100078", "22001", 422, "String is too long and would be truncated"},
      {"23502", "", "100072", "22000", 422, "NULL result in a non-nullable column"},
      {"22007", "", "100035", "22007", 422, "Timestamp is not recognized: boom"},
      {"22008", "", "100035", "22007", 422, "Timestamp is not recognized: boom"},
      {"23514", "t#length", "100078", "22001", 422, "Binary value is too long for its column"},
      {"SF000", "", "000002", "0A000", 422, "boom"},
      {"42803", "", "000979", "42601", 422, "SQL compilation error:\nboom"},
      {"42883", "", "001044", "22023", 422, "SQL compilation error:\nboom"},
      {"08006", "", "000603", "XX000", 503,
       "SQL execution internal error: the emulator lost its PostgreSQL connection (boom)"},
      {"57P01", "", "000603", "XX000", 503,
       "SQL execution internal error: the emulator lost its PostgreSQL connection (boom)"},
      {"42P01", "", "000603", "XX000", 422,
       "SQL execution internal error: Processing aborted due to error 42P01: boom"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.sql_state);
    ErrorReply r =
        ErrorResponse(MapPgFailure(PgError(c.sql_state, "boom", c.constraint), false), "h");
    EXPECT_EQ(r.status, c.status);
    EXPECT_EQ(r.body["code"], c.code);
    EXPECT_EQ(r.body["sqlState"], c.response_state);
    EXPECT_EQ(r.body["message"], c.message);
    EXPECT_EQ(r.body["statementHandle"], "h");
  }
  Error scale = MapPgFailure(PgError("23514", "boom", "t#scale"), false);
  EXPECT_EQ(scale.code(), kNotEmulatedCode);
  EXPECT_NE(std::string(scale.what()).find("fraction digits"), std::string::npos);
}

TEST(SfemuErrorResponse, FailureWithoutSqlStateIsALostConnectionOnlyWhenItIsGone) {
  Error lost = MapPgFailure(PgError("", "server closed the connection unexpectedly"), true);
  EXPECT_EQ(lost.http_status(), 503);
  EXPECT_EQ(lost.code(), "000603");
  Error other = MapPgFailure(PgError("", "out of memory"), false);
  EXPECT_EQ(other.http_status(), 422);
  EXPECT_STREQ(other.what(),
               "SQL execution internal error: Processing aborted due to error : "
               "out of memory");
}

}  // namespace
}  // namespace sf2pg::sfemu
