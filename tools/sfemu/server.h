// The HTTP front end: the SQL API v2 endpoints (submit, status/partition, cancel) with the
// real service's status codes, bodies and headers, plus sfemu's own /sfemu/health,
// /sfemu/stats and /sfemu/faults (no authentication).
#pragma once

#include <atomic>
#include <memory>
#include <set>
#include <string>

#include "auth.h"
#include "faults.h"
#include "statements.h"

namespace httplib {
class Server;
class Request;
class Response;
}  // namespace httplib

namespace sf2pg::sfemu {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 0;  ///< 0 picks a free port
  std::string port_file;
  int http_threads = 16;
  int64_t sync_wait_ms = 45000;  ///< the real service waits 45 s before answering 202
  std::string timezone = "America/Los_Angeles";
  std::string version = "10.36.101";
  std::string default_role = "SYSADMIN";
  std::string warehouse = "COMPUTE_WH";
  std::set<std::string> roles;  ///< roles users may name; empty accepts any
  int gzip_level = 1;
};

struct ServerCounters {
  std::atomic<int64_t> requests{0};
  std::atomic<int64_t> submits{0};
  std::atomic<int64_t> status_requests{0};
  std::atomic<int64_t> partition_requests{0};
  std::atomic<int64_t> cancels{0};
  std::atomic<int64_t> auth_failures{0};
  std::atomic<int64_t> rows_served{0};
  std::atomic<int64_t> bytes_served{0};
  std::atomic<int64_t> partitions_served{0};
};

class Server {
 public:
  Server(ServeOptions options, AuthConfig auth, StatementStore& store, FaultInjector& faults,
         postgres::ConnectParams pg);
  ~Server();

  /// Binds the port (writing --port-file); false when it cannot.
  bool Bind();
  int port() const { return port_; }
  /// Serves until Stop(); blocks.
  void Run();
  void Stop();

 private:
  void Routes();
  void Submit(const httplib::Request& req, httplib::Response& res);
  void Status(const httplib::Request& req, httplib::Response& res);
  void CancelStatement(const httplib::Request& req, httplib::Response& res);
  void Stats(httplib::Response& res);
  void Health(httplib::Response& res);

  /// Latency and authentication; false when a response was already sent. `who` receives the
  /// authenticated user.
  bool Admit(const httplib::Request& req, httplib::Response& res, AuthOutcome* who = nullptr);
  /// Answers for a statement in whatever state it is.
  void Respond(const httplib::Request& req, httplib::Response& res, StatementRecord& record,
               const std::string& request_id);
  void SendFirst(const httplib::Request& req, httplib::Response& res, const StatementRecord& record,
                 const ResultSet& result, const std::string& request_id, FaultAction fault);
  void SendPartition(httplib::Response& res, const StatementRecord& record, const ResultSet& result,
                     size_t partition, FaultAction fault);
  void SendError(httplib::Response& res, const Error& error, const std::string& handle);
  void SendFault(httplib::Response& res, FaultAction action);

  ServeOptions options_;
  Authenticator auth_;
  StatementStore& store_;
  FaultInjector& faults_;
  postgres::ConnectParams pg_;
  ServerCounters counters_;
  std::unique_ptr<httplib::Server> http_;
  int port_ = 0;
};

}  // namespace sf2pg::sfemu
