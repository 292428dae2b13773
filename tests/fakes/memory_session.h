// An in-memory exec::LoadSession: one run's chunks and the rows that landed, shared by the
// sessions of every worker of a test, so the worker's rules (claim, retry, in-doubt commits,
// stop, deadline, capacity, abandoned claims) are tested in milliseconds without PostgreSQL.
// Hooks fail an attempt before or after its commit; a session can be broken on purpose.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/status.h"
#include "exec/load_session.h"

namespace sf2pg::testing {

struct MemoryRun {
  struct Chunk {
    run::TableKey table;
    int id = 0;
    nlohmann::json range;  ///< an OFFSET window, so FakeSource serves its own rows; after its
                           ///< commit, with what the worker stored (e.g. "rejected")
    ChunkStatus status = ChunkStatus::kPending;
    int retry_count = 0;  ///< attempts counted by CountAttempt
    int owner = 0;        ///< the session holding its claim, 0 = none
    int64_t rows = 0;     ///< rows of its commit
    int commits = 0;      ///< how many times its rows landed (must stay <= 1)
    std::string error;
  };

  std::mutex mu;
  std::vector<Chunk> chunks;  // guarded by mu
  std::set<int> broken;       ///< sessions whose status connection is gone; guarded by mu
  int sessions_opened = 0;    // guarded by mu
  int loading = 0;            ///< loads in progress now; guarded by mu
  std::map<run::TableKey, int> loading_by_table, max_loading_by_table;  // guarded by mu

  /// Called (without the lock) before an attempt commits, with the attempt's chunk and its
  /// number (1-based, per chunk); may throw to fail the attempt (nothing lands).
  std::function<void(const Chunk& chunk, int attempt)> before_commit;
  /// Called (without the lock) after an attempt committed; may throw, e.g. Retry::kInDoubt
  /// for a commit whose answer was lost.
  std::function<void(const Chunk& chunk, int attempt)> after_commit;
  /// Called when a session opens (1-based count); may throw to refuse the connection.
  std::function<void(int opened)> on_open;

  /// `chunk_count` chunks of `rows_per_chunk` rows each (FakeSource rows in order).
  void AddTable(const run::TableKey& table, int chunk_count, int64_t rows_per_chunk) {
    std::lock_guard lock(mu);
    for (int i = 1; i <= chunk_count; ++i) {
      nlohmann::json range = {{"strategy", "offset"},
                              {"predicate", ""},
                              {"estimated_rows", rows_per_chunk},
                              {"limit", rows_per_chunk},
                              {"offset", (i - 1) * rows_per_chunk}};
      Chunk chunk;
      chunk.table = table;
      chunk.id = i;
      chunk.range = range;
      chunks.push_back(chunk);
    }
  }
  Chunk Get(const run::TableKey& table, int id) {
    std::lock_guard lock(mu);
    return *Find(table, id);
  }
  int Count(ChunkStatus status) {
    std::lock_guard lock(mu);
    int n = 0;
    for (const auto& c : chunks) n += c.status == status;
    return n;
  }
  int64_t Rows() {
    std::lock_guard lock(mu);
    int64_t n = 0;
    for (const auto& c : chunks) n += c.rows;
    return n;
  }
  Chunk* Find(const run::TableKey& table, int id) {
    for (auto& c : chunks) {
      if (c.table == table && c.id == id) return &c;
    }
    throw InternalError("no chunk " + std::to_string(id) + " of " + table.ToString());
  }
  std::map<std::pair<run::TableKey, int>, int> attempts;  // guarded by mu
};

class MemorySession : public exec::LoadSession {
 public:
  explicit MemorySession(std::shared_ptr<MemoryRun> run) : run_(std::move(run)) {
    int opened;
    {
      std::lock_guard lock(run_->mu);
      opened = ++run_->sessions_opened;
      id_ = opened;
    }
    if (run_->on_open) run_->on_open(opened);
  }
  /// The session's connection breaks: its claims count as abandoned, and every call fails.
  void Break() {
    std::lock_guard lock(run_->mu);
    run_->broken.insert(id_);
  }
  int id() const { return id_; }

  run::Claim ClaimChunk(const std::vector<run::TableKey>& tables) override {
    std::lock_guard lock(run_->mu);
    Check();
    for (ChunkStatus wanted : {ChunkStatus::kPending, ChunkStatus::kInProgress}) {
      for (const auto& t : tables) {
        for (auto& c : run_->chunks) {
          if (c.table != t || c.status != wanted) continue;
          if (c.status == ChunkStatus::kInProgress && c.owner != 0 && !run_->broken.count(c.owner))
            continue;
          run::ChunkRecord record{c.table, c.id, c.range, c.status, c.retry_count};
          c.status = ChunkStatus::kInProgress;
          c.owner = id_;
          return {record, false};
        }
      }
    }
    return {};
  }

  exec::LoadResult Load(
      const plan::TableJob& job, const run::ChunkRecord& chunk, Source& source,
      const ChunkRequest& request,
      const std::function<nlohmann::json(const exec::LoadResult&)>& extra) override {
    exec::LoadResult result;
    MemoryRun::Chunk snapshot;
    int attempt;
    {
      std::lock_guard lock(run_->mu);
      Check();
      MemoryRun::Chunk* c = run_->Find(chunk.table, chunk.chunk_id);
      if (c->status == ChunkStatus::kCompleted) {
        result.already_done = true;
        return result;
      }
      attempt = ++run_->attempts[{chunk.table, chunk.chunk_id}];
      snapshot = *c;
      ++run_->loading;
      int& now = ++run_->loading_by_table[chunk.table];
      run_->max_loading_by_table[chunk.table] =
          std::max(run_->max_loading_by_table[chunk.table], now);
    }
    struct Done {
      MemoryRun& run;
      run::TableKey table;
      ~Done() {
        std::lock_guard lock(run.mu);
        --run.loading;
        --run.loading_by_table[table];
      }
    } done{*run_, chunk.table};
    CountingSink sink(job.table->on_bad_row == "reject");
    result.fetch = source.Fetch(request, sink);
    result.rows = sink.rows;
    if (run_->before_commit) run_->before_commit(snapshot, attempt);
    {
      std::lock_guard lock(run_->mu);
      Check();
      MemoryRun::Chunk* c = run_->Find(chunk.table, chunk.chunk_id);
      if (c->status == ChunkStatus::kCompleted) {
        result = {};
        result.already_done = true;
        return result;
      }
      c->status = ChunkStatus::kCompleted;
      c->rows = result.rows;
      ++c->commits;
      // Stored with the chunk's range, as the status tables do (rejected rows, timings).
      nlohmann::json stored = extra(result);
      if (stored.is_object()) c->range.update(stored);
    }
    if (run_->after_commit) run_->after_commit(snapshot, attempt);
    return result;
  }

  bool Landed(const plan::TableJob&, const run::ChunkRecord& chunk, exec::LoadResult* result,
              const std::function<nlohmann::json(const exec::LoadResult&)>&) override {
    std::lock_guard lock(run_->mu);
    if (run_->broken.count(id_)) return false;
    MemoryRun::Chunk* c = run_->Find(chunk.table, chunk.chunk_id);
    if (c->status != ChunkStatus::kCompleted) return false;
    result->rows = c->rows;
    return true;
  }

  void ReturnChunk(const run::ChunkRecord& chunk) override {
    std::lock_guard lock(run_->mu);
    Check();
    MemoryRun::Chunk* c = run_->Find(chunk.table, chunk.chunk_id);
    if (c->status == ChunkStatus::kInProgress) c->status = ChunkStatus::kPending;
  }
  void FailChunk(const run::ChunkRecord& chunk, const std::string& error) override {
    std::lock_guard lock(run_->mu);
    Check();
    MemoryRun::Chunk* c = run_->Find(chunk.table, chunk.chunk_id);
    if (c->status == ChunkStatus::kCompleted) return;  // another worker finished it meanwhile
    c->status = ChunkStatus::kFailed;
    c->error = error;
  }
  void CountAttempt(const run::ChunkRecord& chunk) override {
    std::lock_guard lock(run_->mu);
    Check();
    ++run_->Find(chunk.table, chunk.chunk_id)->retry_count;
  }
  void ReleaseClaim(const run::ChunkRecord& chunk) override {
    std::lock_guard lock(run_->mu);
    Check();
    MemoryRun::Chunk* c = run_->Find(chunk.table, chunk.chunk_id);
    if (c->owner == id_) c->owner = 0;
  }
  bool ok() const override {
    std::lock_guard lock(run_->mu);
    return !run_->broken.count(id_);
  }
  void ResetTargets() override {}

 private:
  // Counts rows and rejects like a COPY into the target would take them.
  struct CountingSink : CopySink {
    explicit CountingSink(bool reject) : reject_mode(reject) {}
    void Write(std::string_view, int64_t row_count) override { rows += row_count; }
    bool Reject(const BadRow&) override { return reject_mode; }
    bool reject_mode;
    int64_t rows = 0;
  };

  // Called under the lock: a broken session fails every call, as a dead connection does.
  void Check() const {
    if (run_->broken.count(id_)) throw Error("server closed the connection", Retry::kChunk);
  }

  std::shared_ptr<MemoryRun> run_;
  int id_ = 0;
};

}  // namespace sf2pg::testing
