// The Snowflake SQL API v2 client: submits statements, waits for them, fetches result
// partitions, with authentication, transient-error retries and idempotent resubmission
// (spec §1, §2.7, §6). One Client per worker thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "config/config.h"
#include "core/clock.h"
#include "core/stop.h"
#include "snowflake/auth.h"
#include "snowflake/errors.h"
#include "snowflake/http.h"
#include "snowflake/result.h"

namespace sf2pg::snowflake {

struct ClientOptions {
  config::Credentials::Snowflake credentials;
  std::string database;  ///< case-sensitive, as SHOW DATABASES prints it
  std::string schema;
  /// Server-side timeout of each statement (0 = Snowflake's maximum of 7 days).
  int statement_timeout_seconds = 3600;
  /// Attempts per request for transient errors (429, 5xx, resets, bad bodies).
  int max_attempts = 5;
  /// Longest wait on one request (a submission, a status poll or a partition fetch) across
  /// all its attempts and the pauses between them; 0 = no limit beyond the HTTP options'.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(300)};
  std::chrono::milliseconds backoff_base{1000};
  std::chrono::milliseconds backoff_cap{16000};
  /// Polling a running statement: first wait, growing ×2 up to poll_max.
  std::chrono::milliseconds poll_first{250};
  std::chrono::milliseconds poll_max{4000};
  /// Result partitions fetched ahead while the current one is decoded.
  int prefetch_depth = 2;
  /// QUERY_TAG is "<prefix>:<request tag>" (or the prefix alone).
  std::string query_tag_prefix = "sf2pg";
  /// Size of the COPY pieces handed to a CopySink.
  size_t copy_piece_bytes = 1 << 20;
  http::Options http = DefaultHttpOptions();
  Authenticator::Timing token_timing;
  Clock* clock = &Clock::Real();  ///< not owned; tests pass a fake

  /// Options for `database`.`schema` with the credentials' warehouse, role, URL and CA
  /// bundle, and the defaults above.
  static ClientOptions From(const config::Credentials& credentials, std::string database,
                            std::string schema);
};

/// A finished statement: its metadata and the body that holds partition 0.
struct Statement {
  StatementMeta meta;
  std::string body;
};

class Client {
 public:
  /// Throws ConfigError for unusable credentials (e.g. a key that does not open).
  explicit Client(ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Submits `sql` under a fresh requestId and waits until it finishes, polling while it runs.
  /// Resubmissions after transient failures reuse the requestId with retry=true, so the
  /// statement never runs twice. Throws SnowflakeError, or StoppedError when StopFlag is
  /// raised while waiting (the statement is then cancelled).
  Statement Execute(std::string_view sql, std::string_view query_tag);

  /// The body of partition `index` (≥ 1) of a finished statement, gunzipped, with
  /// kBodyPadding spare capacity. Throws SnowflakeError.
  std::string FetchPartition(const std::string& handle, size_t index);

  /// Asks Snowflake to cancel a statement. Best effort: never throws.
  void Cancel(const std::string& handle);

  /// While set, requests in progress end at once with StoppedError (so a background fetch
  /// can be given up quickly). Thread-safe.
  void Abandon(bool on) { abandon_.store(on); }

  /// Transient errors retried so far (all threads).
  int64_t retries() const { return retries_.load(); }
  /// Counts a retry made by a caller (a partition fetched again after a bad body).
  void CountRetry() { ++retries_; }
  const ClientOptions& options() const { return options_; }
  ResultReader& reader() { return reader_; }

 private:
  struct Call;
  http::Response Exchange(const Call& call);
  [[noreturn]] void ThrowTimeLimit(const Call& call, int attempts, const std::string& last) const;
  http::Request MakeRequest(const Call& call, bool resubmission);
  Verdict InspectStatement(const http::Response& response, ErrorBody* error, StatementMeta* meta);
  Statement WaitForResult(Statement statement);
  std::string SubmitBody(std::string_view sql, std::string_view query_tag) const;
  void SleepFor(std::chrono::milliseconds delay, std::string_view why);
  bool Stopping() const { return abandon_.load() || StopFlag::Requested(); }

  ClientOptions options_;
  std::string base_url_;
  Authenticator auth_;
  http::Client http_;
  ResultReader reader_;
  std::atomic<int64_t> retries_{0};
  std::atomic<bool> abandon_{false};
};

/// A random (version 4) UUID, for requestId.
std::string NewRequestId();

}  // namespace sf2pg::snowflake
