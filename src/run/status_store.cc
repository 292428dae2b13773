#include "run/status_store.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string_view>

#include "config/hash.h"
#include "core/error.h"
#include "core/strings.h"
#include "run/status_schema.h"

namespace sf2pg::run {
namespace {

// Arbitrary constant: the advisory lock that serialises schema creation across processes.
constexpr int64_t kSchemaLock = 0x5f2f6d6967;

const char* kKeyWhere =
    "run_id = $1::uuid AND source_database = $2 AND source_schema = $3 AND source_table = $4";

postgres::Params KeyParams(const std::string& run_id, const TableKey& k) {
  return {run_id, k.source_database, k.source_schema, k.source_table};
}

using postgres::Transaction;

RunInfo ReadRun(const postgres::Result& r, int row) {
  RunInfo info;
  info.run_id = std::string(r.Get(row, 0));
  info.status = ParseRunStatus(r.Get(row, 1));
  info.config_hash = r.GetOptional(row, 2).value_or("");
  info.started_at = std::string(r.Get(row, 3));
  info.age_hours = std::stod(std::string(r.Get(row, 4)));
  info.metadata =
      r.IsNull(row, 5) ? nlohmann::json::object() : nlohmann::json::parse(r.Get(row, 5));
  info.error_message = r.GetOptional(row, 6).value_or("");
  return info;
}

const char* kRunColumns =
    "run_id::text, status, config_hash, to_char(started_at, 'YYYY-MM-DD HH24:MI:SS'), "
    "extract(epoch FROM (now() AT TIME ZONE 'UTC') - started_at) / 3600.0, metadata::text, "
    "error_message";

// Moves a table to `status`, adjusting the run's completed/failed table counters by the
// transition. Locks the table row, then the run row (the order every writer uses).
void SetTableStatus(postgres::Connection& c, const std::string& run_id, const TableKey& key,
                    TableStatus status) {
  auto r = c.Exec(std::string("SELECT status FROM migration_status.migration_table_status WHERE ") +
                      kKeyWhere + " FOR UPDATE",
                  KeyParams(run_id, key));
  if (r.rows() == 0) return;
  TableStatus old = ParseTableStatus(r.Get(0, 0));
  if (old == status) return;
  auto params = KeyParams(run_id, key);
  params.push_back(ToString(status));
  c.Exec(std::string("UPDATE migration_status.migration_table_status SET status = $5::varchar, "
                     "completed_at = CASE WHEN $5::varchar IN ('completed', 'failed') THEN "
                     "CURRENT_TIMESTAMP ELSE NULL END, "
                     "started_at = COALESCE(started_at, CURRENT_TIMESTAMP) WHERE ") +
             kKeyWhere,
         params);
  int completed = (status == TableStatus::kCompleted) - (old == TableStatus::kCompleted);
  int failed = (status == TableStatus::kFailed) - (old == TableStatus::kFailed);
  if (completed != 0 || failed != 0) {
    c.Exec(
        "UPDATE migration_status.migration_runs SET completed_tables = completed_tables + $2, "
        "failed_tables = failed_tables + $3 WHERE run_id = $1::uuid",
        {run_id, std::to_string(completed), std::to_string(failed)});
  }
}

}  // namespace

std::pair<int32_t, int32_t> ChunkLockKey(const std::string& run_id, const TableKey& table,
                                         int chunk_id) {
  std::string digest = config::Md5Hex(run_id + "\n" + table.ToString());
  uint32_t h = static_cast<uint32_t>(std::stoul(digest.substr(0, 8), nullptr, 16));
  return {static_cast<int32_t>(h), chunk_id};
}

namespace {

// How many of `tables` (an SQL list of quoted names) exist in schema migration_status.
int64_t CountStatusTables(postgres::Connection& conn, const std::string& tables) {
  return conn
      .Exec(
          "SELECT count(*) FROM pg_tables WHERE schemaname = 'migration_status' AND tablename "
          "IN (" +
          tables + ")")
      .GetInt(0, 0);
}

// Runs `sql` (CREATE ... IF NOT EXISTS statements) unless the `count` tables listed exist.
// Concurrent callers queue on an advisory lock, so only the first creates anything; should
// PostgreSQL still report a duplicate catalog entry (a creator that does not take the lock,
// such as psql -f), what the other session created is taken as created.
void CreateOnce(postgres::Connection& conn, const char* sql, const std::string& tables,
                int64_t count) {
  if (CountStatusTables(conn, tables) == count) return;
  try {
    Transaction tx(conn);
    conn.Exec("SELECT pg_advisory_xact_lock(" + std::to_string(kSchemaLock) + ")");
    conn.Exec(sql);
    tx.Commit();
  } catch (const PostgresError& e) {
    // 23505 unique_violation (pg_type, pg_namespace), 42P06 duplicate_schema,
    // 42P07 duplicate_table, 42710 duplicate_object.
    const std::string& state = e.sql_state();
    bool duplicate = state == "23505" || state == "42P06" || state == "42P07" || state == "42710";
    if (!duplicate || CountStatusTables(conn, tables) != count) throw;
  }
}

// The columns that `sql` (CREATE TABLE IF NOT EXISTS migration_status.<table> statements, one
// column per line, its name in lower case; constraints in upper case) gives each table.
std::map<std::string, std::vector<std::string>> DeclaredColumns(std::string_view sql) {
  constexpr std::string_view kCreate = "CREATE TABLE IF NOT EXISTS migration_status.";
  auto is_column_name = [](std::string_view word) {
    return !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || IsAsciiDigit(c) || c == '_';
    });
  };
  std::map<std::string, std::vector<std::string>> out;
  for (size_t at = sql.find(kCreate); at != std::string_view::npos;
       at = sql.find(kCreate, at + 1)) {
    size_t name_start = at + kCreate.size();
    size_t open = sql.find('(', name_start);
    size_t end = sql.find("\n);", open);
    if (open == std::string_view::npos || end == std::string_view::npos) break;
    auto& columns = out[std::string(Trim(sql.substr(name_start, open - name_start)))];
    std::string_view body = sql.substr(open + 1, end - open - 1);
    while (!body.empty()) {
      size_t eol = body.find('\n');
      std::string_view line = Trim(body.substr(0, eol));
      body = eol == std::string_view::npos ? std::string_view() : body.substr(eol + 1);
      std::string_view word = line.substr(0, line.find(' '));
      if (!is_column_name(word)) continue;
      columns.emplace_back(word);
    }
  }
  return out;
}

// Refuses a status schema that another DDL made (the feature document's alternative with
// `id SERIAL` and `chunk_metadata`, an older tool's): every column that `sql` declares must
// exist in each of its tables that exists, or `sql` itself (its indexes) or the first statement
// that needs the column would fail with a bare SQL error.
void CheckShape(postgres::Connection& conn, const char* sql) {
  auto r = conn.Exec(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = "
      "'migration_status' ORDER BY table_name, ordinal_position");
  std::map<std::string, std::vector<std::string>> present;
  for (int i = 0; i < r.rows(); ++i) present[std::string(r.Get(i, 0))].emplace_back(r.Get(i, 1));
  std::string problems;
  for (const auto& [table, columns] : DeclaredColumns(sql)) {
    if (!present.count(table)) continue;  // created from `sql` next
    const auto& have = present[table];
    std::string missing;
    for (const auto& c : columns) {
      if (std::find(have.begin(), have.end(), c) == have.end()) {
        missing += (missing.empty() ? "" : ", ") + c;
      }
    }
    if (missing.empty()) continue;
    std::string has;
    for (const auto& c : have) has += (has.empty() ? "" : ", ") + c;
    problems += "\n  migration_status." + table + " lacks " + missing + " (it has " + has + ")";
  }
  if (problems.empty()) return;
  throw ConfigError(
      "the status schema migration_status in database " + conn.params().dbname +
      " was not made by sf2pg:" + problems +
      "\nsf2pg keeps its status in the tables of sql/migration_status_schema.sql. Move the "
      "existing schema aside (ALTER SCHEMA migration_status RENAME TO migration_status_old) "
      "and sf2pg creates its own on the next run.");
}

constexpr const char* kStatusTables =
    "'migration_runs', 'migration_table_status', 'migration_chunk_status', 'rejected_rows', "
    "'sf2pg_chunk_commits'";
constexpr const char* kTargetTables = "'rejected_rows', 'sf2pg_chunk_commits'";

}  // namespace

void StatusStore::EnsureSchema() {
  CheckShape(conn_, kStatusSchemaSql);
  CreateOnce(conn_, kStatusSchemaSql, kStatusTables, 5);
}

void EnsureTargetSchema(postgres::Connection& conn) {
  CheckShape(conn, kTargetSchemaSql);
  CreateOnce(conn, kTargetSchemaSql, kTargetTables, 2);
}

std::optional<RunInfo> StatusStore::FindResumable(const std::string& execution_hash,
                                                  double max_age_hours) {
  auto r = conn_.Exec(
      std::string("SELECT ") + kRunColumns +
          " FROM migration_status.migration_runs WHERE status NOT IN ('completed', 'abandoned') "
          "AND metadata->>'execution_hash' = $1 AND started_at > "
          "(now() AT TIME ZONE 'UTC') - make_interval(secs => $2::float8 * 3600) "
          "ORDER BY started_at DESC LIMIT 1",
      {execution_hash, std::to_string(max_age_hours)});
  if (r.rows() == 0) return std::nullopt;
  return ReadRun(r, 0);
}

std::optional<RunInfo> StatusStore::LoadRun(const std::string& run_id) {
  auto r = conn_.Exec(std::string("SELECT ") + kRunColumns +
                          " FROM migration_status.migration_runs WHERE run_id::text = $1",
                      {run_id});
  if (r.rows() == 0) return std::nullopt;
  return ReadRun(r, 0);
}

std::string StatusStore::CreateRun(const std::string& config_hash, int total_sources,
                                   int total_tables, const nlohmann::json& metadata,
                                   const std::string& created_by) {
  auto r = conn_.Exec(
      "INSERT INTO migration_status.migration_runs (started_at, status, config_hash, "
      "total_sources, total_tables, metadata, created_by) VALUES (now() AT TIME ZONE 'UTC', "
      "'running', $1, $2, $3, $4::jsonb, $5) RETURNING run_id::text",
      {config_hash, std::to_string(total_sources), std::to_string(total_tables), metadata.dump(),
       created_by});
  return std::string(r.Get(0, 0));
}

void StatusStore::MarkResumed(const std::string& run_id) {
  conn_.Exec(
      "UPDATE migration_status.migration_runs SET status = 'running', completed_at = NULL, "
      "error_message = NULL, metadata = jsonb_set(COALESCE(metadata, '{}'::jsonb), "
      "'{resume_count}', to_jsonb(COALESCE((metadata->>'resume_count')::int, 0) + 1)) "
      "WHERE run_id = $1::uuid AND status <> 'abandoned'",
      {run_id});
}

void StatusStore::FinishRun(const std::string& run_id, RunStatus status,
                            const std::string& error_message) {
  conn_.Exec(
      "UPDATE migration_status.migration_runs SET status = $2::varchar, completed_at = CASE WHEN "
      "$2::varchar = "
      "'completed' THEN now() AT TIME ZONE 'UTC' ELSE NULL END, error_message = NULLIF($3, '') "
      "WHERE run_id = $1::uuid AND status <> 'abandoned'",
      {run_id, ToString(status), error_message});
}

namespace {

TableRecord ReadTable(const postgres::Result& r, int i) {
  TableRecord t;
  t.source_name = std::string(r.Get(i, 0));
  t.key = {std::string(r.Get(i, 1)), std::string(r.Get(i, 2)), std::string(r.Get(i, 3))};
  t.target_database = std::string(r.Get(i, 4));
  t.target_schema = std::string(r.Get(i, 5));
  t.target_table = std::string(r.Get(i, 6));
  t.status = ParseTableStatus(r.Get(i, 7));
  t.total_chunks = static_cast<int>(r.GetInt(i, 8));
  t.completed_chunks = static_cast<int>(r.GetInt(i, 9));
  t.failed_chunks = static_cast<int>(r.GetInt(i, 10));
  t.total_rows_copied = r.GetInt(i, 11);
  t.indexes_disabled = r.Get(i, 12) == "t";
  t.indexes_restored = r.Get(i, 13) == "t";
  t.metadata = r.IsNull(i, 14) ? nlohmann::json::object() : nlohmann::json::parse(r.Get(i, 14));
  return t;
}

const char* kTableColumns =
    "source_name, source_database, source_schema, source_table, target_database, "
    "target_schema, target_table, status, total_chunks, completed_chunks, failed_chunks, "
    "total_rows_copied, indexes_disabled, indexes_restored, metadata::text";

}  // namespace

std::optional<TableRecord> StatusStore::LoadTable(const std::string& run_id, const TableKey& key) {
  auto r = conn_.Exec(std::string("SELECT ") + kTableColumns +
                          " FROM migration_status.migration_table_status WHERE " + kKeyWhere,
                      KeyParams(run_id, key));
  if (r.rows() == 0) return std::nullopt;
  return ReadTable(r, 0);
}

std::vector<TableRecord> StatusStore::LoadTables(const std::string& run_id) {
  auto r = conn_.Exec(std::string("SELECT ") + kTableColumns +
                          " FROM migration_status.migration_table_status WHERE run_id = $1::uuid "
                          "ORDER BY source_name, source_table",
                      {run_id});
  std::vector<TableRecord> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(ReadTable(r, i));
  return out;
}

void StatusStore::InsertTablePlan(const std::string& run_id, const TableRecord& t,
                                  const std::vector<nlohmann::json>& ranges) {
  conn_.Exec(
      "INSERT INTO migration_status.migration_table_status (run_id, source_name, "
      "source_database, source_schema, source_table, target_database, target_schema, "
      "target_table, status, total_chunks, indexes_disabled, metadata) VALUES ($1::uuid, $2, "
      "$3, $4, $5, $6, $7, $8, 'pending', $9, $10, $11::jsonb)",
      {run_id, t.source_name, t.key.source_database, t.key.source_schema, t.key.source_table,
       t.target_database, t.target_schema, t.target_table, std::to_string(ranges.size()),
       t.indexes_disabled ? "true" : "false", t.metadata.dump()});
  // One statement for all chunks: a JSON array unnested server-side.
  nlohmann::json all = nlohmann::json::array();
  for (const auto& r : ranges) all.push_back(r);
  conn_.Exec(
      "INSERT INTO migration_status.migration_chunk_status (run_id, source_database, "
      "source_schema, source_table, chunk_id, chunk_range, status) SELECT $1::uuid, $2, $3, $4, "
      "ord::int, value, 'pending' FROM jsonb_array_elements($5::jsonb) WITH ORDINALITY AS "
      "c(value, ord)",
      {run_id, t.key.source_database, t.key.source_schema, t.key.source_table, all.dump()});
}

void StatusStore::UpdateTableMetadata(const std::string& run_id, const TableKey& key,
                                      const nlohmann::json& metadata) {
  auto params = KeyParams(run_id, key);
  params.push_back(metadata.dump());
  conn_.Exec(std::string("UPDATE migration_status.migration_table_status SET metadata = $5::jsonb "
                         "WHERE ") +
                 kKeyWhere,
             params);
}

void StatusStore::SetIndexFlags(const std::string& run_id, const TableKey& key, bool disabled,
                                bool restored) {
  auto params = KeyParams(run_id, key);
  params.push_back(disabled ? "true" : "false");
  params.push_back(restored ? "true" : "false");
  conn_.Exec(std::string("UPDATE migration_status.migration_table_status SET indexes_disabled = "
                         "$5::bool, indexes_restored = $6::bool WHERE ") +
                 kKeyWhere,
             params);
}

void StatusStore::FailTable(const std::string& run_id, const TableRecord& table,
                            const std::string& error) {
  Transaction tx(conn_);
  if (!LoadTable(run_id, table.key)) InsertTablePlan(run_id, table, {});
  SetTableStatus(conn_, run_id, table.key, TableStatus::kFailed);
  auto params = KeyParams(run_id, table.key);
  params.push_back(error);
  conn_.Exec(std::string("UPDATE migration_status.migration_table_status SET error_message = $5 "
                         "WHERE ") +
                 kKeyWhere,
             params);
  tx.Commit();
}

void StatusStore::StartTable(const std::string& run_id, const TableKey& table) {
  Transaction tx(conn_);
  auto t = LoadTable(run_id, table);
  if (t &&
      (t.value().status == TableStatus::kPending || t.value().status == TableStatus::kFailed)) {
    SetTableStatus(conn_, run_id, table, TableStatus::kInProgress);
  }
  tx.Commit();
}

namespace {

// Chunks of the listed tables (`$2`, a JSON array of [database, schema, table]) in status
// `$3`, in table order then chunk order; rows other claimers hold locked are skipped.
constexpr const char* kClaimCandidates =
    "SELECT c.source_database, c.source_schema, c.source_table, c.chunk_id, "
    "c.chunk_range::text, c.status, c.retry_count FROM "
    "migration_status.migration_chunk_status c JOIN jsonb_array_elements($2::jsonb) WITH "
    "ORDINALITY AS t(v, ord) ON c.source_database = t.v->>0 AND c.source_schema = t.v->>1 "
    "AND c.source_table = t.v->>2 WHERE c.run_id = $1::uuid AND c.status = $3 "
    "ORDER BY t.ord, c.chunk_id FOR UPDATE OF c SKIP LOCKED LIMIT ";

}  // namespace

std::optional<ChunkRecord> StatusStore::TryClaim(const std::string& run_id,
                                                 const std::string& tables, ChunkStatus status,
                                                 int limit) {
  Transaction tx(conn_);
  // An abandoned run gives no chunk. The key-share lock waits for an abandon in progress
  // (which locks the run row), so a claim either comes first, and the abandon sees its
  // advisory lock, or sees the run abandoned.
  auto run = conn_.Exec(
      "SELECT status FROM migration_status.migration_runs WHERE run_id = $1::uuid FOR KEY SHARE",
      {run_id});
  if (run.rows() == 0 || ParseRunStatus(run.Get(0, 0)) == RunStatus::kAbandoned) {
    tx.Commit();
    return std::nullopt;
  }
  auto r = conn_.Exec(kClaimCandidates + std::to_string(limit), {run_id, tables, ToString(status)});
  for (int i = 0; i < r.rows(); ++i) {
    ChunkRecord c;
    c.table = {std::string(r.Get(i, 0)), std::string(r.Get(i, 1)), std::string(r.Get(i, 2))};
    c.chunk_id = static_cast<int>(r.GetInt(i, 3));
    auto [k1, k2] = ChunkLockKey(run_id, c.table, c.chunk_id);
    auto locked = conn_.Exec("SELECT pg_try_advisory_lock($1::int, $2::int)",
                             {std::to_string(k1), std::to_string(k2)});
    if (locked.Get(0, 0) != "t") continue;
    c.range = nlohmann::json::parse(r.Get(i, 4));
    c.status = ParseTableStatus(r.Get(i, 5));
    c.retry_count = static_cast<int>(r.GetInt(i, 6));
    auto params = KeyParams(run_id, c.table);
    params.push_back(std::to_string(c.chunk_id));
    conn_.Exec(std::string("UPDATE migration_status.migration_chunk_status SET status = "
                           "'in_progress', started_at = now() AT TIME ZONE 'UTC', completed_at = "
                           "NULL WHERE ") +
                   kKeyWhere + " AND chunk_id = $5",
               params);
    tx.Commit();
    return c;
  }
  tx.Commit();
  return std::nullopt;
}

Claim StatusStore::ClaimChunk(const std::string& run_id, const std::vector<TableKey>& tables) {
  if (tables.empty()) return {};
  nlohmann::json order = nlohmann::json::array();
  for (const auto& t : tables)
    order.push_back({t.source_database, t.source_schema, t.source_table});
  // A pending chunk is locked one row at a time, so concurrent claimers each take the next
  // one instead of skipping every row a single claimer holds.
  if (auto c = TryClaim(run_id, order.dump(), ChunkStatus::kPending, 1)) return {c, false};
  // An in-progress chunk is taken only when no live session holds its advisory lock, i.e.
  // its worker is gone.
  if (auto c = TryClaim(run_id, order.dump(), ChunkStatus::kInProgress, 64)) return {c, false};
  auto pending = conn_.Exec(
      "SELECT EXISTS (SELECT 1 FROM migration_status.migration_chunk_status c JOIN "
      "jsonb_array_elements($2::jsonb) AS t(v) ON c.source_database = t.v->>0 AND "
      "c.source_schema = t.v->>1 AND c.source_table = t.v->>2 WHERE c.run_id = $1::uuid AND "
      "c.status = 'pending') AND NOT EXISTS (SELECT 1 FROM migration_status.migration_runs "
      "WHERE run_id = $1::uuid AND status = 'abandoned')",
      {run_id, order.dump()});
  return {std::nullopt, pending.Get(0, 0) == "t"};
}

int StatusStore::CountHeldChunks(const std::string& run_id, const TableKey& table) {
  auto r = conn_.Exec(std::string("SELECT chunk_id FROM migration_status.migration_chunk_status "
                                  "WHERE ") +
                          kKeyWhere + " AND status = 'in_progress'",
                      KeyParams(run_id, table));
  int held = 0;
  for (int i = 0; i < r.rows(); ++i) {
    // A lock this session can take is nobody's: take it and give it back at once.
    auto [k1, k2] = ChunkLockKey(run_id, table, static_cast<int>(r.GetInt(i, 0)));
    postgres::Params key = {std::to_string(k1), std::to_string(k2)};
    if (conn_.Exec("SELECT pg_try_advisory_lock($1::int, $2::int)", key).Get(0, 0) == "t") {
      conn_.Exec("SELECT pg_advisory_unlock($1::int, $2::int)", key);
    } else {
      ++held;
    }
  }
  return held;
}

void StatusStore::ReleaseClaim(const std::string& run_id, const ChunkRecord& chunk) {
  auto [k1, k2] = ChunkLockKey(run_id, chunk.table, chunk.chunk_id);
  conn_.Exec("SELECT pg_advisory_unlock($1::int, $2::int)",
             {std::to_string(k1), std::to_string(k2)});
}

void StatusStore::ReturnChunk(const std::string& run_id, const ChunkRecord& chunk) {
  auto params = KeyParams(run_id, chunk.table);
  params.push_back(std::to_string(chunk.chunk_id));
  conn_.Exec(std::string("UPDATE migration_status.migration_chunk_status SET status = 'pending', "
                         "started_at = NULL WHERE ") +
                 kKeyWhere + " AND chunk_id = $5 AND status = 'in_progress'",
             params);
}

void StatusStore::CountAttempt(const std::string& run_id, const ChunkRecord& chunk) {
  auto params = KeyParams(run_id, chunk.table);
  params.push_back(std::to_string(chunk.chunk_id));
  conn_.Exec(std::string("UPDATE migration_status.migration_chunk_status SET retry_count = "
                         "retry_count + 1 WHERE ") +
                 kKeyWhere + " AND chunk_id = $5",
             params);
}

std::string StatusStore::LockChunk(const std::string& run_id, const TableKey& table, int chunk_id) {
  auto params = KeyParams(run_id, table);
  params.push_back(std::to_string(chunk_id));
  auto r = conn_.Exec(std::string("SELECT status FROM migration_status.migration_chunk_status "
                                  "WHERE ") +
                          kKeyWhere + " AND chunk_id = $5 FOR UPDATE",
                      params);
  if (r.rows() == 0)
    throw InternalError("chunk " + std::to_string(chunk_id) + " of " + table.ToString() +
                        " is not in the status tables");
  return std::string(r.Get(0, 0));
}

void StatusStore::CompleteChunk(const std::string& run_id, const TableKey& table, int chunk_id,
                                int64_t rows, const std::string& previous,
                                const nlohmann::json& extra) {
  auto params = KeyParams(run_id, table);
  params.push_back(std::to_string(chunk_id));
  params.push_back(std::to_string(rows));
  params.push_back(extra.is_null() ? "{}" : extra.dump());
  conn_.Exec(std::string("UPDATE migration_status.migration_chunk_status SET status = "
                         "'completed', rows_copied = $6, completed_at = now() AT TIME ZONE "
                         "'UTC', error_message = NULL, chunk_range = chunk_range || $7::jsonb "
                         "WHERE ") +
                 kKeyWhere + " AND chunk_id = $5",
             params);
  auto tparams = KeyParams(run_id, table);
  tparams.push_back(std::to_string(rows));
  tparams.push_back(ParseTableStatus(previous) == ChunkStatus::kFailed ? "1" : "0");
  conn_.Exec(std::string("UPDATE migration_status.migration_table_status SET completed_chunks = "
                         "completed_chunks + 1, failed_chunks = failed_chunks - $6::int, "
                         "total_rows_copied = total_rows_copied + $5::bigint WHERE ") +
                 kKeyWhere,
             tparams);
  conn_.Exec(
      "UPDATE migration_status.migration_runs SET total_rows_copied = total_rows_copied + "
      "$2::bigint WHERE run_id = $1::uuid",
      {run_id, std::to_string(rows)});
}

void StatusStore::FailChunk(const std::string& run_id, const ChunkRecord& chunk,
                            const std::string& error) {
  Transaction tx(conn_);
  ChunkStatus previous = ParseTableStatus(LockChunk(run_id, chunk.table, chunk.chunk_id));
  if (previous == ChunkStatus::kCompleted) {  // another worker finished it meanwhile
    tx.Commit();
    return;
  }
  auto params = KeyParams(run_id, chunk.table);
  params.push_back(std::to_string(chunk.chunk_id));
  params.push_back(error);
  conn_.Exec(std::string("UPDATE migration_status.migration_chunk_status SET status = 'failed', "
                         "error_message = $6, completed_at = NULL WHERE ") +
                 kKeyWhere + " AND chunk_id = $5",
             params);
  if (previous != ChunkStatus::kFailed) {
    conn_.Exec(std::string("UPDATE migration_status.migration_table_status SET failed_chunks = "
                           "failed_chunks + 1 WHERE ") +
                   kKeyWhere,
               KeyParams(run_id, chunk.table));
  }
  tx.Commit();
}

void StatusStore::ResetFailedChunks(const std::string& run_id, const std::vector<TableKey>& only) {
  Transaction tx(conn_);
  auto r = conn_.Exec(
      "SELECT source_database, source_schema, source_table FROM "
      "migration_status.migration_table_status WHERE run_id = $1::uuid AND (status = 'failed' "
      "OR failed_chunks > 0) ORDER BY 1, 2, 3",
      {run_id});
  for (int i = 0; i < r.rows(); ++i) {
    TableKey key{std::string(r.Get(i, 0)), std::string(r.Get(i, 1)), std::string(r.Get(i, 2))};
    if (!only.empty() && std::find(only.begin(), only.end(), key) == only.end()) continue;
    SetTableStatus(conn_, run_id, key, TableStatus::kInProgress);
    conn_.Exec(std::string("UPDATE migration_status.migration_chunk_status SET status = 'pending' "
                           "WHERE ") +
                   kKeyWhere + " AND status = 'failed'",
               KeyParams(run_id, key));
    conn_.Exec(std::string("UPDATE migration_status.migration_table_status SET failed_chunks = 0, "
                           "error_message = NULL WHERE ") +
                   kKeyWhere,
               KeyParams(run_id, key));
  }
  tx.Commit();
}

void StatusStore::DeleteTable(const std::string& run_id, const TableKey& key) {
  Transaction tx(conn_);
  SetTableStatus(conn_, run_id, key, TableStatus::kPending);
  conn_.Exec(std::string("DELETE FROM migration_status.migration_table_status WHERE ") + kKeyWhere,
             KeyParams(run_id, key));
  tx.Commit();
}

ChunkCounts StatusStore::CountChunks(const std::string& run_id, const TableKey& table) {
  auto r = conn_.Exec(std::string("SELECT count(*), count(*) FILTER (WHERE status = 'pending'), "
                                  "count(*) FILTER (WHERE status = 'in_progress'), count(*) "
                                  "FILTER (WHERE status = 'completed'), count(*) FILTER (WHERE "
                                  "status = 'failed'), COALESCE(sum(rows_copied) FILTER (WHERE "
                                  "status = 'completed'), 0) FROM "
                                  "migration_status.migration_chunk_status WHERE ") +
                          kKeyWhere,
                      KeyParams(run_id, table));
  return {static_cast<int>(r.GetInt(0, 0)), static_cast<int>(r.GetInt(0, 1)),
          static_cast<int>(r.GetInt(0, 2)), static_cast<int>(r.GetInt(0, 3)),
          static_cast<int>(r.GetInt(0, 4)), r.GetInt(0, 5)};
}

TableStatus StatusStore::FinishTable(const std::string& run_id, const TableKey& table) {
  Transaction tx(conn_);
  auto t = LoadTable(run_id, table);
  if (!t) throw InternalError("table " + table.ToString() + " is not in the status tables");
  ChunkCounts n = CountChunks(run_id, table);
  TableStatus status = t->status;
  if (n.completed == n.total && status != TableStatus::kFailed) {
    status = TableStatus::kCompleted;
  } else if (n.failed > 0 && n.pending == 0 && n.in_progress == 0) {
    status = TableStatus::kFailed;
  }
  SetTableStatus(conn_, run_id, table, status);
  tx.Commit();
  return status;
}

RowCheck StatusStore::CheckRows(const std::string& run_id, const TableKey& table) {
  auto r = conn_.Exec(
      std::string("SELECT COALESCE((SELECT (metadata->>'estimated_rows')::bigint FROM "
                  "migration_status.migration_table_status WHERE ") +
          kKeyWhere +
          "), 0), COALESCE(sum(rows_copied), 0), COALESCE(sum((chunk_range->>'rejected')::bigint), "
          "0), COALESCE((array_agg(chunk_id ORDER BY chunk_id) FILTER (WHERE rows_copied + "
          "COALESCE((chunk_range->>'rejected')::bigint, 0) < (chunk_range->>'estimated_rows')"
          "::bigint))[1:20]::text, '{}') FROM migration_status.migration_chunk_status WHERE " +
          kKeyWhere + " AND status = 'completed'",
      KeyParams(run_id, table));
  RowCheck check;
  check.planned = r.GetInt(0, 0);
  check.copied = r.GetInt(0, 1);
  check.rejected = r.GetInt(0, 2);
  std::string ids(r.Get(0, 3));  // {1,2,3}
  for (size_t pos = 1; pos < ids.size();) {
    size_t end = ids.find_first_of(",}", pos);
    if (end == std::string::npos || end == pos) break;
    check.short_chunks.push_back(std::stoi(ids.substr(pos, end - pos)));
    pos = end + 1;
  }
  auto params = KeyParams(run_id, table);
  params.push_back(RowCheckJson(check).dump());
  conn_.Exec(std::string("UPDATE migration_status.migration_table_status SET metadata = "
                         "COALESCE(metadata, '{}'::jsonb) || jsonb_build_object('row_check', "
                         "$5::jsonb) WHERE ") +
                 kKeyWhere,
             params);
  return check;
}

std::vector<std::pair<std::string, TableRecord>> StatusStore::UnrestoredIndexes(
    const std::string& target_database, const std::string& target_schema,
    const std::string& target_table) {
  auto r = conn_.Exec(std::string("SELECT run_id::text, ") + kTableColumns +
                          " FROM migration_status.migration_table_status WHERE target_database = "
                          "$1 AND target_schema = $2 AND target_table = $3 AND indexes_disabled "
                          "AND NOT indexes_restored",
                      {target_database, target_schema, target_table});
  std::vector<std::pair<std::string, TableRecord>> out;
  for (int i = 0; i < r.rows(); ++i) {
    // ReadTable expects its columns first; shift by the run id column.
    TableRecord t;
    t.source_name = std::string(r.Get(i, 1));
    t.key = {std::string(r.Get(i, 2)), std::string(r.Get(i, 3)), std::string(r.Get(i, 4))};
    t.metadata = r.IsNull(i, 15) ? nlohmann::json::object() : nlohmann::json::parse(r.Get(i, 15));
    out.emplace_back(std::string(r.Get(i, 0)), t);
  }
  return out;
}

std::vector<StatusStore::FailedChunk> StatusStore::FailedChunks(const std::string& run_id,
                                                                int limit) {
  auto r = conn_.Exec(
      "SELECT source_database, source_schema, source_table, chunk_id, retry_count, "
      "COALESCE(error_message, ''), chunk_range::text FROM migration_status.migration_chunk_status "
      "WHERE run_id = $1::uuid AND status = 'failed' ORDER BY source_table, chunk_id LIMIT $2",
      {run_id, std::to_string(limit)});
  std::vector<FailedChunk> out;
  for (int i = 0; i < r.rows(); ++i) {
    FailedChunk f;
    f.table = {std::string(r.Get(i, 0)), std::string(r.Get(i, 1)), std::string(r.Get(i, 2))};
    f.chunk_id = static_cast<int>(r.GetInt(i, 3));
    f.retry_count = static_cast<int>(r.GetInt(i, 4));
    f.error = std::string(r.Get(i, 5));
    f.range = nlohmann::json::parse(r.Get(i, 6));
    out.push_back(f);
  }
  return out;
}

std::vector<RunInfo> StatusStore::RecentRuns(int limit) {
  auto r = conn_.Exec(std::string("SELECT ") + kRunColumns +
                          " FROM migration_status.migration_runs ORDER BY started_at DESC LIMIT $1",
                      {std::to_string(limit)});
  std::vector<RunInfo> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(ReadRun(r, i));
  return out;
}

namespace {

// The advisory-lock key of a target: a 32-bit hash of the triple, and -2 (chunk locks use
// chunk ids from 1, plan locks -1).
std::pair<int32_t, int32_t> TargetLockKey(const TargetName& t) {
  std::string digest = config::Md5Hex("target\n" + t.database + "\n" + t.schema + "\n" + t.table);
  uint32_t h = static_cast<uint32_t>(std::stoul(digest.substr(0, 8), nullptr, 16));
  return {static_cast<int32_t>(h), -2};
}

}  // namespace

void StatusStore::LockTargets(const std::vector<TargetName>& targets) {
  std::vector<std::pair<int32_t, int32_t>> keys;
  for (const auto& t : targets) keys.push_back(TargetLockKey(t));
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  for (const auto& [k1, k2] : keys) {
    conn_.Exec("SELECT pg_advisory_xact_lock($1::int, $2::int)",
               {std::to_string(k1), std::to_string(k2)});
  }
}

std::optional<TargetOwner> StatusStore::FindTargetOwner(const TargetName& target,
                                                        const std::string& run_id) {
  auto r = conn_.Exec(
      "SELECT r.run_id::text, r.status, r.config_hash, to_char(r.started_at, 'YYYY-MM-DD "
      "HH24:MI:SS'), extract(epoch FROM (now() AT TIME ZONE 'UTC') - r.started_at) / 3600.0, "
      "r.metadata::text, r.error_message, t.source_name, t.source_database, t.source_schema, "
      "t.source_table, t.status FROM migration_status.migration_table_status t JOIN "
      "migration_status.migration_runs r ON r.run_id = t.run_id WHERE t.target_database = $1 "
      "AND t.target_schema = $2 AND t.target_table = $3 AND t.status <> 'completed' AND "
      "r.status NOT IN ('completed', 'abandoned') AND r.run_id::text <> $4 ORDER BY "
      "r.started_at LIMIT 1",
      {target.database, target.schema, target.table, run_id});
  if (r.rows() == 0) return std::nullopt;
  TargetOwner owner;
  owner.run = ReadRun(r, 0);
  owner.source_name = std::string(r.Get(0, 7));
  owner.key = {std::string(r.Get(0, 8)), std::string(r.Get(0, 9)), std::string(r.Get(0, 10))};
  owner.table_status = ParseTableStatus(r.Get(0, 11));
  return owner;
}

std::string StatusStore::TakeTargets(const std::string& run_id,
                                     const std::vector<TableRecord>& tables, bool placeholders,
                                     const NewRun& fresh) {
  Transaction tx(conn_);
  std::vector<TargetName> targets;
  for (const auto& t : tables) targets.push_back(t.target());
  LockTargets(targets);
  for (const auto& t : tables) {
    if (!run_id.empty()) {
      auto record = LoadTable(run_id, t.key);
      if (record && record->status == TableStatus::kCompleted)
        continue;  // nothing left to load there
    }
    if (auto owner = FindTargetOwner(t.target(), run_id))
      throw TargetOwnedError(t.target(), *owner);
  }
  std::string id = run_id;
  if (id.empty()) {
    id = CreateRun(fresh.config_hash, fresh.total_sources, fresh.total_tables, fresh.metadata,
                   fresh.created_by);
  }
  if (placeholders) {
    for (const auto& t : tables) {
      if (LoadTable(id, t.key)) continue;
      InsertTablePlan(id, t, {});
    }
  }
  tx.Commit();
  return id;
}

std::optional<TableRecord> StatusStore::StorePlan(const std::string& run_id,
                                                  const TableRecord& table,
                                                  const std::vector<nlohmann::json>& ranges,
                                                  const std::function<void()>& with_plan) {
  Transaction tx(conn_);
  // Serialises concurrent planners of the same run and table (two resuming processes).
  auto [k1, k2] = ChunkLockKey(run_id, table.key, -1);
  conn_.Exec("SELECT pg_advisory_xact_lock($1::int, $2::int)",
             {std::to_string(k1), std::to_string(k2)});
  // A target belongs to one unfinished run at a time: checked when the run was opened, and
  // again here, under the target's lock, before anything touches the target.
  TargetName target = table.target();
  LockTargets({target});
  if (auto owner = FindTargetOwner(target, run_id)) throw TargetOwnedError(target, *owner);
  if (auto existing = LoadTable(run_id, table.key)) {
    if (existing->metadata.value("planned", false)) {
      tx.Commit();  // planned meanwhile by another process: its plan stands
      return existing;
    }
    conn_.Exec(
        std::string("DELETE FROM migration_status.migration_table_status WHERE ") + kKeyWhere,
        KeyParams(run_id, table.key));
  }
  if (with_plan) with_plan();
  InsertTablePlan(run_id, table, ranges);
  tx.Commit();
  return std::nullopt;
}

std::optional<HighMark> StatusStore::PreviousHighMark(const TableKey& key, const TargetName& target,
                                                      const std::string& watermark_column) {
  auto exists = conn_.Exec("SELECT to_regclass('migration_status.migration_table_status')");
  if (exists.IsNull(0, 0)) return std::nullopt;
  auto r = conn_.Exec(
      "SELECT metadata->>'watermark_high', (metadata->>'watermark_high_rows')::bigint "
      "FROM migration_status.migration_table_status WHERE status = 'completed' "
      "AND source_database = $1 AND source_schema = $2 AND source_table = $3 "
      "AND target_database = $4 AND target_schema = $5 AND target_table = $6 "
      "AND metadata->>'watermark_high' IS NOT NULL AND metadata->>'watermark_column' = $7 "
      "ORDER BY completed_at DESC LIMIT 1",
      {key.source_database, key.source_schema, key.source_table, target.database, target.schema,
       target.table, watermark_column});
  if (r.rows() == 0) return std::nullopt;
  return HighMark{std::string(r.Get(0, 0)), r.GetInt(0, 1)};
}

RunStatus StatusStore::AbandonRun(const std::string& run_id, const std::string& by) {
  Transaction tx(conn_);
  // The row lock makes concurrent claimers wait (see TryClaim) until this commits.
  auto r = conn_.Exec(
      "SELECT status FROM migration_status.migration_runs WHERE run_id::text = $1 FOR UPDATE",
      {run_id});
  if (r.rows() == 0)
    throw ConfigError("no run with id " + run_id + " in migration_status.migration_runs");
  RunStatus status = ParseRunStatus(r.Get(0, 0));
  if (status == RunStatus::kAbandoned) {
    tx.Commit();
    return status;
  }
  if (status == RunStatus::kCompleted)
    throw ConfigError("run " + run_id + " is completed; there is nothing to abandon");
  auto tables = conn_.Exec(
      "SELECT DISTINCT source_database, source_schema, source_table FROM "
      "migration_status.migration_chunk_status WHERE run_id = $1::uuid AND status = "
      "'in_progress'",
      {run_id});
  int held = 0;
  for (int i = 0; i < tables.rows(); ++i) {
    held += CountHeldChunks(run_id, {std::string(tables.Get(i, 0)), std::string(tables.Get(i, 1)),
                                     std::string(tables.Get(i, 2))});
  }
  if (held > 0) {
    throw Error("run " + run_id + " cannot be abandoned: live workers hold " +
                    std::to_string(held) +
                    " of its chunks right now; stop them (SIGTERM) or let them finish first",
                Retry::kNever);
  }
  conn_.Exec(
      "UPDATE migration_status.migration_runs SET status = 'abandoned', error_message = "
      "'abandoned by ' || $2 || ' at ' || to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD "
      "HH24:MI:SS') || ' UTC (was ' || status || COALESCE(': ' || error_message, '') || ')' "
      "WHERE run_id = $1::uuid",
      {run_id, by});
  tx.Commit();
  return status;
}

int64_t StatusStore::PruneOlderThan(int days) {
  auto r = conn_.Exec(
      "DELETE FROM migration_status.migration_runs WHERE started_at < (now() AT TIME ZONE "
      "'UTC') - make_interval(days => $1::int)",
      {std::to_string(days)});
  return r.Affected();
}

}  // namespace sf2pg::run
