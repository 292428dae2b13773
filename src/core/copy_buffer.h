// A buffer of rows in PostgreSQL's binary COPY format, filled field by field without any
// per-row allocation (the buffer keeps its capacity across Clear()).
//
// Layout (PostgreSQL docs, "COPY ... Binary Format"): a 19-byte header, then per row an int16
// field count and per field an int32 length (-1 for NULL) followed by the value's binary
// representation (the type's send function), then an int16 -1 trailer. All integers are
// big-endian.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace sf2pg {

class CopyBuffer {
 public:
  CopyBuffer() { data_.reserve(1 << 20); }

  /// The COPY header; write it once per COPY stream.
  void Header() {
    static const char kSignature[] = "PGCOPY\n\377\r\n";
    Append(kSignature, 11);
    PutInt32(0);  // flags
    PutInt32(0);  // header extension length
  }
  /// The end-of-data marker; write it once after the last row.
  void Trailer() { PutInt16(-1); }

  void BeginRow(uint16_t fields) { PutInt16(static_cast<int16_t>(fields)); }
  void Null() { PutInt32(-1); }
  /// A whole field: length, then the bytes.
  void Field(std::string_view bytes) {
    PutInt32(static_cast<int32_t>(bytes.size()));
    Append(bytes.data(), bytes.size());
  }
  void FieldInt16(int16_t v) {
    PutInt32(2);
    PutInt16(v);
  }
  void FieldInt32(int32_t v) {
    PutInt32(4);
    PutInt32(v);
  }
  void FieldInt64(int64_t v) {
    PutInt32(8);
    PutInt64(v);
  }
  void FieldFloat8(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, 8);
    PutInt32(8);
    PutInt64(static_cast<int64_t>(bits));
  }
  void FieldFloat4(float v) {
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    PutInt32(4);
    PutInt32(static_cast<int32_t>(bits));
  }
  void FieldBool(bool v) {
    PutInt32(1);
    data_.push_back(v ? '\1' : '\0');
  }

  /// Starts a field whose length is known only after writing it; returns its position.
  size_t BeginField() {
    size_t at = data_.size();
    PutInt32(0);
    return at;
  }
  /// Patches the length of the field started at `at`.
  void EndField(size_t at) {
    uint32_t n = static_cast<uint32_t>(data_.size() - at - 4);
    char* p = data_.data() + at;
    p[0] = static_cast<char>(n >> 24);
    p[1] = static_cast<char>(n >> 16);
    p[2] = static_cast<char>(n >> 8);
    p[3] = static_cast<char>(n);
  }

  void PutInt16(int16_t v) {
    uint16_t u = static_cast<uint16_t>(v);
    char b[2] = {static_cast<char>(u >> 8), static_cast<char>(u)};
    Append(b, 2);
  }
  void PutInt32(int32_t v) {
    uint32_t u = static_cast<uint32_t>(v);
    char b[4] = {static_cast<char>(u >> 24), static_cast<char>(u >> 16), static_cast<char>(u >> 8),
                 static_cast<char>(u)};
    Append(b, 4);
  }
  void PutInt64(int64_t v) {
    uint64_t u = static_cast<uint64_t>(v);
    char b[8];
    for (int i = 7; i >= 0; --i) {
      b[i] = static_cast<char>(u);
      u >>= 8;
    }
    Append(b, 8);
  }
  void Append(const char* bytes, size_t n) { data_.append(bytes, n); }
  void Append(std::string_view bytes) { data_.append(bytes.data(), bytes.size()); }
  void PushBack(char c) { data_.push_back(c); }

  /// Drops everything after `size` (to discard a half-written row).
  void Truncate(size_t size) { data_.resize(size); }
  void Clear() { data_.clear(); }
  size_t size() const { return data_.size(); }
  std::string_view view() const { return data_; }

 private:
  std::string data_;
};

}  // namespace sf2pg
