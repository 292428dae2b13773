// The Snowflake SQL of the Source's typed operations and of the catalog reads
// (snowflake/metadata.h): SnowflakeSource runs these statements and nothing else builds them.
// Pure functions; names and text are quoted with sf:: (core/quote.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/source.h"

namespace sf2pg::snowflake {

/// True when a column landing in `target` (PostGIS geometry / geography) is selected as
/// ST_ASEWKB("column") AS "column": the value's EWKB, with its own SRID and every coordinate's
/// double exactly, where the SQL API's GeoJSON has no SRID and GEOMETRY coordinates only 16
/// significant digits.
bool LandsAsEwkb(const TargetColumn& target);

/// SELECT * FROM "DB"."SCHEMA"."TABLE" LIMIT 0: the result's row type describes the columns.
std::string DescribeSql(const TableRef& table);

/// SELECT COUNT(*) AS "N" FROM ... WHERE (filter) AND (floor).
std::string CountSql(const TableRef& table);

/// SELECT MAX("column") AS "M" FROM ... WHERE (filter) AND (floor).
std::string MaxSql(const TableRef& table, const std::string& column);

/// SELECT COUNT(CASE WHEN predicate THEN 1 END) AS "N" FROM ... WHERE (filter) AND (floor).
std::string CountWhereSql(const TableRef& table, const std::string& predicate);

/// SELECT COUNT(*) AS "N", COUNT("column") AS "NN"[, MIN("column") AS "LO", MAX("column") AS
/// "HI"] FROM ... WHERE (filter) AND (floor).
std::string StatsSql(const TableRef& table, const std::string& column, bool min_max);

/// SELECT expression AS "V", COUNT(*) AS "N" FROM ... WHERE (filter) AND (floor) AND
/// (predicate) GROUP BY 1 ORDER BY 1.
std::string CountByValueSql(const TableRef& table, const std::string& expression,
                            const std::string& predicate);

/// The keys of every `every`-th row in key order, numbered by ROW_NUMBER() (partitioned by
/// `partition` when set, whose value then comes first as "B").
std::string KeyBoundariesSql(const TableRef& table, const std::vector<std::string>& keys,
                             const std::string& predicate, const std::string& partition,
                             int64_t every);

/// SELECT bucket AS "B", COUNT(*) AS "N", SUM(row_hash) AS "H" FROM ... WHERE (filter) AND
/// (floor) AND (predicate) GROUP BY 1 ORDER BY 1: the checksums of key ranges.
std::string RangeChecksumsSql(const TableRef& table, const std::string& bucket,
                              const std::string& predicate, const std::string& row_hash);

/// SHOW TABLES IN SCHEMA "DB"."SCHEMA": the schema's tables with their row counts and sizes.
std::string ShowTablesSql(const std::string& database, const std::string& schema);

/// SHOW PRIMARY KEYS IN TABLE "DB"."SCHEMA"."TABLE".
std::string ShowPrimaryKeysSql(const std::string& database, const std::string& schema,
                               const std::string& table);

/// The SELECT of a chunk: its columns in order (ST_ASEWKB of those that LandsAsEwkb), WHERE
/// (filter) AND (floor) AND (predicate), ORDER BY, then LIMIT and OFFSET (LIMIT NULL before an
/// OFFSET without a limit).
std::string ChunkSql(const ChunkRequest& request);

}  // namespace sf2pg::snowflake
