// Opening a run: a fresh one, or resuming or joining one, under the rules of
// docs/run_state.md (same execution hash, younger than resume_max_age, one unfinished run per
// target, a resume limited to some of the run's tables).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "run/tracker.h"

namespace sf2pg::run {

/// The tables of one invocation: (source, table) pairs of the configuration.
using Selection = std::vector<std::pair<const config::SourceConfig*, const config::TableConfig*>>;

/// The enabled tables of the named sources (every enabled source when `sources` is empty),
/// limited to `tables` (Snowflake or target names, any case) when given. Appends the selected
/// source names to `source_names`. Throws ConfigError naming unknown sources or tables.
Selection SelectTables(const config::Config& config, const std::vector<std::string>& sources,
                       const std::vector<std::string>& tables,
                       std::vector<std::string>* source_names);

TableKey KeyOf(const config::SourceConfig& source, const config::TableConfig& table);
TargetName TargetOf(const config::SourceConfig& source, const config::TableConfig& table);

/// What the invocation asked for.
struct OpenRequest {
  std::vector<std::string> sources;  ///< --source as given; empty = every enabled source
  std::vector<std::string> tables;   ///< --tables as given; empty = every enabled table
  bool no_resume = false;
  std::optional<double> resume_max_age_hours;
  std::string resume_run_id;
  std::string join_run_id;  ///< work on this run's chunks without planning
  std::string migration_version;
};

struct OpenedRun {
  std::string run_id;
  bool resumed = false;            ///< an existing run, resumed or joined
  bool joined = false;             ///< joined: its chunks only, no planning
  bool already_completed = false;  ///< the run asked for had completed: nothing to do
  /// With a resume limited to some of the run's tables: the run's other tables.
  std::vector<TableKey> others;
};

/// The execution hash of an invocation: the config hash, the selected sources and, for a run
/// limited to some tables, those tables (a limited run only resumes one limited the same way).
std::string ExecutionHashOf(const config::Config& config,
                            const std::vector<std::string>& source_names,
                            const std::vector<std::string>& tables);

/// Opens a fresh run, or resumes or joins one, and takes its targets (docs/run_state.md). Throws
/// ConfigError for an unknown, abandoned or foreign run, and TargetOwnedError-style
/// ConfigErrors naming the run that owns a selected target, with the commands that continue or
/// abandon it.
OpenedRun OpenRun(Tracker& tracker, const config::Config& config, const Selection& selection,
                  const std::vector<std::string>& source_names, const std::string& execution_hash,
                  const OpenRequest& request);

/// Why `target` cannot be loaded now (unfinished run `owner` holds it), with the commands that
/// continue that run (for these tables, or all of its own) or give it up.
std::string OwnerMessage(const config::Config& config, const OpenRequest& request,
                         const TargetName& target, const TargetOwner& owner,
                         const Selection& selection);

}  // namespace sf2pg::run
