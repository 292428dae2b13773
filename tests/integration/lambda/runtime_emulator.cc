#include "integration/lambda/runtime_emulator.h"

#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <stdexcept>
#include <thread>

namespace sf2pg::testing {
namespace {

int64_t EpochMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string NewRequestId() {
  static std::mutex mu;
  static std::mt19937_64 rng{std::random_device{}()};
  std::lock_guard lock(mu);
  char buf[40];
  uint64_t a = rng(), b = rng();
  snprintf(buf, sizeof buf, "%08x-%04x-4%03x-a%03x-%012llx", static_cast<unsigned>(a >> 32),
           static_cast<unsigned>(a & 0xffff), static_cast<unsigned>((a >> 16) & 0xfff),
           static_cast<unsigned>(b >> 52), static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

}  // namespace

struct RuntimeEmulator::Environment {
  // What the function answered to its invocation: a response, or an error and its type.
  struct Answer {
    bool ok = false;
    std::string body;
    std::string header_type;
  };

  int id = 0;
  pid_t pid = 0;
  httplib::Server server;
  std::thread server_thread;
  std::thread reaper;
  int port = 0;

  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;                  // guarded by mu
  std::string request_id;                 // guarded by mu: the event being served
  std::string event;                      // guarded by mu
  int64_t deadline_ms = 0;                // guarded by mu
  bool pending = false;                   // guarded by mu: an event waits to be handed out
  std::optional<Answer> answer;           // guarded by mu
  std::optional<std::string> init_error;  // guarded by mu: the body, with its header type
  std::string init_error_type;            // guarded by mu
  bool exited = false;                    // guarded by mu
  int exit_status = 0;                    // guarded by mu

  size_t max_response_bytes = 0;

  void Routes(const std::string& arn) {
    server.Get("/2018-06-01/runtime/invocation/next",
               [this, arn](const httplib::Request&, httplib::Response& res) {
                 std::unique_lock lock(mu);
                 cv.wait(lock, [&] { return pending || stopping; });
                 if (stopping) {
                   res.status = 500;
                   return;
                 }
                 pending = false;
                 res.set_header("Lambda-Runtime-Aws-Request-Id", request_id);
                 res.set_header("Lambda-Runtime-Deadline-Ms", std::to_string(deadline_ms));
                 res.set_header("Lambda-Runtime-Invoked-Function-Arn", arn);
                 res.set_header("Lambda-Runtime-Trace-Id",
                                "Root=1-00000000-" + request_id.substr(0, 8) + ";Sampled=0");
                 res.set_content(event, "application/json");
               });
    server.Post(
        R"(/2018-06-01/runtime/invocation/([^/]+)/(response|error))",
        [this](const httplib::Request& req, httplib::Response& res) {
          std::lock_guard lock(mu);
          const std::string sent_id = req.matches[1];
          const bool ok = req.matches[2] == "response";
          if (sent_id != request_id || answer) {
            res.status = 400;
            res.set_content(R"({"errorType":"InvalidStateTransition"})", "application/json");
            return;
          }
          if (ok && req.body.size() > max_response_bytes) {
            res.status = 413;
            res.set_content(R"({"errorType":"RequestEntityTooLarge"})", "application/json");
            return;
          }
          answer = Answer{ok, req.body, req.get_header_value("Lambda-Runtime-Function-Error-Type")};
          cv.notify_all();
          res.status = 202;
          res.set_content(R"({"status":"OK"})", "application/json");
        });
    server.Post("/2018-06-01/runtime/init/error",
                [this](const httplib::Request& req, httplib::Response& res) {
                  std::lock_guard lock(mu);
                  init_error = req.body;
                  init_error_type = req.get_header_value("Lambda-Runtime-Function-Error-Type");
                  cv.notify_all();
                  res.status = 202;
                  res.set_content(R"({"status":"OK"})", "application/json");
                });
  }

  void Kill() {
    std::lock_guard lock(mu);
    if (pid > 0 && !exited) kill(-pid, SIGKILL);
  }

  void Stop() {
    {
      std::lock_guard lock(mu);
      stopping = true;
      cv.notify_all();
    }
    Kill();
    server.stop();
    if (server_thread.joinable()) server_thread.join();
    if (reaper.joinable()) reaper.join();
  }
};

RuntimeEmulator::RuntimeEmulator(EmulatorOptions options) : options_(std::move(options)) {
  if (options_.command.empty()) throw std::invalid_argument("RuntimeEmulator: no command");
}

RuntimeEmulator::~RuntimeEmulator() {
  std::vector<std::shared_ptr<Environment>> all;
  {
    std::lock_guard lock(mu_);
    all = all_;
  }
  for (auto& env : all) env->Stop();
}

int RuntimeEmulator::environments_started() {
  std::lock_guard lock(mu_);
  return started_;
}

int RuntimeEmulator::timeouts() {
  std::lock_guard lock(mu_);
  return timeouts_;
}

std::shared_ptr<RuntimeEmulator::Environment> RuntimeEmulator::Start() {
  auto env = std::make_shared<Environment>();
  {
    std::lock_guard lock(mu_);
    env->id = ++started_;
    all_.push_back(env);
  }
  std::string arn = "arn:aws:lambda:us-east-1:123456789012:function:" + options_.function_name;
  env->max_response_bytes = options_.max_response_bytes;
  env->Routes(arn);
  env->port = env->server.bind_to_any_port("127.0.0.1");
  if (env->port <= 0) throw std::runtime_error("RuntimeEmulator: cannot bind a port");
  env->server_thread = std::thread([env] { env->server.listen_after_bind(); });

  // Everything the child needs is built before fork(): only exec-safe calls happen after it.
  std::map<std::string, std::string> vars;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    size_t eq = entry.find('=');
    if (eq != std::string::npos) vars[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  vars["AWS_LAMBDA_RUNTIME_API"] = "127.0.0.1:" + std::to_string(env->port);
  vars["AWS_LAMBDA_FUNCTION_NAME"] = options_.function_name;
  vars["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST";
  vars["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "1024";
  vars["AWS_REGION"] = "us-east-1";
  vars["_HANDLER"] = "sf2pg";
  for (const auto& [k, v] : options_.env) vars[k] = v;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : vars) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, argv;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = options_.command;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  int log_fd = -1;
  if (!options_.log_path.empty()) {
    log_fd = open(options_.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  }
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("RuntimeEmulator: fork failed");
  if (pid == 0) {
    setpgid(0, 0);
    if (log_fd >= 0) {
      dup2(log_fd, STDOUT_FILENO);
      dup2(log_fd, STDERR_FILENO);
    }
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  if (log_fd >= 0) close(log_fd);
  setpgid(pid, pid);
  env->pid = pid;
  env->reaper = std::thread([env] {
    int status = 0;
    waitpid(env->pid, &status, 0);
    std::lock_guard lock(env->mu);
    env->exited = true;
    env->exit_status = status;
    env->cv.notify_all();
  });
  return env;
}

std::shared_ptr<RuntimeEmulator::Environment> RuntimeEmulator::Acquire() {
  {
    std::lock_guard lock(mu_);
    while (!idle_.empty()) {
      auto env = idle_.back();
      idle_.pop_back();
      std::lock_guard env_lock(env->mu);
      if (!env->exited) {
        ++busy_;
        return env;
      }
    }
    if (busy_ >= options_.max_environments) return nullptr;
    ++busy_;
  }
  return Start();
}

void RuntimeEmulator::Release(const std::shared_ptr<Environment>& env, bool keep) {
  if (!keep) env->Stop();
  std::lock_guard lock(mu_);
  --busy_;
  if (keep) idle_.push_back(env);
}

InvokeResult RuntimeEmulator::Invoke(const std::string& event, int timeout_ms) {
  if (timeout_ms <= 0) timeout_ms = options_.timeout_ms;
  InvokeResult result;
  auto started = std::chrono::steady_clock::now();
  auto env = Acquire();
  if (!env) {
    result.error_type = "Lambda.TooManyRequestsException";
    result.error_message = "Rate Exceeded.";
    return result;
  }
  result.environment = env->id;
  result.pid = env->pid;
  bool keep = true;
  {
    std::unique_lock lock(env->mu);
    env->request_id = NewRequestId();
    env->event = event;
    env->deadline_ms = EpochMs() + timeout_ms;
    env->answer.reset();
    env->pending = true;
    env->cv.notify_all();
    auto deadline = started + std::chrono::milliseconds(timeout_ms);
    bool done = env->cv.wait_until(lock, deadline, [&] {
      return env->answer.has_value() || env->exited || env->init_error.has_value();
    });
    if (env->answer) {
      result.ok = env->answer->ok;
      result.payload = env->answer->body;
      result.header_error_type = env->answer->header_type;
    } else if (env->init_error) {
      // The runtime reported a failed init and exits; the next invoke starts a new one.
      result.init_error = true;
      result.payload = *env->init_error;
      result.header_error_type = env->init_error_type;
      keep = false;
    } else if (done) {
      result.payload = nlohmann::json{{"errorType", "Runtime.ExitError"},
                                      {"errorMessage", "RequestId: " + env->request_id +
                                                           " Error: Runtime exited with status " +
                                                           std::to_string(env->exit_status)}}
                           .dump();
      keep = false;
    } else {
      result.timed_out = true;
      char seconds[32];
      snprintf(seconds, sizeof seconds, "%.2f", timeout_ms / 1000.0);
      result.payload = nlohmann::json{
          {"errorType", "Sandbox.Timedout"},
          {"errorMessage",
           "RequestId: " + env->request_id + " Error: Task timed out after " + seconds +
               " seconds"}}.dump();
      keep = false;
    }
  }
  if (!result.ok) {
    auto body = nlohmann::json::parse(result.payload, nullptr, false);
    if (body.is_object()) {
      result.error_type = body.value("errorType", "");
      result.error_message = body.value("errorMessage", "");
    }
    if (result.error_type.empty()) result.error_type = result.header_error_type;
    if (result.error_type.empty()) result.error_type = "Unhandled";
  }
  if (result.timed_out) {
    std::lock_guard lock(mu_);
    ++timeouts_;
  }
  Release(env, keep);
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace sf2pg::testing
