#include "server.h"

#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "core/error.h"
#include "core/strings.h"
#include "error.h"
#include "gzip.h"
#include "ids.h"
#include "jackson.h"
#include "log/log.h"
#include "output_format.h"

namespace sf2pg::sfemu {
namespace {

constexpr const char* kJson = "application/json";
constexpr const char* kRunningMessage =
    "Asynchronous execution in progress. Use provided query id to perform query monitoring and "
    "management.";
constexpr const char* kStatementsPath = "/api/v2/statements/";

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Sends `body` with an exact Content-Length through a content provider, which keeps httplib
/// from compressing it again and lets a fault cut the body short.
void SendBody(httplib::Response& res, int status, std::string body, bool gzip_encoded,
              FaultAction fault = FaultAction::kNone) {
  res.status = status;
  if (body.empty()) return;  // httplib answers Content-Length: 0 itself
  if (gzip_encoded) res.set_header("Content-Encoding", "gzip");
  if (fault == FaultAction::kTruncatedGzip) body.resize(std::max<size_t>(1, body.size() * 3 / 5));
  auto shared = std::make_shared<std::string>(std::move(body));
  bool reset = fault == FaultAction::kReset;
  res.set_content_provider(shared->size(), kJson,
                           [shared, reset](size_t offset, size_t length, httplib::DataSink& sink) {
                             if (reset) {
                               // Half the body, then the connection goes away.
                               size_t half = shared->size() / 2;
                               if (offset < half)
                                 sink.write(shared->data() + offset, half - offset);
                               return false;
                             }
                             return sink.write(shared->data() + offset, length);
                           });
}

void SendJson(httplib::Response& res, int status, const Json& body) {
  SendBody(res, status, JacksonText(body), false);
}

bool AcceptsGzip(const httplib::Request& req) {
  return req.get_header_value("Accept-Encoding").find("gzip") != std::string::npos;
}

bool BoolParam(const httplib::Request& req, const char* name) {
  if (!req.has_param(name)) return false;
  std::string v = Lower(req.get_param_value(name));
  return v == "true" || v == "1";
}

Json RowTypeJson(const ResultColumn& c) {
  Json j;
  j["name"] = c.name;
  if (!c.type.ExtTypeName().empty()) j["extTypeName"] = std::string(c.type.ExtTypeName());
  bool geo = !c.type.ExtTypeName().empty();
  j["database"] = geo ? "" : c.database;
  j["schema"] = geo ? "" : c.schema;
  j["table"] = geo ? "" : c.table;
  j["collation"] = nullptr;
  bool fixed = c.type.kind == SfKind::kFixed;
  bool temporal = c.type.kind == SfKind::kTime || c.type.IsTimestamp();
  bool sized = c.type.kind == SfKind::kText || c.type.kind == SfKind::kBinary;
  j["precision"] = fixed ? Json(c.type.precision) : temporal ? Json(0) : Json(nullptr);
  j["scale"] = fixed || temporal ? Json(c.type.scale) : Json(nullptr);
  j["nullable"] = c.nullable;
  j["byteLength"] = sized ? Json(c.byte_length.value_or(c.type.ByteLength())) : Json(nullptr);
  j["length"] = sized ? Json(c.type.length) : Json(nullptr);
  j["type"] = std::string(c.type.WireName());
  if (c.type.kind == SfKind::kVector) {
    // As Snowflake's drivers read it (snowflake-jdbc SnowflakeColumnMetadata): the dimension,
    // and the element type as the one entry of `fields`.
    j["vectorDimension"] = c.type.dimension;
    Json element;
    element["type"] = c.type.element == SfKind::kFixed ? "fixed" : "real";
    element["nullable"] = false;
    j["fields"] = Json::array({element});
  }
  return j;
}

Json MetadataJson(const ResultSet& r) {
  Json meta;
  meta["numRows"] = r.num_rows;
  meta["format"] = "jsonv2";
  Json partitions = Json::array();
  bool several = r.partitions.size() > 1;
  for (const auto& p : r.partitions) {
    Json pj;
    pj["rowCount"] = p.rows;
    pj["uncompressedSize"] = p.uncompressed;
    // Observed: compressedSize only when the result has several partitions.
    if (several) pj["compressedSize"] = p.compressed;
    partitions.push_back(pj);
  }
  meta["partitionInfo"] = partitions;
  Json row_type = Json::array();
  for (const auto& c : r.columns) row_type.push_back(RowTypeJson(c));
  meta["rowType"] = row_type;
  return meta;
}

std::string LinkHeader(const std::string& handle, size_t partition, size_t count) {
  auto link = [&](size_t p, const char* rel) {
    return "<" + std::string(kStatementsPath) + handle + "?requestId=" + NewUuid() +
           "&partition=" + std::to_string(p) + ">; rel=\"" + rel + "\"";
  };
  std::string out = link(0, "first");
  if (partition > 0) out += "," + link(partition - 1, "prev");
  if (partition + 1 < count) out += "," + link(partition + 1, "next");
  out += "," + link(count - 1, "last");
  return out;
}

std::string StatusUrl(const std::string& handle) { return kStatementsPath + handle; }

/// Observed: the answer to a blocked user or network policy.
Error NotAllowed() {
  return Error::Request(403, "390432",
                        "Incoming request is not allowed to access Snowflake. Contact your "
                        "account administrator.");
}

/// 390142: the body is not JSON or a field has the wrong JSON type.
Error InvalidPayload() {
  return Error::Request(400, "390142", "Incoming request does not contain a valid payload.");
}

/// sfemu's 500 faults.
Error Injected500() {
  return Error::Request(500, kInternalCode,
                        "Internal error processing the request (injected by sfemu).");
}

}  // namespace

Server::Server(ServeOptions options, AuthConfig auth, StatementStore& store, FaultInjector& faults,
               postgres::ConnectParams pg)
    : options_(std::move(options)),
      auth_(std::move(auth)),
      store_(store),
      faults_(faults),
      pg_(std::move(pg)),
      http_(std::make_unique<httplib::Server>()) {
  int threads = options_.http_threads;
  http_->new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
  http_->set_tcp_nodelay(true);
  http_->set_keep_alive_max_count(100000);
  http_->set_keep_alive_timeout(60);
  http_->set_read_timeout(300, 0);
  http_->set_write_timeout(300, 0);
  Routes();
}

Server::~Server() = default;

bool Server::Bind() {
  if (options_.port == 0) {
    port_ = http_->bind_to_any_port(options_.host);
  } else {
    port_ = http_->bind_to_port(options_.host, options_.port) ? options_.port : -1;
  }
  if (port_ <= 0) return false;
  if (!options_.port_file.empty()) {
    std::string tmp = options_.port_file + ".tmp";
    std::ofstream(tmp) << port_ << "\n";
    std::rename(tmp.c_str(), options_.port_file.c_str());
  }
  return true;
}

void Server::Run() { http_->listen_after_bind(); }

void Server::Stop() { http_->stop(); }

void Server::Routes() {
  using httplib::Request;
  using httplib::Response;
  auto not_allowed = [](const Request&, Response& res) { SendBody(res, 405, "", false); };
  const std::string base = "/api/v2/statements";
  const std::string one = R"(/api/v2/statements/([^/]+))";
  const std::string cancel = R"(/api/v2/statements/([^/]+)/cancel)";
  http_->Post(base, [this](const Request& req, Response& res) { Submit(req, res); });
  http_->Get(one, [this](const Request& req, Response& res) { Status(req, res); });
  http_->Post(cancel, [this](const Request& req, Response& res) { CancelStatement(req, res); });
  http_->Get(base, not_allowed);
  http_->Put(base, not_allowed);
  http_->Delete(base, not_allowed);
  http_->Patch(base, not_allowed);
  http_->Post(one, not_allowed);
  http_->Put(one, not_allowed);
  http_->Delete(one, not_allowed);
  http_->Patch(one, not_allowed);
  http_->Get(cancel, not_allowed);
  http_->Put(cancel, not_allowed);
  http_->Delete(cancel, not_allowed);

  http_->Get("/sfemu/health", [this](const Request&, Response& res) { Health(res); });
  http_->Get("/sfemu/stats", [this](const Request&, Response& res) { Stats(res); });
  http_->Get("/sfemu/faults", [this](const Request&, Response& res) {
    SendBody(res, 200, FaultConfigJson(faults_.config()).dump(2), false);
  });
  http_->Post("/sfemu/faults", [this](const Request& req, Response& res) {
    try {
      faults_.Reset(ParseFaultConfig(nlohmann::json::parse(req.body)));
      SendBody(res, 200, FaultConfigJson(faults_.config()).dump(2), false);
    } catch (const std::exception& e) {
      SendBody(res, 400, nlohmann::json{{"error", e.what()}}.dump(), false);
    }
  });
  http_->Post("/sfemu/cache/clear", [this](const Request&, Response& res) {
    store_.ClearCache();
    SendBody(res, 200, R"({"cleared":true})", false);
  });
}

bool Server::Admit(const httplib::Request& req, httplib::Response& res, AuthOutcome* who) {
  ++counters_.requests;
  if (int64_t latency = faults_.LatencyMs(); latency > 0) {
    faults_.Count("latency");
    std::this_thread::sleep_for(std::chrono::milliseconds(latency));
  }
  AuthOutcome outcome =
      auth_.Check(req.get_header_value("Authorization"),
                  req.get_header_value("X-Snowflake-Authorization-Token-Type"), NowSeconds());
  if (who) *who = outcome;
  if (outcome.ok) return true;
  ++counters_.auth_failures;
  if (outcome.status == 403) {
    SendError(res, NotAllowed(), "");
    return false;
  }
  log::Info("authentication refused",
            {{"code", outcome.code}, {"why", outcome.detail}, {"message", outcome.message}});
  SendError(res, Error::Request(outcome.status, outcome.code, outcome.message), "");
  return false;
}

void Server::SendFault(httplib::Response& res, FaultAction action) {
  faults_.Count(action);
  switch (action) {
    case FaultAction::kHttp429:
      res.set_header("Retry-After", std::to_string(faults_.RetryAfterSeconds()));
      SendError(res, Error::Request(429, "390505", "Too many requests."), "");
      return;
    case FaultAction::kHttp503:
      SendError(res, Error::Request(503, "390505", "Service temporarily unavailable."), "");
      return;
    case FaultAction::kHttp403:
      SendError(res, NotAllowed(), "");
      return;
    default:
      SendError(res, Injected500(), "");
      return;
  }
}

void Server::SendError(httplib::Response& res, const Error& error, const std::string& handle) {
  ErrorReply reply = ErrorResponse(error, handle);
  SendJson(res, reply.status, reply.body);
}

void Server::Submit(const httplib::Request& req, httplib::Response& res) {
  ++counters_.submits;
  AuthOutcome who;
  if (!Admit(req, res, &who)) return;
  if (req.get_header_value("Content-Type").find("application/json") == std::string::npos) {
    // Observed: the servlet container answers before the SQL API sees the request.
    SendBody(res, 400,
             "{\n\"servlet\":\"com.sun.jersey.spi.container.servlet.ServletContainer\",\n"
             "\"message\":\"Bad Request\",\n\"url\":\"/api/v2/statements\",\n\"status\":\"400\"\n}",
             false);
    return;
  }
  std::string request_id =
      req.has_param("requestId") ? req.get_param_value("requestId") : NewUuid();
  if (BoolParam(req, "retry") && req.has_param("requestId")) {
    // A retry returns the original statement's outcome without running it again, unless the
    // original failed: then the statement runs again, as on the real service.
    if (auto original = store_.FindByRequestId(request_id)) {
      if (!BoolParam(req, "async")) store_.Wait(*original, options_.sync_wait_ms);
      StatementState state;
      std::shared_ptr<const ResultSet> result;
      std::optional<Error> error;
      store_.Snapshot(*original, state, result, error);
      if (state != StatementState::kFailed) {
        Respond(req, res, *original, request_id);
        return;
      }
    }
  }
  nlohmann::json body;
  try {
    body = nlohmann::json::parse(req.body);
  } catch (const std::exception&) {
    SendError(res, InvalidPayload(), "");
    return;
  }
  auto field_is = [&](const char* name, bool (nlohmann::json::*check)() const noexcept) {
    return !body.contains(name) || body[name].is_null() || (body[name].*check)();
  };
  if (!body.is_object() || !field_is("timeout", &nlohmann::json::is_number_integer) ||
      !field_is("database", &nlohmann::json::is_string) ||
      !field_is("schema", &nlohmann::json::is_string) ||
      !field_is("warehouse", &nlohmann::json::is_string) ||
      !field_is("role", &nlohmann::json::is_string) ||
      !field_is("bindings", &nlohmann::json::is_object) ||
      !field_is("parameters", &nlohmann::json::is_object) ||
      !field_is("statement", &nlohmann::json::is_string) ||
      (body.contains("timeout") && body["timeout"].is_number_integer() &&
       body["timeout"].get<int64_t>() < 0)) {
    SendError(res, InvalidPayload(), "");
    return;
  }
  std::string sql = body.value("statement", "");
  if (sql.find_first_not_of(" \t\r\n;") == std::string::npos) {
    SendError(res, Error("000900", "42601", "SQL compilation error:\nEmpty SQL statement.", 400),
              "");
    return;
  }
  ExecRequest request;
  request.sql = sql;
  request.session.database = body.value("database", "");
  request.session.schema = body.value("schema", "");
  request.session.warehouse = body.value("warehouse", options_.warehouse);
  request.session.role = body.value("role", options_.default_role);
  request.session.version = options_.version;
  request.timezone = options_.timezone;
  request.nullable = !(req.has_param("nullable") && !BoolParam(req, "nullable"));
  if (body.contains("bindings") && body["bindings"].is_object())
    request.bindings = body["bindings"];
  if (!options_.roles.empty() && !options_.roles.count(request.session.role)) {
    SendError(res,
              Error::Request(400, "390186",
                             "Role '" + request.session.role +
                                 "' specified in the connect string is not granted to this "
                                 "user. Contact your local system administrator, or attempt "
                                 "to login with another role, e.g. PUBLIC."),
              "");
    return;
  }
  request.session.user = who.user;
  bool use_cache = true;
  std::optional<Error> refused;
  if (body.contains("parameters") && body["parameters"].is_object()) {
    for (const auto& [raw_key, value] : body["parameters"].items()) {
      std::string key = Upper(raw_key);
      std::string text = value.is_string() ? value.get<std::string>() : value.dump();
      if (IsOutputFormatParameter(key)) {
        // Applied as the service does: the cells of that type become formatted text.
        std::string why = CheckOutputFormat(text);
        if (!why.empty()) {
          refused = Error("000002", "0A000", "Unsupported feature '" + key + "': " + why);
        } else {
          request.output_formats.by_name[key] = text;
          use_cache = false;
        }
      } else if (key == "BINARY_OUTPUT_FORMAT" && (text == "HEX" || text == "hex")) {
        // The default: hex, as spec §4.
      } else if (key == "GEOGRAPHY_OUTPUT_FORMAT" || key == "GEOMETRY_OUTPUT_FORMAT") {
        // The default GeoJSON only; the other formats (WKT, WKB, EWKT, EWKB) are not
        // emulated. ST_ASEWKB / ST_ASWKB give the (E)WKB per column.
        if (Upper(text) != "GEOJSON") {
          refused = Error("000002", "0A000",
                          "Unsupported feature '" + key + "' (sfemu serves GeoJSON only; " +
                              "ST_ASEWKB gives the EWKB).");
        }
      } else if (key.ends_with("_OUTPUT_FORMAT")) {
        refused = Error("000002", "0A000",
                        "Unsupported feature '" + key + "' (sfemu renders only HEX for " +
                            "BINARY_OUTPUT_FORMAT).");
      } else if (key == "MULTI_STATEMENT_COUNT") {
        try {
          request.statement_count = std::stoi(text);
        } catch (const std::exception&) {
          request.statement_count = -1;
        }
        if (request.statement_count < 0) {
          refused = Error("002043", "22023",
                          "Invalid value [" + text + "] for parameter 'MULTI_STATEMENT_COUNT'");
        }
      } else if (key == "TIMEZONE") {
        request.timezone = text;
      } else if (key == "USE_CACHED_RESULT") {
        use_cache = text != "false" && text != "FALSE" && text != "0";
      } else if (key == "QUERY_TAG" || key == "CLIENT_RESULT_CHUNK_SIZE" ||
                 key == "ROWS_PER_RESULTSET") {
        // Accepted; they do not change the result's content here.
      } else {
        refused = Error("000002", "0A000", "Unsupported feature 'session parameter " + key + "'.");
      }
    }
  }
  int timeout = body.contains("timeout") && body["timeout"].is_number_integer()
                    ? static_cast<int>(std::min<int64_t>(body["timeout"].get<int64_t>(), 604800))
                    : 172800;
  if (timeout == 0) timeout = 604800;
  std::shared_ptr<StatementRecord> record;
  FaultRule rule;
  FaultAction fault = refused ? FaultAction::kNone : faults_.OnSubmit(sql, &rule);
  if (fault == FaultAction::kHttp429 || fault == FaultAction::kHttp500 ||
      fault == FaultAction::kHttp503 || fault == FaultAction::kHttp403) {
    SendFault(res, fault);
    return;
  }
  if (refused) {
    record = store_.SubmitFailed(std::move(request), request_id, *refused);
  } else if (fault == FaultAction::kSqlError) {
    faults_.Count(fault);
    record = store_.SubmitFailed(std::move(request), request_id,
                                 Error(rule.code, rule.sql_state, rule.message));
  } else if (fault == FaultAction::kTimeout) {
    faults_.Count(fault);
    record = store_.SubmitFailed(std::move(request), request_id, TimeoutError(timeout));
  } else {
    if (fault == FaultAction::kSlow) {
      faults_.Count(fault);
      request.extra_delay_ms = faults_.SlowMs();
    }
    record = store_.Submit(std::move(request), request_id, timeout, use_cache);
  }
  if (fault == FaultAction::kLostResponse) {
    faults_.Count(fault);
    store_.Wait(*record, options_.sync_wait_ms);
    SendError(res, Injected500(), "");
    return;
  }
  if (!BoolParam(req, "async")) store_.Wait(*record, options_.sync_wait_ms);
  Respond(req, res, *record, request_id);
}

void Server::Respond(const httplib::Request& req, httplib::Response& res, StatementRecord& record,
                     const std::string& request_id) {
  StatementState state;
  std::shared_ptr<const ResultSet> result;
  std::optional<Error> error;
  store_.Snapshot(record, state, result, error);
  if (state == StatementState::kQueued || state == StatementState::kRunning) {
    Json j;
    j["code"] = "333334";
    j["message"] = kRunningMessage;
    j["statementHandle"] = record.handle;
    j["statementStatusUrl"] = StatusUrl(record.handle);
    SendJson(res, 202, j);
    return;
  }
  if (state == StatementState::kFailed) {
    SendError(res, *error, record.handle);
    return;
  }
  SendFirst(req, res, record, *result, request_id, FaultAction::kNone);
}

void Server::SendFirst(const httplib::Request& req, httplib::Response& res,
                       const StatementRecord& record, const ResultSet& result,
                       const std::string& request_id, FaultAction fault) {
  std::string out = "{\n  \"resultSetMetaData\" : ";
  AppendJackson(out, MetadataJson(result), 2);
  std::string rows = result.Rows(0);
  // Jackson's layout, also for an empty result: "[ ]" (observed).
  out += ",\n  \"data\" : [ ";
  if (!rows.empty()) {
    out += rows;
    out += ' ';
  }
  out += "],\n  \"code\" : \"090001\",\n";
  if (!result.child_handles.empty()) {
    out += "  \"statementHandles\" : ";
    AppendJackson(out, Json(result.child_handles), 2);
    out += ",\n";
  }
  Json tail;
  tail["statementStatusUrl"] = StatusUrl(record.handle) + "?requestId=" + request_id;
  tail["requestId"] = request_id;
  tail["sqlState"] = "00000";
  tail["statementHandle"] = record.handle;
  tail["message"] = "Statement executed successfully.";
  tail["createdOn"] = record.created_on_ms;
  if (result.stats) {
    tail["stats"] = Json{{"numRowsInserted", result.stats->inserted},
                         {"numRowsDeleted", result.stats->deleted},
                         {"numRowsUpdated", result.stats->updated},
                         {"numDmlDuplicates", result.stats->duplicates}};
  }
  std::string tail_text = JacksonText(tail);  // "{\n  ...\n}"
  out += tail_text.substr(2);
  counters_.rows_served += result.partitions[0].rows;
  res.set_header("Link", LinkHeader(record.handle, 0, result.partitions.size()));
  res.set_header("Vary", "Accept-Encoding, User-Agent");
  bool gzip = AcceptsGzip(req);
  if (gzip) out = Gzip(out, options_.gzip_level);
  counters_.bytes_served += static_cast<int64_t>(out.size());
  SendBody(res, 200, std::move(out), gzip, fault);
}

void Server::SendPartition(httplib::Response& res, const StatementRecord& record,
                           const ResultSet& result, size_t partition, FaultAction fault) {
  const Partition& p = result.partitions[partition];
  std::string body = p.gzip->Read();
  ++counters_.partitions_served;
  counters_.rows_served += p.rows;
  counters_.bytes_served += static_cast<int64_t>(body.size());
  res.set_header("Link", LinkHeader(record.handle, partition, result.partitions.size()));
  res.set_header("Vary", "Accept-Encoding, User-Agent");
  SendBody(res, 200, std::move(body), true, fault);
}

void Server::Status(const httplib::Request& req, httplib::Response& res) {
  if (!Admit(req, res)) return;
  std::string handle = req.matches[1];
  auto record = store_.Find(handle);
  if (!record) {
    SendError(res, Error("000709", "02000", "Statement " + handle + " not found", 400), handle);
    return;
  }
  int partition = -1;
  std::string partition_text = req.has_param("partition") ? req.get_param_value("partition") : "";
  if (req.has_param("partition")) {
    ++counters_.partition_requests;
    try {
      size_t used = 0;
      long long p = std::stoll(partition_text, &used);
      partition =
          used == partition_text.size() && p >= 0 && p < (1LL << 30) ? static_cast<int>(p) : -2;
    } catch (const std::exception&) {
      partition = -2;
    }
  } else {
    ++counters_.status_requests;
  }
  FaultRule rule;
  FaultAction fault = faults_.OnFetch(record->request.sql, std::max(partition, 0), &rule);
  if (fault == FaultAction::kHttp429 || fault == FaultAction::kHttp500 ||
      fault == FaultAction::kHttp503 || fault == FaultAction::kHttp403) {
    SendFault(res, fault);
    return;
  }
  StatementState state;
  std::shared_ptr<const ResultSet> result;
  std::optional<Error> error;
  store_.Snapshot(*record, state, result, error);
  std::string request_id = record->request_id;
  if (state != StatementState::kSucceeded || !req.has_param("partition")) {
    Respond(req, res, *record, request_id);
    return;
  }
  size_t count = result->partitions.size();
  if (partition < 0 || static_cast<size_t>(partition) >= count) {
    SendError(res,
              Error("391922", "22023",
                    "Invalid partition parameter. The partition must be long type parsable and "
                    "between 0 and " +
                        std::to_string(count - 1) + ", but '" + partition_text + "' is specified.",
                    400),
              handle);
    return;
  }
  if (fault != FaultAction::kNone) faults_.Count(fault);
  if (partition == 0) {
    SendFirst(req, res, *record, *result, request_id, fault);
    return;
  }
  SendPartition(res, *record, *result, static_cast<size_t>(partition), fault);
}

void Server::CancelStatement(const httplib::Request& req, httplib::Response& res) {
  ++counters_.cancels;
  if (!Admit(req, res)) return;
  std::string handle = req.matches[1];
  auto record = store_.Find(handle);
  if (!record) {
    SendError(res, Error("000709", "02000", "Statement " + handle + " not found", 422), handle);
    return;
  }
  store_.Cancel(*record);
  Json j;
  j["code"] = "000604";
  j["sqlState"] = "57014";
  j["message"] = "SQL execution canceled";
  j["statementHandle"] = handle;
  j["statementStatusUrl"] = "/api/statements/" + handle;  // the old path, as observed
  SendJson(res, 200, j);
}

void Server::Health(httplib::Response& res) {
  try {
    postgres::ConnectParams params = pg_;
    params.connect_timeout_seconds = 5;
    postgres::Connection conn(params);
    conn.Exec("SELECT 1");
    SendBody(res, 200, R"({"status":"ok"})", false);
  } catch (const std::exception& e) {
    SendBody(res, 503, nlohmann::json{{"status", "unavailable"}, {"error", e.what()}}.dump(),
             false);
  }
}

void Server::Stats(httplib::Response& res) {
  const auto& s = store_.counters();
  nlohmann::json j;
  j["requests"] = counters_.requests.load();
  j["submits"] = counters_.submits.load();
  j["status_requests"] = counters_.status_requests.load();
  j["partition_requests"] = counters_.partition_requests.load();
  j["cancels"] = counters_.cancels.load();
  j["auth_failures"] = counters_.auth_failures.load();
  j["statements_executed"] = s.statements_executed.load();
  j["statements_failed"] = s.statements_failed.load();
  j["cache_hits"] = s.cache_hits.load();
  j["cache_misses"] = s.cache_misses.load();
  j["rows_produced"] = s.rows_produced.load();
  j["rows_served"] = counters_.rows_served.load();
  j["bytes_served"] = counters_.bytes_served.load();
  j["partitions_served"] = counters_.partitions_served.load();
  j["statements_stored"] = store_.size();
  j["result_memory_bytes"] = store_.blobs().memory_used();
  j["result_spilled_bytes"] = store_.blobs().spilled_bytes();
  j["faults_injected"] = faults_.Counts();
  SendBody(res, 200, j.dump(2), false);
}

}  // namespace sf2pg::sfemu
