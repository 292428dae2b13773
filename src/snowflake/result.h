// Reading SQL API response bodies: the statement metadata of a ResultSet (200) or QueryStatus
// (202), and the rows of a small result as wire text. simdjson on-demand, in place.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/table.h"

namespace sf2pg::snowflake {

/// What a 200 or 202 body says about a statement (spec §2.2, §2.3). Partition 0's rows stay in
/// the body.
struct StatementMeta {
  std::string code;  ///< "090001" done, "333334" running, "391908" result too large
  std::string message;
  std::string sql_state;
  std::string handle;
  std::string status_url;   ///< relative, e.g. /api/v2/statements/<handle>?requestId=...
  bool has_result = false;  ///< resultSetMetaData present
  std::vector<SourceColumn> columns;
  int64_t num_rows = 0;
  std::vector<int64_t> partition_rows;   ///< rowCount of each partition
  std::vector<int64_t> partition_bytes;  ///< uncompressedSize of each partition
};

using WireRows = std::vector<std::vector<std::optional<std::string>>>;

/// Puts in `copy` the bytes of `body` (with kBodyPadding spare capacity), each byte that is not
/// part of valid UTF-8 (as PostgreSQL judges it: no overlong forms, surrogates or code points
/// beyond U+10FFFF) replaced by '?', and their offsets in `bad`. A body whose values hold such
/// bytes can then be read, and those values found.
void ReplaceInvalidUtf8(const std::string& body, std::string* copy, std::vector<size_t>* bad);

/// Not thread-safe: one per thread.
class ResultReader {
 public:
  ResultReader();
  ~ResultReader();
  ResultReader(const ResultReader&) = delete;
  ResultReader& operator=(const ResultReader&) = delete;

  /// Reads the metadata of `body` (which needs kBodyPadding spare capacity). False when the
  /// body is not a JSON object; `error` then says why.
  [[nodiscard]] bool ReadMeta(const std::string& body, StatementMeta* meta, std::string* error);

  /// Appends the `data` rows of `body` as wire text (nullopt for NULL). False when the body
  /// is malformed or a row does not have `columns` values.
  [[nodiscard]] bool ReadRows(const std::string& body, size_t columns, WireRows* rows,
                              std::string* error);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sf2pg::snowflake
