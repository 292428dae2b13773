#include "report/metrics.h"

#include <gtest/gtest.h>

#include <set>

namespace sf2pg::report {
namespace {

using nlohmann::json;

exec::TableSummary Table(const std::string& source, const std::string& table, int64_t rows,
                         int64_t chunks) {
  exec::TableSummary t;
  t.source_name = source;
  t.table = table;
  t.target = "db.public." + table;
  t.rows = rows;
  t.chunks_loaded = chunks;
  t.chunks_lost = 1;
  t.retries = 2;
  t.source_retries = 3;
  t.bytes_read = rows * 100;
  t.seconds = 4;
  return t;
}

// Every metric a document declares is a number beside "_aws", and every dimension is a string.
void ExpectWellFormed(const json& d) {
  ASSERT_TRUE(d.contains("_aws")) << d.dump();
  EXPECT_EQ(d["_aws"]["Timestamp"], 1764806400000);
  const json& directive = d["_aws"]["CloudWatchMetrics"].at(0);
  EXPECT_EQ(directive["Namespace"], "sf2pg");
  for (const auto& m : directive["Metrics"]) {
    ASSERT_TRUE(d.contains(m["Name"].get<std::string>())) << m.dump();
    EXPECT_TRUE(d[m["Name"].get<std::string>()].is_number()) << m.dump();
  }
  for (const auto& name : directive["Dimensions"].at(0)) {
    EXPECT_TRUE(d[name.get<std::string>()].is_string()) << name.dump();
  }
}

TEST(MetricDocuments, OnePerTableWithSourceAndTableThenOneForTheInvocation) {
  exec::MigrationResult r;
  r.run_id = "run-1";
  r.status = RunStatus::kPartial;
  r.seconds = 10;
  r.tables = {Table("analytics", "DB.S.A", 1000, 2), Table("sales", "DB.S.B", 3000, 3)};
  exec::TableSummary idle;  // planned here, loaded by other workers: no document of its own
  idle.source_name = "sales";
  idle.table = "DB.S.C";
  r.tables.push_back(idle);
  auto docs = MetricDocuments(r, 1764806400000);
  ASSERT_EQ(docs.size(), 3u);
  for (const auto& d : docs) ExpectWellFormed(d);
  const json& a = docs[0];
  EXPECT_EQ(a["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
            json::parse(R"([["Source","Table"]])"));
  EXPECT_EQ(a["Source"], "analytics");
  EXPECT_EQ(a["Table"], "DB.S.A");
  EXPECT_EQ(a["RunId"], "run-1");
  EXPECT_EQ(a["Rows"], 1000);
  EXPECT_DOUBLE_EQ(a["RowsPerSecond"].get<double>(), 250.0);
  EXPECT_EQ(a["ChunksCompleted"], 2);
  EXPECT_EQ(a["ChunksFailed"], 1);
  EXPECT_EQ(a["Retries"], 5);
  EXPECT_EQ(a["BytesRead"], 100000);
  std::set<std::string> units;
  for (const auto& m : a["_aws"]["CloudWatchMetrics"][0]["Metrics"]) units.insert(m["Unit"]);
  EXPECT_EQ(units, (std::set<std::string>{"Count", "Count/Second", "Bytes"}));
  const json& all = docs[2];
  EXPECT_EQ(all["_aws"]["CloudWatchMetrics"][0]["Dimensions"], json::parse("[[]]"));
  EXPECT_EQ(all["Rows"], 4000);
  EXPECT_DOUBLE_EQ(all["RowsPerSecond"].get<double>(), 400.0);
  EXPECT_EQ(all["ChunksCompleted"], 5);
  EXPECT_EQ(all["ChunksFailed"], 2);
  EXPECT_EQ(all["Retries"], 10);
  EXPECT_EQ(all["Status"], "partial");
  EXPECT_FALSE(all.contains("Table"));
}

TEST(MetricDocuments, AnInvocationThatLoadedNothingReportsZerosNotADivisionByZero) {
  exec::MigrationResult r;
  r.run_id = "run-2";
  r.status = RunStatus::kCompleted;
  auto docs = MetricDocuments(r, 1764806400000);
  ASSERT_EQ(docs.size(), 1u);
  ExpectWellFormed(docs[0]);
  EXPECT_EQ(docs[0]["Rows"], 0);
  EXPECT_EQ(docs[0]["RowsPerSecond"], 0.0);
}

}  // namespace
}  // namespace sf2pg::report
