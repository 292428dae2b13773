// sfemu for end-to-end tests: a data set loaded into its own database of the test cluster,
// served on a free port with key-pair authentication, and the environment that points sf2pg
// at it. The process is stopped when the object goes away.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace sf2pg::testing {

struct ProcessResult;
class SfemuServer;

/// Runs the built sf2pg with `args` and JSON logs, in `dir`, against `sfemu` and the shared
/// test cluster (TestPg::Env).
ProcessResult RunSf2pg(const SfemuServer& sfemu, std::vector<std::string> args,
                       const std::string& dir);

/// Stops an sfemu process: SIGTERM, then up to 15 s for it to exit. One that does not exit is
/// killed and the test fails with the end of `log_path`; a test never waits forever.
void StopSfemu(pid_t pid, const std::string& log_path);

class SfemuServer {
 public:
  /// Loads `dataset` ("demo", "bench", or "" for none) with `rows` into database `database`
  /// (recreated) and starts `sfemu serve` with `serve_args` added.
  SfemuServer(const std::string& database, const std::string& dataset, int rows,
              std::vector<std::string> serve_args = {});
  ~SfemuServer();
  SfemuServer(const SfemuServer&) = delete;
  SfemuServer& operator=(const SfemuServer&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  /// SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_RSA_KEY and SNOWFLAKE_URL.
  std::map<std::string, std::string> Env() const;
  /// The database of the test cluster that holds the emulated Snowflake data.
  const std::string& database() const { return database_; }
  /// Sends a statement through the control-free SQL API with sf2pg's own client; returns the
  /// rows as wire text (tests use it to change source data).
  std::vector<std::vector<std::string>> Sql(const std::string& statement) const;
  /// POST /sfemu/faults with `json`.
  void SetFaults(const std::string& json) const;
  /// GET /sfemu/stats.
  std::string Stats() const;

 private:
  std::string dir_;
  std::string database_;
  std::string private_key_;
  int port_ = 0;
  pid_t pid_ = 0;
};

}  // namespace sf2pg::testing
