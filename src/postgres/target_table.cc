#include "postgres/target_table.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "config/hash.h"
#include "core/pg_type.h"
#include "core/quote.h"

namespace sf2pg::postgres {

const TargetColumn* TableInfo::Find(const std::string& column) const {
  for (const auto& c : columns) {
    if (c.name == column) return &c;
  }
  return nullptr;
}

bool TableInfo::HasUniqueIndexOn(const std::vector<std::string>& wanted) const {
  std::vector<std::string> sorted_wanted = wanted;
  std::sort(sorted_wanted.begin(), sorted_wanted.end());
  for (const auto& index : indexes) {
    if (!index.unique || index.partial || index.columns.empty()) continue;
    std::vector<std::string> cols = index.columns;
    std::sort(cols.begin(), cols.end());
    if (cols == sorted_wanted) return true;
  }
  return false;
}

TargetFeatures ReadFeatures(Connection& conn) {
  TargetFeatures features;
  features.postgis = conn.Exec("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").rows() == 1;
  features.pgvector = conn.Exec("SELECT 1 FROM pg_extension WHERE extname = 'vector'").rows() == 1;
  return features;
}

bool PostgisAvailable(Connection& conn) {
  return conn.Exec("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").rows() == 1;
}

std::optional<TableInfo> DescribeTable(Connection& conn, const std::string& schema,
                                       const std::string& table,
                                       std::vector<std::string>* unsupported) {
  auto cols = conn.Exec(
      "SELECT a.attname, t.typname, format_type(a.atttypid, a.atttypmod), a.atttypmod, "
      "a.attnotnull, a.attgenerated <> '', CASE WHEN t.typtype = 'd' THEN "
      "format_type(t.typbasetype, t.typtypmod) END FROM pg_attribute a "
      "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_type t ON t.oid = a.atttypid "
      "WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p') AND a.attnum > 0 "
      "AND NOT a.attisdropped ORDER BY a.attnum",
      {schema, table});
  if (cols.rows() == 0) return std::nullopt;
  TableInfo info{schema, table, {}, {}};
  for (int i = 0; i < cols.rows(); ++i) {
    if (cols.Get(i, 5) == "t") continue;  // generated
    std::string name(cols.Get(i, 0));
    // A domain is written as its base type.
    std::string type(cols.IsNull(i, 6) ? cols.Get(i, 2) : cols.Get(i, 6));
    auto column = TargetColumnFromFormatType(name, type, cols.Get(i, 4) == "t");
    if (!column) {
      if (unsupported) unsupported->push_back(name + " (" + std::string(cols.Get(i, 2)) + ")");
      continue;
    }
    info.columns.push_back(*column);
  }
  auto idx = conn.Exec(
      "SELECT i.relname, pg_get_indexdef(x.indexrelid), x.indisunique, "
      "EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = x.indexrelid AND "
      "con.conrelid = x.indrelid), x.indpred IS NOT NULL, "
      "CASE WHEN x.indexprs IS NULL THEN (SELECT json_agg(a.attname ORDER BY k.ord) FROM "
      "unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) JOIN pg_attribute a ON "
      "a.attrelid = x.indrelid AND a.attnum = k.attnum) END "
      "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
      "WHERE x.indrelid = (quote_ident($1) || '.' || quote_ident($2))::regclass ORDER BY 1",
      {schema, table});
  for (int i = 0; i < idx.rows(); ++i) {
    IndexInfo index;
    index.name = std::string(idx.Get(i, 0));
    index.definition = std::string(idx.Get(i, 1));
    index.unique = idx.Get(i, 2) == "t";
    index.constraint = idx.Get(i, 3) == "t";
    index.partial = idx.Get(i, 4) == "t";
    if (!idx.IsNull(i, 5)) {
      for (const auto& name : nlohmann::json::parse(idx.Get(i, 5))) index.columns.push_back(name);
    }
    info.indexes.push_back(index);
  }
  return info;
}

std::string CreateTableSql(const std::string& schema, const std::string& table,
                           const std::vector<TargetColumn>& columns,
                           const std::vector<std::string>& primary_key) {
  std::string sql = "CREATE TABLE " + Qualified(schema, table) + " (";
  for (size_t i = 0; i < columns.size(); ++i) {
    sql += (i ? ", " : "") + pg::QuoteIdent(columns[i].name) + " " + PgTypeSql(columns[i]);
    if (columns[i].not_null) sql += " NOT NULL";
  }
  if (!primary_key.empty()) {
    sql += ", PRIMARY KEY (";
    for (size_t i = 0; i < primary_key.size(); ++i)
      sql += (i ? ", " : "") + pg::QuoteIdent(primary_key[i]);
    sql += ")";
  }
  return sql + ")";
}

bool IsEmpty(Connection& conn, const std::string& schema, const std::string& table) {
  auto r = conn.Exec("SELECT NOT EXISTS (SELECT 1 FROM " + Qualified(schema, table) + ")");
  return r.Get(0, 0) == "t";
}

std::string Qualified(const std::string& schema, const std::string& table) {
  return pg::QuoteIdent(schema) + "." + pg::QuoteIdent(table);
}

namespace {

std::string ColumnList(const std::vector<std::string>& columns, const std::string& prefix = "") {
  std::string out;
  for (const auto& c : columns) {
    if (!out.empty()) out += ", ";
    out += prefix + pg::QuoteIdent(c);
  }
  return out;
}

}  // namespace

std::string CopySql(const std::string& schema, const std::string& table,
                    const std::vector<std::string>& columns) {
  return "COPY " + Qualified(schema, table) + " (" + ColumnList(columns) +
         ") FROM STDIN (FORMAT binary)";
}

std::string StageName(const std::string& table) {
  // Temporary tables share one namespace per session; a digest keeps names short and apart.
  return "sf2pg_stage_" + config::Md5Hex(table).substr(0, 16);
}

std::string CreateStageSql(const std::string& schema, const std::string& table) {
  return "CREATE TEMP TABLE IF NOT EXISTS " + pg::QuoteIdent(StageName(schema + "." + table)) +
         " (LIKE " + Qualified(schema, table) + " INCLUDING DEFAULTS) ON COMMIT DELETE ROWS";
}

std::string UpsertSql(const TableInfo& target, const std::vector<std::string>& columns,
                      const std::vector<std::string>& keys, const std::string& watermark) {
  std::string stage = "pg_temp." + pg::QuoteIdent(StageName(target.schema + "." + target.name));
  std::string sql = "INSERT INTO " + Qualified(target.schema, target.name) + " AS t (" +
                    ColumnList(columns) + ") SELECT DISTINCT ON (" + ColumnList(keys) + ") " +
                    ColumnList(columns) + " FROM " + stage + " ORDER BY " + ColumnList(keys);
  if (!watermark.empty()) sql += ", " + pg::QuoteIdent(watermark) + " DESC NULLS LAST";
  sql += " ON CONFLICT (" + ColumnList(keys) + ") DO ";
  std::vector<std::string> rest;
  for (const auto& c : columns) {
    if (std::find(keys.begin(), keys.end(), c) == keys.end()) rest.push_back(c);
  }
  if (rest.empty()) return sql + "NOTHING";
  sql += "UPDATE SET ";
  for (size_t i = 0; i < rest.size(); ++i) {
    std::string q = pg::QuoteIdent(rest[i]);
    sql += (i ? ", " : "") + q + " = EXCLUDED." + q;
  }
  if (!watermark.empty()) {
    std::string w = pg::QuoteIdent(watermark);
    sql += " WHERE EXCLUDED." + w + " > t." + w + " OR (t." + w + " IS NULL AND EXCLUDED." + w +
           " IS NOT NULL)";
  } else {
    sql += " WHERE ";
    for (size_t i = 0; i < rest.size(); ++i) {
      std::string q = pg::QuoteIdent(rest[i]);
      const TargetColumn* col = target.Find(rest[i]);
      // json has no equality operator; compare its text.
      std::string cast = col && col->type == PgType::kJson ? "::text" : "";
      sql +=
          (i ? " OR " : "") + ("t." + q + cast) + " IS DISTINCT FROM " + ("EXCLUDED." + q + cast);
    }
  }
  return sql;
}

}  // namespace sf2pg::postgres
