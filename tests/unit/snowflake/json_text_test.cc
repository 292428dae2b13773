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

TEST(CheckJson, AcceptsWhatPostgresAccepts) {
  for (std::string_view text :
       {"null", " true ", "false", "0", "-0", "12.50", "1e5", "-1.5E-3", "\"\"", "[]", "{}",
        "[1, [2, [3, {}]], {\"a\": {\"b\": []}}]", "{\"k\": \"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"}",
        "\"\\ud83d\\ude80 \\u00e9 caf\xc3\xa9\"", "[undefined, 1]", "\n{\n  \"a\": 1\n}\n"}) {
    EXPECT_EQ(CheckJson(text, /*for_jsonb=*/true), JsonFixup::kOk) << text;
    EXPECT_EQ(CheckJson(text, /*for_jsonb=*/false), JsonFixup::kOk) << text;
  }
}

TEST(CheckJson, RefusesWhatIsNotStrictJson) {
  for (std::string_view text : {"",
                                " ",
                                "NaN",
                                "Infinity",
                                "-Infinity",
                                "[1, NaN]",
                                "{\"a\": nan}",
                                "01",
                                "1.",
                                ".5",
                                "+1",
                                "-",
                                "1e",
                                "1e+",
                                "0x10",
                                "1true",
                                "truex",
                                "nul",
                                "[1,]",
                                "[1 2]",
                                "{\"a\" 1}",
                                "{\"a\": 1,}",
                                "{a: 1}",
                                "{'a': 1}",
                                "[",
                                "]",
                                "[1]]",
                                "{\"a\": 1}}",
                                "\"abc",
                                "\"tab\there\"",
                                "\"bad \\x escape\"",
                                "\"\\u12\"",
                                "\"\\uZZZZ\"",
                                "[] []",
                                "1 2",
                                "\"a\" :",
                                "[1,,2]",
                                "{,}",
                                "1\xc3\xa9"}) {
    EXPECT_EQ(CheckJson(text, /*for_jsonb=*/false), JsonFixup::kSyntax) << text;
  }
}

TEST(CheckJson, RefusesUnpairedSurrogateEscapes) {
  for (std::string_view text :
       {"\"\\ud800\"", "\"\\udc00\"", "\"\\ud800x\"", "\"\\ud800\\u0041\"", "\"\\ud800\\ud800\"",
        "\"\\ude80\\ud83d\"", "{\"\\ud800\": 1}", "\"\\ud800\\n\""}) {
    EXPECT_EQ(CheckJson(text, /*for_jsonb=*/false), JsonFixup::kSurrogate) << text;
  }
}

TEST(CheckJson, NulEscapesAndHugeNumbersOnlyMatterForJsonb) {
  EXPECT_EQ(CheckJson(R"({"a": "x\u0000y"})", true), JsonFixup::kNulCharacter);
  EXPECT_EQ(CheckJson(R"({"a": "x\u0000y"})", false), JsonFixup::kOk);
  EXPECT_EQ(CheckJson(R"("x\\u0000y")", true), JsonFixup::kOk);  // an escaped backslash
  for (std::string_view text : {"1e131072", "1e999999999999", "-1e131072", "1e-16384", "0.1e-16383",
                                "0e-20000", "[1, 1e200000]"}) {
    EXPECT_EQ(CheckJson(text, true), JsonFixup::kNumberRange) << text;
    EXPECT_EQ(CheckJson(text, false), JsonFixup::kOk) << text;
  }
  for (std::string_view text : {"1e131071", "9.99e131071", "1e-16383", "0.1e-16382", "100000e-5",
                                "1.7976931348623157e308", "0e16383"}) {
    EXPECT_EQ(CheckJson(text, true), JsonFixup::kOk) << text;
  }
}

TEST(CheckJson, DeepNestingNeedsNoRecursion) {
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(CheckJson(deep, true), JsonFixup::kOk);
  EXPECT_EQ(CheckJson(deep + "]", true), JsonFixup::kSyntax);
}

}  // namespace
}  // namespace sf2pg::snowflake
