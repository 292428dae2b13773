// sf2pg::Source over the Snowflake SQL API: small results whole, chunks streamed partition by
// partition into binary COPY rows. One SnowflakeSource per worker thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/source.h"
#include "snowflake/client.h"

namespace sf2pg {

/// A small, fully read result (metadata, counts, boundaries). Values are the SQL API's wire
/// text for their column type (see docs/snowflake_types.md); NULL is nullopt.
struct QueryResult {
  std::vector<SourceColumn> columns;
  std::vector<std::vector<Cell>> rows;
};

}  // namespace sf2pg

namespace sf2pg::snowflake {

class SnowflakeSource : public Source {
 public:
  /// Throws ConfigError for unusable credentials.
  explicit SnowflakeSource(ClientOptions options);
  ~SnowflakeSource() override;

  TargetColumn MapColumn(const SourceColumn& column, const TargetFeatures& target) const override;
  std::string MappingNote(const SourceColumn& column, const TargetFeatures& target) const override;
  std::optional<std::string> Incompatibility(const SourceColumn& column,
                                             const TargetColumn& target) const override;
  std::vector<SourceColumn> Describe(const TableRef& table) override;
  int64_t Count(const TableRef& table) override;
  int64_t CountWhere(const TableRef& table, const std::string& predicate) override;
  ColumnStats Stats(const TableRef& table, const std::string& column, bool min_max) override;
  ValueCounts CountByValue(const TableRef& table, const std::string& expression,
                           const std::string& predicate) override;
  std::vector<std::vector<Cell>> KeyBoundaries(const TableRef& table,
                                               const std::vector<std::string>& keys,
                                               const std::string& predicate,
                                               const std::string& partition,
                                               int64_t every) override;
  std::vector<RangeChecksum> RangeChecksums(const TableRef& table, const std::string& bucket,
                                            const std::string& predicate,
                                            const std::string& row_hash) override;
  std::optional<std::string> Max(const TableRef& table, const std::string& column) override;
  std::string Explain(const ChunkRequest& request) const override;

  /// Runs the request's SELECT (ChunkSql) and streams its rows to `sink` in pieces of about
  /// ClientOptions::copy_piece_bytes, with the next partitions fetched in the background.
  /// Throws InternalError when the result's columns do not match `request.targets`.
  FetchStats Fetch(const ChunkRequest& request, CopySink& sink) override;

  /// Runs `sql` and returns its whole result: for small results only (metadata, statistics).
  QueryResult Query(const std::string& sql);

  /// Runs SELECT CURRENT_VERSION() and returns the version text.
  std::string TestConnection();

  Client& client() { return client_; }

 private:
  std::string Refetch(const std::string& handle, size_t index, const std::string& why);
  WireRows ReadAllRows(const Statement& statement);

  Client client_;
};

/// One SnowflakeSource for a worker.
std::unique_ptr<SnowflakeSource> MakeSnowflakeSource(const ClientOptions& options);

}  // namespace sf2pg::snowflake
