// The statement store: every submitted statement by handle and by requestId, a pool of
// executor threads (each with its own PostgreSQL connection) that runs them, the optional
// result cache keyed by statement text, and the retention of finished results.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cancel.h"
#include "error.h"
#include "executor.h"
#include "result.h"

namespace sf2pg::sfemu {

enum class StatementState { kQueued, kRunning, kSucceeded, kFailed };

/// One statement (or multi-statement request, or a child of one).
struct StatementRecord {
  std::string handle;
  std::string request_id;
  int64_t created_on_ms = 0;
  ExecRequest request;
  std::shared_ptr<CancelToken> token;
  bool use_cache = false;
  std::chrono::steady_clock::time_point created;
  // Guarded by the store's mutex.
  StatementState state = StatementState::kQueued;
  std::shared_ptr<const ResultSet> result;
  std::optional<Error> error;
  bool from_cache = false;
};

struct StoreOptions {
  int executors = 4;
  PartitionPolicy policy;
  size_t memory_budget = size_t{512} << 20;
  std::string spill_dir;
  size_t cache_entries = 0;  ///< 0 disables the result cache
  int64_t result_ttl_seconds = 3600;
  size_t max_statements = 20000;
};

struct StoreCounters {
  std::atomic<int64_t> statements_executed{0};
  std::atomic<int64_t> statements_failed{0};
  std::atomic<int64_t> cache_hits{0};
  std::atomic<int64_t> cache_misses{0};
  std::atomic<int64_t> rows_produced{0};
};

class StatementStore {
 public:
  StatementStore(postgres::ConnectParams pg, StoreOptions options);
  ~StatementStore();
  StatementStore(const StatementStore&) = delete;
  StatementStore& operator=(const StatementStore&) = delete;

  /// Registers and queues a statement; `request_id` is remembered for retry=true.
  std::shared_ptr<StatementRecord> Submit(ExecRequest request, std::string request_id,
                                          int timeout_seconds, bool use_cache);
  /// A statement already failed before running (fault injection: forced errors).
  std::shared_ptr<StatementRecord> SubmitFailed(ExecRequest request, std::string request_id,
                                                Error error);
  std::shared_ptr<StatementRecord> Find(const std::string& handle);
  std::shared_ptr<StatementRecord> FindByRequestId(const std::string& request_id);
  /// Waits up to `ms` for the statement to finish; true when it has.
  bool Wait(const StatementRecord& record, int64_t ms);
  /// Snapshot of the mutable fields under the lock.
  void Snapshot(const StatementRecord& record, StatementState& state,
                std::shared_ptr<const ResultSet>& result, std::optional<Error>& error);
  /// Cancels a queued or running statement (no effect on a finished one).
  void Cancel(StatementRecord& record);
  /// Drops cached results (after writes made outside sfemu).
  void ClearCache();

  const StoreCounters& counters() const { return counters_; }
  const BlobStore& blobs() const { return blobs_; }
  size_t size();

 private:
  void Worker(int index);
  void Execute(Executor& executor, StatementRecord& record);
  std::shared_ptr<StatementRecord> NewRecord(ExecRequest request, std::string request_id);
  std::string NewHandle();
  std::string CacheKey(const ExecRequest& request) const;
  void EvictLocked();

  StoreOptions options_;
  postgres::ConnectParams pg_;
  BlobStore blobs_;
  CatalogCache catalog_cache_;
  StoreCounters counters_;

  std::mutex mu_;
  std::condition_variable queue_cv_;
  std::condition_variable done_cv_;
  std::deque<std::shared_ptr<StatementRecord>> queue_;
  std::map<std::string, std::shared_ptr<StatementRecord>> by_handle_;
  std::map<std::string, std::string> by_request_id_;
  std::deque<std::string> order_;
  struct CacheEntry {
    int64_t generation;
    std::shared_ptr<const ResultSet> result;
    std::list<std::string>::iterator lru;
  };
  std::map<std::string, CacheEntry> cache_;
  std::list<std::string> cache_lru_;
  bool stopping_ = false;
  uint64_t handle_counter_;
  uint32_t handle_prefix_;
  std::vector<std::thread> workers_;
};

}  // namespace sf2pg::sfemu
