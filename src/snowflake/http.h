// A minimal HTTPS client over one reused libcurl easy handle (keep-alive, HTTP/2 when the
// server offers it, transparent gzip), with the timeouts and TLS settings sf2pg needs.
// One HttpClient belongs to one thread at a time.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sf2pg::snowflake {

struct HttpOptions {
  std::chrono::seconds connect_timeout{15};
  /// A transfer slower than one byte per second for this long is abandoned. Must exceed the
  /// SQL API's 45 s synchronous wait, during which the server sends nothing.
  std::chrono::seconds low_speed_time{120};
  std::string ca_bundle;  ///< PEM file of trusted CAs; empty = the system default
  /// A response body (as received, and once inflated) larger than this is refused with
  /// CURLE_FILESIZE_EXCEEDED instead of growing without bound. Snowflake's partitions are a
  /// few to a few hundred MB uncompressed.
  size_t max_body_bytes = size_t{1} << 30;
  std::string user_agent = "sf2pg/" SF2PG_VERSION;
};

struct HttpRequest {
  enum class Method { kGet, kPost };
  Method method = Method::kGet;
  std::string url;
  std::vector<std::string> headers;  ///< "Name: value"
  std::string body;                  ///< sent for POST
  /// Sent to the end even while a stop is requested (cancelling a statement).
  bool unstoppable = false;
  std::chrono::milliseconds timeout{0};  ///< whole exchange; 0 = only the HttpOptions limits
};

struct HttpResponse {
  /// 0 when the exchange failed below HTTP; `transport_code` then holds the libcurl code.
  long status = 0;
  int transport_code = 0;
  std::string transport_error;  ///< libcurl's message for transport_code
  /// The decoded (gunzipped) body, with at least kBodyPadding spare bytes of capacity so
  /// simdjson can parse it in place.
  std::string body;
  std::string retry_after;  ///< the Retry-After header, if any
};

/// Spare capacity kept after every body (simdjson's SIMDJSON_PADDING).
inline constexpr size_t kBodyPadding = 64;

/// `body` itself when it has kBodyPadding spare capacity, else a padded copy in `scratch`.
inline const std::string& Padded(const std::string& body, std::string& scratch) {
  if (body.capacity() - body.size() >= kBodyPadding) return body;
  scratch.clear();
  scratch.reserve(body.size() + kBodyPadding);
  scratch.append(body);
  return scratch;
}

class HttpClient {
 public:
  explicit HttpClient(const HttpOptions& options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// While `*flag` is true, transfers in progress are abandoned (as on a stop request).
  /// The flag must outlive this client; nullptr removes it.
  void SetAbandonFlag(const std::atomic<bool>* flag);

  /// Performs one exchange. Never throws for network or HTTP failures: they are reported in
  /// the response (status, transport_code) for the caller to classify.
  HttpResponse Send(const HttpRequest& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sf2pg::snowflake
