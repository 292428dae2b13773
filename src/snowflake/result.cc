#include "snowflake/result.h"

#include <simdjson.h>

#include <algorithm>

#include "core/strings.h"
#include "snowflake/http.h"

namespace sf2pg::snowflake {
namespace {

namespace od = simdjson::ondemand;

// Metadata is small and read once per statement, so this file uses simdjson's exceptions.
bool IsNull(od::value& value) { return value.type() == od::json_type::null; }

std::string String(od::value value) {
  if (IsNull(value)) return {};
  return std::string(std::string_view(value.get_string()));
}

int64_t Int(od::value value) {
  if (IsNull(value)) return 0;
  return value.get_int64();
}

// The element type of a vector's `fields`: one entry whose "type" is "real" or "fixed" (the
// JDBC driver also accepts an entry's type under "fieldType"). Empty unless there is one entry.
std::string ElementType(od::array fields) {
  std::string type;
  size_t count = 0;
  for (auto entry : fields) {
    ++count;
    for (auto field : entry.get_object()) {
      std::string_view key = field.unescaped_key();
      if (key == "type") {
        type = Lower(String(field.value()));
      } else if (key == "fieldType") {
        for (auto inner : field.value().get_object()) {
          if (std::string_view(inner.unescaped_key()) == "type") {
            type = Lower(String(inner.value()));
          }
        }
      }
    }
  }
  return count == 1 ? type : std::string();
}

SourceColumn ReadColumn(od::object object) {
  SourceColumn column;
  for (auto field : object) {
    std::string_view key = field.unescaped_key();
    if (key == "name") {
      column.name = String(field.value());
    } else if (key == "type") {
      column.type = Lower(String(field.value()));  // lower case on the wire; be lenient
    } else if (key == "precision") {
      column.precision = static_cast<int>(Int(field.value()));
    } else if (key == "scale") {
      column.scale = static_cast<int>(Int(field.value()));
    } else if (key == "length") {
      column.length = Int(field.value());
    } else if (key == "nullable") {
      od::value value = field.value();
      column.nullable = IsNull(value) || bool(value.get_bool());
    } else if (key == "extTypeName") {
      column.ext_type = String(field.value());
    } else if (key == "vectorDimension") {
      column.vector_dimension = static_cast<int>(Int(field.value()));
    } else if (key == "fields") {
      od::value value = field.value();
      if (!IsNull(value)) column.vector_element = ElementType(value.get_array());
    }
  }
  if (column.type != "vector") column.vector_dimension = 0, column.vector_element.clear();
  return column;
}

void ReadPartitionInfo(od::array partitions, StatementMeta* meta) {
  for (auto entry : partitions) {
    int64_t rows = 0;
    int64_t bytes = 0;
    for (auto field : entry.get_object()) {
      std::string_view key = field.unescaped_key();
      if (key == "rowCount") rows = Int(field.value());
      if (key == "uncompressedSize") bytes = Int(field.value());
    }
    meta->partition_rows.push_back(rows);
    meta->partition_bytes.push_back(bytes);
  }
}

void ReadResultSetMeta(od::object object, StatementMeta* meta) {
  meta->has_result = true;
  for (auto field : object) {
    std::string_view key = field.unescaped_key();
    if (key == "numRows") {
      meta->num_rows = Int(field.value());
    } else if (key == "partitionInfo") {
      ReadPartitionInfo(field.value().get_array(), meta);
    } else if (key == "rowType") {
      for (auto column : field.value().get_array()) {
        meta->columns.push_back(ReadColumn(column.get_object()));
      }
    }
  }
}

// Length of the valid UTF-8 sequence at `p` (as PostgreSQL judges it: no overlong forms, no
// surrogates, nothing beyond U+10FFFF), or 0.
size_t Utf8SequenceLength(const unsigned char* p, const unsigned char* end) {
  auto continuation = [&](size_t i) { return p + i < end && (p[i] & 0xC0) == 0x80; };
  if (p[0] < 0x80) return 1;
  if (p[0] >= 0xC2 && p[0] <= 0xDF) return continuation(1) ? 2 : 0;
  if (p[0] >= 0xE0 && p[0] <= 0xEF) {
    if (!continuation(1) || !continuation(2)) return 0;
    if (p[0] == 0xE0 && p[1] < 0xA0) return 0;   // overlong
    if (p[0] == 0xED && p[1] >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (p[0] >= 0xF0 && p[0] <= 0xF4) {
    if (!continuation(1) || !continuation(2) || !continuation(3)) return 0;
    if (p[0] == 0xF0 && p[1] < 0x90) return 0;   // overlong
    if (p[0] == 0xF4 && p[1] >= 0x90) return 0;  // beyond U+10FFFF
    return 4;
  }
  return 0;
}

}  // namespace

void ReplaceInvalidUtf8(const std::string& body, std::string* copy, std::vector<size_t>* bad) {
  copy->clear();
  copy->reserve(body.size() + kBodyPadding);
  copy->append(body);
  bad->clear();
  auto* begin = reinterpret_cast<const unsigned char*>(body.data());
  const unsigned char* end = begin + body.size();
  for (const unsigned char* p = begin; p < end;) {
    size_t n = Utf8SequenceLength(p, end);
    if (n > 0) {
      p += n;
      continue;
    }
    auto at = static_cast<size_t>(p - begin);
    (*copy)[at] = '?';
    bad->push_back(at);
    ++p;
  }
}

struct ResultReader::Impl {
  od::parser parser;
};

ResultReader::ResultReader() : impl_(std::make_unique<Impl>()) {}
ResultReader::~ResultReader() = default;

bool ResultReader::ReadMeta(const std::string& text, StatementMeta* meta, std::string* error) {
  *meta = StatementMeta();
  std::string scratch;
  const std::string* body = &Padded(text, scratch);
  try {
    od::document doc;
    auto status = impl_->parser.iterate(body->data(), body->size(), body->capacity()).get(doc);
    if (status == simdjson::UTF8_ERROR) {
      // Values that are not valid UTF-8 are the decoder's to report, row by row.
      std::string repaired;
      std::vector<size_t> bad;
      ReplaceInvalidUtf8(*body, &repaired, &bad);
      scratch = std::move(repaired);
      body = &scratch;
      status = impl_->parser.iterate(body->data(), body->size(), body->capacity()).get(doc);
    }
    if (status) throw simdjson::simdjson_error(status);
    for (auto field : doc.get_object()) {
      std::string_view key = field.unescaped_key();
      if (key == "code") {
        meta->code = String(field.value());
      } else if (key == "message") {
        meta->message = String(field.value());
      } else if (key == "sqlState") {
        meta->sql_state = String(field.value());
      } else if (key == "statementHandle") {
        meta->handle = String(field.value());
      } else if (key == "statementStatusUrl") {
        meta->status_url = String(field.value());
      } else if (key == "resultSetMetaData") {
        ReadResultSetMeta(field.value().get_object(), meta);
      }
    }
    return true;
  } catch (const simdjson::simdjson_error& e) {
    *error = e.what();
    return false;
  }
}

bool ResultReader::ReadRows(const std::string& text, size_t columns, WireRows* rows,
                            std::string* error) {
  std::string scratch;
  const std::string& body = Padded(text, scratch);
  try {
    od::document doc = impl_->parser.iterate(body.data(), body.size(), body.capacity());
    bool found = false;
    for (auto field : doc.get_object()) {
      if (std::string_view(field.unescaped_key()) != "data") continue;
      found = true;
      for (auto row : field.value().get_array()) {
        std::vector<std::optional<std::string>> values;
        for (auto cell : row.get_array()) {
          od::value value = cell.value();
          if (IsNull(value)) {
            values.emplace_back();
          } else {
            values.emplace_back(std::string(std::string_view(value.get_string())));
          }
        }
        if (values.size() != columns) {
          *error = "a row has " + std::to_string(values.size()) + " values, not " +
                   std::to_string(columns);
          return false;
        }
        rows->push_back(std::move(values));
      }
    }
    if (!found) *error = "no \"data\" member";
    return found;
  } catch (const simdjson::simdjson_error& e) {
    *error = e.what();
    return false;
  }
}

}  // namespace sf2pg::snowflake
