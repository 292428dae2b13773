// `sf2pg init`: a starting config.json written from the source's own catalog (SHOW TABLES, the
// columns, SHOW PRIMARY KEYS), each choice explained in a `_why` note, and a .env template of
// placeholders. The suggestions are pure functions of the catalog, so they are unit-tested
// without Snowflake.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/options.h"
#include "core/table.h"

namespace sf2pg::app {

struct InitOptions {
  std::string database;  ///< Snowflake database, as stored
  std::string schema;    ///< Snowflake schema, as stored
  std::vector<std::string>
      tables;  ///< name patterns (`*`, `?`; ASCII case-insensitive); empty = all
  std::string out = "config.json";
  std::string env_out = ".env.example";
  bool force = false;           ///< overwrite existing output files
  std::string source_name;      ///< default: the database name, lower-cased
  std::string target_database;  ///< default: the database name as PostgreSQL would fold it
  std::string target_schema;    ///< default: the schema name as PostgreSQL would fold it
};

/// What the catalog says about one table.
struct CatalogEntry {
  std::string name;
  int64_t rows = -1;   ///< -1 = unknown
  int64_t bytes = -1;  ///< -1 = unknown
  std::vector<SourceColumn> columns;
  std::vector<std::string> primary_key;
};

/// Rows per chunk: catalog bytes per row against kChunkBytes, within [kMinBatch, kMaxBatch].
inline constexpr int64_t kChunkBytes = 32 << 20;
inline constexpr int64_t kMinBatch = 10000;
inline constexpr int64_t kMaxBatch = 500000;

/// Whether `name` matches the glob `pattern` (`*` any run, `?` one byte), ASCII letters
/// compared without case, as Snowflake's SHOW ... LIKE compares.
bool MatchesPattern(const std::string& name, const std::string& pattern);

/// The tables of `all` that `patterns` select (all of them when empty), in `all`'s order.
/// Throws ConfigError naming `where` and each pattern that matches no table.
std::vector<std::string> SelectTableNames(const std::vector<std::string>& all,
                                          const std::vector<std::string>& patterns,
                                          const std::string& where);

/// Whether a column looks like the time of a row's last change: a date or timestamp whose name
/// says updated, modified or changed, or ends in _TS. 2 for the first kind, 1 for _TS, else 0.
int WatermarkScore(const SourceColumn& column);

/// The config.json document for `tables` (unit-testable: no I/O). Every table gets its key,
/// chunking, watermark and batch sizes with a `_why` object explaining each, and a target name
/// PostgreSQL can hold, unique within the source. The result passes config::ParseConfig.
nlohmann::ordered_json InitConfig(const InitOptions& options,
                                  const std::vector<CatalogEntry>& tables);

/// The .env template: every variable sf2pg reads, with placeholders and never a value.
std::string EnvTemplate();

/// What RunInit did, for the summary.
struct InitResult {
  std::vector<CatalogEntry> tables;
  nlohmann::ordered_json config;
};

/// Reads the catalog of options.database.schema with the Snowflake credentials of the
/// environment (and --env-file), writes options.out and options.env_out, and returns what it
/// wrote. Throws ConfigError (nothing written) for an existing output without `force`, an
/// unknown database or schema, or patterns that match no table.
InitResult RunInit(const GlobalOptions& global, const InitOptions& options);

/// The human summary of `result`: one line per table (rows, size, key, chunking, watermark).
std::string InitSummary(const InitResult& result);

}  // namespace sf2pg::app
