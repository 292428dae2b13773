// A recursive-descent parser for the Snowflake SQL subset sfemu runs: SELECT (one table or
// subquery in FROM, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT/OFFSET, window functions),
// SHOW PRIMARY KEYS / SHOW TABLES, DESCRIBE TABLE, CREATE/DROP DATABASE/SCHEMA/TABLE,
// INSERT (VALUES or SELECT), UPDATE, DELETE, TRUNCATE, BEGIN/COMMIT/ROLLBACK, USE and
// ALTER SESSION. Syntax errors are Snowflake's 001003; valid Snowflake the subset lacks
// (joins, set operations, CTEs, ...) is refused with 000002 naming the feature.
#pragma once

#include <string_view>
#include <vector>

#include "ast.h"

namespace sf2pg::sfemu {

/// Parses a request's text into its statements (split at top-level `;`, empty ones dropped).
/// Throws Error.
std::vector<Statement> ParseScript(std::string_view sql);

/// Parses a single expression (tests, and the loader's DEFAULT-free DDL checks).
ExprPtr ParseExpression(std::string_view sql);

}  // namespace sf2pg::sfemu
