// Soak: one long-lived sf2pg Lambda process (the runtime loop, as a warm Lambda environment
// serves invocation after invocation) migrates the same table again and again while sfemu
// injects faults. Its resident memory and open file descriptors, and sfemu's, must stay flat:
// a leak of a connection, a curl handle or a buffer per run shows here long before production.
// sfemu keeps finished results for --result-ttl seconds (as Snowflake keeps them for later
// partition requests); 5 s here, so what it keeps stays small and steady.
// CI soaks for SF2PG_SOAK_SECONDS (default 30); tests/integration/chaos/long.sh for 5 minutes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "integration/chaos/chaos_fixture.h"
#include "integration/lambda/runtime_emulator.h"

namespace sf2pg::testing {
namespace {

struct Usage {
  int64_t rss_kb = 0;
  int64_t fds = 0;
  int64_t retained_kb = 0;  ///< sfemu: finished results it keeps by design (--result-ttl)
  int64_t Unexplained() const { return rss_kb - retained_kb; }
};

Usage UsageOf(pid_t pid) {
  Usage u;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) u.rss_kb = std::stoll(line.substr(6));
  }
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++u.fds;
  }
  return u;
}

// The largest value of `figure` among samples [from, to).
template <typename Figure>
int64_t Max(const std::vector<Usage>& s, size_t from, size_t to, Figure figure) {
  int64_t m = 0;
  for (size_t i = from; i < to; ++i) m = std::max(m, std::invoke(figure, s[i]));
  return m;
}

TEST(ChaosSoak, RepeatedMigrationsWithFaultsKeepMemoryAndDescriptorsFlat) {
  const int seconds = EnvInt("SF2PG_SOAK_SECONDS", 30);
  const int rows = EnvInt("SF2PG_SOAK_ROWS", 10000);
  SceneOptions options;
  options.name = "chaos_soak";
  options.rows = rows;
  options.batch_rows = rows / 10;
  options.table_options = R"("truncate_onstart": true)";
  options.sfemu_args = {"--seed",
                        "5",
                        "--result-ttl",
                        "5",
                        "--fault-retry-after=0",
                        "--partition-first-bytes=30000",
                        "--partition-max-bytes=60000"};
  for (const char* kind : {"429", "503", "reset", "truncated_gzip"}) {
    options.sfemu_args.push_back("--fault-rate");
    options.sfemu_args.push_back(std::string(kind) + "=0.01");
  }
  Scene scene(options);
  EmulatorOptions function;
  function.command = {BinaryPath("sf2pg")};
  function.env = scene.Env();
  function.env["SF2PG_CONFIG"] = scene.dir() + "/config.json";
  function.timeout_ms = 900000;  // Lambda's longest; well beyond the 120 s buffer
  function.log_path = scene.dir() + "/function.log";
  RuntimeEmulator emulator(function);

  std::vector<Usage> sf2pg, sfemu;
  int completed = 0;
  pid_t pid = 0;
  auto started = std::chrono::steady_clock::now();
  while (sf2pg.size() < 6 ||
         std::chrono::steady_clock::now() - started < std::chrono::seconds(seconds)) {
    auto r = emulator.Invoke(R"({"action": "migrate", "no_resume": true})");
    ASSERT_TRUE(r.ok) << r.error_type << ": " << r.error_message;
    if (pid == 0) pid = r.pid;
    ASSERT_EQ(r.pid, pid) << "one warm environment serves every invocation";
    auto body = nlohmann::json::parse(r.payload)["body"];
    // A chunk whose every attempt met a fault fails the run; the next one starts afresh.
    ASSERT_TRUE(body["status"] == "completed" || body["status"] == "failed") << body.dump();
    if (body["status"] == "completed") {
      ++completed;
      EXPECT_EQ(scene.TargetRows(), rows);
    }
    sf2pg.push_back(UsageOf(pid));
    sfemu.push_back(UsageOf(scene.sfemu().pid()));
    sfemu.back().retained_kb =
        nlohmann::json::parse(scene.sfemu().Stats())["result_memory_bytes"].get<int64_t>() / 1024;
  }
  double ran = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  auto faults = nlohmann::json::parse(scene.sfemu().Stats())["faults_injected"];
  std::cout << "[ soak     ] " << sf2pg.size() << " migrations (" << completed << " completed) in "
            << static_cast<int>(ran) << " s; faults " << faults.dump() << "\n";
  for (size_t i = 0; i < sf2pg.size(); ++i) {
    std::cout << "[ soak     ] run " << i + 1 << ": sf2pg " << sf2pg[i].rss_kb / 1024 << " MB, "
              << sf2pg[i].fds << " fds; sfemu " << sfemu[i].rss_kb / 1024 << " MB ("
              << sfemu[i].retained_kb / 1024 << " MB of kept results), " << sfemu[i].fds
              << " fds\n";
  }
  EXPECT_GE(completed, static_cast<int>(sf2pg.size()) / 2);
  // After a warm-up of two runs (allocator arenas, TLS sessions), the second half of the soak
  // may not use more than the first half: a leak grows with every run. sfemu's results are
  // kept for later partition requests, as Snowflake keeps them, and are not counted.
  // Under AddressSanitizer freed memory waits in its quarantine (256 MB) before reuse, so RSS
  // climbs for as long as that fills; leaks are LeakSanitizer's to find in that build.
#if defined(__SANITIZE_ADDRESS__)  // GCC
  constexpr bool kMemoryIsMeaningful = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)  // clang
  constexpr bool kMemoryIsMeaningful = false;
#else
  constexpr bool kMemoryIsMeaningful = true;
#endif
#else
  constexpr bool kMemoryIsMeaningful = true;
#endif
  const size_t n = sf2pg.size(), warm = 2, half = warm + (n - warm) / 2;
  for (const auto* s : {&sf2pg, &sfemu}) {
    const char* who = s == &sf2pg ? "sf2pg" : "sfemu";
    if (kMemoryIsMeaningful) {
      // The allocator's arenas make RSS wander by a few MB between runs (sfemu's four executor
      // threads on a loaded machine: 33-39 MB); a leak keeps growing past that.
      int64_t first = Max(*s, warm, half, &Usage::Unexplained);
      EXPECT_LE(Max(*s, half, n, &Usage::Unexplained), first + std::max<int64_t>(4096, first / 6))
          << who << " memory grows from run to run";
    }
    EXPECT_LE(Max(*s, half, n, &Usage::fds), Max(*s, warm, half, &Usage::fds))
        << who << " file descriptors grow from run to run";
  }
}

}  // namespace
}  // namespace sf2pg::testing
