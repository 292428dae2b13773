// Test support for sfemu: runs the built emulator as a process against the test PostgreSQL
// cluster, mints key-pair JWTs with OpenSSL, and talks to the SQL API with cpp-httplib's
// client, independently of sf2pg's own Snowflake client.
#pragma once

#include <openssl/evp.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace httplib {
class Client;
}

namespace sf2pg::testing {

/// An RSA key pair: the private key signs, the public PEM file is given to sfemu.
struct TestKey {
  std::shared_ptr<EVP_PKEY> key;
  std::string public_pem_path;
  std::string fingerprint;  ///< "SHA256:..."
};
TestKey MakeKey(const std::string& dir, const std::string& name);
/// A key read from an unencrypted PKCS#8 PEM private key file (no public file written).
TestKey KeyFromPrivatePem(const std::string& path);

struct JwtClaims {
  JwtClaims(std::string a, std::string u, std::string fp = "", int64_t iat = 0, int64_t life = 3300)
      : account(std::move(a)),
        user(std::move(u)),
        fingerprint(std::move(fp)),
        iat_offset(iat),
        lifetime(life) {}
  std::string account;
  std::string user;
  std::string fingerprint;  ///< empty: the key's own
  int64_t iat_offset = 0;   ///< seconds relative to now
  int64_t lifetime = 3300;
};
/// A signed RS256 token with iss/sub/iat/exp.
std::string MintJwt(const TestKey& key, const JwtClaims& claims);

/// A response, with the body decompressed when it was gzip-encoded.
struct HttpResult {
  int status = 0;  ///< 0 when the connection failed
  std::multimap<std::string, std::string> headers;
  std::string raw;      ///< the body as sent
  std::string body;     ///< decompressed when Content-Encoding: gzip
  nlohmann::json json;  ///< parsed body (null when not JSON)
  bool gzip = false;
  bool corrupt_gzip = false;  ///< Content-Encoding: gzip with a body that does not inflate
  std::string Header(const std::string& name) const;
};

/// One running sfemu process.
class SfemuProcess {
 public:
  /// Starts `sfemu serve` on database `database` of the test cluster with `args`, and waits
  /// until /sfemu/health answers.
  SfemuProcess(const std::string& database, std::vector<std::string> args);
  ~SfemuProcess();
  int port() const { return port_; }
  std::string log() const;

 private:
  int pid_ = -1;
  int port_ = 0;
  std::string dir_;
};

/// A SQL API client for one user.
class SfemuClient {
 public:
  SfemuClient(int port, std::string account, std::string user, TestKey key);
  SfemuClient(SfemuClient&&) noexcept;
  ~SfemuClient();

  /// POST /api/v2/statements. `body` extends {"statement": sql}; `query` is appended to the
  /// path ("?async=true"); `headers` replace the defaults of the same name (an empty value
  /// drops the header).
  HttpResult Submit(const std::string& sql, nlohmann::json body = nlohmann::json::object(),
                    const std::string& query = "",
                    const std::map<std::string, std::string>& headers = {});
  HttpResult Get(const std::string& path, const std::map<std::string, std::string>& headers = {});
  HttpResult Post(const std::string& path, const std::string& body,
                  const std::map<std::string, std::string>& headers = {});
  HttpResult Request(const std::string& method, const std::string& path);
  /// Submits and fails the test unless the answer is 200; returns all rows (every partition).
  std::vector<std::vector<nlohmann::json>> Rows(const std::string& sql,
                                                nlohmann::json body = nlohmann::json::object());
  /// Polls GET statementStatusUrl until the statement is no longer 202.
  HttpResult Poll(const std::string& handle, int max_ms = 20000);

  std::string Token() const;
  const TestKey& key() const { return key_; }
  std::string account;
  std::string user;

 private:
  HttpResult Send(const std::string& method, const std::string& path, const std::string& body,
                  const std::map<std::string, std::string>& headers);
  TestKey key_;
  std::unique_ptr<httplib::Client> http_;
};

/// The emulator most tests share: database sfemu_it, users TESTER (two keys) and PAT_USER
/// (a programmatic access token), BLOCKED (403), small partitions, a short synchronous wait.
struct SharedSfemu {
  static SharedSfemu& Get();
  std::string dir;  ///< key and token files; removed once sfemu has read them
  TestKey key;
  TestKey rotated_key;
  TestKey other_key;    ///< registered for nobody
  TestKey blocked_key;  ///< BLOCKED's key
  std::string pat = "sfemu-test-pat-0123456789";
  std::unique_ptr<SfemuProcess> process;
  SfemuClient Client() const;
  int port() const { return process->port(); }
};

/// Loads CSV text into an existing table with `sfemu load`; returns the process result text.
struct LoadResult {
  int exit_code;
  std::string err;
};
LoadResult LoadCsv(const std::string& database, const std::string& table, const std::string& csv);

/// Makes sfemu hold the next `times` statements whose SQL contains `marker` for 2.5 s (a fault
/// rule), so that a test sees them running (202, cancel, timeouts).
void SlowNext(SfemuClient& client, const std::string& marker, int times = 1);

/// SQL string literal text for Snowflake: quotes doubled, backslashes escaped.
std::string SqlString(const std::string& text);

}  // namespace sf2pg::testing
