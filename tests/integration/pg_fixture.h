// A throwaway PostgreSQL cluster shared by all integration tests of one binary, started by
// tools/pg-cluster.sh and removed at exit. Set SF2PG_TEST_PGPORT to use a running cluster
// (user sf2pg, password sf2pg on 127.0.0.1) instead.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "postgres/connection.h"

namespace sf2pg::testing {

class TestPg {
 public:
  static void Start();
  static void Stop();
  static int port();
  static std::string dir();
  /// Connection settings for `database` as the cluster's superuser.
  static postgres::ConnectParams Params(const std::string& database = "postgres");
  /// Creates `database` (dropping an existing one first).
  static void CreateDatabase(const std::string& database);
  /// Environment variables that point sf2pg at this cluster.
  static std::map<std::string, std::string> Env();
};

/// Result of running a program.
struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs `argv` with `env` added to this process's environment; waits for it to finish.
ProcessResult RunProcess(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env = {},
                         const std::string& cwd = {});

/// Path of a built binary (build/sf2pg, build/sfemu).
std::string BinaryPath(const std::string& name);
/// Path inside the source tree.
std::string SourcePath(const std::string& relative);
/// A fresh empty folder for one test.
std::string MakeTempDir(const std::string& prefix);

}  // namespace sf2pg::testing
