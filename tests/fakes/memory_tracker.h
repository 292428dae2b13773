// An in-memory run::Tracker with the rules of the status tables (run/status_store.cc): runs
// and their resume, tables and their status, the targets unfinished runs hold, plans stored
// once, failed chunks reset on resume, settling, row checks. Each run's chunks live in a
// MemoryRun (memory_session.h), so MemorySessions claim and load the chunks a stored plan
// holds, and a whole run (open, plan, load, settle) is tested in memory. Time is the tracker's
// own (Advance), so run ages are exact. `before` may fail any call.
#pragma once

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/status.h"
#include "fakes/memory_session.h"
#include "run/tracker.h"

namespace sf2pg::testing {

class MemoryTracker : public run::Tracker {
 public:
  /// Called (without the lock) at the start of every Tracker call with the call's name; may
  /// throw, e.g. Error with Retry::kChunk for a status session that is gone.
  std::function<void(const std::string& call)> before;

  /// Moves the tracker's clock: every run becomes `hours` older.
  void Advance(double hours) {
    std::lock_guard lock(mu_);
    now_hours_ += hours;
  }
  /// The chunks of a run, for MemorySessions (and tests) to claim, load or fail.
  std::shared_ptr<MemoryRun> Chunks(const std::string& run_id) {
    std::lock_guard lock(mu_);
    return Find(run_id).chunks;
  }
  std::vector<std::string> RunIds() {
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    for (const auto& [id, r] : runs_) out.push_back(id);
    return out;
  }
  /// The error stored with a table (FailTable), "" when none.
  std::string TableError(const std::string& run_id, const run::TableKey& key) {
    std::lock_guard lock(mu_);
    auto& tables = Find(run_id).tables;
    auto it = tables.find(key);
    return it == tables.end() ? "" : it->second.error;
  }
  /// The run's completed_tables and failed_tables counters.
  std::pair<int, int> TableCounters(const std::string& run_id) {
    std::lock_guard lock(mu_);
    const Run& r = Find(run_id);
    return {r.completed_tables, r.failed_tables};
  }
  /// `sf2pg abandon`: refused while live sessions hold chunks of the run.
  void Abandon(const std::string& run_id, const std::string& by) {
    std::lock_guard lock(mu_);
    Run& r = Find(run_id);
    if (r.info.status == RunStatus::kCompleted)
      throw ConfigError("run " + run_id + " is completed; there is nothing to abandon");
    for (const auto& [key, t] : r.tables) {
      if (Held(r, key) > 0) throw Error("run " + run_id + " cannot be abandoned", Retry::kNever);
    }
    r.info.error_message = "abandoned by " + by + " (was " + ToString(r.info.status) + ")";
    r.info.status = RunStatus::kAbandoned;
  }

  // run::Tracker

  std::optional<run::RunInfo> FindResumable(const std::string& execution_hash,
                                            double max_age_hours) override {
    Before("FindResumable");
    std::lock_guard lock(mu_);
    const Run* best = nullptr;
    for (const auto& [id, r] : runs_) {
      if (r.info.status == RunStatus::kCompleted || r.info.status == RunStatus::kAbandoned)
        continue;
      if (r.info.metadata.value("execution_hash", "") != execution_hash) continue;
      if (now_hours_ - r.started_hours >= max_age_hours) continue;
      if (!best || best->seq < r.seq) best = &r;
    }
    if (!best) return std::nullopt;
    return Info(*best);
  }

  std::optional<run::RunInfo> LoadRun(const std::string& run_id) override {
    Before("LoadRun");
    std::lock_guard lock(mu_);
    auto it = runs_.find(run_id);
    if (it == runs_.end()) return std::nullopt;
    return Info(it->second);
  }

  void MarkResumed(const std::string& run_id) override {
    Before("MarkResumed");
    std::lock_guard lock(mu_);
    Run& r = Find(run_id);
    if (r.info.status == RunStatus::kAbandoned) return;
    r.info.status = RunStatus::kRunning;
    r.info.error_message.clear();
    r.info.metadata["resume_count"] = r.info.metadata.value("resume_count", 0) + 1;
  }

  void FinishRun(const std::string& run_id, RunStatus status,
                 const std::string& error_message) override {
    Before("FinishRun");
    std::lock_guard lock(mu_);
    Run& r = Find(run_id);
    if (r.info.status == RunStatus::kAbandoned) return;
    r.info.status = status;
    r.info.error_message = error_message;
  }

  std::string TakeTargets(const std::string& run_id, const std::vector<run::TableRecord>& tables,
                          bool placeholders, const run::NewRun& fresh) override {
    Before("TakeTargets");
    std::lock_guard lock(mu_);
    for (const auto& t : tables) {
      if (!run_id.empty()) {
        auto& mine = Find(run_id).tables;
        auto it = mine.find(t.key);
        if (it != mine.end() && it->second.record.status == TableStatus::kCompleted) continue;
      }
      if (auto owner = Owner(t.target(), run_id)) throw run::TargetOwnedError(t.target(), *owner);
    }
    std::string id = run_id;
    if (id.empty()) {
      char text[64];
      std::snprintf(text, sizeof text, "00000000-0000-0000-0000-%012d", ++seq_);
      id = text;
      Run& r = runs_[id];
      r.seq = seq_;
      r.started_hours = now_hours_;
      r.info.run_id = id;
      r.info.status = RunStatus::kRunning;
      r.info.config_hash = fresh.config_hash;
      r.info.metadata = fresh.metadata;
      r.created_by = fresh.created_by;
    }
    if (placeholders) {
      Run& r = Find(id);
      for (const auto& t : tables) {
        if (!r.tables.count(t.key)) Insert(r, t, {});
      }
    }
    return id;
  }

  std::optional<run::TableRecord> StorePlan(const std::string& run_id,
                                            const run::TableRecord& table,
                                            const std::vector<nlohmann::json>& ranges,
                                            const std::function<void()>& with_plan) override {
    Before("StorePlan");
    std::lock_guard lock(mu_);
    Run& r = Find(run_id);
    if (auto owner = Owner(table.target(), run_id))
      throw run::TargetOwnedError(table.target(), *owner);
    auto it = r.tables.find(table.key);
    if (it != r.tables.end() && it->second.record.metadata.value("planned", false))
      return Record(r, it->second);
    if (with_plan) with_plan();  // before any change: a throw leaves everything as it was
    if (it != r.tables.end()) Erase(r, table.key);
    Insert(r, table, ranges);
    return std::nullopt;
  }

  std::optional<run::TableRecord> LoadTable(const std::string& run_id,
                                            const run::TableKey& key) override {
    Before("LoadTable");
    std::lock_guard lock(mu_);
    Run& r = Find(run_id);
    auto it = r.tables.find(key);
    if (it == r.tables.end()) return std::nullopt;
    return Record(r, it->second);
  }

  std::vector<run::TableRecord> LoadTables(const std::string& run_id) override {
    Before("LoadTables");
    std::lock_guard lock(mu_);
    Run& r = Find(run_id);
    std::vector<run::TableRecord> out;
    for (const auto& [key, t] : r.tables) out.push_back(Record(r, t));
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return std::tie(a.source_name, a.key.source_table) <
             std::tie(b.source_name, b.key.source_table);
    });
    return out;
  }

  void SetIndexFlags(const std::string& run_id, const run::TableKey& key, bool disabled,
                     bool restored) override {
    Before("SetIndexFlags");
    std::lock_guard lock(mu_);
    auto& tables = Find(run_id).tables;
    auto it = tables.find(key);
    if (it == tables.end()) return;
    it->second.record.indexes_disabled = disabled;
    it->second.record.indexes_restored = restored;
  }

  void FailTable(const std::string& run_id, const run::TableRecord& table,
                 const std::string& error) override {
    Before("FailTable");
    std::lock_guard lock(mu_);
    Run& r = Find(run_id);
    if (!r.tables.count(table.key)) Insert(r, table, {});
    SetStatus(r, table.key, TableStatus::kFailed);
    r.tables[table.key].error = error;
  }

  void StartTable(const std::string& run_id, const run::TableKey& key) override {
    Before("StartTable");
    std::lock_guard lock(mu_);
    Run& r = Find(run_id);
    auto it = r.tables.find(key);
    if (it != r.tables.end() && (it->second.record.status == TableStatus::kPending ||
                                 it->second.record.status == TableStatus::kFailed)) {
      SetStatus(r, key, TableStatus::kInProgress);
    }
  }

  void DeleteTable(const std::string& run_id, const run::TableKey& key) override {
    Before("DeleteTable");
    std::lock_guard lock(mu_);
    Run& r = Find(run_id);
    SetStatus(r, key, TableStatus::kPending);
    Erase(r, key);
  }

  void ResetFailedChunks(const std::string& run_id,
                         const std::vector<run::TableKey>& only = {}) override {
    Before("ResetFailedChunks");
    std::lock_guard lock(mu_);
    Run& r = Find(run_id);
    for (auto& [key, t] : r.tables) {
      if (t.record.status != TableStatus::kFailed && Counts(r, key).failed == 0) continue;
      if (!only.empty() && std::find(only.begin(), only.end(), key) == only.end()) continue;
      SetStatus(r, key, TableStatus::kInProgress);
      {
        std::lock_guard chunks(r.chunks->mu);
        for (auto& c : r.chunks->chunks) {
          if (c.table == key && c.status == ChunkStatus::kFailed) c.status = ChunkStatus::kPending;
        }
      }
      t.error.clear();
    }
  }

  run::ChunkCounts CountChunks(const std::string& run_id, const run::TableKey& key) override {
    Before("CountChunks");
    std::lock_guard lock(mu_);
    return Counts(Find(run_id), key);
  }

  int CountHeldChunks(const std::string& run_id, const run::TableKey& key) override {
    Before("CountHeldChunks");
    std::lock_guard lock(mu_);
    return Held(Find(run_id), key);
  }

  TableStatus FinishTable(const std::string& run_id, const run::TableKey& key) override {
    Before("FinishTable");
    std::lock_guard lock(mu_);
    Run& r = Find(run_id);
    auto it = r.tables.find(key);
    if (it == r.tables.end())
      throw InternalError("table " + key.ToString() + " is not in the status tables");
    run::ChunkCounts n = Counts(r, key);
    TableStatus status = it->second.record.status;
    if (n.completed == n.total && status != TableStatus::kFailed) {
      status = TableStatus::kCompleted;
    } else if (n.failed > 0 && n.pending == 0 && n.in_progress == 0) {
      status = TableStatus::kFailed;
    }
    SetStatus(r, key, status);
    return status;
  }

  run::RowCheck CheckRows(const std::string& run_id, const run::TableKey& key) override {
    Before("CheckRows");
    std::lock_guard lock(mu_);
    Run& r = Find(run_id);
    auto it = r.tables.find(key);
    run::RowCheck check;
    if (it != r.tables.end())
      check.planned = it->second.record.metadata.value("estimated_rows", int64_t{0});
    {
      std::lock_guard chunks(r.chunks->mu);
      std::vector<const MemoryRun::Chunk*> done;
      for (const auto& c : r.chunks->chunks) {
        if (c.table == key && c.status == ChunkStatus::kCompleted) done.push_back(&c);
      }
      std::sort(done.begin(), done.end(), [](auto* a, auto* b) { return a->id < b->id; });
      for (const auto* c : done) {
        int64_t rejected = c->range.value("rejected", int64_t{0});
        check.copied += c->rows;
        check.rejected += rejected;
        if (c->range.contains("estimated_rows") &&
            c->rows + rejected < c->range["estimated_rows"].get<int64_t>() &&
            check.short_chunks.size() < 20) {
          check.short_chunks.push_back(c->id);
        }
      }
    }
    if (it != r.tables.end()) {
      auto& metadata = it->second.record.metadata;
      if (!metadata.is_object()) metadata = nlohmann::json::object();
      metadata["row_check"] = run::RowCheckJson(check);
    }
    return check;
  }

  std::vector<std::pair<std::string, run::TableRecord>> UnrestoredIndexes(
      const std::string& target_database, const std::string& target_schema,
      const std::string& target_table) override {
    Before("UnrestoredIndexes");
    std::lock_guard lock(mu_);
    std::vector<std::pair<std::string, run::TableRecord>> out;
    for (auto& [id, r] : runs_) {
      for (const auto& [key, t] : r.tables) {
        const run::TableRecord& rec = t.record;
        if (rec.target() == run::TargetName{target_database, target_schema, target_table} &&
            rec.indexes_disabled && !rec.indexes_restored) {
          out.emplace_back(id, Record(r, t));
        }
      }
    }
    return out;
  }

  std::optional<run::HighMark> PreviousHighMark(const run::TableKey& key,
                                                const run::TargetName& target,
                                                const std::string& watermark_column) override {
    Before("PreviousHighMark");
    std::lock_guard lock(mu_);
    const Table* best = nullptr;
    for (const auto& [id, r] : runs_) {
      auto it = r.tables.find(key);
      if (it == r.tables.end()) continue;
      const Table& t = it->second;
      const nlohmann::json& m = t.record.metadata;
      if (t.record.status != TableStatus::kCompleted || t.record.target() != target ||
          !m.contains("watermark_high") || !m["watermark_high"].is_string() ||
          m.value("watermark_column", nlohmann::json()) != nlohmann::json(watermark_column))
        continue;
      if (!best || best->finished < t.finished) best = &t;
    }
    if (!best) return std::nullopt;
    return run::HighMark{best->record.metadata["watermark_high"].get<std::string>(),
                         best->record.metadata.value("watermark_high_rows", int64_t{0})};
  }

 private:
  struct Table {
    run::TableRecord record;  ///< its chunk counters are read from the chunks
    std::string error;
    int64_t finished = 0;  ///< when it last became completed or failed (a tick), 0 = not
  };
  struct Run {
    run::RunInfo info;  ///< started_at and age_hours are computed on reading
    int seq = 0;
    double started_hours = 0;
    std::string created_by;
    int completed_tables = 0, failed_tables = 0;
    std::map<run::TableKey, Table> tables;
    std::shared_ptr<MemoryRun> chunks = std::make_shared<MemoryRun>();
  };

  void Before(const std::string& call) {
    if (before) before(call);
  }

  Run& Find(const std::string& run_id) {
    auto it = runs_.find(run_id);
    if (it == runs_.end()) throw InternalError("no run " + run_id + " in the memory tracker");
    return it->second;
  }

  run::RunInfo Info(const Run& r) const {
    run::RunInfo info = r.info;
    info.age_hours = now_hours_ - r.started_hours;
    // 2026-01-01 00:00:00 UTC plus the run's start on the tracker's clock (and its number, in
    // seconds, so that runs started at one instant differ).
    long seconds = static_cast<long>(r.started_hours * 3600) + r.seq;
    char text[64];
    std::snprintf(text, sizeof text, "2026-01-%02ld %02ld:%02ld:%02ld", 1 + seconds / 86400,
                  seconds / 3600 % 24, seconds / 60 % 60, seconds % 60);
    info.started_at = text;
    return info;
  }

  // Guarded by mu_, as everything below.
  std::optional<run::TargetOwner> Owner(const run::TargetName& target,
                                        const std::string& run_id) const {
    const Run* oldest = nullptr;
    const Table* held = nullptr;
    for (const auto& [id, r] : runs_) {
      if (id == run_id || r.info.status == RunStatus::kCompleted ||
          r.info.status == RunStatus::kAbandoned)
        continue;
      for (const auto& [key, t] : r.tables) {
        if (t.record.target() != target || t.record.status == TableStatus::kCompleted) continue;
        if (!oldest || r.seq < oldest->seq) {
          oldest = &r;
          held = &t;
        }
      }
    }
    if (!oldest) return std::nullopt;
    return run::TargetOwner{Info(*oldest), held->record.source_name, held->record.key,
                            held->record.status};
  }

  void Insert(Run& r, run::TableRecord record, const std::vector<nlohmann::json>& ranges) {
    record.status = TableStatus::kPending;
    r.tables[record.key] = Table{record, "", 0};
    std::lock_guard chunks(r.chunks->mu);
    int id = 0;
    for (const auto& range : ranges) {
      MemoryRun::Chunk c;
      c.table = record.key;
      c.id = ++id;
      c.range = range;
      r.chunks->chunks.push_back(c);
    }
  }

  void Erase(Run& r, const run::TableKey& key) {
    r.tables.erase(key);
    std::lock_guard chunks(r.chunks->mu);
    auto& all = r.chunks->chunks;
    all.erase(std::remove_if(all.begin(), all.end(), [&](const auto& c) { return c.table == key; }),
              all.end());
  }

  // The table's status, moving the run's completed/failed table counters by the transition.
  void SetStatus(Run& r, const run::TableKey& key, TableStatus status) {
    auto it = r.tables.find(key);
    if (it == r.tables.end()) return;
    TableStatus old = it->second.record.status;
    if (old == status) return;
    it->second.record.status = status;
    bool finished = status == TableStatus::kCompleted || status == TableStatus::kFailed;
    it->second.finished = finished ? ++tick_ : 0;
    r.completed_tables += (status == TableStatus::kCompleted) - (old == TableStatus::kCompleted);
    r.failed_tables += (status == TableStatus::kFailed) - (old == TableStatus::kFailed);
  }

  static run::ChunkCounts Counts(Run& r, const run::TableKey& key) {
    run::ChunkCounts n;
    std::lock_guard chunks(r.chunks->mu);
    for (const auto& c : r.chunks->chunks) {
      if (c.table != key) continue;
      ++n.total;
      n.pending += c.status == ChunkStatus::kPending;
      n.in_progress += c.status == ChunkStatus::kInProgress;
      n.completed += c.status == ChunkStatus::kCompleted;
      n.failed += c.status == ChunkStatus::kFailed;
      if (c.status == ChunkStatus::kCompleted) n.rows += c.rows;
    }
    return n;
  }

  // In-progress chunks whose claim a live session holds.
  static int Held(Run& r, const run::TableKey& key) {
    std::lock_guard chunks(r.chunks->mu);
    int held = 0;
    for (const auto& c : r.chunks->chunks) {
      held += c.table == key && c.status == ChunkStatus::kInProgress && c.owner != 0 &&
              !r.chunks->broken.count(c.owner);
    }
    return held;
  }

  run::TableRecord Record(Run& r, const Table& t) const {
    run::TableRecord out = t.record;
    run::ChunkCounts n = Counts(r, t.record.key);
    out.total_chunks = n.total;
    out.completed_chunks = n.completed;
    out.failed_chunks = n.failed;
    out.total_rows_copied = n.rows;
    return out;
  }

  std::recursive_mutex mu_;
  std::map<std::string, Run> runs_;  // guarded by mu_
  double now_hours_ = 0;             // guarded by mu_
  int seq_ = 0;                      // guarded by mu_
  int64_t tick_ = 0;                 // guarded by mu_
};

}  // namespace sf2pg::testing
