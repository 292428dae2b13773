#include "auth.h"

#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/strings.h"
#include "error.h"
#include "ids.h"

namespace sf2pg::sfemu {
namespace {

AuthOutcome Invalid(const std::string& detail, bool tracked) {
  AuthOutcome o;
  o.status = 401;
  o.code = "390144";
  // A token that names a user gets a failure id, as the real service's do; an unreadable one
  // gets "null" (both observed).
  o.message = tracked ? "JWT token is invalid. [" + NewUuid() + "]" : "JWT token is invalid. null";
  o.detail = detail;
  return o;
}

bool Verify(EVP_PKEY* key, std::string_view signed_part, const std::string& signature) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1)
    return false;
  if (EVP_DigestVerifyUpdate(ctx.get(), signed_part.data(), signed_part.size()) != 1) return false;
  return EVP_DigestVerifyFinal(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                               signature.size()) == 1;
}

int64_t Seconds(const nlohmann::json& v) {
  int64_t n = v.is_number_integer() ? v.get<int64_t>() : static_cast<int64_t>(v.get<double>());
  return n > 100000000000LL ? n / 1000 : n;  // the docs allow milliseconds too
}

}  // namespace

std::string NormalizeAccount(const std::string& account) {
  std::string a = account;
  size_t dot = a.find('.');
  if (dot != std::string::npos) a = a.substr(0, dot);
  return Upper(a);
}

std::string Base64UrlDecode(std::string_view data) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-' || c == '+') return 62;
    if (c == '_' || c == '/') return 63;
    return -1;
  };
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : data) {
    if (c == '=') break;
    int v = value(c);
    if (v < 0) throw Error::Request(401, "390144", "bad base64url");
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

std::string PublicKeyFingerprint(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key, &der);
  if (len <= 0) throw ConfigError("cannot encode a public key");
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(der, static_cast<size_t>(len), digest);
  OPENSSL_free(der);
  unsigned char b64[64];
  int n = EVP_EncodeBlock(b64, digest, SHA256_DIGEST_LENGTH);
  return "SHA256:" + std::string(reinterpret_cast<char*>(b64), static_cast<size_t>(n));
}

UserKey LoadUserKey(const std::string& path) {
  std::unique_ptr<FILE, decltype(&std::fclose)> file(std::fopen(path.c_str(), "r"), &std::fclose);
  if (!file) throw ConfigError("cannot read public key file " + path);
  EVP_PKEY* key = PEM_read_PUBKEY(file.get(), nullptr, nullptr, nullptr);
  if (!key) {
    std::rewind(file.get());
    key = PEM_read_PrivateKey(file.get(), nullptr, nullptr, nullptr);
  }
  if (!key) throw ConfigError("no PEM public or unencrypted private key in " + path);
  UserKey out;
  out.key = std::shared_ptr<EVP_PKEY>(key, &EVP_PKEY_free);
  out.fingerprint = PublicKeyFingerprint(key);
  return out;
}

Authenticator::Authenticator(AuthConfig config)
    : config_(std::move(config)), account_(NormalizeAccount(config_.account)) {}

AuthOutcome Authenticator::Check(const std::string& authorization, const std::string& token_type,
                                 int64_t now) const {
  if (authorization.empty()) {
    AuthOutcome o;
    o.status = 400;
    o.code = "390146";
    o.message = "Authorization header is missing.";  // code observed; wording not recorded
    o.detail = "no Authorization header";
    return o;
  }
  std::string token;
  if (authorization.size() > 7 && Upper(authorization.substr(0, 7)) == "BEARER ") {
    token = authorization.substr(7);
  } else {
    return Invalid("Authorization is not a Bearer token", false);
  }
  std::string type = Upper(token_type);
  if (type == "KEYPAIR_JWT") return CheckJwt(token, now);
  if (type == "PROGRAMMATIC_ACCESS_TOKEN") return CheckPat(token);
  if (type.empty()) {
    // Without the header the server infers the type from the token (observed).
    if (config_.pats.count(token)) return CheckPat(token);
    if (std::count(token.begin(), token.end(), '.') == 2) return CheckJwt(token, now);
  }
  AuthOutcome o;
  o.status = 401;
  o.code = "390303";
  o.message = "Invalid OAuth access token. [" + NewUuid() + "]";
  o.detail = "token type " + (type.empty() ? std::string("OAUTH (assumed)") : type) +
             " is not accepted by sfemu";
  return o;
}

AuthOutcome Authenticator::CheckPat(const std::string& token) const {
  auto it = config_.pats.find(token);
  if (it == config_.pats.end()) {
    AuthOutcome o;
    o.status = 401;
    o.code = "390303";
    o.message = "Invalid OAuth access token. [" + NewUuid() + "]";
    o.detail = "unknown programmatic access token";
    return o;
  }
  AuthOutcome o;
  o.ok = true;
  o.status = 200;
  o.user = it->second;
  if (config_.blocked_users.count(o.user)) {
    o.ok = false;
    o.status = 403;
  }
  return o;
}

AuthOutcome Authenticator::CheckJwt(const std::string& token, int64_t now) const {
  size_t a = token.find('.');
  size_t b = a == std::string::npos ? a : token.find('.', a + 1);
  if (b == std::string::npos || token.find('.', b + 1) != std::string::npos) {
    return Invalid("not a JWT (three dot-separated parts)", false);
  }
  nlohmann::json header, claims;
  std::string signature;
  try {
    header = nlohmann::json::parse(Base64UrlDecode(token.substr(0, a)));
    claims = nlohmann::json::parse(Base64UrlDecode(token.substr(a + 1, b - a - 1)));
    signature = Base64UrlDecode(token.substr(b + 1));
  } catch (const std::exception&) {
    return Invalid("JWT parts are not base64url JSON", false);
  }
  if (!header.is_object() || !claims.is_object() || header.value("alg", "") != "RS256") {
    return Invalid("JWT header alg is not RS256", false);
  }
  if (!claims.contains("sub") || !claims["sub"].is_string() || !claims.contains("iss") ||
      !claims["iss"].is_string()) {
    return Invalid("JWT lacks iss or sub", false);
  }
  std::string sub = claims["sub"], iss = claims["iss"];
  size_t dot = sub.find('.');
  if (dot == std::string::npos) return Invalid("sub is not ACCOUNT.USER", false);
  std::string account = sub.substr(0, dot), user = sub.substr(dot + 1);
  if (account != account_) {
    return Invalid("sub names account " + account + ", this account is " + account_, true);
  }
  auto keys = config_.keys.find(user);
  if (keys == config_.keys.end()) return Invalid("user " + user + " has no registered key", true);
  const std::string prefix = sub + ".SHA256:";
  if (iss.rfind(prefix, 0) != 0)
    return Invalid("iss is not " + sub + ".SHA256:<fingerprint>", true);
  const UserKey* key = nullptr;
  for (const auto& k : keys->second) {
    if (sub + "." + k.fingerprint == iss) key = &k;
  }
  if (!key) return Invalid("iss fingerprint matches no key registered for " + user, true);
  if (!Verify(key->key.get(), std::string_view(token).substr(0, b), signature)) {
    return Invalid("signature does not verify with the key of that fingerprint", true);
  }
  if (!claims.contains("iat") || !claims["iat"].is_number() || !claims.contains("exp") ||
      !claims["exp"].is_number()) {
    return Invalid("JWT lacks iat or exp", true);
  }
  int64_t iat = Seconds(claims["iat"]), exp = Seconds(claims["exp"]);
  if (iat > now + config_.clock_skew_seconds) return Invalid("iat is in the future", true);
  // Validity is capped at one hour after iat even when exp is later.
  if (now >= exp || now >= iat + 3600) return Invalid("the JWT has expired", true);
  AuthOutcome o;
  o.ok = true;
  o.status = 200;
  o.user = user;
  if (config_.blocked_users.count(user)) {
    o.ok = false;
    o.status = 403;
  }
  return o;
}

}  // namespace sf2pg::sfemu
