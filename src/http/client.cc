#include "http/client.h"

#include <curl/curl.h>
#include <libdeflate.h>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <string_view>

#include "core/error.h"
#include "core/stop.h"
#include "core/strings.h"

namespace sf2pg::http {
namespace {

// The receive buffer keeps its capacity between requests up to this size.
constexpr size_t kMaxKeptCapacity = size_t{16} << 20;

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw InternalError("libcurl initialisation failed");
    }
  });
}

struct BodySink {
  std::string* out;
  size_t limit;
  bool exceeded = false;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  if (sink->out->size() + size * count > sink->limit) {
    sink->exceeded = true;
    return 0;  // libcurl ends the transfer with CURLE_WRITE_ERROR
  }
  sink->out->append(data, size * count);
  return size * count;
}

// Keeps every "Name: value" line by lower-case name (HTTP header names are case-insensitive).
size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  std::string_view line(data, size * count);
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    (*static_cast<std::map<std::string, std::string>*>(user))[Lower(line.substr(0, colon))] =
        std::string(Trim(line.substr(colon + 1)));
  }
  return size * count;
}

// Lets a stop request (signal, deadline) end a long wait such as the SQL API's 45 s
// synchronous wait.
int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* abandon = static_cast<const std::atomic<bool>*>(user);
  return StopFlag::Requested() || (abandon && abandon->load()) ? 1 : 0;
}

}  // namespace

struct Client::Impl {
  size_t max_body_bytes = 0;
  bool gzip = false;
  CURL* curl = nullptr;
  char error[CURL_ERROR_SIZE] = {};
  libdeflate_decompressor* inflater = nullptr;
  std::string compressed;  ///< a gzip body as received; its capacity is reused
};

namespace {

// Gunzips `in` (one or more gzip members) into `out`. libdeflate inflates a whole buffer at
// two to three times zlib's speed, straight into a buffer of the announced size, so a
// multi-megabyte partition is neither copied while it grows nor inflated in small steps.
bool Gunzip(libdeflate_decompressor* inflater, std::string_view in, std::string& out, size_t limit,
            bool* exceeded) {
  out.clear();
  while (in.size() >= 18) {  // the smallest gzip member
    // ISIZE (the member's size mod 2^32) is only a hint until the data is checked: a body
    // cut short ends in arbitrary bytes, so the first guess is capped by a generous ratio.
    const auto* tail = reinterpret_cast<const unsigned char*>(in.data() + in.size() - 4);
    size_t announced =
        size_t{tail[0]} | size_t{tail[1]} << 8 | size_t{tail[2]} << 16 | size_t{tail[3]} << 24;
    size_t room = std::min(announced, in.size() * 64 + (size_t{1} << 16));
    for (int attempt = 0; attempt < 2; ++attempt) {
      size_t start = out.size();
      if (start + room > limit) {
        *exceeded = true;
        return false;
      }
      out.reserve(start + room + kBodyPadding);  // simdjson's padding, without a later copy
      out.resize(start + room);
      size_t used = 0, produced = 0;
      libdeflate_result r = libdeflate_gzip_decompress_ex(
          inflater, in.data(), in.size(), out.data() + start, room, &used, &produced);
      if (r == LIBDEFLATE_SUCCESS) {
        out.resize(start + produced);
        in.remove_prefix(used);
        break;
      }
      out.resize(start);
      if (r != LIBDEFLATE_INSUFFICIENT_SPACE || room >= announced) return false;
      room = announced;  // highly compressible data: trust the announced size
      if (attempt == 1) return false;
    }
  }
  return in.empty();
}

}  // namespace

Client::Client(const Options& options) : impl_(std::make_unique<Impl>()) {
  GlobalInit();
  impl_->max_body_bytes = options.max_body_bytes;
  impl_->gzip = options.gzip;
  impl_->curl = curl_easy_init();
  if (!impl_->curl) throw InternalError("curl_easy_init failed");
  CURL* c = impl_->curl;
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, impl_->error);
  if (options.connect_timeout.count() > 0) {
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options.connect_timeout.count()));
  }
  if (options.low_speed_time.count() > 0) {
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options.low_speed_time.count()));
  }
  if (options.tcp_keepalive) curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
  if (options.gzip) {
    // sf2pg inflates gzip bodies itself (Gunzip above).
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip");
    curl_easy_setopt(c, CURLOPT_HTTP_CONTENT_DECODING, 0L);
    impl_->inflater = libdeflate_alloc_decompressor();
    if (!impl_->inflater) throw InternalError("libdeflate_alloc_decompressor failed");
  }
  if (options.no_proxy) curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  if (!options.user_agent.empty()) {
    curl_easy_setopt(c, CURLOPT_USERAGENT, options.user_agent.c_str());
  }
  if (!options.ca_bundle.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options.ca_bundle.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &OnProgress);
}

void Client::SetAbandonFlag(const std::atomic<bool>* flag) {
  curl_easy_setopt(impl_->curl, CURLOPT_XFERINFODATA, flag);
}

Client::~Client() {
  if (impl_ && impl_->curl) curl_easy_cleanup(impl_->curl);
  if (impl_ && impl_->inflater) libdeflate_free_decompressor(impl_->inflater);
}

Response Client::Send(const Request& request) {
  CURL* c = impl_->curl;
  Response response;
  std::string& received = impl_->compressed;
  received.clear();
  curl_slist* headers = nullptr;
  for (const std::string& h : request.headers) headers = curl_slist_append(headers, h.c_str());
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  if (request.method == Request::Method::kPost) {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  }
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, request.unstoppable ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  BodySink body_sink{&received, impl_->max_body_bytes};
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body_sink);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &response.headers);
  impl_->error[0] = '\0';
  CURLcode rc = curl_easy_perform(c);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(headers);
  bool inflated_too_big = false;
  std::string encoding = impl_->gzip ? response.Header("content-encoding") : std::string();
  if (body_sink.exceeded) {
    rc = CURLE_FILESIZE_EXCEEDED;
  } else if (rc == CURLE_OK && !encoding.empty() && encoding != "identity" &&
             (encoding != "gzip" || !Gunzip(impl_->inflater, received, response.body,
                                            impl_->max_body_bytes, &inflated_too_big))) {
    rc = inflated_too_big ? CURLE_FILESIZE_EXCEEDED
                          : CURLE_BAD_CONTENT_ENCODING;  // what libcurl reports for a bad body
    if (!inflated_too_big) {
      std::snprintf(impl_->error, sizeof impl_->error, "cannot decode a %s body of %zu bytes",
                    encoding.c_str(), received.size());
    }
  } else if (rc == CURLE_OK && (encoding.empty() || encoding == "identity")) {
    response.body.reserve(received.size() + kBodyPadding);
    response.body.assign(received);
  }
  if (received.capacity() > kMaxKeptCapacity) std::string().swap(received);
  if (rc == CURLE_FILESIZE_EXCEEDED) {
    std::snprintf(impl_->error, sizeof impl_->error,
                  "the response body exceeds sf2pg's limit of %zu bytes", impl_->max_body_bytes);
  }
  if (rc != CURLE_OK) {
    response.transport.code = rc;
    response.transport.summary = curl_easy_strerror(rc);
    response.transport.detail = impl_->error[0] ? impl_->error : response.transport.summary;
    response.body.clear();
    return response;
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  response.body.reserve(response.body.size() + kBodyPadding);
  return response;
}

std::string Response::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

std::string Escape(std::string_view text) {
  GlobalInit();
  // libcurl ignores the handle (it may be null since 7.82).
  char* escaped = curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size()));
  std::string out = escaped ? escaped : "";
  curl_free(escaped);
  return out;
}

}  // namespace sf2pg::http
