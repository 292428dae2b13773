// Renders PostgreSQL binary result rows as SQL API wire rows: `["v1","v2",null]`, each value
// in its Snowflake type's encoding. Works straight from the PGresult buffers.
#pragma once

#include <libpq-fe.h>

#include <string>
#include <vector>

#include "translator.h"

namespace sf2pg::sfemu {

class RowRenderer {
 public:
  /// `nullable_null`: render SQL NULL as JSON null (true, the default) or as the string "null"
  /// (the request's nullable=false).
  RowRenderer(const TranslatedQuery& query, bool nullable_null);
  /// Reads the column types of a result (call once per PGresult batch).
  void Bind(const PGresult* result);
  /// Appends row `row` of the bound result.
  void Append(std::string& out, const PGresult* result, int row) const;

 private:
  struct Column {
    SfType type;
    int value = 0;
    int offset = -1;
    Oid oid = 0;
    Oid offset_oid = 0;
  };
  void AppendValue(std::string& out, const Column& c, const char* p, int len,
                   const PGresult* result, int row) const;

  std::vector<Column> columns_;
  const char* null_text_;
};

}  // namespace sf2pg::sfemu
