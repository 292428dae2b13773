#include "exec/migration.h"

#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <functional>
#include <map>
#include <set>
#include <thread>

#include "config/hash.h"
#include "core/error.h"
#include "core/secret.h"
#include "core/stop.h"
#include "core/strings.h"
#include "exec/pg_backend.h"
#include "exec/worker.h"
#include "log/log.h"
#include "plan/columns.h"
#include "run/open.h"

namespace sf2pg::exec {

namespace {

using nlohmann::json;

// Planned against copied rows of a completed table (kept in its metadata for `status`); a
// difference is logged: fewer rows than planned is doubt, more is rows added meanwhile.
run::RowCheck CheckRows(run::Tracker& tracker, const std::string& run_id, const TableJob& job) {
  run::RowCheck c = tracker.CheckRows(run_id, job.key);
  if (c.difference() < 0) {
    std::string chunks;
    for (int id : c.short_chunks) chunks += (chunks.empty() ? "" : ",") + std::to_string(id);
    log::Warn("fewer rows copied than planned; run sf2pg verify for this table",
              {{"table", job.Name()},
               {"planned", c.planned},
               {"copied", c.copied},
               {"rejected", c.rejected},
               {"missing", -c.difference()},
               {"short_chunks", chunks}});
  } else if (c.difference() > 0) {
    log::Info("more rows copied than planned (rows added to the source after planning)",
              {{"table", job.Name()},
               {"planned", c.planned},
               {"copied", c.copied},
               {"rejected", c.rejected},
               {"extra", c.difference()}});
  }
  return c;
}

// A table's chunk counts, and how many of its chunks in progress live sessions hold. Other
// processes move chunks on between the two reads (a held chunk completes, a pending one is
// claimed), so they are read again until the counts before and after the held count agree:
// "chunks left that no live worker holds" must not be concluded from two different moments.
struct LiveCounts {
  run::ChunkCounts n;
  int held = 0;
};
LiveCounts CountLive(run::Tracker& tracker, const std::string& run_id, const run::TableKey& key) {
  LiveCounts c{tracker.CountChunks(run_id, key), 0};
  for (int attempt = 0; attempt < 5; ++attempt) {
    c.held = c.n.in_progress > 0 ? tracker.CountHeldChunks(run_id, key) : 0;
    run::ChunkCounts again = tracker.CountChunks(run_id, key);
    if (again == c.n) break;
    c.n = again;
  }
  return c;
}

}  // namespace

void SettleRun(run::Tracker& tracker, const SettleInput& in, MigrationResult* result) {
  static const std::vector<TableJob> kNoJobs;
  static const std::map<run::TableKey, TableStats> kNoStats;
  static const TableStats kNoStatsOfTable;
  const std::vector<TableJob>& jobs = in.jobs ? *in.jobs : kNoJobs;
  const std::map<run::TableKey, TableStats>& stats = in.stats ? *in.stats : kNoStats;
  const std::string& run_id = result->run_id;
  result->tables.clear();
  bool failed = !in.unprepared.empty();
  int left = 0, held = 0;  // chunks not done; of those, claimed by live sessions elsewhere
  for (const auto& job : jobs) {
    TableSummary s;
    s.source_name = job.source->source_name;
    s.table = job.Name();
    s.target = job.target_database + "." + job.target_schema + "." + job.target_table;
    s.method = job.Method();
    s.strategy = job.strategy;
    s.status = tracker.FinishTable(run_id, job.key);
    LiveCounts live = CountLive(tracker, run_id, job.key);
    if (s.status != TableStatus::kCompleted && s.status != TableStatus::kFailed &&
        live.n.pending + live.n.in_progress == 0) {
      // Another process finished the table's last chunks between the two reads. Chunks never
      // leave completed or failed, so settling again gives the table its final status: without
      // it, the run could be settled as complete with this table left in progress, its indexes
      // not restored and its rows not checked, if that process died before settling.
      s.status = tracker.FinishTable(run_id, job.key);
      live = CountLive(tracker, run_id, job.key);
    }
    const run::ChunkCounts& n = live.n;
    if (s.status == TableStatus::kCompleted && in.restore_indexes) {
      auto record = tracker.LoadTable(run_id, job.key);
      if (record && record->indexes_disabled && !record->indexes_restored) {
        in.restore_indexes(run_id, *record, job.target_database);
      }
    }
    if (s.status == TableStatus::kCompleted) s.row_check = CheckRows(tracker, run_id, job);
    s.total_chunks = n.total;
    s.completed_chunks = n.completed;
    s.failed_chunks = n.failed;
    s.rows_total = n.rows;
    left += n.pending + n.in_progress;
    held += live.held;
    failed = failed || s.status == TableStatus::kFailed;
    auto found = stats.find(job.key);
    const TableStats& st = found == stats.end() ? kNoStatsOfTable : found->second;
    s.rows = st.rows;
    s.rejected = st.rejected;
    s.deleted = st.deleted;
    s.retries = st.retries;
    s.source_retries = st.source_retries;
    s.chunks_loaded = st.chunks_done;
    s.chunks_lost = st.chunks_failed;
    s.bytes_read = st.json_bytes;
    s.seconds = st.chunks_done > 0
                    ? std::chrono::duration<double>(st.last_end - st.first_start).count()
                    : 0;
    s.errors.insert(s.errors.end(), st.errors.begin(), st.errors.end());
    result->tables.push_back(s);
  }
  for (const auto& f : in.unprepared) result->tables.push_back(f);
  // The run is settled from all its tables: those outside a resume limited to some of them,
  // and those not planned yet (stopped before planning reached them).
  // A joined process settles from them too: the planner may have planned tables after this
  // process joined (they are not among its jobs), and may have died since.
  int others_left = 0, unplanned = 0;
  std::set<run::TableKey> rest(in.others.begin(), in.others.end());
  for (const auto& record : tracker.LoadTables(run_id)) rest.insert(record.key);
  for (const auto& job : jobs) rest.erase(job.key);
  for (const auto& key : rest) {
    auto record = tracker.LoadTable(run_id, key);
    if (record && record->status == TableStatus::kFailed) failed = true;
    if (record &&
        (record->status == TableStatus::kCompleted || record->status == TableStatus::kFailed))
      continue;
    ++others_left;
    if (!in.joining) continue;
    // Tables the planning process has not planned yet, or whose chunks live workers hold:
    // the planner or those workers settle the run, not this process.
    if (!record || !record->metadata.value("planned", false)) {
      ++unplanned;
    } else {
      held += CountLive(tracker, run_id, key).held;
    }
  }
  bool early = result->stopped || result->deadline_reached || !in.worker_error.empty();
  if ((left + others_left > 0 && held > 0 && !early) || (unplanned > 0 && !early)) {
    // Nothing was left for this process to claim, yet other live workers (a joined process,
    // other Lambdas) hold chunks of the run: the last one to finish settles it.
    result->status = RunStatus::kRunning;
    result->error = "other workers are still loading chunks of this run";
    return;
  }
  RunStatus status = left + others_left > 0 ? RunStatus::kPartial
                     : failed               ? RunStatus::kFailed
                                            : RunStatus::kCompleted;
  std::string error;
  if (failed)
    error = "one or more tables failed; see migration_table_status and migration_chunk_status";
  if (left > 0) {
    error = result->stopped            ? "stopped by a signal"
            : result->deadline_reached ? "stopped before the deadline"
            : !in.worker_error.empty() ? "workers stopped early: " + in.worker_error
                                       : "chunks were left unclaimed";
  } else if (others_left > 0) {
    error = std::to_string(others_left) +
            (!in.others.empty() ? " table(s) of the run outside this selection are not finished"
             : in.joining ? " table(s) of the run are not finished and no live worker holds them"
                          : " table(s) of the run are not planned yet") +
            "; resume them with sf2pg migrate --resume-run-id " + run_id;
  }
  tracker.FinishRun(run_id, status, error);
  result->status = status;
  result->error = error;
}

void GiveUpUnplannedTables(run::Tracker& tracker, const std::string& run_id,
                           const std::string& why) {
  for (const auto& record : tracker.LoadTables(run_id)) {
    if (!record.metadata.value("planned", false)) tracker.DeleteTable(run_id, record.key);
  }
  tracker.FinishRun(run_id, RunStatus::kPartial, why);
}

namespace {

class Coordinator {
 public:
  Coordinator(const config::Config& config, const MigrationOptions& options, MigrationDeps& deps)
      : config_(config), options_(options), deps_(deps) {}

  MigrationResult Run() {
    auto started = deps_.clock->Now();
    std::vector<std::string> source_names;
    Selection selection = SelectTables(config_, options_.sources, options_.tables, &source_names);
    execution_hash_ = run::ExecutionHashOf(config_, source_names, options_.tables);
    std::string status_db = config_.StatusDatabase();
    backend_ = deps_.backend ? deps_.backend(status_db, options_.dry_run)
                             : std::make_unique<PgBackend>(status_db, deps_.pg_params,
                                                           options_.dry_run, deps_.vanished_ranges);
    if (!options_.dry_run) backend_->EnsureSchema();

    if (options_.dry_run) {
      Prepare(selection);
      for (const auto& f : failed_tables_) result_.tables.push_back(FailedSummary(f));
      result_.status = failed_tables_.empty() ? RunStatus::kPlanned : RunStatus::kFailed;
    } else if (OpenRun(source_names, selection)) {
      if (!result_.resumed) RepairIndexes(selection);
      Prepare(selection);
      RunWorkers();
      Settle();
    }
    result_.seconds = std::chrono::duration<double>(deps_.clock->Now() - started).count();
    return result_;
  }

 private:
  // Opens a fresh run, or resumes or joins one (run/open.h). Returns false when there is
  // nothing to do.
  bool OpenRun(const std::vector<std::string>& source_names, const Selection& selection) {
    run::OpenedRun opened =
        run::OpenRun(tracker(), config_, selection, source_names, execution_hash_, options_);
    result_.run_id = opened.run_id;
    result_.resumed = opened.resumed;
    joining_ = opened.joined;
    others_ = opened.others;
    if (opened.already_completed) result_.status = RunStatus::kCompleted;
    return !opened.already_completed;
  }

  run::Tracker& tracker() { return backend_->tracker(); }

  void Prepare(const Selection& selection) {
    auto source = deps_.make_source();
    for (const auto& [s, t] : selection) {
      if (StopFlag::Requested()) break;
      PlanReport report;
      try {
        if (joining_) {
          auto record = tracker().LoadTable(
              result_.run_id, {s->source_sf_database, s->source_sf_schema, t->source});
          if (!record || !record->metadata.value("planned", false)) continue;
        }
        jobs_.push_back(backend_->Prepare(*s, *t, *source, result_.run_id, options_.dry_run,
                                          options_.dry_run ? &report : nullptr));
        jobs_.back().allow_deletes = options_.allow_deletes;
        if (options_.dry_run) result_.plans.push_back(report);
      } catch (const run::TargetOwnedError& e) {
        // Another run took the target since this one opened (only with status rows written
        // by hand or by older versions).
        std::string message =
            run::OwnerMessage(config_, options_, e.target(), e.owner(), selection);
        log::Error("target belongs to another run", {{"table", t->target}, {"error", message}});
        GiveUpUnplannedTables(tracker(), result_.run_id, "refused: " + std::string(e.what()));
        throw ConfigError(message);
      } catch (const Error& e) {
        std::string name = s->source_sf_database + "." + s->source_sf_schema + "." + t->source;
        std::string message = Redactor::Redact(e.what());
        log::Error("table cannot be migrated", {{"table", name}, {"error", message}});
        failed_tables_.push_back({s, t, message});
        if (options_.dry_run || joining_) continue;
        run::TableRecord record;
        record.key = {s->source_sf_database, s->source_sf_schema, t->source};
        record.source_name = s->source_name;
        record.target_database = s->target_pg_database;
        record.target_schema = s->target_pg_schema;
        record.target_table = t->target;
        record.metadata = {{"planned", false}};
        tracker().FailTable(result_.run_id, record, message);
      }
    }
  }

  void RunWorkers() {
    if (jobs_.empty()) return;
    WorkShared shared;
    shared.run_id = result_.run_id;
    shared.jobs = &jobs_;
    shared.open_session = [this, run_id = result_.run_id] { return backend_->OpenSession(run_id); };
    shared.make_source = deps_.make_source;
    shared.retry.max_attempts = std::max(1, config_.settings.max_retry_attempts);
    shared.clock = deps_.clock;
    shared.deadline = options_.deadline;
    shared.deadline_buffer = std::chrono::seconds(config_.settings.lambda_timeout_buffer_seconds);
    shared.on_chunk = deps_.on_chunk;
    workers_started_ = deps_.clock->Now();
    int workers = options_.workers;
    if (workers <= 0) {
      for (const auto& j : jobs_) workers = std::max(workers, j.max_threads);
    }
    for (const auto& j : jobs_) {
      tracker().StartTable(result_.run_id, j.key);
      run::ChunkCounts n = tracker().CountChunks(result_.run_id, j.key);
      auto record = tracker().LoadTable(result_.run_id, j.key);
      baseline_[j.key] = {n.total, n.completed, n.rows,
                          record ? record->metadata.value("estimated_rows", int64_t{0}) : 0};
    }
    std::vector<std::thread> threads;
    for (int i = 0; i < workers; ++i) threads.emplace_back(RunWorker, std::ref(shared), i);
    Ticker ticker(deps_.progress, [&] { return Snapshot(shared); });
    for (auto& t : threads) t.join();
    ticker.Stop();
    if (deps_.progress) deps_.progress->Update(Snapshot(shared), true);
    result_.deadline_reached = shared.deadline_reached;
    worker_error_ = shared.worker_error;
    stats_ = std::move(shared.stats);
  }

  // Figures of every table for the progress display.
  std::vector<TableProgress> Snapshot(WorkShared& shared) {
    std::vector<TableProgress> out;
    double seconds = std::chrono::duration<double>(deps_.clock->Now() - workers_started_).count();
    std::lock_guard lock(shared.mu);
    for (const auto& j : jobs_) {
      const Baseline& b = baseline_[j.key];
      const TableStats& s = shared.stats[j.key];
      TableProgress p;
      p.table = j.Name();
      p.chunks_total = b.total;
      p.chunks_done = b.done + static_cast<int>(s.chunks_done + s.chunks_skipped);
      p.chunks_failed = static_cast<int>(s.chunks_failed);
      p.in_flight = shared.in_flight[j.key];
      p.rows = b.rows + s.rows;
      p.rows_estimated = b.estimated;
      p.rows_this_run = s.rows;
      p.seconds = seconds;
      out.push_back(p);
    }
    return out;
  }

  // Calls the progress sink at its interval from its own thread until stopped.
  class Ticker {
   public:
    Ticker(ProgressSink* sink, std::function<std::vector<TableProgress>()> snapshot)
        : sink_(sink), snapshot_(std::move(snapshot)) {
      if (sink_) thread_ = std::thread([this] { Loop(); });
    }
    ~Ticker() { Stop(); }
    void Stop() {
      {
        std::lock_guard lock(mu_);
        stop_ = true;
      }
      cv_.notify_all();
      if (thread_.joinable()) thread_.join();
    }

   private:
    void Loop() {
      std::unique_lock lock(mu_);
      auto interval = std::chrono::duration<double>(sink_->Interval());
      while (!cv_.wait_for(lock, interval, [this] { return stop_; })) {
        lock.unlock();
        sink_->Update(snapshot_(), false);
        lock.lock();
      }
    }
    ProgressSink* sink_;
    std::function<std::vector<TableProgress>()> snapshot_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stop_ = false;
    std::thread thread_;
  };

  struct Baseline {
    int total = 0;
    int done = 0;
    int64_t rows = 0;
    int64_t estimated = 0;
  };

  // Recreates indexes that an earlier run dropped and never restored (it crashed between).
  void RepairIndexes(const Selection& selection) {
    for (const auto& [s, t] : selection) {
      try {
        for (const auto& [run_id, record] :
             tracker().UnrestoredIndexes(s->target_pg_database, s->target_pg_schema, t->target)) {
          RestoreTableIndexes(run_id, record, s->target_pg_database);
        }
      } catch (const Error& e) {
        log::Error("cannot restore indexes dropped by an earlier run",
                   {{"table", t->target}, {"error", e.what()}});
      }
    }
  }

  void RestoreTableIndexes(const std::string& run_id, const run::TableRecord& record,
                           const std::string& target_database) {
    std::vector<std::string> defs;
    for (const auto& d : record.metadata.value("dropped_indexes", json::array())) {
      defs.push_back(d.value("definition", ""));
    }
    backend_->RestoreIndexes(target_database, defs);
    tracker().SetIndexFlags(run_id, record.key, true, true);
    if (!defs.empty()) {
      log::Info("restored indexes",
                {{"table", record.key.ToString()}, {"indexes", static_cast<int64_t>(defs.size())}});
    }
  }

  // Settles each table from its chunks and the run from its tables. The coordinator's session
  // sat idle while the workers ran and may be gone (a restarted server, a terminated backend),
  // so settling reconnects and tries again a few times before it gives up.
  void Settle() {
    SettleInput settle;
    settle.jobs = &jobs_;
    for (const auto& f : failed_tables_) settle.unprepared.push_back(FailedSummary(f));
    settle.others = others_;
    settle.joining = joining_;
    settle.stats = &stats_;
    settle.worker_error = worker_error_;
    settle.restore_indexes = [this](const std::string& run_id, const run::TableRecord& record,
                                    const std::string& target_database) {
      RestoreTableIndexes(run_id, record, target_database);
    };
    RetryPolicy policy;
    policy.max_attempts = 4;
    FullJitterBackoff backoff(policy, 0x5e771e);
    try {
      WithRetries<Error>(
          policy, *deps_.clock, backoff,
          [&](int attempt) {
            if (attempt > 1 || !backend_->Alive()) backend_->Reconnect();
            result_.stopped = StopFlag::Requested();
            SettleRun(tracker(), settle, &result_);
          },
          [](const Error& e) { return Retryable(e.retry()); },
          [&](int attempt, const Error& e, std::chrono::milliseconds) {
            log::Warn("settling the run failed, reconnecting",
                      {{"run_id", result_.run_id},
                       {"attempt", attempt},
                       {"error", Redactor::Redact(e.what())}});
          });
    } catch (const Error& e) {
      std::string message = Redactor::Redact(e.what());
      log::Error("cannot record the run's outcome",
                 {{"run_id", result_.run_id}, {"error", message}});
      result_.status = RunStatus::kFailed;
      result_.error = "cannot record the run's outcome (" + message + "); the run stays resumable";
    }
  }

  struct FailedTable {
    const config::SourceConfig* source;
    const config::TableConfig* table;
    std::string error;
  };

  static TableSummary FailedSummary(const FailedTable& f) {
    TableSummary s;
    s.source_name = f.source->source_name;
    s.table =
        f.source->source_sf_database + "." + f.source->source_sf_schema + "." + f.table->source;
    s.target =
        f.source->target_pg_database + "." + f.source->target_pg_schema + "." + f.table->target;
    s.status = TableStatus::kFailed;
    s.errors.push_back(f.error);
    return s;
  }

  const config::Config& config_;
  const MigrationOptions& options_;
  MigrationDeps& deps_;
  std::string execution_hash_;
  bool joining_ = false;
  /// With a resume limited to some of the run's tables: the run's other tables.
  std::vector<run::TableKey> others_;
  std::unique_ptr<Backend> backend_;
  std::vector<TableJob> jobs_;
  std::vector<FailedTable> failed_tables_;
  std::map<run::TableKey, TableStats> stats_;
  std::map<run::TableKey, Baseline> baseline_;
  std::string worker_error_;  ///< why a worker stopped early, if one did
  Clock::TimePoint workers_started_;
  MigrationResult result_;
};

}  // namespace

MigrationResult RunMigration(const config::Config& config, const MigrationOptions& options,
                             MigrationDeps& deps) {
  return Coordinator(config, options, deps).Run();
}

}  // namespace sf2pg::exec
