// The states of runs, tables and chunks and the load methods, shared by the status tables,
// the migration, the reports and the Lambda payloads. Their text (ToString) is what the
// migration_status tables store and what summaries print; Parse* reads it back and throws
// Error naming the value and the allowed ones.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

#include "core/enum_text.h"

namespace sf2pg {

/// A run's status (migration_runs.status; a run result's status).
enum class RunStatus {
  kRunning,    ///< open: being loaded, or left by a process that stopped
  kCompleted,  ///< every table completed
  kPartial,    ///< work is left: resume it
  kFailed,     ///< a table failed and nothing is left to run
  kAbandoned,  ///< given up by `sf2pg abandon`; never resumed
  kPlanned,    ///< a dry run: planned, nothing loaded (never stored)
};
inline constexpr EnumNames<RunStatus, 6> kRunStatusNames = {{
    {RunStatus::kRunning, "running"},
    {RunStatus::kCompleted, "completed"},
    {RunStatus::kPartial, "partial"},
    {RunStatus::kFailed, "failed"},
    {RunStatus::kAbandoned, "abandoned"},
    {RunStatus::kPlanned, "planned"},
}};
std::string ToString(RunStatus status);
RunStatus ParseRunStatus(std::string_view text);

/// A table's or a chunk's status (migration_table_status.status,
/// migration_chunk_status.status).
enum class TableStatus { kPending, kInProgress, kCompleted, kFailed };
using ChunkStatus = TableStatus;
inline constexpr EnumNames<TableStatus, 4> kTableStatusNames = {{
    {TableStatus::kPending, "pending"},
    {TableStatus::kInProgress, "in_progress"},
    {TableStatus::kCompleted, "completed"},
    {TableStatus::kFailed, "failed"},
}};
std::string ToString(TableStatus status);
TableStatus ParseTableStatus(std::string_view text);

/// How a table's rows are loaded (the table's metadata "method").
enum class LoadMethod { kCopy, kUpsert };
inline constexpr EnumNames<LoadMethod, 2> kLoadMethodNames = {{
    {LoadMethod::kCopy, "COPY"},
    {LoadMethod::kUpsert, "UPSERT"},
}};
std::string ToString(LoadMethod method);
LoadMethod ParseLoadMethod(std::string_view text);

// For test failure messages.
std::ostream& operator<<(std::ostream& out, RunStatus status);
std::ostream& operator<<(std::ostream& out, TableStatus status);
std::ostream& operator<<(std::ostream& out, LoadMethod method);

}  // namespace sf2pg
