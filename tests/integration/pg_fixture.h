// A throwaway PostgreSQL cluster shared by all integration tests of one binary, started by
// tools/pg-cluster.sh and removed at exit. To use a running cluster (user sf2pg, password sf2pg
// on 127.0.0.1) instead, set SF2PG_TEST_PGPORT to its port, or SF2PG_TEST_PGDIR to the folder
// given to `tools/pg-cluster.sh start` (ctest does so: one cluster for all the tests it runs at
// once, see tests/CMakeLists.txt).
//
// Tests run at once in several processes on one cluster, so every database a test names goes
// through TestPg::Db, which makes the name unique to the process: "e2e_target" becomes
// "e2e_target_p1234". Params, CreateDatabase and SfemuServer apply it themselves; a name a test
// writes into a config or compares with an output must be written as TestPg::Db("e2e_target").
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
  /// `database` made unique to this process (unchanged for "postgres" and for a name that
  /// already is). Databases created through CreateDatabase are dropped by Stop.
  static std::string Db(const std::string& database);
  /// Connection settings for Db(`database`) as the cluster's superuser.
  static postgres::ConnectParams Params(const std::string& database = "postgres");
  /// Creates Db(`database`) (dropping an existing one first).
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

/// The SQL that reads `column` as a type case's pg_text (tests/data/type_cases.json):
/// `column::text`, or for PostGIS's geometry / geography ST_AsEWKT with up to 17 decimals (each
/// coordinate's shortest text, and the SRID).
std::string CaseTextSql(const std::string& column, const std::string& pg_type);

}  // namespace sf2pg::testing
