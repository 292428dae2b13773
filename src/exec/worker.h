// Workers: each claims chunks of the run, fetches them from the source and loads them with
// exactly-once commits, retrying transient failures. One thread per worker; each has its own
// source session and PostgreSQL connections.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/source.h"
#include "exec/load_session.h"
#include "exec/retry.h"
#include "plan/table_job.h"
#include "postgres/connection.h"

namespace sf2pg::exec {

using plan::TableJob;

/// Figures of one table in this invocation (for the summary and progress).
struct TableStats {
  int64_t chunks_done = 0;
  int64_t chunks_failed = 0;
  int64_t chunks_skipped = 0;  ///< already completed by someone else
  int64_t rows = 0;
  int64_t rejected = 0;
  int64_t deleted = 0;  ///< delete_mode: target rows deleted or marked
  int64_t retries = 0;
  int64_t source_retries = 0;  ///< transient Snowflake errors retried inside the client
  int64_t json_bytes = 0;
  double busy_seconds = 0;       ///< sum of chunk times over all workers
  Clock::TimePoint first_start;  ///< when the first chunk of this invocation started
  Clock::TimePoint last_end;     ///< when its last chunk ended
  std::vector<std::string> errors;
};

/// State shared by the workers of one invocation. Guarded by `mu` unless atomic.
struct WorkShared {
  std::string run_id;
  std::vector<TableJob>* jobs = nullptr;  ///< read-only while workers run
  /// A new worker session with the status tables and targets (one per worker, and again
  /// after a broken connection); throws Error when it cannot connect.
  std::function<std::unique_ptr<LoadSession>()> open_session;
  /// A new source session (one per worker).
  std::function<std::unique_ptr<Source>()> make_source;
  RetryPolicy retry;
  Clock* clock = &Clock::Real();
  /// No chunk is claimed unless it can finish `buffer` before this instant.
  std::optional<Clock::TimePoint> deadline;
  std::chrono::seconds deadline_buffer{0};

  std::mutex mu;
  std::map<run::TableKey, TableStats> stats;  // guarded by mu
  std::map<run::TableKey, int> in_flight;     // guarded by mu
  double chunk_seconds_ema = 0;               // guarded by mu
  /// Why a worker stopped while work may have been left (it could not reach PostgreSQL);
  /// the first such error only. Guarded by mu.
  std::string worker_error;
  std::atomic<bool> deadline_reached{false};
  /// Called after every finished chunk (progress display); may be empty.
  std::function<void()> on_chunk;
};

/// Runs one worker until nothing is left to claim, the deadline is near or a stop is
/// requested. Never throws: failures are recorded in the status tables and `shared.stats`.
void RunWorker(WorkShared& shared, int worker_index);

/// The tables sf2pg keeps in a target database that does not hold the status tables: commit
/// markers (a chunk's row there commits with its rows, so replaying a chunk is a no-op) and
/// rejected rows. Called before the workers start (run::EnsureTargetSchema).
void EnsureCommitMarkers(postgres::Connection& conn);

}  // namespace sf2pg::exec
