#include "postgres/sqlstate.h"

#include <gtest/gtest.h>

namespace sf2pg::postgres {
namespace {

struct Case {
  const char* sqlstate;
  bool connecting;
  Retry expected;
};

TEST(SqlState, ClassifiesRetryability) {
  const Case cases[] = {
      {"", true, Retry::kCall},        {"", false, Retry::kChunk},
      {"08006", true, Retry::kCall},   {"08006", false, Retry::kChunk},
      {"53300", true, Retry::kCall},   {"40001", false, Retry::kChunk},
      {"40P01", false, Retry::kChunk}, {"57P01", false, Retry::kChunk},
      {"57014", false, Retry::kChunk}, {"23505", false, Retry::kNever},
      {"22P02", false, Retry::kNever}, {"42P01", false, Retry::kNever},
      {"42501", false, Retry::kNever}, {"28P01", true, Retry::kNever},
      {"22003", false, Retry::kNever}, {"54000", false, Retry::kNever},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ClassifySqlState(c.sqlstate, c.connecting), c.expected)
        << c.sqlstate << (c.connecting ? " connecting" : "");
  }
}

}  // namespace
}  // namespace sf2pg::postgres
