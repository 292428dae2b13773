#include "plan/columns.h"

#include <algorithm>
#include <map>

#include "config/names.h"
#include "core/error.h"
#include "core/pg_type.h"
#include "core/strings.h"
#include "plan/sql.h"
#include "postgres/target_table.h"

namespace sf2pg::plan {

const SourceColumn* FindSource(const std::vector<SourceColumn>& columns, const std::string& name) {
  const SourceColumn* loose = nullptr;
  int matches = 0;
  for (const auto& c : columns) {
    if (c.name == name) return &c;
    if (Lower(c.name) == Lower(name)) {
      loose = &c;
      ++matches;
    }
  }
  return matches == 1 ? loose : nullptr;
}

const TargetColumn* FindTarget(const postgres::TableInfo& table, const std::string& name) {
  if (const auto* c = table.Find(name)) return c;
  const TargetColumn* loose = nullptr;
  int matches = 0;
  for (const auto& c : table.columns) {
    if (Lower(c.name) == Lower(name)) {
      loose = &c;
      ++matches;
    }
  }
  return matches == 1 ? loose : nullptr;
}

std::vector<SourceColumn> ResolveAll(const std::vector<SourceColumn>& columns,
                                     const std::vector<std::string>& names, const char* what,
                                     std::vector<std::string>* problems) {
  std::vector<SourceColumn> out;
  for (const auto& n : names) {
    if (const auto* c = FindSource(columns, n))
      out.push_back(*c);
    else
      problems->push_back(std::string(what) + " \"" + n + "\" is not a column of the source table");
  }
  return out;
}

namespace {

// Builds the column mapping and checks the target; every mismatch is listed.
void MapColumns(TableJob& job, const Source& types, const std::vector<SourceColumn>& source_columns,
                std::vector<std::string>* problems) {
  const auto& t = *job.table;
  for (const auto& sc : source_columns) {
    std::string want = TargetName(sc.name, t.identifier_case);
    const TargetColumn* tc = FindTarget(job.target_info, want);
    if (!tc) {
      problems->push_back("column \"" + want + "\" (from Snowflake " + sc.name + " " + sc.type +
                          ") is missing in the target");
      continue;
    }
    if (auto why = types.Incompatibility(sc, *tc)) {
      problems->push_back(*why);
      continue;
    }
    job.source_columns.push_back(sc.name);
    job.target_columns.push_back(tc->name);
    job.targets.push_back(*tc);
  }
  // keep_tz_offset: the chunk selects each TIMESTAMP_TZ column a second time, encoded as its
  // offset in minutes into the offset column.
  for (const auto& sc : source_columns) {
    if (!t.keep_tz_offset || !IsTimestampTz(sc)) continue;
    std::string want = OffsetColumnName(sc.name, t.identifier_case);
    const TargetColumn* found = FindTarget(job.target_info, want);
    if (!found) {
      problems->push_back("column \"" + want + "\" (the UTC offset of Snowflake " + sc.name + " " +
                          sc.type +
                          ", keep_tz_offset) is missing in the target; add it as smallint, or "
                          "turn keep_tz_offset off");
      continue;
    }
    TargetColumn tc = *found;
    tc.tz_offset = true;
    if (auto why = types.Incompatibility(sc, tc)) {
      problems->push_back(*why);
      continue;
    }
    job.source_columns.push_back(sc.name);
    job.target_columns.push_back(tc.name);
    job.targets.push_back(tc);
  }
  for (const auto& tc : job.target_info.columns) {
    if (tc.not_null && std::find(job.target_columns.begin(), job.target_columns.end(), tc.name) ==
                           job.target_columns.end()) {
      problems->push_back("target column \"" + tc.name + "\" is NOT NULL but has no source column");
    }
  }
}

void ResolveKeys(TableJob& job, const std::vector<SourceColumn>& source_columns,
                 std::vector<std::string>* problems) {
  const auto& t = *job.table;
  auto& in = job.plan_input;
  in.all_columns = source_columns;
  in.chunking = ResolveAll(source_columns, t.chunking_columns, "chunking column", problems);
  in.uniqueness = ResolveAll(source_columns, t.uniqueness_columns, "uniqueness column", problems);
  for (size_t i = 0; i < in.chunking.size(); ++i) {
    plan::KeyKind kind = plan::KindOfColumn(in.chunking[i]);
    if (i < t.chunking_column_types.size())
      plan::KindOfConfigType(t.chunking_column_types[i], &kind);
    in.chunking_kinds.push_back(kind);
  }
  in.strategy = t.chunking_strategy;
  for (const auto& u : in.uniqueness) {
    auto it = std::find(job.source_columns.begin(), job.source_columns.end(), u.name);
    if (it == job.source_columns.end()) continue;
    size_t i = static_cast<size_t>(it - job.source_columns.begin());
    job.key_columns.push_back(static_cast<int>(i));
    job.upsert_keys.push_back(job.target_columns[i]);
  }
}

}  // namespace

std::string TargetName(const std::string& source_name, config::IdentifierCase identifier_case) {
  if (identifier_case == config::IdentifierCase::kPreserve) return source_name;
  bool has_lower = std::any_of(source_name.begin(), source_name.end(),
                               [](char c) { return c >= 'a' && c <= 'z'; });
  return has_lower ? source_name : Lower(source_name);
}

std::string OffsetColumnName(const std::string& source_name,
                             config::IdentifierCase identifier_case) {
  std::string name = TargetName(source_name, identifier_case);
  bool upper = Upper(name) == name && Lower(name) != name;
  return name + (upper ? "_OFFSET_MINUTES" : "_offset_minutes");
}

bool IsTimestampTz(const SourceColumn& column) { return Lower(column.type) == "timestamp_tz"; }

std::vector<std::string> ColumnNameProblems(const std::vector<SourceColumn>& source_columns,
                                            config::IdentifierCase identifier_case,
                                            bool keep_tz_offset) {
  struct Named {
    std::string name;  // the PostgreSQL name
    const SourceColumn* column;
    bool offset;  // the keep_tz_offset column of `column`
  };
  std::vector<Named> names;
  for (const auto& sc : source_columns)
    names.push_back({TargetName(sc.name, identifier_case), &sc, false});
  for (const auto& sc : source_columns) {
    if (keep_tz_offset && IsTimestampTz(sc))
      names.push_back({OffsetColumnName(sc.name, identifier_case), &sc, true});
  }
  auto label = [](const Named& n) {
    return n.offset
               ? "the offset column of Snowflake column \"" + n.column->name + "\" (keep_tz_offset)"
               : "Snowflake column \"" + n.column->name + "\"";
  };
  std::vector<std::string> problems;
  std::map<std::string, const Named*> stored;  // the name PostgreSQL keeps -> its column
  for (const auto& n : names) {
    if (auto why = config::PgNameTooLong(n.name)) {
      problems.push_back("column " + *why + " (from " + label(n) +
                         "); there is no column mapping, so rename the column in Snowflake, or "
                         "set \"source\" to a Snowflake view that selects it under a shorter name" +
                         (n.offset ? ", or turn keep_tz_offset off" : ""));
    }
    auto [other, fresh] = stored.emplace(config::PgStoredName(n.name), &n);
    if (fresh) continue;
    const Named& first = *other->second;
    std::string message = first.offset || n.offset ? label(first) + " and " + label(n)
                                                   : "Snowflake columns \"" + first.column->name +
                                                         "\" and \"" + n.column->name + "\"";
    message += " would both be the PostgreSQL column \"" + other->first + "\"";
    if (n.name.size() > config::kPgMaxNameBytes) {
      message += " (PostgreSQL keeps only the first 63 bytes of a name)";
    } else if (first.offset || n.offset) {
      message += "; rename one of the Snowflake columns, or turn keep_tz_offset off";
    } else if (identifier_case != config::IdentifierCase::kPreserve) {
      message += "; set identifier_case to \"preserve\" to keep the Snowflake names as they are";
    }
    problems.push_back(message);
  }
  return problems;
}

postgres::TableInfo PlannedTarget(const config::SourceConfig& source,
                                  const config::TableConfig& table, const Source& types,
                                  const std::vector<SourceColumn>& source_columns,
                                  const TargetFeatures& features) {
  postgres::TableInfo info{source.target_pg_schema, table.target, {}, {}};
  for (const auto& sc : source_columns) {
    TargetColumn tc = types.MapColumn(sc, features);
    tc.name = TargetName(sc.name, table.identifier_case);
    tc.sql_type = PgTypeSql(tc);
    info.columns.push_back(tc);
    if (table.keep_tz_offset && IsTimestampTz(sc)) {
      TargetColumn offset;
      offset.name = OffsetColumnName(sc.name, table.identifier_case);
      offset.type = PgType::kInt2;
      offset.not_null = tc.not_null;
      offset.tz_offset = true;
      offset.sql_type = PgTypeSql(offset);
      info.columns.push_back(offset);
    }
  }
  postgres::IndexInfo pk;
  pk.name = table.target + "_pkey";
  pk.unique = pk.constraint = true;
  for (const auto& u : table.uniqueness_columns) {
    const SourceColumn* sc = FindSource(source_columns, u);
    if (!sc) continue;
    std::string name = TargetName(sc->name, table.identifier_case);
    pk.columns.push_back(name);
    for (auto& c : info.columns) {
      if (c.name == name) c.not_null = true;  // a primary key column
    }
  }
  if (!pk.columns.empty()) info.indexes.push_back(pk);
  return info;
}

TableJob DescribeJob(const config::SourceConfig& source, const config::TableConfig& table,
                     Source& snowflake, postgres::Connection& target_conn,
                     const std::string& status_database, MissingTarget missing,
                     std::vector<SourceColumn>* source_columns, std::vector<std::string>* problems,
                     std::vector<std::string>* ddl,
                     const std::function<TargetFeatures()>& features) {
  TableJob job = TableJob::Of(source, table);
  job.shares_status_database = source.target_pg_database == status_database;
  job.max_threads = table.parallel_threads;
  job.plan_input.table = {source.source_sf_database, source.source_sf_schema, table.source,
                          table.source_filter, ""};

  *source_columns = snowflake.Describe(job.plan_input.table);
  // Before anything is created: a name PostgreSQL would cut or merge leaves a table that does
  // not match its source.
  std::vector<std::string> name_problems =
      ColumnNameProblems(*source_columns, table.identifier_case, table.keep_tz_offset);
  if (!name_problems.empty()) {
    std::string message = "table " + job.Name() + " -> " + job.target_schema + "." +
                          job.target_table + " cannot be loaded:";
    for (const auto& p : name_problems) message += "\n  - " + p;
    throw ConfigError(message);
  }
  std::vector<std::string> unsupported;
  auto info =
      postgres::DescribeTable(target_conn, job.target_schema, job.target_table, &unsupported);
  if (!info && missing == MissingTarget::kFail) {
    throw ConfigError("target table " + job.target_database + "." + job.target_schema + "." +
                      job.target_table + " does not exist");
  }
  if (!info) {
    postgres::TableInfo planned = PlannedTarget(source, table, snowflake, *source_columns,
                                                features ? features() : TargetFeatures{});
    std::vector<std::string> statements = {
        "CREATE SCHEMA IF NOT EXISTS " + pg::QuoteIdent(job.target_schema),
        postgres::CreateTableSql(
            job.target_schema, job.target_table, planned.columns,
            planned.indexes.empty() ? std::vector<std::string>{} : planned.indexes[0].columns)};
    if (ddl) ddl->insert(ddl->end(), statements.begin(), statements.end());
    if (missing == MissingTarget::kCreate) {
      postgres::Transaction tx(target_conn);
      for (const auto& sql : statements) target_conn.Exec(sql);
      tx.Commit();
      info =
          postgres::DescribeTable(target_conn, job.target_schema, job.target_table, &unsupported);
      if (!info) throw InternalError("created " + job.target_table + " but cannot find it");
    } else {
      info = planned;
    }
  }
  job.target_info = *info;
  for (const auto& u : unsupported)
    problems->push_back("target column " + u + " has a type sf2pg cannot load");
  MapColumns(job, snowflake, *source_columns, problems);
  ResolveKeys(job, *source_columns, problems);

  return job;
}

}  // namespace sf2pg::plan
