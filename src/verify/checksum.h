// The checksum method of `sf2pg verify`: the table's key space is cut into ranges; for all of
// them at once, each engine computes COUNT(*) and SUM(row hash) over the canonical text of each
// row (verify/canonical.h) in one grouped query, so only those sums cross the network. Ranges
// whose count or sum differ are cut again (on the source's key boundaries within them) until
// they hold at most a few thousand source rows; only those are then compared row by row
// (verify.cc). Ranges are (lo, hi] in key order, as the chunk planner cuts them, with the rows
// that have a NULL key column in a range of their own.
//
// Both engines must order keys alike: numbers, dates and timestamps compare as values, text
// compares by code point in Snowflake (without a collation) and with COLLATE "C" (bytes of
// UTF-8, the same order) in PostgreSQL. Key types without such an order are refused
// (KeyProblem) and the table is compared row by row.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/source.h"
#include "core/table.h"

namespace sf2pg::postgres {
class Connection;
}

namespace sf2pg::verify {

/// A key column on both sides.
struct KeyColumn {
  SourceColumn source;
  TargetColumn target;
};

/// A key: the SQL API wire text of each key column, in key order.
using Key = std::vector<std::string>;

/// Keys in (lo, hi]; an empty `lo` is open below, an empty `hi` open above. With `null_keys`,
/// instead: the rows with a NULL in some key column.
struct KeyRange {
  Key lo, hi;
  bool null_keys = false;
  int depth = 0;            ///< how often its ranges were cut to reach it
  int64_t source_rows = 0;  ///< as the last checksums counted them
  int64_t target_rows = 0;
  bool operator==(const KeyRange&) const = default;
};

enum class Engine { kSnowflake, kPostgres };

/// Empty when `key`'s values order alike in both engines and have literals in both (integers
/// and decimals, text, dates, timestamps without time zone); otherwise why not.
std::string KeyProblem(const KeyColumn& key);

/// The literal of wire value `wire` of `key` in `engine`'s SQL. Throws DataError for wire text
/// that does not parse as its type.
std::string KeyLiteral(const KeyColumn& key, const std::string& wire, Engine engine);

/// The rows of `range` as a predicate in `engine`'s SQL over the key columns.
std::string RangePredicate(const std::vector<KeyColumn>& keys, const KeyRange& range,
                           Engine engine);
/// The rows of any of `ranges`: their predicates joined with OR; "FALSE" for none.
std::string AnyRange(const std::vector<KeyRange>& ranges, const std::vector<KeyColumn>& keys,
                     Engine engine);
/// The index in `ranges` of the range holding a row that lies in one of them: a CASE
/// (nested, so that a row is compared with log2(ranges) keys). `ranges`: the key ranges in
/// ascending disjoint order, then at most one null_keys range.
std::string BucketExpression(const std::vector<KeyRange>& ranges,
                             const std::vector<KeyColumn>& keys, Engine engine);

/// `range` cut at `bounds` (ascending keys within it): (lo, b1], (b1, b2], ..., (bn, hi].
/// Bounds equal to one before or to `hi` are dropped. Depth is one more than `range`'s.
std::vector<KeyRange> Split(const KeyRange& range, const std::vector<Key>& bounds);

struct ChecksumOptions {
  int initial_ranges = 128;  ///< ranges of the first pass (fewer for a small table)
  int fanout = 16;           ///< subranges a differing range is cut into
  int64_t leaf_rows = 4000;  ///< ranges with at most this many source rows are compared row by row
  int max_depth = 8;         ///< cuts at most; deeper ranges are compared row by row as they are
  /// When more ranges than this differ in one pass, the differences are everywhere: they are
  /// compared row by row without cutting them further.
  int max_bisect = 64;
};

/// Where the target side's checksums come from: PostgreSQL (PgChecksums), or a fake.
class TargetChecksums {
 public:
  virtual ~TargetChecksums() = default;
  /// As SourceStatistics::RangeChecksums, over the target table, in PostgreSQL SQL.
  virtual std::vector<RangeChecksum> Checksums(const std::string& bucket,
                                               const std::string& predicate) = 0;
};

/// The target table's checksums over `conn`: `row_hash` is verify::PostgresRowHash.
class PgChecksums : public TargetChecksums {
 public:
  PgChecksums(postgres::Connection& conn, std::string table, std::string row_hash)
      : conn_(conn), table_(std::move(table)), row_hash_(std::move(row_hash)) {}
  std::vector<RangeChecksum> Checksums(const std::string& bucket,
                                       const std::string& predicate) override;

 private:
  postgres::Connection& conn_;
  std::string table_;  ///< qualified and quoted
  std::string row_hash_;
};

/// What the checksums found.
struct ChecksumOutcome {
  std::vector<KeyRange> differing;  ///< to compare row by row; the null_keys range last
  int64_t source_rows = 0;          ///< counted by the first pass
  int64_t target_rows = 0;
  int ranges = 0;          ///< ranges whose checksums were compared, over all passes
  int bisected = 0;        ///< differing ranges cut into subranges
  int source_queries = 0;  ///< statements on the source (boundaries and checksums)
  int target_queries = 0;
  std::string note;  ///< why differing ranges were left uncut, when some were
};

/// Compares `table`'s key ranges by checksums: `source_hash` (verify::SnowflakeRowHash) on the
/// source, `target` on the target. `source_rows` is the source's row count (it sizes the first
/// ranges). Without `keys`, the whole table is one range. Throws what the source and the
/// target throw, and InternalError for an answer that names no range of the pass.
ChecksumOutcome CompareChecksums(SourceStatistics& source, const TableRef& table,
                                 const std::vector<KeyColumn>& keys, const std::string& source_hash,
                                 TargetChecksums& target, int64_t source_rows,
                                 const ChecksumOptions& options);

}  // namespace sf2pg::verify
