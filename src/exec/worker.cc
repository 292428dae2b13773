#include "exec/worker.h"

#include <thread>

#include "core/copy_buffer.h"
#include "core/error.h"
#include "core/secret.h"
#include "core/stop.h"
#include "postgres/target_table.h"
#include "report/log.h"
#include "run/status_store.h"

namespace sf2pg::exec {
namespace {

using nlohmann::json;
using Seconds = std::chrono::duration<double>;

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

struct LoadResult {
  int64_t rows = 0;
  FetchStats fetch;
  bool already_done = false;
};

postgres::Params MarkerKey(const std::string& run_id, const TableJob& job, int chunk_id) {
  return {run_id, job.key.source_database, job.key.source_schema, job.key.source_table,
          std::to_string(chunk_id)};
}

constexpr const char* kMarkerWhere =
    "run_id = $1::uuid AND source_database = $2 AND source_schema = $3 AND source_table = $4 "
    "AND chunk_id = $5";

class Worker {
 public:
  Worker(WorkShared& shared, int index)
      : shared_(shared),
        index_(index),
        backoff_(shared.retry, 0x5f2f + static_cast<uint64_t>(index)) {}

  void Run() {
    try {
      try {
        Connect();
      } catch (const Error& e) {
        if (!Retryable(e.retry()) || !Reconnect()) throw;
      }
      source_ = shared_.make_source();
    } catch (const std::exception& e) {
      Abandon("worker cannot start", e.what());
      return;
    }
    // Nothing may escape a worker thread (std::terminate would take the process down); what
    // the chunk loop does not handle ends this worker and leaves the run resumable.
    try {
      Loop();
    } catch (const std::exception& e) {
      Abandon("worker stopped by an unexpected error", e.what());
    }
  }

 private:
  void Loop() {
    while (!StopFlag::Requested()) {
      if (DeadlineNear()) {
        shared_.deadline_reached = true;
        break;
      }
      bool at_capacity = false;
      auto eligible = EligibleTables(&at_capacity);
      run::Claim claim;
      try {
        claim = store_->ClaimChunk(shared_.run_id, eligible);
      } catch (const Error& e) {
        if (!Retryable(e.retry()) || !Reconnect()) {
          Abandon("cannot claim chunks", e.what());
          return;
        }
        continue;
      }
      if (!claim.chunk) {
        if (!at_capacity && !claim.busy) return;  // nothing left for this worker
        // Busy: other workers are claiming right now; a table at capacity frees up only
        // when one of its chunks ends.
        shared_.clock->SleepFor(std::chrono::milliseconds(claim.busy ? 10 : 100));
        continue;
      }
      Process(*claim.chunk);
    }
  }

  TableJob& JobOf(const run::TableKey& key) {
    for (auto& j : *shared_.jobs) {
      if (j.key == key) return j;
    }
    throw InternalError("claimed a chunk of an unknown table " + key.ToString());
  }

  // Ends this worker before the work ran out, and tells the coordinator why.
  void Abandon(const char* what, const std::string& error) {
    std::string message = Redactor::Redact(error);
    log::Error(what, {{"worker", index_}, {"error", message}});
    std::lock_guard lock(shared_.mu);
    if (shared_.worker_error.empty()) shared_.worker_error = std::string(what) + ": " + message;
  }

  std::vector<run::TableKey> EligibleTables(bool* at_capacity) {
    std::lock_guard lock(shared_.mu);
    std::vector<run::TableKey> out;
    for (const auto& j : *shared_.jobs) {
      if (shared_.in_flight[j.key] < j.max_threads)
        out.push_back(j.key);
      else
        *at_capacity = true;
    }
    return out;
  }

  bool DeadlineNear() {
    if (!shared_.deadline) return false;
    double expected;
    {
      std::lock_guard lock(shared_.mu);
      expected = shared_.chunk_seconds_ema;
    }
    auto cutoff = *shared_.deadline - shared_.deadline_buffer -
                  std::chrono::duration_cast<Clock::Duration>(Seconds(expected));
    return shared_.clock->Now() >= cutoff;
  }

  void Connect() {
    status_conn_ = std::make_unique<postgres::Connection>(Params(shared_.status_database));
    store_ = std::make_unique<run::StatusStore>(*status_conn_);
    target_conns_.clear();
  }

  // After a broken connection: new connections, a few tries with backoff (a pause follows
  // every failed try, the last one included). False when none connects or a stop is requested.
  bool Reconnect() {
    RetryPolicy policy = shared_.retry;
    policy.max_attempts += 1;
    auto warn = [this](const Error& e) {
      log::Warn("reconnecting to PostgreSQL failed", {{"worker", index_}, {"error", e.what()}});
    };
    bool connected = false;
    try {
      WithRetries<Error>(
          policy, *shared_.clock, backoff_,
          [&](int) {
            if (StopFlag::Requested()) return;
            Connect();
            connected = true;
          },
          [](const Error&) { return true; },
          [&](int, const Error& e, std::chrono::milliseconds) { warn(e); });
    } catch (const Error& e) {
      warn(e);
      shared_.clock->SleepFor(backoff_.Delay(policy.max_attempts + 1));
    }
    return connected;
  }

  postgres::Connection& TargetConn(const TableJob& job) {
    if (job.shares_status_database) return *status_conn_;
    auto& c = target_conns_[job.target_database];
    if (!c || !c->ok()) c = std::make_unique<postgres::Connection>(Params(job.target_database));
    return *c;
  }

  // A worker's sessions keep an upsert's stage table in memory (temp_buffers) and sort it
  // without spilling to disk (work_mem): a chunk of 50,000 rows of a few hundred bytes each.
  postgres::ConnectParams Params(const std::string& database) const {
    postgres::ConnectParams p = shared_.pg_params(database);
    p.options = "-c temp_buffers=64MB -c work_mem=32MB";
    return p;
  }

  ChunkRequest Request(const TableJob& job, const run::ChunkRecord& chunk) {
    ChunkRequest r;
    r.sql = job.ChunkSql(chunk.range);
    r.targets = job.targets;
    r.key_columns = job.key_columns;
    r.description = job.Name() + " chunk " + std::to_string(chunk.chunk_id);
    r.query_tag = "sf2pg:" + shared_.run_id.substr(0, 8) + ":" + job.key.source_table + ":" +
                  std::to_string(chunk.chunk_id);
    return r;
  }

  // Streams the chunk into the open transaction on `conn` (COPY, or COPY into the stage and
  // one upsert). Returns the rows loaded.
  int64_t CopyRows(postgres::Connection& conn, const TableJob& job, const run::ChunkRecord& chunk,
                   LoadResult* result, std::vector<BadRow>* rejects) {
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
    result->fetch = source_->Fetch(Request(job, chunk), sink);
    CopyBuffer trailer;
    trailer.Trailer();
    conn.CopyPut(trailer.view());
    int64_t rows = conn.CopyEnd();
    if (job.upsert) {
      conn.Exec(postgres::UpsertSql(job.target_info, job.target_columns, job.upsert_keys,
                                    job.upsert_watermark));
    }
    *rejects = sink.rejects();
    return rows;
  }

  void StoreRejects(postgres::Connection& conn, const TableJob& job, const run::ChunkRecord& chunk,
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
        {shared_.run_id, job.key.source_database, job.key.source_schema, job.key.source_table,
         std::to_string(chunk.chunk_id), all.dump()});
  }

  json Extra(const LoadResult& r, double seconds) {
    return {{"rejected", r.fetch.rejected},
            {"json_bytes", r.fetch.json_bytes},
            {"partitions", r.fetch.partitions},
            {"seconds", seconds},
            {"worker", index_}};
  }

  // One attempt at a chunk: rows and "completed" commit together (same database), or rows
  // with a commit marker in the target and then the status (different databases).
  LoadResult LoadOnce(const TableJob& job, const run::ChunkRecord& chunk) {
    LoadResult result;
    auto started = shared_.clock->Now();
    std::vector<BadRow> rejects;
    if (job.shares_status_database) {
      postgres::Transaction tx(*status_conn_);
      std::string previous = store_->LockChunk(shared_.run_id, chunk.table, chunk.chunk_id);
      if (previous == "completed") {
        tx.Commit();
        result.already_done = true;
        return result;
      }
      result.rows = CopyRows(*status_conn_, job, chunk, &result, &rejects);
      StoreRejects(*status_conn_, job, chunk, rejects);
      double seconds = Seconds(shared_.clock->Now() - started).count();
      store_->CompleteChunk(shared_.run_id, chunk.table, chunk.chunk_id, result.rows, previous,
                            Extra(result, seconds));
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
          MarkerKey(shared_.run_id, job, chunk.chunk_id));
      if (fresh.rows() == 1) {
        result.rows = CopyRows(tconn, job, chunk, &result, &rejects);
        StoreRejects(tconn, job, chunk, rejects);
        auto params = MarkerKey(shared_.run_id, job, chunk.chunk_id);
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
                      MarkerKey(shared_.run_id, job, chunk.chunk_id))
                .GetInt(0, 0);
      }
      tx.Commit();
    }
    MarkCompleted(job, chunk, result, Seconds(shared_.clock->Now() - started).count());
    return result;
  }

  std::optional<int64_t> MarkedRows(postgres::Connection& tconn, const TableJob& job,
                                    int chunk_id) {
    auto r = tconn.Exec(std::string("SELECT rows_copied FROM migration_status.sf2pg_chunk_commits "
                                    "WHERE ") +
                            kMarkerWhere,
                        MarkerKey(shared_.run_id, job, chunk_id));
    if (r.rows() == 0) return std::nullopt;
    return r.GetInt(0, 0);
  }

  void MarkCompleted(const TableJob& job, const run::ChunkRecord& chunk, const LoadResult& result,
                     double seconds) {
    postgres::Transaction tx(*status_conn_);
    std::string previous = store_->LockChunk(shared_.run_id, chunk.table, chunk.chunk_id);
    if (previous != "completed") {
      store_->CompleteChunk(shared_.run_id, chunk.table, chunk.chunk_id, result.rows, previous,
                            Extra(result, seconds));
    }
    tx.Commit();
    (void)job;
  }

  // After an in-doubt COMMIT: did the chunk's rows land? Completes the status if they did.
  // False when the answer is no, or cannot be had now (the new session broke too): the retry
  // then finds out, since a completed chunk or one with a commit marker is never loaded again.
  bool Landed(const TableJob& job, const run::ChunkRecord& chunk, LoadResult* result) {
    if (!Reconnect()) return false;
    try {
      if (job.shares_status_database) {
        auto counts = status_conn_->Exec(
            "SELECT status, rows_copied FROM migration_status.migration_chunk_status WHERE "
            "run_id = $1::uuid AND source_database = $2 AND source_schema = $3 AND "
            "source_table = $4 AND chunk_id = $5::int",
            MarkerKey(shared_.run_id, job, chunk.chunk_id));
        if (counts.rows() == 0 || counts.Get(0, 0) != "completed") return false;
        result->rows = counts.GetInt(0, 1);
        return true;
      }
      auto rows = MarkedRows(TargetConn(job), job, chunk.chunk_id);
      if (!rows) return false;
      result->rows = *rows;
      MarkCompleted(job, chunk, *result, 0);
      return true;
    } catch (const Error& e) {
      log::Warn("cannot tell yet whether an in-doubt commit landed",
                {{"table", job.Name()}, {"chunk", chunk.chunk_id}, {"error", e.what()}});
      return false;
    }
  }

  void Record(const TableJob& job, const LoadResult& r, double seconds, int retries,
              const std::string& error) {
    std::lock_guard lock(shared_.mu);
    TableStats& s = shared_.stats[job.key];
    s.retries += retries;
    if (!error.empty()) {
      ++s.chunks_failed;
      if (s.errors.size() < 20) s.errors.push_back(error);
      return;
    }
    if (r.already_done) {
      ++s.chunks_skipped;
      return;
    }
    ++s.chunks_done;
    auto now = shared_.clock->Now();
    auto start = now - std::chrono::duration_cast<Clock::Duration>(Seconds(seconds));
    if (s.chunks_done == 1 || start < s.first_start) s.first_start = start;
    if (now > s.last_end) s.last_end = now;
    s.rows += r.rows;
    s.rejected += r.fetch.rejected;
    s.source_retries += r.fetch.retries;
    s.json_bytes += r.fetch.json_bytes;
    s.busy_seconds += seconds;
    shared_.chunk_seconds_ema =
        shared_.chunk_seconds_ema == 0 ? seconds : 0.7 * shared_.chunk_seconds_ema + 0.3 * seconds;
  }

  void Process(const run::ChunkRecord& chunk) {
    TableJob& job = JobOf(chunk.table);
    {
      std::lock_guard lock(shared_.mu);
      ++shared_.in_flight[job.key];
    }
    auto started = shared_.clock->Now();
    int attempt = 0;
    std::string error;
    LoadResult result;
    bool returned = false;
    while (true) {
      ++attempt;
      try {
        result = LoadOnce(job, chunk);
        break;
      } catch (const StoppedError&) {
        returned = true;
        break;
      } catch (const Error& e) {
        Retry retry = e.retry();
        if (retry == Retry::kInDoubt && Landed(job, chunk, &result)) break;
        std::string message = Redactor::Redact(e.what());
        if (Retryable(retry) && attempt < shared_.retry.max_attempts && !StopFlag::Requested()) {
          log::Warn("chunk failed, retrying", {{"table", job.Name()},
                                               {"chunk", chunk.chunk_id},
                                               {"attempt", attempt},
                                               {"error", message}});
          shared_.clock->SleepFor(backoff_.Delay(attempt + 1));
          if (!status_conn_->ok() && !Reconnect()) {
            error = message;
            break;
          }
          target_conns_.clear();  // a broken target session is replaced on next use
          try {
            store_->CountAttempt(shared_.run_id, chunk);
          } catch (const Error&) {
          }
          continue;
        }
        error = message;
        break;
      } catch (const std::exception& e) {
        error = std::string("internal error: ") + Redactor::Redact(e.what());
        break;
      }
    }
    double seconds = Seconds(shared_.clock->Now() - started).count();
    Finish(job, chunk, result, seconds, attempt - 1, error, returned);
  }

  void Finish(const TableJob& job, const run::ChunkRecord& chunk, const LoadResult& result,
              double seconds, int retries, const std::string& error, bool returned) {
    try {
      if (!status_conn_->ok()) Reconnect();
      if (returned) {
        store_->ReturnChunk(shared_.run_id, chunk);
      } else if (!error.empty()) {
        log::Error("chunk failed", {{"table", job.Name()},
                                    {"chunk", chunk.chunk_id},
                                    {"attempts", retries + 1},
                                    {"error", error}});
        store_->FailChunk(shared_.run_id, chunk, error);
      } else {
        log::Debug("chunk done", {{"table", job.Name()},
                                  {"chunk", chunk.chunk_id},
                                  {"rows", result.rows},
                                  {"seconds", seconds}});
      }
      store_->ReleaseClaim(shared_.run_id, chunk);
    } catch (const Error& e) {
      // The status connection is gone: the chunk stays in progress, its advisory lock went
      // with the session, and the next run (or another worker) processes it again.
      log::Error("cannot record the chunk's outcome",
                 {{"table", job.Name()}, {"chunk", chunk.chunk_id}, {"error", e.what()}});
    }
    if (!returned) Record(job, result, seconds, retries, error);
    {
      std::lock_guard lock(shared_.mu);
      --shared_.in_flight[job.key];
    }
    if (shared_.on_chunk) shared_.on_chunk();
  }

  WorkShared& shared_;
  int index_;
  FullJitterBackoff backoff_;
  std::unique_ptr<postgres::Connection> status_conn_;
  std::unique_ptr<run::StatusStore> store_;
  std::map<std::string, std::unique_ptr<postgres::Connection>> target_conns_;
  std::unique_ptr<Source> source_;
};

}  // namespace

void RunWorker(WorkShared& shared, int worker_index) { Worker(shared, worker_index).Run(); }

void EnsureCommitMarkers(postgres::Connection& conn) { run::EnsureTargetSchema(conn); }

}  // namespace sf2pg::exec
