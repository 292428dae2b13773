// Fault tests of the sf2pg binary as users run it: a scene (sfemu serving a generated table, a
// target database, a config.json), sf2pg started in the background so it can be killed, and
// the queries that judge the target afterwards.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "integration/pg_fixture.h"
#include "integration/sfemu_server.h"
#include "postgres/connection.h"

namespace sf2pg::testing {

/// A process started in the background with its stdout and stderr in one file. Killed with
/// SIGKILL if it is still running when the object goes away.
class Background {
 public:
  Background(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
             const std::string& log_path);
  ~Background();
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  pid_t pid() const { return pid_; }
  /// False once the process has ended (it is then reaped).
  bool Running();
  void Signal(int signal) const;
  /// Waits for the end; the exit code, or 128 + the signal that ended it.
  int Wait();
  std::string Output() const;

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
  std::string log_path_;
};

/// What the scene migrates: BENCH.PUBLIC.PATIENTS of sfemu's bench data set.
struct SceneOptions {
  std::string name;  ///< prefix of the databases and the temporary folder
  int rows = 10000;
  int workers = 4;
  int batch_rows = 5000;
  std::vector<std::string> sfemu_args;  ///< more `sfemu serve` options (faults)
  /// Extra members of the table's config entry, e.g. R"("on_bad_row": "reject")".
  std::string table_options;
  /// PostgreSQL environment for sf2pg; empty = the test cluster (TestPg::Env()).
  std::map<std::string, std::string> pg_env;
  /// Connection settings of that PostgreSQL (for the scene's own queries); unset = TestPg.
  std::optional<postgres::ConnectParams> pg_params;
};

class Scene {
 public:
  explicit Scene(SceneOptions options);
  ~Scene();

  /// Runs `sf2pg <args> --config <scene config>` to its end.
  ProcessResult Sf2pg(std::vector<std::string> args,
                      const std::map<std::string, std::string>& extra_env = {}) const;
  /// Starts it in the background (log in the scene folder, named by `log_name`).
  std::unique_ptr<Background> Start(std::vector<std::string> args,
                                    const std::string& log_name) const;
  /// `sf2pg verify --json`: the verdict of the table (identical, source_rows, ...).
  nlohmann::json Verify() const;

  /// A connection to the target database (which also holds the status tables).
  postgres::Connection Target() const;
  /// The integer that `sql` selects in the target database, on one connection kept for the
  /// scene's polling (replaced when the server or the session went away).
  int64_t Scalar(const std::string& sql) const;
  /// The rows loaded for the table: count(*) and count(DISTINCT patient_id) must both be
  /// `rows` for an exact target without duplicates.
  int64_t TargetRows() const { return Scalar("SELECT count(*) FROM public.patients"); }
  int64_t DistinctKeys() const {
    return Scalar("SELECT count(DISTINCT patient_id) FROM public.patients");
  }
  /// Active COPY statements of sf2pg sessions into the target right now.
  int64_t ActiveCopies() const;

  const SfemuServer& sfemu() const { return *sfemu_; }
  const std::string& dir() const { return dir_; }
  const std::string& target_database() const { return target_db_; }
  std::map<std::string, std::string> Env() const;
  const SceneOptions& options() const { return options_; }

 private:
  postgres::ConnectParams TargetParams() const;

  SceneOptions options_;
  std::string dir_;
  std::string target_db_;
  std::unique_ptr<SfemuServer> sfemu_;
  mutable std::mutex scalar_mu_;
  mutable std::unique_ptr<postgres::Connection> scalar_conn_;  // guarded by scalar_mu_
};

/// A second throwaway PostgreSQL cluster (tools/pg-cluster.sh) that a test may restart.
class OwnCluster {
 public:
  OwnCluster();
  ~OwnCluster();
  void Restart() const;
  int port() const { return port_; }
  postgres::ConnectParams Params(const std::string& database) const;
  std::map<std::string, std::string> Env() const;
  void CreateDatabase(const std::string& database) const;

 private:
  std::string dir_;
  int port_ = 0;
};

/// Every row of the chunk status table, to compare with the target's rows.
struct ChunkRow {
  int chunk_id = 0;
  std::string status;
  int64_t rows_copied = 0;
  nlohmann::json range;
};
std::vector<ChunkRow> Chunks(const Scene& scene);
/// Each completed chunk's range holds exactly rows_copied target rows, and no other chunk's
/// range holds any (gtest expectations).
void ExpectChunksMatchTheirRows(const Scene& scene);

/// An integer setting from the environment (for the long opt-in variants), or `fallback`.
int EnvInt(const char* name, int fallback);

}  // namespace sf2pg::testing
