#include "postgres/connection.h"

#include <charconv>
#include <cstdlib>

#include "core/error.h"
#include "log/log.h"
#include "postgres/sqlstate.h"

namespace sf2pg::postgres {
namespace {

std::string TrimMessage(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

std::string FirstLine(std::string_view sql) {
  std::string s(sql.substr(0, std::min<size_t>(sql.size(), 120)));
  for (auto& c : s) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  return sql.size() > 120 ? s + "..." : s;
}

}  // namespace

std::string ConnectParams::Describe() const {
  return user + "@" + host + ":" + std::to_string(port) + "/" + dbname;
}

std::optional<std::string> Result::GetOptional(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return std::string(Get(row, column));
}

int64_t Result::GetInt(int row, int column) const {
  std::string_view text = Get(row, column);
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    throw InternalError("expected an integer from PostgreSQL, got \"" + std::string(text) + "\"");
  }
  return value;
}

int64_t Result::Affected() const {
  const char* n = PQcmdTuples(result_.get());
  return n && *n ? std::stoll(n) : 0;
}

Connection::Connection(const ConnectParams& params) : params_(params) {
  std::string port = std::to_string(params.port);
  std::string timeout = std::to_string(params.connect_timeout_seconds);
  // client_encoding is fixed: text travels as UTF-8 in binary COPY, and a PGCLIENTENCODING
  // in the environment would otherwise make the server convert (change) every text value.
  std::vector<const char*> keys = {
      "host",           "port", "user", "dbname", "sslmode", "application_name", "connect_timeout",
      "client_encoding"};
  std::vector<const char*> values = {params.host.c_str(),    port.c_str(),
                                     params.user.c_str(),    params.dbname.c_str(),
                                     params.sslmode.c_str(), params.application_name.c_str(),
                                     timeout.c_str(),        "UTF8"};
  if (!params.password.empty()) {
    keys.push_back("password");
    values.push_back(params.password.reveal().c_str());
  }
  std::string options = params.options;
  if (!options.empty()) {
    const char* inherited = std::getenv("PGOPTIONS");  // libpq ignores it once options is set
    if (inherited && *inherited) options = std::string(inherited) + " " + options;
    keys.push_back("options");
    values.push_back(options.c_str());
  }
  if (!params.sslrootcert.empty()) {
    keys.push_back("sslrootcert");
    values.push_back(params.sslrootcert.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  conn_ = PQconnectdbParams(keys.data(), values.data(), 0);
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = TrimMessage(conn_ ? PQerrorMessage(conn_) : "out of memory");
    // libpq does not give a SQLSTATE for connection failures; recognise the permanent ones.
    Retry retry = Retry::kCall;
    if (message.find("password authentication failed") != std::string::npos ||
        message.find("no password supplied") != std::string::npos ||
        message.find("does not exist") != std::string::npos ||
        message.find("no pg_hba.conf entry") != std::string::npos ||
        message.find("permission denied") != std::string::npos) {
      retry = Retry::kNever;
    }
    PQfinish(conn_);
    conn_ = nullptr;
    throw PostgresError("cannot connect to PostgreSQL " + params.Describe() + ": " + message,
                        retry);
  }
  PQsetNoticeProcessor(
      conn_, [](void*, const char* message) { log::Debug(TrimMessage(message)); }, nullptr);
  // Sessions run in UTC so timestamptz text is unambiguous; values travel in binary anyway.
  // A session ended right after connecting fails here, and a throwing constructor runs no
  // destructor: the connection is closed before the error leaves.
  try {
    Exec("SET TIME ZONE 'UTC'");
  } catch (...) {
    PQfinish(conn_);
    conn_ = nullptr;
    throw;
  }
}

Connection::~Connection() {
  if (conn_) PQfinish(conn_);
}

void Connection::Fail(std::string_view what, const PGresult* result) {
  auto field = [result](int code) {
    const char* v = result ? PQresultErrorField(result, code) : nullptr;
    return std::string(v ? v : "");
  };
  std::string sqlstate = field(PG_DIAG_SQLSTATE);
  std::string message = result ? TrimMessage(PQresultErrorMessage(result)) : "";
  if (message.empty()) message = TrimMessage(PQerrorMessage(conn_));
  std::string primary = field(PG_DIAG_MESSAGE_PRIMARY);
  if (primary.empty()) primary = TrimMessage(PQerrorMessage(conn_));
  bool broken = PQstatus(conn_) != CONNECTION_OK;
  Retry retry = ClassifySqlState(sqlstate, false);
  if (broken && sqlstate.empty()) retry = Retry::kChunk;
  throw StatementError(
      "PostgreSQL " + params_.Describe() + ": " + message + " (while " + std::string(what) + ")",
      retry, sqlstate, std::move(primary), field(PG_DIAG_CONSTRAINT_NAME));
}

Result Connection::Check(PGresult* raw, std::string_view sql) {
  Result result(raw);
  ExecStatusType status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
    return result;
  }
  Fail("running: " + FirstLine(sql), raw);
}

Result Connection::Exec(std::string_view sql) {
  std::string text(sql);
  return Check(PQexec(conn_, text.c_str()), sql);
}

Result Connection::Exec(std::string_view sql, const Params& params) {
  std::string text(sql);
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  return Check(PQexecParams(conn_, text.c_str(), static_cast<int>(values.size()), nullptr,
                            values.data(), nullptr, nullptr, 0),
               sql);
}

Result Connection::ExecBinary(std::string_view sql) {
  std::string text(sql);
  return Check(
      PQexecParams(conn_, text.c_str(), 0, nullptr, nullptr, nullptr, nullptr, /*binary=*/1), sql);
}

void Connection::CopyBegin(std::string_view copy_sql) {
  std::string text(copy_sql);
  Result result(PQexec(conn_, text.c_str()));
  if (PQresultStatus(result.get()) != PGRES_COPY_IN)
    Fail("starting: " + FirstLine(copy_sql), result.get());
  in_copy_ = true;
}

void Connection::CopyPut(std::string_view data) {
  if (data.empty()) return;
  if (PQputCopyData(conn_, data.data(), static_cast<int>(data.size())) != 1) {
    Fail("sending COPY data", nullptr);
  }
}

int64_t Connection::CopyEnd() {
  in_copy_ = false;
  if (PQputCopyEnd(conn_, nullptr) != 1) Fail("ending COPY", nullptr);
  Result result(PQgetResult(conn_));
  // Drain any further results so the connection is ready for the next command.
  while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK)
    Fail("loading rows with COPY", result.get());
  return result.Affected();
}

void Connection::CopyAbort(std::string_view reason) noexcept {
  if (!in_copy_) return;
  in_copy_ = false;
  std::string text(reason);
  PQputCopyEnd(conn_, text.c_str());
  while (PGresult* r = PQgetResult(conn_)) PQclear(r);
}

Transaction::~Transaction() {
  if (done_) return;
  conn_.CopyAbort("transaction rolled back");
  if (!conn_.ok()) return;
  try {
    conn_.Exec("ROLLBACK");
  } catch (...) {  // the connection broke: the server rolls back by itself
  }
}

void Transaction::Commit() {
  done_ = true;
  try {
    conn_.Exec("COMMIT");
  } catch (const PostgresError& e) {
    // With the connection gone we cannot know whether the server committed.
    if (!conn_.ok()) throw PostgresError(e.what(), Retry::kInDoubt, e.sql_state());
    throw;
  }
}

}  // namespace sf2pg::postgres
