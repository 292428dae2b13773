// The syntax tree of the Snowflake SQL subset sfemu understands (see parser.h). Nodes keep
// their source span so that result columns without an alias can be named as Snowflake names
// them (the upper-cased expression text) and errors can point at a line and position.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sf_type.h"

namespace sf2pg::sfemu {

/// An identifier: unquoted ones are already upper-cased.
struct Name {
  std::string text;
  bool quoted = false;
  int line = 1;
  int column = 0;
  /// As Snowflake prints it in messages: NAME, or "quoted name" when it needs quotes.
  std::string Display() const;
};

/// Dotted names (DB.SCHEMA.TABLE) joined for messages.
std::string DisplayName(const std::vector<Name>& parts);

enum class ExprKind {
  kNumber,  ///< text = digits as written
  kString,  ///< text = decoded value
  kBool,    ///< flag = value
  kNull,
  kColumn,       ///< names = 1 to 4 parts
  kStar,         ///< COUNT(*) argument
  kPlaceholder,  ///< text = "" (positional ?, index in `index`), "1" or "name"
  kUnary,        ///< text = "-", "+" or "NOT"
  kBinary,       ///< text = operator: OR AND = <> < <= > >= + - * / % ||
  kFunction,     ///< text = upper-case name; flag = DISTINCT; over = window
  kCast,         ///< args[0]; cast_type; flag = TRY_CAST
  kIsNull,       ///< flag = NOT
  kIn,           ///< args[0] IN (args[1..]); flag = NOT
  kBetween,      ///< args[0] BETWEEN args[1] AND args[2]; flag = NOT
  kLike,         ///< args[0] LIKE args[1] [ESCAPE args[2]]; text = LIKE/ILIKE; flag = NOT
  kCase,         ///< args = [operand?] (when, then)* [else]; see case_* fields
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct OrderItem {
  ExprPtr expr;
  bool descending = false;
  std::optional<bool> nulls_first;
};

struct Window {
  std::vector<ExprPtr> partition_by;
  std::vector<OrderItem> order_by;
};

struct Expr {
  ExprKind kind = ExprKind::kNull;
  std::string text;
  bool flag = false;
  int index = 0;            ///< positional placeholder number (1-based)
  std::vector<Name> names;  ///< column reference parts
  std::vector<ExprPtr> args;
  std::unique_ptr<Window> over;  ///< window functions
  SfType cast_type;
  bool case_has_operand = false;  ///< CASE x WHEN ...
  bool case_has_else = false;
  size_t begin = 0, end = 0;  ///< source span
  int line = 1, column = 0;
};

struct SelectItem {
  ExprPtr expr;  ///< null for `*` / `t.*`
  std::optional<Name> alias;
  std::vector<Name> star_qualifier;  ///< t.* (empty for a bare *)
};

struct Select;

struct TableRef {
  std::vector<Name> parts;  ///< a table name, or empty for a subquery
  std::unique_ptr<Select> subquery;
  ExprPtr generator_rows;  ///< TABLE(GENERATOR(ROWCOUNT => n)): n
  std::optional<Name> alias;
  int line = 1, column = 0;
};

struct Select {
  bool distinct = false;
  std::vector<SelectItem> items;
  std::optional<TableRef> from;
  ExprPtr where;
  std::vector<ExprPtr> group_by;
  ExprPtr having;
  ExprPtr qualify;
  std::vector<OrderItem> order_by;
  ExprPtr limit;
  ExprPtr offset;
};

struct ColumnDef {
  Name name;
  SfType type;
  bool not_null = false;
  bool primary_key = false;
};

enum class StatementKind {
  kSelect,
  kShowPrimaryKeys,
  kShowTables,
  kDescribeTable,
  kCreateTable,
  kDropTable,
  kCreateDatabase,
  kDropDatabase,
  kCreateSchema,
  kDropSchema,
  kInsert,
  kUpdate,
  kDelete,
  kTruncate,
  kBegin,
  kCommit,
  kRollback,
  kUse,
  kAlterSession,
  kNotInApi,  ///< a command the SQL API refuses (PUT, GET); `command` names it
};

struct Statement {
  StatementKind kind = StatementKind::kSelect;
  size_t begin = 0, end = 0;  ///< source span within the request text
  std::unique_ptr<Select> select;
  std::vector<Name> target;  ///< table, schema or database name
  bool or_replace = false;
  bool if_not_exists = false;
  bool if_exists = false;
  std::vector<ColumnDef> columns;
  std::vector<Name> primary_key;
  std::vector<Name> insert_columns;
  std::vector<std::vector<ExprPtr>> values;  ///< INSERT ... VALUES rows
  std::vector<std::pair<Name, ExprPtr>> assignments;
  ExprPtr where;
  std::string scope;                ///< SHOW ... IN <scope>: TABLE, SCHEMA, DATABASE, ACCOUNT
  std::optional<std::string> like;  ///< SHOW TABLES LIKE 'pattern'
  std::string command;              ///< kNotInApi / kUse detail
  std::vector<std::pair<std::string, std::string>> session_settings;  ///< ALTER SESSION SET
};

}  // namespace sf2pg::sfemu
