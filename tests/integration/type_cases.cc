#include "integration/type_cases.h"

#include <cctype>
#include <fstream>

#include "core/quote.h"
#include "integration/pg_fixture.h"

namespace sf2pg::testing {

nlohmann::json TypeCases() {
  std::ifstream in(SourcePath("tests/data/type_cases.json"));
  return nlohmann::json::parse(in);
}

std::string TypeCaseValueSql(const nlohmann::json& c) {
  if (c["input"].is_null()) return "NULL";
  std::string input = c["input"];
  std::string type = c["sf_type"];
  if (type == "GEOGRAPHY") return "TO_GEOGRAPHY(" + sf::QuoteLiteral(input) + ")";
  if (type == "GEOMETRY") return "TO_GEOMETRY(" + sf::QuoteLiteral(input) + ")";
  if (type == "VARIANT" || type == "OBJECT" || type == "ARRAY") {
    if (input == "[1, undefined]") return "ARRAY_CONSTRUCT(1, NULL)";
    return "PARSE_JSON(" + sf::QuoteLiteral(input) + ")";
  }
  if (type.starts_with("VECTOR")) return "CAST(" + input + " AS " + type + ")";
  return "CAST(" + sf::QuoteLiteral(input) + " AS " + type + ")";
}

std::string TypeCaseTable(const std::string& sf_type) {
  std::string name = "T_";
  for (char c : sf_type) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

SourceColumn TypeCaseColumn(const nlohmann::json& c, const std::string& name) {
  const nlohmann::json& r = c["row_type"];
  SourceColumn s;
  s.name = name;
  s.type = r["type"];
  s.precision = r.value("precision", 0);
  s.scale = r.value("scale", 0);
  s.length = r.value("length", int64_t{0});
  s.ext_type = r.value("ext_type", "");
  s.vector_dimension = r.value("vector_dimension", 0);
  s.vector_element = r.value("vector_element", "");
  return s;
}

}  // namespace sf2pg::testing
