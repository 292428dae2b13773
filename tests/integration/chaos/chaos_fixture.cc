#include "integration/chaos/chaos_fixture.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/quote.h"
#include "integration/files.h"

namespace sf2pg::testing {

Background::Background(const std::vector<std::string>& argv,
                       const std::map<std::string, std::string>& env, const std::string& log_path)
    : log_path_(log_path) {
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
  int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log < 0) throw std::runtime_error("cannot open " + log_path);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, STDIN_FILENO);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  close(log);
}

Background::~Background() {
  if (Running()) {
    Signal(SIGKILL);
    Wait();
  }
}

bool Background::Running() {
  if (exit_code_ >= 0) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == 0) return true;
  exit_code_ = r < 0 ? 255 : WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return false;
}

void Background::Signal(int signal) const {
  if (exit_code_ < 0) kill(pid_, signal);
}

int Background::Wait() {
  if (exit_code_ >= 0) return exit_code_;
  int status = 0;
  if (waitpid(pid_, &status, 0) < 0) return exit_code_ = 255;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return exit_code_;
}

std::string Background::Output() const { return ReadFileText(log_path_); }

Scene::Scene(SceneOptions options)
    : options_(std::move(options)),
      dir_(MakeTempDir("sf2pg-" + options_.name)),
      target_db_(TestPg::Db(options_.name + "_target")) {
  sfemu_ = std::make_unique<SfemuServer>(options_.name + "_sfemu", "", 0, options_.sfemu_args);
  auto load =
      RunProcess({BinaryPath("sfemu"), "load", "--dataset", "bench", "--table", "PATIENTS",
                  "--rows", std::to_string(options_.rows), "--pg-database", sfemu_->database()},
                 {{"PGHOST", "127.0.0.1"},
                  {"PGPORT", std::to_string(TestPg::port())},
                  {"PGUSER", "sf2pg"},
                  {"PGPASSWORD", "sf2pg"},
                  {"PGSSLMODE", "disable"}});
  if (load.exit_code != 0) throw std::runtime_error("sfemu load: " + load.err);
  if (options_.pg_params) {
    postgres::ConnectParams admin = *options_.pg_params;
    admin.dbname = "postgres";
    postgres::Connection conn(admin);
    conn.Exec("DROP DATABASE IF EXISTS " + pg::QuoteIdent(target_db_) + " WITH (FORCE)");
    conn.Exec("CREATE DATABASE " + pg::QuoteIdent(target_db_));
  } else {
    TestPg::CreateDatabase(target_db_);
  }
  std::string table = R"({"source": "PATIENTS", "target": "patients",
      "chunking_columns": ["PATIENT_ID"], "chunking_column_types": ["bigint"],
      "uniqueness_columns": ["PATIENT_ID"])" +
                      (options_.table_options.empty() ? "" : ", " + options_.table_options) + "}";
  std::ofstream(dir_ + "/config.json")
      << R"({"parallel_threads": )" << options_.workers << R"(, "batch_size": )"
      << options_.batch_rows << R"(, "batch_size_copy_mode": )" << options_.batch_rows
      << R"(, "max_retry_attempts": 3, "sources": [{"source_name": "bench",
      "source_sf_database": "BENCH", "source_sf_schema": "PUBLIC",
      "target_pg_database": ")"
      << target_db_ << R"(", "target_pg_schema": "public", "tables": [)" << table << "]}]}";
}

Scene::~Scene() { std::filesystem::remove_all(dir_); }

std::map<std::string, std::string> Scene::Env() const {
  auto env = options_.pg_env.empty() ? TestPg::Env() : options_.pg_env;
  for (const auto& [k, v] : sfemu_->Env()) env[k] = v;
  return env;
}

ProcessResult Scene::Sf2pg(std::vector<std::string> args,
                           const std::map<std::string, std::string>& extra_env) const {
  args.insert(args.begin(), BinaryPath("sf2pg"));
  args.push_back("--config");
  args.push_back(dir_ + "/config.json");
  auto env = Env();
  for (const auto& [k, v] : extra_env) env[k] = v;
  return RunProcess(args, env, dir_);
}

std::unique_ptr<Background> Scene::Start(std::vector<std::string> args,
                                         const std::string& log_name) const {
  args.insert(args.begin(), BinaryPath("sf2pg"));
  args.push_back("--config");
  args.push_back(dir_ + "/config.json");
  return std::make_unique<Background>(args, Env(), dir_ + "/" + log_name);
}

nlohmann::json Scene::Verify() const {
  auto r = Sf2pg({"verify", "--json", "--log-level", "warning"});
  auto parsed = nlohmann::json::parse(r.out, nullptr, false);
  if (!parsed.is_array() || parsed.size() != 1) {
    throw std::runtime_error("sf2pg verify: " + r.out + r.err);
  }
  parsed[0]["exit_code"] = r.exit_code;
  return parsed[0];
}

postgres::ConnectParams Scene::TargetParams() const {
  postgres::ConnectParams p = TestPg::Params(target_db_);
  if (options_.pg_params) {
    p = *options_.pg_params;
    p.dbname = target_db_;
  }
  p.application_name = "sf2pg-test";
  return p;
}

postgres::Connection Scene::Target() const { return postgres::Connection(TargetParams()); }

int64_t Scene::Scalar(const std::string& sql) const {
  std::lock_guard lock(scalar_mu_);
  if (scalar_conn_ && !scalar_conn_->ok()) scalar_conn_.reset();
  try {
    if (!scalar_conn_) scalar_conn_ = std::make_unique<postgres::Connection>(TargetParams());
    return scalar_conn_->Exec(sql).GetInt(0, 0);
  } catch (const std::exception&) {
    if (scalar_conn_ && scalar_conn_->ok()) throw;  // the statement failed, not the session
    // A restarted server or a terminated session: once more on a new connection.
    scalar_conn_ = std::make_unique<postgres::Connection>(TargetParams());
    return scalar_conn_->Exec(sql).GetInt(0, 0);
  }
}

int64_t Scene::ActiveCopies() const {
  return Target()
      .Exec(
          "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name = "
          "'sf2pg' AND state = 'active' AND query LIKE 'COPY %'",
          {target_db_})
      .GetInt(0, 0);
}

std::vector<ChunkRow> Chunks(const Scene& scene) {
  auto r = scene.Target().Exec(
      "SELECT chunk_id, status, rows_copied, chunk_range::text FROM "
      "migration_status.migration_chunk_status ORDER BY chunk_id");
  std::vector<ChunkRow> out;
  for (int i = 0; i < r.rows(); ++i) {
    ChunkRow c;
    c.chunk_id = static_cast<int>(r.GetInt(i, 0));
    c.status = std::string(r.Get(i, 1));
    c.rows_copied = r.IsNull(i, 2) ? 0 : r.GetInt(i, 2);
    c.range = nlohmann::json::parse(r.Get(i, 3));
    out.push_back(c);
  }
  return out;
}

// Each completed chunk's range holds exactly rows_copied target rows; no other chunk's range
// holds any. PATIENT_ID is 1..rows without gaps, so a range's source rows are known too.
void ExpectChunksMatchTheirRows(const Scene& scene) {
  auto target = scene.Target();
  for (const ChunkRow& c : Chunks(scene)) {
    std::string predicate = c.range.value("predicate", "");
    for (size_t at; (at = predicate.find("\"PATIENT_ID\"")) != std::string::npos;) {
      predicate.replace(at, 12, "patient_id");
    }
    std::string where = predicate.empty() ? "true" : predicate;
    int64_t in_target =
        target.Exec("SELECT count(*) FROM public.patients WHERE " + where).GetInt(0, 0);
    if (c.status == "completed") {
      EXPECT_EQ(in_target, c.rows_copied) << "chunk " << c.chunk_id << ": " << where;
    } else {
      EXPECT_EQ(in_target, 0) << "chunk " << c.chunk_id << " (" << c.status << "): " << where;
    }
  }
}

OwnCluster::OwnCluster() : dir_(MakeTempDir("sf2pg-own-pg")) {
  std::filesystem::remove(dir_);  // pg-cluster.sh creates it with the right owner
  auto r = RunProcess({SourcePath("tools/pg-cluster.sh"), "start", dir_});
  if (r.exit_code != 0) throw std::runtime_error("cannot start a PostgreSQL cluster: " + r.err);
  port_ = std::stoi(r.out);
}

OwnCluster::~OwnCluster() { RunProcess({SourcePath("tools/pg-cluster.sh"), "stop", dir_}); }

void OwnCluster::Restart() const {
  auto r = RunProcess({SourcePath("tools/pg-cluster.sh"), "restart", dir_});
  if (r.exit_code != 0) throw std::runtime_error("restart failed: " + r.err);
}

postgres::ConnectParams OwnCluster::Params(const std::string& database) const {
  postgres::ConnectParams p = TestPg::Params(database);
  p.port = port_;
  return p;
}

std::map<std::string, std::string> OwnCluster::Env() const {
  auto env = TestPg::Env();
  env["POSTGRES_PORT"] = std::to_string(port_);
  return env;
}

void OwnCluster::CreateDatabase(const std::string& name) const {
  std::string database = TestPg::Db(name);  // as Params names it
  postgres::Connection conn(Params("postgres"));
  conn.Exec("DROP DATABASE IF EXISTS " + pg::QuoteIdent(database) + " WITH (FORCE)");
  conn.Exec("CREATE DATABASE " + pg::QuoteIdent(database));
}

int EnvInt(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value && *value ? std::atoi(value) : fallback;
}

}  // namespace sf2pg::testing
