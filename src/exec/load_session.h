// A worker's sessions with the status tables and the target: claiming chunks and loading each
// one exactly once. The worker (exec/worker.cc) decides what to claim, when to retry and when
// to stop; a LoadSession does the claiming and the loading. PgLoadSession works on
// PostgreSQL; tests use an in-memory one (tests/fakes/memory_session.h), so the worker's rules
// are tested without a server.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/source.h"
#include "plan/table_job.h"
#include "postgres/connection.h"
#include "run/status_store.h"

namespace sf2pg::exec {

/// What one attempt at a chunk did.
struct LoadResult {
  int64_t rows = 0;     ///< rows the chunk's commit holds
  int64_t deleted = 0;  ///< a delete_mode chunk: target rows it deleted or marked
  FetchStats fetch;
  bool already_done = false;  ///< someone else completed the chunk first; nothing was loaded
};

/// Where the delete_mode chunk looks for keys that left the source: the key ranges in which the
/// source's and the target's keys may differ. `all`: every key (the whole key set is read).
/// `none`: the keys are the same on both sides; nothing to read or delete.
struct KeyRanges {
  bool all = true;
  bool none = false;
  std::string source;  ///< Snowflake predicate over the source table's columns
  std::string target;  ///< PostgreSQL predicate over the target table's columns
  std::string how;     ///< how they were found, for the log
};
/// Finds them on the target session `target` (inside the chunk's transaction) and `source`.
/// app/ wires in verify's key-range checksums (verify/vanished.h).
using VanishedKeyRanges = std::function<KeyRanges(postgres::Connection& target,
                                                  const plan::TableJob& job, Source& source)>;

class LoadSession {
 public:
  virtual ~LoadSession() = default;

  /// Claims the next chunk of `tables` (run::StatusStore::ClaimChunk's rules).
  virtual run::Claim ClaimChunk(const std::vector<run::TableKey>& tables) = 0;

  /// One attempt at `chunk`: streams `request` from `source` into the target and marks the
  /// chunk completed, so that the rows and the status commit together or not at all. A chunk
  /// already completed is not loaded again (`already_done`). `extra(result)` is stored with
  /// the completed chunk. Throws Error (with its Retry class) when the attempt failed;
  /// Retry::kInDoubt when the commit's outcome is unknown (then call Landed()).
  virtual LoadResult Load(const plan::TableJob& job, const run::ChunkRecord& chunk, Source& source,
                          const ChunkRequest& request,
                          const std::function<nlohmann::json(const LoadResult&)>& extra) = 0;

  /// After an in-doubt commit, on a fresh session: whether the chunk's rows landed. When they
  /// did, the chunk is marked completed (if it is not yet) and `result->rows` set. False when
  /// they did not, or when that cannot be told now: the next attempt finds out, since a
  /// completed chunk is never loaded again.
  virtual bool Landed(const plan::TableJob& job, const run::ChunkRecord& chunk, LoadResult* result,
                      const std::function<nlohmann::json(const LoadResult&)>& extra) = 0;

  /// Puts a claimed chunk back to pending (a graceful stop); counts nothing.
  virtual void ReturnChunk(const run::ChunkRecord& chunk) = 0;
  /// Marks the chunk failed with `error`.
  virtual void FailChunk(const run::ChunkRecord& chunk, const std::string& error) = 0;
  /// Counts one more attempt at the chunk.
  virtual void CountAttempt(const run::ChunkRecord& chunk) = 0;
  /// Gives up the claim (another session may take the chunk if it is not finished).
  virtual void ReleaseClaim(const run::ChunkRecord& chunk) = 0;

  /// False once the session's connection to the status tables is broken.
  virtual bool ok() const = 0;
  /// Drops the target sessions after a failed attempt; a broken one is replaced on next use.
  virtual void ResetTargets() = 0;
};

}  // namespace sf2pg::exec
