#include "snowflake/decoder.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/copy_buffer.h"
#include "core/error.h"
#include "core/quote.h"
#include "core/sf_literal.h"
#include "snowflake/encoders.h"
#include "snowflake/errors.h"
#include "snowflake/http.h"
#include "snowflake/result.h"
#include "snowflake/type_mapping.h"

namespace sf2pg::snowflake {
namespace {

namespace od = simdjson::ondemand;

bool IsJsonSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// The text of the JSON array starting at `start`, found by bracket matching outside strings
// (only used for bad rows).
std::string_view RawArray(const char* start, const char* end) {
  int depth = 0;
  bool in_string = false;
  for (const char* p = start; p < end; ++p) {
    if (in_string) {
      if (*p == '\\') {
        ++p;
      } else if (*p == '"') {
        in_string = false;
      }
    } else if (*p == '"') {
      in_string = true;
    } else if (*p == '[') {
      ++depth;
    } else if (*p == ']' && --depth == 0) {
      return {start, static_cast<size_t>(p + 1 - start)};
    }
  }
  return {start, static_cast<size_t>(end - start)};
}

// The JSON text of element `index` of the row array `raw` (outside strings, elements are split
// at top-level commas).
std::string_view KeyToken(std::string_view raw, size_t index) {
  size_t start = 1, element = 0;
  int depth = 0;
  bool in_string = false;
  for (size_t i = 1; i < raw.size(); ++i) {
    char c = raw[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if (depth == 0 && (c == ',' || c == ']')) {
      if (element == index) {
        std::string_view token = raw.substr(start, i - start);
        while (!token.empty() && IsJsonSpace(token.front())) token.remove_prefix(1);
        while (!token.empty() && IsJsonSpace(token.back())) token.remove_suffix(1);
        return token;
      }
      ++element;
      start = i + 1;
    }
  }
  return {};
}

// A key value made fit for a message: control characters escaped, long values shortened.
std::string Printable(std::string_view text) {
  constexpr size_t kMaxShown = 64;
  std::string out;
  for (size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20) {
      static const char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0x0F];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > kMaxShown) out += "...";
  return out;
}

}  // namespace

struct ChunkDecoder::Impl {
  std::vector<SourceColumn> columns;
  ChunkRequest request;  // targets and keys; the plans point into it
  CopySink& sink;
  size_t piece_bytes;
  std::vector<ColumnPlan> plans;
  od::parser parser;
  CopyBuffer buffer;
  int64_t buffered_rows = 0;
  int64_t rows = 0;
  int64_t rejected = 0;
  int64_t partition_rows = 0;  // rows of the current partition fully handled
  const char* body_begin = nullptr;
  const char* body_end = nullptr;
  std::string scratch;  // a padded copy of a body without spare capacity (rare)
  // A body that is not valid UTF-8 is read from a copy with the bad bytes replaced; these are
  // their offsets, and the values that hold one are bad rows (rare).
  std::string repaired;
  std::vector<size_t> invalid_utf8;

  Impl(std::vector<SourceColumn> c, const ChunkRequest& r, CopySink& s, size_t piece)
      : columns(std::move(c)), request(r), sink(s), piece_bytes(piece) {}

  [[noreturn]] void Malformed(const std::string& what) const {
    throw MalformedResultError("malformed result partition for " + request.description + ": " +
                               what);
  }
  [[noreturn]] void Malformed(simdjson::error_code error) const {
    Malformed(simdjson::error_message(error));
  }

  void BuildPlans();
  void DecodeBody(const std::string& body, int64_t skip);
  od::document Iterate(const std::string& text);
  bool HoldsInvalidUtf8(std::string_view token) const;
  void DecodeRow(od::value row);
  Fault EncodeCell(od::value cell, const ColumnPlan& plan, std::string_view* wire);
  void Reject(size_t column, Fault fault, std::string_view wire, std::string_view raw);
  std::string KeyText(std::string_view raw) const;
  void Flush();
};

void ChunkDecoder::Impl::BuildPlans() {
  const std::vector<TargetColumn>& targets = request.targets;
  if (columns.size() != targets.size()) {
    throw InternalError(request.description + ": the Snowflake result has " +
                        std::to_string(columns.size()) + " columns but " +
                        std::to_string(targets.size()) + " target columns were given");
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    plans.push_back(MakePlan(columns[i], targets[i]));
    if (auto why = Incompatibility(columns[i], targets[i])) {
      throw InternalError(request.description + ": " + *why);
    }
  }
}

od::document ChunkDecoder::Impl::Iterate(const std::string& text) {
  const std::string* body = &Padded(text, scratch);
  invalid_utf8.clear();
  od::document doc;
  auto error = parser.iterate(body->data(), body->size(), body->capacity()).get(doc);
  if (error == simdjson::UTF8_ERROR) {
    // Not a transfer error (the body arrived whole): values that are not valid UTF-8.
    ReplaceInvalidUtf8(*body, &repaired, &invalid_utf8);
    body = &repaired;
    error = parser.iterate(body->data(), body->size(), body->capacity()).get(doc);
  }
  if (error) Malformed(error);
  body_begin = body->data();
  body_end = body->data() + body->size();
  return doc;
}

bool ChunkDecoder::Impl::HoldsInvalidUtf8(std::string_view token) const {
  if (invalid_utf8.empty()) return false;
  auto first = static_cast<size_t>(token.data() - body_begin);
  auto it = std::lower_bound(invalid_utf8.begin(), invalid_utf8.end(), first);
  return it != invalid_utf8.end() && *it < first + token.size();
}

void ChunkDecoder::Impl::DecodeBody(const std::string& text, int64_t skip) {
  od::document doc = Iterate(text);
  od::object object;
  if (auto error = doc.get_object().get(object)) Malformed(error);
  bool found = false;
  for (auto field : object) {
    std::string_view key;
    if (auto error = field.unescaped_key().get(key)) Malformed(error);
    if (key != "data") continue;
    found = true;
    od::array data;
    if (auto error = field.value().get_array().get(data)) Malformed(error);
    int64_t index = 0;
    for (auto row : data) {
      od::value value;
      if (auto error = row.get(value)) Malformed(error);
      if (index++ < skip) continue;  // handled before the body was fetched again
      DecodeRow(value);
      ++partition_rows;
    }
  }
  if (!found) Malformed("no \"data\" member");
}

void ChunkDecoder::Impl::DecodeRow(od::value row) {
  const char* raw_start = row.raw_json_token().data();
  od::array cells;
  if (auto error = row.get_array().get(cells)) Malformed(error);
  size_t row_start = buffer.size();
  buffer.BeginRow(static_cast<uint16_t>(plans.size()));
  size_t column = 0;
  Fault fault = Fault::kNone;
  size_t fault_column = 0;
  std::string_view fault_wire;
  try {
    for (auto cell : cells) {
      od::value value;
      if (auto error = cell.get(value)) Malformed(error);
      if (column >= plans.size()) Malformed("a row has more values than the result has columns");
      if (fault == Fault::kNone) {
        fault = EncodeCell(value, plans[column], &fault_wire);
        fault_column = column;
      }
      ++column;
    }
    if (column != plans.size()) Malformed("a row has fewer values than the result has columns");
  } catch (...) {
    buffer.Truncate(row_start);  // never leave half a row behind
    throw;
  }
  if (fault != Fault::kNone) {
    buffer.Truncate(row_start);
    Reject(fault_column, fault, fault_wire, RawArray(raw_start, body_end));
    return;
  }
  ++buffered_rows;
  ++rows;
  if (buffer.size() >= piece_bytes) Flush();
}

Fault ChunkDecoder::Impl::EncodeCell(od::value cell, const ColumnPlan& plan,
                                     std::string_view* wire) {
  std::string_view token = cell.raw_json_token();
  if (token.starts_with("null")) {
    if (plan.target->not_null) return Fault::kNotNull;
    buffer.Null();
    return Fault::kNone;
  }
  // Every non-NULL value is a JSON string (spec §4). Without escapes its text is the token
  // between the quotes: no copy at all.
  size_t end = token.size();
  while (end > 0 && IsJsonSpace(token[end - 1])) --end;
  if (end < 2 || token[0] != '"' || token[end - 1] != '"') Malformed("a value is not a string");
  std::string_view text = token.substr(1, end - 2);
  if (HoldsInvalidUtf8(text)) return Fault::kBadUtf8;
  if (std::memchr(text.data(), '\\', text.size()) != nullptr) {
    // A complete string whose escapes do not unescape: an unpaired surrogate (\ud800) or a
    // bad escape, i.e. a value that is not text; the body itself is intact.
    if (cell.get_string().get(text) != simdjson::SUCCESS) return Fault::kBadUtf8;
  }
  *wire = text;
  return plan.encode(text, plan, buffer);
}

std::string ChunkDecoder::Impl::KeyText(std::string_view raw) const {
  std::string key;
  for (int index : request.key_columns) {
    if (index < 0 || static_cast<size_t>(index) >= columns.size()) continue;
    const SourceColumn& column = columns[static_cast<size_t>(index)];
    std::string_view token = KeyToken(raw, static_cast<size_t>(index));
    auto value = nlohmann::json::parse(token, nullptr, /*allow_exceptions=*/false);
    std::string literal;
    if (value.is_discarded()) {
      literal = std::string(token);  // not valid text (an unpaired surrogate): as on the wire
    } else {
      std::optional<std::string> text;
      if (value.is_string()) text = value.get<std::string>();
      try {
        literal = SnowflakeLiteral(text, column);
      } catch (const Error&) {
        literal = sf::QuoteLiteral(*text);
      }
    }
    if (!key.empty()) key += ", ";
    key += column.name + "=" + Printable(literal);
  }
  return key;
}

void ChunkDecoder::Impl::Reject(size_t column, Fault fault, std::string_view wire,
                                std::string_view raw) {
  const TargetColumn& target = request.targets[column];
  BadRow bad;
  bad.row_number = rows + rejected + 1;
  bad.column = target.name.empty() ? columns[column].name : target.name;
  bad.key = KeyText(raw);
  bad.reason = FaultReason(fault, wire, plans[column]);
  bad.raw = std::string(raw);
  if (!sink.Reject(bad)) {
    std::string where = "row " + std::to_string(bad.row_number);
    if (!bad.key.empty()) where += " (" + bad.key + ")";
    throw DataError(request.description + ": " + where + ", column " + bad.column + ": " +
                    bad.reason);
  }
  ++rejected;
}

void ChunkDecoder::Impl::Flush() {
  if (buffered_rows == 0) return;
  sink.Write(buffer.view(), buffered_rows);
  buffer.Clear();
  buffered_rows = 0;
}

ChunkDecoder::ChunkDecoder(std::vector<SourceColumn> columns, const ChunkRequest& request,
                           CopySink& sink, size_t piece_bytes)
    : impl_(std::make_unique<Impl>(std::move(columns), request, sink, piece_bytes)) {
  impl_->BuildPlans();
}

ChunkDecoder::~ChunkDecoder() = default;

void ChunkDecoder::Decode(const std::string& body, int64_t expected_rows, bool resume) {
  int64_t skip = resume ? impl_->partition_rows : 0;
  impl_->partition_rows = skip;
  impl_->DecodeBody(body, skip);
  if (expected_rows >= 0 && impl_->partition_rows != expected_rows) {
    impl_->Malformed("the partition has " + std::to_string(impl_->partition_rows) +
                     " rows but the result metadata announced " + std::to_string(expected_rows));
  }
  impl_->partition_rows = 0;
}

void ChunkDecoder::Flush() { impl_->Flush(); }
int64_t ChunkDecoder::rows() const { return impl_->rows; }
int64_t ChunkDecoder::rejected() const { return impl_->rejected; }

}  // namespace sf2pg::snowflake
