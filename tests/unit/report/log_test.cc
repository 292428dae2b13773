#include "log/log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/secret.h"

namespace sf2pg::log {
namespace {

using ::testing::HasSubstr;

TEST(Log, JsonLinesCarryFieldsWithTypes) {
  std::string line = Render(Format::kJson, Level::kInfo, "chunk done",
                            {{"table", "DIMPATIENT"}, {"rows", int64_t{50000}}, {"ok", true}});
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["msg"], "chunk done");
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["table"], "DIMPATIENT");
  EXPECT_EQ(j["rows"], 50000);
  EXPECT_EQ(j["ok"], true);
  EXPECT_TRUE(j.contains("time"));
}

TEST(Log, TextLinesQuoteValuesWithSpaces) {
  std::string line = Render(Format::kText, Level::kWarning, "slow", {{"table", "My Table"}});
  EXPECT_THAT(line, HasSubstr("WARNING slow table=\"My Table\""));
}

TEST(Log, SecretsNeverAppear) {
  Redactor::ClearForTesting();
  Secret s("pa55word-xyz");
  for (auto format : {Format::kText, Format::kJson}) {
    std::string line = Render(format, Level::kError, "failed with pa55word-xyz",
                              {{"detail", "password=pa55word-xyz"}});
    EXPECT_EQ(line.find("pa55word-xyz"), std::string::npos) << line;
    EXPECT_THAT(line, HasSubstr("***"));
  }
  Redactor::ClearForTesting();
}

TEST(Log, WriteLineKeepsTheDocumentButNotASecret) {
  Redactor::ClearForTesting();
  Secret s("pa55word-xyz");
  ::testing::internal::CaptureStderr();
  WriteLine(R"({"_aws": {"Timestamp": 1}, "Table": "T", "note": "pa55word-xyz"})");
  std::string out = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(out.find("pa55word-xyz"), std::string::npos) << out;
  EXPECT_THAT(out, HasSubstr(R"({"_aws": {"Timestamp": 1}, "Table": "T", "note": ")"));
  Redactor::ClearForTesting();
}

}  // namespace
}  // namespace sf2pg::log
