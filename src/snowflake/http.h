// How sf2pg talks HTTP to Snowflake: the settings of its http::Client, and the spare capacity
// simdjson needs after a response body it parses in place.
#pragma once

#include <chrono>
#include <string>

#include "http/client.h"

namespace sf2pg::snowflake {

/// The settings of the Snowflake client: keep-alive, gzip, a 15 s connection timeout, a
/// transfer abandoned after 120 s without a byte (more than the SQL API's 45 s synchronous
/// wait, during which the server sends nothing), bodies up to 1 GiB (Snowflake's partitions are
/// a few to a few hundred MB uncompressed).
inline http::Options DefaultHttpOptions() {
  http::Options options;
  options.connect_timeout = std::chrono::seconds(15);
  options.low_speed_time = std::chrono::seconds(120);
  options.tcp_keepalive = true;
  options.gzip = true;  // partitions are always gzip (spec §2.6)
  options.max_body_bytes = size_t{1} << 30;
  options.user_agent = "sf2pg/" SF2PG_VERSION;
  return options;
}

/// Spare capacity kept after every body (simdjson's SIMDJSON_PADDING).
inline constexpr size_t kBodyPadding = http::kBodyPadding;

/// `body` itself when it has kBodyPadding spare capacity, else a padded copy in `scratch`.
inline const std::string& Padded(const std::string& body, std::string& scratch) {
  if (body.capacity() - body.size() >= kBodyPadding) return body;
  scratch.clear();
  scratch.reserve(body.size() + kBodyPadding);
  scratch.append(body);
  return scratch;
}

}  // namespace sf2pg::snowflake
