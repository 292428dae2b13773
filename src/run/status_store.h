// The migration_status schema: runs, tables and chunks, the single source of truth for
// progress. Every method runs on the status connection it was given; one StatusStore per
// thread. docs/run_state.md describes the states and the exactly-once protocol.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/status.h"
#include "postgres/connection.h"

namespace sf2pg::run {

/// Identifies a table within a run (the status tables' key).
struct TableKey {
  std::string source_database;
  std::string source_schema;
  std::string source_table;
  bool operator==(const TableKey&) const = default;
  bool operator<(const TableKey& o) const {
    return std::tie(source_database, source_schema, source_table) <
           std::tie(o.source_database, o.source_schema, o.source_table);
  }
  std::string ToString() const {
    return source_database + "." + source_schema + "." + source_table;
  }
};

struct RunInfo {
  std::string run_id;
  RunStatus status = RunStatus::kRunning;
  std::string config_hash;
  std::string started_at;
  double age_hours = 0;
  nlohmann::json metadata;
  std::string error_message;
};

/// A target table as the status tables name it (target database, schema, table).
struct TargetName {
  std::string database, schema, table;
  bool operator==(const TargetName&) const = default;
  std::string ToString() const { return database + "." + schema + "." + table; }
};

/// Another unfinished run's claim on a target: the run and its table row for that target.
struct TargetOwner {
  RunInfo run;
  std::string source_name;
  TableKey key;
  TableStatus table_status = TableStatus::kPending;
};

/// Refusal to load a target table that belongs to another unfinished run (docs/run_state.md,
/// "One unfinished run per target").
class TargetOwnedError : public ConfigError {
 public:
  TargetOwnedError(const TargetName& target, TargetOwner owner)
      : ConfigError("target " + target.ToString() + " belongs to unfinished run " +
                    owner.run.run_id + " (status " + ToString(owner.run.status) + ")"),
        target_(target),
        owner_(std::move(owner)) {}
  const TargetName& target() const { return target_; }
  const TargetOwner& owner() const { return owner_; }

 private:
  TargetName target_;
  TargetOwner owner_;
};

struct TableRecord {
  TableKey key;
  std::string source_name;
  std::string target_database, target_schema, target_table;
  TableStatus status = TableStatus::kPending;
  int total_chunks = 0, completed_chunks = 0, failed_chunks = 0;
  int64_t total_rows_copied = 0;
  bool indexes_disabled = false, indexes_restored = false;
  nlohmann::json metadata;
};

struct ChunkRecord {
  TableKey table;
  int chunk_id = 0;
  nlohmann::json range;
  ChunkStatus status = ChunkStatus::kPending;  ///< the status before it was claimed
  int retry_count = 0;
};

/// What ClaimChunk found.
struct Claim {
  std::optional<ChunkRecord> chunk;  ///< the chunk claimed, if any
  /// Nothing was claimed, but pending chunks exist that concurrent claimers hold locked at
  /// this instant: try again shortly rather than conclude that nothing is left.
  bool busy = false;
};

/// Counts of a table's chunks by status.
struct ChunkCounts {
  int total = 0, pending = 0, in_progress = 0, completed = 0, failed = 0;
  int64_t rows = 0;
};

/// A completed table's rows: planned (the exact source count at plan time, the table's
/// metadata "estimated_rows") against copied (completed chunks) plus rejected (on_bad_row:
/// reject). Stored in the table's metadata as "row_check" (RowCheckJson).
struct RowCheck {
  int64_t planned = 0;
  int64_t copied = 0;
  int64_t rejected = 0;
  /// Chunks that delivered fewer rows than their plan estimate (at most 20).
  std::vector<int> short_chunks;
  /// copied + rejected - planned: negative is a shortfall (doubt: rows the plan counted never
  /// arrived), positive is rows added to the source after planning (the last chunk of a
  /// table is open-ended).
  int64_t difference() const { return copied + rejected - planned; }
  /// "match", "more" or "shortfall".
  std::string verdict() const {
    return difference() == 0 ? "match" : difference() > 0 ? "more" : "shortfall";
  }
};
nlohmann::json RowCheckJson(const RowCheck& check);
/// The row check stored in a table's metadata, if any.
std::optional<RowCheck> RowCheckOf(const nlohmann::json& table_metadata);

class StatusStore {
 public:
  explicit StatusStore(postgres::Connection& conn) : conn_(conn) {}

  /// Creates the schema (sql/migration_status_schema.sql) if any of its tables is missing;
  /// idempotent and safe against concurrent callers in any number of processes.
  void EnsureSchema();

  /// The newest run that may be resumed: not completed, same execution hash, younger than
  /// `max_age_hours`.
  [[nodiscard]] std::optional<RunInfo> FindResumable(const std::string& execution_hash,
                                                     double max_age_hours);
  [[nodiscard]] std::optional<RunInfo> LoadRun(const std::string& run_id);
  /// Inserts a new run in status `running`; returns its id.
  std::string CreateRun(const std::string& config_hash, int total_sources, int total_tables,
                        const nlohmann::json& metadata, const std::string& created_by);
  /// Marks a resumed run running again and records the resume in its metadata.
  void MarkResumed(const std::string& run_id);
  void FinishRun(const std::string& run_id, RunStatus status, const std::string& error_message);

  [[nodiscard]] std::optional<TableRecord> LoadTable(const std::string& run_id,
                                                     const TableKey& key);
  std::vector<TableRecord> LoadTables(const std::string& run_id);

  /// Inserts the table's status row and its chunks (all `pending`) in the current
  /// transaction; the caller commits. `ranges` are the chunk_range values, ids 1..n.
  void InsertTablePlan(const std::string& run_id, const TableRecord& table,
                       const std::vector<nlohmann::json>& ranges);
  void UpdateTableMetadata(const std::string& run_id, const TableKey& key,
                           const nlohmann::json& metadata);
  void SetIndexFlags(const std::string& run_id, const TableKey& key, bool disabled, bool restored);
  /// Marks a table failed before any chunk could run (e.g. its target does not match).
  void FailTable(const std::string& run_id, const TableRecord& table, const std::string& error);

  /// Claims the next pending chunk of `tables` (in the given order), or else one in progress
  /// but abandoned (its worker's session is gone). The claim holds a session-level advisory
  /// lock on this connection until ReleaseClaim(). Concurrent claimers never wait for each
  /// other; one that finds every pending chunk momentarily locked gets `busy`.
  [[nodiscard]] Claim ClaimChunk(const std::string& run_id, const std::vector<TableKey>& tables);
  /// In-progress chunks of `table` whose claim a live session holds (another process or
  /// Lambda still loading them), as opposed to abandoned ones. Must not be called on a
  /// connection that holds claims itself.
  [[nodiscard]] int CountHeldChunks(const std::string& run_id, const TableKey& table);
  /// Releases the advisory lock of a claim.
  void ReleaseClaim(const std::string& run_id, const ChunkRecord& chunk);
  /// Puts a claimed chunk back to pending (a graceful stop); counts nothing.
  void ReturnChunk(const std::string& run_id, const ChunkRecord& chunk);
  void CountAttempt(const std::string& run_id, const ChunkRecord& chunk);

  /// Inside an open transaction: locks the chunk row and returns its status (the stored
  /// text of a ChunkStatus), so the caller knows whether it is already completed (then it
  /// must not load it again).
  std::string LockChunk(const std::string& run_id, const TableKey& table, int chunk_id);
  /// Inside the transaction that loaded the rows: marks the chunk completed and moves the
  /// table's and run's counters. `previous` is what LockChunk returned.
  void CompleteChunk(const std::string& run_id, const TableKey& table, int chunk_id, int64_t rows,
                     const std::string& previous, const nlohmann::json& extra);
  /// In its own transaction: marks the chunk failed with `error` and counts it.
  void FailChunk(const std::string& run_id, const ChunkRecord& chunk, const std::string& error);

  /// At the start of an invocation that resumes a run: failed chunks become pending again
  /// (with fresh attempts) and their tables leave the failed state. With `only`, just those
  /// tables (a resume limited to some of the run's tables).
  void ResetFailedChunks(const std::string& run_id, const std::vector<TableKey>& only = {});
  /// Deletes a table's status row and chunks (a table that failed before it was planned is
  /// planned again on resume).
  void DeleteTable(const std::string& run_id, const TableKey& key);

  ChunkCounts CountChunks(const std::string& run_id, const TableKey& table);
  /// Sets the table's final status from its chunks (completed when all are, failed when any
  /// failed and none is left to run); returns it. Counts the run's completed/failed tables.
  TableStatus FinishTable(const std::string& run_id, const TableKey& table);
  void StartTable(const std::string& run_id, const TableKey& table);
  /// For a table whose chunks are all completed: compares the planned rows with the rows the
  /// chunks copied (and rejected), stores the result in the table's metadata ("row_check")
  /// and returns it.
  RowCheck CheckRows(const std::string& run_id, const TableKey& table);

  /// Tables of any run whose target is `target_database.schema.table` and whose dropped
  /// indexes were never recreated (a crash between drop and restore).
  std::vector<std::pair<std::string, TableRecord>> UnrestoredIndexes(
      const std::string& target_database, const std::string& target_schema,
      const std::string& target_table);

  struct FailedChunk {
    TableKey table;
    int chunk_id = 0;
    int retry_count = 0;
    std::string error;
    nlohmann::json range;
  };
  /// The run's failed chunks with their errors (at most `limit`).
  std::vector<FailedChunk> FailedChunks(const std::string& run_id, int limit);

  // One unfinished run per target (docs/run_state.md).

  /// Inside an open transaction: takes each target's transaction-level advisory lock, in one
  /// fixed order, so that processes opening runs or storing plans on a target at the same
  /// instant are serialised.
  void LockTargets(const std::vector<TargetName>& targets);
  /// The oldest run other than `run_id` that is unfinished (status neither `completed` nor
  /// `abandoned`) and whose table row for `target` is not `completed`.
  [[nodiscard]] std::optional<TargetOwner> FindTargetOwner(const TargetName& target,
                                                           const std::string& run_id);
  /// Gives the run up: status `abandoned`, never resumed, owns no target any more;
  /// error_message says by whom and when. Tables and chunks stay as they are. Throws
  /// ConfigError for an unknown or completed run, and Error while live workers hold chunks
  /// of it. Returns the status it had (`abandoned` when it already was).
  RunStatus AbandonRun(const std::string& run_id, const std::string& by);

  /// Recent runs, newest first.
  std::vector<RunInfo> RecentRuns(int limit);
  /// Deletes runs (and, by cascade, their tables and chunks) older than `days`; returns how
  /// many runs.
  int64_t PruneOlderThan(int days);

 private:
  /// One claim attempt over up to `limit` chunks in `status` of `tables` (JSON).
  std::optional<ChunkRecord> TryClaim(const std::string& run_id, const std::string& tables,
                                      ChunkStatus status, int limit);

  postgres::Connection& conn_;
};

/// Creates the tables a target database needs when it does not hold the status tables
/// (rejected_rows and sf2pg_chunk_commits, the "@target-tables" part of
/// sql/migration_status_schema.sql); idempotent and safe against concurrent callers.
void EnsureTargetSchema(postgres::Connection& conn);

/// The advisory-lock key of a chunk: a 32-bit hash of (run, table) and the chunk id.
std::pair<int32_t, int32_t> ChunkLockKey(const std::string& run_id, const TableKey& table,
                                         int chunk_id);

}  // namespace sf2pg::run
