// sf2pg verify: is the target identical to the source, table by table?
//
// The source side is read once with the same decoder that loads chunks, into a temporary
// table of the target's column types in the target's session; PostgreSQL then compares it with
// the target in one join on the key (or, without a key, as multisets of rows). Values are
// therefore compared as PostgreSQL values of the target's types — NULLs, numerics, timestamps
// with zones, floats and JSON (jsonb compares by value) — so there is no cross-engine checksum
// that could disagree. Cost: one read of each side plus one temporary write of the source rows.
//
// The checksum method (checksum.h) first compares row counts and sums of row hashes of key
// ranges computed inside both engines, and reads only the rows of the ranges that differ,
// which it compares as above.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/config.h"
#include "exec/migration.h"
#include "verify/checksum.h"

namespace sf2pg::verify {

enum class Method {
  kAuto,      ///< checksums from checksum_threshold source rows, rows below
  kChecksum,  ///< checksums of key ranges; rows only where they differ
  kRows,      ///< every row of the source read and compared
};

/// "auto", "checksum", "rows"; false for anything else.
bool ParseMethod(const std::string& text, Method* method);

struct VerifyOptions {
  std::vector<std::string> sources;
  std::vector<std::string> tables;
  int max_rows_shown = 20;  ///< differing rows printed per table
  Method method = Method::kAuto;
  int64_t checksum_threshold = 1000000;  ///< kAuto: source rows from which checksums are used
  ChecksumOptions checksum;
};

struct TableVerdict {
  std::string table;   ///< DB.SCHEMA.TABLE
  std::string target;  ///< database.schema.table
  int64_t source_rows = 0;
  int64_t target_rows = 0;
  int64_t missing = 0;               ///< in the source, not in the target
  int64_t extra = 0;                 ///< in the target, not in the source
  int64_t changed = 0;               ///< same key, some column differs
  std::vector<std::string> samples;  ///< "missing ID=7", "changed ID=9: AMOUNT", ...
  std::string how;                   ///< how the rows were matched
  std::string method;                ///< "rows" or "checksum": the method that decided
  int ranges = 0;                    ///< checksum: key ranges compared, over all passes
  int bisected = 0;                  ///< checksum: differing ranges cut into subranges
  int64_t rows_fetched = 0;          ///< source rows read to compare row by row
  /// What --repair reloads: Snowflake predicates of the key ranges that differ; empty: the
  /// whole table.
  std::vector<std::string> repair_ranges;
  std::string error;  ///< when the table could not be compared
  double seconds = 0;
  bool identical() const { return error.empty() && missing == 0 && extra == 0 && changed == 0; }
};

/// A verdict as `sf2pg verify --json` prints it.
nlohmann::json VerdictJson(const TableVerdict& v);

/// Compares every selected table. Throws ConfigError for an unknown source or table name.
std::vector<TableVerdict> VerifyTables(const config::Config& config, const VerifyOptions& options,
                                       exec::MigrationDeps& deps);

}  // namespace sf2pg::verify
