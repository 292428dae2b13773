#include "snowflake/auth.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/error.h"
#include "core/strings.h"

namespace sf2pg::snowflake {
namespace {

constexpr std::string_view kDomains[] = {".snowflakecomputing.com", ".snowflakecomputing.cn"};

// The host part of an account setting: lower case, without blanks, scheme, port or path.
std::string HostPart(std::string_view account) {
  std::string s = Lower(account);
  s.erase(0, s.find_first_not_of(" \t\r\n"));
  s.erase(s.find_last_not_of(" \t\r\n") + 1);
  for (std::string_view scheme : {"https://", "http://"}) {
    if (s.starts_with(scheme)) s.erase(0, scheme.size());
  }
  return s.substr(0, s.find_first_of("/:"));
}

bool HasSnowflakeDomain(std::string_view host) {
  for (std::string_view domain : kDomains) {
    if (host.ends_with(domain)) return true;
  }
  return false;
}

// The account identifier, possibly with region, cloud or privatelink labels.
std::string AccountIdentifier(std::string_view account) {
  std::string s = HostPart(account);
  for (std::string_view domain : kDomains) {
    if (s.ends_with(domain)) s.erase(s.size() - domain.size());
  }
  return s;
}

// Region and cloud labels (us-east-2, east-us-2, us-central1, aws, ...) and privatelink /
// global. Account and organisation names never contain '-' (letters, digits, '_' only), so
// a label with '-' after the first '.' is a region.
bool IsLocationLabel(std::string_view label) {
  return label.find('-') != std::string_view::npos || label == "privatelink" || label == "global" ||
         label == "aws" || label == "azure" || label == "gcp";
}

std::vector<std::string_view> SplitDots(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    parts.push_back(s.substr(start, dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts;
}

[[noreturn]] void ThrowKeyError(const std::string& what) {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  std::string detail;
  if (code != 0) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    detail = std::string(" (") + buffer + ")";
  }
  throw ConfigError(Redactor::Redact(what + detail));
}

int PassphraseCallback(char* buffer, int size, int, void* user) {
  const std::string& passphrase = static_cast<const Secret*>(user)->reveal();
  if (passphrase.empty() || static_cast<int>(passphrase.size()) > size) return -1;
  std::copy(passphrase.begin(), passphrase.end(), buffer);
  return static_cast<int>(passphrase.size());
}

std::string Base64(const unsigned char* bytes, size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  int len =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes, static_cast<int>(n));
  out.resize(static_cast<size_t>(len));
  return out;
}

}  // namespace

std::string NormalizeAccount(std::string_view account) {
  std::string id = AccountIdentifier(account);
  std::vector<std::string_view> parts = SplitDots(id);
  std::string name(parts[0]);
  if (parts.size() == 2 && !IsLocationLabel(parts[1])) {
    name += "-" + std::string(parts[1]);  // SQL form org.account (spec §5.2 step 3)
  } else if (parts.size() >= 2 && parts[1] == "global") {
    name = name.substr(0, name.find('-'));  // as the Python connector does for .global
  }
  return Upper(name);
}

std::string AccountUrl(std::string_view account, std::string_view url_override) {
  if (!url_override.empty()) {
    std::string url(url_override);
    while (url.ends_with('/')) url.pop_back();
    return url;
  }
  std::string host = HostPart(account);
  if (HasSnowflakeDomain(host)) return "https://" + host;  // a host name was given
  std::vector<std::string_view> parts = SplitDots(host);
  if (parts.size() == 2 && !IsLocationLabel(parts[1])) {
    host = std::string(parts[0]) + "-" + std::string(parts[1]);
  }
  return "https://" + host + ".snowflakecomputing.com";
}

struct KeyPair::Key {
  EVP_PKEY* pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

KeyPair::KeyPair(const Secret& pem, const Secret& passphrase) : key_(std::make_unique<Key>()) {
  const std::string& text = pem.reveal();
  bool encrypted = text.find("ENCRYPTED PRIVATE KEY") != std::string::npos;
  if (encrypted && passphrase.empty()) {
    throw ConfigError(
        "the Snowflake private key is encrypted; set SNOWFLAKE_RSA_KEY_PASSPHRASE to open it");
  }
  BIO* bio = BIO_new_mem_buf(text.data(), static_cast<int>(text.size()));
  if (!bio) ThrowKeyError("cannot read the Snowflake private key");
  key_->pkey =
      PEM_read_bio_PrivateKey(bio, nullptr, &PassphraseCallback, const_cast<Secret*>(&passphrase));
  BIO_free(bio);
  if (!key_->pkey) {
    ThrowKeyError(encrypted ? "cannot open the encrypted Snowflake private key (wrong "
                              "passphrase?)"
                            : "the Snowflake private key is not a PKCS#8 PEM key");
  }
  if (EVP_PKEY_base_id(key_->pkey) != EVP_PKEY_RSA) {
    throw ConfigError(
        "the Snowflake private key is not an RSA key (key-pair authentication "
        "needs RSA, 2048 bits or more)");
  }
  unsigned char* der = nullptr;
  int der_len = i2d_PUBKEY(key_->pkey, &der);
  if (der_len <= 0) ThrowKeyError("cannot derive the public key");
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(der, static_cast<size_t>(der_len), digest);
  OPENSSL_free(der);
  fingerprint_ = "SHA256:" + Base64(digest, sizeof digest);
}

KeyPair::~KeyPair() = default;

std::string KeyPair::SignRs256(std::string_view data) const {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  size_t len = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_->pkey) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, bytes, data.size()) != 1) {
    ThrowKeyError("cannot sign the Snowflake JWT");
  }
  std::string signature(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len, bytes,
                     data.size()) != 1) {
    ThrowKeyError("cannot sign the Snowflake JWT");
  }
  signature.resize(len);
  return signature;
}

std::string Base64Url(std::string_view bytes) {
  std::string out = Base64(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  while (!out.empty() && out.back() == '=') out.pop_back();
  std::replace(out.begin(), out.end(), '+', '-');
  std::replace(out.begin(), out.end(), '/', '_');
  return out;
}

JwtClaims MakeClaims(std::string_view account, std::string_view user, std::string_view fingerprint,
                     int64_t issued_at, std::chrono::seconds lifetime) {
  JwtClaims claims;
  claims.sub = NormalizeAccount(account) + "." + Upper(user);
  claims.iss = claims.sub + "." + std::string(fingerprint);
  claims.iat = issued_at;
  claims.exp = issued_at + lifetime.count();
  return claims;
}

std::string MintJwt(const KeyPair& key, const JwtClaims& claims) {
  nlohmann::json payload = {
      {"iss", claims.iss}, {"sub", claims.sub}, {"iat", claims.iat}, {"exp", claims.exp}};
  std::string signing_input =
      Base64Url(R"({"alg":"RS256","typ":"JWT"})") + "." + Base64Url(payload.dump());
  return signing_input + "." + Base64Url(key.SignRs256(signing_input));
}

Authenticator::Authenticator(const config::Credentials::Snowflake& credentials, Clock& clock)
    : Authenticator(credentials, clock, Timing{}) {}

Authenticator::Authenticator(const config::Credentials::Snowflake& credentials, Clock& clock,
                             Timing timing)
    : clock_(clock),
      timing_(timing),
      account_(credentials.account),
      user_(credentials.user),
      wall_at_start_(std::chrono::system_clock::now()),
      clock_at_start_(clock.Now()) {
  if (!credentials.private_key.empty()) {
    key_ = std::make_unique<KeyPair>(credentials.private_key, credentials.private_key_passphrase);
    token_type_ = "KEYPAIR_JWT";
    if (account_.empty() || user_.empty()) {
      throw ConfigError("key-pair authentication needs SNOWFLAKE_ACCOUNT and SNOWFLAKE_USER");
    }
  } else if (!credentials.token.empty()) {
    token_ = credentials.token.reveal();
    token_type_ =
        credentials.token_type.empty() ? "PROGRAMMATIC_ACCESS_TOKEN" : credentials.token_type;
  } else {
    throw ConfigError(
        "no Snowflake credentials: set SNOWFLAKE_RSA_KEY (or _FILE) or "
        "SNOWFLAKE_TOKEN");
  }
}

Authenticator::~Authenticator() = default;

int64_t Authenticator::UnixNow() const {
  auto wall = wall_at_start_ + (clock_.Now() - clock_at_start_);
  return std::chrono::duration_cast<std::chrono::seconds>(wall.time_since_epoch()).count();
}

std::string Authenticator::AuthorizationHeader() {
  std::lock_guard lock(mu_);
  if (key_) {
    int64_t now = UnixNow();
    if (token_.empty() || now >= renew_at_) {
      JwtClaims claims = MakeClaims(account_, user_, key_->fingerprint(), now, timing_.lifetime);
      token_ = MintJwt(*key_, claims);
      Redactor::Register(token_);
      renew_at_ = claims.exp - timing_.renew_before.count();
    }
  }
  return "Bearer " + token_;
}

bool Authenticator::Invalidate() {
  std::lock_guard lock(mu_);
  if (!key_) return false;
  token_.clear();
  return true;
}

}  // namespace sf2pg::snowflake
