#include "integration/sfemu/sfemu_fixture.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "integration/pg_fixture.h"
#include "integration/sfemu_server.h"

namespace sf2pg::testing {
namespace {

std::string B64Url(std::string_view data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : data) {
    buffer = (buffer << 8) | static_cast<uint8_t>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 63];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 63];
  return out;
}

std::string Inflate(const std::string& data) {
  z_stream z{};
  inflateInit2(&z, 15 + 32);
  std::string out;
  char buffer[65536];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - z.avail_out);
    if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) rc = Z_BUF_ERROR;
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("bad gzip body");
  return out;
}

int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string HttpResult::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

namespace {

std::string Fingerprint(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key, &der);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(der, static_cast<size_t>(len), digest);
  OPENSSL_free(der);
  unsigned char b64[64];
  int n = EVP_EncodeBlock(b64, digest, SHA256_DIGEST_LENGTH);
  return "SHA256:" + std::string(reinterpret_cast<char*>(b64), static_cast<size_t>(n));
}

}  // namespace

TestKey MakeKey(const std::string& dir, const std::string& name) {
  TestKey out;
  out.key = std::shared_ptr<EVP_PKEY>(EVP_RSA_gen(2048), &EVP_PKEY_free);
  out.public_pem_path = dir + "/" + name + ".pub";
  FILE* f = std::fopen(out.public_pem_path.c_str(), "w");
  PEM_write_PUBKEY(f, out.key.get());
  std::fclose(f);
  out.fingerprint = Fingerprint(out.key.get());
  return out;
}

TestKey KeyFromPrivatePem(const std::string& path) {
  TestKey out;
  FILE* f = std::fopen(path.c_str(), "r");
  if (!f) throw std::runtime_error("cannot read " + path);
  out.key =
      std::shared_ptr<EVP_PKEY>(PEM_read_PrivateKey(f, nullptr, nullptr, nullptr), &EVP_PKEY_free);
  std::fclose(f);
  if (!out.key) throw std::runtime_error("no private key in " + path);
  out.fingerprint = Fingerprint(out.key.get());
  return out;
}

std::string MintJwt(const TestKey& key, const JwtClaims& c) {
  int64_t iat = Now() + c.iat_offset;
  std::string fp = c.fingerprint.empty() ? key.fingerprint : c.fingerprint;
  nlohmann::json payload = {{"iss", c.account + "." + c.user + "." + fp},
                            {"sub", c.account + "." + c.user},
                            {"iat", iat},
                            {"exp", iat + c.lifetime}};
  std::string signed_part = B64Url(R"({"alg":"RS256","typ":"JWT"})") + "." + B64Url(payload.dump());
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.key.get());
  EVP_DigestSignUpdate(ctx.get(), signed_part.data(), signed_part.size());
  size_t len = 0;
  EVP_DigestSignFinal(ctx.get(), nullptr, &len);
  std::string sig(len, '\0');
  EVP_DigestSignFinal(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len);
  sig.resize(len);
  return signed_part + "." + B64Url(sig);
}

SfemuProcess::SfemuProcess(const std::string& database, std::vector<std::string> args) {
  dir_ = MakeTempDir("sfemu-it");
  std::string port_file = dir_ + "/port";
  std::vector<std::string> argv = {BinaryPath("sfemu"),
                                   "serve",
                                   "--port",
                                   "0",
                                   "--port-file",
                                   port_file,
                                   "--pg-host",
                                   "127.0.0.1",
                                   "--pg-port",
                                   std::to_string(TestPg::port()),
                                   "--pg-user",
                                   "sf2pg",
                                   "--pg-database",
                                   TestPg::Db(database)};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
  env_strings.emplace_back("PGPASSWORD=sf2pg");
  std::vector<char*> envp, cargs;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  for (auto& a : argv) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  std::string log_path = dir_ + "/sfemu.log";
  pid_ = fork();
  if (pid_ == 0) {
    FILE* log = std::fopen(log_path.c_str(), "w");
    dup2(fileno(log), STDOUT_FILENO);
    dup2(fileno(log), STDERR_FILENO);
    execve(cargs[0], cargs.data(), envp.data());
    _exit(127);
  }
  for (int i = 0; i < 300 && port_ == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::ifstream in(port_file);
    int p = 0;
    if (in >> p && p > 0) {
      httplib::Client probe("127.0.0.1", p);
      auto res = probe.Get("/sfemu/health");
      if (res && res->status == 200) port_ = p;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("sfemu exited: " + log());
    }
  }
  if (port_ == 0) throw std::runtime_error("sfemu did not become healthy: " + log());
}

SfemuProcess::~SfemuProcess() {
  if (pid_ > 0) StopSfemu(pid_, dir_ + "/sfemu.log");
  std::filesystem::remove_all(dir_);
}

std::string SfemuProcess::log() const {
  std::ifstream in(dir_ + "/sfemu.log");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

SfemuClient::SfemuClient(int port, std::string acct, std::string usr, TestKey key)
    : account(std::move(acct)),
      user(std::move(usr)),
      key_(std::move(key)),
      http_(std::make_unique<httplib::Client>("127.0.0.1", port)) {
  http_->set_decompress(false);
  http_->set_read_timeout(120, 0);
  http_->set_keep_alive(true);
  http_->set_tcp_nodelay(true);
}

SfemuClient::SfemuClient(SfemuClient&&) noexcept = default;
SfemuClient::~SfemuClient() = default;

std::string SfemuClient::Token() const { return MintJwt(key_, {account, user, "", 0, 3300}); }

HttpResult SfemuClient::Send(const std::string& method, const std::string& path,
                             const std::string& body,
                             const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> h = {{"Authorization", "Bearer " + Token()},
                                          {"X-Snowflake-Authorization-Token-Type", "KEYPAIR_JWT"},
                                          {"Accept", "application/json"},
                                          {"User-Agent", "sfemu-tests/1.0"}};
  for (const auto& [k, v] : extra) h[k] = v;
  httplib::Headers headers;
  std::string content_type = "application/json";
  for (const auto& [k, v] : h) {
    if (v.empty()) continue;
    if (k == "Content-Type") {
      content_type = v;
      continue;
    }
    headers.emplace(k, v);
  }
  httplib::Result res = method == "POST"  ? http_->Post(path, headers, body, content_type)
                        : method == "GET" ? http_->Get(path, headers)
                        : method == "PUT" ? http_->Put(path, headers, body, content_type)
                                          : http_->Delete(path, headers);
  HttpResult out;
  if (!res) return out;
  out.status = res->status;
  for (const auto& [k, v] : res->headers) out.headers.emplace(k, v);
  out.raw = res->body;
  out.gzip = res->get_header_value("Content-Encoding") == "gzip";
  try {
    out.body = out.gzip ? Inflate(out.raw) : out.raw;
  } catch (const std::runtime_error&) {
    out.corrupt_gzip = true;
  }
  out.json = nlohmann::json::parse(out.body, nullptr, false);
  if (out.json.is_discarded()) out.json = nullptr;
  return out;
}

HttpResult SfemuClient::Submit(const std::string& sql, nlohmann::json body,
                               const std::string& query,
                               const std::map<std::string, std::string>& headers) {
  if (!body.contains("statement")) body["statement"] = sql;
  if (body["statement"].is_null()) body.erase("statement");
  return Send("POST", "/api/v2/statements" + query, body.dump(), headers);
}

HttpResult SfemuClient::Get(const std::string& path,
                            const std::map<std::string, std::string>& headers) {
  return Send("GET", path, "", headers);
}

HttpResult SfemuClient::Post(const std::string& path, const std::string& body,
                             const std::map<std::string, std::string>& headers) {
  return Send("POST", path, body, headers);
}

HttpResult SfemuClient::Request(const std::string& method, const std::string& path) {
  return Send(method, path, "", {});
}

HttpResult SfemuClient::Poll(const std::string& handle, int max_ms) {
  HttpResult r;
  for (int waited = 0; waited < max_ms; waited += 50) {
    r = Get("/api/v2/statements/" + handle);
    if (r.status != 202) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return r;
}

std::vector<std::vector<nlohmann::json>> SfemuClient::Rows(const std::string& sql,
                                                           nlohmann::json body) {
  HttpResult r = Submit(sql, std::move(body));
  if (r.status == 202) r = Poll(r.json["statementHandle"]);
  std::vector<std::vector<nlohmann::json>> rows;
  EXPECT_EQ(r.status, 200) << sql << "\n" << r.body;
  if (r.status != 200) return rows;
  for (const auto& row : r.json["data"]) rows.push_back(row.get<std::vector<nlohmann::json>>());
  size_t partitions = r.json["resultSetMetaData"]["partitionInfo"].size();
  std::string handle = r.json["statementHandle"];
  for (size_t p = 1; p < partitions; ++p) {
    HttpResult part = Get("/api/v2/statements/" + handle + "?partition=" + std::to_string(p));
    EXPECT_EQ(part.status, 200);
    for (const auto& row : part.json["data"])
      rows.push_back(row.get<std::vector<nlohmann::json>>());
  }
  return rows;
}

SharedSfemu& SharedSfemu::Get() {
  // A function-local static: the process is stopped when the test binary exits.
  static SharedSfemu shared = [] {
    SharedSfemu instance;
    SharedSfemu* s = &instance;
    TestPg::CreateDatabase("sfemu_it");
    s->dir = MakeTempDir("sfemu-keys");
    s->key = MakeKey(s->dir, "tester");
    s->rotated_key = MakeKey(s->dir, "tester2");
    s->other_key = MakeKey(s->dir, "other");
    s->blocked_key = MakeKey(s->dir, "blocked");
    std::ofstream(s->dir + "/pat") << s->pat << "\n";
    s->process = std::make_unique<SfemuProcess>(
        "sfemu_it", std::vector<std::string>{"--account",
                                             "sfemu-test.us-east-1",
                                             "--user",
                                             "TESTER",
                                             "--public-key",
                                             "TESTER=" + s->key.public_pem_path,
                                             "--public-key",
                                             "TESTER=" + s->rotated_key.public_pem_path,
                                             "--public-key",
                                             "BLOCKED=" + s->blocked_key.public_pem_path,
                                             "--blocked-user",
                                             "BLOCKED",
                                             "--pat-file",
                                             "PAT_USER=" + s->dir + "/pat",
                                             "--sync-wait-ms",
                                             "1500",
                                             "--partition-first-bytes",
                                             "2000",
                                             "--partition-max-bytes",
                                             "8000",
                                             "--cache-entries",
                                             "50",
                                             "--fault-slow-ms",
                                             "2500",
                                             "--timezone",
                                             "UTC",
                                             "--executors",
                                             "3"});
    // sfemu has read the key and token files at start-up; the private keys stay in memory.
    std::filesystem::remove_all(s->dir);
    return instance;
  }();
  return shared;
}

SfemuClient SharedSfemu::Client() const { return SfemuClient(port(), "SFEMU-TEST", "TESTER", key); }

LoadResult LoadCsv(const std::string& database, const std::string& table, const std::string& csv) {
  std::string dir = MakeTempDir("sfemu-csv");
  std::string path = dir + "/data.csv";
  std::ofstream(path, std::ios::binary) << csv;
  auto r = RunProcess({BinaryPath("sfemu"), "load", "--pg-host", "127.0.0.1", "--pg-port",
                       std::to_string(TestPg::port()), "--pg-user", "sf2pg", "--pg-database",
                       TestPg::Db(database), "--csv", table + "=" + path},
                      {{"PGPASSWORD", "sf2pg"}});
  std::filesystem::remove_all(dir);
  return {r.exit_code, r.err};
}

void SlowNext(SfemuClient& client, const std::string& marker, int times) {
  nlohmann::json rule = {
      {"rules", nlohmann::json::array({{{"match", marker}, {"times", times}, {"action", "slow"}}})},
      {"slow_ms", 2500}};
  HttpResult r = client.Post("/sfemu/faults", rule.dump());
  if (r.status != 200) throw std::runtime_error("cannot set a slow rule: " + r.body);
}

std::string SqlString(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'')
      out += "''";
    else if (c == '\\')
      out += "\\\\";
    else if (c == '\0')
      out += "\\0";
    else
      out += c;
  }
  return out + "'";
}

}  // namespace sf2pg::testing
