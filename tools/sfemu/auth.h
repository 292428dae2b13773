// Authentication as the SQL API does it: a key-pair JWT (RS256, `iss` =
// ACCOUNT.USER.SHA256:<fingerprint>, `sub` = ACCOUNT.USER, at most one hour of validity),
// or a programmatic access token. Failures are answered the way Snowflake answers them.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/secret.h"

namespace sf2pg::sfemu {

/// The account part of JWT claims (spec §5.2): upper-case, cut at the first '.'.
std::string NormalizeAccount(const std::string& account);
/// "SHA256:" + base64 of the SHA-256 of the key's DER SubjectPublicKeyInfo.
std::string PublicKeyFingerprint(EVP_PKEY* key);

struct UserKey {
  std::shared_ptr<EVP_PKEY> key;
  std::string fingerprint;
};

struct AuthConfig {
  std::string account;                               ///< as configured; normalised when checked
  std::map<std::string, std::vector<UserKey>> keys;  ///< upper-case user -> registered keys
  std::map<std::string, std::string> pats;           ///< token -> upper-case user
  std::set<std::string> blocked_users;               ///< answered 403 (network policy)
  int64_t clock_skew_seconds = 60;
};

/// Reads a public key (PEM "PUBLIC KEY") or takes the public half of a private key file.
/// Throws ConfigError.
UserKey LoadUserKey(const std::string& path);

struct AuthOutcome {
  bool ok = false;
  int status = 401;
  std::string code;
  std::string message;
  std::string user;
  std::string detail;  ///< why it failed, for sfemu's log (never sent to the client)
};

class Authenticator {
 public:
  explicit Authenticator(AuthConfig config);
  /// Checks the Authorization and X-Snowflake-Authorization-Token-Type headers. `now` is
  /// seconds since the epoch. Thread-safe.
  AuthOutcome Check(const std::string& authorization, const std::string& token_type,
                    int64_t now) const;

 private:
  AuthOutcome CheckJwt(const std::string& token, int64_t now) const;
  AuthOutcome CheckPat(const std::string& token) const;

  AuthConfig config_;
  std::string account_;
};

/// Decodes base64url (JWT segments; padding optional). Throws Error (the 401 of an invalid JWT).
std::string Base64UrlDecode(std::string_view data);

}  // namespace sf2pg::sfemu
