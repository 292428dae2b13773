#include "integration/pg_fixture.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>
#include <thread>

#include "core/quote.h"

namespace sf2pg::testing {
namespace {

int g_port = 0;
std::string g_dir;
bool g_owned = false;
std::set<std::string> g_created;  // databases to drop when the cluster is not ours

std::string ReadAll(int fd) {
  std::string out;
  char buffer[65536];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof buffer)) > 0) out.append(buffer, static_cast<size_t>(n));
  return out;
}

}  // namespace

std::string BinaryPath(const std::string& name) {
  // The emulator may come from another build (SF2PG_TEST_SFEMU): the sanitizer tests run the
  // normal build's, as a stand-in for Snowflake that need not be instrumented itself.
  if (const char* sfemu = std::getenv("SF2PG_TEST_SFEMU"); name == "sfemu" && sfemu) {
    if (access(sfemu, X_OK) != 0) {
      throw std::runtime_error(std::string("SF2PG_TEST_SFEMU=") + sfemu +
                               " is not an executable: build the normal build first "
                               "(cmake --build --preset default)");
    }
    return sfemu;
  }
  return std::string(SF2PG_BINARY_DIR) + "/" + name;
}
std::string SourcePath(const std::string& relative) {
  return std::string(SF2PG_SOURCE_DIR) + "/" + relative;
}

std::string MakeTempDir(const std::string& prefix) {
  std::string pattern = (std::filesystem::temp_directory_path() / (prefix + ".XXXXXX")).string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

void TestPg::Start() {
  if (const char* port = std::getenv("SF2PG_TEST_PGPORT")) {
    g_port = std::atoi(port);
    return;
  }
  if (const char* dir = std::getenv("SF2PG_TEST_PGDIR")) {
    std::ifstream in(std::string(dir) + "/port");
    if (!(in >> g_port)) {
      throw std::runtime_error(std::string("SF2PG_TEST_PGDIR=") + dir +
                               ": no cluster there (no port file); start one with "
                               "tools/pg-cluster.sh start " +
                               dir);
    }
    return;
  }
  g_dir = MakeTempDir("sf2pg-test-pg");
  std::filesystem::remove(g_dir);  // pg-cluster.sh creates it with the right owner.
  auto result = RunProcess({SourcePath("tools/pg-cluster.sh"), "start", g_dir});
  if (result.exit_code != 0) {
    throw std::runtime_error("cannot start the test PostgreSQL cluster: " + result.err);
  }
  g_port = std::stoi(result.out);
  g_owned = true;
}

void TestPg::Stop() {
  if (!g_owned) {
    // ctest's throwaway cluster (SF2PG_TEST_PGDIR) is removed whole after the run: dropping
    // each database here would only cost a checkpoint per database. A cluster named by
    // SF2PG_TEST_PGPORT outlives the tests: leave it as it was found.
    if (std::getenv("SF2PG_TEST_PGDIR") && !std::getenv("SF2PG_TEST_PGPORT")) g_created.clear();
    if (g_created.empty()) return;
    postgres::Connection conn(Params());
    for (const auto& database : g_created) {
      conn.Exec("DROP DATABASE IF EXISTS " + pg::QuoteIdent(database) + " WITH (FORCE)");
    }
    g_created.clear();
    return;
  }
  RunProcess({SourcePath("tools/pg-cluster.sh"), "stop", g_dir});
  g_owned = false;
}

int TestPg::port() { return g_port; }
std::string TestPg::dir() { return g_dir; }

std::string TestPg::Db(const std::string& database) {
  static const std::string suffix = "_p" + std::to_string(getpid());
  if (database == "postgres" || database.ends_with(suffix)) return database;
  return database + suffix;
}

postgres::ConnectParams TestPg::Params(const std::string& database) {
  postgres::ConnectParams p;
  p.host = "127.0.0.1";
  p.port = g_port;
  p.user = "sf2pg";
  p.password = Secret("sf2pg");
  p.dbname = Db(database);
  p.sslmode = "disable";
  return p;
}

std::string CaseTextSql(const std::string& column, const std::string& pg_type) {
  if (pg_type.starts_with("geometry") || pg_type.starts_with("geography")) {
    return "ST_AsEWKT(" + column + ", 17)";
  }
  return column + "::text";
}

void TestPg::CreateDatabase(const std::string& name) {
  std::string database = Db(name);
  g_created.insert(database);
  postgres::Connection conn(Params());
  conn.Exec("DROP DATABASE IF EXISTS " + pg::QuoteIdent(database) + " WITH (FORCE)");
  conn.Exec("CREATE DATABASE " + pg::QuoteIdent(database));
}

std::map<std::string, std::string> TestPg::Env() {
  return {{"POSTGRES_HOST", "127.0.0.1"},
          {"POSTGRES_PORT", std::to_string(g_port)},
          {"POSTGRES_USER", "sf2pg"},
          {"POSTGRES_PASSWORD", "sf2pg"},
          {"POSTGRES_SSLMODE", "disable"}};
}

ProcessResult RunProcess(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env, const std::string& cwd) {
  // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
  std::map<std::string, std::string> merged;
  for (char** e = environ; *e; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (eq != std::string::npos) merged[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& [k, v] : env) merged[k] = v;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : merged) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    close(out_pipe[0]);
    close(err_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, STDIN_FILENO);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(127);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  ProcessResult result;
  std::thread err_reader([&] { result.err = ReadAll(err_pipe[0]); });
  result.out = ReadAll(out_pipe[0]);
  err_reader.join();
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace sf2pg::testing
