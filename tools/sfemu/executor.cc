#include "executor.h"

#include <algorithm>
#include <cstring>

#include "core/error.h"
#include "core/quote.h"
#include "error.h"
#include "json_text.h"
#include "parser.h"
#include "pg_rows.h"

namespace sf2pg::sfemu {
namespace {

using postgres::Connection;

constexpr int kFetchRows = 4096;

std::string MillisText(int64_t ms) {
  std::string s = std::to_string(ms / 1000) + ".";
  std::string frac = std::to_string(ms % 1000);
  return s + std::string(3 - frac.size(), '0') + frac;
}

bool LikeMatch(std::string_view text, std::string_view pattern) {
  if (pattern.empty()) return text.empty();
  if (pattern[0] == '%') {
    for (size_t i = 0; i <= text.size(); ++i) {
      if (LikeMatch(text.substr(i), pattern.substr(1))) return true;
    }
    return false;
  }
  if (text.empty()) return false;
  bool same = pattern[0] == '_' || std::toupper(static_cast<unsigned char>(pattern[0])) ==
                                       std::toupper(static_cast<unsigned char>(text[0]));
  return same && LikeMatch(text.substr(1), pattern.substr(1));
}

ResultColumn TextColumn(const std::string& name, int64_t length = kMaxTextLength,
                        bool nullable = true) {
  ResultColumn c;
  c.name = name;
  c.type = SfType::Text(length);
  c.nullable = nullable;
  c.byte_length = length;  // metadata results report byteLength = length (observed)
  return c;
}

ResultColumn TypedColumn(const std::string& name, SfType type, bool nullable = true) {
  ResultColumn c;
  c.name = name;
  c.type = type;
  c.nullable = nullable;
  return c;
}

/// Ends the transaction a failure left open; errors are ignored (a broken connection has rolled
/// it back already).
void RollBack(Connection& conn) {
  if (!conn.InTransaction()) return;
  try {
    conn.Exec("ROLLBACK");
  } catch (const PostgresError&) {
  }
}

const char* CommandKind(StatementKind kind) {
  switch (kind) {
    case StatementKind::kBegin:
      return "TRANSACTION_BEGIN";
    case StatementKind::kCommit:
      return "TRANSACTION_COMMIT";
    case StatementKind::kRollback:
      return "TRANSACTION_ROLLBACK";
    case StatementKind::kUse:
      return "USE";
    default:
      return nullptr;
  }
}

}  // namespace

struct Executor::Session {
  SessionContext context;
  const std::string* sql = nullptr;
  int64_t generation = 0;
  bool nullable = true;
  const OutputFormats* output_formats = nullptr;
  bool in_transaction = false;
  bool multi = false;
  PgCatalog* catalog = nullptr;
};

Executor::Executor(postgres::ConnectParams params, BlobStore& store, CatalogCache& cache,
                   PartitionPolicy policy)
    : params_(std::move(params)), store_(store), cache_(cache), policy_(policy) {
  params_.application_name = "sfemu";
}

void Executor::EnsureConnected() {
  if (conn_ && conn_->ok()) return;
  conn_.reset();
  try {
    conn_ = std::make_unique<Connection>(params_);
    conn_->Exec(
        "SET extra_float_digits = 1; SET standard_conforming_strings = on; "
        "SET DateStyle = ISO; SET IntervalStyle = postgres");
  } catch (const PostgresError& e) {
    conn_.reset();
    throw Error("000603", "XX000",
                std::string("SQL execution internal error: the emulator cannot reach its "
                            "PostgreSQL database: ") +
                    e.what(),
                503);
  }
}

int64_t Executor::Generation() {
  EnsureConnected();
  try {
    return PgCatalog::ReadGeneration(*conn_);
  } catch (const PostgresError& e) {
    conn_.reset();
    throw Error("000603", "XX000", std::string("SQL execution internal error: ") + e.what(), 503);
  }
}

void Executor::ExpandBatchBindings(const ExecRequest& request,
                                   std::vector<nlohmann::json>& out) const {
  const auto& b = request.bindings;
  if (!b.is_object()) return;
  size_t length = 0;
  bool any = false;
  for (const auto& [key, binding] : b.items()) {
    if (!binding.is_object() || !binding.contains("value") || !binding["value"].is_array())
      continue;
    size_t n = binding["value"].size();
    if (any && n != length) {
      throw Error("002099", "07006",
                  "SQL compilation error:\nBind variables of the array binding have different "
                  "lengths.");
    }
    any = true;
    length = n;
  }
  if (!any) return;
  for (size_t i = 0; i < length; ++i) {
    nlohmann::json one = nlohmann::json::object();
    for (const auto& [key, binding] : b.items()) {
      nlohmann::json copy = binding;
      if (binding.is_object() && binding.contains("value") && binding["value"].is_array()) {
        copy["value"] = binding["value"][i];
      }
      one[key] = copy;
    }
    out.push_back(std::move(one));
  }
}

ExecResult Executor::Run(const ExecRequest& request, CancelToken& token, int64_t generation) {
  token.Check();
  if (request.extra_delay_ms > 0 && !token.Sleep(request.extra_delay_ms)) token.ThrowStopped();
  std::vector<Statement> statements = ParseScript(request.sql);
  if (statements.empty()) {
    throw Error("000900", "42601", "SQL compilation error:\nEmpty SQL statement.", 400);
  }
  if (request.statement_count != 0 &&
      statements.size() != static_cast<size_t>(request.statement_count)) {
    throw Error("000008", "0A000",
                "Actual statement count " + std::to_string(statements.size()) +
                    " did not match the desired statement count " +
                    std::to_string(request.statement_count) + ".");
  }
  ExecResult out;
  out.multi = request.statement_count != 1;
  if (out.multi && request.bindings.is_object() && !request.bindings.empty()) {
    throw Error("000002", "0A000", "Bind variables are not supported in multi-statement requests.");
  }
  if (!out.multi) {
    const Statement& st = statements[0];
    if (const char* kind = CommandKind(st.kind)) {
      throw Error("391911", "0A000", std::string("Command not supported by SQL API: ") + kind);
    }
    if (st.kind == StatementKind::kNotInApi) {
      throw Error("391911", "0A000", "Command not supported by SQL API: " + st.command);
    }
  }
  EnsureConnected();
  Connection& conn = *conn_;
  PgCatalog catalog(*conn_, &cache_, generation);
  Session session;
  session.context = request.session;
  session.sql = &request.sql;
  session.generation = generation;
  session.nullable = request.nullable;
  session.output_formats = &request.output_formats;
  session.multi = out.multi;
  session.catalog = &catalog;
  token.Attach(&conn);
  try {
    conn.Exec("SET TIME ZONE " + pg::QuoteLiteral(request.timezone));
  } catch (const PostgresError&) {
    token.Attach(nullptr);
    throw Error("002043", "22023",
                "Invalid value [" + request.timezone + "] for parameter 'TIMEZONE'", 422);
  }
  try {
    std::vector<nlohmann::json> batches;
    ExpandBatchBindings(request, batches);
    if (!batches.empty()) {
      if (statements[0].kind != StatementKind::kInsert || out.multi) {
        throw Unsupported("array bindings outside a single INSERT");
      }
      int64_t total = 0;
      for (const auto& one : batches) {
        session.context.bindings = &one;
        auto r = RunStatement(statements[0], session, token);
        total += r->stats ? r->stats->inserted : 0;
      }
      DmlStats stats;
      stats.inserted = total;
      out.result = Counts({"number of rows inserted"}, {total}, stats);
    } else if (!out.multi) {
      session.context.bindings = request.bindings.is_object() ? &request.bindings : nullptr;
      out.result = RunStatement(statements[0], session, token);
      out.cacheable = statements[0].kind == StatementKind::kSelect;
    } else {
      for (const auto& st : statements) out.children.push_back(RunStatement(st, session, token));
    }
    if (session.in_transaction) conn.Exec("ROLLBACK");
  } catch (const postgres::StatementError& f) {
    RollBack(conn);
    token.Attach(nullptr);
    if (f.sql_state() == "57014") token.ThrowStopped();
    if (token.expired()) token.ThrowStopped();
    throw MapPgFailure(f, !conn.ok());
  } catch (...) {
    if (conn.ok()) RollBack(conn);
    token.Attach(nullptr);
    throw;
  }
  token.Attach(nullptr);
  return out;
}

std::shared_ptr<ResultSet> Executor::RunStatement(const Statement& st, Session& session,
                                                  CancelToken& token) {
  token.Check();
  Connection& conn = *conn_;
  switch (st.kind) {
    case StatementKind::kBegin:
      if (!session.in_transaction) conn.Exec("BEGIN");
      session.in_transaction = true;
      return Status("Statement executed successfully.");
    case StatementKind::kCommit:
    case StatementKind::kRollback:
      if (session.in_transaction)
        conn.Exec(st.kind == StatementKind::kCommit ? "COMMIT" : "ROLLBACK");
      session.in_transaction = false;
      return Status("Statement executed successfully.");
    case StatementKind::kUse: {
      if (st.command == "DATABASE") {
        if (!session.catalog->HasDatabase(st.target[0].text)) {
          throw DoesNotExist("Database", st.target[0].Display(), "");
        }
        session.context.database = st.target[0].text;
        session.context.schema = "PUBLIC";
      } else if (st.command == "SCHEMA") {
        Translator t(*session.catalog, session.context, *session.sql);
        auto [db, schema] = t.ResolveSchema(st.target, true);
        session.context.database = db;
        session.context.schema = schema;
      } else if (st.command == "ROLE") {
        session.context.role = st.target[0].text;
      } else if (st.command == "WAREHOUSE") {
        session.context.warehouse = st.target[0].text;
      }
      return Status("Statement executed successfully.");
    }
    case StatementKind::kAlterSession:
      for (const auto& [key, value] : st.session_settings) {
        if (key.ends_with("_OUTPUT_FORMAT")) {
          throw Unsupported("ALTER SESSION SET " + key + " (output formats change the wire text)");
        }
        // Every request is its own session: settings last until the end of this request.
        if (key == "TIMEZONE" && session.multi) {
          conn.Exec("SET TIME ZONE " +
                    pg::QuoteLiteral(value.empty() ? "America/Los_Angeles" : value));
        }
      }
      return Status("Statement executed successfully.");
    case StatementKind::kNotInApi:
      throw Error("391911", "0A000", "Command not supported by SQL API: " + st.command);
    default:
      break;
  }
  bool own_transaction = !session.in_transaction;
  if (own_transaction) conn.Exec("BEGIN");
  conn.Exec("SET LOCAL statement_timeout = " +
            std::to_string(std::max<int64_t>(1, token.RemainingMs())));
  std::shared_ptr<ResultSet> result;
  switch (st.kind) {
    case StatementKind::kSelect:
      result = RunSelect(st, session, token);
      break;
    case StatementKind::kInsert:
    case StatementKind::kUpdate:
    case StatementKind::kDelete:
    case StatementKind::kTruncate:
      result = RunDml(st, session);
      break;
    case StatementKind::kShowPrimaryKeys:
      result = RunShowPrimaryKeys(st, session);
      break;
    case StatementKind::kShowTables:
      result = RunShowTables(st, session);
      break;
    case StatementKind::kDescribeTable:
      result = RunDescribe(st, session);
      break;
    default:
      result = RunDdl(st, session);
      break;
  }
  if (own_transaction) conn.Exec("COMMIT");
  return result;
}

std::shared_ptr<ResultSet> Executor::RunSelect(const Statement& st, Session& session,
                                               CancelToken& token) {
  Connection& conn = *conn_;
  Translator translator(*session.catalog, session.context, *session.sql);
  TranslatedQuery q = translator.TranslateSelect(*st.select);
  ResultBuilder builder(q.columns, RowLayout::kQuery, policy_, store_);
  RowRenderer renderer(q, session.nullable, *session.output_formats);
  conn.Exec("DECLARE sfemu_cursor NO SCROLL CURSOR FOR " + q.sql);
  const std::string fetch = "FETCH " + std::to_string(kFetchRows) + " FROM sfemu_cursor";
  while (true) {
    token.Check();
    postgres::Result batch = conn.ExecBinary(fetch);
    renderer.Bind(batch);
    int n = batch.rows();
    for (int i = 0; i < n; ++i) {
      renderer.Append(builder.BeginRow(), batch, i);
      builder.EndRow();
    }
    if (n < kFetchRows) break;
  }
  conn.Exec("CLOSE sfemu_cursor");
  auto result = builder.Finish();
  return result;
}

std::shared_ptr<ResultSet> Executor::Counts(const std::vector<std::string>& names,
                                            const std::vector<int64_t>& values, DmlStats stats) {
  std::vector<ResultColumn> columns;
  std::vector<std::optional<std::string>> row;
  for (size_t i = 0; i < names.size(); ++i) {
    columns.push_back(TypedColumn(names[i], SfType::Fixed(19, 0), false));
    row.push_back(std::to_string(values[i]));
  }
  ResultBuilder b(columns, RowLayout::kQuery, policy_, store_);
  b.AddRow(row);
  auto result = b.Finish();
  if (stats.Any()) result->stats = stats;
  return result;
}

std::shared_ptr<ResultSet> Executor::Status(const std::string& message,
                                            std::optional<DmlStats> stats) {
  ResultBuilder b({TextColumn("status")}, RowLayout::kMetadata, policy_, store_);
  b.AddRow({message});
  auto result = b.Finish();
  if (stats && stats->Any()) result->stats = stats;
  return result;
}

std::shared_ptr<ResultSet> Executor::RunDml(const Statement& st, Session& session) {
  Connection& conn = *conn_;
  Translator translator(*session.catalog, session.context, *session.sql);
  DmlStats stats;
  std::shared_ptr<ResultSet> result;
  CatalogTable table;
  if (st.kind == StatementKind::kTruncate) {
    auto [db, schema, name] = translator.QualifyTable(st.target);
    auto found = session.catalog->FindTable(db, schema, name);
    if (!found) {
      if (st.if_exists) return Status("Statement executed successfully.");
      table = translator.ResolveTable(st.target);  // throws the Snowflake error
    }
    table = *found;
    stats.deleted = conn.Exec("SELECT count(*) FROM " + table.PgQualified()).GetInt(0, 0);
    conn.Exec("TRUNCATE " + table.PgQualified());
    session.catalog->AdjustRowCount(table, 0, true);
    result = Status("Statement executed successfully.", stats);
  } else {
    TranslatedDml dml = st.kind == StatementKind::kInsert   ? translator.TranslateInsert(st)
                        : st.kind == StatementKind::kUpdate ? translator.TranslateUpdate(st)
                                                            : translator.TranslateDelete(st);
    table = dml.table;
    int64_t n = conn.Exec(dml.sql).Affected();
    if (st.kind == StatementKind::kInsert) {
      stats.inserted = n;
      session.catalog->AdjustRowCount(table, n);
      result = Counts({"number of rows inserted"}, {n}, stats);
    } else if (st.kind == StatementKind::kUpdate) {
      stats.updated = n;
      result =
          Counts({"number of rows updated", "number of multi-joined rows updated"}, {n, 0}, stats);
    } else {
      stats.deleted = n;
      session.catalog->AdjustRowCount(table, -n);
      result = Counts({"number of rows deleted"}, {n}, stats);
    }
  }
  PgCatalog::BumpGeneration(conn);
  return result;
}

std::shared_ptr<ResultSet> Executor::RunDdl(const Statement& st, Session& session) {
  PgCatalog& catalog = *session.catalog;
  Translator translator(catalog, session.context, *session.sql);
  const std::string& name = st.target.back().text;
  std::string message;
  switch (st.kind) {
    case StatementKind::kCreateDatabase: {
      bool exists = catalog.HasDatabase(name);
      if (exists && st.if_not_exists) return Status(name + " already exists, statement succeeded.");
      if (exists && !st.or_replace) {
        throw CompilationError("002002", "42710",
                               "Object '" + st.target.back().Display() + "' already exists.");
      }
      if (exists) catalog.DropDatabase(name);
      catalog.CreateDatabase(name);
      message = "Database " + name + " successfully created.";
      break;
    }
    case StatementKind::kCreateSchema: {
      std::string database = st.target.size() == 2 ? st.target[0].text : session.context.database;
      auto [db, schema] = translator.ResolveSchema(st.target, false);
      (void)database;
      bool exists = catalog.HasSchema(db, schema);
      if (exists && st.if_not_exists)
        return Status(schema + " already exists, statement succeeded.");
      if (exists && !st.or_replace) {
        throw CompilationError("002002", "42710",
                               "Object '" + st.target.back().Display() + "' already exists.");
      }
      if (exists) catalog.DropSchema(db, schema);
      catalog.CreateSchema(db, schema);
      message = "Schema " + schema + " successfully created.";
      break;
    }
    case StatementKind::kDropDatabase:
      if (!catalog.DropDatabase(name)) {
        if (st.if_exists)
          return Status("Drop statement executed successfully (" + name + " already dropped).");
        throw DoesNotExist("Database", st.target.back().Display(), "");
      }
      message = name + " successfully dropped.";
      break;
    case StatementKind::kDropSchema: {
      auto [db, schema] = translator.ResolveSchema(st.target, false);
      if (!catalog.DropSchema(db, schema)) {
        if (st.if_exists)
          return Status("Drop statement executed successfully (" + schema + " already dropped).");
        throw DoesNotExist("Schema", DisplayName(st.target), "");
      }
      message = schema + " successfully dropped.";
      break;
    }
    case StatementKind::kDropTable: {
      auto [db, schema, table] = translator.QualifyTable(st.target);
      if (!catalog.HasSchema(db, schema) || !catalog.DropTable(db, schema, table)) {
        if (st.if_exists)
          return Status("Drop statement executed successfully (" + table + " already dropped).");
        throw CompilationError(
            "002003", "42S02",
            "Table '" + DisplayName(st.target) + "' does not exist or not authorized.");
      }
      message = table + " successfully dropped.";
      break;
    }
    case StatementKind::kCreateTable: {
      auto [db, schema, table_name] = translator.QualifyTable(st.target);
      translator.ResolveSchema({Name{db, true}, Name{schema, true}}, true);
      bool exists = catalog.FindTable(db, schema, table_name).has_value();
      if (exists && st.if_not_exists)
        return Status(table_name + " already exists, statement succeeded.");
      if (exists && !st.or_replace) {
        throw CompilationError("002002", "42710",
                               "Object '" + st.target.back().Display() + "' already exists.");
      }
      CatalogTable table;
      table.database = db;
      table.schema = schema;
      table.name = table_name;
      for (const auto& def : st.columns) {
        for (const auto& other : table.columns) {
          if (other.name == def.name.text) {
            throw CompilationError("002025", "42S21",
                                   "duplicate column name '" + def.name.Display() + "'");
          }
        }
        CatalogColumn c;
        c.name = def.name.text;
        c.type = def.type;
        c.nullable = !def.not_null;
        table.columns.push_back(std::move(c));
      }
      std::vector<Name> key = st.primary_key;
      for (const auto& def : st.columns) {
        if (def.primary_key) key.push_back(def.name);
      }
      for (size_t k = 0; k < key.size(); ++k) {
        auto it = std::find_if(table.columns.begin(), table.columns.end(),
                               [&](const CatalogColumn& c) { return c.name == key[k].text; });
        if (it == table.columns.end())
          throw InvalidIdentifier(key[k].line, key[k].column, key[k].Display());
        it->pk_position = static_cast<int>(k + 1);
        it->nullable = false;  // PRIMARY KEY implies NOT NULL in Snowflake
      }
      if (exists) catalog.DropTable(db, schema, table_name);
      catalog.CreateTable(table);
      message = "Table " + table_name + " successfully created.";
      break;
    }
    default:
      throw Unsupported("this statement");
  }
  PgCatalog::BumpGeneration(*conn_);
  return Status(message);
}

std::shared_ptr<ResultSet> Executor::RunShowPrimaryKeys(const Statement& st, Session& session) {
  Translator translator(*session.catalog, session.context, *session.sql);
  std::vector<CatalogTable> tables;
  if (st.scope == "TABLE") {
    tables.push_back(translator.ResolveTable(st.target));
  } else if (st.scope == "SCHEMA") {
    auto [db, schema] = translator.ResolveSchema(st.target, true);
    tables = session.catalog->ListTables(db, schema);
  } else if (st.scope == "DATABASE") {
    if (!session.catalog->HasDatabase(st.target[0].text)) {
      throw DoesNotExist("Database", st.target[0].Display(), "");
    }
    tables = session.catalog->ListTables(st.target[0].text, "");
  } else {
    tables = session.catalog->ListTables("", "");
  }
  std::vector<ResultColumn> columns = {
      TypedColumn("created_on", SfType::Of(SfKind::kTimestampLtz, 3)),
      TextColumn("database_name"),
      TextColumn("schema_name"),
      TextColumn("table_name"),
      TextColumn("column_name"),
      TypedColumn("key_sequence", SfType::Fixed(38, 0)),
      TextColumn("constraint_name"),
      TextColumn("rely"),
      TextColumn("comment")};
  ResultBuilder b(columns, RowLayout::kMetadata, policy_, store_);
  for (const auto& t : tables) {
    std::vector<const CatalogColumn*> key;
    for (const auto& c : t.columns) {
      if (c.pk_position > 0) key.push_back(&c);
    }
    std::sort(key.begin(), key.end(),
              [](auto* a, auto* b2) { return a->pk_position < b2->pk_position; });
    for (const auto* c : key) {
      b.AddRow({MillisText(t.created_on_ms), t.database, t.schema, t.name, c->name,
                std::to_string(c->pk_position), t.pk_constraint, "false", std::nullopt});
    }
  }
  return b.Finish();
}

std::shared_ptr<ResultSet> Executor::RunShowTables(const Statement& st, Session& session) {
  Translator translator(*session.catalog, session.context, *session.sql);
  std::string db, schema;
  if (st.scope == "SCHEMA" && !st.target.empty()) {
    std::tie(db, schema) = translator.ResolveSchema(st.target, true);
  } else if (st.scope == "DATABASE") {
    db = st.target[0].text;
    if (!session.catalog->HasDatabase(db))
      throw DoesNotExist("Database", st.target[0].Display(), "");
  } else if (st.scope == "SCHEMA") {
    db = session.context.database;
    schema = session.context.schema;
  }
  std::vector<ResultColumn> columns = {
      TypedColumn("created_on", SfType::Of(SfKind::kTimestampLtz, 3))};
  for (const char* n : {"name", "database_name", "schema_name", "kind", "comment", "cluster_by"}) {
    columns.push_back(TextColumn(n));
  }
  columns.push_back(TypedColumn("rows", SfType::Fixed(38, 0)));
  columns.push_back(TypedColumn("bytes", SfType::Fixed(38, 0)));
  for (const char* n :
       {"owner", "retention_time", "automatic_clustering", "change_tracking", "is_external",
        "enable_schema_evolution", "owner_role_type", "is_event", "is_hybrid", "is_iceberg",
        "is_dynamic", "is_immutable", "is_interactive", "row_timestamp", "error_logging"}) {
    columns.push_back(TextColumn(n));
  }
  ResultBuilder b(columns, RowLayout::kMetadata, policy_, store_);
  std::string owner = session.context.role.empty() ? "SYSADMIN" : session.context.role;
  for (const auto& t : session.catalog->ListTables(db, schema)) {
    if (st.like && !LikeMatch(t.name, *st.like)) continue;
    postgres::Result size =
        conn_->Exec("SELECT pg_total_relation_size(" + pg::QuoteLiteral(t.PgQualified()) + ")");
    b.AddRow({MillisText(t.created_on_ms),
              t.name,
              t.database,
              t.schema,
              "TABLE",
              "",
              "",
              std::to_string(t.row_count),
              std::string(size.Get(0, 0)),
              owner,
              "1",
              "OFF",
              "OFF",
              "N",
              "N",
              "ROLE",
              "N",
              "N",
              "N",
              "N",
              "N",
              "N",
              "OFF",
              "OFF"});
  }
  return b.Finish();
}

std::shared_ptr<ResultSet> Executor::RunDescribe(const Statement& st, Session& session) {
  Translator translator(*session.catalog, session.context, *session.sql);
  CatalogTable table = translator.ResolveTable(st.target);
  std::vector<ResultColumn> columns;
  for (const char* n : {"name", "type", "kind", "null?", "default", "primary key", "unique key",
                        "check", "expression", "comment", "policy name"}) {
    columns.push_back(TextColumn(n));
  }
  columns.push_back(TypedColumn("privacy domain", SfType::Of(SfKind::kObject)));
  columns.push_back(TextColumn("write default"));
  ResultBuilder b(columns, RowLayout::kMetadata, policy_, store_);
  for (const auto& c : table.columns) {
    b.AddRow({c.name, c.type.DeclaredName(), "COLUMN", c.nullable ? "Y" : "N", std::nullopt,
              c.pk_position > 0 ? "Y" : "N", "N", std::nullopt, std::nullopt, std::nullopt,
              std::nullopt, std::nullopt, std::nullopt});
  }
  return b.Finish();
}

}  // namespace sf2pg::sfemu
