// Result partitions of one chunk decoded straight into binary COPY rows: simdjson's on-demand
// parser walks each partition body in place, each value is encoded for its target column into
// one reused CopyBuffer, and whole rows go to the CopySink in pieces of about 1 MB. No heap
// allocation per row; bad rows go to CopySink::Reject.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/source.h"
#include "core/table.h"

namespace sf2pg::snowflake {

class ChunkDecoder {
 public:
  /// `columns` is the result's rowType. Throws InternalError when it does not have exactly one
  /// column per target, or a column's type cannot be loaded into its target.
  ChunkDecoder(std::vector<SourceColumn> columns, const ChunkRequest& request, CopySink& sink,
               size_t piece_bytes = 1 << 20);
  ~ChunkDecoder();
  ChunkDecoder(const ChunkDecoder&) = delete;
  ChunkDecoder& operator=(const ChunkDecoder&) = delete;

  /// Decodes the `data` rows of a result body (partition 0's whole response, or a later
  /// partition's `{"data": [...]}`), which must have kBodyPadding spare capacity.
  /// `expected_rows` is partitionInfo's rowCount (-1 if unknown). Throws MalformedResultError
  /// when the body is not valid (rows decoded before the damage are kept: fetch the partition
  /// again and call with `resume` to skip them), DataError for a bad row the sink does not
  /// take, or whatever the sink throws.
  void Decode(const std::string& body, int64_t expected_rows, bool resume = false);

  /// Hands the buffered rows to the sink. Call once after the last partition.
  void Flush();

  int64_t rows() const;      ///< rows handed to the sink (or buffered for it)
  int64_t rejected() const;  ///< rows the sink took through Reject()

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sf2pg::snowflake
