// `sfemu load`: creates tables from Snowflake DDL and fills them from CSV files or from the
// built-in deterministic data sets, through PostgreSQL COPY. Every value goes through the same
// conversion as SQL literals, so a value sfemu cannot store exactly is refused with its file,
// line and column.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "catalog.h"
#include "postgres/connection.h"

namespace sf2pg::sfemu {

struct LoadOptions {
  std::vector<std::string> ddl_files;
  std::vector<std::string> csv_files;  ///< TABLE=FILE with TABLE = DB.SCHEMA.TABLE
  bool csv_header = false;
  std::string dataset;  ///< demo or bench
  std::string only_table;
  int64_t rows = 10000;
  uint64_t seed = 42;
};

/// Runs `sfemu load`; returns the process exit code. Throws sf2pg::Error for bad input.
int RunLoad(const postgres::ConnectParams& pg, const LoadOptions& options);

/// A row source: fills `fields` (one per column, nullopt = NULL) for row `index`.
using RowSource =
    std::function<void(int64_t index, std::vector<std::optional<std::string>>& fields)>;

/// Appends rows to a table with COPY inside one transaction, converting each field for its
/// column's type. `where(i)` names a row for error messages. Returns the rows loaded.
int64_t CopyRows(postgres::Connection& conn, const CatalogTable& table, int64_t count,
                 const RowSource& rows, const std::function<std::string(int64_t)>& where);

/// Splits CSV text (RFC 4180) into records. An unquoted empty field and an unquoted \N are
/// NULL; a quoted "" is the empty string. Throws ConfigError for unterminated quotes.
std::vector<std::vector<std::optional<std::string>>> ParseCsv(std::string_view text,
                                                              std::vector<int64_t>* line_numbers);

}  // namespace sf2pg::sfemu
