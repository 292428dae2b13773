// The sf2pg subcommands. Each returns a process exit status (core/exit_status.h) and throws
// only for errors main() maps to an exit status.
#pragma once

#include <string>

#include "app/init.h"
#include "app/options.h"

namespace sf2pg::cli {

using app::GlobalOptions;
using app::MigrateOptions;
using app::StatusOptions;
using app::VerifyOptions;

int ValidateConfig(const GlobalOptions& global);
/// Writes a starting config.json and .env template from the Snowflake catalog (app/init.h) and
/// prints what it found.
int Init(const GlobalOptions& global, const app::InitOptions& options);
int Verify(const GlobalOptions& global, const VerifyOptions& options);
int TestConnections(const GlobalOptions& global);
int Migrate(const GlobalOptions& global, const MigrateOptions& options);
int Status(const GlobalOptions& global, const StatusOptions& options);
/// Gives up an unfinished run (docs/run_state.md): it is never resumed and no longer holds
/// its target tables. Refused while live workers hold chunks of it.
int Abandon(const GlobalOptions& global, const std::string& run_id);

}  // namespace sf2pg::cli
