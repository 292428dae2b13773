// The migration_status schema: runs, tables and chunks, the single source of truth for
// progress; the PostgreSQL run::Tracker, and the claims and chunk commits PgLoadSession uses.
// Every method runs on the status connection it was given; one StatusStore per thread.
// docs/run_state.md describes the states and the exactly-once protocol.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/status.h"
#include "postgres/connection.h"
#include "run/tracker.h"

namespace sf2pg::run {

class StatusStore : public Tracker {
 public:
  explicit StatusStore(postgres::Connection& conn) : conn_(conn) {}

  /// Creates the schema (sql/migration_status_schema.sql) if any of its tables is missing;
  /// idempotent and safe against concurrent callers in any number of processes.
  void EnsureSchema();

  // Tracker (run/tracker.h describes each).
  [[nodiscard]] std::optional<RunInfo> FindResumable(const std::string& execution_hash,
                                                     double max_age_hours) override;
  [[nodiscard]] std::optional<RunInfo> LoadRun(const std::string& run_id) override;
  void MarkResumed(const std::string& run_id) override;
  void FinishRun(const std::string& run_id, RunStatus status,
                 const std::string& error_message) override;
  std::string TakeTargets(const std::string& run_id, const std::vector<TableRecord>& tables,
                          bool placeholders, const NewRun& fresh) override;
  std::optional<TableRecord> StorePlan(const std::string& run_id, const TableRecord& table,
                                       const std::vector<nlohmann::json>& ranges,
                                       const std::function<void()>& with_plan) override;
  [[nodiscard]] std::optional<TableRecord> LoadTable(const std::string& run_id,
                                                     const TableKey& key) override;
  std::vector<TableRecord> LoadTables(const std::string& run_id) override;
  void SetIndexFlags(const std::string& run_id, const TableKey& key, bool disabled,
                     bool restored) override;
  void FailTable(const std::string& run_id, const TableRecord& table,
                 const std::string& error) override;
  void StartTable(const std::string& run_id, const TableKey& table) override;
  void DeleteTable(const std::string& run_id, const TableKey& key) override;
  void ResetFailedChunks(const std::string& run_id,
                         const std::vector<TableKey>& only = {}) override;
  ChunkCounts CountChunks(const std::string& run_id, const TableKey& table) override;
  /// Must not be called on a connection that holds claims itself.
  [[nodiscard]] int CountHeldChunks(const std::string& run_id, const TableKey& table) override;
  TableStatus FinishTable(const std::string& run_id, const TableKey& table) override;
  RowCheck CheckRows(const std::string& run_id, const TableKey& table) override;
  std::vector<std::pair<std::string, TableRecord>> UnrestoredIndexes(
      const std::string& target_database, const std::string& target_schema,
      const std::string& target_table) override;
  [[nodiscard]] std::optional<HighMark> PreviousHighMark(
      const TableKey& key, const TargetName& target, const std::string& watermark_column) override;

  /// Inserts a new run in status `running`; returns its id.
  std::string CreateRun(const std::string& config_hash, int total_sources, int total_tables,
                        const nlohmann::json& metadata, const std::string& created_by);
  /// Inserts the table's status row and its chunks (all `pending`) in the current
  /// transaction; the caller commits. `ranges` are the chunk_range values, ids 1..n.
  void InsertTablePlan(const std::string& run_id, const TableRecord& table,
                       const std::vector<nlohmann::json>& ranges);
  void UpdateTableMetadata(const std::string& run_id, const TableKey& key,
                           const nlohmann::json& metadata);

  /// Claims the next pending chunk of `tables` (in the given order), or else one in progress
  /// but abandoned (its worker's session is gone). The claim holds a session-level advisory
  /// lock on this connection until ReleaseClaim(). Concurrent claimers never wait for each
  /// other; one that finds every pending chunk momentarily locked gets `busy`.
  [[nodiscard]] Claim ClaimChunk(const std::string& run_id, const std::vector<TableKey>& tables);
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

  struct FailedChunk {
    TableKey table;
    int chunk_id = 0;
    int retry_count = 0;
    std::string error;
    nlohmann::json range;
  };
  /// The run's failed chunks with their errors (at most `limit`).
  std::vector<FailedChunk> FailedChunks(const std::string& run_id, int limit);

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
