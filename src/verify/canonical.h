// The canonical text of a row, computed inside each engine: Snowflake SQL over the source
// table, PostgreSQL SQL over the target table. Two rows that sf2pg loads exactly have the same
// canonical text on both sides, so an order-independent sum of its hashes (with a row count)
// compares key ranges without moving rows (checksum.h).
//
// Per type (canonical.cc has the details): numbers at the source's scale; text as is; binary
// as upper-case hex; booleans as true/false; dates as seconds since 1970-01-01 (microseconds
// in a timestamp target); times and timestamps as microseconds since midnight / since
// 1970-01-01 UTC, rounded with ties to even as sf2pg loads digits 7-9; a TIMESTAMP_TZ's
// offset as +HH:MM where the target keeps it (text, keep_tz_offset's companion column). FLOAT,
// DECFLOAT, semi-structured, spatial and VECTOR columns are compared row by row.
//
// A column's canonical text is NULL for NULL; the row's is the concatenation, for each column,
// of 'N' for NULL or 'V' <length in characters> ':' <canonical text>, so that no two rows share
// one. A column whose values have no exact canonical text in both engines is left out of the
// row and compared row by row instead (CanonicalColumn::row_by_row says why).
#pragma once

#include <string>
#include <vector>

#include "core/table.h"

namespace sf2pg::verify {

/// How one column enters the checksums.
struct CanonicalColumn {
  std::string name;       ///< the target column
  std::string snowflake;  ///< Snowflake SQL over the source column: its canonical text
  std::string postgres;   ///< PostgreSQL SQL over the target column: the same text
  /// Non-empty when the type has no exact canonical text in both engines: why. The column is
  /// then left out of the row's text and compared row by row.
  std::string row_by_row;
};

/// The canonical text of `source` (a Snowflake column) as loaded into `target`.
CanonicalColumn Canonical(const SourceColumn& source, const TargetColumn& target);

/// Why columns of `source`'s type are compared row by row whatever their target; empty when
/// the type has an exact canonical text.
std::string RowByRowReason(const SourceColumn& source);

/// The row's canonical text from `columns` (those without row_by_row), in each engine's SQL.
std::string SnowflakeRowText(const std::vector<CanonicalColumn>& columns);
std::string PostgresRowText(const std::vector<CanonicalColumn>& columns);

/// The row's hash: the low 64 bits of the MD5 of its canonical text, as an unsigned integer
/// (NUMBER in Snowflake, numeric in PostgreSQL), so that SUM over rows is order-independent
/// and cannot overflow either engine (at most 2^64 * rows < 10^38).
std::string SnowflakeRowHash(const std::vector<CanonicalColumn>& columns);
std::string PostgresRowHash(const std::vector<CanonicalColumn>& columns);

}  // namespace sf2pg::verify
