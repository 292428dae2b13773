#include "report/summary.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/exit_status.h"

namespace sf2pg::report {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

exec::MigrationResult Completed(int64_t planned, int64_t copied, int64_t rejected = 0) {
  exec::MigrationResult r;
  r.run_id = "run-1";
  r.status = RunStatus::kCompleted;
  exec::TableSummary t;
  t.table = "DB.S.ORDERS";
  t.status = TableStatus::kCompleted;
  run::RowCheck c;
  c.planned = planned;
  c.copied = copied;
  c.rejected = rejected;
  if (copied + rejected < planned) c.short_chunks = {3};
  t.row_check = c;
  r.tables.push_back(t);
  return r;
}

TEST(RowCheckReport, FewerRowsThanPlannedIsExit4WithVerifyNamed) {
  auto r = Completed(1000, 900);
  EXPECT_EQ(ExitStatusFor(r), kExitShortfall);
  std::string text = SummaryText(r);
  EXPECT_THAT(text, HasSubstr("run run-1: completed with a shortfall: run sf2pg verify"));
  EXPECT_THAT(text, HasSubstr("DB.S.ORDERS: SHORTFALL: 900 rows copied, 1,000 planned: 100 rows "
                              "missing (short chunks: 3)"));
  EXPECT_THAT(text, HasSubstr("sf2pg verify --tables ORDERS"));
  auto j = SummaryJson(r);
  EXPECT_EQ(j["exit_status"].get<int>(), kExitShortfall);
  EXPECT_EQ(j["shortfall"], true);
  EXPECT_EQ(j["verify_tables"], nlohmann::json::array({"DB.S.ORDERS"}));
  EXPECT_EQ(j["tables"][0]["row_check"]["difference"], -100);
}

TEST(RowCheckReport, EqualOrMoreRowsOrRejectedOnesAreExit0) {
  for (auto r : {Completed(1000, 1000), Completed(1000, 1020), Completed(1000, 990, 10)}) {
    EXPECT_EQ(ExitStatusFor(r), kExitDone);
    EXPECT_THAT(SummaryText(r), Not(HasSubstr("shortfall")));
    EXPECT_EQ(SummaryJson(r)["shortfall"], false);
  }
  EXPECT_THAT(SummaryText(Completed(1000, 1020)),
              HasSubstr("1,020 rows copied, 1,000 planned: 20 more (rows added to the source "
                        "after planning)"));
  EXPECT_THAT(SummaryText(Completed(1000, 1000)), Not(HasSubstr("planned")));
}

TEST(RowCheckReport, FailedAndPartialRunsKeepTheirOwnExitStatus) {
  auto r = Completed(1000, 900);
  r.status = RunStatus::kPartial;
  EXPECT_EQ(ExitStatusFor(r), kExitResumable);
  r.status = RunStatus::kFailed;
  EXPECT_EQ(ExitStatusFor(r), kExitFailed);
  r.status = RunStatus::kRunning;
  EXPECT_EQ(ExitStatusFor(r), kExitShortfall);
  r.tables[0].row_check.reset();  // a table not completed has no row check
  EXPECT_EQ(ExitStatusFor(r), kExitDone);
}

}  // namespace
}  // namespace sf2pg::report
