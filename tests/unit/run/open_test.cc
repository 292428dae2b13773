// The resume rules of docs/run_state.md against an in-memory tracker
// (tests/fakes/memory_tracker.h): a fresh run, resuming the newest unfinished run of the same
// execution, --no-resume, --resume-run-id (whole or part of a run), --join-run-id, abandoned
// runs, one unfinished run per target, a changed configuration. No server.
#include "run/open.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes/memory_tracker.h"

namespace sf2pg::run {
namespace {

using ::testing::HasSubstr;
using testing::MemoryTracker;
using ::testing::Not;

const TableKey kT1{"DB", "S", "T1"};
const TableKey kT2{"DB", "S", "T2"};

class OpenRunTest : public ::testing::Test {
 protected:
  void SetUp() override { config_ = MakeConfig("c1"); }

  // Sources a (T1 -> t1) and b (T2 -> t2), both into database db, schema public.
  static config::Config MakeConfig(const std::string& hash) {
    config::Config c;
    c.config_hash = hash;
    for (const char* name : {"a", "b"}) {
      config::SourceConfig s;
      s.source_name = name;
      s.source_sf_database = "DB";
      s.source_sf_schema = "S";
      s.target_pg_database = "db";
      s.target_pg_schema = "public";
      config::TableConfig t;
      t.source = name == std::string("a") ? "T1" : "T2";
      t.target = name == std::string("a") ? "t1" : "t2";
      s.tables.push_back(t);
      c.sources.push_back(s);
    }
    return c;
  }

  // Opens a run as `sf2pg migrate` does with `request`.
  OpenedRun Open(const OpenRequest& request = {}) { return Open(config_, request); }
  OpenedRun Open(const config::Config& config, const OpenRequest& request) {
    std::vector<std::string> names;
    Selection selection = SelectTables(config, request.sources, request.tables, &names);
    std::string hash = ExecutionHashOf(config, names, request.tables);
    return OpenRun(tracker_, config, selection, names, hash, request);
  }
  // The message of the ConfigError that opening with `request` throws, "" when none.
  std::string Refusal(const OpenRequest& request) { return Refusal(config_, request); }
  std::string Refusal(const config::Config& config, const OpenRequest& request) {
    try {
      Open(config, request);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  }
  static OpenRequest Sources(std::vector<std::string> sources) {
    OpenRequest r;
    r.sources = std::move(sources);
    return r;
  }
  RunStatus Status(const std::string& run_id) { return tracker_.LoadRun(run_id)->status; }
  // A plan of `chunks` chunks for a table of the run, stored as the planner stores it.
  void Plan(const std::string& run_id, const TableKey& key, int chunks) {
    TableRecord record = *tracker_.LoadTable(run_id, key);
    record.metadata = {{"planned", true}};
    std::vector<nlohmann::json> ranges(static_cast<size_t>(chunks),
                                       nlohmann::json{{"estimated_rows", 10}});
    EXPECT_FALSE(tracker_.StorePlan(run_id, record, ranges, nullptr));
  }
  void SetChunk(const std::string& run_id, const TableKey& key, int id, ChunkStatus status) {
    auto chunks = tracker_.Chunks(run_id);
    std::lock_guard lock(chunks->mu);
    chunks->Find(key, id)->status = status;
  }

  config::Config config_;
  MemoryTracker tracker_;
};

TEST_F(OpenRunTest, AFreshRunHoldsEverySelectedTargetWithAPlaceholderRow) {
  OpenedRun opened = Open();
  EXPECT_FALSE(opened.resumed);
  EXPECT_FALSE(opened.joined);
  ASSERT_EQ(tracker_.RunIds(), std::vector<std::string>{opened.run_id});
  auto run = tracker_.LoadRun(opened.run_id);
  EXPECT_EQ(run->status, RunStatus::kRunning);
  EXPECT_EQ(run->config_hash, "c1");
  EXPECT_EQ(run->metadata["sources"], nlohmann::json({"a", "b"}));
  EXPECT_EQ(run->metadata["execution_hash"], ExecutionHashOf(config_, {"a", "b"}, {}));
  auto tables = tracker_.LoadTables(opened.run_id);
  ASSERT_EQ(tables.size(), 2u);
  for (const auto& t : tables) {
    EXPECT_EQ(t.status, TableStatus::kPending);
    EXPECT_EQ(t.metadata, nlohmann::json({{"planned", false}}));
    EXPECT_EQ(t.total_chunks, 0);
  }
  EXPECT_EQ(tables[0].target(), (TargetName{"db", "public", "t1"}));
  EXPECT_EQ(tables[1].source_name, "b");
}

TEST_F(OpenRunTest, TheNewestUnfinishedRunOfTheSameExecutionIsResumed) {
  std::string hash = ExecutionHashOf(config_, {"a", "b"}, {});
  NewRun same;
  same.config_hash = "c1";
  same.metadata = {{"execution_hash", hash}};
  std::string older = tracker_.TakeTargets("", {}, true, same);
  tracker_.FinishRun(older, RunStatus::kFailed, "one or more tables failed");
  tracker_.Advance(1);
  std::string newer = tracker_.TakeTargets("", {}, true, same);
  tracker_.FinishRun(newer, RunStatus::kPartial, "stopped by a signal");
  tracker_.Advance(1);
  NewRun other = same;
  other.metadata["execution_hash"] = "another selection";
  std::string foreign = tracker_.TakeTargets("", {}, true, other);  // newest, other execution

  OpenedRun opened = Open();
  EXPECT_TRUE(opened.resumed);
  EXPECT_FALSE(opened.joined);
  EXPECT_EQ(opened.run_id, newer);
  EXPECT_EQ(Status(newer), RunStatus::kRunning);
  EXPECT_EQ(tracker_.LoadRun(newer)->error_message, "");
  EXPECT_EQ(tracker_.LoadRun(newer)->metadata["resume_count"], 1);
  EXPECT_EQ(Status(older), RunStatus::kFailed);
  EXPECT_EQ(tracker_.LoadTables(newer).size(), 2u);  // the resumed run holds its targets
  EXPECT_EQ(tracker_.RunIds().size(), 3u);
  (void)foreign;
}

TEST_F(OpenRunTest, ACompletedRunIsNotResumed) {
  std::string first = Open().run_id;
  tracker_.FinishRun(first, RunStatus::kCompleted, "");
  OpenedRun second = Open();
  EXPECT_FALSE(second.resumed);
  EXPECT_NE(second.run_id, first);
}

TEST_F(OpenRunTest, ARunOlderThanTheResumeWindowIsNotResumedButStillHoldsItsTargets) {
  std::string first = Open().run_id;
  tracker_.FinishRun(first, RunStatus::kPartial, "stopped by a signal");
  tracker_.Advance(13);  // resume_max_age_hours is 12
  std::string refusal = Refusal({});
  EXPECT_THAT(refusal, HasSubstr("it belongs to unfinished run " + first));
  EXPECT_EQ(tracker_.RunIds().size(), 1u);

  OpenRequest wider;
  wider.resume_max_age_hours = 24;
  OpenedRun opened = Open(wider);
  EXPECT_TRUE(opened.resumed);
  EXPECT_EQ(opened.run_id, first);
}

TEST_F(OpenRunTest, NoResumeStartsAFreshRunOnlyWhenNoUnfinishedRunHoldsATarget) {
  std::string first = Open().run_id;
  tracker_.FinishRun(first, RunStatus::kPartial, "stopped by a signal");
  OpenRequest fresh;
  fresh.no_resume = true;
  std::string refusal = Refusal(fresh);
  EXPECT_THAT(refusal, HasSubstr("refusing to load db.public.t1: it belongs to unfinished run " +
                                 first + " (status partial"));
  EXPECT_EQ(tracker_.RunIds().size(), 1u);

  // Once the first run's tables are completed, it holds nothing.
  Plan(first, kT1, 1);
  Plan(first, kT2, 1);
  SetChunk(first, kT1, 1, ChunkStatus::kCompleted);
  SetChunk(first, kT2, 1, ChunkStatus::kCompleted);
  EXPECT_EQ(tracker_.FinishTable(first, kT1), TableStatus::kCompleted);
  EXPECT_EQ(tracker_.FinishTable(first, kT2), TableStatus::kCompleted);
  OpenedRun second = Open(fresh);
  EXPECT_FALSE(second.resumed);
  EXPECT_NE(second.run_id, first);
  EXPECT_EQ(Status(first), RunStatus::kPartial);  // left alone
}

TEST_F(OpenRunTest, ResumeRunIdResumesThatRunWholeWithItsOwnSelection) {
  std::string first = Open().run_id;
  tracker_.FinishRun(first, RunStatus::kPartial, "stopped by a signal");
  OpenRequest request;
  request.resume_run_id = first;
  request.no_resume = true;  // --resume-run-id wins
  OpenedRun opened = Open(request);
  EXPECT_TRUE(opened.resumed);
  EXPECT_EQ(opened.run_id, first);
  EXPECT_TRUE(opened.others.empty());
  EXPECT_EQ(Status(first), RunStatus::kRunning);
}

TEST_F(OpenRunTest, ResumeRunIdWithASubsetWorksOnThoseTablesAndResetsOnlyTheirFailedChunks) {
  std::string first = Open().run_id;
  Plan(first, kT1, 2);
  Plan(first, kT2, 2);
  SetChunk(first, kT1, 1, ChunkStatus::kFailed);
  SetChunk(first, kT1, 2, ChunkStatus::kCompleted);
  SetChunk(first, kT2, 1, ChunkStatus::kFailed);
  SetChunk(first, kT2, 2, ChunkStatus::kCompleted);
  EXPECT_EQ(tracker_.FinishTable(first, kT1), TableStatus::kFailed);
  EXPECT_EQ(tracker_.FinishTable(first, kT2), TableStatus::kFailed);
  tracker_.FinishRun(first, RunStatus::kFailed, "one or more tables failed");

  OpenRequest request = Sources({"b"});
  request.resume_run_id = first;
  OpenedRun opened = Open(request);
  EXPECT_TRUE(opened.resumed);
  EXPECT_EQ(opened.run_id, first);
  EXPECT_EQ(opened.others, std::vector<TableKey>{kT1});
  auto chunks = tracker_.Chunks(first);
  EXPECT_EQ(chunks->Get(kT2, 1).status, ChunkStatus::kPending);
  EXPECT_EQ(tracker_.LoadTable(first, kT2)->status, TableStatus::kInProgress);
  EXPECT_EQ(chunks->Get(kT1, 1).status, ChunkStatus::kFailed);  // outside the selection
  EXPECT_EQ(tracker_.LoadTable(first, kT1)->status, TableStatus::kFailed);
  EXPECT_EQ(tracker_.TableCounters(first), std::make_pair(0, 1));
}

TEST_F(OpenRunTest, ResumingAWholeRunResetsEveryFailedChunk) {
  std::string first = Open().run_id;
  Plan(first, kT1, 2);
  SetChunk(first, kT1, 2, ChunkStatus::kFailed);
  tracker_.FinishRun(first, RunStatus::kPartial, "stopped by a signal");
  OpenedRun opened = Open();
  EXPECT_EQ(opened.run_id, first);
  EXPECT_EQ(tracker_.Chunks(first)->Get(kT1, 2).status, ChunkStatus::kPending);
  EXPECT_EQ(tracker_.Chunks(first)->Get(kT1, 1).status, ChunkStatus::kPending);
}

TEST_F(OpenRunTest, ResumeRunIdRefusesATableOutsideTheRunAndUnknownRuns) {
  std::string first = Open(Sources({"a"})).run_id;
  tracker_.FinishRun(first, RunStatus::kPartial, "stopped by a signal");
  OpenRequest request = Sources({"b"});
  request.resume_run_id = first;
  EXPECT_EQ(Refusal(request),
            "--resume-run-id " + first +
                ": table DB.S.T2 (source b, target db.public.t2) is not part of run " + first +
                ", which selected sources a; all their enabled tables; select only its tables, "
                "or start a fresh run");
  EXPECT_EQ(Status(first), RunStatus::kPartial);  // untouched

  OpenRequest unknown;
  unknown.resume_run_id = "00000000-0000-0000-0000-000000000099";
  EXPECT_EQ(Refusal(unknown),
            "no run with id 00000000-0000-0000-0000-000000000099 in "
            "migration_status.migration_runs");
}

TEST_F(OpenRunTest, ResumeRunIdOfACompletedRunHasNothingToDo) {
  std::string first = Open().run_id;
  tracker_.FinishRun(first, RunStatus::kCompleted, "");
  OpenRequest request;
  request.resume_run_id = first;
  OpenedRun opened = Open(request);
  EXPECT_TRUE(opened.already_completed);
  EXPECT_EQ(opened.run_id, first);
  EXPECT_EQ(Status(first), RunStatus::kCompleted);
}

TEST_F(OpenRunTest, AJoinedProcessIsTheSameRunAndChangesNothing) {
  std::string first = Open().run_id;
  Plan(first, kT1, 2);
  SetChunk(first, kT1, 1, ChunkStatus::kFailed);
  OpenRequest join;
  join.join_run_id = first;
  OpenedRun opened = Open(join);
  EXPECT_TRUE(opened.joined);
  EXPECT_TRUE(opened.resumed);
  EXPECT_EQ(opened.run_id, first);
  EXPECT_FALSE(tracker_.LoadRun(first)->metadata.contains("resume_count"));
  EXPECT_EQ(tracker_.Chunks(first)->Get(kT1, 1).status, ChunkStatus::kFailed);
  EXPECT_EQ(tracker_.RunIds().size(), 1u);

  // A fresh process on the same targets is refused, since the run holds them.
  OpenRequest fresh;
  fresh.no_resume = true;
  EXPECT_THAT(Refusal(fresh), HasSubstr("it belongs to unfinished run " + first));
  // A joined process of another execution is refused.
  OpenRequest other = Sources({"a"});
  other.join_run_id = first;
  EXPECT_THAT(Refusal(other), HasSubstr("was started with a different configuration or source "
                                        "selection; start a fresh run with --no-resume"));
}

TEST_F(OpenRunTest, AJoinedProcessTakesNoPlaceholders) {
  std::string first = Open(Sources({"a"})).run_id;
  tracker_.DeleteTable(first, kT1);  // as if the planner gave the table up
  OpenRequest join = Sources({"a"});
  join.join_run_id = first;
  Open(join);
  EXPECT_TRUE(tracker_.LoadTables(first).empty());
}

TEST_F(OpenRunTest, AnAbandonedRunIsNeverResumedNorJoinedAndHoldsNoTarget) {
  std::string first = Open().run_id;
  tracker_.FinishRun(first, RunStatus::kPartial, "stopped by a signal");
  tracker_.Abandon(first, "ops@host");
  OpenRequest resume;
  resume.resume_run_id = first;
  EXPECT_EQ(Refusal(resume), "run " + first + " was abandoned (abandoned by ops@host (was " +
                                 "partial)) and cannot be resumed; start a fresh run");
  OpenRequest join;
  join.join_run_id = first;
  EXPECT_THAT(Refusal(join), HasSubstr("and cannot be joined; start a fresh run"));

  OpenedRun opened = Open();  // same execution: a fresh run, the targets are free
  EXPECT_FALSE(opened.resumed);
  EXPECT_NE(opened.run_id, first);
  EXPECT_EQ(Status(first), RunStatus::kAbandoned);
  // Settling or resuming code that still has the abandoned run never changes it.
  tracker_.FinishRun(first, RunStatus::kCompleted, "");
  tracker_.MarkResumed(first);
  EXPECT_EQ(Status(first), RunStatus::kAbandoned);
}

TEST_F(OpenRunTest, ATargetHeldByAnotherUnfinishedRunIsRefusedNamingTheRunToResume) {
  std::string first = Open().run_id;
  tracker_.FinishRun(first, RunStatus::kPartial, "stopped by a signal");
  std::string refusal = Refusal(Sources({"a"}));  // another execution hash
  EXPECT_THAT(refusal,
              HasSubstr("refusing to load db.public.t1: it belongs to unfinished run " + first +
                        " (status partial, started 2026-01-01 00:00:01 UTC, "
                        "selection: sources a, b; all their enabled tables; "
                        "its table DB.S.T1 there is pending)"));
  EXPECT_THAT(
      refusal,
      HasSubstr("To continue that run for these tables:  sf2pg migrate --resume-run-id " + first +
                " --source a\n  (all of its tables:  sf2pg migrate "
                "--resume-run-id " +
                first + ")\n"));
  EXPECT_THAT(refusal, HasSubstr("To give it up instead:  sf2pg abandon " + first));
  EXPECT_EQ(tracker_.RunIds().size(), 1u);  // nothing written
  EXPECT_EQ(tracker_.LoadTables(first).size(), 2u);
}

TEST_F(OpenRunTest, ATableCompletedInAnotherUnfinishedRunIsFree) {
  std::string first = Open(Sources({"a"})).run_id;
  Plan(first, kT1, 1);
  SetChunk(first, kT1, 1, ChunkStatus::kCompleted);
  tracker_.FinishTable(first, kT1);
  tracker_.FinishRun(first, RunStatus::kPartial, "stopped by a signal");
  OpenedRun second = Open();  // a and b: another execution
  EXPECT_FALSE(second.resumed);
  EXPECT_NE(second.run_id, first);
}

TEST_F(OpenRunTest, AChangedConfigurationStartsANewRun) {
  std::string first = Open().run_id;
  tracker_.FinishRun(first, RunStatus::kCompleted, "");
  config::Config changed = MakeConfig("c2");
  OpenedRun second = Open(changed, {});
  EXPECT_FALSE(second.resumed);
  EXPECT_NE(second.run_id, first);
  EXPECT_EQ(tracker_.LoadRun(second.run_id)->config_hash, "c2");
}

TEST_F(OpenRunTest, AChangedConfigurationNeitherResumesNorOverlapsAnUnfinishedRun) {
  std::string first = Open().run_id;
  tracker_.FinishRun(first, RunStatus::kPartial, "stopped by a signal");
  config::Config changed = MakeConfig("c2");
  std::string refusal = Refusal(changed, {});
  EXPECT_THAT(refusal, HasSubstr("it belongs to unfinished run " + first));
  EXPECT_THAT(refusal, HasSubstr("(with the configuration it was started with: it differs)"));
  EXPECT_THAT(refusal, Not(HasSubstr("for these tables")));

  OpenRequest resume;
  resume.resume_run_id = first;
  EXPECT_EQ(Refusal(changed, resume),
            "run " + first +
                " was started with a different configuration (config_hash c1, now c2); start a "
                "fresh run with --no-resume");
  EXPECT_EQ(tracker_.RunIds().size(), 1u);
}

}  // namespace
}  // namespace sf2pg::run
