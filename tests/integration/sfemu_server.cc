#include "integration/sfemu_server.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "config/config.h"
#include "integration/files.h"
#include "integration/pg_fixture.h"
#include "snowflake/snowflake_source.h"
#include "unit/snowflake/test_keys.h"

namespace sf2pg::testing {
namespace {

std::map<std::string, std::string> PgEnv() {
  return {{"PGHOST", "127.0.0.1"},
          {"PGPORT", std::to_string(TestPg::port())},
          {"PGUSER", "sf2pg"},
          {"PGPASSWORD", "sf2pg"},
          {"PGSSLMODE", "disable"}};
}

}  // namespace

void StopSfemu(pid_t pid, const std::string& log_path) {
  kill(pid, SIGTERM);
  for (int i = 0; i < 1500; ++i) {
    if (waitpid(pid, nullptr, WNOHANG) == pid) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  std::string log = ReadFileText(log_path);
  ADD_FAILURE() << "sfemu (pid " << pid << ") did not exit within 15 s of SIGTERM; its log ends:\n"
                << log.substr(log.size() > 4000 ? log.size() - 4000 : 0);
}

SfemuServer::SfemuServer(const std::string& database, const std::string& dataset, int rows,
                         std::vector<std::string> serve_args)
    : dir_(MakeTempDir("sf2pg-sfemu")), database_(TestPg::Db(database)) {
  TestPg::CreateDatabase(database_);
  if (!dataset.empty()) {
    auto load = RunProcess({BinaryPath("sfemu"), "load", "--dataset", dataset, "--rows",
                            std::to_string(rows), "--pg-database", database_},
                           PgEnv());
    if (load.exit_code != 0) throw std::runtime_error("sfemu load: " + load.err);
  }
  // One key pair per test process: generating one takes a quarter of a second. sfemu reads
  // the public key from a file; the tests hand the private key over in the environment.
  std::string key = dir_ + "/key.pub";
  private_key_ = SharedTestKey().private_pem;
  std::ofstream(key) << SharedTestKey().public_pem;
  std::string port_file = dir_ + "/port";
  std::string command = "exec >" + dir_ + "/sfemu.log 2>&1; ";
  for (const auto& [k, v] : PgEnv()) command += k + "=" + v + " ";
  command += "exec " + BinaryPath("sfemu") + " serve --account acme-test --user SVC --public-key " +
             key + " --port 0 --port-file " + port_file + " --pg-database " + database_;
  for (const auto& a : serve_args) command += " '" + a + "'";
  pid_ = fork();
  if (pid_ == 0) {
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 400 && ReadFileText(port_file).empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  std::string port = ReadFileText(port_file);
  if (port.empty())
    throw std::runtime_error("sfemu did not start: " + ReadFileText(dir_ + "/sfemu.log"));
  port_ = std::stoi(port);
}

SfemuServer::~SfemuServer() {
  if (pid_ > 0) StopSfemu(pid_, dir_ + "/sfemu.log");
  std::filesystem::remove_all(dir_);
}

ProcessResult RunSf2pg(const SfemuServer& sfemu, std::vector<std::string> args,
                       const std::string& dir) {
  args.insert(args.begin(), BinaryPath("sf2pg"));
  args.push_back("--log-format");
  args.push_back("json");
  auto env = TestPg::Env();
  for (const auto& [k, v] : sfemu.Env()) env[k] = v;
  return RunProcess(args, env, dir);
}

std::map<std::string, std::string> SfemuServer::Env() const {
  return {{"SNOWFLAKE_ACCOUNT", "acme-test"},
          {"SNOWFLAKE_USER", "SVC"},
          {"SNOWFLAKE_RSA_KEY", private_key_},
          {"SNOWFLAKE_URL", "http://127.0.0.1:" + std::to_string(port_)}};
}

std::vector<std::vector<std::string>> SfemuServer::Sql(const std::string& statement) const {
  config::Credentials c;
  c.snowflake.account = "acme-test";
  c.snowflake.user = "SVC";
  c.snowflake.private_key = Secret(private_key_);
  c.snowflake.url = "http://127.0.0.1:" + std::to_string(port_);
  auto source = snowflake::MakeSnowflakeSource(snowflake::ClientOptions::From(c, "", ""));
  auto result = source->Query(statement);
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : result.rows) {
    rows.emplace_back();
    for (const auto& v : r) rows.back().push_back(v.value_or("NULL"));
  }
  return rows;
}

void SfemuServer::SetFaults(const std::string& json) const {
  httplib::Client client("127.0.0.1", port_);
  auto r = client.Post("/sfemu/faults", json, "application/json");
  if (!r || r->status != 200) throw std::runtime_error("POST /sfemu/faults failed");
}

std::string SfemuServer::Stats() const {
  httplib::Client client("127.0.0.1", port_);
  auto r = client.Get("/sfemu/stats");
  return r ? r->body : "";
}

}  // namespace sf2pg::testing
