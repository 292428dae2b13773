// Finished results: their metadata and their partitions, stored gzip-compressed in memory up
// to a budget and in a spill folder beyond it, so serving memory stays bounded whatever the
// result sizes. Partitions are cut by a byte budget that grows from partition to partition,
// as the real service's do (observed: ~100 kB, then about twice as much each time).
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "translator.h"

namespace sf2pg::sfemu {

/// How rows are joined and what uncompressedSize counts. Query results (computed by a
/// warehouse) join rows with ",\n" and count the whole `{"data":[...]}` body; metadata
/// results (SHOW, DESCRIBE, DDL status) join rows with "," and count only the rows. Both
/// observed on the real service.
enum class RowLayout { kQuery, kMetadata };

struct PartitionPolicy {
  size_t first_bytes = 100000;
  double growth = 2.0;
  size_t max_bytes = 4 << 20;
  int gzip_level = 1;
};

/// Immutable bytes held in memory or in a spill file (removed with the blob).
class Blob {
 public:
  Blob(std::string bytes, std::shared_ptr<std::atomic<int64_t>> memory_used);
  Blob(std::string path, size_t size);
  ~Blob();
  Blob(const Blob&) = delete;
  Blob& operator=(const Blob&) = delete;
  /// The bytes; throws Error if a spill file cannot be read.
  std::string Read() const;
  size_t size() const { return size_; }
  bool spilled() const { return !path_.empty(); }

 private:
  std::string bytes_;
  std::string path_;
  size_t size_ = 0;
  std::shared_ptr<std::atomic<int64_t>> memory_used_;
};

/// Places blobs in memory while the budget allows, in files beyond it. Thread-safe.
class BlobStore {
 public:
  BlobStore(size_t memory_budget, std::string spill_dir);
  std::shared_ptr<const Blob> Put(std::string bytes);
  int64_t memory_used() const { return *memory_used_; }
  int64_t spilled_bytes() const { return spilled_; }

 private:
  size_t budget_;
  std::string spill_dir_;
  std::shared_ptr<std::atomic<int64_t>> memory_used_;
  std::atomic<int64_t> spilled_{0};
  std::atomic<uint64_t> next_{0};
};

struct Partition {
  int64_t rows = 0;
  int64_t uncompressed = 0;
  int64_t compressed = 0;
  std::shared_ptr<const Blob> gzip;  ///< gzip of `{"data":[...]}`
};

struct DmlStats {
  int64_t inserted = 0, updated = 0, deleted = 0, duplicates = 0;
  bool Any() const { return inserted || updated || deleted || duplicates; }
};

/// A finished statement's result. Immutable once built, shared by the statement store and the
/// result cache.
struct ResultSet {
  std::vector<ResultColumn> columns;
  std::vector<Partition> partitions;
  int64_t num_rows = 0;
  RowLayout layout = RowLayout::kQuery;
  std::optional<DmlStats> stats;
  std::vector<std::string> child_handles;  ///< multi-statement requests

  /// The rows of partition `i` as they appear inside its data array.
  std::string Rows(size_t i) const;
  /// Bytes of all partitions (for statistics).
  int64_t CompressedBytes() const;
};

/// Builds a ResultSet row by row. Not thread-safe; one per executing statement. Finished
/// partitions are compressed on a helper thread while the next one is rendered (at most two in
/// flight, so memory stays bounded).
class ResultBuilder {
 public:
  ResultBuilder(std::vector<ResultColumn> columns, RowLayout layout, const PartitionPolicy& policy,
                BlobStore& store);
  /// The buffer to append the next row's JSON array text to; call EndRow() afterwards.
  std::string& BeginRow();
  void EndRow();
  /// A whole row of wire values (nullopt = SQL NULL); metadata results use it.
  void AddRow(const std::vector<std::optional<std::string>>& cells);
  std::shared_ptr<ResultSet> Finish();
  int64_t rows() const { return total_rows_; }

 private:
  void StartPartition();
  void ClosePartition();

  std::shared_ptr<ResultSet> result_;
  std::deque<std::future<Partition>> pending_;
  PartitionPolicy policy_;
  BlobStore& store_;
  std::string current_;
  size_t budget_;
  size_t row_start_ = 0;
  size_t separator_at_ = 0;
  int64_t partition_rows_ = 0;
  int64_t total_rows_ = 0;
};

}  // namespace sf2pg::sfemu
