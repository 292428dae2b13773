// docs/snowflake_types.md's "One example per type" table shows cases of the shared type table
// (tests/data/type_cases.json, round-tripped through PostgreSQL by the integration tests):
// every row must match its case, so the documentation cannot drift from what sf2pg does.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "integration/files.h"

namespace sf2pg {
namespace {

using nlohmann::json;

std::string ReadFile(const std::string& relative) {
  return testing::ReadFileText(std::string(SF2PG_SOURCE_DIR) + "/" + relative);
}

// The cells of a table row "| a | b \| c |": split at unescaped bars, trimmed.
std::vector<std::string> Cells(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  for (size_t i = 1; i < line.size(); ++i) {
    if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '|') {
      cell += '|';
      ++i;
    } else if (line[i] == '|') {
      size_t b = cell.find_first_not_of(' '), e = cell.find_last_not_of(' ');
      cells.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
      cell.clear();
    } else {
      cell += line[i];
    }
  }
  return cells;
}

// A value cell: NULL, or `text` with JSON string escapes.
json Value(const std::string& cell) {
  if (cell == "NULL") return nullptr;
  if (cell.size() < 2 || cell.front() != '`' || cell.back() != '`') {
    ADD_FAILURE() << "a value cell must be NULL or `...`: " << cell;
    return nullptr;
  }
  return json::parse("\"" + cell.substr(1, cell.size() - 2) + "\"");
}

TEST(TypesDoc, EveryExampleIsASharedTypeCase) {
  json cases = json::parse(ReadFile("tests/data/type_cases.json"));
  std::string doc = ReadFile("docs/snowflake_types.md");
  size_t begin = doc.find("<!-- examples: checked against tests/data/type_cases.json -->");
  size_t end = doc.find("<!-- end of examples -->");
  ASSERT_NE(begin, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  std::istringstream lines(doc.substr(begin, end - begin));
  std::string line;
  int rows = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("| ", 0) != 0 || line.rfind("| case ", 0) == 0) continue;
    std::vector<std::string> cells = Cells(line);
    ASSERT_EQ(cells.size(), 6u) << line;
    const json* found = nullptr;
    for (const auto& c : cases) {
      if (c["id"] == cells[0]) found = &c;
    }
    ASSERT_NE(found, nullptr) << "no case " << cells[0] << " in type_cases.json";
    const json& c = *found;
    EXPECT_FALSE(c.contains("pg_error")) << cells[0] << ": an example must land";
    EXPECT_EQ(cells[1], c["sf_type"]) << cells[0];
    EXPECT_EQ(cells[2], c["pg_type"]) << cells[0];
    EXPECT_EQ(Value(cells[4]), c["wire"]) << cells[0];
    EXPECT_EQ(Value(cells[5]), c["pg_text"]) << cells[0];
    ++rows;
  }
  EXPECT_GE(rows, 20);
}

TEST(TypesDoc, TheCellReaderHandlesEscapes) {
  EXPECT_EQ(Cells("| a | `x\\|y` | NULL |"), (std::vector<std::string>{"a", "`x|y`", "NULL"}));
  EXPECT_EQ(Value("`{\\n  \\\"k\\\": 1\\n}`"), json("{\n  \"k\": 1\n}"));
  EXPECT_TRUE(Value("NULL").is_null());
}

}  // namespace
}  // namespace sf2pg
