// Authentication for the Snowflake SQL API (spec §5): key-pair JWTs signed RS256 with the
// user's RSA key, or a fixed OAuth / programmatic access token; plus the account-name rules
// the claims and the account URL depend on.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "config/config.h"
#include "core/clock.h"
#include "core/secret.h"

namespace sf2pg::snowflake {

/// The account part of the JWT claims (spec §5.2): the text before the first '.' (dropping
/// region, cloud and "privatelink"), except that the SQL form "org.account" becomes
/// "ORG-ACCOUNT"; upper case. Also accepts a host name or URL. "xy12345.us-east-2.aws" →
/// "XY12345"; "acme.analytics" → "ACME-ANALYTICS"; "acme-analytics.privatelink" →
/// "ACME-ANALYTICS".
std::string NormalizeAccount(std::string_view account);

/// "https://<account>.snowflakecomputing.com" with a lower-case host ("org.account" becomes
/// "org-account"; region parts are kept), or `url_override` (scheme://host[:port], trailing
/// '/' removed) when it is set.
std::string AccountUrl(std::string_view account, std::string_view url_override);

/// An RSA private key read from PKCS#8 PEM text. Thread-safe after construction.
class KeyPair {
 public:
  /// Reads `pem` ("BEGIN PRIVATE KEY", or "BEGIN ENCRYPTED PRIVATE KEY" opened with
  /// `passphrase`). Throws ConfigError, without any key material in the message.
  KeyPair(const Secret& pem, const Secret& passphrase);
  ~KeyPair();
  KeyPair(const KeyPair&) = delete;
  KeyPair& operator=(const KeyPair&) = delete;

  /// "SHA256:" + base64 of the SHA-256 of the public key's DER SubjectPublicKeyInfo: the value
  /// Snowflake shows as RSA_PUBLIC_KEY_FP.
  const std::string& fingerprint() const { return fingerprint_; }
  /// RSASSA-PKCS1-v1_5 with SHA-256 over `data`.
  std::string SignRs256(std::string_view data) const;

 private:
  struct Key;
  std::unique_ptr<Key> key_;
  std::string fingerprint_;
};

/// The claims of a key-pair JWT.
struct JwtClaims {
  std::string iss;  ///< ACCOUNT.USER.SHA256:fingerprint
  std::string sub;  ///< ACCOUNT.USER
  int64_t iat = 0;  ///< seconds since the Unix epoch
  int64_t exp = 0;
};

JwtClaims MakeClaims(std::string_view account, std::string_view user, std::string_view fingerprint,
                     int64_t issued_at, std::chrono::seconds lifetime);

/// header.payload.signature, each part base64url without padding.
std::string MintJwt(const KeyPair& key, const JwtClaims& claims);

/// base64url without padding (RFC 7515 §2).
std::string Base64Url(std::string_view bytes);

/// Supplies the Authorization header of every request, minting and renewing JWTs as needed.
/// Thread-safe.
class Authenticator {
 public:
  struct Timing {
    std::chrono::seconds lifetime{59 * 60};     ///< the server caps validity at one hour
    std::chrono::seconds renew_before{5 * 60};  ///< mint a new token this long before expiry
  };

  /// Uses the key pair when a private key is set, else the token. Throws ConfigError.
  Authenticator(const config::Credentials::Snowflake& credentials, Clock& clock);
  Authenticator(const config::Credentials::Snowflake& credentials, Clock& clock, Timing timing);
  ~Authenticator();

  /// "Bearer <token>".
  std::string AuthorizationHeader();
  /// KEYPAIR_JWT, OAUTH or PROGRAMMATIC_ACCESS_TOKEN: the X-Snowflake-Authorization-Token-Type.
  const std::string& token_type() const { return token_type_; }
  /// Forgets the cached token after a 401. False when a new token cannot help (a fixed token).
  bool Invalidate();
  /// Seconds since the Unix epoch by the injected clock (so a fake clock moves it too).
  int64_t UnixNow() const;

 private:
  Clock& clock_;
  Timing timing_;
  std::string account_;
  std::string user_;
  std::unique_ptr<KeyPair> key_;  ///< null for a fixed token
  std::string token_type_;
  std::chrono::system_clock::time_point wall_at_start_;
  Clock::TimePoint clock_at_start_;

  std::mutex mu_;
  std::string token_;     ///< guarded by mu_
  int64_t renew_at_ = 0;  ///< guarded by mu_; Unix seconds
};

}  // namespace sf2pg::snowflake
