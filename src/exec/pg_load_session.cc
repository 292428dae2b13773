#include "exec/pg_load_session.h"

#include "core/copy_buffer.h"
#include "core/error.h"
#include "core/quote.h"
#include "core/stop.h"
#include "log/log.h"
#include "postgres/target_table.h"

namespace sf2pg::exec {
namespace {

using nlohmann::json;

constexpr size_t kMaxRejectsPerChunk = 10000;

// Forwards the source's COPY rows to PostgreSQL, and keeps the rows rejected in reject mode.
class CopyForwarder : public CopySink {
 public:
  CopyForwarder(postgres::Connection& conn, bool reject_mode)
      : conn_(conn), reject_mode_(reject_mode) {}

  void Write(std::string_view rows, int64_t) override {
    // A stop request abandons the chunk; its transaction rolls back.
    if (StopFlag::Requested()) throw StoppedError("stop requested");
    conn_.CopyPut(rows);
  }
  bool Reject(const BadRow& row) override {
    if (!reject_mode_ || rejects_.size() >= kMaxRejectsPerChunk) return false;
    rejects_.push_back(row);
    return true;
  }
  const std::vector<BadRow>& rejects() const { return rejects_; }

 private:
  postgres::Connection& conn_;
  bool reject_mode_;
  std::vector<BadRow> rejects_;
};

postgres::Params MarkerKey(const std::string& run_id, const run::TableKey& key, int chunk_id) {
  return {run_id, key.source_database, key.source_schema, key.source_table,
          std::to_string(chunk_id)};
}

constexpr const char* kMarkerWhere =
    "run_id = $1::uuid AND source_database = $2 AND source_schema = $3 AND source_table = $4 "
    "AND chunk_id = $5";

}  // namespace

PgLoadSession::PgLoadSession(std::string run_id, const std::string& status_database,
                             std::function<postgres::ConnectParams(const std::string&)> pg_params,
                             VanishedKeyRanges vanished_ranges)
    : run_id_(std::move(run_id)),
      pg_params_(std::move(pg_params)),
      vanished_ranges_(std::move(vanished_ranges)) {
  status_conn_ = std::make_unique<postgres::Connection>(Params(status_database));
  store_ = std::make_unique<run::StatusStore>(*status_conn_);
}

// A worker's sessions keep an upsert's stage table in memory (temp_buffers) and sort it
// without spilling to disk (work_mem): a chunk of 50,000 rows of a few hundred bytes each.
postgres::ConnectParams PgLoadSession::Params(const std::string& database) const {
  postgres::ConnectParams p = pg_params_(database);
  p.options = "-c temp_buffers=64MB -c work_mem=32MB";
  return p;
}

postgres::Connection& PgLoadSession::TargetConn(const plan::TableJob& job) {
  if (job.shares_status_database) return *status_conn_;
  auto& c = target_conns_[job.target_database];
  if (!c || !c->ok()) c = std::make_unique<postgres::Connection>(Params(job.target_database));
  return *c;
}

run::Claim PgLoadSession::ClaimChunk(const std::vector<run::TableKey>& tables) {
  return store_->ClaimChunk(run_id_, tables);
}

// Streams the chunk into the open transaction on `conn` (COPY, or COPY into the stage and one
// upsert). Returns the rows loaded.
int64_t PgLoadSession::CopyRows(postgres::Connection& conn, const plan::TableJob& job,
                                Source& source, const ChunkRequest& request, LoadResult* result,
                                std::vector<BadRow>* rejects) {
  std::string schema = job.target_schema, table = job.target_table;
  if (job.upsert) {
    conn.Exec(postgres::CreateStageSql(job.target_schema, job.target_table));
    schema = "pg_temp";
    table = postgres::StageName(job.target_schema + "." + job.target_table);
  }
  conn.CopyBegin(postgres::CopySql(schema, table, job.target_columns));
  CopyBuffer header;
  header.Header();
  conn.CopyPut(header.view());
  CopyForwarder sink(conn, job.table->on_bad_row == "reject");
  result->fetch = source.Fetch(request, sink);
  CopyBuffer trailer;
  trailer.Trailer();
  conn.CopyPut(trailer.view());
  int64_t rows = conn.CopyEnd();
  if (job.upsert) {
    // Keys distinct in the source can meet in the target's types (nanoseconds rounded to
    // microseconds): the upsert would keep one row of each such key and drop the others.
    std::string keys, key_text;
    for (const auto& k : job.upsert_keys) {
      keys += (keys.empty() ? "" : ", ") + pg::QuoteIdent(k);
      key_text += (key_text.empty() ? "" : " || ', ' || ") + pg::QuoteLiteral(k + "=") +
                  " || coalesce(" + pg::QuoteIdent(k) + "::text, 'NULL')";
    }
    auto shared =
        conn.Exec("SELECT " + key_text + ", count(*) FROM pg_temp." + pg::QuoteIdent(table) +
                  " GROUP BY " + keys + " HAVING count(*) > 1 LIMIT 1");
    if (shared.rows() > 0) {
      throw DataError(request.description + ": " + std::string(shared.Get(0, 1)) +
                      " source rows have the same key in the target's types (" +
                      std::string(shared.Get(0, 0)) +
                      "); UPSERT would keep one of them. uniqueness_columns must stay unique "
                      "once converted (a TIMESTAMP_NTZ(9) key, for one, is rounded to "
                      "microseconds).");
    }
    conn.Exec(postgres::UpsertSql(job.target_info, job.target_columns, job.upsert_keys,
                                  job.upsert_watermark));
  }
  *rejects = sink.rejects();
  return rows;
}

void PgLoadSession::DeleteVanished(postgres::Connection& conn, const plan::TableJob& job,
                                   Source& source, const ChunkRequest& request,
                                   LoadResult* result) {
  const config::TableConfig& t = *job.table;
  const std::string target = postgres::Qualified(job.target_schema, job.target_table);
  const std::string keys_table = "sf2pg_source_keys";
  std::string keys, same, present;
  for (const auto& k : job.upsert_keys) {
    std::string q = pg::QuoteIdent(k);
    keys += (keys.empty() ? "" : ", ") + q;
    same += (same.empty() ? "" : " AND ") + ("s." + q + " = t." + q);
    // A target row with a NULL key matches no source key by `=`; it is never deleted.
    present += " AND t." + q + " IS NOT NULL";
  }
  // Only the key ranges where the two sides' keys differ, when they can be told by checksums.
  KeyRanges ranges = vanished_ranges_ ? vanished_ranges_(conn, job, source) : KeyRanges{};
  if (ranges.none) {
    log::Info("no key left the source", {{"table", job.Name()}, {"how", ranges.how}});
    return;
  }
  ChunkRequest read = request;
  std::string range = "TRUE";
  if (!ranges.all) {
    read.predicate = ranges.source;
    range = ranges.target;
  }
  conn.Exec("DROP TABLE IF EXISTS pg_temp." + pg::QuoteIdent(keys_table));
  conn.Exec("CREATE TEMP TABLE " + pg::QuoteIdent(keys_table) + " ON COMMIT DROP AS SELECT " +
            keys + " FROM " + target + " WITH NO DATA");
  conn.CopyBegin(postgres::CopySql("pg_temp", keys_table, job.upsert_keys));
  CopyBuffer frame;
  frame.Header();
  conn.CopyPut(frame.view());
  CopyForwarder sink(conn, false);
  result->fetch = source.Fetch(read, sink);
  frame.Clear();
  frame.Trailer();
  conn.CopyPut(frame.view());
  int64_t source_keys = conn.CopyEnd();
  conn.Exec("ANALYZE pg_temp." + pg::QuoteIdent(keys_table));

  const bool soft = t.delete_mode == config::DeleteMode::kSoft;
  const std::string mark = soft ? pg::QuoteIdent(t.soft_delete_column) : "";
  const std::string alive = soft ? " AND t." + mark + " IS NULL" : "";
  const std::string matched =
      "EXISTS (SELECT 1 FROM pg_temp." + pg::QuoteIdent(keys_table) + " s WHERE " + same + ")";
  const std::string gone = "NOT " + matched + present + " AND (" + range + ")";
  int64_t vanished =
      conn.Exec("SELECT count(*) FROM " + target + " t WHERE " + gone + alive).GetInt(0, 0);
  int64_t rows = conn.Exec("SELECT count(*) FROM " + target + " t WHERE true" + alive).GetInt(0, 0);
  if (vanished > 0 && !job.allow_deletes &&
      static_cast<double>(vanished) > t.max_delete_share * static_cast<double>(rows)) {
    char share[64];
    std::snprintf(share, sizeof share, "%.1f %% of its %lld rows; max_delete_share is %g %%",
                  100.0 * static_cast<double>(vanished) / static_cast<double>(rows),
                  static_cast<long long>(rows), t.max_delete_share * 100);
    throw DataError("delete_mode " + config::ToString(t.delete_mode) + " would " +
                    (soft ? "mark " : "delete ") + std::to_string(vanished) + " rows of " +
                    job.target_schema + "." + job.target_table + " (" + share +
                    ") whose key is not among the source's " + std::to_string(source_keys) +
                    " keys; nothing was " + (soft ? "marked" : "deleted") +
                    ". If the source really lost them, run again with --allow-deletes "
                    "(Lambda: \"allow_deletes\": true); otherwise check the source table and "
                    "its source_filter");
  }
  if (soft) {
    result->deleted =
        conn.Exec("UPDATE " + target + " t SET " + mark + " = now() WHERE " + gone + alive)
            .Affected();
    // A key that came back to the source is alive again.
    conn.Exec("UPDATE " + target + " t SET " + mark + " = NULL WHERE t." + mark +
              " IS NOT NULL AND (" + range + ") AND " + matched);
  } else {
    result->deleted = conn.Exec("DELETE FROM " + target + " t WHERE " + gone).Affected();
  }
  log::Info(
      soft ? "marked rows whose key left the source" : "deleted rows whose key left the source",
      {{"table", job.Name()},
       {"rows", result->deleted},
       {"source_keys", source_keys},
       {"how", ranges.all ? "every key of the source read" : ranges.how}});
}

void PgLoadSession::StoreRejects(postgres::Connection& conn, const plan::TableJob& job,
                                 const run::ChunkRecord& chunk,
                                 const std::vector<BadRow>& rejects) {
  if (rejects.empty()) return;
  // The table exists: the status schema (or, in a target database of its own, the target
  // part of it) is created before the workers start.
  json all = json::array();
  for (const auto& r : rejects) {
    all.push_back({r.row_number, r.column, r.key, r.reason, r.raw});
  }
  conn.Exec(
      "INSERT INTO migration_status.rejected_rows (run_id, source_database, source_schema, "
      "source_table, chunk_id, row_number, column_name, row_key, reason, raw_row) SELECT "
      "$1::uuid, $2, $3, $4, $5::int, (v->>0)::bigint, v->>1, v->>2, v->>3, v->>4 FROM "
      "jsonb_array_elements($6::jsonb) AS v",
      {run_id_, job.key.source_database, job.key.source_schema, job.key.source_table,
       std::to_string(chunk.chunk_id), all.dump()});
}

LoadResult PgLoadSession::Load(const plan::TableJob& job, const run::ChunkRecord& chunk,
                               Source& source, const ChunkRequest& request,
                               const std::function<json(const LoadResult&)>& extra) {
  LoadResult result;
  std::vector<BadRow> rejects;
  if (job.shares_status_database) {
    postgres::Transaction tx(*status_conn_);
    std::string previous = store_->LockChunk(run_id_, chunk.table, chunk.chunk_id);
    if (previous == "completed") {
      tx.Commit();
      result.already_done = true;
      return result;
    }
    if (plan::RangeFromJson(chunk.range).delete_vanished) {
      DeleteVanished(*status_conn_, job, source, request, &result);
    } else {
      result.rows = CopyRows(*status_conn_, job, source, request, &result, &rejects);
    }
    StoreRejects(*status_conn_, job, chunk, rejects);
    store_->CompleteChunk(run_id_, chunk.table, chunk.chunk_id, result.rows, previous,
                          extra(result));
    tx.Commit();
    return result;
  }
  postgres::Connection& tconn = TargetConn(job);
  {
    postgres::Transaction tx(tconn);
    // The marker row is taken first: a second loader of the same chunk waits here, then
    // finds it committed and loads nothing.
    auto fresh = tconn.Exec(
        "INSERT INTO migration_status.sf2pg_chunk_commits (run_id, source_database, "
        "source_schema, source_table, chunk_id) VALUES ($1::uuid, $2, $3, $4, $5::int) ON "
        "CONFLICT DO NOTHING RETURNING 1",
        MarkerKey(run_id_, job.key, chunk.chunk_id));
    if (fresh.rows() == 1) {
      if (plan::RangeFromJson(chunk.range).delete_vanished) {
        DeleteVanished(tconn, job, source, request, &result);
      } else {
        result.rows = CopyRows(tconn, job, source, request, &result, &rejects);
      }
      StoreRejects(tconn, job, chunk, rejects);
      auto params = MarkerKey(run_id_, job.key, chunk.chunk_id);
      params.push_back(std::to_string(result.rows));
      tconn.Exec(std::string("UPDATE migration_status.sf2pg_chunk_commits SET rows_copied = "
                             "$6::bigint WHERE ") +
                     kMarkerWhere,
                 params);
    } else {
      result.rows = MarkedRows(tconn, job, chunk.chunk_id).value_or(0);
      // The rows it rejected then, for the planned/copied row check.
      result.fetch.rejected =
          tconn
              .Exec(std::string("SELECT count(*) FROM migration_status.rejected_rows WHERE ") +
                        kMarkerWhere,
                    MarkerKey(run_id_, job.key, chunk.chunk_id))
              .GetInt(0, 0);
    }
    tx.Commit();
  }
  MarkCompleted(chunk, result, extra(result));
  return result;
}

std::optional<int64_t> PgLoadSession::MarkedRows(postgres::Connection& tconn,
                                                 const plan::TableJob& job, int chunk_id) {
  auto r = tconn.Exec(std::string("SELECT rows_copied FROM migration_status.sf2pg_chunk_commits "
                                  "WHERE ") +
                          kMarkerWhere,
                      MarkerKey(run_id_, job.key, chunk_id));
  if (r.rows() == 0) return std::nullopt;
  return r.GetInt(0, 0);
}

void PgLoadSession::MarkCompleted(const run::ChunkRecord& chunk, const LoadResult& result,
                                  const json& extra) {
  postgres::Transaction tx(*status_conn_);
  std::string previous = store_->LockChunk(run_id_, chunk.table, chunk.chunk_id);
  if (previous != "completed") {
    store_->CompleteChunk(run_id_, chunk.table, chunk.chunk_id, result.rows, previous, extra);
  }
  tx.Commit();
}

bool PgLoadSession::Landed(const plan::TableJob& job, const run::ChunkRecord& chunk,
                           LoadResult* result,
                           const std::function<json(const LoadResult&)>& extra) {
  try {
    if (job.shares_status_database) {
      auto counts = status_conn_->Exec(
          "SELECT status, rows_copied FROM migration_status.migration_chunk_status WHERE "
          "run_id = $1::uuid AND source_database = $2 AND source_schema = $3 AND "
          "source_table = $4 AND chunk_id = $5::int",
          MarkerKey(run_id_, job.key, chunk.chunk_id));
      if (counts.rows() == 0 || counts.Get(0, 0) != "completed") return false;
      result->rows = counts.GetInt(0, 1);
      return true;
    }
    auto rows = MarkedRows(TargetConn(job), job, chunk.chunk_id);
    if (!rows) return false;
    result->rows = *rows;
    MarkCompleted(chunk, *result, extra(*result));
    return true;
  } catch (const Error& e) {
    log::Warn("cannot tell yet whether an in-doubt commit landed",
              {{"table", job.Name()}, {"chunk", chunk.chunk_id}, {"error", e.what()}});
    return false;
  }
}

void PgLoadSession::ReturnChunk(const run::ChunkRecord& chunk) {
  store_->ReturnChunk(run_id_, chunk);
}

void PgLoadSession::FailChunk(const run::ChunkRecord& chunk, const std::string& error) {
  store_->FailChunk(run_id_, chunk, error);
}

void PgLoadSession::CountAttempt(const run::ChunkRecord& chunk) {
  store_->CountAttempt(run_id_, chunk);
}

void PgLoadSession::ReleaseClaim(const run::ChunkRecord& chunk) {
  store_->ReleaseClaim(run_id_, chunk);
}

}  // namespace sf2pg::exec
