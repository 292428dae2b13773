#include "snowflake/statements.h"

#include "core/quote.h"

namespace sf2pg::snowflake {
namespace {

std::string From(const TableRef& table) {
  return " FROM " + sf::QualifiedName(table.database, table.schema, table.table);
}

// " WHERE ..." over the table's filter and floor and `more`; "" when all are empty.
std::string Where(const TableRef& table, const std::string& more = "") {
  std::string where = sf::And({table.filter, table.floor, more});
  return where.empty() ? "" : " WHERE " + where;
}

}  // namespace

bool LandsAsEwkb(const TargetColumn& target) {
  return target.type == PgType::kGeometry || target.type == PgType::kGeography;
}

std::string DescribeSql(const TableRef& table) { return "SELECT *" + From(table) + " LIMIT 0"; }

std::string CountSql(const TableRef& table) {
  return "SELECT COUNT(*) AS \"N\"" + From(table) + Where(table);
}

std::string MaxSql(const TableRef& table, const std::string& column) {
  return "SELECT MAX(" + sf::QuoteIdent(column) + ") AS \"M\"" + From(table) + Where(table);
}

std::string CountWhereSql(const TableRef& table, const std::string& predicate) {
  return "SELECT COUNT(CASE WHEN " + predicate + " THEN 1 END) AS \"N\"" + From(table) +
         Where(table);
}

std::string StatsSql(const TableRef& table, const std::string& column, bool min_max) {
  std::string col = sf::QuoteIdent(column);
  std::string sql = "SELECT COUNT(*) AS \"N\", COUNT(" + col + ") AS \"NN\"";
  if (min_max) sql += ", MIN(" + col + ") AS \"LO\", MAX(" + col + ") AS \"HI\"";
  return sql + From(table) + Where(table);
}

std::string CountByValueSql(const TableRef& table, const std::string& expression,
                            const std::string& predicate) {
  return "SELECT " + expression + " AS \"V\", COUNT(*) AS \"N\"" + From(table) +
         Where(table, predicate) + " GROUP BY 1 ORDER BY 1";
}

std::string KeyBoundariesSql(const TableRef& table, const std::vector<std::string>& keys,
                             const std::string& predicate, const std::string& partition,
                             int64_t every) {
  std::string cols;
  for (const auto& k : keys) cols += (cols.empty() ? "" : ", ") + sf::QuoteIdent(k);
  std::string select = partition.empty() ? cols : partition + " AS \"B\", " + cols;
  std::string outer = partition.empty() ? cols : "\"B\", " + cols;
  std::string over =
      (partition.empty() ? "" : "PARTITION BY " + partition + " ") + "ORDER BY " + cols;
  return "SELECT " + outer + " FROM (SELECT " + select + ", ROW_NUMBER() OVER (" + over +
         ") AS \"RN\"" + From(table) + Where(table, predicate) + ") WHERE MOD(\"RN\", " +
         std::to_string(every) + ") = 0 ORDER BY " + outer;
}

std::string RangeChecksumsSql(const TableRef& table, const std::string& bucket,
                              const std::string& predicate, const std::string& row_hash) {
  return "SELECT " + bucket + " AS \"B\", COUNT(*) AS \"N\", SUM(" + row_hash + ") AS \"H\"" +
         From(table) + Where(table, predicate) + " GROUP BY 1 ORDER BY 1";
}

std::string ShowTablesSql(const std::string& database, const std::string& schema) {
  return "SHOW TABLES IN SCHEMA " + sf::QuoteIdent(database) + "." + sf::QuoteIdent(schema);
}

std::string ShowPrimaryKeysSql(const std::string& database, const std::string& schema,
                               const std::string& table) {
  return "SHOW PRIMARY KEYS IN TABLE " + sf::QualifiedName(database, schema, table);
}

std::string ChunkSql(const ChunkRequest& request) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < request.columns.size(); ++i) {
    std::string column = sf::QuoteIdent(request.columns[i]);
    sql += i ? ", " : "";
    sql += i < request.targets.size() && LandsAsEwkb(request.targets[i])
               ? "ST_ASEWKB(" + column + ") AS " + column
               : column;
  }
  sql += From(request.table) + Where(request.table, request.predicate);
  if (!request.order_by.empty()) sql += " ORDER BY " + request.order_by;
  if (request.limit >= 0) sql += " LIMIT " + std::to_string(request.limit);
  if (request.offset > 0) {
    if (request.limit < 0) sql += " LIMIT NULL";  // Snowflake needs LIMIT before OFFSET
    sql += " OFFSET " + std::to_string(request.offset);
  }
  return sql;
}

}  // namespace sf2pg::snowflake
