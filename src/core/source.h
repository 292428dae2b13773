// The Source interface: where rows come from. The engine asks for typed operations (describe,
// count, max, the planner's statistics, fetch a chunk); SnowflakeSource (src/snowflake/) renders
// them as Snowflake SQL (snowflake/statements.h) for the SQL API; FakeSource (tests/fakes/) serves
// rows from memory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/table.h"

namespace sf2pg {

/// A cell of a statistics answer: wire text for its type; NULL is nullopt.
using Cell = std::optional<std::string>;

/// A column's figures over the rows of a table within its filter and floor.
struct ColumnStats {
  int64_t rows = 0;      ///< COUNT(*)
  int64_t non_null = 0;  ///< COUNT(column)
  Cell min, max;         ///< only when asked for; nullopt without non-NULL values
};

/// How many rows have each value of an expression, ascending by value.
struct ValueCounts {
  SourceColumn type;  ///< the expression's type, as the source reports it
  struct Entry {
    Cell value;
    int64_t rows = 0;
  };
  std::vector<Entry> values;
};

/// The row count and checksum of the rows of one key range (RangeChecksums).
struct RangeChecksum {
  int64_t bucket = 0;  ///< the value of the bucket expression
  int64_t rows = 0;    ///< COUNT(*)
  std::string sum;     ///< SUM of the row hash, as decimal digits ("0" for no rows)
};

/// A source table and the rows of it a load reads. `filter` and `floor` are Snowflake SQL
/// predicates that a source applies as they are (a fake may ignore them).
struct TableRef {
  std::string database, schema, table;  ///< as stored (case-sensitive)
  std::string filter;                   ///< the table's source_filter; may be empty
  std::string floor;                    ///< the incremental lower bound; may be empty
};

/// One chunk to fetch: the rows of `table` (within its filter and floor) matching `predicate`,
/// in `order_by` order, windowed by `limit`/`offset`, and the target column each selected
/// column is encoded for.
struct ChunkRequest {
  TableRef table;
  std::vector<std::string> columns;   ///< source columns selected, in target order
  std::string predicate;              ///< the chunk's bound, Snowflake SQL; "" = none
  std::string order_by;               ///< ORDER BY list, Snowflake SQL; "" = none
  int64_t limit = -1;                 ///< -1 = no LIMIT
  int64_t offset = 0;                 ///< rows skipped before the first one read
  std::vector<TargetColumn> targets;  ///< one per selected column
  std::vector<int> key_columns;       ///< result columns naming a row in error messages
  std::string description;            ///< e.g. "ANALYTICS.BI.DIMPATIENT chunk 7"
  std::string query_tag;              ///< sent as QUERY_TAG
};

/// A source row that cannot become a PostgreSQL value without changing it.
struct BadRow {
  int64_t row_number = 0;  ///< 1-based within the chunk
  std::string column;
  std::string key;     ///< "ID=42, REGION='EU'" from the key columns
  std::string reason;  ///< e.g. "text contains a NUL byte"
  std::string raw;     ///< the row as JSON text, for the reject table
};

/// Receives a chunk as binary COPY rows (see core/copy_buffer.h), in order.
class CopySink {
 public:
  virtual ~CopySink() = default;
  /// Whole rows, without the COPY header or trailer. Called any number of times.
  virtual void Write(std::string_view rows, int64_t row_count) = 0;
  /// A row that cannot be encoded. Return true to leave it out and go on (reject mode);
  /// false makes Fetch throw DataError naming the chunk, row, key and column.
  virtual bool Reject(const BadRow& row) = 0;
};

struct FetchStats {
  int64_t rows = 0;        ///< rows written to the sink
  int64_t rejected = 0;    ///< rows handed to Reject() and left out
  int64_t json_bytes = 0;  ///< uncompressed result bytes read
  int64_t partitions = 0;
  int64_t retries = 0;  ///< transient errors retried (HTTP 429/5xx, resets, truncated bodies)
};

/// The statistics the chunk planner (plan/planner.h) asks for. Each is one aggregate query on
/// the source; only the small answer crosses the network. Predicates and expressions are
/// Snowflake SQL that the planner builds over the table's columns, applied as they are, with
/// the table's filter and floor. Each throws SnowflakeError.
class SourceStatistics {
 public:
  virtual ~SourceStatistics() = default;
  SourceStatistics() = default;
  SourceStatistics(const SourceStatistics&) = delete;
  SourceStatistics& operator=(const SourceStatistics&) = delete;

  /// The number of rows of `table` within its filter and floor.
  virtual int64_t Count(const TableRef& table) = 0;
  /// The number of those rows for which `predicate` is true.
  virtual int64_t CountWhere(const TableRef& table, const std::string& predicate) = 0;
  /// COUNT(*) and COUNT(column) of those rows; with `min_max`, MIN and MAX of `column` too.
  virtual ColumnStats Stats(const TableRef& table, const std::string& column, bool min_max) = 0;
  /// The rows matching `predicate` ("" = all) grouped by `expression`: a count per value,
  /// ascending by value.
  virtual ValueCounts CountByValue(const TableRef& table, const std::string& expression,
                                   const std::string& predicate) = 0;
  /// The key (`keys`' values) of every `every`-th row matching `predicate`, numbered in key
  /// order, in key order. With `partition` (an expression), numbering restarts at each value
  /// of it, and each key is preceded by that value.
  virtual std::vector<std::vector<Cell>> KeyBoundaries(const TableRef& table,
                                                       const std::vector<std::string>& keys,
                                                       const std::string& predicate,
                                                       const std::string& partition,
                                                       int64_t every) = 0;
  /// For the rows matching `predicate` ("" = all), grouped by `bucket` (an integer expression,
  /// e.g. a CASE over key ranges): COUNT(*) and SUM(`row_hash`), where `row_hash` is a
  /// non-negative integer expression (verify/canonical.h), ascending by bucket. Buckets without
  /// rows are absent. Used by `sf2pg verify`'s checksum method; only the sums cross the network.
  virtual std::vector<RangeChecksum> RangeChecksums(const TableRef& table,
                                                    const std::string& bucket,
                                                    const std::string& predicate,
                                                    const std::string& row_hash) = 0;
};

class Source : public SourceStatistics {
 public:
  /// The target column sf2pg creates for a column of this source (same name; the caller folds
  /// its case) in a target database with `target`'s features. Throws ConfigError for a type it
  /// does not know.
  virtual TargetColumn MapColumn(const SourceColumn& column,
                                 const TargetFeatures& target) const = 0;
  /// A note for the plan report when `column` does not land as its full value in the created
  /// table (GEOGRAPHY and GEOMETRY as jsonb without PostGIS); empty otherwise.
  virtual std::string MappingNote(const SourceColumn& column, const TargetFeatures& target) const {
    (void)column, (void)target;
    return "";
  }
  /// Empty when values of `column` can be loaded into `target`; otherwise the reason, naming
  /// both columns and types.
  virtual std::optional<std::string> Incompatibility(const SourceColumn& column,
                                                     const TargetColumn& target) const = 0;

  /// The columns of `table` with their exact types (its filter and floor do not matter).
  /// Throws SnowflakeError, e.g. when the table does not exist.
  virtual std::vector<SourceColumn> Describe(const TableRef& table) = 0;
  /// The largest value of `column` among the rows of `table` within its filter and floor, as
  /// wire text for the column's type; nullopt when there is none. Throws SnowflakeError.
  virtual std::optional<std::string> Max(const TableRef& table, const std::string& column) = 0;

  /// What Fetch(request) would run, for dry-run reports (the SELECT, for Snowflake).
  virtual std::string Explain(const ChunkRequest& request) const = 0;

  /// Streams a chunk into `sink`, encoded for `request.targets`; memory stays bounded by a
  /// few result partitions whatever the chunk size. Throws SnowflakeError, DataError, or
  /// whatever the sink throws. Not thread-safe: one Source per worker.
  virtual FetchStats Fetch(const ChunkRequest& request, CopySink& sink) = 0;
};

}  // namespace sf2pg
