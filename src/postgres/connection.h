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

#include "core/error.h"
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

/// The result of a statement. Values are text (the libpq default format) unless it came from
/// Connection::ExecBinary.
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
  /// The PostgreSQL type (pg_type oid) of a column.
  Oid ColumnType(int column) const { return PQftype(result_.get(), column); }
  /// Rows affected by INSERT/UPDATE/DELETE/COPY.
  int64_t Affected() const;
  PGresult* get() const { return result_.get(); }

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> result_;
};

using Params = std::vector<std::optional<std::string>>;

/// A statement that failed: PostgresError plus the fields the server reported with it.
class StatementError : public PostgresError {
 public:
  StatementError(const std::string& what, Retry retry, std::string sql_state,
                 std::string primary_message, std::string constraint)
      : PostgresError(what, retry, std::move(sql_state)),
        primary_message_(std::move(primary_message)),
        constraint_(std::move(constraint)) {}
  /// The server's one-line message (without "ERROR:", DETAIL or HINT); libpq's own message
  /// when the server sent none (the connection broke).
  const std::string& primary_message() const { return primary_message_; }
  /// The constraint a constraint violation names; "" otherwise.
  const std::string& constraint() const { return constraint_; }

 private:
  std::string primary_message_;
  std::string constraint_;
};

class Connection {
 public:
  /// Connects; throws PostgresError (Retry::kCall for transient failures).
  explicit Connection(const ConnectParams& params);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Runs one or more statements without parameters; throws StatementError on failure.
  Result Exec(std::string_view sql);
  /// Runs one statement with text parameters ($1, $2, ...).
  Result Exec(std::string_view sql, const Params& params);
  /// Runs one statement without parameters; the result's values are in PostgreSQL's binary
  /// format (read them with the column's type, Result::ColumnType).
  Result ExecBinary(std::string_view sql);

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
  /// True inside a transaction block (also after a failed statement in one, and when the
  /// connection broke: the state is then unknown).
  bool InTransaction() const { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }
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
