#include "core/strings.h"

#include <gtest/gtest.h>

namespace sf2pg {
namespace {

TEST(Strings, LowerAndUpperChangeAsciiLettersOnly) {
  EXPECT_EQ(Lower("Orders_2024.ID"), "orders_2024.id");
  EXPECT_EQ(Upper("Orders_2024.id"), "ORDERS_2024.ID");
  // Bytes outside ASCII (here UTF-8 for "É") stay as they are.
  EXPECT_EQ(Lower("\xC3\x89T\xC3\x89"), "\xC3\x89t\xC3\x89");
  EXPECT_EQ(Upper("\xC3\xA9t\xC3\xA9"), "\xC3\xA9T\xC3\xA9");
  EXPECT_EQ(Lower(""), "");
  EXPECT_EQ(Upper("@[`{"), "@[`{");  // the neighbours of A-Z and a-z
  EXPECT_EQ(Lower("@[`{"), "@[`{");
}

TEST(Strings, TrimDropsAsciiWhiteSpaceAtBothEndsOnly) {
  EXPECT_EQ(Trim(" \t\r\n value with  inner blanks \v\f\r\n"), "value with  inner blanks");
  EXPECT_EQ(Trim("gzip"), "gzip");
  EXPECT_EQ(Trim(" \t "), "");
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(Trim("\xC2\xA0x\xC2\xA0"), "\xC2\xA0x\xC2\xA0");  // no-break space is not ASCII
}

}  // namespace
}  // namespace sf2pg
