// sf2pg: migrate tables from Snowflake into PostgreSQL. This file only parses the command
// line and dispatches; the work lives in the library.
#include <malloc.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "cli/commands.h"
#include "cli/docs.h"
#include "core/error.h"
#include "core/exit_status.h"
#include "core/secret.h"
#include "git_commit.h"  // generated: SF2PG_GIT_COMMIT
#include "lambda/runtime.h"

namespace {

constexpr const char* kExamples = R"(
Examples:
  sf2pg init --database ANALYTICS --schema BI --tables 'FACT*,DIMPATIENT'   # write config.json
  sf2pg validate-config --config config.json
  sf2pg test-connections
  sf2pg migrate                               # all enabled sources, resume if possible
  sf2pg migrate --source analytics --tables DIMPATIENT,FACTVISIT
  sf2pg migrate --no-resume                   # force a fresh run
  sf2pg migrate --resume-run-id 2f0c...       # resume that run
  sf2pg abandon 2f0c...                       # give up that run (never resumed again)
  sf2pg plan --tables DIMPATIENT              # strategy, chunks and their SQL, no data moved
  sf2pg verify                                # compare source and target (checksums, then rows)
  sf2pg status --json
  sf2pg lambda --event '{"action": "validate_config"}'   # one Lambda event, locally

Exit codes: 0 done, 1 failed, 2 bad usage or configuration, 3 stopped early (resumable).
Credentials come from the environment or a .env file (see env.example).)";

// A number of seconds, hours, rows or days: above 0 and finite. (CLI::PositiveNumber's message
// for a value that is not a number names the largest double in 309 digits.)
const CLI::Validator kPositive(
    [](std::string& text) {
      char* end = nullptr;
      errno = 0;
      double value = std::strtod(text.c_str(), &end);
      if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(value) || value <= 0) {
        return "expected a number greater than 0, not '" + text + "'";
      }
      return std::string();
    },
    "NUMBER>0");

}  // namespace

int main(int argc, char** argv) {
  using namespace sf2pg;
  // Result partitions (megabytes each) are downloaded on one thread and freed on another. With
  // glibc's default the mmap threshold rises after the first such free, later buffers come from
  // the heaps of many arenas, which keep what they get: peak RSS grew with the length of a run
  // (150 MB for 1M rows, 189 MB for 4M, 4 workers). A fixed threshold maps every large buffer on
  // its own and returns it when freed (94 MB for 4M rows).
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  app::GlobalOptions global;
  // As the Lambda bootstrap, sf2pg is started without arguments.
  if (argc == 1 && std::getenv("AWS_LAMBDA_RUNTIME_API")) {
    global.config_path = lambda::LambdaConfigPath();
    return lambda::RunRuntime(global);
  }
  app::MigrateOptions migrate;
  app::StatusOptions status;

  CLI::App app{"sf2pg " SF2PG_VERSION ": migrate tables from Snowflake into PostgreSQL", "sf2pg"};
  app.footer(kExamples);
  app.set_version_flag("--version",
                       std::string("sf2pg ") + SF2PG_VERSION + " (commit " SF2PG_GIT_COMMIT ")");
  app.require_subcommand(1);
  app.option_defaults()->always_capture_default();
  // Global options are accepted before or after the subcommand.
  auto add_global = [&](CLI::App* sub) {
    sub->add_option("-c,--config", global.config_path, "Configuration file")->capture_default_str();
    sub->add_option("--env-file", global.env_file,
                    "File of KEY=VALUE credentials; real environment variables win")
        ->check(CLI::ExistingFile);
    sub->add_option("--log-format", global.log_format, "Log format: auto, text or json")
        ->check(CLI::IsMember({"auto", "text", "json"}));
    sub->add_option("--log-level", global.log_level,
                    "debug, info, warning or error (default: LOG_LEVEL)")
        ->check(CLI::IsMember({"debug", "info", "warning", "error"}));
    sub->add_flag("-q,--quiet", global.quiet, "No progress display, warnings and errors only");
  };

  auto* validate = app.add_subcommand("validate-config", "Check config.json and the environment");
  add_global(validate);
  app::InitOptions init_options;
  auto* init = app.add_subcommand(
      "init",
      "Write a starting config.json (and a .env template) from a Snowflake schema's catalog");
  add_global(init);
  init->add_option("--database", init_options.database, "Snowflake database, as stored")
      ->required();
  init->add_option("--schema", init_options.schema, "Snowflake schema, as stored")->required();
  init->add_option("-t,--tables", init_options.tables,
                   "Only tables matching these patterns (comma separated; * and ?, any case)")
      ->delimiter(',');
  init->add_option("--out", init_options.out, "Config file to write (default: the --config file)");
  init->add_option("--env-out", init_options.env_out, "Credentials template to write");
  init->add_flag("--force", init_options.force, "Overwrite the output files if they exist");
  init->add_option("--source-name", init_options.source_name,
                   "source_name (default: the database, lower-cased)");
  init->add_option("--target-database", init_options.target_database,
                   "PostgreSQL database (default: the Snowflake database, lower-cased)");
  init->add_option("--target-schema", init_options.target_schema,
                   "PostgreSQL schema (default: the Snowflake schema, lower-cased)");

  auto* test = app.add_subcommand("test-connections", "Connect to Snowflake and PostgreSQL");
  add_global(test);

  auto* run = app.add_subcommand("migrate", "Run (or resume) a migration");
  add_global(run);
  run->add_option("-s,--source", migrate.sources, "Migrate only this source (repeatable)");
  run->add_option("-t,--tables", migrate.tables, "Migrate only these tables (comma separated)")
      ->delimiter(',');
  run->add_flag("--no-resume", migrate.no_resume, "Start a fresh run even if one could resume");
  run->add_option("--resume-max-age", migrate.resume_max_age_hours,
                  "Resume only runs younger than this many hours (default 12)")
      ->check(kPositive);
  run->add_option("--resume-run-id", migrate.resume_run_id, "Resume this run");
  run->add_flag("--dry-run", migrate.dry_run, "Plan and print what would happen; move no data");
  run->add_flag("--allow-deletes", migrate.allow_deletes,
                "Let tables with a delete_mode delete more than their max_delete_share");
  run->add_option("--deadline", migrate.deadline_seconds,
                  "Stop claiming chunks so the run ends within this many seconds (exit 3)")
      ->check(kPositive);
  run->add_option("--join-run-id", migrate.run_id,
                  "Join a running run as an extra worker: claim its pending chunks, plan nothing");
  run->add_option("--summary-json", migrate.summary_json, "Write the run summary as JSON here");
  run->add_option("--progress-interval", migrate.progress_interval,
                  "Seconds between progress lines when not on a terminal (default 15)")
      ->check(kPositive);

  auto* plan = app.add_subcommand(
      "plan", "Show what migrate would do (strategy, chunks, SQL); move no data");
  add_global(plan);
  plan->add_option("-s,--source", migrate.sources, "Plan only this source (repeatable)");
  plan->add_option("-t,--tables", migrate.tables, "Plan only these tables (comma separated)")
      ->delimiter(',');

  app::VerifyOptions verify;
  auto* check = app.add_subcommand(
      "verify",
      "Compare source and target by key-range checksums or row by row; exit 0 only when "
      "identical");
  add_global(check);
  check->add_option("-s,--source", verify.sources, "Verify only this source (repeatable)");
  check->add_option("-t,--tables", verify.tables, "Verify only these tables (comma separated)")
      ->delimiter(',');
  check->add_option("--max-rows", verify.max_rows, "Differing rows printed per table")
      ->check(kPositive);
  check->add_flag("--json", verify.json, "Print JSON instead of text");
  check->add_flag("--repair", verify.repair,
                  "Reload what differs with UPSERT and delete the extra rows (an ordinary run), "
                  "then verify again");
  check->add_flag("--allow-deletes", verify.allow_deletes,
                  "With --repair: delete more than a table's max_delete_share");
  check
      ->add_option("--method", verify.method,
                   "auto (checksums from --checksum-threshold source rows), checksum or rows")
      ->check(CLI::IsMember({"auto", "checksum", "rows"}));
  check
      ->add_option("--checksum-threshold", verify.checksum_threshold,
                   "Source rows from which --method auto compares checksums (default 1000000)")
      ->check(CLI::NonNegativeNumber);
  check
      ->add_option("--leaf-rows", verify.leaf_rows,
                   "Checksum method: ranges are cut down to this many rows, then compared row by "
                   "row (default 4000)")
      ->check(kPositive);

  auto* stat = app.add_subcommand("status", "Show recent runs, or one run's tables and failures");
  add_global(stat);
  stat->add_option("--run-id", status.run_id, "Show this run in detail");
  stat->add_option("--limit", status.limit, "How many recent runs to list")->check(kPositive);
  stat->add_flag("--json", status.json, "Print JSON instead of tables");
  stat->add_option("--prune-older-than", status.prune_older_than_days,
                   "Delete status rows of runs older than this many days")
      ->check(kPositive);

  std::string abandon_run_id;
  auto* abandon = app.add_subcommand(
      "abandon",
      "Give up an unfinished run: never resumed again, it no longer holds its target tables");
  add_global(abandon);
  abandon->add_option("run-id", abandon_run_id, "The run to abandon")->required();

  auto* lam = app.add_subcommand(
      "lambda", "Serve AWS Lambda invocations (the custom runtime), or handle one event locally");
  add_global(lam);
  std::string event, event_file;
  std::optional<double> event_deadline;
  lam->add_option("--event", event, "Handle this event JSON locally and print the answer");
  lam->add_option("--event-file", event_file, "Handle the event JSON in this file");
  lam->add_option("--deadline", event_deadline, "Remaining time of the local invocation, seconds")
      ->check(kPositive);

  // Hidden: `sf2pg --generate-man` and `sf2pg completion bash|zsh` print the man page and the
  // shell completions, generated from the definition above (cli/docs.h); the build installs them.
  cli::AddDocGenerators(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitDone : kExitUsage;
  }

  try {
    if (*validate) return cli::ValidateConfig(global);
    if (*init) {
      if (init->get_option("--out")->count() == 0) init_options.out = global.config_path;
      return cli::Init(global, init_options);
    }
    if (*test) return cli::TestConnections(global);
    if (*run) return cli::Migrate(global, migrate);
    if (*stat) return cli::Status(global, status);
    if (*abandon) return cli::Abandon(global, abandon_run_id);
    if (*check) return cli::Verify(global, verify);
    if (*plan) {
      migrate.dry_run = true;
      return cli::Migrate(global, migrate);
    }
    if (*lam) {
      if (lam->get_option("--config")->count() == 0)
        global.config_path = lambda::LambdaConfigPath();
      if (!event_file.empty()) {
        std::ifstream in(event_file);
        if (!in) throw ConfigError("cannot read " + event_file);
        std::stringstream text;
        text << in.rdbuf();
        event = text.str();
      }
      if (event.empty()) return lambda::RunRuntime(global);
      return lambda::RunOneEvent(global, event, event_deadline);
    }
  } catch (const ConfigError& e) {
    std::cerr << Redactor::Redact(e.what()) << "\n";
    return kExitUsage;
  } catch (const StoppedError& e) {
    std::cerr << Redactor::Redact(e.what()) << "\n";
    return kExitResumable;
  } catch (const std::exception& e) {
    std::cerr << "error: " << Redactor::Redact(e.what()) << "\n";
    return kExitFailed;
  }
  return kExitUsage;
}
