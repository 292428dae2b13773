// Renders PostgreSQL binary result rows as SQL API wire rows: `["v1","v2",null]`, each value
// in its Snowflake type's encoding. Works straight from the buffers of a binary-format result
// (postgres::Connection::ExecBinary).
#pragma once

#include <string>
#include <vector>

#include "output_format.h"
#include "postgres/connection.h"
#include "translator.h"

namespace sf2pg::sfemu {

class RowRenderer {
 public:
  /// `nullable_null`: render SQL NULL as JSON null (true, the default) or as the string "null"
  /// (the request's nullable=false). `formats`: the request's *_OUTPUT_FORMAT parameters
  /// (empty = spec §4's encoding); must outlive the renderer.
  RowRenderer(const TranslatedQuery& query, bool nullable_null, const OutputFormats& formats);
  /// Reads the column types of a result (call once per result batch).
  void Bind(const postgres::Result& result);
  /// Appends row `row` of the bound result. Throws Error for a value it cannot render.
  void Append(std::string& out, const postgres::Result& result, int row) const;

 private:
  struct Column {
    SfType type;
    int value = 0;
    int offset = -1;
    Oid oid = 0;
    Oid offset_oid = 0;
    const std::string* format = nullptr;  ///< dates and times: the output format, if any
  };
  void AppendValue(std::string& out, const Column& c, std::string_view bytes,
                   const postgres::Result& result, int row) const;

  std::vector<Column> columns_;
  const char* null_text_;
};

}  // namespace sf2pg::sfemu
