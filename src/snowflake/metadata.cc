#include "snowflake/metadata.h"

#include <algorithm>
#include <charconv>

#include "core/error.h"
#include "snowflake/statements.h"

namespace sf2pg::snowflake {
namespace {

// Position of a result column by name, or `fallback` (0-based) when it is not there.
size_t ColumnIndex(const QueryResult& result, const std::string& name, size_t fallback) {
  for (size_t i = 0; i < result.columns.size(); ++i) {
    if (result.columns[i].name == name) return i;
  }
  return fallback;
}

int64_t ToInt(const std::optional<std::string>& text, int64_t missing = 0) {
  int64_t value = missing;
  if (text) std::from_chars(text->data(), text->data() + text->size(), value);
  return value;
}

const Cell& At(const std::vector<Cell>& row, size_t index) {
  static const Cell kNull;
  return index < row.size() ? row[index] : kNull;
}

}  // namespace

std::vector<CatalogTable> SchemaTables(SnowflakeSource& source, const std::string& database,
                                       const std::string& schema) {
  QueryResult result = source.Query(ShowTablesSql(database, schema));
  size_t name_at = ColumnIndex(result, "name", 1);
  size_t rows_at = ColumnIndex(result, "rows", 7);
  size_t bytes_at = ColumnIndex(result, "bytes", 8);
  std::vector<CatalogTable> tables;
  for (const auto& row : result.rows) {
    if (!At(row, name_at)) continue;
    tables.push_back(
        {*At(row, name_at), ToInt(At(row, rows_at), -1), ToInt(At(row, bytes_at), -1)});
  }
  std::sort(tables.begin(), tables.end(),
            [](const CatalogTable& a, const CatalogTable& b) { return a.name < b.name; });
  return tables;
}

std::vector<SourceColumn> TableColumns(SnowflakeSource& source, const std::string& database,
                                       const std::string& schema, const std::string& table) {
  return source.Describe(TableRef{database, schema, table, "", ""});
}

std::vector<std::string> PrimaryKey(SnowflakeSource& source, const std::string& database,
                                    const std::string& schema, const std::string& table) {
  QueryResult result = source.Query(ShowPrimaryKeysSql(database, schema, table));
  size_t name_at = ColumnIndex(result, "column_name", 4);
  size_t sequence_at = ColumnIndex(result, "key_sequence", 5);
  std::vector<std::pair<int64_t, std::string>> keyed;
  for (const auto& row : result.rows) {
    if (!At(row, name_at)) continue;
    keyed.emplace_back(ToInt(At(row, sequence_at)), *At(row, name_at));
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::string> names;
  for (auto& [sequence, name] : keyed) names.push_back(std::move(name));
  return names;
}

std::string ServerVersion(SnowflakeSource& source) {
  QueryResult result = source.Query("SELECT CURRENT_VERSION()");
  if (result.rows.empty() || result.rows[0].empty() || !result.rows[0][0]) {
    throw SnowflakeError("SELECT CURRENT_VERSION() returned no version", Retry::kNever);
  }
  return *result.rows[0][0];
}

}  // namespace sf2pg::snowflake
