#include "exec/worker.h"

#include <thread>

#include "core/error.h"
#include "core/secret.h"
#include "core/stop.h"
#include "log/log.h"
#include "run/status_store.h"

namespace sf2pg::exec {
namespace {

using nlohmann::json;
using Seconds = std::chrono::duration<double>;

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
        claim = session_->ClaimChunk(eligible);
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
      if (!TakeSlot(claim.chunk->table)) {
        // Another worker took the table's last slot between EligibleTables and the claim.
        if (!PutBack(*claim.chunk)) return;
        shared_.clock->SleepFor(std::chrono::milliseconds(10));
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

  // Counts a chunk of `table` in flight unless the table already has as many as its threads.
  bool TakeSlot(const run::TableKey& table) {
    const TableJob& job = JobOf(table);
    std::lock_guard lock(shared_.mu);
    int& n = shared_.in_flight[table];
    if (n >= job.max_threads) return false;
    ++n;
    return true;
  }

  // Gives a claimed chunk back unprocessed. False when the session broke (the claim then
  // lapses with it, and this worker ends).
  bool PutBack(const run::ChunkRecord& chunk) {
    try {
      session_->ReturnChunk(chunk);
      session_->ReleaseClaim(chunk);
      return true;
    } catch (const Error& e) {
      Abandon("cannot give a chunk back", e.what());
      return false;
    }
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

  void Connect() { session_ = shared_.open_session(); }

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

  ChunkRequest Request(const TableJob& job, const run::ChunkRecord& chunk) {
    ChunkRequest r = job.ChunkRead(chunk.range);
    r.description = job.Name() + " chunk " + std::to_string(chunk.chunk_id);
    r.query_tag = "sf2pg:" + shared_.run_id.substr(0, 8) + ":" + job.key.source_table + ":" +
                  std::to_string(chunk.chunk_id);
    return r;
  }

  json Extra(const LoadResult& r, Clock::TimePoint started) {
    return {{"rejected", r.fetch.rejected},
            {"deleted", r.deleted},
            {"json_bytes", r.fetch.json_bytes},
            {"partitions", r.fetch.partitions},
            {"seconds", Seconds(shared_.clock->Now() - started).count()},
            {"worker", index_}};
  }

  // One attempt at a chunk (LoadSession::Load).
  LoadResult LoadOnce(const TableJob& job, const run::ChunkRecord& chunk) {
    auto started = shared_.clock->Now();
    return session_->Load(job, chunk, *source_, Request(job, chunk),
                          [&](const LoadResult& r) { return Extra(r, started); });
  }

  // After an in-doubt COMMIT: did the chunk's rows land? Completes the status if they did.
  // False when the answer is no, or cannot be had now (the new session broke too): the retry
  // then finds out, since a completed chunk or one with a commit marker is never loaded again.
  // Asked even when a stop is requested, so the outcome is reported as it is.
  bool Landed(const TableJob& job, const run::ChunkRecord& chunk, LoadResult* result) {
    try {
      Connect();
    } catch (const Error&) {
      if (!Reconnect()) return false;
    }
    auto asked = shared_.clock->Now();
    return session_->Landed(job, chunk, result,
                            [&](const LoadResult& r) { return Extra(r, asked); });
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
    s.deleted += r.deleted;
    s.source_retries += r.fetch.retries;
    s.json_bytes += r.fetch.json_bytes;
    s.busy_seconds += seconds;
    shared_.chunk_seconds_ema =
        shared_.chunk_seconds_ema == 0 ? seconds : 0.7 * shared_.chunk_seconds_ema + 0.3 * seconds;
  }

  void Process(const run::ChunkRecord& chunk) {
    TableJob& job = JobOf(chunk.table);
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
          if (!session_->ok() && !Reconnect()) {
            error = message;
            break;
          }
          session_->ResetTargets();  // a broken target session is replaced on next use
          try {
            session_->CountAttempt(chunk);
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
      if (!session_->ok()) Reconnect();
      if (returned) {
        session_->ReturnChunk(chunk);
      } else if (!error.empty()) {
        log::Error("chunk failed", {{"table", job.Name()},
                                    {"chunk", chunk.chunk_id},
                                    {"attempts", retries + 1},
                                    {"error", error}});
        session_->FailChunk(chunk, error);
      } else {
        log::Debug("chunk done", {{"table", job.Name()},
                                  {"chunk", chunk.chunk_id},
                                  {"rows", result.rows},
                                  {"seconds", seconds}});
      }
      session_->ReleaseClaim(chunk);
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
  std::unique_ptr<LoadSession> session_;
  std::unique_ptr<Source> source_;
};

}  // namespace

void RunWorker(WorkShared& shared, int worker_index) { Worker(shared, worker_index).Run(); }

void EnsureCommitMarkers(postgres::Connection& conn) { run::EnsureTargetSchema(conn); }

}  // namespace sf2pg::exec
