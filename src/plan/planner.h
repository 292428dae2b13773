// Chunk planning: split a table into chunks of at most `batch_size` rows, each read by a
// deterministic query, with few queries on the source. Planning is apart from doing: the
// planner only asks the source for statistics (SourceStatistics, core/source.h) and returns
// chunk specs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/source.h"
#include "core/table.h"

namespace sf2pg::plan {

/// The families of chunking column types.
enum class KeyKind { kNumeric, kDate, kText };

struct TableInput {
  TableRef table;                         ///< the source table, its filter and floor
  std::vector<SourceColumn> chunking;     ///< resolved chunking columns
  std::vector<KeyKind> chunking_kinds;    ///< one per chunking column
  std::vector<SourceColumn> uniqueness;   ///< resolved uniqueness columns
  std::vector<SourceColumn> all_columns;  ///< every column, for ordering without a key
  config::ChunkingStrategy strategy = config::ChunkingStrategy::kAuto;  ///< kAuto or forced
  /// Incremental loads: the target's rows at or above the floor. When the source has exactly
  /// as many rows at or above it, nothing is new and no chunk is planned (-1 = not known).
  int64_t up_to_date_rows = -1;
  /// With up_to_date_rows: Snowflake predicate of rows newer than the target's newest
  /// watermark. Equal counts mean "up to date" only when no source row matches it.
  std::string newer_than_target;
  int64_t batch_size = 50000;
  /// Workers that will load the chunks: a table that would give fewer chunks than workers is
  /// split into smaller ones (down to min_split_rows each) so that every worker has one.
  int parallelism = 1;
  int64_t min_split_rows = 10000;
};

/// One end of a range over an ordered list of columns: a tuple of SQL literals, included or
/// not. No values: unbounded on that side.
struct Bound {
  std::vector<std::string> values;
  bool inclusive = false;
  bool open() const { return values.empty(); }
  bool operator==(const Bound&) const = default;
};

/// What a chunk's predicate covers, kept in structured form so that the planner can check
/// that the chunks of a plan are disjoint and cover every row (CheckPlan).
struct ChunkBounds {
  /// The cell of the first key column the chunk lies in: "all" (no bound), "null" (IS NULL)
  /// or "range" (between `lo` and `hi`; both open = IS NOT NULL).
  std::string cell = "all";
  Bound lo, hi;
  /// Within the cell: the range of the key tuple (both open = the whole cell, possibly
  /// windowed by the chunk's LIMIT/OFFSET).
  Bound key_lo, key_hi;
};

/// One chunk: rows of the table matching filter AND floor AND `predicate`, read in
/// `order_by` order, optionally windowed by LIMIT/OFFSET.
struct ChunkSpec {
  std::string predicate;  ///< "" = no extra bound
  int64_t limit = -1;     ///< -1 = no LIMIT
  int64_t offset = 0;
  int64_t estimated_rows = 0;
  std::string lower;  ///< human-readable bounds, e.g. "\"ID\" >= 100"
  std::string upper;
  ChunkBounds bounds;  ///< `predicate` in structured form (not stored with the chunk)
  /// The delete_mode chunk of an incremental table: it reads the source's keys (the whole
  /// table within its filter, no floor) and deletes or marks the target rows without one.
  bool delete_vanished = false;
};

struct Plan {
  /// The strategy used (never kAuto once planned).
  config::ChunkingStrategy strategy = config::ChunkingStrategy::kAuto;
  std::string reason;    ///< why this strategy
  std::string order_by;  ///< the deterministic ORDER BY list of every chunk
  int64_t total_rows = 0;
  int64_t null_rows = 0;  ///< rows whose first key column is NULL (when counted)
  int queries = 0;        ///< planning queries issued
  std::vector<ChunkSpec> chunks;
};

/// Plans `table`. Throws whatever the runner throws, and InternalError for impossible input
/// or a plan that fails CheckPlan.
Plan PlanTable(const TableInput& table, SourceStatistics& source);

/// Checks from the chunks' structured bounds that their predicates are disjoint and together
/// cover the whole key space, NULLs included: cells of the first key column chain from open
/// below to open above (each upper bound the next lower one, exactly one of them inclusive),
/// a NULL cell exists when NULLs were counted, and within a cell key
/// ranges chain the same way and LIMIT/OFFSET windows follow each other up to an unlimited
/// last one. Where bounds are numbers they must also increase. Throws InternalError naming
/// the first violation.
void CheckPlan(const Plan& plan);

/// KeyKind of a Snowflake column (numeric for fixed/real, date for date/timestamps, text for
/// the rest that can bound a range).
KeyKind KindOfColumn(const SourceColumn& column);
/// KeyKind from a chunking_column_types entry (config); false when unknown.
bool KindOfConfigType(const std::string& type, KeyKind* kind);

/// The read of a chunk: `columns` of the table in that order, with the chunk's predicate, the
/// plan's order and the chunk's LIMIT/OFFSET window (the caller adds targets and names).
ChunkRequest ChunkRead(const TableInput& table, const std::vector<std::string>& columns,
                       const std::string& order_by, const ChunkSpec& chunk);

}  // namespace sf2pg::plan
