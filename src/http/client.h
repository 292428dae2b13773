// One HTTP(S) client for all of sf2pg, over a reused libcurl easy handle (keep-alive, HTTP/2 when
// the server offers it): the Snowflake SQL API, the Lambda Runtime API and the AWS Parameters and
// Secrets extension. One Client belongs to one thread at a time.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sf2pg::http {

/// Settings of a client, fixed for its lifetime.
struct Options {
  /// Longest wait for a connection; 0 = libcurl's default (300 s).
  std::chrono::milliseconds connect_timeout{0};
  /// A transfer slower than one byte per second for this long is abandoned; 0 = never.
  std::chrono::seconds low_speed_time{0};
  /// Sends TCP keep-alive probes on idle connections.
  bool tcp_keepalive = false;
  /// Asks for gzip (Accept-Encoding) and inflates a gzip body itself; other encodings fail.
  bool gzip = false;
  /// Never goes through a proxy (the *_proxy variables are ignored).
  bool no_proxy = false;
  std::string ca_bundle;   ///< PEM file of trusted CAs; empty = the system default
  std::string user_agent;  ///< empty = no User-Agent header
  /// A response body (as received, and once inflated) larger than this is refused with
  /// CURLE_FILESIZE_EXCEEDED instead of growing without bound.
  size_t max_body_bytes = static_cast<size_t>(-1);
};

struct Request {
  enum class Method { kGet, kPost };
  Method method = Method::kGet;
  std::string url;
  std::vector<std::string> headers;  ///< "Name: value"; "Name:" removes a default header
  std::string body;                  ///< sent for POST
  /// Sent to the end even while a stop is requested (StopFlag or the abandon flag).
  bool unstoppable = false;
  std::chrono::milliseconds timeout{0};  ///< the whole exchange; 0 = no limit
};

/// A failure below HTTP (refused, reset, timed out, TLS, bad body). Its texts come from libcurl
/// and sf2pg and never hold a request's headers or body, so no token or password can leak.
struct TransportError {
  int code = 0;         ///< the libcurl code (CURLcode); 0 = no failure
  std::string summary;  ///< libcurl's fixed text for the code, e.g. "Couldn't connect to server"
  std::string detail;   ///< the most specific text known (libcurl's error buffer, or summary)
};

struct Response {
  long status = 0;  ///< 0 when the exchange failed below HTTP (see transport)
  TransportError transport;
  /// The body (inflated when it came gzipped), with at least kBodyPadding spare bytes of
  /// capacity so parsers such as simdjson can read it in place.
  std::string body;
  /// The response headers, by lower-case name, values without surrounding blanks.
  std::map<std::string, std::string> headers;

  bool failed() const { return transport.code != 0; }
  /// The value of header `lower_name`, or "".
  std::string Header(const std::string& lower_name) const;
};

/// Spare capacity kept after every response body (simdjson's SIMDJSON_PADDING).
inline constexpr size_t kBodyPadding = 64;

/// `text` percent-encoded for a URL query value (everything but A-Z a-z 0-9 - . _ ~).
std::string Escape(std::string_view text);

class Client {
 public:
  explicit Client(const Options& options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// While `*flag` is true, transfers in progress are abandoned (as on a stop request).
  /// The flag must outlive this client; nullptr removes it.
  void SetAbandonFlag(const std::atomic<bool>* flag);

  /// Performs one exchange. Never throws for network or HTTP failures: they are reported in
  /// the response (status, transport) for the caller to judge.
  Response Send(const Request& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sf2pg::http
