#include "core/copy_buffer.h"

#include <gtest/gtest.h>

namespace sf2pg {
namespace {

TEST(CopyBuffer, HeaderAndTrailerFollowThePostgresFormat) {
  CopyBuffer b;
  b.Header();
  b.Trailer();
  std::string_view v = b.view();
  ASSERT_EQ(v.size(), 21u);
  EXPECT_EQ(v.substr(0, 11), std::string_view("PGCOPY\n\377\r\n\0", 11));
  EXPECT_EQ(v.substr(11, 8), std::string_view("\0\0\0\0\0\0\0\0", 8));
  EXPECT_EQ(v.substr(19), std::string_view("\xff\xff", 2));
}

TEST(CopyBuffer, FieldsAreBigEndianWithLengths) {
  CopyBuffer b;
  b.BeginRow(3);
  b.FieldInt64(0x0102030405060708);
  b.Null();
  size_t at = b.BeginField();
  b.Append("abc");
  b.EndField(at);
  EXPECT_EQ(b.view(), std::string_view("\0\3"
                                       "\0\0\0\x08\1\2\3\4\5\6\7\x08"
                                       "\xff\xff\xff\xff"
                                       "\0\0\0\3abc",
                                       2 + 12 + 4 + 7));
}

TEST(CopyBuffer, TruncateDropsAHalfWrittenRow) {
  CopyBuffer b;
  b.BeginRow(1);
  b.FieldBool(true);
  size_t keep = b.size();
  b.BeginRow(1);
  b.FieldInt32(7);
  b.Truncate(keep);
  EXPECT_EQ(b.size(), keep);
}

}  // namespace
}  // namespace sf2pg
