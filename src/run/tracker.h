// The record of a run's progress, as the coordinator sees it: opening, resuming and joining
// runs, the targets each unfinished run holds, table plans and the settling of tables and
// runs (docs/run_state.md). StatusStore keeps it in the migration_status tables of PostgreSQL;
// tests use an in-memory one (tests/fakes/memory_tracker.h), so the resume rules and settling
// are tested without a server. A worker's claims and loads go through exec::LoadSession.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/status.h"

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
  TargetName target() const { return {target_database, target_schema, target_table}; }
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
  bool operator==(const ChunkCounts&) const = default;
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

/// What a fresh run is created with (migration_runs' columns).
struct NewRun {
  std::string config_hash;
  int total_sources = 0;
  int total_tables = 0;
  nlohmann::json metadata;  ///< execution_hash, sources, tables_filter, version, host, pid
  std::string created_by;
};

/// An incremental table's high mark stored by an earlier completed plan (TableJob's
/// watermark_high and watermark_high_rows).
struct HighMark {
  std::string literal;
  int64_t rows = 0;
};

class Tracker {
 public:
  virtual ~Tracker() = default;

  // Runs.

  /// The newest run that may be resumed: neither completed nor abandoned, same execution
  /// hash, younger than `max_age_hours`.
  [[nodiscard]] virtual std::optional<RunInfo> FindResumable(const std::string& execution_hash,
                                                             double max_age_hours) = 0;
  [[nodiscard]] virtual std::optional<RunInfo> LoadRun(const std::string& run_id) = 0;
  /// Marks a resumed run running again and records the resume in its metadata (an abandoned
  /// run is left alone).
  virtual void MarkResumed(const std::string& run_id) = 0;
  /// The run's final status and error (an abandoned run is left alone).
  virtual void FinishRun(const std::string& run_id, RunStatus status,
                         const std::string& error_message) = 0;

  // One unfinished run per target (docs/run_state.md).

  /// Takes the targets of `tables` for run `run_id`, or for a fresh run created from `fresh`
  /// when `run_id` is empty; returns the run's id. In one transaction under the targets'
  /// locks (taken in one fixed order): throws TargetOwnedError, having changed nothing, when
  /// another unfinished run holds the target of a table that is not completed in `run_id`;
  /// then creates the run if asked, and, with `placeholders`, stores each table that has no
  /// row in the run as given (no chunks: a placeholder until it is planned).
  virtual std::string TakeTargets(const std::string& run_id, const std::vector<TableRecord>& tables,
                                  bool placeholders, const NewRun& fresh) = 0;
  /// Stores a table's plan: its row (`pending`) and its chunks (`pending`, ids 1..n, `ranges`
  /// their chunk_range), in one transaction that serialises planners of the same run and table
  /// and holds the target's lock. Throws TargetOwnedError, having changed nothing, when another
  /// unfinished run holds the target. When another process planned the table first, stores
  /// nothing and returns that table row; a placeholder row is replaced. `with_plan` runs in
  /// the same transaction just before the plan is stored: what it does on the tracker's own
  /// database session (e.g. a truncate of a target in the status database) commits or rolls
  /// back with the plan.
  virtual std::optional<TableRecord> StorePlan(const std::string& run_id, const TableRecord& table,
                                               const std::vector<nlohmann::json>& ranges,
                                               const std::function<void()>& with_plan) = 0;

  // Tables.

  [[nodiscard]] virtual std::optional<TableRecord> LoadTable(const std::string& run_id,
                                                             const TableKey& key) = 0;
  /// The run's tables, by source name and table.
  virtual std::vector<TableRecord> LoadTables(const std::string& run_id) = 0;
  virtual void SetIndexFlags(const std::string& run_id, const TableKey& key, bool disabled,
                             bool restored) = 0;
  /// Marks a table failed before any chunk could run (e.g. its target does not match),
  /// storing `table` first when it has no row.
  virtual void FailTable(const std::string& run_id, const TableRecord& table,
                         const std::string& error) = 0;
  /// A pending or failed table becomes in_progress.
  virtual void StartTable(const std::string& run_id, const TableKey& table) = 0;
  /// Deletes a table's row and chunks (a table not planned yet is planned again on resume).
  virtual void DeleteTable(const std::string& run_id, const TableKey& key) = 0;
  /// At the start of an invocation that resumes a run: failed chunks become pending again
  /// and their tables leave the failed state. With `only`, just those tables (a resume
  /// limited to some of the run's tables).
  virtual void ResetFailedChunks(const std::string& run_id,
                                 const std::vector<TableKey>& only = {}) = 0;

  // Settling.

  virtual ChunkCounts CountChunks(const std::string& run_id, const TableKey& table) = 0;
  /// In-progress chunks of `table` whose claim a live worker holds (another process or
  /// Lambda still loading them), as opposed to abandoned ones.
  [[nodiscard]] virtual int CountHeldChunks(const std::string& run_id, const TableKey& table) = 0;
  /// Sets the table's final status from its chunks (completed when all are, failed when any
  /// failed and none is left to run); returns it. Counts the run's completed/failed tables.
  virtual TableStatus FinishTable(const std::string& run_id, const TableKey& table) = 0;
  /// For a table whose chunks are all completed: compares the planned rows with the rows the
  /// chunks copied (and rejected), stores the result in the table's metadata ("row_check")
  /// and returns it.
  virtual RowCheck CheckRows(const std::string& run_id, const TableKey& table) = 0;

  // Across runs.

  /// Tables of any run whose target is `target` and whose dropped indexes were never
  /// recreated (a crash between drop and restore), with their run ids.
  virtual std::vector<std::pair<std::string, TableRecord>> UnrestoredIndexes(
      const std::string& target_database, const std::string& target_schema,
      const std::string& target_table) = 0;
  /// The high mark stored by the newest completed plan of source table `key` into `target`
  /// by the same watermark column; nullopt when there is none (a first load, a target loaded
  /// otherwise, or no status tables yet).
  [[nodiscard]] virtual std::optional<HighMark> PreviousHighMark(
      const TableKey& key, const TargetName& target, const std::string& watermark_column) = 0;
};

}  // namespace sf2pg::run
