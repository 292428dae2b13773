#include "postgres/indexes.h"

#include "core/error.h"

namespace sf2pg::postgres {

std::vector<IndexInfo> DroppableIndexes(const TableInfo& table) {
  std::vector<IndexInfo> out;
  for (const auto& index : table.indexes) {
    if (!index.unique && !index.constraint) out.push_back(index);
  }
  return out;
}

void DropIndexes(Connection& conn, const std::string& schema,
                 const std::vector<IndexInfo>& indexes) {
  for (const auto& index : indexes) {
    conn.Exec("DROP INDEX IF EXISTS " + Qualified(schema, index.name));
  }
}

std::string IfNotExists(const std::string& definition) {
  for (const char* prefix : {"CREATE INDEX ", "CREATE UNIQUE INDEX "}) {
    std::string p = prefix;
    if (definition.rfind(p, 0) == 0) {
      if (definition.compare(p.size(), 14, "IF NOT EXISTS ") == 0) return definition;
      return p + "IF NOT EXISTS " + definition.substr(p.size());
    }
  }
  throw InternalError("not an index definition: " + definition);
}

void RestoreIndexes(Connection& conn, const std::vector<std::string>& definitions) {
  for (const auto& d : definitions) conn.Exec(IfNotExists(d));
}

}  // namespace sf2pg::postgres
