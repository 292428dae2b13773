// The catalog: which Snowflake databases, schemas and tables exist, each column's declared
// Snowflake type, and where the data lives in PostgreSQL. It is stored in PostgreSQL itself
// (schema `sfemu_catalog`), so `sfemu load` and `sfemu serve` share it. Each Snowflake
// DB.SCHEMA is one PostgreSQL schema (named "DB.SCHEMA" when it fits in 63 bytes); a
// TIMESTAMP_TZ column is two PostgreSQL columns: the instant and its offset in minutes.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "postgres/connection.h"
#include "sf_type.h"

namespace sf2pg::sfemu {

struct CatalogColumn {
  std::string name;
  SfType type;
  bool nullable = true;
  int pk_position = 0;  ///< 1-based position in the primary key, 0 when not part of it
  std::string pg_name;
  /// The PostgreSQL column holding a TIMESTAMP_TZ value's offset in minutes.
  std::string OffsetPgName() const { return pg_name + "#off"; }
};

struct CatalogTable {
  std::string database, schema, name;
  std::string pg_schema, pg_table;
  std::vector<CatalogColumn> columns;
  std::string pk_constraint;
  int64_t created_on_ms = 0;
  int64_t row_count = 0;
  /// "pg_schema"."pg_table", quoted.
  std::string PgQualified() const;
};

/// What the translator needs to resolve names. Implemented over PostgreSQL (PgCatalog) and in
/// memory for unit tests.
class CatalogReader {
 public:
  virtual ~CatalogReader() = default;
  virtual bool HasDatabase(const std::string& database) = 0;
  virtual bool HasSchema(const std::string& database, const std::string& schema) = 0;
  virtual std::optional<CatalogTable> FindTable(const std::string& database,
                                                const std::string& schema,
                                                const std::string& name) = 0;
};

/// Table definitions shared by all workers, valid for one catalog generation. Thread-safe.
class CatalogCache {
 public:
  std::optional<CatalogTable> Get(int64_t generation, const std::string& key);
  void Put(int64_t generation, const std::string& key, const CatalogTable& table);

 private:
  std::mutex mu_;
  int64_t generation_ = -1;
  std::map<std::string, CatalogTable> tables_;
};

/// The catalog stored in PostgreSQL, used through one connection (one thread).
class PgCatalog : public CatalogReader {
 public:
  /// `cache` may be null. `generation` is the value read at the start of the statement.
  PgCatalog(postgres::Connection& conn, CatalogCache* cache, int64_t generation);

  /// Creates the sfemu_catalog schema, its tables, views and helper functions if missing.
  static void Bootstrap(postgres::Connection& conn);
  /// The write generation: bumped by every DDL and DML, so cached catalogs and cached results
  /// know they are stale.
  static int64_t ReadGeneration(postgres::Connection& conn);
  /// Increments the generation inside the caller's transaction.
  static void BumpGeneration(postgres::Connection& conn);

  bool HasDatabase(const std::string& database) override;
  bool HasSchema(const std::string& database, const std::string& schema) override;
  std::optional<CatalogTable> FindTable(const std::string& database, const std::string& schema,
                                        const std::string& name) override;

  /// DDL, each inside the caller's transaction. CreateDatabase also creates its PUBLIC
  /// schema, as Snowflake does. Return false when the object already existed / was missing.
  bool CreateDatabase(const std::string& database);
  bool CreateSchema(const std::string& database, const std::string& schema);
  bool DropDatabase(const std::string& database);
  bool DropSchema(const std::string& database, const std::string& schema);
  /// Creates the table (its PostgreSQL table and catalog rows); fills pg names in `table`.
  void CreateTable(CatalogTable& table);
  bool DropTable(const std::string& database, const std::string& schema, const std::string& name);
  /// Adds `delta` rows to the table's row count (INSERT, DELETE); `absolute` sets it.
  void AdjustRowCount(const CatalogTable& table, int64_t delta, bool absolute = false);
  /// Every table, optionally limited to one database and schema (SHOW commands).
  std::vector<CatalogTable> ListTables(const std::string& database, const std::string& schema);

 private:
  std::optional<std::string> PgSchemaOf(const std::string& database, const std::string& schema);

  postgres::Connection& conn_;
  CatalogCache* cache_;
  int64_t generation_;
};

/// PostgreSQL column definitions for a Snowflake column (one, or two for TIMESTAMP_TZ),
/// including the checks that keep stored values exactly representable.
std::vector<std::string> PgColumnDefinitions(const CatalogColumn& column);

}  // namespace sf2pg::sfemu
