#include "snowflake/snowflake_source.h"

#include <algorithm>
#include <charconv>

#include "core/error.h"
#include "core/retry.h"
#include "core/stop.h"
#include "log/log.h"
#include "snowflake/decoder.h"
#include "snowflake/encoders.h"
#include "snowflake/errors.h"
#include "snowflake/metadata.h"
#include "snowflake/prefetcher.h"
#include "snowflake/statements.h"
#include "snowflake/type_mapping.h"

namespace sf2pg::snowflake {
namespace {

size_t PartitionCount(const StatementMeta& meta) {
  return meta.partition_rows.empty() ? 1 : meta.partition_rows.size();
}

int64_t ExpectedRows(const StatementMeta& meta, size_t index) {
  return index < meta.partition_rows.size() ? meta.partition_rows[index] : -1;
}

void ThrowIfStopped(const std::string& what) {
  if (StopFlag::Requested()) throw StoppedError("stopped while " + what);
}

// A damaged partition is fetched again at once, as often as a request is tried.
RetryPolicy Refetches(int max_attempts) {
  RetryPolicy policy;
  policy.max_attempts = max_attempts;
  return policy;
}

}  // namespace

SnowflakeSource::SnowflakeSource(ClientOptions options) : client_(std::move(options)) {}
SnowflakeSource::~SnowflakeSource() = default;

std::string SnowflakeSource::Refetch(const std::string& handle, size_t index,
                                     const std::string& why) {
  log::Warn("malformed Snowflake result partition; fetching it again",
            {{"handle", handle}, {"partition", static_cast<int64_t>(index)}, {"detail", why}});
  client_.CountRetry();
  return client_.FetchPartition(handle, index);
}

WireRows SnowflakeSource::ReadAllRows(const Statement& statement) {
  const StatementMeta& meta = statement.meta;
  WireRows rows;
  NoBackoff no_pause;
  for (size_t index = 0; index < PartitionCount(meta); ++index) {
    std::string fetched = index == 0 ? std::string() : client_.FetchPartition(meta.handle, index);
    const std::string* body = index == 0 ? &statement.body : &fetched;
    std::string why;
    WithRetries<MalformedResultError>(
        Refetches(client_.options().max_attempts), *client_.options().clock, no_pause,
        [&](int) {
          WireRows part;
          if (!client_.reader().ReadRows(*body, meta.columns.size(), &part, &why)) {
            throw MalformedResultError("malformed result partition " + std::to_string(index) +
                                       " of statement " + meta.handle + ": " + why);
          }
          std::move(part.begin(), part.end(), std::back_inserter(rows));
        },
        [](const MalformedResultError&) { return true; },
        [&](int, const MalformedResultError&, std::chrono::milliseconds) {
          fetched = Refetch(meta.handle, index, why);
          body = &fetched;
        });
  }
  return rows;
}

QueryResult SnowflakeSource::Query(const std::string& sql) {
  Statement statement = client_.Execute(sql, {});
  QueryResult result;
  result.columns = statement.meta.columns;
  result.rows = ReadAllRows(statement);
  return result;
}

std::vector<SourceColumn> SnowflakeSource::Describe(const TableRef& table) {
  return Query(DescribeSql(table)).columns;
}

namespace {

// A count cell of the result of `sql`, or a loud refusal: a wrong count would be a wrong plan.
int64_t CountCell(const Cell& cell, const std::string& sql) {
  if (!cell) return 0;
  const std::string& text = *cell;
  int64_t count = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (ec != std::errc() || end != text.data() + text.size() || count < 0) {
    throw SnowflakeError("expected a count from " + sql + ", got \"" + text + "\"", Retry::kNever);
  }
  return count;
}

// The only row of an aggregate's result, with at least `cells` cells.
const std::vector<Cell>& OnlyRow(const QueryResult& result, size_t cells, const std::string& sql) {
  if (result.rows.size() != 1 || result.rows[0].size() < cells) {
    throw SnowflakeError("expected one row of " + std::to_string(cells) + " values from " + sql +
                             ", got " + std::to_string(result.rows.size()) + " rows",
                         Retry::kNever);
  }
  return result.rows[0];
}

}  // namespace

int64_t SnowflakeSource::Count(const TableRef& table) {
  std::string sql = CountSql(table);
  return CountCell(OnlyRow(Query(sql), 1, sql)[0], sql);
}

int64_t SnowflakeSource::CountWhere(const TableRef& table, const std::string& predicate) {
  std::string sql = CountWhereSql(table, predicate);
  return CountCell(OnlyRow(Query(sql), 1, sql)[0], sql);
}

ColumnStats SnowflakeSource::Stats(const TableRef& table, const std::string& column, bool min_max) {
  std::string sql = StatsSql(table, column, min_max);
  QueryResult result = Query(sql);
  const std::vector<Cell>& row = OnlyRow(result, min_max ? 4 : 2, sql);
  ColumnStats stats;
  stats.rows = CountCell(row[0], sql);
  stats.non_null = CountCell(row[1], sql);
  if (min_max) {
    stats.min = row[2];
    stats.max = row[3];
  }
  return stats;
}

ValueCounts SnowflakeSource::CountByValue(const TableRef& table, const std::string& expression,
                                          const std::string& predicate) {
  std::string sql = CountByValueSql(table, expression, predicate);
  QueryResult result = Query(sql);
  if (result.columns.size() != 2) {
    throw SnowflakeError("expected two columns from " + sql, Retry::kNever);
  }
  ValueCounts counts;
  counts.type = result.columns[0];
  for (auto& row : result.rows) {
    counts.values.push_back({std::move(row.at(0)), CountCell(row.at(1), sql)});
  }
  return counts;
}

std::vector<std::vector<Cell>> SnowflakeSource::KeyBoundaries(const TableRef& table,
                                                              const std::vector<std::string>& keys,
                                                              const std::string& predicate,
                                                              const std::string& partition,
                                                              int64_t every) {
  std::string sql = KeyBoundariesSql(table, keys, predicate, partition, every);
  QueryResult result = Query(sql);
  size_t width = keys.size() + (partition.empty() ? 0 : 1);
  for (const auto& row : result.rows) {
    if (row.size() != width) {
      throw SnowflakeError("expected " + std::to_string(width) + " values per row from " + sql,
                           Retry::kNever);
    }
  }
  return std::move(result.rows);
}

namespace {

// A bucket number of a RangeChecksums result: an integer, possibly negative.
int64_t BucketCell(const Cell& cell, const std::string& sql) {
  int64_t value = 0;
  const char* begin = cell ? cell->data() : nullptr;
  const char* end = cell ? cell->data() + cell->size() : nullptr;
  auto [stop, ec] = cell ? std::from_chars(begin, end, value) : std::from_chars_result{};
  if (!cell || ec != std::errc() || stop != end) {
    throw SnowflakeError("expected a bucket number from " + sql + ", got " +
                             (cell ? "\"" + *cell + "\"" : std::string("NULL")),
                         Retry::kNever);
  }
  return value;
}

// A SUM of row hashes: decimal digits, without sign or fraction.
std::string SumCell(const Cell& cell, const std::string& sql) {
  bool digits = cell && !cell->empty() && std::all_of(cell->begin(), cell->end(), [](char c) {
                  return c >= '0' && c <= '9';
                });
  if (!digits) {
    throw SnowflakeError("expected a sum of row hashes from " + sql + ", got " +
                             (cell ? "\"" + *cell + "\"" : std::string("NULL")),
                         Retry::kNever);
  }
  size_t first = cell->find_first_not_of('0');
  return first == std::string::npos ? "0" : cell->substr(first);
}

}  // namespace

std::vector<RangeChecksum> SnowflakeSource::RangeChecksums(const TableRef& table,
                                                           const std::string& bucket,
                                                           const std::string& predicate,
                                                           const std::string& row_hash) {
  std::string sql = RangeChecksumsSql(table, bucket, predicate, row_hash);
  QueryResult result = Query(sql);
  if (result.columns.size() != 3) {
    throw SnowflakeError("expected three columns from " + sql, Retry::kNever);
  }
  std::vector<RangeChecksum> out;
  for (const auto& row : result.rows) {
    if (row.size() != 3) {
      throw SnowflakeError("expected three values per row from " + sql, Retry::kNever);
    }
    RangeChecksum r{BucketCell(row[0], sql), CountCell(row[1], sql), SumCell(row[2], sql)};
    if (!out.empty() && r.bucket <= out.back().bucket) {
      throw SnowflakeError("bucket numbers out of order from " + sql, Retry::kNever);
    }
    if (r.rows == 0) {
      throw SnowflakeError("an empty bucket from " + sql, Retry::kNever);
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::optional<std::string> SnowflakeSource::Max(const TableRef& table, const std::string& column) {
  QueryResult result = Query(MaxSql(table, column));
  if (result.rows.empty() || result.rows[0].empty()) return std::nullopt;
  return result.rows[0][0];
}

std::string SnowflakeSource::Explain(const ChunkRequest& request) const {
  return ChunkSql(request);
}

FetchStats SnowflakeSource::Fetch(const ChunkRequest& request, CopySink& sink) {
  int64_t retries_before = client_.retries();
  Statement statement = client_.Execute(ChunkSql(request), request.query_tag);
  const StatementMeta& meta = statement.meta;
  // Columns selected as ST_ASEWKB(...) come back as binary: marked, they load into the
  // geometry / geography targets they were selected for (and a binary rowType nowhere else).
  std::vector<SourceColumn> columns = meta.columns;
  for (size_t i = 0; i < columns.size() && i < request.targets.size(); ++i) {
    if (LandsAsEwkb(request.targets[i]) && SfTypeOf(columns[i]) == SfType::kBinary) {
      columns[i].ext_type = std::string(kEwkbMarker);
    }
  }
  ChunkDecoder decoder(std::move(columns), request, sink, client_.options().copy_piece_bytes);
  FetchStats stats;
  const size_t count = PartitionCount(meta);
  const size_t depth = static_cast<size_t>(std::max(1, client_.options().prefetch_depth));
  std::unique_ptr<PartitionPrefetcher> prefetcher;
  std::string body = std::move(statement.body);
  NoBackoff no_pause;
  for (size_t index = 0; index < count; ++index) {
    if (index > 0) {
      if (!prefetcher) {
        prefetcher =
            std::make_unique<PartitionPrefetcher>(client_, meta.handle, index, count, depth);
      }
      body = *prefetcher->Next();
    }
    ThrowIfStopped("reading " + request.description);
    stats.json_bytes += static_cast<int64_t>(body.size());
    WithRetries<MalformedResultError>(
        Refetches(client_.options().max_attempts), *client_.options().clock, no_pause,
        [&](int attempt) {
          decoder.Decode(body, ExpectedRows(meta, index), /*resume=*/attempt > 1);
        },
        [](const MalformedResultError&) { return true; },
        [&](int, const MalformedResultError& e, std::chrono::milliseconds) {
          prefetcher.reset();  // the client is needed here; fetching resumes afterwards
          body = Refetch(meta.handle, index, e.what());
        });
    ++stats.partitions;
  }
  prefetcher.reset();
  decoder.Flush();
  stats.rows = decoder.rows();
  stats.rejected = decoder.rejected();
  stats.retries = client_.retries() - retries_before;
  return stats;
}

std::string SnowflakeSource::TestConnection() { return ServerVersion(*this); }

TargetColumn SnowflakeSource::MapColumn(const SourceColumn& column,
                                        const TargetFeatures& features) const {
  TargetColumn target = snowflake::MapColumn(column, features);
  if (column.type == "vector" && SfTypeOf(column) == SfType::kJson) {
    log::Warn(
        "the Snowflake result does not give this VECTOR column's dimension and element "
        "type (vectorDimension, fields); it becomes jsonb instead of real[] / integer[]",
        {{"column", column.name}});
  }
  return target;
}

std::string SnowflakeSource::MappingNote(const SourceColumn& column,
                                         const TargetFeatures& target) const {
  if (!IsSpatial(column)) return "";
  std::string name = "column " + column.name + " (" + SnowflakeTypeSql(column) + ")";
  if (!target.postgis) {
    return name +
           " lands as jsonb (GeoJSON): the target database has no PostGIS extension (install "
           "it, or set create_postgis_extension, for geography / geometry)";
  }
  return "";
}

std::optional<std::string> SnowflakeSource::Incompatibility(const SourceColumn& column,
                                                            const TargetColumn& target) const {
  return snowflake::Incompatibility(column, target);
}

std::unique_ptr<SnowflakeSource> MakeSnowflakeSource(const ClientOptions& options) {
  return std::make_unique<SnowflakeSource>(options);
}

}  // namespace sf2pg::snowflake
