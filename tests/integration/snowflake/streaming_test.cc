// Chunks of many gzip partitions: the next partitions are fetched while the current one is
// decoded, never more than the prefetch depth ahead, and every row reaches PostgreSQL once.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "core/copy_buffer.h"
#include "integration/pg_fixture.h"
#include "integration/snowflake/fake_snowflake.h"
#include "snowflake/snowflake_source.h"
#include "unit/snowflake/test_keys.h"

namespace sf2pg::snowflake {
namespace {

using namespace std::chrono_literals;
using sf2pg::testing::FakeSnowflake;
using sf2pg::testing::JsonRows;
using sf2pg::testing::SendGzipJson;
using sf2pg::testing::SendJson;

constexpr int kPartitions = 20;
constexpr int kRowsPerPartition = 40;

JsonRows PartitionRows(int partition) {
  JsonRows rows;
  for (int i = 0; i < kRowsPerPartition; ++i) {
    int id = partition * kRowsPerPartition + i;
    rows.push_back({std::to_string(id), "name " + std::to_string(id),
                    id % 7 == 0 ? nullptr : nlohmann::json("2.50")});
  }
  return rows;
}

nlohmann::json RowType() {
  return nlohmann::json::parse(R"([
    {"name":"ID","type":"fixed","precision":38,"scale":0,"nullable":false},
    {"name":"NAME","type":"text","length":100,"nullable":true},
    {"name":"AMOUNT","type":"fixed","precision":10,"scale":2,"nullable":true}])");
}

// Serves one statement of kPartitions partitions; records, for every partition request, how
// many rows the consumer had written by then.
class PartitionedServer {
 public:
  PartitionedServer() {
    server.OnSubmit([](const auto&, auto& res) {
      SendJson(res, 200,
               sf2pg::testing::ResultSetBody("hs", RowType(), PartitionRows(0),
                                             std::vector<int64_t>(kPartitions, kRowsPerPartition)));
    });
    server.OnStatement([this](const httplib::Request& req, auto& res) {
      int partition = std::stoi(req.get_param_value("partition"));
      {
        std::lock_guard lock(mu);
        requested.emplace_back(partition, consumed_rows.load());
      }
      nlohmann::json body = nlohmann::json::object();
      body["data"] = sf2pg::testing::DataArray(PartitionRows(partition));
      SendGzipJson(res, body.dump());
    });
  }

  ClientOptions Options(int depth) const {
    config::Credentials credentials;
    credentials.snowflake.account = "acme";
    credentials.snowflake.user = "svc";
    credentials.snowflake.private_key = Secret(sf2pg::testing::SharedTestKey().private_pem);
    credentials.snowflake.url = server.url();
    ClientOptions options = ClientOptions::From(credentials, "DB", "S");
    options.prefetch_depth = depth;
    options.copy_piece_bytes = 1;  // every row is its own piece: progress is visible per row
    return options;
  }

  FakeSnowflake server;
  std::atomic<int64_t> consumed_rows{0};
  std::mutex mu;
  std::vector<std::pair<int, int64_t>> requested;  ///< guarded by mu
};

ChunkRequest Request() {
  ChunkRequest request;
  request.table = {"DB", "S", "T", "", ""};
  request.columns = {"ID", "NAME", "AMOUNT"};
  request.order_by = "\"ID\"";
  request.description = "DB.S.T chunk 1";
  TargetColumn id, name, amount;
  id.name = "id";
  id.type = PgType::kInt8;
  name.name = "name";
  name.type = PgType::kText;
  amount.name = "amount";
  amount.type = PgType::kNumeric;
  amount.precision = 10;
  amount.scale = 2;
  request.targets = {id, name, amount};
  return request;
}

class SlowSink : public CopySink {
 public:
  explicit SlowSink(std::atomic<int64_t>& consumed) : consumed_(consumed) {}
  void Write(std::string_view, int64_t row_count) override {
    std::this_thread::sleep_for(1ms);
    consumed_ += row_count;
  }
  bool Reject(const BadRow&) override { return false; }

 private:
  std::atomic<int64_t>& consumed_;
};

class StreamingDepth : public ::testing::TestWithParam<int> {};

TEST_P(StreamingDepth, KeepsAtMostTheDepthOfPartitionsAhead) {
  const int depth = GetParam();
  PartitionedServer fake;
  SnowflakeSource source(fake.Options(depth));
  SlowSink sink(fake.consumed_rows);
  FetchStats stats = source.Fetch(Request(), sink);
  EXPECT_EQ(stats.rows, kPartitions * kRowsPerPartition);
  EXPECT_EQ(stats.partitions, kPartitions);
  EXPECT_GT(stats.json_bytes, 0);
  EXPECT_EQ(stats.retries, 0);

  std::lock_guard lock(fake.mu);
  ASSERT_EQ(fake.requested.size(), static_cast<size_t>(kPartitions - 1));
  int most_ahead = 0;
  for (const auto& [partition, consumed] : fake.requested) {
    // The consumer has taken at most partition consumed / rows-per-partition from the queue.
    int taken = static_cast<int>(consumed / kRowsPerPartition);
    most_ahead = std::max(most_ahead, partition - taken);
  }
  EXPECT_EQ(most_ahead, depth);  // runs ahead of a slow consumer, but never further
}

INSTANTIATE_TEST_SUITE_P(Depths, StreamingDepth, ::testing::Values(1, 2, 3));

// Binary COPY into a real table, the way the loader will use a CopySink.
class PgCopySink : public CopySink {
 public:
  explicit PgCopySink(postgres::Connection& conn) : conn_(conn) {}
  void Write(std::string_view piece, int64_t) override {
    if (!started_) {
      conn_.CopyBegin("COPY t (id, name, amount) FROM STDIN (FORMAT binary)");
      CopyBuffer header;
      header.Header();
      conn_.CopyPut(header.view());
      started_ = true;
    }
    conn_.CopyPut(piece);
  }
  bool Reject(const BadRow&) override { return false; }
  int64_t Finish() {
    CopyBuffer trailer;
    trailer.Trailer();
    conn_.CopyPut(trailer.view());
    return conn_.CopyEnd();
  }

 private:
  postgres::Connection& conn_;
  bool started_ = false;
};

TEST(SnowflakeStreaming, LoadsEveryRowIntoPostgresOnce) {
  sf2pg::testing::TestPg::CreateDatabase("sf2pg_streaming");
  postgres::Connection conn(sf2pg::testing::TestPg::Params("sf2pg_streaming"));
  conn.Exec("CREATE TABLE t (id bigint PRIMARY KEY, name varchar(100), amount numeric(10,2))");
  PartitionedServer fake;
  ClientOptions options = fake.Options(2);
  options.copy_piece_bytes = 4096;
  SnowflakeSource source(options);
  PgCopySink sink(conn);
  FetchStats stats = source.Fetch(Request(), sink);
  EXPECT_EQ(sink.Finish(), kPartitions * kRowsPerPartition);
  EXPECT_EQ(stats.rows, kPartitions * kRowsPerPartition);
  auto check = conn.Exec(
      "SELECT count(*), min(id), max(id), sum(amount)::text, count(amount), "
      "bool_and(name = 'name ' || id) FROM t");
  EXPECT_EQ(check.Get(0, 0), "800");
  EXPECT_EQ(check.Get(0, 1), "0");
  EXPECT_EQ(check.Get(0, 2), "799");
  EXPECT_EQ(check.Get(0, 4), "685");  // every 7th amount is NULL: 800 - 115
  EXPECT_EQ(check.Get(0, 3), "1712.50");
  EXPECT_EQ(check.Get(0, 5), "t");
}

}  // namespace
}  // namespace sf2pg::snowflake
