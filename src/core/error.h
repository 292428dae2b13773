// The error vocabulary of sf2pg: one shallow exception hierarchy whose base carries
// what a caller may safely do next (retry the call, redo the chunk, stop, or check
// whether a COMMIT landed).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace sf2pg {

/// What the caller may safely do after catching an Error.
enum class Retry {
  kNever,    ///< Permanent: someone must fix something (bad config, SQL error, bad data).
  kCall,     ///< Transient: repeat the same request after a jittered backoff.
  kChunk,    ///< Roll back and redo the whole chunk in a fresh transaction.
  kInDoubt,  ///< The outcome of a COMMIT is unknown: consult the status tables first.
};

std::string_view RetryName(Retry retry);

/// Base of every exception sf2pg throws on purpose.
class Error : public std::runtime_error {
 public:
  Error(const std::string& what, Retry retry) : std::runtime_error(what), retry_(retry) {}
  Retry retry() const { return retry_; }

 private:
  Retry retry_;
};

/// Bad configuration, environment or command-line input. Never retryable.
class ConfigError : public Error {
 public:
  explicit ConfigError(const std::string& what) : Error(what, Retry::kNever) {}
};

/// Anything the Snowflake SQL API reported, or a failure talking to it.
class SnowflakeError : public Error {
 public:
  SnowflakeError(const std::string& what, Retry retry, std::string code = {},
                 std::string sql_state = {}, int http_status = 0)
      : Error(what, retry),
        code_(std::move(code)),
        sql_state_(std::move(sql_state)),
        http_status_(http_status) {}
  const std::string& code() const { return code_; }
  const std::string& sql_state() const { return sql_state_; }
  int http_status() const { return http_status_; }

 private:
  std::string code_;
  std::string sql_state_;
  int http_status_;
};

/// Anything PostgreSQL reported, or a failure talking to it.
class PostgresError : public Error {
 public:
  PostgresError(const std::string& what, Retry retry, std::string sql_state = {})
      : Error(what, retry), sql_state_(std::move(sql_state)) {}
  const std::string& sql_state() const { return sql_state_; }

 private:
  std::string sql_state_;
};

/// A source value that cannot become a PostgreSQL value without changing it.
class DataError : public Error {
 public:
  explicit DataError(const std::string& what) : Error(what, Retry::kNever) {}
};

/// A broken promise inside sf2pg itself (a bug).
class InternalError : public Error {
 public:
  explicit InternalError(const std::string& what) : Error(what, Retry::kNever) {}
};

/// The run was asked to stop (signal or deadline); the work in flight was rolled back.
class StoppedError : public Error {
 public:
  explicit StoppedError(const std::string& what) : Error(what, Retry::kNever) {}
};

}  // namespace sf2pg
