// Quoting of identifiers and string literals for the two SQL dialects sf2pg writes. Every name
// and every text value that goes into generated SQL passes through exactly one of these
// functions, so a name or value holding quotes, backslashes, semicolons, spaces, reserved
// words or mixed case stays a name or a value.
#pragma once

#include <string>
#include <string_view>
#include <vector>

/// PostgreSQL (the target and the status tables), with libpq's PQescapeIdentifier and
/// PQescapeLiteral rules.
namespace sf2pg::pg {

/// "name" with embedded double quotes doubled; the name keeps its exact case.
std::string QuoteIdent(std::string_view name);

/// 'text' with single quotes doubled. Text holding a backslash is written as an escape string,
/// E'...' with backslashes doubled, so it reads the same whatever standard_conforming_strings
/// is set to (PQescapeLiteral's rule).
std::string QuoteLiteral(std::string_view text);

}  // namespace sf2pg::pg

/// Snowflake (the source).
namespace sf2pg::sf {

/// "name" with embedded double quotes doubled: Snowflake's case-sensitive identifier form.
std::string QuoteIdent(std::string_view name);

/// 'text' with single quotes doubled and backslashes doubled: a backslash starts an escape
/// sequence inside Snowflake single-quoted string constants.
std::string QuoteLiteral(std::string_view text);

/// "DB"."SCHEMA"."TABLE"
std::string QualifiedName(std::string_view database, std::string_view schema,
                          std::string_view table);

/// Joins non-empty predicates with AND, each parenthesised; "" when none.
std::string And(const std::vector<std::string>& predicates);

}  // namespace sf2pg::sf
