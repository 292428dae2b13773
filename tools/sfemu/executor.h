// Runs one request's statements against PostgreSQL on a connection of its own: parses,
// translates, executes (queries through a binary cursor, rendered straight into partitions),
// keeps the catalog in step with DDL and DML, and maps PostgreSQL errors to Snowflake's.
// One Executor belongs to one worker thread.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ast.h"
#include "cancel.h"
#include "catalog.h"
#include "error.h"
#include "output_format.h"
#include "postgres/connection.h"
#include "result.h"
#include "translator.h"

namespace sf2pg::sfemu {

struct ExecRequest {
  std::string sql;
  SessionContext session;
  std::string timezone = "America/Los_Angeles";  ///< the request's TIMEZONE (Snowflake default)
  int statement_count = 1;                       ///< MULTI_STATEMENT_COUNT; 0 = any number
  nlohmann::json bindings;                       ///< null when the request had none
  bool nullable = true;                          ///< false: SQL NULL becomes the string "null"
  int64_t extra_delay_ms = 0;                    ///< fault injection: extra execution time
  OutputFormats output_formats;                  ///< the request's *_OUTPUT_FORMAT parameters
};

struct ExecResult {
  std::shared_ptr<ResultSet> result;  ///< single-statement requests
  bool multi = false;
  std::vector<std::shared_ptr<ResultSet>> children;  ///< multi-statement requests
  bool cacheable = false;                            ///< a single deterministic SELECT
};

class Executor {
 public:
  Executor(postgres::ConnectParams params, BlobStore& store, CatalogCache& cache,
           PartitionPolicy policy);

  /// The catalog generation (connects first if needed). Throws Error when PostgreSQL is down.
  int64_t Generation();
  /// Runs the request. Throws Error (HTTP status inside) for every failure.
  ExecResult Run(const ExecRequest& request, CancelToken& token, int64_t generation);

 private:
  struct Session;

  void EnsureConnected();
  std::shared_ptr<ResultSet> RunStatement(const Statement& st, Session& session,
                                          CancelToken& token);
  std::shared_ptr<ResultSet> RunSelect(const Statement& st, Session& session, CancelToken& token);
  std::shared_ptr<ResultSet> RunDml(const Statement& st, Session& session);
  std::shared_ptr<ResultSet> RunDdl(const Statement& st, Session& session);
  std::shared_ptr<ResultSet> RunShowPrimaryKeys(const Statement& st, Session& session);
  std::shared_ptr<ResultSet> RunShowTables(const Statement& st, Session& session);
  std::shared_ptr<ResultSet> RunDescribe(const Statement& st, Session& session);
  std::shared_ptr<ResultSet> Status(const std::string& message, std::optional<DmlStats> stats = {});
  std::shared_ptr<ResultSet> Counts(const std::vector<std::string>& names,
                                    const std::vector<int64_t>& values, DmlStats stats);
  void ExpandBatchBindings(const ExecRequest& request, std::vector<nlohmann::json>& out) const;

  postgres::ConnectParams params_;
  std::unique_ptr<postgres::Connection> conn_;
  BlobStore& store_;
  CatalogCache& cache_;
  PartitionPolicy policy_;
};

}  // namespace sf2pg::sfemu
