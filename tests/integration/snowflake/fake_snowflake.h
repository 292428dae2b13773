// A scriptable stand-in for the Snowflake SQL API on 127.0.0.1 (cpp-httplib), for testing the
// client's retries, polling and streaming: each test installs handlers that fail on purpose,
// and asserts on the requests recorded.
#pragma once

#include <httplib.h>

#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace sf2pg::testing {

struct RecordedRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> params;  ///< query parameters
  std::string body;
  std::map<std::string, std::string> headers;  ///< lower-case names
  std::string Param(const std::string& name) const {
    auto it = params.find(name);
    return it == params.end() ? "" : it->second;
  }
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

class FakeSnowflake {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

  FakeSnowflake();
  ~FakeSnowflake();
  FakeSnowflake(const FakeSnowflake&) = delete;
  FakeSnowflake& operator=(const FakeSnowflake&) = delete;

  /// POST /api/v2/statements
  void OnSubmit(Handler handler) { Set(&submit_, std::move(handler)); }
  /// GET /api/v2/statements/{handle} (status and partitions); req.matches[1] is the handle.
  void OnStatement(Handler handler) { Set(&statement_, std::move(handler)); }
  /// POST /api/v2/statements/{handle}/cancel
  void OnCancel(Handler handler) { Set(&cancel_, std::move(handler)); }

  /// http://127.0.0.1:<port>
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<RecordedRequest> requests() const;
  /// Requests whose method and path match (path compared by prefix).
  std::vector<RecordedRequest> requests(const std::string& method,
                                        const std::string& path_prefix) const;

 private:
  void Set(Handler* slot, Handler handler);
  void Dispatch(Handler* slot, const httplib::Request& req, httplib::Response& res);

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  Handler submit_;                         ///< guarded by mu_
  Handler statement_;                      ///< guarded by mu_
  Handler cancel_;                         ///< guarded by mu_
  std::vector<RecordedRequest> requests_;  ///< guarded by mu_
};

// --- Response builders, in the SQL API's shapes (spec §2) ---------------------------------

using JsonRows = std::vector<std::vector<nlohmann::json>>;

/// `{"data": [...]}` from rows of strings / nulls.
nlohmann::json DataArray(const JsonRows& rows);

/// A 200 ResultSet: metadata for `row_type` with `partition_rows` per partition, and
/// partition 0's `rows` inline.
std::string ResultSetBody(const std::string& handle, const nlohmann::json& row_type,
                          const JsonRows& rows, const std::vector<int64_t>& partition_rows);

/// A 202 QueryStatus for `handle`.
std::string RunningBody(const std::string& handle);

/// gzip of `text` (RFC 1952).
std::string Gzip(const std::string& text);

/// Sends `json` gzip-compressed with Content-Encoding: gzip, as partitions ≥ 1 are sent.
/// With `truncate_to`, only that many bytes of the compressed body are sent.
void SendGzipJson(httplib::Response& res, const std::string& json, size_t truncate_to = 0);

/// Sends a JSON body.
void SendJson(httplib::Response& res, int status, const std::string& json);

}  // namespace sf2pg::testing
