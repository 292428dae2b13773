#include "run/open.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "config/hash.h"
#include "core/error.h"
#include "core/strings.h"
#include "log/log.h"

namespace sf2pg::run {
namespace {

using nlohmann::json;

std::string Hostname() {
  char buf[256] = {0};
  gethostname(buf, sizeof buf - 1);
  return buf;
}

}  // namespace

TableKey KeyOf(const config::SourceConfig& s, const config::TableConfig& t) {
  return {s.source_sf_database, s.source_sf_schema, t.source};
}

TargetName TargetOf(const config::SourceConfig& s, const config::TableConfig& t) {
  return {s.target_pg_database, s.target_pg_schema, t.target};
}

Selection SelectTables(const config::Config& config, const std::vector<std::string>& source_list,
                       const std::vector<std::string>& table_list,
                       std::vector<std::string>* source_names) {
  std::vector<const config::SourceConfig*> sources;
  std::string unknown;
  for (const auto& name : source_list) {
    const auto* s = config.FindSource(name);
    if (!s)
      unknown += (unknown.empty() ? "" : ", ") + name;
    else
      sources.push_back(s);
  }
  if (!unknown.empty()) {
    std::string known;
    for (const auto& s : config.sources) known += (known.empty() ? "" : ", ") + s.source_name;
    throw ConfigError("unknown source " + unknown + " (configured: " + known + ")");
  }
  if (sources.empty()) {
    for (const auto& s : config.sources) {
      if (s.enabled) sources.push_back(&s);
    }
  }
  std::set<std::string> wanted;
  for (const auto& t : table_list) wanted.insert(Lower(t));
  std::set<std::string> found;
  Selection out;
  for (const auto* s : sources) {
    source_names->push_back(s->source_name);
    for (const auto& t : s->tables) {
      if (!t.enabled) continue;
      if (!wanted.empty()) {
        std::string by_source = Lower(t.source), by_target = Lower(t.target);
        if (!wanted.count(by_source) && !wanted.count(by_target)) continue;
        found.insert(wanted.count(by_source) ? by_source : by_target);
      }
      out.emplace_back(s, &t);
    }
  }
  for (const auto& w : wanted) {
    if (!found.count(w)) unknown += (unknown.empty() ? "" : ", ") + w;
  }
  if (!unknown.empty())
    throw ConfigError("--tables: no enabled table named " + unknown + " in the selected sources");
  return out;
}

std::string ExecutionHashOf(const config::Config& config,
                            const std::vector<std::string>& source_names,
                            const std::vector<std::string>& tables) {
  std::vector<std::string> hashed = source_names;
  if (!tables.empty()) {
    std::vector<std::string> t;
    for (const auto& name : tables) t.push_back("table:" + Lower(name));
    std::sort(t.begin(), t.end());
    hashed.insert(hashed.end(), t.begin(), t.end());
  }
  return config::ExecutionHash(config.config_hash, hashed);
}

namespace {

// The tables a run selected, from its stored selection; nullopt when the configuration
// changed since (its tables can no longer be told).
std::optional<Selection> RunSelection(const config::Config& config_, const RunInfo& run) {
  if (run.config_hash != config_.config_hash) return std::nullopt;
  std::vector<std::string> sources, names;
  for (const auto& s : run.metadata.value("sources", json::array())) {
    if (s.is_string()) sources.push_back(s.get<std::string>());
  }
  std::vector<std::string> tables;
  for (const auto& t : run.metadata.value("tables_filter", json::array())) {
    if (t.is_string()) tables.push_back(t.get<std::string>());
  }
  try {
    return SelectTables(config_, sources, tables, &names);
  } catch (const ConfigError&) {
    return std::nullopt;
  }
}

std::string Joined(const json& list) {
  std::string out;
  for (const auto& x : list) {
    if (x.is_string()) out += (out.empty() ? "" : ", ") + x.get<std::string>();
  }
  return out;
}

std::string SelectionText(const RunInfo& run) {
  std::string tables = Joined(run.metadata.value("tables_filter", json::array()));
  return "sources " + Joined(run.metadata.value("sources", json::array())) + "; " +
         (tables.empty() ? "all their enabled tables" : "tables " + tables);
}

std::string ResumeCommand(const std::string& run_id, const std::vector<std::string>& sources,
                          const std::vector<std::string>& tables) {
  std::string out = "sf2pg migrate --resume-run-id " + run_id;
  for (const auto& s : sources) out += " --source " + s;
  std::string list;
  for (const auto& t : tables) list += (list.empty() ? "" : ",") + t;
  if (!list.empty()) out += " --tables " + list;
  return out;
}

// Why a target cannot be loaded now, and the commands that continue or give up its owner.
}  // namespace

std::string OwnerMessage(const config::Config& config_, const OpenRequest& options_,
                         const TargetName& target, const TargetOwner& owner,
                         const Selection& selection) {
  const RunInfo& r = owner.run;
  std::string out = "refusing to load " + target.ToString() + ": it belongs to unfinished run " +
                    r.run_id + " (status " + ToString(r.status) + ", started " + r.started_at +
                    " UTC, selection: " + SelectionText(r) + "; its table " + owner.key.ToString() +
                    " there is " + ToString(owner.table_status) +
                    "). A target table is loaded by one unfinished run at a time: two runs "
                    "would truncate or duplicate each other's rows.\n";
  // The owner's own selection resumes it whole; the current one when it is a subset.
  std::vector<std::string> sources, tables;
  auto all = RunSelection(config_, r);
  if (all && r.metadata.value("sources", json::array()).size() !=
                 static_cast<size_t>(std::count_if(config_.sources.begin(), config_.sources.end(),
                                                   [](const auto& s) { return s.enabled; }))) {
    for (const auto& s : r.metadata.value("sources", json::array()))
      sources.push_back(s.get<std::string>());
  }
  for (const auto& t : r.metadata.value("tables_filter", json::array()))
    tables.push_back(t.get<std::string>());
  std::string whole = ResumeCommand(r.run_id, sources, tables);
  bool subset = all.has_value() && (!options_.sources.empty() || !options_.tables.empty());
  for (const auto& picked : selection) {
    const TableKey key = KeyOf(*picked.first, *picked.second);
    subset = subset && std::any_of(all->begin(), all->end(), [&](const auto& x) {
               return KeyOf(*x.first, *x.second) == key;
             });
  }
  if (subset) {
    out += "To continue that run for these tables:  " +
           ResumeCommand(r.run_id, options_.sources, options_.tables) +
           "\n  (all of its tables:  " + whole + ")\n";
  } else {
    out += "To continue that run:  " + whole +
           (all ? "\n" : "  (with the configuration it was started with: it differs)\n");
  }
  out += "To give it up instead:  sf2pg abandon " + r.run_id +
         "  (refused while its workers are live), then run this command again.";
  return out;
}

namespace {

class Opener {
 public:
  Opener(Tracker& tracker, const config::Config& config, const std::string& execution_hash,
         const OpenRequest& request)
      : config_(config), options_(request), store_(&tracker), execution_hash_(execution_hash) {}

  OpenedRun Open(const std::vector<std::string>& source_names, const Selection& selection) {
    OpenRun(source_names, selection);
    result_.joined = joining_;
    result_.others = others_;
    return result_;
  }

 private:
  // Opens a fresh run, or resumes or joins one. Returns false when there is nothing to do.
  bool OpenRun(const std::vector<std::string>& source_names, const Selection& selection) {
    double max_age = options_.resume_max_age_hours.value_or(config_.settings.resume_max_age_hours);
    std::optional<RunInfo> existing;
    joining_ = !options_.join_run_id.empty();
    std::string wanted = joining_ ? options_.join_run_id : options_.resume_run_id;
    if (!wanted.empty()) {
      existing = store_->LoadRun(wanted);
      if (!existing)
        throw ConfigError("no run with id " + wanted + " in migration_status.migration_runs");
      if (existing->status == RunStatus::kAbandoned) {
        throw ConfigError("run " + wanted + " was abandoned (" + existing->error_message +
                          ") and cannot be " + (joining_ ? "joined" : "resumed") +
                          "; start a fresh run");
      }
      if (existing->metadata.value("execution_hash", "") != execution_hash_) {
        if (joining_) {
          throw ConfigError("run " + wanted +
                            " was started with a different configuration or "
                            "source selection; start a fresh run with --no-resume");
        }
        CheckSubset(*existing, selection);
      }
      if (existing->status == RunStatus::kCompleted) {
        log::Info("run already completed", {{"run_id", wanted}});
        result_.run_id = wanted;
        result_.already_completed = true;
        result_.resumed = true;
        return false;
      }
    } else if (!options_.no_resume) {
      existing = store_->FindResumable(execution_hash_, max_age);
    }
    if (existing) {
      result_.run_id = TakeTargets(selection, existing->run_id, {});
      result_.resumed = true;
      if (!joining_) {
        store_->MarkResumed(existing->run_id);
        std::vector<TableKey> only;
        if (!others_.empty()) {
          for (const auto& [s, t] : selection) only.push_back(KeyOf(*s, *t));
        }
        store_->ResetFailedChunks(existing->run_id, only);
      }
      log::Info(joining_ ? "joining run" : "resuming run",
                {{"run_id", existing->run_id},
                 {"started_at", existing->started_at},
                 {"previous_status", ToString(existing->status)}});
      return true;
    }
    NewRun fresh;
    fresh.config_hash = config_.config_hash;
    fresh.total_sources = static_cast<int>(source_names.size());
    fresh.total_tables = static_cast<int>(selection.size());
    fresh.metadata = {{"execution_hash", execution_hash_},
                      {"sources", source_names},
                      {"tables_filter", options_.tables},
                      {"sf2pg_version", SF2PG_VERSION},
                      {"migration_version", options_.migration_version},
                      {"host", Hostname()},
                      {"pid", static_cast<int64_t>(getpid())}};
    const char* user = std::getenv("USER");
    fresh.created_by = std::string(user ? user : "sf2pg") + "@" + Hostname();
    result_.run_id = TakeTargets(selection, "", fresh);
    log::Info("started run",
              {{"run_id", result_.run_id}, {"tables", static_cast<int64_t>(selection.size())}});
    return true;
  }

  // Takes the selected targets for run `run_id` (a fresh run, created from `fresh`, when
  // empty), in one transaction under the targets' advisory locks: refuses when another
  // unfinished run has unfinished work on one of them (docs/run_state.md, "One unfinished run
  // per target"), and gives each selected table without a status row a placeholder row
  // (`planned: false`), so that the run owns its targets from this commit on and a process
  // opening a run on them at the same instant sees it. A joined run only checks.
  std::string TakeTargets(const Selection& selection, const std::string& run_id,
                          const NewRun& fresh) {
    std::vector<TableRecord> tables;
    for (const auto& [s, t] : selection) {
      TableRecord record;
      record.key = KeyOf(*s, *t);
      record.source_name = s->source_name;
      record.target_database = s->target_pg_database;
      record.target_schema = s->target_pg_schema;
      record.target_table = t->target;
      record.metadata = {{"planned", false}};
      tables.push_back(record);
    }
    try {
      return store_->TakeTargets(run_id, tables, !joining_, fresh);
    } catch (const TargetOwnedError& e) {
      throw ConfigError(OwnerMessage(config_, options_, e.target(), e.owner(), selection));
    }
  }

  // A resume whose selection differs from the run's: allowed when every selected table is one
  // of the run's (same configuration); the run's other tables are then left as they are.
  void CheckSubset(const RunInfo& run, const Selection& selection) {
    auto theirs = RunSelection(config_, run);
    if (!theirs) {
      throw ConfigError("run " + run.run_id +
                        " was started with a different configuration (config_hash " +
                        run.config_hash + ", now " + config_.config_hash +
                        "); start a fresh run with --no-resume");
    }
    std::set<TableKey> keys;
    for (const auto& [s, t] : *theirs) keys.insert(KeyOf(*s, *t));
    for (const auto& [s, t] : selection) {
      if (!keys.count(KeyOf(*s, *t))) {
        throw ConfigError("--resume-run-id " + run.run_id + ": table " + KeyOf(*s, *t).ToString() +
                          " (source " + s->source_name + ", target " + TargetOf(*s, *t).ToString() +
                          ") is not part of run " + run.run_id + ", which selected " +
                          SelectionText(run) + "; select only its tables, or start a fresh run");
      }
      keys.erase(KeyOf(*s, *t));
    }
    others_.assign(keys.begin(), keys.end());
  }

  const config::Config& config_;
  const OpenRequest& options_;
  Tracker* store_;
  std::string execution_hash_;
  bool joining_ = false;
  std::vector<TableKey> others_;
  OpenedRun result_;
};

}  // namespace

OpenedRun OpenRun(Tracker& tracker, const config::Config& config, const Selection& selection,
                  const std::vector<std::string>& source_names, const std::string& execution_hash,
                  const OpenRequest& request) {
  return Opener(tracker, config, execution_hash, request).Open(source_names, selection);
}

}  // namespace sf2pg::run
