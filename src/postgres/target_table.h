// A PostgreSQL target table: what it looks like (columns, indexes), and the SQL that loads it
// (COPY, staging + upsert, truncate, index drop and restore).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/table.h"
#include "postgres/connection.h"

namespace sf2pg::postgres {

struct IndexInfo {
  std::string name;
  std::string definition;            ///< pg_get_indexdef: "CREATE [UNIQUE] INDEX name ON ..."
  std::vector<std::string> columns;  ///< empty for expression indexes
  bool unique = false;
  bool constraint = false;  ///< backs a PRIMARY KEY, UNIQUE or EXCLUDE constraint
  bool partial = false;
};

struct TableInfo {
  std::string schema;
  std::string name;
  std::vector<TargetColumn> columns;
  std::vector<IndexInfo> indexes;
  /// The column, or nullptr.
  const TargetColumn* Find(const std::string& column) const;
  /// True when a unique, non-partial index covers exactly `columns` (any order), so
  /// `ON CONFLICT (columns)` can use it.
  bool HasUniqueIndexOn(const std::vector<std::string>& columns) const;
};

/// The table, or nullopt when it does not exist. Generated columns are left out (they cannot
/// be loaded). A column whose type sf2pg cannot write is described in `unsupported` as
/// "name (type)" and left out of `columns`.
std::optional<TableInfo> DescribeTable(Connection& conn, const std::string& schema,
                                       const std::string& table,
                                       std::vector<std::string>* unsupported = nullptr);

/// What the database `conn` is connected to offers: whether the postgis extension is installed.
TargetFeatures ReadFeatures(Connection& conn);

/// True when the postgis extension can be created there (PostGIS's files are installed).
bool PostgisAvailable(Connection& conn);

/// CREATE TABLE "schema"."table" (...) with a PRIMARY KEY on `primary_key` when given.
std::string CreateTableSql(const std::string& schema, const std::string& table,
                           const std::vector<TargetColumn>& columns,
                           const std::vector<std::string>& primary_key);

/// True when the table has no row.
bool IsEmpty(Connection& conn, const std::string& schema, const std::string& table);

/// "schema"."table"
std::string Qualified(const std::string& schema, const std::string& table);

/// COPY "schema"."table" ("c1", ...) FROM STDIN (FORMAT binary)
std::string CopySql(const std::string& schema, const std::string& table,
                    const std::vector<std::string>& columns);

/// The staging table of `table` on this session: a temporary table with the same columns,
/// emptied at every commit.
std::string StageName(const std::string& table);
std::string CreateStageSql(const std::string& schema, const std::string& table);

/// Moves the staged rows into the target: one INSERT ... ON CONFLICT (keys) DO UPDATE, keeping
/// only the newest row per key when the stage holds duplicates. With a watermark, a row is
/// updated only when the incoming watermark is newer; without, only when it differs.
std::string UpsertSql(const TableInfo& target, const std::vector<std::string>& columns,
                      const std::vector<std::string>& keys, const std::string& watermark);

}  // namespace sf2pg::postgres
