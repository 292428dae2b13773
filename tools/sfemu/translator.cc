#include "translator.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "core/quote.h"
#include "core/strings.h"
#include "error.h"
#include "functions.h"
#include "json_text.h"
#include "postgres/connection.h"
#include "values.h"

namespace sf2pg::sfemu {
namespace {

using postgres::Connection;
using Lit = Typed::Literal;

std::string Quote(std::string_view text) { return pg::QuoteLiteral(text); }
std::string Ident(std::string_view text) { return pg::QuoteIdent(text); }

Typed BoolResult(std::string sql, bool nullable) {
  return MakeTyped(std::move(sql), SfType::Of(SfKind::kBoolean), nullable);
}

bool IsInteger(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// Snowflake's result type of a binary arithmetic operation on fixed-point numbers.
SfType FixedArithmetic(const std::string& op, const SfType& a, const SfType& b) {
  int l1 = a.precision - a.scale, l2 = b.precision - b.scale;
  int s = 0, l = 0;
  if (op == "+" || op == "-") {
    s = std::max(a.scale, b.scale);
    l = std::max(l1, l2) + 1;
  } else if (op == "*") {
    s = std::min(a.scale + b.scale, std::max({a.scale, b.scale, 12}));
    l = l1 + l2;
  } else if (op == "/") {
    s = std::max(a.scale, std::min(a.scale + 6, 12));
    l = l1 + b.scale;
  } else {  // %
    s = std::max(a.scale, b.scale);
    l = std::max(l1, l2);
  }
  s = std::min(s, 37);
  return SfType::Fixed(std::max(1, std::min(38, l + s)), s);
}

std::string TextLiteral(const std::string& text) { return Quote(StoreNuls(text)); }

/// The session offset (minutes) of a timestamptz expression, as TIMESTAMP_TZ needs it.
std::string SessionOffset(const std::string& instant) {
  return "(extract(timezone from " + instant + ") / 60)::int";
}

std::string LocalWallClock(const Typed& tz) {
  return "((" + ExactSql(tz.sql) + " AT TIME ZONE 'UTC') + make_interval(mins => " + tz.offset +
         "))";
}

/// Nanoseconds (integer text) as microseconds (floored) and the nanoseconds beyond them.
std::pair<std::string, int> SplitNanos(const std::string& ns) {
  int64_t v = std::stoll(ns);
  int64_t micros = v / 1000 - (v % 1000 < 0 ? 1 : 0);
  return {std::to_string(micros), static_cast<int>(v - micros * 1000)};
}

/// A plain value with `nanos` more nanoseconds: a composite of `type` (scale 7-9) when needed.
std::string PlainWithNanos(const std::string& plain, int nanos, const SfType& type) {
  if (nanos == 0) return plain;
  return "ROW(" + plain + ", " + std::to_string(nanos) + ")::" + type.PgType();
}

bool IsNullish(const Typed& t) { return t.literal == Lit::kNull || t.type.kind == SfKind::kNull; }

/// Whether unified operands compare as composites with nanoseconds (exact at the nanosecond):
/// one has scale 7-9 and all have the same type.
bool CompareNanos(const std::vector<const Typed*>& operands) {
  bool nanos = false;
  for (const Typed* v : operands) {
    if (IsNullish(*v)) continue;
    if (v->type.kind != operands[0]->type.kind && !IsNullish(*operands[0])) return false;
    nanos = nanos || HasNanos(v->type);
  }
  return nanos;
}

/// An operand's SQL for a comparison (CompareNanos: as a composite).
std::string Comparand(const Typed& v, bool nanos) {
  return nanos && !IsNullish(v) ? NanosSql(v.sql) : v.sql;
}

}  // namespace

Typed MakeTyped(std::string sql, SfType type, bool nullable) {
  Typed t;
  t.sql = std::move(sql);
  t.type = type;
  t.nullable = nullable;
  return t;
}

bool HasNanos(const SfType& type) {
  return (type.kind == SfKind::kTime || type.IsTimestamp()) && type.scale > 6;
}

std::string MicrosSql(const std::string& sql) { return "sfemu_catalog.micros(" + sql + ")"; }
std::string NanosSql(const std::string& sql) { return "sfemu_catalog.ns(" + sql + ")"; }
std::string ExactSql(const std::string& sql) { return "sfemu_catalog.exact(" + sql + ")"; }
std::string BranchSql(const Typed& v) { return Comparand(v, HasNanos(v.type)); }

std::string ToVarcharSql(const Typed& v) {
  // The default formats show at most milliseconds.
  const std::string x = HasNanos(v.type) ? MicrosSql(v.sql) : v.sql;
  switch (v.type.kind) {
    case SfKind::kText:
    case SfKind::kNull:
      return x;
    case SfKind::kFixed:
      return "((" + x + ")::numeric(38," + std::to_string(v.type.scale) + "))::text";
    case SfKind::kReal:
      return "sfemu_catalog.float_text(" + x + ")";
    case SfKind::kBoolean:
      return "(CASE WHEN " + x + " THEN 'true' WHEN NOT " + x + " THEN 'false' END)";
    case SfKind::kDate:
      return "to_char(" + x + ", 'YYYY-MM-DD')";
    case SfKind::kTime:
      return "to_char(" + x + ", 'HH24:MI:SS')";
    case SfKind::kTimestampNtz:
      return "to_char(" + x + ", 'YYYY-MM-DD HH24:MI:SS.MS')";
    case SfKind::kTimestampLtz:
      // A zero offset is written Z (observed with TIMEZONE=UTC).
      return "replace(to_char(" + x + ", 'YYYY-MM-DD HH24:MI:SS.MS TZHTZM'), ' +0000', ' Z')";
    case SfKind::kTimestampTz:
      return "sfemu_catalog.tz_text(" + x + ", " + v.offset + ")";
    case SfKind::kBinary:
      return "upper(encode(" + x + ", 'hex'))";
    default:
      return "sfemu_catalog.variant_text(" + x + ")";
  }
}

Translator::Translator(CatalogReader& catalog, const SessionContext& session, std::string_view sql)
    : catalog_(catalog), session_(session), sql_(sql) {}

// --- names ---------------------------------------------------------------------------------

std::tuple<std::string, std::string, std::string> Translator::QualifyTable(
    const std::vector<Name>& parts) {
  std::string table = parts.back().text;
  std::string schema = parts.size() >= 2 ? parts[parts.size() - 2].text : session_.schema;
  std::string database = parts.size() == 3 ? parts[0].text : session_.database;
  if (database.empty()) {
    throw Error("090105", "22000",
                "Cannot perform SELECT. This session does not have a current database. Call "
                "'USE DATABASE', or use a qualified name.");
  }
  if (schema.empty()) {
    throw Error("090106", "22000",
                "Cannot perform SELECT. This session does not have a current schema. Call "
                "'USE SCHEMA', or use a qualified name.");
  }
  return {database, schema, table};
}

CatalogTable Translator::ResolveTable(const std::vector<Name>& parts) {
  auto [database, schema, table] = QualifyTable(parts);
  if (!catalog_.HasDatabase(database)) {
    throw DoesNotExist("Database", Name{database, true}.Display(), "");
  }
  if (!catalog_.HasSchema(database, schema)) {
    throw DoesNotExist("Schema",
                       Name{database, true}.Display() + "." + Name{schema, true}.Display(), "");
  }
  auto found = catalog_.FindTable(database, schema, table);
  if (!found) throw DoesNotExist("Object", DisplayName(parts), session_.role);
  return *found;
}

std::pair<std::string, std::string> Translator::ResolveSchema(const std::vector<Name>& parts,
                                                              bool must_exist) {
  std::string schema = parts.back().text;
  std::string database = parts.size() == 2 ? parts[0].text : session_.database;
  if (database.empty()) {
    throw Error("090105", "22000",
                "Cannot perform operation. This session does not have a current database. "
                "Call 'USE DATABASE', or use a qualified name.");
  }
  if (!catalog_.HasDatabase(database)) {
    throw DoesNotExist("Database", Name{database, true}.Display(), "");
  }
  if (must_exist && !catalog_.HasSchema(database, schema)) {
    throw DoesNotExist("Schema",
                       Name{database, true}.Display() + "." + Name{schema, true}.Display(), "");
  }
  return {database, schema};
}

// --- FROM ----------------------------------------------------------------------------------

Translator::Scope Translator::TableScope(const CatalogTable& table, const std::string& alias_sql,
                                         const std::optional<Name>& alias) {
  Scope scope;
  scope.qualifiers = {
      {table.name}, {table.schema, table.name}, {table.database, table.schema, table.name}};
  if (alias) scope.qualifiers.push_back({alias->text});
  for (const auto& col : table.columns) {
    Typed v = MakeTyped(alias_sql + "." + Ident(col.pg_name), col.type, col.nullable);
    if (col.type.kind == SfKind::kTimestampTz)
      v.offset = alias_sql + "." + Ident(col.OffsetPgName());
    if (!col.type.IsSemiStructured() || col.type.kind == SfKind::kVariant ||
        col.type.kind == SfKind::kObject || col.type.kind == SfKind::kArray) {
      // Geography columns report no source table (observed on the real service).
      if (col.type.kind != SfKind::kGeography && col.type.kind != SfKind::kGeometry) {
        v.source_database = table.database;
        v.source_schema = table.schema;
        v.source_table = table.name;
      }
    }
    scope.columns.push_back({col.name, std::move(v)});
  }
  return scope;
}

Translator::Scope Translator::InformationSchemaScope(const std::string& database, const Name& view,
                                                     const std::string& alias_sql,
                                                     const std::optional<Name>& alias,
                                                     std::string& from_sql) {
  struct ViewColumn {
    const char* name;
    SfType type;
  };
  SfType text = SfType::Text(), count = SfType::Fixed(9, 0), big = SfType::Fixed(18, 0);
  SfType ltz = SfType::Of(SfKind::kTimestampLtz, 3);
  std::vector<ViewColumn> columns;
  std::string pg_view, catalog_column;
  if (view.text == "COLUMNS") {
    pg_view = "info_columns";
    catalog_column = "TABLE_CATALOG";
    columns = {{"TABLE_CATALOG", text},
               {"TABLE_SCHEMA", text},
               {"TABLE_NAME", text},
               {"COLUMN_NAME", text},
               {"ORDINAL_POSITION", count},
               {"COLUMN_DEFAULT", text},
               {"IS_NULLABLE", text},
               {"DATA_TYPE", text},
               {"CHARACTER_MAXIMUM_LENGTH", count},
               {"CHARACTER_OCTET_LENGTH", count},
               {"NUMERIC_PRECISION", count},
               {"NUMERIC_PRECISION_RADIX", count},
               {"NUMERIC_SCALE", count},
               {"DATETIME_PRECISION", count},
               {"COMMENT", text}};
  } else if (view.text == "TABLES") {
    pg_view = "info_tables";
    catalog_column = "TABLE_CATALOG";
    columns = {{"TABLE_CATALOG", text},   {"TABLE_SCHEMA", text}, {"TABLE_NAME", text},
               {"TABLE_OWNER", text},     {"TABLE_TYPE", text},   {"IS_TRANSIENT", text},
               {"CLUSTERING_KEY", text},  {"ROW_COUNT", big},     {"BYTES", big},
               {"RETENTION_TIME", count}, {"CREATED", ltz},       {"LAST_ALTERED", ltz},
               {"COMMENT", text}};
  } else if (view.text == "SCHEMATA") {
    pg_view = "info_schemata";
    catalog_column = "CATALOG_NAME";
    columns = {{"CATALOG_NAME", text},
               {"SCHEMA_NAME", text},
               {"SCHEMA_OWNER", text},
               {"CREATED", ltz},
               {"COMMENT", text}};
  } else {
    throw DoesNotExist("Object", database + ".INFORMATION_SCHEMA." + view.Display(), session_.role);
  }
  from_sql = "(SELECT * FROM sfemu_catalog." + pg_view + " WHERE " + Ident(catalog_column) + " = " +
             Quote(database) + ") AS " + alias_sql;
  Scope scope;
  scope.qualifiers = {
      {view.text}, {"INFORMATION_SCHEMA", view.text}, {database, "INFORMATION_SCHEMA", view.text}};
  if (alias) scope.qualifiers.push_back({alias->text});
  for (const auto& c : columns) {
    Typed v = MakeTyped(alias_sql + "." + Ident(c.name), c.type, true);
    v.source_database = database;
    v.source_schema = "INFORMATION_SCHEMA";
    v.source_table = view.text;
    scope.columns.push_back({c.name, std::move(v)});
  }
  return scope;
}

Translator::Scope Translator::FromScope(const TableRef& ref, std::string& from_sql) {
  if (ref.subquery) {
    TranslatedQuery inner = TranslateSelect(*ref.subquery);
    std::string alias_sql = NextAlias("sq");
    from_sql = "(" + inner.sql + ") AS " + alias_sql;
    Scope scope;
    if (ref.alias) scope.qualifiers.push_back({ref.alias->text});
    for (size_t i = 0; i < inner.columns.size(); ++i) {
      const ResultColumn& c = inner.columns[i];
      std::string base = alias_sql + ".\"c" + std::to_string(i + 1);
      Typed v = MakeTyped(base + "\"", c.type, c.nullable);
      if (c.type.kind == SfKind::kTimestampTz) v.offset = base + "o\"";
      v.source_database = c.database;
      v.source_schema = c.schema;
      v.source_table = c.table;
      scope.columns.push_back({c.name, std::move(v)});
    }
    return scope;
  }
  std::string alias_sql = NextAlias("t");
  if (ref.generator_rows) {
    Typed rows = Translate(*ref.generator_rows, Scope{});
    if (rows.literal != Lit::kNumber || !IsInteger(rows.literal_text) ||
        rows.literal_text.size() > 12) {
      throw Unsupported("GENERATOR with a ROWCOUNT that is not a constant count");
    }
    from_sql = "generate_series(0::bigint, " + rows.literal_text + "::bigint - 1) AS " + alias_sql +
               "(seq)";
    generator_sequence_ = alias_sql + ".seq";
    Scope scope;
    if (ref.alias) scope.qualifiers.push_back({ref.alias->text});
    return scope;
  }
  if (ref.parts.size() >= 2 && ref.parts[ref.parts.size() - 2].text == "INFORMATION_SCHEMA") {
    std::string database = ref.parts.size() == 3 ? ref.parts[0].text : session_.database;
    if (database.empty()) QualifyTable(ref.parts);
    if (!catalog_.HasDatabase(database)) {
      throw DoesNotExist("Database", Name{database, true}.Display(), "");
    }
    return InformationSchemaScope(database, ref.parts.back(), alias_sql, ref.alias, from_sql);
  }
  CatalogTable table = ResolveTable(ref.parts);
  from_sql = table.PgQualified() + " AS " + alias_sql;
  return TableScope(table, alias_sql, ref.alias);
}

// --- expressions ---------------------------------------------------------------------------

Typed Translator::TranslateScalar(const Expr& expr) { return Translate(expr, Scope{}); }

Typed Translator::Translate(const Expr& e, const Scope& scope) {
  switch (e.kind) {
    case ExprKind::kNumber:
    case ExprKind::kString:
    case ExprKind::kBool:
    case ExprKind::kNull:
      return Literal(e);
    case ExprKind::kColumn:
      return Column(e, scope);
    case ExprKind::kPlaceholder:
      return Placeholder(e);
    case ExprKind::kUnary:
      return Unary(e, scope);
    case ExprKind::kBinary:
      return Binary(e, scope);
    case ExprKind::kIsNull:
      return IsNull(e, scope);
    case ExprKind::kIn:
      return In(e, scope);
    case ExprKind::kBetween:
      return Between(e, scope);
    case ExprKind::kLike:
      return Like(e, scope);
    case ExprKind::kCase:
      return Case(e, scope);
    case ExprKind::kCast:
      return Cast(e, scope);
    case ExprKind::kFunction:
      return Function(e, scope);
    case ExprKind::kStar:
      throw SyntaxError(e.line, e.column, "*");
  }
  throw SyntaxError(e.line, e.column, "?");
}

Typed Translator::Literal(const Expr& e) {
  Typed t;
  t.nullable = false;
  switch (e.kind) {
    case ExprKind::kNumber:
      t.literal = Lit::kNumber;
      t.literal_text = e.text;
      if (e.text.find('e') != std::string::npos) {
        t.type = SfType::Of(SfKind::kReal);
        t.sql = "(" + e.text + ")::float8";
      } else {
        t.type = LiteralNumberType(e.text);
        t.sql = "(" + e.text + ")::numeric";
      }
      return t;
    case ExprKind::kString:
      t.literal = Lit::kString;
      t.literal_text = e.text;
      // VARCHAR length counts characters, not bytes.
      t.type =
          SfType::Text(std::max<int64_t>(1, std::count_if(e.text.begin(), e.text.end(), [](char c) {
                                           return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
                                         })));
      t.sql = TextLiteral(e.text);
      return t;
    case ExprKind::kBool:
      t.literal = Lit::kBool;
      t.literal_text = e.flag ? "true" : "false";
      t.type = SfType::Of(SfKind::kBoolean);
      t.sql = e.flag ? "TRUE" : "FALSE";
      return t;
    default:
      t.literal = Lit::kNull;
      t.type = SfType::Of(SfKind::kNull);
      t.sql = "NULL";
      t.nullable = true;
      return t;
  }
}

Typed Translator::Column(const Expr& e, const Scope& scope) {
  const std::string& name = e.names.back().text;
  std::vector<std::string> qualifier;
  for (size_t i = 0; i + 1 < e.names.size(); ++i) qualifier.push_back(e.names[i].text);
  if (!qualifier.empty() && std::find(scope.qualifiers.begin(), scope.qualifiers.end(),
                                      qualifier) == scope.qualifiers.end()) {
    throw InvalidIdentifier(e.line, e.column, DisplayName(e.names));
  }
  const ScopeColumn* found = nullptr;
  for (const auto& c : scope.columns) {
    if (c.name != name) continue;
    if (found) {
      throw CompilationError("002028", "42601",
                             "ambiguous column name '" + e.names.back().Display() + "'");
    }
    found = &c;
  }
  if (!found) throw InvalidIdentifier(e.line, e.column, DisplayName(e.names));
  return found->value;
}

Typed Translator::Placeholder(const Expr& e) {
  std::string key = e.text.empty() ? std::to_string(e.index) : e.text;
  const nlohmann::json* bindings = session_.bindings;
  if (!bindings || !bindings->is_object() || !bindings->contains(key)) {
    throw Error("002049", "42601",
                "SQL compilation error: error line " + std::to_string(e.line) + " at position " +
                    std::to_string(e.column) + "\nBind variable " +
                    (e.text.empty() ? "?" : ":" + e.text) + " not set.");
  }
  const auto& binding = (*bindings)[key];
  std::string type = Upper(binding.value("type", "TEXT"));
  static const std::map<std::string, SfKind> kTypes = {{"FIXED", SfKind::kFixed},
                                                       {"REAL", SfKind::kReal},
                                                       {"TEXT", SfKind::kText},
                                                       {"BOOLEAN", SfKind::kBoolean},
                                                       {"DATE", SfKind::kDate},
                                                       {"TIME", SfKind::kTime},
                                                       {"TIMESTAMP_NTZ", SfKind::kTimestampNtz},
                                                       {"TIMESTAMP_LTZ", SfKind::kTimestampLtz},
                                                       {"TIMESTAMP_TZ", SfKind::kTimestampTz},
                                                       {"BINARY", SfKind::kBinary}};
  auto it = kTypes.find(type);
  if (it == kTypes.end()) {
    throw CompilationError("002040", "42601", "Unsupported data type '" + type + "'.");
  }
  const auto& value = binding.contains("value") ? binding["value"] : nlohmann::json();
  if (value.is_null()) {
    // Observed: a NULL TEXT binding is unbounded text.
    return NullOf(it->second == SfKind::kText ? SfType::Text(kExpressionTextLength)
                                              : SfType::Of(it->second, 9));
  }
  if (!value.is_string()) {
    throw Error("002086", "22018", "Bind variable " + key + " has a value of the wrong JSON type.");
  }
  std::string text = value.get<std::string>();
  auto bad = [&] {
    return Error(
        "002086", "22018",
        "Unable to bind the value '" + text + "' of bind variable " + key + " as " + type + ".");
  };
  Typed t;
  t.nullable = false;
  switch (it->second) {
    case SfKind::kFixed:
      if (!IsDecimalText(text)) throw bad();
      t = MakeTyped("(" + text + ")::numeric", LiteralNumberType(text), false);
      t.literal = Lit::kNumber;
      t.literal_text = text;
      return t;
    case SfKind::kText: {
      Expr s;
      s.kind = ExprKind::kString;
      s.text = text;
      return Literal(s);
    }
    case SfKind::kTimestampTz: {
      // "<nanoseconds since epoch> <offset + 1440>"
      size_t space = text.find(' ');
      if (space == std::string::npos) throw bad();
      std::string ns = text.substr(0, space);
      int offset = 0;
      try {
        offset = std::stoi(text.substr(space + 1)) - 1440;
      } catch (const std::exception&) {
        throw bad();
      }
      if (!IsInteger(ns.starts_with("-") ? ns.substr(1) : ns) || ns.size() > 20) throw bad();
      auto [micros, nanos] = SplitNanos(ns);
      t = MakeTyped(PlainWithNanos("to_timestamp(" + micros + "::numeric / 1000000)", nanos,
                                   SfType::Of(SfKind::kTimestampTz, 9)),
                    SfType::Of(SfKind::kTimestampTz, 9), false);
      t.offset = "(" + std::to_string(offset) + ")::int";
      return t;
    }
    default:
      break;
  }
  // The remaining types have their own text forms: ms for DATE, ns for TIME and timestamps.
  auto integer = [&] {
    if (!IsInteger(text.starts_with("-") ? text.substr(1) : text) || text.size() > 20) throw bad();
    return text;
  };
  switch (it->second) {
    case SfKind::kReal: {
      PgInput in;
      try {
        in = ToPgInput(SfType::Of(SfKind::kReal), text == "Infinity"    ? "inf"
                                                  : text == "-Infinity" ? "-inf"
                                                                        : text);
      } catch (const Error&) {
        throw bad();
      }
      if (text == "inf" || text == "-inf") throw bad();
      return MakeTyped("(" + Quote(in.value) + ")::float8", SfType::Of(SfKind::kReal), false);
    }
    case SfKind::kBoolean: {
      try {
        // Observed: a bound BOOLEAN is reported nullable (other bound values are not).
        return MakeTyped(
            ToPgInput(SfType::Of(SfKind::kBoolean), text).value == "t" ? "TRUE" : "FALSE",
            SfType::Of(SfKind::kBoolean), true);
      } catch (const Error&) {
        throw bad();
      }
    }
    case SfKind::kBinary: {
      try {
        std::string hex = ToPgInput(SfType::Of(SfKind::kBinary), text).value;
        // Observed: a bound BINARY value reports its own length in bytes.
        SfType sized = SfType::Of(SfKind::kBinary);
        sized.length = static_cast<int64_t>(text.size() / 2);
        return MakeTyped(Quote(hex) + "::bytea", sized, false);
      } catch (const Error&) {
        throw bad();
      }
    }
    case SfKind::kDate:
      return MakeTyped("(DATE '1970-01-01' + floor(" + integer() + "::numeric / 86400000)::int)",
                       SfType::Of(SfKind::kDate), false);
    case SfKind::kTime:
    case SfKind::kTimestampNtz:
    case SfKind::kTimestampLtz: {
      auto [micros, nanos] = SplitNanos(integer());
      SfType ns_type = SfType::Of(it->second, 9);
      std::string seconds = "(" + micros + "::numeric / 1000000)";
      if (it->second == SfKind::kTime) {
        return MakeTyped(PlainWithNanos("(TIME '00:00' + make_interval(secs => " + seconds + "))",
                                        nanos, ns_type),
                         ns_type, false);
      }
      std::string utc = "(TIMESTAMP '1970-01-01' + make_interval(secs => " + seconds + "))";
      if (it->second == SfKind::kTimestampLtz) utc = "(" + utc + " AT TIME ZONE 'UTC')";
      return MakeTyped(PlainWithNanos(utc, nanos, ns_type), ns_type, false);
    }
    default:
      throw bad();
  }
}

Typed Translator::Unary(const Expr& e, const Scope& scope) {
  Typed v = Translate(*e.args[0], scope);
  if (e.text == "NOT") {
    Typed b = Boolean(v, "NOT");
    return BoolResult("(NOT " + b.sql + ")", b.nullable);
  }
  if (v.literal == Lit::kString) v = Coerce(v, SfType::Of(SfKind::kReal));
  if (!v.type.IsNumeric() && !IsNullish(v)) {
    throw CompilationError(
        "001044", "22023",
        "Invalid argument types for function '" + e.text + "': (" + v.type.DeclaredName() + ")");
  }
  if (e.text == "+") return v;
  Typed out = v;
  if (v.literal == Lit::kNumber) {
    out.literal_text =
        v.literal_text.starts_with("-") ? v.literal_text.substr(1) : "-" + v.literal_text;
  }
  out.sql = "(-" + v.sql + ")";
  return out;
}

Typed Translator::Binary(const Expr& e, const Scope& scope) {
  Typed left = Translate(*e.args[0], scope);
  Typed right = Translate(*e.args[1], scope);
  const std::string& op = e.text;
  if (op == "AND" || op == "OR") {
    Typed l = Boolean(left, op.c_str()), r = Boolean(right, op.c_str());
    Typed out = BoolResult("(" + l.sql + " " + op + " " + r.sql + ")", l.nullable || r.nullable);
    out.aggregate = l.aggregate || r.aggregate;
    return out;
  }
  if (op == "||") return Concat(std::move(left), std::move(right));
  if (op == "+" || op == "-" || op == "*" || op == "/" || op == "%") {
    return Arithmetic(op, std::move(left), std::move(right), e);
  }
  return Comparison(op, std::move(left), std::move(right), e);
}

Typed Translator::Comparison(const std::string& op, Typed left, Typed right, const Expr& at) {
  Unify(left, right);
  if (left.type.IsSemiStructured() || right.type.IsSemiStructured()) {
    throw Unsupported("comparisons of semi-structured values");
  }
  if (left.type.kind != right.type.kind && !IsNullish(left) && !IsNullish(right) &&
      !(left.type.IsNumeric() && right.type.IsNumeric()) &&
      !(left.type.IsTimestamp() && right.type.IsTimestamp())) {
    throw CompilationError("001044", "22023",
                           "Invalid argument types for function '" + op + "': (" +
                               left.type.DeclaredName() + ", " + right.type.DeclaredName() + ")");
  }
  (void)at;
  std::string pg_op = op;
  bool nanos = CompareNanos({&left, &right});
  if (op == "IS DISTINCT FROM" || op == "IS NOT DISTINCT FROM") {
    Typed out = BoolResult(
        "(" + Comparand(left, nanos) + " " + op + " " + Comparand(right, nanos) + ")", false);
    out.aggregate = left.aggregate || right.aggregate;
    return out;
  }
  Typed out =
      BoolResult("(" + Comparand(left, nanos) + " " + pg_op + " " + Comparand(right, nanos) + ")",
                 left.nullable || right.nullable);
  out.aggregate = left.aggregate || right.aggregate;
  out.window = left.window || right.window;
  return out;
}

Typed Translator::Arithmetic(const std::string& op, Typed left, Typed right, const Expr& at) {
  auto numeric = [&](Typed& v) {
    if (v.literal == Lit::kString) v = Coerce(v, SfType::Fixed(38, 12));
    if (IsNullish(v)) v = NullOf(SfType::Fixed(38, 0));
  };
  bool dates = left.type.kind == SfKind::kDate && right.type.kind == SfKind::kDate;
  if (dates && op == "-") {
    return MakeTyped("(" + left.sql + " - " + right.sql + ")::numeric", SfType::Fixed(9, 0),
                     left.nullable || right.nullable);
  }
  numeric(left);
  numeric(right);
  if (!left.type.IsNumeric() || !right.type.IsNumeric()) {
    throw CompilationError("001044", "22023",
                           "Invalid argument types for function '" + op + "': (" +
                               left.type.DeclaredName() + ", " + right.type.DeclaredName() + ")");
  }
  (void)at;
  Typed out;
  out.nullable = left.nullable || right.nullable || op == "/" || op == "%";
  out.aggregate = left.aggregate || right.aggregate;
  out.window = left.window || right.window;
  if (left.type.kind == SfKind::kReal || right.type.kind == SfKind::kReal) {
    out.type = SfType::Of(SfKind::kReal);
    std::string l = "(" + left.sql + ")::float8", r = "(" + right.sql + ")::float8";
    out.sql = op == "%" ? "(CASE WHEN " + r + " = 0 THEN NULL ELSE " + l + " - trunc(" + l + " / " +
                              r + ") * " + r + " END)"
                        : "(" + l + " " + op + " " + r + ")";
    return out;
  }
  out.type = FixedArithmetic(op, left.type, right.type);
  std::string s = std::to_string(out.type.scale);
  if (op == "+" || op == "-") {
    out.sql = "(" + left.sql + " " + op + " " + right.sql + ")";
  } else if (op == "*") {
    out.sql = "round(" + left.sql + " * " + right.sql + ", " + s + ")";
  } else if (op == "/") {
    // PostgreSQL's numeric division keeps only about 16 significant digits when the operands
    // have no fraction digits, so the quotient is truncated exactly one digit beyond the result
    // scale first (div); rounding that digit half away from zero is rounding the exact
    // quotient.
    int scale = out.type.scale;
    std::string up = "1" + std::string(static_cast<size_t>(scale) + 1, '0');
    std::string down = "0." + std::string(static_cast<size_t>(scale), '0') + "1";
    out.sql = "round(div((" + left.sql + ")::numeric * " + up + ", " + right.sql + ") * " + down +
              ", " + s + ")";
  } else {
    out.sql = "mod((" + left.sql + ")::numeric, " + right.sql + ")";
  }
  return out;
}

Typed Translator::Concat(Typed left, Typed right) {
  Typed l = ToText(left), r = ToText(right);
  Typed out = MakeTyped("(" + l.sql + " || " + r.sql + ")",
                        SfType::Text(std::min(kMaxTextLength, l.type.length + r.type.length)),
                        l.nullable || r.nullable);
  out.aggregate = l.aggregate || r.aggregate;
  return out;
}

Typed Translator::IsNull(const Expr& e, const Scope& scope) {
  Typed v = Translate(*e.args[0], scope);
  Typed out = BoolResult("(" + v.sql + (e.flag ? " IS NOT NULL)" : " IS NULL)"), false);
  out.aggregate = v.aggregate;
  return out;
}

Typed Translator::In(const Expr& e, const Scope& scope) {
  Typed left = Translate(*e.args[0], scope);
  std::vector<Typed> items;
  bool nullable = left.nullable;
  for (size_t i = 1; i < e.args.size(); ++i) {
    Typed item = Translate(*e.args[i], scope);
    Typed l = left;
    Unify(l, item);
    if (i == 1) left = l;
    if (item.type.IsSemiStructured()) throw Unsupported("IN lists of semi-structured values");
    nullable = nullable || item.nullable;
    items.push_back(std::move(item));
  }
  std::vector<const Typed*> operands = {&left};
  for (const auto& item : items) operands.push_back(&item);
  bool nanos = CompareNanos(operands);
  std::string list;
  for (const auto& item : items) list += (list.empty() ? "" : ", ") + Comparand(item, nanos);
  return BoolResult("(" + Comparand(left, nanos) + (e.flag ? " NOT IN (" : " IN (") + list + "))",
                    nullable);
}

Typed Translator::Between(const Expr& e, const Scope& scope) {
  Typed v = Translate(*e.args[0], scope);
  Typed lo = Translate(*e.args[1], scope), hi = Translate(*e.args[2], scope);
  Typed v2 = v;
  Unify(v, lo);
  Unify(v2, hi);
  bool nanos = CompareNanos({&v, &lo, &hi});
  return BoolResult("(" + Comparand(v, nanos) + (e.flag ? " NOT BETWEEN " : " BETWEEN ") +
                        Comparand(lo, nanos) + " AND " + Comparand(hi, nanos) + ")",
                    v.nullable || lo.nullable || hi.nullable);
}

Typed Translator::Like(const Expr& e, const Scope& scope) {
  Typed v = ToText(Translate(*e.args[0], scope));
  Typed pattern = ToText(Translate(*e.args[1], scope));
  // Snowflake's LIKE has no escape character unless ESCAPE names one.
  std::string escape = "''";
  if (e.args.size() > 2) escape = ToText(Translate(*e.args[2], scope)).sql;
  std::string op = e.text == "ILIKE" ? "ILIKE" : "LIKE";
  return BoolResult(
      "(" + v.sql + (e.flag ? " NOT " : " ") + op + " " + pattern.sql + " ESCAPE " + escape + ")",
      v.nullable || pattern.nullable);
}

Typed Translator::Case(const Expr& e, const Scope& scope) {
  size_t i = 0;
  std::optional<Typed> operand;
  if (e.case_has_operand) operand = Translate(*e.args[i++], scope);
  size_t pairs_end = e.case_has_else ? e.args.size() - 1 : e.args.size();
  std::vector<std::string> conditions;
  std::vector<Typed> results;
  for (; i < pairs_end; i += 2) {
    Typed when = Translate(*e.args[i], scope);
    if (operand) {
      Typed op = *operand;
      Unify(op, when);
      bool nanos = CompareNanos({&op, &when});
      conditions.push_back("(" + Comparand(op, nanos) + " = " + Comparand(when, nanos) + ")");
    } else {
      conditions.push_back(Boolean(when, "CASE").sql);
    }
    results.push_back(Translate(*e.args[i + 1], scope));
  }
  if (e.case_has_else) results.push_back(Translate(*e.args.back(), scope));
  SfType type = results[0].type;
  Typed acc = results[0];
  for (size_t k = 1; k < results.size(); ++k) {
    type = CommonType(acc, results[k]);
    acc = NullOf(type);
  }
  std::string sql = "(CASE";
  bool nullable = !e.case_has_else;
  std::string offset = "(CASE";
  for (size_t k = 0; k < results.size(); ++k) {
    Typed r = Coerce(results[k], type);
    r.sql = BranchSql(r);
    nullable = nullable || r.nullable;
    bool is_else = e.case_has_else && k == results.size() - 1;
    sql += is_else ? " ELSE " + r.sql : " WHEN " + conditions[k] + " THEN " + r.sql;
    offset += is_else ? " ELSE " + r.offset : " WHEN " + conditions[k] + " THEN " + r.offset;
  }
  Typed out = MakeTyped(sql + " END)", type, nullable);
  if (type.kind == SfKind::kTimestampTz) out.offset = offset + " END)";
  return out;
}

Typed Translator::Cast(const Expr& e, const Scope& scope) {
  Typed v = Translate(*e.args[0], scope);
  if (e.flag) throw Unsupported("TRY_CAST");
  return Coerce(v, e.cast_type);
}

Typed Translator::Function(const Expr& e, const Scope& scope) {
  const FunctionHandler* handler = FindFunction(e.text);
  if (!handler) throw Unsupported("function " + e.text);
  static const std::set<std::string> kDatePartFirst = {
      "DATE_TRUNC", "DATE_PART", "DATEADD", "DATEDIFF", "TIMESTAMPADD", "TIMESTAMPDIFF"};
  FunctionCall call{e, {}, *this};
  for (size_t i = 0; i < e.args.size(); ++i) {
    const Expr& a = *e.args[i];
    if (i == 0 && kDatePartFirst.count(e.text) && a.kind == ExprKind::kColumn &&
        a.names.size() == 1 && !a.names[0].quoted) {
      Expr part;
      part.kind = ExprKind::kString;
      part.text = a.names[0].text;
      call.args.push_back(Literal(part));
      continue;
    }
    if (a.kind == ExprKind::kStar) {
      Typed star;
      star.sql = "*";
      star.nullable = false;
      call.args.push_back(star);
      continue;
    }
    call.args.push_back(Translate(a, scope));
  }
  Typed out = (*handler)(call);
  if (e.over) {
    std::string over = " OVER (";
    if (!e.over->partition_by.empty()) {
      over += "PARTITION BY ";
      for (size_t i = 0; i < e.over->partition_by.size(); ++i) {
        Typed p = Translate(*e.over->partition_by[i], scope);
        over += (i ? ", " : "") + p.sql;
        if (p.type.kind == SfKind::kTimestampTz) over += ", " + p.offset;
      }
    }
    if (!e.over->order_by.empty()) {
      over += e.over->partition_by.empty() ? "ORDER BY " : " ORDER BY ";
      for (size_t i = 0; i < e.over->order_by.size(); ++i) {
        const OrderItem& item = e.over->order_by[i];
        over += (i ? ", " : "") + OrderKey(Translate(*item.expr, scope), *item.expr);
        if (item.descending) over += " DESC";
        if (item.nulls_first) over += *item.nulls_first ? " NULLS FIRST" : " NULLS LAST";
      }
    }
    out.sql += over + ")";
    if (out.type.kind == SfKind::kTimestampTz && !out.offset.empty()) out.offset += over + ")";
    out.aggregate = false;
    out.window = true;
  }
  return out;
}

// --- conversions ---------------------------------------------------------------------------

Typed Translator::NullOf(const SfType& type) {
  SfType t = type.kind == SfKind::kNull ? SfType::Text() : type;
  Typed out = MakeTyped("NULL::" + t.PgType(), type, true);
  if (t.kind == SfKind::kTimestampTz) out.offset = "NULL::int";
  out.literal = Lit::kNull;
  return out;
}

Typed Translator::FromStringLiteral(const std::string& text, const SfType& target) {
  Typed out;
  out.type = target;
  out.nullable = false;
  if (target.kind == SfKind::kText) {
    ToPgInput(target, text);
    out.sql = TextLiteral(text);
    out.literal = Lit::kString;
    out.literal_text = text;
    return out;
  }
  if (target.kind == SfKind::kVariant) {
    out.sql = Quote(CanonicalJsonString(text));
    return out;
  }
  if (target.kind == SfKind::kObject || target.kind == SfKind::kArray) {
    throw Unsupported("conversion of VARCHAR to " + target.DeclaredName());
  }
  PgInput in = ToPgInput(target, text);
  if (target.kind == SfKind::kTimestampTz) {
    out.sql = "(" + Quote(in.value) + ")::" + target.PgType();
    out.offset =
        in.offset_from_session ? SessionOffset(MicrosSql(out.sql)) : "(" + in.offset + ")::int";
    return out;
  }
  out.sql = "(" + Quote(in.value) + ")::" + target.PgType();
  return out;
}

Typed Translator::Coerce(const Typed& v, const SfType& target) {
  if (target.kind == SfKind::kNull) return v;
  if (IsNullish(v)) return NullOf(target);
  if (v.literal == Lit::kJson && v.type.kind == SfKind::kArray && target.kind == SfKind::kVector) {
    // A constant ARRAY ([...] or ARRAY_CONSTRUCT) is checked here, element by element.
    return MakeTyped(Quote(ToPgInput(target, v.literal_text).value) + "::" + target.PgType(),
                     target, false);
  }
  if (v.literal == Lit::kJson && target.IsSemiStructured()) {
    bool geo_from = v.type.kind == SfKind::kGeography || v.type.kind == SfKind::kGeometry;
    bool geo_to = target.kind == SfKind::kGeography || target.kind == SfKind::kGeometry;
    if ((target.kind == SfKind::kObject && v.literal_text[0] != '{') ||
        (target.kind == SfKind::kArray && v.literal_text[0] != '[') ||
        (geo_to && v.type.kind != target.kind) ||
        (geo_from && !geo_to && target.kind != SfKind::kVariant)) {
      throw Error(
          "100071", "22000",
          "Failed to cast variant value " + v.literal_text + " to " + target.DeclaredName());
    }
    Typed out = v;
    out.type = target;
    return out;
  }
  if (v.literal == Lit::kString && v.type.kind == SfKind::kText) {
    Typed out = FromStringLiteral(v.literal_text, target);
    return out;
  }
  if (v.literal == Lit::kNumber && target.kind == SfKind::kVariant) {
    return MakeTyped(Quote(CanonicalJson(v.literal_text, SfKind::kVariant)), target, false);
  }
  if (v.literal == Lit::kNumber && target.kind == SfKind::kText) {
    Typed out = MakeTyped(Quote(v.literal_text), target, false);
    out.literal = Lit::kString;
    out.literal_text = v.literal_text;
    return out;
  }
  Typed out = Convert(v, target);
  out.aggregate = v.aggregate;
  out.window = v.window;
  if (out.type.kind == v.type.kind && out.sql == v.sql) {
    out.source_database = v.source_database;
    out.source_schema = v.source_schema;
    out.source_table = v.source_table;
  } else {
    out.source_database.clear();
    out.source_schema.clear();
    out.source_table.clear();
  }
  return out;
}

Typed Translator::Convert(const Typed& v, const SfType& t) {
  const SfKind from = v.type.kind;
  // To another type, digits 7-9 must be zero (DATE drops the time of day in any case); the same
  // type keeps its value.
  const std::string x = !HasNanos(v.type) || t.kind == from ? v.sql
                        : t.kind == SfKind::kDate           ? MicrosSql(v.sql)
                                                            : ExactSql(v.sql);
  auto result = [&](std::string sql) {
    Typed out = MakeTyped(std::move(sql), t, v.nullable);
    return out;
  };
  auto unsupported = [&]() -> Typed {
    throw Unsupported("conversion from " + v.type.DeclaredName() + " to " + t.DeclaredName());
  };
  switch (t.kind) {
    case SfKind::kFixed:
      if (from == SfKind::kFixed) {
        if (v.type.precision == t.precision && v.type.scale == t.scale) {
          Typed same = v;
          return same;
        }
        return result("(" + x + ")::numeric(" + std::to_string(t.precision) + "," +
                      std::to_string(t.scale) + ")");
      }
      if (from == SfKind::kReal || from == SfKind::kText) {
        return result("(" + x + ")::numeric(" + std::to_string(t.precision) + "," +
                      std::to_string(t.scale) + ")");
      }
      if (from == SfKind::kBoolean)
        return result("(CASE WHEN " + x + " THEN 1 ELSE 0 END)::numeric");
      return unsupported();
    case SfKind::kReal:
      if (from == SfKind::kFixed || from == SfKind::kReal || from == SfKind::kText) {
        return result("(" + x + ")::float8");
      }
      if (from == SfKind::kBoolean)
        return result("(CASE WHEN " + x + " THEN 1 ELSE 0 END)::float8");
      return unsupported();
    case SfKind::kText: {
      Typed text = ToText(v);
      if (t.length < text.type.length) {
        text.sql = "(CASE WHEN char_length(" + text.sql + ") > " + std::to_string(t.length) +
                   " THEN sfemu_catalog.raise_text('22001', 'String is too long and would be "
                   "truncated') ELSE " +
                   text.sql + " END)";
      }
      text.type = t;
      return text;
    }
    case SfKind::kBinary:
      if (from == SfKind::kBinary) return result(x);
      if (from == SfKind::kText) return result("decode(" + x + ", 'hex')");
      return unsupported();
    case SfKind::kBoolean:
      if (from == SfKind::kBoolean) return result(x);
      if (from == SfKind::kFixed || from == SfKind::kReal) return result("((" + x + ") <> 0)");
      if (from == SfKind::kText) return result("(" + x + ")::boolean");
      return unsupported();
    case SfKind::kDate:
      if (from == SfKind::kDate || from == SfKind::kTimestampNtz || from == SfKind::kTimestampLtz) {
        return result("(" + x + ")::date");
      }
      if (from == SfKind::kTimestampTz) return result(LocalWallClock(v) + "::date");
      if (from == SfKind::kText) return result("(" + x + ")::date");
      return unsupported();
    case SfKind::kTime:
      if (from == SfKind::kTime) return result(x);
      if (from == SfKind::kTimestampNtz || from == SfKind::kTimestampLtz) {
        return result("(" + x + ")::time");
      }
      if (from == SfKind::kTimestampTz) return result(LocalWallClock(v) + "::time");
      return unsupported();
    case SfKind::kTimestampNtz:
      if (from == SfKind::kTimestampNtz) return result(x);
      if (from == SfKind::kDate || from == SfKind::kTimestampLtz)
        return result("(" + x + ")::timestamp");
      if (from == SfKind::kTimestampTz) return result(LocalWallClock(v));
      return unsupported();
    case SfKind::kTimestampLtz:
      if (from == SfKind::kTimestampLtz || from == SfKind::kTimestampTz) return result(v.sql);
      if (from == SfKind::kDate || from == SfKind::kTimestampNtz)
        return result("(" + x + ")::timestamptz");
      return unsupported();
    case SfKind::kTimestampTz: {
      if (from == SfKind::kTimestampTz) {
        Typed same = v;
        same.type = t;
        return same;
      }
      if (from != SfKind::kDate && from != SfKind::kTimestampNtz && from != SfKind::kTimestampLtz) {
        return unsupported();
      }
      Typed out = result(from == SfKind::kTimestampLtz ? v.sql : "(" + x + ")::timestamptz");
      out.offset = SessionOffset(MicrosSql(out.sql));
      return out;
    }
    case SfKind::kVariant:
      if (v.type.IsSemiStructured()) return result(x);
      if (from == SfKind::kText) return result("(to_jsonb(" + x + "))::text");
      if (from == SfKind::kBoolean)
        return result("(CASE WHEN " + x + " THEN 'true' WHEN NOT " + x + " THEN 'false' END)");
      return unsupported();
    case SfKind::kObject:
    case SfKind::kArray:
      if (from == t.kind) return result(x);
      return unsupported();
    case SfKind::kGeography:
    case SfKind::kGeometry:
      if (from == t.kind) return result(x);
      return unsupported();
    case SfKind::kVector:
      if (v.type == t) return result(x);
      if (from == SfKind::kVector) {
        throw Error("100071", "22000",
                    "Cannot cast " + v.type.DeclaredName() + " to " + t.DeclaredName());
      }
      return unsupported();
    case SfKind::kNull:
      return v;
  }
  return unsupported();
}

Typed Translator::ToText(const Typed& v) {
  if (v.type.kind == SfKind::kText) return v;
  if (IsNullish(v)) return NullOf(SfType::Text());
  if (v.literal == Lit::kNumber || v.literal == Lit::kBool) {
    Expr s;
    s.kind = ExprKind::kString;
    s.text = v.literal == Lit::kBool ? v.literal_text : v.literal_text;
    return Literal(s);
  }
  Typed out = MakeTyped(ToVarcharSql(v), SfType::Text(), v.nullable);
  out.aggregate = v.aggregate;
  out.window = v.window;
  return out;
}

Typed Translator::Boolean(const Typed& v, const char* where) {
  if (v.type.kind == SfKind::kBoolean) return v;
  if (IsNullish(v)) return NullOf(SfType::Of(SfKind::kBoolean));
  if (v.literal == Lit::kString) return Coerce(v, SfType::Of(SfKind::kBoolean));
  if (v.type.IsNumeric()) return Coerce(v, SfType::Of(SfKind::kBoolean));
  throw CompilationError("001044", "22023",
                         std::string("Invalid argument types for function '") + where + "': (" +
                             v.type.DeclaredName() + ")");
}

SfType Translator::CommonType(const Typed& a, const Typed& b) {
  const SfType& x = a.type;
  const SfType& y = b.type;
  if (IsNullish(a)) return y;
  if (IsNullish(b)) return x;
  if (a.literal == Lit::kString && y.kind != SfKind::kText) return y;
  if (b.literal == Lit::kString && x.kind != SfKind::kText) return x;
  if (x.kind == SfKind::kFixed && y.kind == SfKind::kFixed) {
    int s = std::max(x.scale, y.scale);
    int l = std::max(x.precision - x.scale, y.precision - y.scale);
    return SfType::Fixed(std::min(38, l + s), s);
  }
  if (x.IsNumeric() && y.IsNumeric()) return SfType::Of(SfKind::kReal);
  if (x.kind == SfKind::kText && y.kind == SfKind::kText) {
    return SfType::Text(std::max(x.length, y.length));
  }
  if (x.kind == y.kind) {
    SfType t = x;
    t.scale = std::max(x.scale, y.scale);
    t.length = std::max(x.length, y.length);
    return t;
  }
  if (x.kind == SfKind::kDate && y.IsTimestamp()) return y;
  if (y.kind == SfKind::kDate && x.IsTimestamp()) return x;
  if (x.IsTimestamp() && y.IsTimestamp()) {
    SfType t = x.kind == SfKind::kTimestampNtz ? y : x;
    t.scale = std::max(x.scale, y.scale);
    return t;
  }
  if (x.kind == SfKind::kText) return y;
  if (y.kind == SfKind::kText) return x;
  if (x.IsSemiStructured() && y.IsSemiStructured()) return SfType::Of(SfKind::kVariant);
  throw CompilationError(
      "001044", "22023",
      "Invalid argument types: (" + x.DeclaredName() + ", " + y.DeclaredName() + ")");
}

void Translator::Unify(Typed& a, Typed& b) {
  if (IsNullish(a) && IsNullish(b)) return;
  if (IsNullish(a)) {
    a = NullOf(b.type);
    return;
  }
  if (IsNullish(b)) {
    b = NullOf(a.type);
    return;
  }
  if (a.literal == Lit::kString && b.type.kind != SfKind::kText) {
    a = Coerce(a, b.type);
    return;
  }
  if (b.literal == Lit::kString && a.type.kind != SfKind::kText) {
    b = Coerce(b, a.type);
    return;
  }
  if (a.type.kind == b.type.kind) return;
  // Converts `from` to `to`'s type when Snowflake would widen it that way.
  auto widen = [&](Typed& from, const Typed& to) {
    bool numeric = from.type.IsNumeric() && to.type.IsNumeric() && to.type.kind == SfKind::kReal;
    bool text = from.type.kind == SfKind::kText && to.type.IsNumeric();
    bool date = from.type.kind == SfKind::kDate && to.type.IsTimestamp();
    if (numeric || text || date) from = Coerce(from, to.type);
    return numeric || text || date;
  };
  if (!widen(a, b)) widen(b, a);
}

std::string Translator::OrderKey(const Typed& v, const Expr& at) {
  if (v.type.IsSemiStructured()) {
    (void)at;
    throw Unsupported("ordering by semi-structured values");
  }
  if (v.type.kind == SfKind::kText) return "(" + v.sql + ") COLLATE \"C\"";
  return v.sql;
}

std::string Translator::DeriveName(const Expr& e) const {
  if (e.kind == ExprKind::kColumn) return e.names.back().text;
  std::string_view text = sql_.substr(e.begin, e.end - e.begin);
  std::string out;
  char quote = 0;
  for (char c : text) {
    if (quote) {
      out += quote == '"' ? c : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'') quote = c;
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

// --- SELECT --------------------------------------------------------------------------------

TranslatedQuery Translator::TranslateSelect(const Select& s, const std::vector<SfType>* coerce_to) {
  Scope scope;
  std::string from_sql;
  // SEQ4() counts the rows of this query's own generator only.
  struct Restore {
    std::string& target;
    std::string saved;
    ~Restore() { target = saved; }
  } restore{generator_sequence_, generator_sequence_};
  generator_sequence_.clear();
  if (s.from) scope = FromScope(*s.from, from_sql);
  std::vector<Output> outputs;
  for (const auto& item : s.items) {
    if (!item.expr) {
      std::vector<std::string> qualifier;
      for (const auto& n : item.star_qualifier) qualifier.push_back(n.text);
      if (!s.from) throw CompilationError("000002", "0A000", "SELECT * with no FROM clause");
      if (!qualifier.empty() && std::find(scope.qualifiers.begin(), scope.qualifiers.end(),
                                          qualifier) == scope.qualifiers.end()) {
        throw InvalidIdentifier(item.star_qualifier[0].line, item.star_qualifier[0].column,
                                DisplayName(item.star_qualifier));
      }
      for (const auto& c : scope.columns) outputs.push_back({c.name, c.value, false});
      continue;
    }
    Typed v = Translate(*item.expr, scope);
    if (item.expr->kind != ExprKind::kColumn) {
      v.source_database.clear();
      v.source_schema.clear();
      v.source_table.clear();
    }
    outputs.push_back({item.alias ? item.alias->text : DeriveName(*item.expr), std::move(v),
                       item.alias.has_value()});
  }
  if (coerce_to) {
    if (coerce_to->size() != outputs.size()) {
      throw Error("002020", "21S01",
                  "SQL compilation error:\nInsert value list does not match column list "
                  "expecting " +
                      std::to_string(coerce_to->size()) + " but got " +
                      std::to_string(outputs.size()));
    }
    for (size_t i = 0; i < outputs.size(); ++i)
      outputs[i].value = Coerce(outputs[i].value, (*coerce_to)[i]);
  }
  auto find_output = [&](const Expr& e) -> const Output* {
    if (e.kind == ExprKind::kNumber && IsInteger(e.text)) {
      size_t k = std::stoul(e.text);
      if (k < 1 || k > outputs.size()) {
        throw CompilationError("002029", "42601",
                               "Position " + e.text + " is not in the select list.");
      }
      return &outputs[k - 1];
    }
    return nullptr;
  };
  auto alias_output = [&](const Expr& e) -> const Output* {
    if (e.kind != ExprKind::kColumn || e.names.size() != 1) return nullptr;
    for (const auto& o : outputs) {
      if (o.from_alias && o.name == e.names[0].text) return &o;
    }
    return nullptr;
  };
  auto in_scope = [&](const Expr& e) {
    if (e.kind != ExprKind::kColumn || e.names.size() != 1) return false;
    for (const auto& c : scope.columns) {
      if (c.name == e.names[0].text) return true;
    }
    return false;
  };

  // QUALIFY filters after the window functions: the query runs as a subquery that also yields
  // the condition and the ORDER BY keys, and the outer query filters, orders and limits.
  Typed qualify;
  if (s.qualify) {
    if (s.distinct) throw Unsupported("QUALIFY with SELECT DISTINCT");
    // QUALIFY may name the select list's aliases (a column of the same name wins).
    Scope qualify_scope = scope;
    for (const auto& o : outputs) {
      bool taken = std::any_of(scope.columns.begin(), scope.columns.end(),
                               [&](const ScopeColumn& c) { return c.name == o.name; });
      if (o.from_alias && !taken) qualify_scope.columns.push_back({o.name, o.value});
    }
    qualify = Boolean(Translate(*s.qualify, qualify_scope), "QUALIFY");
  }
  std::string outer_list;
  std::string sql = s.distinct ? "SELECT DISTINCT " : "SELECT ";
  TranslatedQuery q;
  int pg_index = 0;
  for (size_t i = 0; i < outputs.size(); ++i) {
    const Typed& v = outputs[i].value;
    std::string alias = "c" + std::to_string(i + 1);
    std::string expr = v.type.kind == SfKind::kText ? "(" + v.sql + ") COLLATE \"C\"" : v.sql;
    if (v.type.kind == SfKind::kNull) expr = "NULL::text";
    sql += (i ? ", " : "") + expr + " AS " + Ident(alias);
    outer_list += (i ? ", " : "") + Ident(alias);
    q.value_index.push_back(pg_index++);
    if (v.type.kind == SfKind::kTimestampTz) {
      outer_list += ", " + Ident(alias + "o");
      sql += ", " + v.offset + " AS " + Ident(alias + "o");
      q.offset_index.push_back(pg_index++);
    } else {
      q.offset_index.push_back(-1);
    }
    ResultColumn col;
    col.name = outputs[i].name;
    col.type = v.type.kind == SfKind::kNull ? SfType::Text() : v.type;
    col.nullable = v.nullable;
    col.database = v.source_database;
    col.schema = v.source_schema;
    col.table = v.source_table;
    q.columns.push_back(std::move(col));
  }
  std::string body;  // FROM ... HAVING
  if (s.from) body += " FROM " + from_sql;
  if (s.where) body += " WHERE " + Boolean(Translate(*s.where, scope), "WHERE").sql;
  if (!s.group_by.empty()) {
    body += " GROUP BY ";
    for (size_t i = 0; i < s.group_by.size(); ++i) {
      const Expr& g = *s.group_by[i];
      const Output* out = find_output(g);
      if (!out && !in_scope(g)) out = alias_output(g);
      Typed v = out ? out->value : Translate(g, scope);
      if (v.type.IsSemiStructured()) throw Unsupported("grouping by semi-structured values");
      body += (i ? ", " : "") + v.sql;
      if (v.type.kind == SfKind::kTimestampTz) body += ", " + v.offset;
    }
  }
  if (s.having) body += " HAVING " + Boolean(Translate(*s.having, scope), "HAVING").sql;
  std::string order_sql;
  if (!s.order_by.empty()) {
    order_sql = " ORDER BY ";
    for (size_t i = 0; i < s.order_by.size(); ++i) {
      const OrderItem& item = s.order_by[i];
      const Output* out = find_output(*item.expr);
      if (!out) out = alias_output(*item.expr);
      Typed v = out ? out->value : Translate(*item.expr, scope);
      std::string key = OrderKey(v, *item.expr);
      if (s.qualify) {
        // The key is computed inside and ordered on outside.
        std::string name = "k" + std::to_string(i + 1);
        sql += ", " + key + " AS " + Ident(name);
        key = Ident(name);
      }
      order_sql += (i ? ", " : "") + key;
      if (item.descending) order_sql += " DESC";
      if (item.nulls_first) order_sql += *item.nulls_first ? " NULLS FIRST" : " NULLS LAST";
    }
  }
  if (s.qualify) {
    sql += ", (" + qualify.sql + ") AS " + Ident("q") + body;
    sql = "SELECT " + outer_list + " FROM (" + sql + ") AS sfemu_qualify WHERE " + Ident("q");
  } else {
    sql += body;
  }
  sql += order_sql;
  auto count = [&](const Expr& e, const char* what) {
    Typed v = Translate(e, scope);
    if (v.literal == Lit::kNull) return std::string("ALL");
    if ((v.literal != Lit::kNumber || !IsInteger(v.literal_text))) {
      throw CompilationError("002028", "42601", std::string("Invalid ") + what + " value.");
    }
    return v.literal_text;
  };
  if (s.limit) sql += " LIMIT " + count(*s.limit, "LIMIT");
  if (s.offset) sql += " OFFSET " + count(*s.offset, "OFFSET");
  q.sql = std::move(sql);
  q.deterministic = deterministic_;
  return q;
}

// --- DML -----------------------------------------------------------------------------------

namespace {

bool HasConstructor(const Expr& e) {
  if (e.kind == ExprKind::kFunction && IsSemiStructuredConstructor(e.text)) return true;
  for (const auto& a : e.args) {
    if (HasConstructor(*a)) return true;
  }
  return false;
}

}  // namespace

TranslatedDml Translator::TranslateInsert(const Statement& st) {
  TranslatedDml out;
  out.table = ResolveTable(st.target);
  const CatalogTable& table = out.table;
  std::vector<const CatalogColumn*> targets;
  if (st.insert_columns.empty()) {
    for (const auto& c : table.columns) targets.push_back(&c);
  } else {
    for (const auto& n : st.insert_columns) {
      auto it = std::find_if(table.columns.begin(), table.columns.end(),
                             [&](const CatalogColumn& c) { return c.name == n.text; });
      if (it == table.columns.end()) throw InvalidIdentifier(n.line, n.column, n.Display());
      if (std::find(targets.begin(), targets.end(), &*it) != targets.end()) {
        throw CompilationError("002026", "42601", "duplicate column name '" + n.Display() + "'");
      }
      targets.push_back(&*it);
    }
  }
  std::string columns;
  for (const auto* c : targets) {
    columns += (columns.empty() ? "" : ", ") + Ident(c->pg_name);
    if (c->type.kind == SfKind::kTimestampTz) columns += ", " + Ident(c->OffsetPgName());
  }
  std::string sql = "INSERT INTO " + table.PgQualified() + " (" + columns + ") ";
  if (!st.values.empty()) {
    sql += "VALUES ";
    for (size_t r = 0; r < st.values.size(); ++r) {
      const auto& row = st.values[r];
      if (row.size() != targets.size()) {
        throw Error("002020", "21S01",
                    "SQL compilation error:\nInsert value list does not match column list "
                    "expecting " +
                        std::to_string(targets.size()) + " but got " + std::to_string(row.size()));
      }
      sql += r ? ", (" : "(";
      for (size_t i = 0; i < row.size(); ++i) {
        const Expr& e = *row[i];
        if (HasConstructor(e)) {
          throw CompilationError("002014", "22000",
                                 "Invalid expression [" +
                                     std::string(sql_.substr(e.begin, e.end - e.begin)) +
                                     "] in VALUES clause");
        }
        Typed v = Coerce(TranslateScalar(e), targets[i]->type);
        sql += (i ? ", " : "") + v.sql;
        if (targets[i]->type.kind == SfKind::kTimestampTz) sql += ", " + v.offset;
      }
      sql += ")";
    }
    out.sql = std::move(sql);
    return out;
  }
  std::vector<SfType> types;
  for (const auto* c : targets) types.push_back(c->type);
  TranslatedQuery q = TranslateSelect(*st.select, &types);
  sql += "SELECT ";
  for (size_t i = 0; i < q.columns.size(); ++i) {
    sql += (i ? ", " : "") + std::string("ins.") + Ident("c" + std::to_string(i + 1));
    if (types[i].kind == SfKind::kTimestampTz)
      sql += ", ins." + Ident("c" + std::to_string(i + 1) + "o");
  }
  out.sql = sql + " FROM (" + q.sql + ") AS ins";
  return out;
}

TranslatedDml Translator::TranslateUpdate(const Statement& st) {
  TranslatedDml out;
  out.table = ResolveTable(st.target);
  Scope scope = TableScope(out.table, "t0", std::nullopt);
  std::string sets;
  for (const auto& assignment : st.assignments) {
    const Name& name = assignment.first;  // not a structured binding: the lambda captures it
    const auto& expr = assignment.second;
    auto it = std::find_if(out.table.columns.begin(), out.table.columns.end(),
                           [&text = name.text](const CatalogColumn& c) { return c.name == text; });
    if (it == out.table.columns.end())
      throw InvalidIdentifier(name.line, name.column, name.Display());
    Typed v = Coerce(Translate(*expr, scope), it->type);
    sets += (sets.empty() ? "" : ", ") + Ident(it->pg_name) + " = " + v.sql;
    if (it->type.kind == SfKind::kTimestampTz)
      sets += ", " + Ident(it->OffsetPgName()) + " = " + v.offset;
  }
  out.sql = "UPDATE " + out.table.PgQualified() + " AS t0 SET " + sets;
  if (st.where) out.sql += " WHERE " + Boolean(Translate(*st.where, scope), "WHERE").sql;
  return out;
}

TranslatedDml Translator::TranslateDelete(const Statement& st) {
  TranslatedDml out;
  out.table = ResolveTable(st.target);
  Scope scope = TableScope(out.table, "t0", std::nullopt);
  out.sql = "DELETE FROM " + out.table.PgQualified() + " AS t0";
  if (st.where) out.sql += " WHERE " + Boolean(Translate(*st.where, scope), "WHERE").sql;
  return out;
}

}  // namespace sf2pg::sfemu
