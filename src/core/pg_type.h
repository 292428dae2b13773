// PostgreSQL column types as sf2pg sees them: a TargetColumn from the catalog's spelling
// (format_type(atttypid, atttypmod)) and back. Pure functions, no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/table.h"

namespace sf2pg {

/// The TargetColumn for a column whose type format_type() prints as `format_type` (e.g.
/// "numeric(10,2)", "character varying(5)", "timestamp(3) with time zone"); nullopt for a
/// type sf2pg cannot write in binary COPY format (enums, domains, arrays other than real[],
/// double precision[] and integer[], ...).
std::optional<TargetColumn> TargetColumnFromFormatType(std::string name,
                                                       std::string_view format_type, bool not_null);

/// The PostgreSQL spelling of a TargetColumn's type, with its precision, scale or length:
/// "numeric(10,2)", "character varying(40)", "timestamp(3) without time zone", "jsonb".
std::string PgTypeSql(const TargetColumn& column);

/// The plain name of a PgType as format_type() prints it ("bigint", "double precision").
std::string_view PgTypeName(PgType type);

/// smallint, integer or bigint.
inline bool IsIntegerType(PgType type) {
  return type == PgType::kInt2 || type == PgType::kInt4 || type == PgType::kInt8;
}

}  // namespace sf2pg
