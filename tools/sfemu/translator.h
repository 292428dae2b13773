// Semantic analysis and translation of parsed Snowflake statements into PostgreSQL SQL.
// Names are resolved against the catalog with Snowflake's rules (request database/schema as
// defaults, unquoted identifiers upper-case), and every expression carries its Snowflake
// type, so the result's rowType and wire encoding are Snowflake's, not PostgreSQL's.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "ast.h"
#include "catalog.h"
#include "sf_type.h"

namespace sf2pg::sfemu {

/// What a statement runs under: the request's defaults and identity.
struct SessionContext {
  std::string database;  ///< may be empty (no current database)
  std::string schema;
  std::string role;
  std::string user;
  std::string warehouse;
  std::string account;
  std::string region = "AWS_US_WEST_2";
  std::string version;
  /// SQL API bindings: keys "1", "2"... or names; values {"type", "value"}. May be null.
  const nlohmann::json* bindings = nullptr;
};

/// One result column as rowType describes it.
struct ResultColumn {
  std::string name;
  SfType type;
  bool nullable = true;
  std::string database, schema, table;  ///< source of a plain column reference; else empty
  /// rowType.byteLength when it is not the type's own: the text columns of SHOW, DESCRIBE and
  /// DDL status results report byteLength = length (observed).
  std::optional<int64_t> byte_length;
};

/// A SELECT ready to run: each output is one PostgreSQL column (two for TIMESTAMP_TZ).
struct TranslatedQuery {
  std::string sql;
  std::vector<ResultColumn> columns;
  std::vector<int> value_index;   ///< PostgreSQL column of each output
  std::vector<int> offset_index;  ///< TIMESTAMP_TZ offset column, -1 otherwise
  bool deterministic = true;      ///< false when it reads the clock (result cache must skip it)
};

/// DML ready to run.
struct TranslatedDml {
  std::string sql;
  CatalogTable table;
};

/// A typed PostgreSQL expression (internal to the translator, exposed for tests).
struct Typed {
  std::string sql;
  std::string offset;  ///< TIMESTAMP_TZ: the offset minutes expression
  SfType type;
  bool nullable = true;
  /// Constants keep their value so that conversions happen as Snowflake converts constants;
  /// kJson is a constant semi-structured value whose canonical text is `literal_text`.
  enum class Literal { kNone, kNull, kString, kNumber, kBool, kJson } literal = Literal::kNone;
  std::string literal_text;
  bool aggregate = false;
  bool window = false;
  std::string source_database, source_schema, source_table;  ///< plain column references
};

/// A typed expression with no constant value.
Typed MakeTyped(std::string sql, SfType type, bool nullable);

/// TIME/TIMESTAMP of scale 7-9 may be a composite with nanoseconds (catalog.cc).
bool HasNanos(const SfType& type);
/// The value without digits 7-9 (the plain PostgreSQL type), for functions of the microsecond
/// value; a plain value is unchanged.
std::string MicrosSql(const std::string& sql);
/// The value as a composite with nanoseconds (0 for a plain value), for exact comparisons.
std::string NanosSql(const std::string& sql);
/// The plain value; fails (SF000) when digits 7-9 are not zero.
std::string ExactSql(const std::string& sql);
/// A value of a type of scale 7-9 as a composite (a plain value lifted), so that the branches of
/// CASE, COALESCE and IFF have one PostgreSQL type; other values unchanged.
std::string BranchSql(const Typed& v);

class Translator {
 public:
  /// `sql` is the whole request text; the statement's expression spans point into it.
  Translator(CatalogReader& catalog, const SessionContext& session, std::string_view sql);

  /// `coerce_to`, when given, converts each output to that type (INSERT ... SELECT), so that
  /// constants convert as Snowflake converts constants.
  TranslatedQuery TranslateSelect(const Select& select,
                                  const std::vector<SfType>* coerce_to = nullptr);
  TranslatedDml TranslateInsert(const Statement& insert);
  TranslatedDml TranslateUpdate(const Statement& update);
  TranslatedDml TranslateDelete(const Statement& del);

  /// Resolves a table name (1-3 parts) to its catalog entry; throws 002003 when missing.
  CatalogTable ResolveTable(const std::vector<Name>& parts);
  /// Resolves a schema name (1-2 parts) to (database, schema); checks existence if `must_exist`.
  std::pair<std::string, std::string> ResolveSchema(const std::vector<Name>& parts,
                                                    bool must_exist);
  /// Splits a table name into (database, schema, table) using the session defaults.
  std::tuple<std::string, std::string, std::string> QualifyTable(const std::vector<Name>& parts);

  /// A typed expression without a FROM scope (tests; VALUES rows).
  Typed TranslateScalar(const Expr& expr);

  /// Converts `value` to `target` as Snowflake's implicit/explicit conversion does.
  Typed Coerce(const Typed& value, const SfType& target);
  /// Brings two operands to a common type for comparison or CASE/COALESCE.
  void Unify(Typed& a, Typed& b);
  SfType CommonType(const Typed& a, const Typed& b);
  /// TO_VARCHAR with default formats.
  Typed ToText(const Typed& value);
  /// Requires a BOOLEAN (or NULL) operand.
  Typed Boolean(const Typed& value, const char* where);
  /// A typed NULL.
  static Typed NullOf(const SfType& type);
  void MarkNondeterministic() { deterministic_ = false; }
  /// The row number (from 0) of TABLE(GENERATOR(...)) in the FROM clause being translated;
  /// empty when there is none.
  const std::string& generator_sequence() const { return generator_sequence_; }
  const SessionContext& session() const { return session_; }

 private:
  struct ScopeColumn {
    std::string name;
    Typed value;
  };
  struct Scope {
    std::vector<std::vector<std::string>> qualifiers;  ///< names that may prefix a column
    std::vector<ScopeColumn> columns;
  };
  struct Output {
    std::string name;
    Typed value;
    bool from_alias = false;
  };

  /// The columns a FROM item provides; `from_sql` receives its PostgreSQL text.
  Scope FromScope(const TableRef& ref, std::string& from_sql);
  Scope TableScope(const CatalogTable& table, const std::string& alias_sql,
                   const std::optional<Name>& alias);
  Scope InformationSchemaScope(const std::string& database, const Name& view,
                               const std::string& alias_sql, const std::optional<Name>& alias,
                               std::string& from_sql);

  Typed Translate(const Expr& e, const Scope& scope);
  Typed Column(const Expr& e, const Scope& scope);
  Typed Literal(const Expr& e);
  Typed Placeholder(const Expr& e);
  Typed Unary(const Expr& e, const Scope& scope);
  Typed Binary(const Expr& e, const Scope& scope);
  Typed Comparison(const std::string& op, Typed left, Typed right, const Expr& at);
  Typed Arithmetic(const std::string& op, Typed left, Typed right, const Expr& at);
  Typed Concat(Typed left, Typed right);
  Typed IsNull(const Expr& e, const Scope& scope);
  Typed In(const Expr& e, const Scope& scope);
  Typed Between(const Expr& e, const Scope& scope);
  Typed Like(const Expr& e, const Scope& scope);
  Typed Case(const Expr& e, const Scope& scope);
  Typed Cast(const Expr& e, const Scope& scope);
  Typed Function(const Expr& e, const Scope& scope);

  Typed FromStringLiteral(const std::string& text, const SfType& target);
  Typed Convert(const Typed& value, const SfType& target);
  std::string OrderKey(const Typed& value, const Expr& at);
  std::string DeriveName(const Expr& e) const;
  std::string NextAlias(const char* prefix) { return prefix + std::to_string(++next_alias_); }

  CatalogReader& catalog_;
  const SessionContext& session_;
  std::string_view sql_;
  bool deterministic_ = true;
  std::string generator_sequence_;
  int next_alias_ = 0;
};

/// The PostgreSQL text of `value` as Snowflake's TO_VARCHAR renders it with default formats.
std::string ToVarcharSql(const Typed& value);

}  // namespace sf2pg::sfemu
