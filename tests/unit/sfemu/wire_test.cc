#include "wire.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "error.h"
#include "output_format.h"
#include "values.h"

namespace sf2pg::sfemu {
namespace {

/// PostgreSQL's binary numeric for a decimal string ("-12.5").
std::string NumericBinary(std::string text) {
  bool negative = text[0] == '-';
  if (negative) text.erase(0, 1);
  size_t point = text.find('.');
  std::string whole = point == std::string::npos ? text : text.substr(0, point);
  std::string frac = point == std::string::npos ? "" : text.substr(point + 1);
  while (whole.size() % 4) whole = "0" + whole;
  while (frac.size() % 4) frac += "0";
  std::vector<int16_t> groups;
  for (size_t i = 0; i < whole.size(); i += 4)
    groups.push_back(static_cast<int16_t>(std::stoi(whole.substr(i, 4))));
  int weight = static_cast<int>(whole.size() / 4) - 1;
  for (size_t i = 0; i < frac.size(); i += 4)
    groups.push_back(static_cast<int16_t>(std::stoi(frac.substr(i, 4))));
  while (!groups.empty() && groups.front() == 0 && weight >= 0) {
    groups.erase(groups.begin());
    --weight;
  }
  auto put = [](std::string& out, int16_t v) {
    out += static_cast<char>((v >> 8) & 0xFF);
    out += static_cast<char>(v & 0xFF);
  };
  std::string out;
  put(out, static_cast<int16_t>(groups.size()));
  put(out, static_cast<int16_t>(weight));
  put(out, static_cast<int16_t>(negative ? 0x4000 : 0));
  put(out, static_cast<int16_t>(frac.size()));
  for (auto g : groups) put(out, g);
  return out;
}

TEST(SfemuWire, NumericHasExactlyScaleFractionDigits) {
  EXPECT_EQ(wire::NumericText(NumericBinary("12.5"), 4), "12.5000");
  EXPECT_EQ(wire::NumericText(NumericBinary("-0.01"), 2), "-0.01");
  EXPECT_EQ(wire::NumericText(NumericBinary("0"), 2), "0.00");
  EXPECT_EQ(wire::NumericText(NumericBinary("98765432109876543210987654321"), 0),
            "98765432109876543210987654321");
  EXPECT_EQ(wire::NumericText(NumericBinary("-0.0000000000000000000000000000000000001"), 37),
            "-0.0000000000000000000000000000000000001");
  EXPECT_EQ(wire::NumericText(NumericBinary("1.005"), 2), "1.01");  // half away from zero
  EXPECT_EQ(wire::NumericText(NumericBinary("-9.995"), 2), "-10.00");
}

TEST(SfemuWire, TimestampsAreSignedSecondsWithScaleDigits) {
  std::string out;
  wire::AppendTimestamp(out, -750000 - wire::kPgEpochMicros, 9);
  EXPECT_EQ(out, "-0.750000000");
  out.clear();
  wire::AppendTimestamp(out, 1689327015250000 - wire::kPgEpochMicros, 3);
  EXPECT_EQ(out, "1689327015.250");
  out.clear();
  wire::AppendTimestampTz(out, 1689307215250000 - wire::kPgEpochMicros, 9, 330);
  EXPECT_EQ(out, "1689307215.250000000 1770");
  out.clear();
  wire::AppendTime(out, 34215000000, 0);
  EXPECT_EQ(out, "34215");
  out.clear();
  wire::AppendDate(out, -1 - static_cast<int32_t>(wire::kPgEpochDays));
  EXPECT_EQ(out, "-1");
  out.clear();
  wire::AppendHex(out, std::string("\xca\xfe\x01", 3));
  EXPECT_EQ(out, "CAFE01");
}

TEST(SfemuWire, NanosecondsBeyondTheMicrosecondAreWritten) {
  std::string out;
  wire::AppendTimestamp(out, 1689327015123456 - wire::kPgEpochMicros, 9, 789);
  EXPECT_EQ(out, "1689327015.123456789");
  out.clear();
  // 1969-12-31 23:59:59.123456789 is floored to ...123456 us plus 789 ns.
  wire::AppendTimestamp(out, -876544 - wire::kPgEpochMicros, 9, 789);
  EXPECT_EQ(out, "-0.876543211");
  out.clear();
  wire::AppendTimestamp(out, -1 - wire::kPgEpochMicros, 9, 999);
  EXPECT_EQ(out, "-0.000000001");
  out.clear();
  wire::AppendTimestamp(out, -1000000 - wire::kPgEpochMicros, 9, 1);
  EXPECT_EQ(out, "-0.999999999");
  out.clear();
  wire::AppendTimestampTz(out, 1689307215123456 - wire::kPgEpochMicros, 9, 330, 500);
  EXPECT_EQ(out, "1689307215.123456500 1770");
  out.clear();
  wire::AppendTime(out, 34215123456, 9, 7);
  EXPECT_EQ(out, "34215.123456007");
  out.clear();
  AppendFormatted(out, "HH24:MI:SS.FF9", 34215123456, 0, 7);
  EXPECT_EQ(out, "09:30:15.123456007");
}

TEST(SfemuValues, ScaleNineValuesKeepDigitsSevenToNine) {
  EXPECT_EQ(ToPgInput(SfType::Of(SfKind::kTimestampNtz, 9), "2023-07-14 09:30:15.123456789").value,
            R"(("2023-07-14 09:30:15.123456",789))");
  EXPECT_EQ(ToPgInput(SfType::Of(SfKind::kTime, 9), "09:30:15.00000005").value,
            R"(("09:30:15.000000",50))");
  PgInput tz =
      ToPgInput(SfType::Of(SfKind::kTimestampTz, 9), "1969-12-31 23:59:59.999999999 -03:00");
  EXPECT_EQ(tz.value, R"(("1969-12-31 23:59:59.999999-03:00",999))");
  EXPECT_EQ(tz.offset, "-180");
  // Scale 6 and below: plain values; digits beyond the scale are refused.
  EXPECT_EQ(ToPgInput(SfType::Of(SfKind::kTimestampNtz, 6), "2023-07-14 09:30:15.1234560").value,
            "2023-07-14 09:30:15.123456");
  EXPECT_THROW(ToPgInput(SfType::Of(SfKind::kTimestampNtz, 6), "2023-07-14 09:30:15.1234561"),
               Error);
  EXPECT_THROW(ToPgInput(SfType::Of(SfKind::kTimestampNtz, 9), "2023-07-14 09:30:15.1234567891"),
               Error);
}

TEST(SfemuWire, FloatCasesOfTheSharedTable) {
  std::ifstream in(std::string(SF2PG_SOURCE_DIR) + "/tests/data/type_cases.json");
  auto cases = nlohmann::json::parse(in);
  int checked = 0;
  for (const auto& c : cases) {
    if (c["sf_type"] != "FLOAT" || c["input"].is_null()) continue;
    PgInput pg = ToPgInput(SfType::Of(SfKind::kReal), c["input"].get<std::string>());
    double v = pg.value == "Infinity"    ? INFINITY
               : pg.value == "-Infinity" ? -INFINITY
                                         : std::strtod(pg.value.c_str(), nullptr);
    std::string out;
    wire::AppendFloat(out, v);
    EXPECT_EQ(out, c["wire"].get<std::string>()) << c["id"];
    ++checked;
  }
  EXPECT_GE(checked, 10);
}

// array_send's bytes for a one-dimensional array of 4-byte elements.
std::string ArraySend(int32_t oid, const std::vector<uint32_t>& elements) {
  std::string out;
  auto put = [&](uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>(v >> shift);
  };
  for (uint32_t v :
       {1u, 0u, static_cast<uint32_t>(oid), static_cast<uint32_t>(elements.size()), 1u}) {
    put(v);
  }
  for (uint32_t e : elements) put(4), put(e);
  return out;
}

uint32_t Bits(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  return bits;
}

TEST(SfemuWire, VectorsPrintFloat32ValuesWithSixDecimals) {
  std::string out;
  wire::AppendVector(out, ArraySend(700, {Bits(0.1f), Bits(-2.5f), Bits(1e20f), Bits(1e-7f)}));
  EXPECT_EQ(out, "[0.100000,-2.500000,100000002004087734272.000000,0.000000]");
  out.clear();
  wire::AppendVector(out, ArraySend(23, {1, static_cast<uint32_t>(-2), 0x7fffffffu}));
  EXPECT_EQ(out, "[1,-2,2147483647]");
  EXPECT_THROW(wire::AppendVector(out, ArraySend(701, {0, 0})), Error);  // not float4
}

// The loader's (and a cast's) input checks of the shared table's vector cases, and their wire
// text from the stored values.
TEST(SfemuWire, VectorCasesOfTheSharedTable) {
  std::ifstream in(std::string(SF2PG_SOURCE_DIR) + "/tests/data/type_cases.json");
  int checked = 0;
  for (const auto& c : nlohmann::json::parse(in)) {
    if (c["row_type"]["type"] != "vector" || c["input"].is_null()) continue;
    std::optional<SfType> type = ParseSfTypeText(c["sf_type"].get<std::string>());
    ASSERT_EQ(type->kind, SfKind::kVector) << c["sf_type"];
    std::string pg = ToPgInput(*type, c["input"].get<std::string>()).value;  // {e1,e2,...}
    std::vector<uint32_t> elements;
    for (size_t at = 1; at < pg.size(); at = pg.find(',', at) + 1) {
      const char* p = pg.c_str() + at;
      elements.push_back(type->element == SfKind::kFixed
                             ? static_cast<uint32_t>(std::strtol(p, nullptr, 10))
                             : Bits(std::strtof(p, nullptr)));
      if (pg.find(',', at) == std::string::npos) break;
    }
    std::string out;
    wire::AppendVector(out, ArraySend(type->element == SfKind::kFixed ? 23 : 700, elements));
    EXPECT_EQ(out, c["wire"].get<std::string>()) << c["id"];
    ++checked;
  }
  EXPECT_GE(checked, 4);
}

TEST(SfemuValues, VectorInputIsCheckedLikeACastFromAnArray) {
  SfType f2 = SfType::Vector(SfKind::kReal, 2), i2 = SfType::Vector(SfKind::kFixed, 2);
  EXPECT_EQ(ToPgInput(f2, "[0.1, 2]").value, "{0.100000001,2}");
  EXPECT_EQ(ToPgInput(i2, "[1,-2147483648]").value, "{1,-2147483648}");
  for (const char* bad : {"[1]", "[1,2,3]", "[]", "[1,undefined]", "[1,null]", "[1,\"a\"]",
                          "[1,[2]]", "1,2", "[1,2,]", "[1,1e39]"}) {
    try {
      ToPgInput(f2, bad);
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "100071") << bad;
      EXPECT_NE(std::string(e.what()).find("VECTOR(FLOAT, 2)"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(ToPgInput(i2, "[1.5,2]"), Error);
  EXPECT_THROW(ToPgInput(i2, "[2147483648,2]"), Error);
  EXPECT_EQ(ToPgInput(i2, "[1.0,2]").value, "{1,2}");
}

// Output formats: a zero offset is written Z for TZH with its TZM (as the default format writes
// UTC), other offsets as signed hours and minutes.
TEST(SfemuOutputFormat, ZeroOffsetIsZ) {
  const int64_t micros = (19552LL * 86400 + 34215) * 1000000 + 250000;  // 2023-07-14 09:30:15.25
  auto format = [&](std::string_view f, int offset) {
    std::string out;
    AppendFormatted(out, f, micros, offset);
    return out;
  };
  EXPECT_EQ(format("YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM", 0), "2023-07-14 09:30:15.250 Z");
  EXPECT_EQ(format("YYYY-MM-DD\"T\"HH24:MI:SS TZH:TZM", 0), "2023-07-14T09:30:15 Z");
  EXPECT_EQ(format("HH24:MI TZH", 0), "09:30 Z");
  EXPECT_EQ(format("YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM", 330), "2023-07-14 09:30:15.250 +0530");
  EXPECT_EQ(format("HH24:MI TZH:TZM", -480), "09:30 -08:00");
}

}  // namespace
}  // namespace sf2pg::sfemu
