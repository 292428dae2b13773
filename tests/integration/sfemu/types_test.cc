// Every case of tests/data/type_cases.json: stored through the loader and through INSERT, then
// read back with its exact wire text and rowType; the cases sfemu cannot store are refused.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "integration/pg_fixture.h"
#include "integration/sfemu/sfemu_fixture.h"

namespace sf2pg::testing {
namespace {

using nlohmann::json;

json Cases() {
  std::ifstream in(SourcePath("tests/data/type_cases.json"));
  return json::parse(in);
}

/// One CSV field: always quoted, so an empty string stays a string; null stays empty.
std::string CsvField(const json& v) {
  if (v.is_null()) return "";
  std::string out = "\"";
  for (char c : v.get<std::string>()) {
    if (c == '"')
      out += "\"\"";
    else
      out += c;
  }
  return out + "\"";
}

/// The SQL expression that INSERT ... SELECT uses to produce a case's value.
std::string SqlValue(const json& c) {
  if (c["input"].is_null()) return "NULL";
  std::string input = c["input"];
  std::string type = c["sf_type"];
  if (type == "GEOGRAPHY") return "TO_GEOGRAPHY(" + SqlString(input) + ")";
  if (type == "GEOMETRY") return "TO_GEOMETRY(" + SqlString(input) + ")";
  if (type == "VARIANT" || type == "OBJECT" || type == "ARRAY") {
    // `undefined` is Snowflake's output for a SQL NULL element; PARSE_JSON does not read it.
    if (input == "[1, undefined]") return "ARRAY_CONSTRUCT(1, NULL)";
    return "PARSE_JSON(" + SqlString(input) + ")";
  }
  if (type.starts_with("VECTOR")) return input + "::" + type;  // [1, 2]::VECTOR(INT, 2)
  return SqlString(input);
}

void ExpectRowType(const json& expected, const json& actual, const std::string& id) {
  EXPECT_EQ(actual["type"], expected["type"]) << id;
  for (const char* key : {"precision", "scale", "length"}) {
    if (expected.contains(key)) {
      EXPECT_EQ(actual[key], expected[key]) << id << " " << key;
    }
  }
  if (expected.contains("vector_dimension")) {
    EXPECT_EQ(actual["vectorDimension"], expected["vector_dimension"]) << id;
    ASSERT_EQ(actual["fields"].size(), 1u) << id;
    EXPECT_EQ(actual["fields"][0]["type"], expected["vector_element"]) << id;
  } else {
    EXPECT_FALSE(actual.contains("vectorDimension")) << id;
    EXPECT_FALSE(actual.contains("fields")) << id;
  }
  for (const char* key : {"precision", "scale", "length", "byteLength"}) {
    if (expected["type"] == "vector") {
      EXPECT_TRUE(actual[key].is_null()) << id << " " << key;
    }
  }
  if (expected.contains("ext_type")) {
    EXPECT_EQ(actual["extTypeName"], expected["ext_type"]) << id;
  } else {
    EXPECT_FALSE(actual.contains("extTypeName")) << id;
  }
}

class SfemuTypes : public ::testing::Test {
 protected:
  void SetUp() override {
    client_ = std::make_unique<SfemuClient>(SharedSfemu::Get().Client());
    ASSERT_EQ(client_->Submit("CREATE DATABASE IF NOT EXISTS TYPES").status, 200);
    for (const auto& c : Cases()) {
      if (c["sfemu"].get<bool>()) {
        by_type_[c["sf_type"].get<std::string>()].push_back(c);
      } else {
        refused_.push_back(c);
      }
    }
  }

  std::string CreateTable(const std::string& prefix, size_t n, const std::string& type) {
    std::string table = "TYPES.PUBLIC." + prefix + std::to_string(n);
    HttpResult r =
        client_->Submit("CREATE OR REPLACE TABLE " + table + " (ID NUMBER(9,0), V " + type + ")");
    EXPECT_EQ(r.status, 200) << r.body;
    return table;
  }

  /// Reads ID, V back and compares every case with its wire text and rowType.
  void Check(const std::string& table, const std::vector<json>& cases) {
    HttpResult r = client_->Submit("SELECT ID, V FROM " + table + " ORDER BY ID");
    ASSERT_EQ(r.status, 200) << r.body;
    const json& row_type = r.json["resultSetMetaData"]["rowType"][1];
    auto rows = client_->Rows("SELECT ID, V FROM " + table + " ORDER BY ID");  // every partition
    ASSERT_EQ(rows.size(), cases.size()) << table;
    for (size_t i = 0; i < cases.size(); ++i) {
      const json& c = cases[i];
      EXPECT_EQ(rows[i][1], c["wire"]) << c["id"];
      ExpectRowType(c["row_type"], row_type, c["id"]);
    }
  }

  std::unique_ptr<SfemuClient> client_;
  std::map<std::string, std::vector<json>> by_type_;
  std::vector<json> refused_;
};

TEST_F(SfemuTypes, EveryStorableCaseThroughTheLoader) {
  size_t n = 0, cases = 0;
  for (const auto& [type, group] : by_type_) {
    std::string table = CreateTable("L", ++n, type);
    std::string csv;
    for (size_t i = 0; i < group.size(); ++i)
      csv += std::to_string(i) + "," + CsvField(group[i]["input"]) + "\n";
    LoadResult load = LoadCsv("sfemu_it", table, csv);
    ASSERT_EQ(load.exit_code, 0) << type << ": " << load.err;
    Check(table, group);
    cases += group.size();
  }
  EXPECT_GE(cases, 120u);
}

TEST_F(SfemuTypes, EveryStorableCaseThroughInsert) {
  size_t n = 0;
  for (const auto& [type, group] : by_type_) {
    std::string table = CreateTable("I", ++n, type);
    for (size_t i = 0; i < group.size(); ++i) {
      HttpResult r = client_->Submit("INSERT INTO " + table + " (ID, V) SELECT " +
                                     std::to_string(i) + ", " + SqlValue(group[i]));
      ASSERT_EQ(r.status, 200) << group[i]["id"] << "\n" << r.body;
    }
    Check(table, group);
  }
}

TEST_F(SfemuTypes, CasesSfemuCannotStoreAreRefused) {
  ASSERT_FALSE(refused_.empty());
  size_t n = 0;
  for (const auto& c : refused_) {
    std::string table = CreateTable("R", ++n, c["sf_type"]);
    LoadResult load = LoadCsv("sfemu_it", table, "1," + CsvField(c["input"]) + "\n");
    EXPECT_NE(load.exit_code, 0) << c["id"];
    EXPECT_NE(load.err.find("more fraction digits than"), std::string::npos) << load.err;
    EXPECT_NE(load.err.find("column V"), std::string::npos) << load.err;
    HttpResult insert =
        client_->Submit("INSERT INTO " + table + " (ID, V) SELECT 1, " + SqlValue(c));
    EXPECT_EQ(insert.status, 422) << c["id"];
    EXPECT_EQ(insert.json["code"], "000002");
    EXPECT_EQ(client_->Rows("SELECT COUNT(*) FROM " + table)[0][0], "0") << c["id"];
  }
}

// A GEOMETRY keeps its SRID (TO_GEOMETRY's second argument, an EWKT prefix) and every double:
// ST_ASEWKB gives both as BINARY (hex), ST_SRID the SRID; the GeoJSON has neither.
TEST_F(SfemuTypes, GeometryKeepsItsSridAndExactCoordinatesForStAsewkb) {
  std::string table = CreateTable("G", 1, "GEOMETRY");
  for (const char* value :
       {"1, TO_GEOMETRY('POINT(1 2)')", "2, TO_GEOMETRY('POINT(123.45678901234567 -0.1)', 3857)",
        "3, TO_GEOMETRY('SRID=2056;POINT(1234.5678901234567 1200000.25)')", "4, NULL"}) {
    HttpResult r = client_->Submit("INSERT INTO " + table + " (ID, V) SELECT " + value);
    ASSERT_EQ(r.status, 200) << value << "\n" << r.body;
  }
  std::string sql = "SELECT ST_ASEWKB(V) AS E, ST_ASWKB(V) AS W, ST_SRID(V) AS S, V FROM " + table +
                    " ORDER BY ID";
  HttpResult r = client_->Submit(sql);
  ASSERT_EQ(r.status, 200) << r.body;
  const json& row_type = r.json["resultSetMetaData"]["rowType"];
  EXPECT_EQ(row_type[0]["type"], "binary");
  EXPECT_EQ(row_type[0]["length"], 8388608);
  EXPECT_EQ(row_type[0]["byteLength"], 8388608);
  EXPECT_EQ(row_type[0]["nullable"], true);
  EXPECT_TRUE(!row_type[0].contains("extTypeName") || row_type[0]["extTypeName"].is_null());
  EXPECT_EQ(row_type[2]["type"], "fixed");
  EXPECT_EQ(row_type[2]["precision"], 4);
  EXPECT_EQ(row_type[2]["scale"], 0);
  auto rows = client_->Rows(sql);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0][0], "0101000000000000000000F03F0000000000000040");
  EXPECT_EQ(rows[0][2], "0");
  EXPECT_EQ(rows[1][0], "0101000020110F0000984CFB073CDD5E409A9999999999B9BF");
  EXPECT_EQ(rows[1][1], "0101000000984CFB073CDD5E409A9999999999B9BF");
  EXPECT_EQ(rows[1][2], "3857");
  // The GeoJSON: no SRID, 16 significant digits (123.4567890123457 is another double).
  EXPECT_EQ(rows[1][3],
            "{\n  \"coordinates\": [\n    1.234567890123457e+02,\n    -1.000000000000000e-01\n  "
            "],\n  \"type\": \"Point\"\n}");
  EXPECT_EQ(rows[2][0], "010100002008080000DF0FFD84454A934000000040804F3241");
  EXPECT_EQ(rows[2][2], "2056");
  EXPECT_EQ(rows[3][0], nullptr);
  EXPECT_EQ(rows[3][2], nullptr);
  // GEOGRAPHY: always SRID 4326; the documented examples of ST_ASEWKB, byte for byte.
  auto geography = client_->Rows(
      "SELECT ST_ASEWKB(TO_GEOGRAPHY('POINT(-122.35 37.55)')), "
      "ST_ASEWKB(TO_GEOGRAPHY('{\"type\": \"LineString\", \"coordinates\": [[-124.20, 42.00], "
      "[-120.01, 41.99]]}')), ST_SRID(TO_GEOGRAPHY('POINT(1 2)'))");
  ASSERT_EQ(geography.size(), 1u);
  EXPECT_EQ(geography[0][0], "0101000020E61000006666666666965EC06666666666C64240");
  EXPECT_EQ(
      geography[0][1],
      "0102000020E610000002000000CDCCCCCCCC0C5FC00000000000004540713D0AD7A3005EC01F85EB51B8FE4"
      "440");
  EXPECT_EQ(geography[0][2], "4326");
  HttpResult bad = client_->Submit("SELECT ST_ASEWKB(1)");
  EXPECT_EQ(bad.status, 422) << bad.body;
  HttpResult other = client_->Submit("SELECT TO_GEOGRAPHY('SRID=3857;POINT(1 2)')");
  EXPECT_EQ(other.status, 422) << other.body;
}

// Casts to VECTOR: the array must have exactly the dimension's numbers of the element type.
TEST_F(SfemuTypes, VectorCastsCheckDimensionAndElements) {
  std::string table = CreateTable("V", 1, "VECTOR(INT, 2)");
  for (const char* value : {"[1, 2, 3]", "[1]", "[]", "[1, NULL]", "[1, 'a']", "[1.5, 2]",
                            "[2147483648, 1]", "[1, 2.5]::VECTOR(FLOAT, 2)"}) {
    HttpResult r = client_->Submit(
        "INSERT INTO " + table + " (ID, V) SELECT 1, " + value +
        (std::string(value).find("::") == std::string::npos ? "::VECTOR(INT, 2)" : ""));
    EXPECT_EQ(r.status, 422) << value << "\n" << r.body;
    EXPECT_EQ(r.json["code"], "100071") << value;
    EXPECT_NE(r.json["message"].get<std::string>().find("VECTOR(INT, 2)"), std::string::npos)
        << r.json["message"];
  }
  HttpResult ok = client_->Submit("INSERT INTO " + table +
                                  " (ID, V) SELECT 2, ARRAY_CONSTRUCT(-1, 7)::VECTOR(INT, 2)");
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(client_->Rows("SELECT V FROM " + table), (std::vector<std::vector<json>>{{"[-1,7]"}}));
  for (const char* type : {"VECTOR(STRING, 2)", "VECTOR(INT, 0)", "VECTOR(FLOAT, 4097)"}) {
    HttpResult r =
        client_->Submit("CREATE OR REPLACE TABLE TYPES.PUBLIC.VBAD (V " + std::string(type) + ")");
    EXPECT_EQ(r.status, 422) << type;
    EXPECT_EQ(r.json["code"], "002020") << type;
  }
  HttpResult described = client_->Submit("DESCRIBE TABLE " + table);
  ASSERT_EQ(described.status, 200) << described.body;
  EXPECT_NE(described.body.find("VECTOR(INT, 2)"), std::string::npos) << described.body;
}

}  // namespace
}  // namespace sf2pg::testing
