#include "snowflake/decimal.h"

#include <gtest/gtest.h>

#include <vector>

namespace sf2pg::snowflake {
namespace {

struct Numeric {
  int16_t ndigits, weight;
  uint16_t sign;
  int16_t dscale;
  std::vector<int16_t> digits;
};

int16_t Int16At(std::string_view b, size_t at) {
  return static_cast<int16_t>((static_cast<unsigned char>(b[at]) << 8) |
                              static_cast<unsigned char>(b[at + 1]));
}

Numeric Encode(std::string_view text, int dscale = -1) {
  Decimal d;
  EXPECT_TRUE(ParseDecimal(text, &d)) << text;
  CopyBuffer out;
  EXPECT_TRUE(WriteNumeric(d, dscale < 0 ? d.written_scale : dscale, out)) << text;
  std::string_view b = out.view();
  Numeric n;
  n.ndigits = Int16At(b, 4);
  n.weight = Int16At(b, 6);
  n.sign = static_cast<uint16_t>(Int16At(b, 8));
  n.dscale = Int16At(b, 10);
  for (int i = 0; i < n.ndigits; ++i)
    n.digits.push_back(Int16At(b, 12 + 2 * static_cast<size_t>(i)));
  EXPECT_EQ(b.size(), 12 + 2 * static_cast<size_t>(n.ndigits));
  return n;
}

// PostgreSQL's numeric output (get_str_from_var), written independently of the encoder.
std::string ToText(const Numeric& n) {
  std::string out = n.sign == 0x4000 ? "-" : "";
  if (n.weight < 0 || n.ndigits == 0) {
    out += "0";
  } else {
    for (int g = 0; g <= n.weight; ++g) {
      int v = g < n.ndigits ? n.digits[static_cast<size_t>(g)] : 0;
      std::string part = std::to_string(v);
      if (g > 0) part = std::string(4 - part.size(), '0') + part;
      out += part;
    }
  }
  if (n.dscale > 0) {
    std::string fraction;
    for (int g = n.weight + 1; static_cast<int>(fraction.size()) < n.dscale; ++g) {
      int index = g;
      int v = index >= 0 && index < n.ndigits ? n.digits[static_cast<size_t>(index)] : 0;
      std::string part = std::to_string(v);
      fraction += std::string(4 - part.size(), '0') + part;
    }
    out += "." + fraction.substr(0, static_cast<size_t>(n.dscale));
  }
  return out;
}

TEST(WriteNumeric, UsesBase10000DigitsWeightSignAndScale) {
  Numeric n = Encode("12.5000");
  EXPECT_EQ(n.ndigits, 2);
  EXPECT_EQ(n.weight, 0);
  EXPECT_EQ(n.sign, 0);
  EXPECT_EQ(n.dscale, 4);
  EXPECT_EQ(n.digits, (std::vector<int16_t>{12, 5000}));

  Numeric small = Encode("-0.01");
  EXPECT_EQ(small.weight, -1);
  EXPECT_EQ(small.sign, 0x4000);
  EXPECT_EQ(small.dscale, 2);
  EXPECT_EQ(small.digits, (std::vector<int16_t>{100}));

  Numeric big = Encode("98765432109876543210987654321");
  EXPECT_EQ(big.weight, 7);
  EXPECT_EQ(big.digits, (std::vector<int16_t>{9, 8765, 4321, 987, 6543, 2109, 8765, 4321}));
}

TEST(WriteNumeric, ZeroHasNoDigitsAndNoSign) {
  for (const char* text : {"0", "-0", "0.00", "-0.000"}) {
    Numeric n = Encode(text);
    EXPECT_EQ(n.ndigits, 0) << text;
    EXPECT_EQ(n.weight, 0) << text;
    EXPECT_EQ(n.sign, 0) << text;
  }
  EXPECT_EQ(Encode("0.00").dscale, 2);
}

TEST(WriteNumeric, RoundTripsThirtyEightDigitValues) {
  for (const char* text :
       {"42", "-42", "99999999999999999999999999999999999999",
        "-99999999999999999999999999999999999999", "123456789012345678901234567890123456.78",
        "0.1234567890123456789012345678901234567", "-0.0000000000000000000000000000000000001",
        "123456.000001", "1.1000000000", "0.00010", "10000", "100000000", "0.0001", "1e0",
        "9223372036854775808"}) {
    Decimal d;
    ASSERT_TRUE(ParseDecimal(text, &d));
    std::string expected = text == std::string("1e0") ? "1" : text;
    EXPECT_EQ(ToText(Encode(text)), expected);
  }
}

TEST(ParseDecimal, AppliesExponentsToPointAndScale) {
  Decimal d;
  ASSERT_TRUE(ParseDecimal("1.23e-40", &d));
  EXPECT_EQ(d.count, 3);
  EXPECT_EQ(d.point, -39);
  EXPECT_EQ(d.written_scale, 42);
  EXPECT_EQ(ToText(Encode("1.23e-40")), "0." + std::string(39, '0') + "123");
  ASSERT_TRUE(ParseDecimal("1.5E+3", &d));
  EXPECT_EQ(d.written_scale, 0);
  EXPECT_EQ(ToText(Encode("1.5E+3")), "1500");
}

TEST(ParseDecimal, RejectsWhatIsNotADecimal) {
  Decimal d;
  for (const char* text : {"", "-", ".", "1.2.3", "abc", "1e", "1e+", "12a", "--1", "inf"}) {
    EXPECT_FALSE(ParseDecimal(text, &d)) << text;
  }
  EXPECT_FALSE(ParseDecimal(std::string(100, '7'), &d));       // beyond kMaxDigits
  EXPECT_TRUE(ParseDecimal("1" + std::string(200, '0'), &d));  // zeros are not stored
  EXPECT_EQ(d.point, 201);
}

TEST(ParseDecimal, CountsIntegerAndFractionDigits) {
  Decimal d;
  ASSERT_TRUE(ParseDecimal("12345678.91", &d));
  EXPECT_EQ(d.IntegerDigits(), 8);
  EXPECT_EQ(d.FractionDigits(), 2);
  ASSERT_TRUE(ParseDecimal("0.00120", &d));
  EXPECT_EQ(d.IntegerDigits(), 0);
  EXPECT_EQ(d.FractionDigits(), 4);
  EXPECT_EQ(d.written_scale, 5);
}

TEST(ParseInteger, AcceptsWholeValuesWithinRange) {
  int64_t v = 0;
  EXPECT_EQ(ParseInteger("9223372036854775807", INT64_MIN, INT64_MAX, &v), IntegerParse::kOk);
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_EQ(ParseInteger("-9223372036854775808", INT64_MIN, INT64_MAX, &v), IntegerParse::kOk);
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_EQ(ParseInteger("7.00", INT64_MIN, INT64_MAX, &v), IntegerParse::kOk);
  EXPECT_EQ(v, 7);
  EXPECT_EQ(ParseInteger("-32768", INT16_MIN, INT16_MAX, &v), IntegerParse::kOk);
  EXPECT_EQ(v, -32768);
}

TEST(ParseInteger, ReportsFractionsOverflowAndGarbage) {
  int64_t v = 0;
  EXPECT_EQ(ParseInteger("9223372036854775808", INT64_MIN, INT64_MAX, &v),
            IntegerParse::kOutOfRange);
  EXPECT_EQ(ParseInteger("-9223372036854775809", INT64_MIN, INT64_MAX, &v),
            IntegerParse::kOutOfRange);
  EXPECT_EQ(ParseInteger("99999999999999999999999", INT64_MIN, INT64_MAX, &v),
            IntegerParse::kOutOfRange);
  EXPECT_EQ(ParseInteger("2147483648", INT32_MIN, INT32_MAX, &v), IntegerParse::kOutOfRange);
  EXPECT_EQ(ParseInteger("32768", INT16_MIN, INT16_MAX, &v), IntegerParse::kOutOfRange);
  EXPECT_EQ(ParseInteger("1.50", INT64_MIN, INT64_MAX, &v), IntegerParse::kFraction);
  EXPECT_EQ(ParseInteger("", INT64_MIN, INT64_MAX, &v), IntegerParse::kMalformed);
  EXPECT_EQ(ParseInteger("1e5", INT64_MIN, INT64_MAX, &v), IntegerParse::kMalformed);
  EXPECT_EQ(ParseInteger("-", INT64_MIN, INT64_MAX, &v), IntegerParse::kMalformed);
}

}  // namespace
}  // namespace sf2pg::snowflake
