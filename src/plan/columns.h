// How a Snowflake table's columns map onto its PostgreSQL target, and the resolution of the
// configured column names (chunking, uniqueness, watermark) against the real ones.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/source.h"
#include "core/strings.h"
#include "plan/table_job.h"
#include "postgres/connection.h"

namespace sf2pg::plan {

/// Finds `name` among `columns`: exactly, or else case-insensitively when that is unambiguous
/// (a config that names an unquoted identifier in lower case).
const SourceColumn* FindSource(const std::vector<SourceColumn>& columns, const std::string& name);
const TargetColumn* FindTarget(const postgres::TableInfo& table, const std::string& name);

/// The PostgreSQL name sf2pg gives a Snowflake column under `identifier_case`: kLower turns
/// an all-upper-case name (Snowflake's unquoted identifiers) into lower case and keeps any
/// other name as it is; kPreserve keeps every name.
std::string TargetName(const std::string& source_name, config::IdentifierCase identifier_case);

/// The PostgreSQL column that holds the UTC offset of TIMESTAMP_TZ column `source_name` under
/// keep_tz_offset: its TargetName and "_offset_minutes", the suffix upper case when that name
/// is (identifier_case "preserve" keeps "CREATED_AT": "CREATED_AT_OFFSET_MINUTES").
std::string OffsetColumnName(const std::string& source_name,
                             config::IdentifierCase identifier_case);

/// True when `column` is a TIMESTAMP_TZ column, which keep_tz_offset gives an offset column.
bool IsTimestampTz(const SourceColumn& column);

/// The problems of the PostgreSQL names TargetName gives `source_columns` (and, with
/// `keep_tz_offset`, OffsetColumnName their TIMESTAMP_TZ columns): a name over 63 bytes
/// (PostgreSQL would cut it), and two columns that get the same name (after lower-casing, or
/// PostgreSQL's cut). Each names the Snowflake columns and what the user can do.
std::vector<std::string> ColumnNameProblems(const std::vector<SourceColumn>& source_columns,
                                            config::IdentifierCase identifier_case,
                                            bool keep_tz_offset = false);

/// What to do when the target table does not exist.
enum class MissingTarget {
  kFail,    ///< a ConfigError naming the table
  kCreate,  ///< create it from the source's columns (docs/snowflake_types.md)
  kReport,  ///< plan as if it were created; the DDL goes to `ddl` (dry runs)
};

/// Reads the source's columns (`source_columns`) and the target table, and maps one onto the
/// other: load order, target types, key columns. Every mismatch (missing column, incompatible
/// type, NOT NULL column without a source) is appended to `problems`. A created (or reported)
/// table has the mapped types and a primary key on the uniqueness columns; its DDL is
/// appended to `ddl`; `features` (called only then; none when empty) tells what the target
/// database offers. Throws SnowflakeError when the source table cannot be read, and
/// ConfigError listing ColumnNameProblems before anything is created.
TableJob DescribeJob(const config::SourceConfig& source, const config::TableConfig& table,
                     Source& snowflake, postgres::Connection& target_conn,
                     const std::string& status_database, MissingTarget missing,
                     std::vector<SourceColumn>* source_columns, std::vector<std::string>* problems,
                     std::vector<std::string>* ddl,
                     const std::function<TargetFeatures()>& features = {});

/// The table sf2pg creates for `source_columns` in a database with `features` (the type
/// mapping and the identifier rule, with a primary key on the uniqueness columns); with
/// keep_tz_offset, each TIMESTAMP_TZ column is followed by its smallint offset column.
postgres::TableInfo PlannedTarget(const config::SourceConfig& source,
                                  const config::TableConfig& table, const Source& types,
                                  const std::vector<SourceColumn>& source_columns,
                                  const TargetFeatures& features);

}  // namespace sf2pg::plan
