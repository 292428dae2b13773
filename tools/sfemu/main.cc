// sfemu: a Snowflake SQL API v2 emulator backed by PostgreSQL. This file only parses the
// command line and dispatches to `serve` and `load`.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "cli/docs.h"
#include "core/error.h"
#include "core/secret.h"
#include "core/strings.h"
#include "loader.h"
#include "log/log.h"
#include "server.h"

namespace {

using namespace sf2pg;
using namespace sf2pg::sfemu;

struct PgOptions {
  std::string host, user, password, database, sslmode = "disable";
  int port = 0;
};

void AddPgOptions(CLI::App* app, PgOptions& pg) {
  app->add_option("--pg-host", pg.host, "PostgreSQL host (default: PGHOST or localhost)");
  app->add_option("--pg-port", pg.port, "PostgreSQL port (default: PGPORT or 5432)");
  app->add_option("--pg-user", pg.user, "PostgreSQL user (default: PGUSER)");
  app->add_option("--pg-database", pg.database, "PostgreSQL database (default: PGDATABASE)");
  app->add_option("--pg-sslmode", pg.sslmode, "sslmode (default: PGSSLMODE or disable)");
}

std::string Env(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

postgres::ConnectParams ConnectParamsFrom(const PgOptions& o) {
  postgres::ConnectParams p;
  p.host = o.host.empty() ? Env("PGHOST", "localhost") : o.host;
  p.port = o.port ? o.port : std::stoi(Env("PGPORT", "5432"));
  p.user = o.user.empty() ? Env("PGUSER", "postgres") : o.user;
  p.dbname = o.database.empty() ? Env("PGDATABASE", p.user) : o.database;
  p.sslmode = Env("PGSSLMODE", o.sslmode);
  // The password comes only from the environment (PGPASSWORD), never from the command line.
  p.password = Secret(Env("PGPASSWORD", ""));
  p.application_name = "sfemu";
  return p;
}

struct ServeArgs {
  std::string account;
  std::vector<std::string> users;
  std::vector<std::string> public_keys;
  std::vector<std::string> pat_files;
  std::vector<std::string> blocked_users;
  std::vector<std::string> roles;
  std::vector<std::string> fault_rates;
  std::vector<std::string> fault_rules;
  int64_t fault_latency_ms = 0;
  int64_t fault_slow_ms = 2000;
  int64_t fault_retry_after = 1;
  uint64_t seed = 1;
  int executors = 4;
  size_t memory_mb = 512;
  size_t first_bytes = 100000;
  size_t max_bytes = 4 << 20;
  double growth = 2.0;
  std::string log_level = "info";
};

/// "USER=VALUE" or "VALUE" (for the first --user).
std::pair<std::string, std::string> UserValue(const std::string& spec, const ServeArgs& a) {
  size_t eq = spec.find('=');
  if (eq != std::string::npos) return {Upper(spec.substr(0, eq)), spec.substr(eq + 1)};
  if (a.users.empty()) throw ConfigError("give --user, or USER=" + spec);
  return {Upper(a.users[0]), spec};
}

AuthConfig BuildAuth(const ServeArgs& a) {
  AuthConfig auth;
  auth.account = a.account;
  for (const auto& u : a.users) auth.keys[Upper(u)];
  for (const auto& spec : a.public_keys) {
    auto [user, path] = UserValue(spec, a);
    auth.keys[user].push_back(LoadUserKey(path));
  }
  for (const auto& spec : a.pat_files) {
    auto [user, path] = UserValue(spec, a);
    std::ifstream in(path);
    std::string token;
    if (!std::getline(in, token) || token.empty()) throw ConfigError("no token in " + path);
    Redactor::Register(token);
    auth.pats[token] = user;
  }
  if (const char* pat = std::getenv("SFEMU_PAT"); pat && *pat && !a.users.empty()) {
    Redactor::Register(pat);
    auth.pats[pat] = Upper(a.users[0]);
  }
  for (const auto& u : a.blocked_users) auth.blocked_users.insert(Upper(u));
  return auth;
}

FaultConfig BuildFaults(const ServeArgs& a) {
  nlohmann::json rules = nlohmann::json::array();
  for (const auto& r : a.fault_rules) rules.push_back(nlohmann::json::parse(r));
  FaultConfig c = ParseFaultConfig(nlohmann::json{{"rules", rules}});
  c.seed = a.seed;
  c.latency_ms = a.fault_latency_ms;
  c.slow_ms = a.fault_slow_ms;
  c.retry_after_seconds = a.fault_retry_after;
  for (const auto& spec : a.fault_rates) ApplyFaultRate(c, spec);
  return c;
}

int Serve(const PgOptions& pg_options, ServeOptions options, StoreOptions store_options,
          ServeArgs args) {
  postgres::ConnectParams pg = ConnectParamsFrom(pg_options);
  {
    postgres::Connection conn(pg);
    PgCatalog::Bootstrap(conn);
  }
  for (const auto& r : args.roles) options.roles.insert(r);
  store_options.executors = args.executors;
  store_options.memory_budget = args.memory_mb << 20;
  store_options.policy.first_bytes = args.first_bytes;
  store_options.policy.max_bytes = args.max_bytes;
  store_options.policy.growth = args.growth;
  store_options.policy.gzip_level = options.gzip_level;
  if (store_options.spill_dir.empty()) {
    store_options.spill_dir =
        (std::filesystem::temp_directory_path() / ("sfemu-spill-" + std::to_string(getpid())))
            .string();
  }
  // Signals are handled by one thread so that the server can stop cleanly.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  FaultInjector faults(BuildFaults(args));
  StatementStore store(pg, store_options);
  Server server(options, BuildAuth(args), store, faults, pg);
  if (!server.Bind()) {
    log::Error("cannot listen", {{"host", options.host}, {"port", options.port}});
    return 1;
  }
  log::Info("sfemu listening", {{"host", options.host},
                                {"port", server.port()},
                                {"account", NormalizeAccount(args.account)},
                                {"postgres", pg.Describe()}});
  std::string spill_dir = store_options.spill_dir;
  std::atomic<bool> stopping{false};
  std::thread waiter([&server, &stopping, signals, spill_dir] {
    int sig = 0;
    sigwait(&signals, &sig);
    stopping = true;
    log::Info("stopping", {{"signal", sig}});
    server.Stop();
    // httplib keeps idle keep-alive connections (and so its thread pool) until their timeout;
    // nothing needs an orderly shutdown, so answers in flight get a moment and the process ends.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::filesystem::remove_all(spill_dir);
    log::Info("stopped");
    std::fflush(nullptr);
    std::_Exit(0);
  });
  server.Run();
  // The process ends in the waiter (std::_Exit): returning from here would run the static
  // destructors (the log's among them) while the waiter still uses them.
  if (stopping) waiter.join();
  log::Error("the server stopped without a signal");
  std::fflush(nullptr);
  std::_Exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"sfemu: a Snowflake SQL API v2 emulator backed by PostgreSQL", "sfemu"};
  sf2pg::cli::AddManGenerator(app);  // the installed man page (tools/sfemu/CMakeLists.txt)
  app.require_subcommand(1);
  PgOptions pg;
  ServeOptions serve_options;
  StoreOptions store_options;
  ServeArgs args;
  LoadOptions load_options;

  auto* serve = app.add_subcommand("serve", "Serve the SQL API");
  AddPgOptions(serve, pg);
  serve->add_option("--host", serve_options.host, "Listen address")->capture_default_str();
  serve->add_option("--port", serve_options.port, "Listen port (0 picks a free one)")
      ->capture_default_str();
  serve->add_option("--port-file", serve_options.port_file, "Write the port here once listening");
  serve->add_option("--threads", serve_options.http_threads, "HTTP threads")->capture_default_str();
  serve
      ->add_option("--executors", args.executors, "Statements run at once (PostgreSQL connections)")
      ->capture_default_str();
  serve->add_option("--account", args.account, "Account identifier (JWT claims)")->required();
  serve->add_option("--user", args.users, "A user (repeatable)");
  serve->add_option("--public-key", args.public_keys,
                    "[USER=]FILE: a user's RSA public key (PEM; a private key file works too); "
                    "repeat for key rotation");
  serve->add_option("--pat-file", args.pat_files,
                    "[USER=]FILE: a programmatic access token (also SFEMU_PAT)");
  serve->add_option("--blocked-user", args.blocked_users, "Users answered 403 (network policy)");
  serve->add_option("--role", args.roles, "Roles a request may name (default: any)");
  serve->add_option("--default-role", serve_options.default_role)->capture_default_str();
  serve->add_option("--timezone", serve_options.timezone, "Default TIMEZONE")
      ->capture_default_str();
  serve->add_option("--server-version", serve_options.version, "CURRENT_VERSION()")
      ->capture_default_str();
  serve
      ->add_option("--sync-wait-ms", serve_options.sync_wait_ms,
                   "How long a POST waits before answering 202 (real service: 45000)")
      ->capture_default_str();
  serve->add_option("--partition-first-bytes", args.first_bytes, "First partition's JSON budget")
      ->capture_default_str();
  serve->add_option("--partition-max-bytes", args.max_bytes, "Largest partition budget")
      ->capture_default_str();
  serve->add_option("--partition-growth", args.growth, "Budget factor per partition")
      ->capture_default_str();
  serve->add_option("--gzip-level", serve_options.gzip_level, "zlib level for partitions")
      ->capture_default_str();
  serve->add_option("--memory-mb", args.memory_mb, "Partitions kept in memory before spilling")
      ->capture_default_str();
  serve->add_option("--spill-dir", store_options.spill_dir,
                    "Where partitions spill (default: a temp folder)");
  serve
      ->add_option("--cache-entries", store_options.cache_entries,
                   "Result cache size in statements (0 = off); keyed by statement text, "
                   "invalidated by any write")
      ->capture_default_str();
  serve
      ->add_option("--result-ttl", store_options.result_ttl_seconds,
                   "Seconds results stay fetchable")
      ->capture_default_str();
  serve->add_option("--seed", args.seed, "Fault injection seed")->capture_default_str();
  serve->add_option("--fault-rate", args.fault_rates,
                    "KIND=RATE with KIND one of 429, 500, 503, 403, lost_response, slow, timeout, "
                    "reset, truncated_gzip");
  serve->add_option("--fault-latency-ms", args.fault_latency_ms,
                    "Latency added to every API request");
  serve->add_option("--fault-slow-ms", args.fault_slow_ms, "Extra time of a slow statement");
  serve->add_option("--fault-retry-after", args.fault_retry_after, "Retry-After of injected 429s");
  serve->add_option("--fault-rule", args.fault_rules, "A targeted rule as JSON (see README.md)");
  serve->add_option("--log-level", args.log_level)->capture_default_str();

  auto* load = app.add_subcommand("load", "Create tables and fill them (CSV or generated data)");
  AddPgOptions(load, pg);
  load->add_option("--ddl", load_options.ddl_files,
                   "File of Snowflake CREATE statements (repeatable)");
  load->add_option("--csv", load_options.csv_files,
                   "TABLE=FILE: load a CSV into a table (repeatable)");
  load->add_flag("--header", load_options.csv_header, "CSV files start with a header line");
  load->add_option("--dataset", load_options.dataset, "Generate a data set: demo or bench");
  load->add_option("--table", load_options.only_table, "Generate only this table of the data set");
  load->add_option("--rows", load_options.rows, "Rows of the largest generated table")
      ->capture_default_str();
  load->add_option("--seed", load_options.seed, "Generator seed")->capture_default_str();
  load->add_option("--log-level", args.log_level)->capture_default_str();

  CLI11_PARSE(app, argc, argv);
  try {
    log::Init(log::Format::kText, args.log_level);
    if (serve->parsed()) return Serve(pg, serve_options, store_options, args);
    return RunLoad(ConnectParamsFrom(pg), load_options);
  } catch (const std::exception& e) {
    std::cerr << "sfemu: " << Redactor::Redact(e.what()) << "\n";
    return 1;
  }
}
