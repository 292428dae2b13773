// SIGKILL at random moments of a parallel migration, each time resumed: the target ends
// identical to the source, row by row, without duplicate keys, and every completed chunk holds
// exactly its rows. The CI size is small; tests/integration/chaos/long.sh runs it with 1M rows
// and 20 kills (SF2PG_CHAOS_ROWS, SF2PG_CHAOS_KILLS, SF2PG_CHAOS_SEED).
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <random>
#include <thread>

#include "core/exit_status.h"
#include "integration/chaos/chaos_fixture.h"

namespace sf2pg::testing {
namespace {

using Seconds = std::chrono::duration<double>;

// Chunks with `status` (or every chunk for ""); 0 before the status tables exist.
int64_t CountChunks(const Scene& scene, const std::string& status) {
  try {
    return scene.Scalar("SELECT count(*) FROM migration_status.migration_chunk_status" +
                        (status.empty() ? "" : " WHERE status = '" + status + "'"));
  } catch (const std::exception&) {
    return 0;
  }
}

TEST(ChaosKill, KilledAtRandomMomentsAndResumedLosesAndDuplicatesNothing) {
  const int rows = EnvInt("SF2PG_CHAOS_ROWS", 200000);
  const int kills = EnvInt("SF2PG_CHAOS_KILLS", 10);
  const auto seed = static_cast<unsigned>(
      EnvInt("SF2PG_CHAOS_SEED", static_cast<int>(std::random_device{}() & 0x7fffffff)));
  std::cout << "[ chaos    ] " << rows << " rows, " << kills << " kills, seed " << seed << "\n";
  SceneOptions options;
  options.name = "chaos_kill";
  options.rows = rows;
  options.batch_rows = rows / 40;
  Scene scene(options);
  std::mt19937 random(seed);

  int killed = 0, mid_copy = 0, runs = 0;
  bool completed = false;
  double chunks_per_second = 0;  // measured progress, to spread the kills over the whole load
  while (killed < kills && !completed) {
    int64_t done_before = CountChunks(scene, "completed");
    int64_t planned = CountChunks(scene, "");
    double remaining = static_cast<double>((planned > 0 ? planned : 40) - done_before);
    double expected = chunks_per_second > 0 ? remaining / chunks_per_second : 1.0;
    double spread = std::clamp(2 * expected / (kills - killed + 1), 0.2, 5.0);
    // Three kills in four wait for a COPY in flight (then a little more), so that most land in
    // the middle of a load whatever the machine; the others fall anywhere from the start on
    // (connecting, planning, claiming, committing).
    bool during_copy = std::bernoulli_distribution(0.75)(random);
    double delay = during_copy ? std::uniform_real_distribution<double>(0.0, 0.15)(random)
                               : std::uniform_real_distribution<double>(0.05, spread)(random);

    auto started = std::chrono::steady_clock::now();
    auto elapsed = [&] { return Seconds(std::chrono::steady_clock::now() - started).count(); };
    std::vector<std::string> args = {"migrate", "--log-format", "json"};
    if (runs == 0) args.push_back("--no-resume");
    auto run = scene.Start(args, "run" + std::to_string(runs) + ".log");
    ++runs;
    if (during_copy) {
      while (run->Running() && elapsed() < 60 && scene.ActiveCopies() == 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      started = std::chrono::steady_clock::now();
    }
    while (run->Running() && elapsed() < delay) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!run->Running()) {
      int code = run->Wait();
      ASSERT_TRUE(code == kExitDone || code == kExitResumable) << code << run->Output();
      completed = code == kExitDone;
      continue;
    }
    int64_t copies = scene.ActiveCopies();
    run->Signal(SIGKILL);
    ASSERT_EQ(run->Wait(), 128 + SIGKILL);
    ++killed;
    if (copies > 0) ++mid_copy;
    double ran = elapsed();
    int64_t progress = CountChunks(scene, "completed") - done_before;
    if (progress > 0) chunks_per_second = static_cast<double>(progress) / ran;
  }
  // Resume until the run completes (a resume may end partial while a killed session's locks
  // are still being released).
  for (int i = 0; i < 5 && !completed; ++i) {
    auto r = scene.Sf2pg({"migrate", "--log-format", "json", "-q"});
    ASSERT_TRUE(r.exit_code == kExitDone || r.exit_code == kExitResumable) << r.out << r.err;
    completed = r.exit_code == kExitDone;
  }
  std::cout << "[ chaos    ] kills " << killed << " (" << mid_copy << " during a COPY), runs "
            << runs << "\n";
  ASSERT_TRUE(completed);
  EXPECT_GE(killed, std::min(kills, 3));
  EXPECT_GE(mid_copy, 1) << "no kill landed in the middle of a load";

  EXPECT_EQ(scene.TargetRows(), rows);
  EXPECT_EQ(scene.DistinctKeys(), rows);
  EXPECT_EQ(scene.Scalar("SELECT count(*) FROM migration_status.migration_runs"), 1)
      << "every invocation resumed the first run";
  EXPECT_EQ(scene.Scalar("SELECT total_rows_copied FROM migration_status.migration_runs"), rows);
  ExpectChunksMatchTheirRows(scene);
  auto verdict = scene.Verify();
  EXPECT_TRUE(verdict["identical"].get<bool>()) << verdict.dump(2);
  EXPECT_EQ(verdict["source_rows"], rows);
  std::cout << "[ chaos    ] verify compared " << verdict["source_rows"]
            << " rows: " << (verdict["identical"].get<bool>() ? "identical" : "DIFFERENT") << "\n";
}

}  // namespace
}  // namespace sf2pg::testing
