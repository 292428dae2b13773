// Table metadata read with Snowflake SQL (spec §8): a schema's tables with their sizes, a
// table's columns with their exact types, its primary key, and the server version.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/table.h"
#include "snowflake/snowflake_source.h"

namespace sf2pg::snowflake {

/// A table as SHOW TABLES lists it.
struct CatalogTable {
  std::string name;    ///< as stored (case-sensitive)
  int64_t rows = -1;   ///< row count; -1 when Snowflake does not know it
  int64_t bytes = -1;  ///< bytes a scan reads; -1 when Snowflake does not know it
};

/// The tables of "DB"."SCHEMA" in name order, from SHOW TABLES IN SCHEMA (columns found by
/// name: `name`, `rows`, `bytes`). Throws SnowflakeError (002003 when the database or schema
/// does not exist or is not authorized).
std::vector<CatalogTable> SchemaTables(SnowflakeSource& source, const std::string& database,
                                       const std::string& schema);

/// The columns of "DB"."SCHEMA"."TABLE" (names are case-sensitive, as stored) with precision,
/// scale, length and nullability (Source::Describe).
std::vector<SourceColumn> TableColumns(SnowflakeSource& source, const std::string& database,
                                       const std::string& schema, const std::string& table);

/// The primary key's column names in key order, from SHOW PRIMARY KEYS IN TABLE (column_name
/// at position 5, key_sequence at 6); empty when the table has none.
std::vector<std::string> PrimaryKey(SnowflakeSource& source, const std::string& database,
                                    const std::string& schema, const std::string& table);

/// The text of SELECT CURRENT_VERSION(). Throws SnowflakeError when the result is empty.
std::string ServerVersion(SnowflakeSource& source);

}  // namespace sf2pg::snowflake
