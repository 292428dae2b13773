#include "snowflake/json_text.h"

#include <gtest/gtest.h>

namespace sf2pg::snowflake {
namespace {

std::string Fixed(std::string_view text, bool refuse_nul = true) {
  CopyBuffer out;
  EXPECT_EQ(AppendJsonFixed(text, refuse_nul, out), JsonFixup::kOk) << text;
  return std::string(out.view());
}

TEST(AppendJsonFixed, ReplacesBareUndefinedTokensByNull) {
  EXPECT_EQ(Fixed("[\n  1,\n  undefined\n]"), "[\n  1,\n  null\n]");
  EXPECT_EQ(Fixed("[undefined,undefined]"), "[null,null]");
  EXPECT_EQ(Fixed("undefined"), "null");
  EXPECT_EQ(Fixed(R"({"a": [undefined, {"b": undefined}]})"), R"({"a": [null, {"b": null}]})");
}

TEST(AppendJsonFixed, LeavesUndefinedInsideStringsAlone) {
  EXPECT_EQ(Fixed(R"(["undefined", "is undefined", undefined])"),
            R"(["undefined", "is undefined", null])");
  EXPECT_EQ(Fixed(R"(["quote \" undefined", undefined])"), R"(["quote \" undefined", null])");
  EXPECT_EQ(Fixed(R"(["ends with backslash \\", undefined])"),
            R"(["ends with backslash \\", null])");
}

TEST(AppendJsonFixed, CopiesOrdinaryJsonUnchanged) {
  std::string text = "{\n  \"k\": [\n    1,\n    2\n  ],\n  \"undefinedKey\": \"x\"\n}";
  EXPECT_EQ(Fixed(text), text);
  EXPECT_EQ(Fixed("\"s\""), "\"s\"");
  EXPECT_EQ(Fixed("null"), "null");
}

TEST(AppendJsonFixed, RefusesAnEscapedNulCharacterWhenAsked) {
  CopyBuffer out;
  EXPECT_EQ(AppendJsonFixed(R"({"a": "x\u0000y"})", true, out), JsonFixup::kNulCharacter);
  EXPECT_EQ(Fixed(R"({"a": "x\u0000y"})", /*refuse_nul=*/false), R"({"a": "x\u0000y"})");
  // An escaped backslash followed by "u0000" is not a NUL character.
  EXPECT_EQ(Fixed(R"({"a": "x\\u0000y"})"), R"({"a": "x\\u0000y"})");
  EXPECT_EQ(Fixed(R"({"a": "u0000"})"), R"({"a": "u0000"})");
}

}  // namespace
}  // namespace sf2pg::snowflake
