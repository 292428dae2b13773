// A CopySink that keeps everything it is given, and a reader for the binary COPY rows it got.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/source.h"

namespace sf2pg::testing {

class RecordingSink : public CopySink {
 public:
  void Write(std::string_view piece, int64_t row_count) override {
    data.append(piece);
    pieces.push_back(row_count);
    piece_bytes.push_back(piece.size());
    rows += row_count;
  }
  bool Reject(const BadRow& row) override {
    rejects.push_back(row);
    return accept_rejects;
  }

  bool accept_rejects = true;
  std::string data;
  int64_t rows = 0;
  std::vector<int64_t> pieces;
  std::vector<size_t> piece_bytes;
  std::vector<BadRow> rejects;
};

using CopyRow = std::vector<std::optional<std::string>>;

/// Splits binary COPY rows (no header, no trailer) into fields; nullopt for NULL.
inline std::vector<CopyRow> ParseCopyRows(std::string_view data) {
  auto u32 = [&data](size_t at) {
    if (at + 4 > data.size()) throw std::runtime_error("COPY data ends inside a field length");
    return static_cast<uint32_t>(static_cast<unsigned char>(data[at])) << 24 |
           static_cast<uint32_t>(static_cast<unsigned char>(data[at + 1])) << 16 |
           static_cast<uint32_t>(static_cast<unsigned char>(data[at + 2])) << 8 |
           static_cast<uint32_t>(static_cast<unsigned char>(data[at + 3]));
  };
  std::vector<CopyRow> rows;
  size_t at = 0;
  while (at + 2 <= data.size()) {
    size_t fields = static_cast<size_t>(static_cast<unsigned char>(data[at]) << 8 |
                                        static_cast<unsigned char>(data[at + 1]));
    at += 2;
    CopyRow row;
    for (size_t i = 0; i < fields; ++i) {
      uint32_t length = u32(at);
      at += 4;
      if (length == 0xFFFFFFFF) {
        row.emplace_back();
      } else {
        if (at + length > data.size()) throw std::runtime_error("COPY data ends inside a field");
        row.emplace_back(std::string(data.substr(at, length)));
        at += length;
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace sf2pg::testing
