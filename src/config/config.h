// The configuration model: config.json (the seed tool's shape) plus credentials from the
// environment, as one immutable object. Loading reports every problem at once, each with its
// JSON path.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/enum_text.h"
#include "core/secret.h"

namespace sf2pg::config {

/// How a table is cut into chunks (config.json "chunking_strategy"); kAuto lets the planner
/// choose from the first chunking column. The names are also stored with each chunk plan.
enum class ChunkingStrategy {
  kAuto,
  kSingle,
  kNumericRange,
  kDateRange,
  kKeyRange,
  kOffset,
  kGroupedValues,
};
inline constexpr EnumNames<ChunkingStrategy, 7> kChunkingStrategyNames = {{
    {ChunkingStrategy::kAuto, "auto"},
    {ChunkingStrategy::kSingle, "single"},
    {ChunkingStrategy::kNumericRange, "numeric_range"},
    {ChunkingStrategy::kDateRange, "date_range"},
    {ChunkingStrategy::kKeyRange, "key_range"},
    {ChunkingStrategy::kOffset, "offset"},
    {ChunkingStrategy::kGroupedValues, "grouped_values"},
}};
std::string ToString(ChunkingStrategy strategy);
ChunkingStrategy ParseChunkingStrategy(std::string_view text);

/// How Snowflake column names become PostgreSQL names (config.json "identifier_case").
enum class IdentifierCase {
  kLower,     ///< unquoted Snowflake names (upper case) become lower case; mixed case is kept
  kPreserve,  ///< names are kept as they are
};
inline constexpr EnumNames<IdentifierCase, 2> kIdentifierCaseNames = {{
    {IdentifierCase::kLower, "lower"},
    {IdentifierCase::kPreserve, "preserve"},
}};
std::string ToString(IdentifierCase identifier_case);
IdentifierCase ParseIdentifierCase(std::string_view text);

/// What a row PostgreSQL cannot hold does (config.json "on_bad_row").
enum class OnBadRow {
  kFail,    ///< it stops the chunk
  kReject,  ///< it goes to the reject table with the reason; the rest of the chunk loads
};
inline constexpr EnumNames<OnBadRow, 2> kOnBadRowNames = {{
    {OnBadRow::kFail, "fail"},
    {OnBadRow::kReject, "reject"},
}};
std::string ToString(OnBadRow on_bad_row);
OnBadRow ParseOnBadRow(std::string_view text);

/// What an incremental load does with target rows whose key no longer exists in the source
/// (config.json "delete_mode").
enum class DeleteMode {
  kNone,  ///< nothing: deleted source rows stay in the target
  kHard,  ///< they are deleted
  kSoft,  ///< their soft_delete_column is set to the time of the run
};
inline constexpr EnumNames<DeleteMode, 3> kDeleteModeNames = {{
    {DeleteMode::kNone, "none"},
    {DeleteMode::kHard, "hard"},
    {DeleteMode::kSoft, "soft"},
}};
std::string ToString(DeleteMode delete_mode);

// For test failure messages.
std::ostream& operator<<(std::ostream& out, ChunkingStrategy strategy);
std::ostream& operator<<(std::ostream& out, IdentifierCase identifier_case);
std::ostream& operator<<(std::ostream& out, OnBadRow on_bad_row);

/// One table of a source. Optional per-table overrides are resolved against the globals when
/// the config is loaded, so `threads`, `batch_size` and `batch_size_copy_mode` are always set.
struct TableConfig {
  bool enabled = true;
  std::string source;         ///< Snowflake table name, as written in config.json.
  std::string target;         ///< PostgreSQL table name; defaults to `source`, case-folded.
  std::string source_filter;  ///< Snowflake SQL boolean expression applied to every query.
  std::vector<std::string> chunking_columns;
  std::vector<std::string> chunking_column_types;  ///< Normalised to lower case.
  std::vector<std::string> uniqueness_columns;
  std::string source_watermark;
  std::string target_watermark;
  bool truncate_onstart = false;
  bool disable_index = false;
  ChunkingStrategy chunking_strategy = ChunkingStrategy::kAuto;
  IdentifierCase identifier_case = IdentifierCase::kLower;
  /// The text of an OnBadRow ("fail" or "reject"), checked by the loader.
  std::string on_bad_row = "fail";
  int64_t bytes_per_row = 2048;  ///< Only for the memory estimate of the seed's formula.
  /// Each TIMESTAMP_TZ column C also loads its UTC offset, in minutes east of UTC, into the
  /// target column `<c>_offset_minutes` (plan::OffsetColumnName).
  bool keep_tz_offset = false;
  /// Incremental tables: target rows whose key vanished from the source are deleted (kHard)
  /// or marked in `soft_delete_column` (kSoft) by a last chunk of each run.
  DeleteMode delete_mode = DeleteMode::kNone;
  std::string soft_delete_column = "_deleted_at";  ///< kSoft: a timestamptz column of the target
  /// A run that would delete (or mark) more than this share of the target's rows stops before
  /// it, unless migrate is given --allow-deletes.
  double max_delete_share = 0.10;
  /// Set by `sf2pg verify --repair` for the run that repairs this table, never read from
  /// config.json: the table is loaded with UPSERT, without a watermark floor, over these
  /// Snowflake predicates (empty: the whole table), then a last chunk deletes (or, with
  /// delete_mode soft, marks) the target rows whose key is not in the source.
  bool repair = false;
  std::vector<std::string> repair_ranges;

  int parallel_threads = 0;  ///< Effective value (override or global).
  int64_t batch_size = 0;
  int64_t batch_size_copy_mode = 0;
  bool has_threads_override = false;
};

struct SourceConfig {
  std::string source_name;
  std::string source_sf_database;
  std::string source_sf_schema;
  std::string target_pg_database;
  std::string target_pg_schema;
  bool enabled = true;
  /// Create the postgis extension in target_pg_database (when its files are installed) before
  /// creating target tables, so GEOGRAPHY / GEOMETRY land as geography / geometry.
  bool create_postgis_extension = false;
  std::vector<TableConfig> tables;
};

/// Global settings with the seed's defaults.
struct Settings {
  int parallel_threads = 4;
  int64_t batch_size = 50000;
  int64_t batch_size_copy_mode = 100000;
  int max_retry_attempts = 3;
  int lambda_timeout_buffer_seconds = 120;
  double resume_max_age_hours = 12;
  /// Database holding the migration_status schema; empty means the first enabled source's
  /// target_pg_database.
  std::string status_pg_database;
  /// The memory estimate of a table above this limit is reported as a warning.
  int64_t memory_limit_mb = 6553;
  /// Timeout of each Snowflake statement, in seconds (0 = Snowflake's maximum of 7 days).
  int statement_timeout_seconds = 3600;
  /// Longest wait on one Snowflake request (a submission, a status poll or a partition
  /// fetch), across all its retries, in seconds.
  int request_timeout_seconds = 300;
};

struct Config {
  Settings settings;
  std::vector<SourceConfig> sources;
  std::string config_hash;  ///< MD5 hex of the canonical form (see hash.h).

  /// The source with this name, or nullptr.
  const SourceConfig* FindSource(const std::string& name) const;
  /// The database that holds the status tables.
  std::string StatusDatabase() const;
};

/// Connection settings and secrets, from the environment (and an optional .env file).
struct Credentials {
  struct Snowflake {
    std::string account;
    std::string user;
    Secret private_key;  ///< PEM text, with real newlines.
    Secret private_key_passphrase;
    std::string warehouse;
    std::string role;
    std::string url;         ///< Override of https://<account>.snowflakecomputing.com.
    Secret token;            ///< OAuth or programmatic access token, instead of the key.
    std::string token_type;  ///< OAUTH or PROGRAMMATIC_ACCESS_TOKEN.
    std::string ca_bundle;
  } snowflake;
  struct Postgres {
    std::string host = "localhost";
    int port = 5432;
    std::string user;
    Secret password;
    std::string sslmode = "prefer";
    std::string sslrootcert;
  } postgres;
  std::string log_level = "info";
  std::string migration_version;
};

/// A problem found while loading: `path` is a JSON path (`sources[0].tables[2].batch_size`)
/// or an environment variable (`env.SNOWFLAKE_ACCOUNT`).
struct Problem {
  std::string path;
  std::string message;
  bool warning = false;
  std::string ToString() const;
};

}  // namespace sf2pg::config
