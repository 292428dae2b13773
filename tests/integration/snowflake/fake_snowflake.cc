#include "integration/snowflake/fake_snowflake.h"

#include <zlib.h>

#include <algorithm>
#include <stdexcept>

namespace sf2pg::testing {

FakeSnowflake::FakeSnowflake() {
  auto route = [this](Handler* slot) {
    return [this, slot](const httplib::Request& req, httplib::Response& res) {
      Dispatch(slot, req, res);
    };
  };
  server_.Post("/api/v2/statements", route(&submit_));
  server_.Get(R"(/api/v2/statements/([^/]+))", route(&statement_));
  server_.Post(R"(/api/v2/statements/([^/]+)/cancel)", route(&cancel_));
  port_ = server_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("cannot bind the fake Snowflake server");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

FakeSnowflake::~FakeSnowflake() {
  server_.stop();
  thread_.join();
}

void FakeSnowflake::Set(Handler* slot, Handler handler) {
  std::lock_guard lock(mu_);
  *slot = std::move(handler);
}

void FakeSnowflake::Dispatch(Handler* slot, const httplib::Request& req, httplib::Response& res) {
  RecordedRequest record;
  record.method = req.method;
  record.path = req.path;
  record.body = req.body;
  for (const auto& [name, value] : req.params) record.params[name] = value;
  for (const auto& [name, value] : req.headers) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    record.headers[lower] = value;
  }
  Handler handler;
  {
    std::lock_guard lock(mu_);
    requests_.push_back(record);
    handler = *slot;
  }
  if (handler) {
    handler(req, res);
  } else {
    SendJson(res, 404, R"({"code":"000000","message":"no handler in the test"})");
  }
}

std::vector<RecordedRequest> FakeSnowflake::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

std::vector<RecordedRequest> FakeSnowflake::requests(const std::string& method,
                                                     const std::string& path_prefix) const {
  std::vector<RecordedRequest> out;
  for (const auto& r : requests()) {
    if (r.method == method && r.path.starts_with(path_prefix)) out.push_back(r);
  }
  return out;
}

nlohmann::json DataArray(const JsonRows& rows) {
  nlohmann::json data = nlohmann::json::array();
  for (const auto& row : rows) data.push_back(nlohmann::json(row));
  return data;
}

std::string ResultSetBody(const std::string& handle, const nlohmann::json& row_type,
                          const JsonRows& rows, const std::vector<int64_t>& partition_rows) {
  nlohmann::json info = nlohmann::json::array();
  int64_t total = 0;
  for (int64_t n : partition_rows) {
    info.push_back({{"rowCount", n}, {"uncompressedSize", 1000}});
    total += n;
  }
  nlohmann::json body = nlohmann::json::object();
  body["resultSetMetaData"] = {
      {"numRows", total}, {"format", "jsonv2"}, {"partitionInfo", info}, {"rowType", row_type}};
  body["data"] = DataArray(rows);
  body["code"] = "090001";
  body["statementStatusUrl"] = "/api/v2/statements/" + handle + "?requestId=x";
  body["sqlState"] = "00000";
  body["statementHandle"] = handle;
  body["message"] = "Statement executed successfully.";
  return body.dump();
}

std::string RunningBody(const std::string& handle) {
  nlohmann::json body = {
      {"code", "333334"},
      {"message",
       "Asynchronous execution in progress. Use provided query id to perform query monitoring "
       "and management."},
      {"statementHandle", handle},
      {"statementStatusUrl", "/api/v2/statements/" + handle}};
  return body.dump();
}

std::string Gzip(const std::string& text) {
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  std::string out(deflateBound(&z, static_cast<uLong>(text.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("deflate failed");
  out.resize(z.total_out);
  return out;
}

void SendGzipJson(httplib::Response& res, const std::string& json, size_t truncate_to) {
  std::string body = Gzip(json);
  if (truncate_to > 0 && truncate_to < body.size()) body.resize(truncate_to);
  res.status = 200;
  res.set_header("Content-Encoding", "gzip");
  // A content type cpp-httplib does not compress again on its own.
  res.set_content(body, "application/json; charset=utf-8");
}

void SendJson(httplib::Response& res, int status, const std::string& json) {
  res.status = status;
  res.set_content(json, "application/json");
}

}  // namespace sf2pg::testing
