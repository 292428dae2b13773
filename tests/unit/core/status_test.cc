#include "core/status.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <sstream>

namespace sf2pg {
namespace {

using ::testing::HasSubstr;

// Every name reads back as its value and every value prints as its name; no two share a name.
template <typename E, size_t N, typename Parse>
void ExpectRoundTrip(const EnumNames<E, N>& names, Parse parse) {
  std::set<std::string_view> seen;
  for (const auto& n : names) {
    EXPECT_TRUE(seen.insert(n.text).second) << "duplicate name " << n.text;
    EXPECT_EQ(ToString(n.value), n.text);
    EXPECT_EQ(parse(n.text), n.value) << n.text;
    EXPECT_EQ(parse(ToString(n.value)), n.value) << n.text;
  }
}

// Parse refuses `text` with an error that names it and every allowed text.
template <typename Parse>
void ExpectRejected(Parse parse, const std::string& text, const std::string& what,
                    const std::string& allowed) {
  try {
    parse(text);
    ADD_FAILURE() << "\"" << text << "\" was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "unknown " + what + " \"" + text + "\" (allowed: " + allowed + ")");
    EXPECT_EQ(e.retry(), Retry::kNever);
  }
}

TEST(Status, RunStatusRoundTrip) {
  ExpectRoundTrip(kRunStatusNames, ParseRunStatus);
  EXPECT_EQ(ToString(RunStatus::kPartial), "partial");
  EXPECT_EQ(ParseRunStatus("abandoned"), RunStatus::kAbandoned);
}

TEST(Status, RunStatusRejectsUnknownText) {
  const std::string allowed = "running, completed, partial, failed, abandoned, planned";
  ExpectRejected(ParseRunStatus, "cancelled", "run status", allowed);
  ExpectRejected(ParseRunStatus, "COMPLETED", "run status", allowed);  // stored text is exact
  ExpectRejected(ParseRunStatus, "", "run status", allowed);
  ExpectRejected(ParseRunStatus, "in_progress", "run status", allowed);  // a table status
}

TEST(Status, TableStatusRoundTrip) {
  ExpectRoundTrip(kTableStatusNames, ParseTableStatus);
  EXPECT_EQ(ToString(TableStatus::kInProgress), "in_progress");
  EXPECT_EQ(ParseTableStatus("pending"), ChunkStatus::kPending);
}

TEST(Status, TableStatusRejectsUnknownText) {
  const std::string allowed = "pending, in_progress, completed, failed";
  ExpectRejected(ParseTableStatus, "running", "table or chunk status", allowed);
  ExpectRejected(ParseTableStatus, "in progress", "table or chunk status", allowed);
  ExpectRejected(ParseTableStatus, "completed ", "table or chunk status", allowed);
}

TEST(Status, LoadMethodRoundTrip) {
  ExpectRoundTrip(kLoadMethodNames, ParseLoadMethod);
  EXPECT_EQ(ToString(LoadMethod::kCopy), "COPY");
  EXPECT_EQ(ToString(LoadMethod::kUpsert), "UPSERT");
}

TEST(Status, LoadMethodRejectsUnknownText) {
  ExpectRejected(ParseLoadMethod, "upsert", "load method", "COPY, UPSERT");
  ExpectRejected(ParseLoadMethod, "INSERT", "load method", "COPY, UPSERT");
}

TEST(Status, PrintsItsText) {
  std::ostringstream out;
  out << RunStatus::kFailed << " " << TableStatus::kInProgress << " " << LoadMethod::kUpsert;
  EXPECT_EQ(out.str(), "failed in_progress UPSERT");
}

TEST(EnumText, ValueWithoutANameIsAnInternalError) {
  EXPECT_THROW(EnumToString(kLoadMethodNames, static_cast<LoadMethod>(7)), InternalError);
  EXPECT_EQ(EnumFromText(kLoadMethodNames, "MERGE"), std::nullopt);
  EXPECT_THAT(EnumTexts(kTableStatusNames), HasSubstr("pending, in_progress"));
}

}  // namespace
}  // namespace sf2pg
