// libpq RAII wrappers: a connection, its results and COPY FROM STDIN.
// A Connection belongs to one thread at a time (libpq's rule); none of its methods may be
// called concurrently.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/secret.h"

namespace sf2pg::postgres {

struct ConnectParams {
  std::string host = "localhost";
  int port = 5432;
  std::string user;
  Secret password;
  std::string dbname;
  std::string sslmode = "prefer";
  std::string sslrootcert;
  std::string application_name = "sf2pg";
  int connect_timeout_seconds = 15;
  /// Server settings for the session, libpq's `options` ("-c name=value ..."), after any
  /// PGOPTIONS of the environment; "" = none.
  std::string options;
  /// "host:port/dbname" for messages; never includes the password.
  std::string Describe() const;
};

/// The result of a statement. Values are text (the libpq default format).
class Result {
 public:
  explicit Result(PGresult* result) : result_(result, &PQclear) {}
  int rows() const { return PQntuples(result_.get()); }
  int columns() const { return PQnfields(result_.get()); }
  bool IsNull(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
  std::string_view Get(int row, int column) const {
    return {PQgetvalue(result_.get(), row, column),
            static_cast<size_t>(PQgetlength(result_.get(), row, column))};
  }
  std::optional<std::string> GetOptional(int row, int column) const;
  int64_t GetInt(int row, int column) const;
  std::string ColumnName(int column) const { return PQfname(result_.get(), column); }
  /// Rows affected by INSERT/UPDATE/DELETE/COPY.
  int64_t Affected() const;
  PGresult* get() const { return result_.get(); }

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> result_;
};

using Params = std::vector<std::optional<std::string>>;

class Connection {
 public:
  /// Connects; throws PostgresError (Retry::kCall for transient failures).
  explicit Connection(const ConnectParams& params);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Runs one or more statements without parameters; throws PostgresError on failure.
  Result Exec(std::string_view sql);
  /// Runs one statement with text parameters ($1, $2, ...).
  Result Exec(std::string_view sql, const Params& params);

  /// COPY ... FROM STDIN: Begin, Put any number of times, then End (returns the row count).
  /// If anything throws between Begin and End, call Abort() (or drop the connection): a COPY
  /// left open makes every later statement on this connection fail.
  void CopyBegin(std::string_view copy_sql);
  void CopyPut(std::string_view data);
  int64_t CopyEnd();
  void CopyAbort(std::string_view reason) noexcept;
  bool in_copy() const { return in_copy_; }

  /// True while the server connection is usable.
  bool ok() const { return PQstatus(conn_) == CONNECTION_OK; }
  /// The server's process id (for pg_terminate_backend in tests).
  int BackendPid() const { return PQbackendPID(conn_); }
  int ServerVersion() const { return PQserverVersion(conn_); }
  const ConnectParams& params() const { return params_; }
  PGconn* raw() { return conn_; }

 private:
  [[noreturn]] void Fail(std::string_view what, const PGresult* result);
  Result Check(PGresult* result, std::string_view sql);

  ConnectParams params_;
  PGconn* conn_ = nullptr;
  bool in_copy_ = false;
};

/// BEGIN on construction; ROLLBACK on destruction unless Commit() was called. Rollback errors
/// are ignored (the connection may be gone, which rolls back anyway).
class Transaction {
 public:
  explicit Transaction(Connection& conn) : conn_(conn) { conn_.Exec("BEGIN"); }
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  /// Throws PostgresError with Retry::kInDoubt when the connection broke during COMMIT.
  void Commit();

 private:
  Connection& conn_;
  bool done_ = false;
};

}  // namespace sf2pg::postgres
