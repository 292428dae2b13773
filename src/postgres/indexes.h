// disable_index: secondary indexes are dropped before a load and recreated after it. Only
// plain (non-unique, non-constraint) indexes are dropped: unique indexes keep enforcing keys
// during the load, and the one an upsert needs is never touched.
#pragma once

#include <string>
#include <vector>

#include "postgres/connection.h"
#include "postgres/target_table.h"

namespace sf2pg::postgres {

/// The indexes of `table` that may be dropped for a load.
std::vector<IndexInfo> DroppableIndexes(const TableInfo& table);

/// Drops them (DROP INDEX IF EXISTS, schema-qualified).
void DropIndexes(Connection& conn, const std::string& schema,
                 const std::vector<IndexInfo>& indexes);

/// Recreates indexes from their stored definitions (pg_get_indexdef text); an index that
/// already exists is left alone.
void RestoreIndexes(Connection& conn, const std::vector<std::string>& definitions);

/// "CREATE INDEX name ON ..." -> "CREATE INDEX IF NOT EXISTS name ON ...".
std::string IfNotExists(const std::string& definition);

}  // namespace sf2pg::postgres
