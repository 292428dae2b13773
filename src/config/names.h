// PostgreSQL names: the 63-byte limit on identifiers, and the tables one run cannot load
// together (the same Snowflake table twice, or two tables into one PostgreSQL table).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"

namespace sf2pg::config {

/// PostgreSQL keeps the first NAMEDATALEN - 1 = 63 bytes of an identifier and silently drops
/// the rest (with only a NOTICE), so two longer names can become one.
inline constexpr size_t kPgMaxNameBytes = 63;

/// The longest prefix of `text` of at most `max_bytes` bytes that ends between two UTF-8
/// characters.
std::string Utf8Prefix(std::string_view text, size_t max_bytes);

/// The name PostgreSQL stores for `name`: at most 63 bytes, cut before the first UTF-8
/// character that does not fit whole (as PostgreSQL cuts in a UTF-8 database).
std::string PgStoredName(std::string_view name);

/// Why `name` cannot be a PostgreSQL identifier as it is ("is 70 bytes, over PostgreSQL's limit
/// of 63 (it would keep only "...")"), or nullopt when it fits.
std::optional<std::string> PgNameTooLong(std::string_view name);

/// Appends a problem for every target name over 63 bytes: each source's target_pg_database and
/// target_pg_schema, status_pg_database, and each enabled table's target and target_watermark.
void CheckTargetNameLengths(const Config& config, std::vector<Problem>* problems);

/// Tables selected for one command, as pointers into a Config.
using SelectedTables = std::vector<std::pair<const SourceConfig*, const TableConfig*>>;

/// The problems of loading `selected` in one run: the same Snowflake table selected twice (the
/// status tables know a table by its Snowflake database, schema and name only, so one of the
/// two would be skipped), and those of CheckSharedTargets. Each problem names both places in
/// `config`.
std::vector<Problem> CheckSelectedTables(const Config& config, const SelectedTables& selected);

/// Appends a problem for each pair of `selected` tables that load into the same PostgreSQL
/// table (database, schema and table compared as PostgreSQL stores the names).
void CheckSharedTargets(const Config& config, const SelectedTables& selected,
                        std::vector<Problem>* problems);

/// "sources[i].tables[j]" of `table` in `config` (both must point into it).
std::string TablePath(const Config& config, const SourceConfig* source, const TableConfig* table);

}  // namespace sf2pg::config
