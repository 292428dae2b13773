// The PostgreSQL side failing under a migration: the server restarted in the middle of the
// load, and sf2pg's sessions killed with pg_terminate_backend. sf2pg reconnects or fails the
// chunk; resuming completes the run; no chunk is ever marked completed without its rows.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "core/exit_status.h"
#include "integration/chaos/chaos_fixture.h"

namespace sf2pg::testing {
namespace {

// Completed chunks, or -1 while the target cannot be asked (restarting, no tables yet).
int64_t CompletedChunks(const Scene& scene) {
  try {
    return scene.Scalar(
        "SELECT count(*) FROM migration_status.migration_chunk_status WHERE status = "
        "'completed'");
  } catch (const std::exception&) {
    return -1;
  }
}

// Waits while `run` is running until `ready` holds; false when the run ended first.
template <typename Ready>
bool WaitFor(Background& run, Ready ready) {
  for (int i = 0; i < 6000 && run.Running(); ++i) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// Runs `migrate` again until it completes; returns how many runs that took.
int ResumeUntilCompleted(const Scene& scene, int first_exit_code) {
  int code = first_exit_code, runs = 0;
  while (code != kExitDone && runs < 5) {
    EXPECT_TRUE(code == kExitFailed || code == kExitResumable) << "exit code " << code;
    auto r = scene.Sf2pg({"migrate", "--log-format", "json", "-q"});
    code = r.exit_code;
    ++runs;
    if (code != kExitDone)
      std::cout << "[ chaos    ] resume exit " << code << ": " << r.out << "\n";
  }
  EXPECT_EQ(code, kExitDone);
  return runs;
}

void ExpectExact(const Scene& scene) {
  int rows = scene.options().rows;
  EXPECT_EQ(scene.TargetRows(), rows);
  EXPECT_EQ(scene.DistinctKeys(), rows);
  EXPECT_EQ(scene.Scalar("SELECT count(*) FROM migration_status.migration_runs"), 1);
  EXPECT_EQ(scene.Scalar("SELECT total_rows_copied FROM migration_status.migration_runs"), rows);
  ExpectChunksMatchTheirRows(scene);
  auto verdict = scene.Verify();
  EXPECT_TRUE(verdict["identical"].get<bool>()) << verdict.dump(2);
}

TEST(ChaosTarget, PostgresRestartedMidRunIsSurvivedOrResumed) {
  OwnCluster pg;
  SceneOptions options;
  options.name = "chaos_restart";
  options.rows = 100000;
  options.batch_rows = 2500;
  options.pg_env = pg.Env();
  options.pg_params = pg.Params("postgres");
  Scene scene(options);
  auto run = scene.Start({"migrate", "--log-format", "json"}, "restart.log");
  int restarts = 0;
  for (int64_t after : {3, 15}) {
    if (!WaitFor(*run, [&] { return CompletedChunks(scene) >= after; })) break;
    pg.Restart();
    ++restarts;
  }
  int code = run->Wait();
  ASSERT_LT(code, 128) << "sf2pg crashed:\n" << run->Output();
  std::cout << "[ chaos    ] " << restarts << " restart(s); the run exited " << code << "\n";
  ASSERT_GE(restarts, 1) << "the run ended before any restart:\n" << run->Output();
  int resumes = ResumeUntilCompleted(scene, code);
  std::cout << "[ chaos    ] resumed " << resumes << " time(s)\n";
  ExpectExact(scene);
  // Workers saw the restart and either reconnected or failed their chunks clearly.
  std::string log = run->Output();
  EXPECT_TRUE(log.find("terminating connection due to administrator command") !=
                  std::string::npos ||
              log.find("server closed the connection unexpectedly") != std::string::npos ||
              log.find("reconnecting to PostgreSQL failed") != std::string::npos)
      << log.substr(0, 4000);
}

TEST(ChaosTarget, TerminatedSessionsAreReconnectedOrResumed) {
  SceneOptions options;
  options.name = "chaos_terminate";
  options.rows = 100000;
  options.batch_rows = 2500;
  // Slow enough requests that the load outlasts the kills below on any machine.
  options.sfemu_args = {"--fault-latency-ms", "25"};
  Scene scene(options);
  auto run = scene.Start({"migrate", "--log-format", "json"}, "terminate.log");
  ASSERT_TRUE(WaitFor(*run, [&] { return CompletedChunks(scene) >= 1; })) << run->Output();
  std::string sessions = "FROM pg_stat_activity WHERE application_name = 'sf2pg' AND datname = '" +
                         scene.target_database() + "'";
  // The oldest session is the coordinator's: it idles through the load and then settles the
  // run. Losing it must not turn the end of the run into a false answer.
  int terminated =
      static_cast<int>(scene.Scalar("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) " +
                                    sessions + " ORDER BY backend_start LIMIT 1) t"));
  // Then one sf2pg session killed every 40 ms, for about the first half of the load.
  for (int i = 0; i < 25 && run->Running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
    terminated +=
        static_cast<int>(scene.Scalar("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) " +
                                      sessions + " ORDER BY random() LIMIT 1) t"));
  }
  int code = run->Wait();
  ASSERT_LT(code, 128) << "sf2pg crashed:\n" << run->Output();
  std::cout << "[ chaos    ] " << terminated << " session(s) terminated; the run exited " << code
            << "\n";
  ASSERT_GE(terminated, 5) << run->Output();
  // The exit code tells the truth about the run: 0 only when it is completed.
  std::string status = scene.Target()
                           .Exec("SELECT status FROM migration_status.migration_runs")
                           .GetOptional(0, 0)
                           .value_or("");
  if (code == kExitDone) {
    EXPECT_EQ(status, "completed") << run->Output();
  } else if (code == kExitResumable) {
    EXPECT_EQ(status, "partial") << run->Output();
  }
  int resumes = ResumeUntilCompleted(scene, code);
  std::cout << "[ chaos    ] resumed " << resumes << " time(s)\n";
  ExpectExact(scene);
  std::string log = run->Output();
  EXPECT_NE(log.find("terminating connection due to administrator command"), std::string::npos)
      << log.substr(0, 4000);
}

}  // namespace
}  // namespace sf2pg::testing
