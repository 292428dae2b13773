#include "lambda/request.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sf2pg::lambda {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string ErrorOf(const std::string& event) {
  try {
    ParseRequest(event);
  } catch (const PayloadError& e) {
    return e.what();
  }
  return "";
}

TEST(LambdaRequest, EmptyEventMeansMigrateEverything) {
  Request r = ParseRequest("{}");
  EXPECT_EQ(r.action, Action::kMigrate);
  EXPECT_TRUE(r.migrate.sources.empty());
  EXPECT_TRUE(r.migrate.tables.empty());
  EXPECT_FALSE(r.migrate.no_resume);
  EXPECT_FALSE(r.migrate.allow_deletes);
  EXPECT_FALSE(r.migrate.resume_max_age_hours);
}

TEST(LambdaRequest, AllowDeletesConfirmsLargeDeletes) {
  EXPECT_TRUE(ParseRequest(R"({"allow_deletes": true})").migrate.allow_deletes);
  EXPECT_FALSE(ParseRequest(R"({"allow_deletes": false})").migrate.allow_deletes);
  EXPECT_THROW(ParseRequest(R"({"allow_deletes": "yes"})"), PayloadError);
}

TEST(LambdaRequest, ReadsEverySeedField) {
  Request r = ParseRequest(R"({"action": "migrate", "source_name": "analytics",
      "no_resume": true, "resume_max_age": 24, "resume_run_id": "abc",
      "tables_filter": ["DIMPATIENT", "FACTVISIT"]})");
  EXPECT_THAT(r.migrate.sources, ElementsAre("analytics"));
  EXPECT_TRUE(r.migrate.no_resume);
  EXPECT_EQ(r.migrate.resume_max_age_hours, 24);
  EXPECT_EQ(r.migrate.resume_run_id, "abc");
  EXPECT_THAT(r.migrate.tables, ElementsAre("DIMPATIENT", "FACTVISIT"));
}

TEST(LambdaRequest, SourceAndTablesMayBeListsOrCommaSeparated) {
  Request r = ParseRequest(R"({"source_name": ["a", "b"], "tables_filter": "T1, T2,,T3"})");
  EXPECT_THAT(r.migrate.sources, ElementsAre("a", "b"));
  EXPECT_THAT(r.migrate.tables, ElementsAre("T1", "T2", "T3"));
}

TEST(LambdaRequest, NullAndEmptyMeanNotGiven) {
  Request r = ParseRequest(R"({"source_name": null, "resume_run_id": null, "tables_filter": "",
      "resume_max_age": null, "no_resume": null, "join_run_id": null})");
  EXPECT_TRUE(r.migrate.sources.empty());
  EXPECT_TRUE(r.migrate.tables.empty());
  EXPECT_TRUE(r.migrate.resume_run_id.empty());
  EXPECT_FALSE(r.migrate.no_resume);
}

TEST(LambdaRequest, FieldsInsideInputAreReadTopLevelWins) {
  Request r = ParseRequest(R"({"action": "migrate", "no_resume": false,
      "input": {"source_name": "analytics", "no_resume": true}, "defaults": {"x": 1}})");
  EXPECT_THAT(r.migrate.sources, ElementsAre("analytics"));
  EXPECT_FALSE(r.migrate.no_resume);
}

TEST(LambdaRequest, FanOutFields) {
  Request r = ParseRequest(R"({"join_run_id": "run-1", "plan_only": true})");
  EXPECT_EQ(r.migrate.run_id, "run-1");
  EXPECT_TRUE(r.plan_only);
  EXPECT_THAT(ErrorOf(R"({"join_run_id": "run-1", "no_resume": true})"),
              HasSubstr("join_run_id cannot be combined"));
}

TEST(LambdaRequest, StatusFields) {
  Request r = ParseRequest(R"({"action": "status", "run_id": "r", "limit": 3})");
  EXPECT_EQ(r.action, Action::kStatus);
  EXPECT_EQ(r.run_id, "r");
  EXPECT_EQ(r.limit, 3);
}

TEST(LambdaRequest, RefusesBadTypesNamingTheField) {
  EXPECT_THAT(ErrorOf("not json"), HasSubstr("not valid JSON"));
  EXPECT_THAT(ErrorOf("[1]"), HasSubstr("must be a JSON object"));
  EXPECT_THAT(ErrorOf(R"({"action": "drop"})"), HasSubstr("action: \"drop\" is not one of"));
  EXPECT_THAT(ErrorOf(R"({"action": 1})"), HasSubstr("action: expected a string"));
  EXPECT_THAT(ErrorOf(R"({"no_resume": "true"})"), HasSubstr("no_resume: expected true or false"));
  EXPECT_THAT(ErrorOf(R"({"resume_max_age": 0})"),
              HasSubstr("resume_max_age: expected a positive number"));
  EXPECT_THAT(ErrorOf(R"({"resume_max_age": "12"})"), HasSubstr("resume_max_age"));
  EXPECT_THAT(ErrorOf(R"({"source_name": {"a": 1}})"),
              HasSubstr("source_name: expected a string or a list"));
  EXPECT_THAT(ErrorOf(R"({"tables_filter": [1]})"),
              HasSubstr("tables_filter: every item must be a string"));
}

TEST(LambdaRequest, ActionNamesRoundTrip) {
  for (const auto& n : kActionNames) {
    EXPECT_EQ(ToString(n.value), n.text);
    EXPECT_EQ(ParseAction(n.text), n.value);
    EXPECT_EQ(ParseRequest(R"({"action": ")" + std::string(n.text) + "\"}").action, n.value);
  }
  EXPECT_EQ(ToString(Action::kTestConnections), "test_connections");
  EXPECT_THROW(ParseAction("Migrate"), Error);
  try {
    ParseAction("drop");
    ADD_FAILURE() << "drop was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "unknown action \"drop\" (allowed: validate_config, test_connections, migrate, "
              "status)");
  }
  // The payload error keeps its wording.
  EXPECT_EQ(ErrorOf(R"({"action": "drop"})"),
            "action: \"drop\" is not one of validate_config, test_connections, migrate, status");
}

}  // namespace
}  // namespace sf2pg::lambda
