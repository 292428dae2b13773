// The Snowflake SQL of the Source's typed operations: SnowflakeSource runs these statements and
// nothing else builds them. Pure functions; names and text are quoted with sf:: (core/quote.h).
#pragma once

#include <string>

#include "core/source.h"

namespace sf2pg::snowflake {

/// SELECT * FROM "DB"."SCHEMA"."TABLE" LIMIT 0: the result's row type describes the columns.
std::string DescribeSql(const TableRef& table);

/// SELECT COUNT(*) AS "N" FROM ... WHERE (filter) AND (floor).
std::string CountSql(const TableRef& table);

/// SELECT MAX("column") AS "M" FROM ... WHERE (filter) AND (floor).
std::string MaxSql(const TableRef& table, const std::string& column);

/// The SELECT of a chunk: its columns in order, WHERE (filter) AND (floor) AND (predicate),
/// ORDER BY, then LIMIT and OFFSET (LIMIT NULL before an OFFSET without a limit).
std::string ChunkSql(const ChunkRequest& request);

}  // namespace sf2pg::snowflake
