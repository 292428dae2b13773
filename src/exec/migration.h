// A migration run end to end: select the tables, open or resume a run, prepare every table,
// run the workers, and settle table and run status. The CLI and the Lambda handler call this.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/clock.h"
#include "core/source.h"
#include "exec/backend.h"
#include "exec/progress.h"
#include "exec/worker.h"
#include "plan/prepare.h"
#include "postgres/connection.h"
#include "run/open.h"
#include "run/tracker.h"

namespace sf2pg::exec {

using plan::PlanReport;

/// What to run: the selection and the resume rules (run::OpenRequest), and how.
struct MigrationOptions : run::OpenRequest {
  bool dry_run = false;
  /// Tables with a delete_mode may delete (or mark) more than their max_delete_share.
  bool allow_deletes = false;
  std::optional<Clock::TimePoint> deadline;
  int workers = 0;  ///< 0 = the largest parallel_threads of the selected tables
};

struct MigrationDeps {
  std::function<postgres::ConnectParams(const std::string&)> pg_params;
  /// The status tables and targets of a run, given the status database and whether it is a
  /// dry run. Empty: PostgreSQL (PgBackend) through pg_params.
  std::function<std::unique_ptr<Backend>(const std::string&, bool)> backend;
  /// A new source session (one per worker, plus one for planning).
  std::function<std::unique_ptr<Source>()> make_source;
  Clock* clock = &Clock::Real();
  /// Called after each finished chunk, from worker threads; may be empty.
  std::function<void()> on_chunk;
  /// Receives progress snapshots while workers run; may be null.
  ProgressSink* progress = nullptr;
  /// Narrows delete_mode chunks to the key ranges that differ; empty: they read every key.
  VanishedKeyRanges vanished_ranges;
};

struct TableSummary {
  std::string source_name;
  std::string table;   ///< DB.SCHEMA.TABLE
  std::string target;  ///< database.schema.table
  /// Unset for a table that failed before it was prepared (printed empty).
  std::optional<LoadMethod> method;
  std::optional<config::ChunkingStrategy> strategy;
  TableStatus status = TableStatus::kPending;
  int total_chunks = 0;
  int completed_chunks = 0;
  int failed_chunks = 0;
  int64_t rows = 0;        ///< rows loaded by this invocation
  int64_t rows_total = 0;  ///< rows of all completed chunks of the run
  int64_t rejected = 0;
  int64_t deleted = 0;  ///< delete_mode: target rows this invocation deleted or marked
  int64_t retries = 0;  ///< chunk attempts repeated
  int64_t source_retries = 0;
  int64_t chunks_loaded = 0;  ///< chunks this invocation committed
  int64_t chunks_lost = 0;    ///< chunks this invocation gave up on (failed)
  int64_t bytes_read = 0;     ///< uncompressed result bytes this invocation read from the source
  double seconds = 0;         ///< wall time from the first chunk's start to the last one's end
  std::vector<std::string> errors;
  /// Planned against copied rows, once every chunk of the table is completed.
  std::optional<run::RowCheck> row_check;
};

struct MigrationResult {
  std::string run_id;
  /// completed, partial, failed; running when this process is done but other workers still
  /// hold chunks of the run; planned for a dry run.
  RunStatus status = RunStatus::kRunning;
  bool resumed = false;
  bool deadline_reached = false;
  bool stopped = false;
  double seconds = 0;
  std::vector<TableSummary> tables;
  std::vector<PlanReport> plans;  ///< dry run only
  std::string error;              ///< why a run failed as a whole
};

using run::Selection;
using run::SelectTables;

/// What settling a run needs from the invocation besides the tracker.
struct SettleInput {
  const std::vector<TableJob>* jobs = nullptr;  ///< the tables this invocation worked on
  /// Tables that could not be prepared (status failed, with their error).
  std::vector<TableSummary> unprepared;
  /// With a resume limited to some of the run's tables: the run's other tables.
  std::vector<run::TableKey> others;
  bool joining = false;  ///< a joined process (it planned nothing)
  /// This invocation's figures per table; tables without any count zero.
  const std::map<run::TableKey, TableStats>* stats = nullptr;
  std::string worker_error;  ///< why a worker stopped early, if one did
  /// Recreates the indexes dropped for a table that is now completed (run id, table row,
  /// target database); may be empty when no table dropped any.
  std::function<void(const std::string&, const run::TableRecord&, const std::string&)>
      restore_indexes;
};

/// Settles each table of `result->run_id` from its chunks and the run from all its tables
/// (docs/run_state.md, "Settling"), with `result->stopped` and `result->deadline_reached` as
/// this invocation ended: fills `result->tables`, `status` and `error`, and stores the run's
/// status, unless other live workers still hold chunks of the run or tables of a joined run
/// are not planned yet (then `status` is running and the run is left as it is). Throws Error
/// when the tracker cannot be reached.
void SettleRun(run::Tracker& tracker, const SettleInput& input, MigrationResult* result);

/// Another run took a target since this run opened (TargetOwnedError while planning): gives
/// up the run's tables not planned yet, so the two runs never wait on each other, and leaves
/// the run partial with `why`, its planned tables resumable.
void GiveUpUnplannedTables(run::Tracker& tracker, const std::string& run_id,
                           const std::string& why);

/// Runs (or resumes, or joins) a migration. Throws ConfigError for bad selections (unknown
/// source or table, unknown run id); every other failure ends in the result's status.
MigrationResult RunMigration(const config::Config& config, const MigrationOptions& options,
                             MigrationDeps& deps);

}  // namespace sf2pg::exec
