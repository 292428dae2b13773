#include "parser.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "error.h"
#include "lexer.h"

namespace sf2pg::sfemu {

std::string Name::Display() const {
  if (!quoted) return text;
  bool plain = !text.empty() && !(text[0] >= '0' && text[0] <= '9');
  for (char c : text) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$')) plain = false;
  }
  return plain ? text : "\"" + text + "\"";
}

std::string DisplayName(const std::vector<Name>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += '.';
    out += p.Display();
  }
  return out;
}

namespace {

/// Words that end an expression or select item instead of being read as an alias.
const std::set<std::string>& Reserved() {
  static const std::set<std::string> kWords = {
      "FROM",      "WHERE",   "GROUP",   "ORDER",       "LIMIT",
      "OFFSET",    "HAVING",  "UNION",   "EXCEPT",      "MINUS",
      "INTERSECT", "QUALIFY", "FETCH",   "ON",          "JOIN",
      "INNER",     "LEFT",    "RIGHT",   "FULL",        "CROSS",
      "NATURAL",   "INTO",    "VALUES",  "SET",         "AND",
      "OR",        "NOT",     "AS",      "IS",          "IN",
      "LIKE",      "ILIKE",   "BETWEEN", "WHEN",        "THEN",
      "ELSE",      "END",     "ASC",     "DESC",        "NULLS",
      "USING",     "WINDOW",  "SAMPLE",  "TABLESAMPLE", "LATERAL",
      "PIVOT",     "UNPIVOT", "START",   "CONNECT",     "MATCH_RECOGNIZE",
      "ESCAPE",    "RLIKE",   "REGEXP"};
  return kWords;
}

class Parser {
 public:
  Parser(std::string_view sql, std::vector<Token> tokens) : sql_(sql), tokens_(std::move(tokens)) {}

  std::vector<Statement> Script() {
    std::vector<Statement> out;
    while (!AtEnd()) {
      if (Peek().Is(";")) {
        Advance();
        continue;
      }
      size_t begin = Peek().offset;
      Statement s = ParseStatement();
      s.begin = begin;
      s.end = tokens_[pos_ - 1].end;
      if (!AtEnd() && !Peek().Is(";")) Unexpected();
      out.push_back(std::move(s));
    }
    return out;
  }

  ExprPtr StandaloneExpression() {
    ExprPtr e = Expression();
    if (!AtEnd()) Unexpected();
    return e;
  }

 private:
  // --- token helpers ---------------------------------------------------------------------
  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  bool AtEnd() const { return Peek().kind == TokenKind::kEnd; }
  const Token& Advance() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }

  [[noreturn]] void Unexpected() const {
    const Token& t = Peek();
    std::string text =
        t.kind == TokenKind::kEnd ? "<EOF>" : std::string(sql_.substr(t.offset, t.end - t.offset));
    throw SyntaxError(t.line, t.column, text);
  }

  bool AcceptWord(std::string_view word) {
    if (Peek().IsWord(word)) {
      Advance();
      return true;
    }
    return false;
  }
  void ExpectWord(std::string_view word) {
    if (!AcceptWord(word)) Unexpected();
  }
  bool AcceptSymbol(std::string_view symbol) {
    if (Peek().Is(symbol)) {
      Advance();
      return true;
    }
    return false;
  }
  void ExpectSymbol(std::string_view symbol) {
    if (!AcceptSymbol(symbol)) Unexpected();
  }

  bool PeekIsName() const {
    const Token& t = Peek();
    return t.kind == TokenKind::kQuotedIdentifier ||
           (t.kind == TokenKind::kIdentifier && !Reserved().count(t.text));
  }

  Name ParseName() {
    const Token& t = Peek();
    if (t.kind != TokenKind::kIdentifier && t.kind != TokenKind::kQuotedIdentifier) Unexpected();
    Advance();
    return Name{t.text, t.kind == TokenKind::kQuotedIdentifier, t.line, t.column};
  }

  std::vector<Name> QualifiedName() {
    std::vector<Name> parts = {ParseName()};
    while (Peek().Is(".")) {
      Advance();
      parts.push_back(ParseName());
    }
    if (parts.size() > 3) Unexpected();
    return parts;
  }

  [[noreturn]] void NotSupported(const std::string& what) const { throw Unsupported(what); }

  // --- statements ------------------------------------------------------------------------
  Statement ParseStatement() {
    const Token& t = Peek();
    if (t.kind != TokenKind::kIdentifier && !t.Is("(")) Unexpected();
    if (t.IsWord("SELECT") || t.Is("(")) {
      Statement s;
      s.kind = StatementKind::kSelect;
      s.select = Query();
      return s;
    }
    if (t.IsWord("WITH")) NotSupported("WITH (common table expressions)");
    if (t.IsWord("SHOW")) return Show();
    if (t.IsWord("DESCRIBE") || t.IsWord("DESC")) return Describe();
    if (t.IsWord("CREATE")) return Create();
    if (t.IsWord("DROP")) return Drop();
    if (t.IsWord("INSERT")) return Insert();
    if (t.IsWord("UPDATE")) return Update();
    if (t.IsWord("DELETE")) return Delete();
    if (t.IsWord("TRUNCATE")) return Truncate();
    if (t.IsWord("BEGIN") || t.IsWord("START")) return Transaction(StatementKind::kBegin);
    if (t.IsWord("COMMIT")) return Transaction(StatementKind::kCommit);
    if (t.IsWord("ROLLBACK")) return Transaction(StatementKind::kRollback);
    if (t.IsWord("USE")) return Use();
    if (t.IsWord("ALTER")) return Alter();
    if (t.IsWord("PUT") || t.IsWord("GET") || t.IsWord("LIST") || t.IsWord("LS") ||
        t.IsWord("REMOVE") || t.IsWord("RM")) {
      Statement s;
      s.kind = StatementKind::kNotInApi;
      s.command = t.text == "LS" ? "LIST" : t.text == "RM" ? "REMOVE" : t.text;
      while (!AtEnd() && !Peek().Is(";")) Advance();
      return s;
    }
    if (t.IsWord("COPY")) NotSupported(Peek(1).IsWord("INTO") ? "COPY INTO" : "COPY");
    static const std::set<std::string> kKnown = {"MERGE",  "CALL",   "EXECUTE", "GRANT",
                                                 "REVOKE", "UNDROP", "EXPLAIN", "COMMENT"};
    if (kKnown.count(t.text)) NotSupported(t.text);
    Unexpected();
  }

  Statement Show() {
    ExpectWord("SHOW");
    Statement s;
    if (AcceptWord("PRIMARY")) {
      ExpectWord("KEYS");
      s.kind = StatementKind::kShowPrimaryKeys;
      s.scope = "ACCOUNT";
      if (AcceptWord("IN")) {
        s.scope = "TABLE";
        for (const char* scope : {"TABLE", "SCHEMA", "DATABASE", "ACCOUNT"}) {
          if (AcceptWord(scope)) s.scope = scope;
        }
        if (s.scope != "ACCOUNT") s.target = QualifiedName();
      }
      return s;
    }
    if (AcceptWord("TERSE")) NotSupported("SHOW TERSE");
    if (AcceptWord("TABLES")) {
      s.kind = StatementKind::kShowTables;
      s.scope = "SCHEMA";
      if (AcceptWord("LIKE")) {
        if (Peek().kind != TokenKind::kString) Unexpected();
        s.like = Advance().text;
      }
      if (AcceptWord("IN")) {
        s.scope = "SCHEMA";
        if (AcceptWord("ACCOUNT")) {
          s.scope = "ACCOUNT";
        } else {
          if (AcceptWord("DATABASE"))
            s.scope = "DATABASE";
          else
            AcceptWord("SCHEMA");
          s.target = QualifiedName();
        }
      }
      return s;
    }
    NotSupported("SHOW " + Peek().text);
  }

  Statement Describe() {
    Advance();
    Statement s;
    s.kind = StatementKind::kDescribeTable;
    if (!AcceptWord("TABLE")) {
      if (Peek().kind == TokenKind::kIdentifier && !AcceptWord("TABLE")) {
        NotSupported("DESCRIBE " + Peek().text);
      }
    }
    s.target = QualifiedName();
    if (AcceptWord("TYPE")) {
      ExpectSymbol("=");
      if (!AcceptWord("COLUMNS")) NotSupported("DESCRIBE TABLE ... TYPE = STAGE");
    }
    return s;
  }

  Statement Create() {
    ExpectWord("CREATE");
    Statement s;
    if (AcceptWord("OR")) {
      ExpectWord("REPLACE");
      s.or_replace = true;
    }
    AcceptWord("TRANSIENT");
    if (Peek().IsWord("TEMPORARY") || Peek().IsWord("TEMP") || Peek().IsWord("VOLATILE")) {
      NotSupported("temporary tables");
    }
    if (AcceptWord("DATABASE")) {
      s.kind = StatementKind::kCreateDatabase;
      s.if_not_exists = IfNotExists();
      s.target = {ParseName()};
      SkipOptions();
      return s;
    }
    if (AcceptWord("SCHEMA")) {
      s.kind = StatementKind::kCreateSchema;
      s.if_not_exists = IfNotExists();
      s.target = QualifiedName();
      if (s.target.size() > 2) Unexpected();
      SkipOptions();
      return s;
    }
    if (!AcceptWord("TABLE")) NotSupported("CREATE " + Peek().text);
    s.kind = StatementKind::kCreateTable;
    s.if_not_exists = IfNotExists();
    s.target = QualifiedName();
    if (Peek().IsWord("AS") || Peek().IsWord("LIKE") || Peek().IsWord("CLONE") ||
        Peek().IsWord("USING")) {
      NotSupported("CREATE TABLE ... " + Peek().text);
    }
    ExpectSymbol("(");
    do {
      TableElement(s);
    } while (AcceptSymbol(","));
    ExpectSymbol(")");
    SkipOptions();
    return s;
  }

  bool IfNotExists() {
    if (!AcceptWord("IF")) return false;
    ExpectWord("NOT");
    ExpectWord("EXISTS");
    return true;
  }

  bool IfExists() {
    if (!AcceptWord("IF")) return false;
    ExpectWord("EXISTS");
    return true;
  }

  /// Table and schema options that do not change data: CLUSTER BY (...), COMMENT = '...',
  /// DATA_RETENTION_TIME_IN_DAYS = n, CHANGE_TRACKING = TRUE.
  void SkipOptions() {
    while (!AtEnd() && !Peek().Is(";")) {
      if (AcceptWord("CLUSTER")) {
        ExpectWord("BY");
        SkipParenthesized();
      } else if (Peek().kind == TokenKind::kIdentifier && Peek(1).Is("=")) {
        Advance();
        Advance();
        Advance();
      } else if (AcceptWord("WITH")) {
        continue;
      } else {
        Unexpected();
      }
    }
  }

  void SkipParenthesized() {
    ExpectSymbol("(");
    int depth = 1;
    while (depth > 0) {
      if (AtEnd()) Unexpected();
      if (Peek().Is("(")) ++depth;
      if (Peek().Is(")")) --depth;
      Advance();
    }
  }

  std::vector<Name> NameList() {
    ExpectSymbol("(");
    std::vector<Name> names = {ParseName()};
    while (AcceptSymbol(",")) names.push_back(ParseName());
    ExpectSymbol(")");
    return names;
  }

  void TableElement(Statement& s) {
    if (AcceptWord("CONSTRAINT")) ParseName();
    if (AcceptWord("PRIMARY")) {
      ExpectWord("KEY");
      s.primary_key = NameList();
      ConstraintProperties();
      return;
    }
    if (AcceptWord("UNIQUE")) {
      NameList();
      ConstraintProperties();
      return;
    }
    if (AcceptWord("FOREIGN")) {
      ExpectWord("KEY");
      NameList();
      ExpectWord("REFERENCES");
      QualifiedName();
      if (Peek().Is("(")) NameList();
      ConstraintProperties();
      return;
    }
    ColumnDef c;
    c.name = ParseName();
    c.type = TypeName();
    while (true) {
      if (AcceptWord("NOT")) {
        ExpectWord("NULL");
        c.not_null = true;
      } else if (AcceptWord("NULL")) {
      } else if (AcceptWord("PRIMARY")) {
        ExpectWord("KEY");
        c.primary_key = true;
      } else if (AcceptWord("UNIQUE")) {
      } else if (AcceptWord("CONSTRAINT")) {
        ParseName();
      } else if (AcceptWord("REFERENCES")) {
        QualifiedName();
        if (Peek().Is("(")) NameList();
      } else if (AcceptWord("COMMENT")) {
        AcceptSymbol("=");
        if (Peek().kind != TokenKind::kString) Unexpected();
        Advance();
      } else if (Peek().IsWord("DEFAULT") || Peek().IsWord("AUTOINCREMENT") ||
                 Peek().IsWord("IDENTITY") || Peek().IsWord("COLLATE") || Peek().IsWord("AS") ||
                 Peek().IsWord("MASKING")) {
        NotSupported("column " + Peek().text);
      } else if (ConstraintProperties()) {
      } else {
        break;
      }
    }
    s.columns.push_back(std::move(c));
  }

  /// ENFORCED / NOT ENFORCED / RELY / NORELY / VALIDATE / NOVALIDATE / ENABLE / DISABLE.
  bool ConstraintProperties() {
    bool any = false;
    while (true) {
      if (Peek().IsWord("NOT") && Peek(1).IsWord("ENFORCED")) {
        Advance();
        Advance();
      } else if (AcceptWord("ENFORCED") || AcceptWord("RELY") || AcceptWord("NORELY") ||
                 AcceptWord("VALIDATE") || AcceptWord("NOVALIDATE") || AcceptWord("ENABLE") ||
                 AcceptWord("DISABLE")) {
      } else {
        return any;
      }
      any = true;
    }
  }

  SfType TypeName() {
    const Token& first = Peek();
    if (first.kind != TokenKind::kIdentifier) Unexpected();
    std::vector<std::string> words = {Advance().text};
    auto follow = [&](std::initializer_list<const char*> seq) {
      for (size_t i = 0; i < seq.size(); ++i) {
        if (!Peek(i).IsWord(*(seq.begin() + i))) return false;
      }
      for (const char* w : seq) {
        words.emplace_back(w);
        Advance();
      }
      return true;
    };
    if (words[0] == "DOUBLE") follow({"PRECISION"});
    if (words[0] == "CHAR" || words[0] == "CHARACTER" || words[0] == "NCHAR") follow({"VARYING"});
    if (words[0] == "TIMESTAMP") {
      if (!follow({"WITH", "LOCAL", "TIME", "ZONE"}) && !follow({"WITH", "TIME", "ZONE"})) {
        follow({"WITHOUT", "TIME", "ZONE"});
      }
    }
    if (words[0] == "VECTOR" && Peek().Is("(")) return VectorTypeName(first);
    std::vector<int64_t> args;
    type_had_arguments_ = Peek().Is("(");
    if (AcceptSymbol("(")) {
      do {
        bool negative = AcceptSymbol("-");
        if (Peek().kind != TokenKind::kNumber) Unexpected();
        args.push_back((negative ? -1 : 1) * std::stoll(Advance().text));
      } while (AcceptSymbol(","));
      ExpectSymbol(")");
    }
    std::optional<SfType> type;
    try {
      type = ParseSfType(words, args);
    } catch (const Error& e) {
      throw CompilationError(e.code(), e.sql_state(),
                             std::string("invalid type ") + first.text + ": " + e.what());
    }
    if (!type) {
      if (words[0] == "MAP" || words[0] == "DECFLOAT" || words[0] == "FILE") {
        NotSupported("data type " + words[0]);
      }
      throw SyntaxError(first.line, first.column, first.text);
    }
    return *type;
  }

  /// VECTOR(<element type>, <dimension>), after the word VECTOR.
  SfType VectorTypeName(const Token& first) {
    type_had_arguments_ = true;
    ExpectSymbol("(");
    if (Peek().kind != TokenKind::kIdentifier) Unexpected();
    std::string element = Advance().text;
    ExpectSymbol(",");
    bool negative = AcceptSymbol("-");
    if (Peek().kind != TokenKind::kNumber) Unexpected();
    int64_t dimension = (negative ? -1 : 1) * std::stoll(Advance().text);
    ExpectSymbol(")");
    try {
      return ParseVectorType(element, dimension);
    } catch (const Error& e) {
      throw CompilationError(e.code(), e.sql_state(),
                             std::string("invalid type ") + first.text + ": " + e.what());
    }
  }

  /// The target of a cast: VARCHAR without a length is unbounded text in an expression
  /// (observed: CURRENT_TIMESTAMP()::STRING reports length 134217728).
  SfType CastTypeName() {
    SfType type = TypeName();
    if (type.kind == SfKind::kText && !type_had_arguments_ && type.length == kMaxTextLength) {
      type.length = kExpressionTextLength;
    }
    return type;
  }

  Statement Drop() {
    ExpectWord("DROP");
    Statement s;
    if (AcceptWord("TABLE"))
      s.kind = StatementKind::kDropTable;
    else if (AcceptWord("DATABASE"))
      s.kind = StatementKind::kDropDatabase;
    else if (AcceptWord("SCHEMA"))
      s.kind = StatementKind::kDropSchema;
    else
      NotSupported("DROP " + Peek().text);
    s.if_exists = IfExists();
    s.target = QualifiedName();
    AcceptWord("CASCADE") || AcceptWord("RESTRICT");
    return s;
  }

  Statement Insert() {
    ExpectWord("INSERT");
    if (Peek().IsWord("OVERWRITE")) NotSupported("INSERT OVERWRITE");
    if (Peek().IsWord("ALL") || Peek().IsWord("FIRST")) NotSupported("multi-table INSERT");
    ExpectWord("INTO");
    Statement s;
    s.kind = StatementKind::kInsert;
    s.target = QualifiedName();
    if (Peek().Is("(") && !(Peek(1).IsWord("SELECT"))) s.insert_columns = NameList();
    if (AcceptWord("VALUES")) {
      do {
        ExpectSymbol("(");
        std::vector<ExprPtr> row;
        do {
          row.push_back(Expression());
        } while (AcceptSymbol(","));
        ExpectSymbol(")");
        s.values.push_back(std::move(row));
      } while (AcceptSymbol(","));
      return s;
    }
    if (!Peek().IsWord("SELECT") && !Peek().Is("(")) Unexpected();
    s.select = Query();
    return s;
  }

  void OptionalAlias(std::optional<Name>& alias) {
    if (AcceptWord("AS")) {
      alias = ParseName();
    } else if (PeekIsName()) {
      alias = ParseName();
    }
  }

  Statement Update() {
    ExpectWord("UPDATE");
    Statement s;
    s.kind = StatementKind::kUpdate;
    s.target = QualifiedName();
    std::optional<Name> alias;
    if (!Peek().IsWord("SET")) OptionalAlias(alias);
    ExpectWord("SET");
    do {
      std::vector<Name> column = QualifiedName();
      ExpectSymbol("=");
      s.assignments.emplace_back(column.back(), Expression());
    } while (AcceptSymbol(","));
    if (Peek().IsWord("FROM")) NotSupported("UPDATE ... FROM");
    if (AcceptWord("WHERE")) s.where = Expression();
    return s;
  }

  Statement Delete() {
    ExpectWord("DELETE");
    ExpectWord("FROM");
    Statement s;
    s.kind = StatementKind::kDelete;
    s.target = QualifiedName();
    std::optional<Name> alias;
    if (!Peek().IsWord("WHERE") && !Peek().IsWord("USING")) OptionalAlias(alias);
    if (Peek().IsWord("USING")) NotSupported("DELETE ... USING");
    if (AcceptWord("WHERE")) s.where = Expression();
    return s;
  }

  Statement Truncate() {
    ExpectWord("TRUNCATE");
    AcceptWord("TABLE");
    Statement s;
    s.kind = StatementKind::kTruncate;
    s.if_exists = IfExists();
    s.target = QualifiedName();
    return s;
  }

  Statement Transaction(StatementKind kind) {
    Statement s;
    s.kind = kind;
    if (AcceptWord("START")) {
      ExpectWord("TRANSACTION");
    } else {
      Advance();
      if (AcceptWord("TRANSACTION") || AcceptWord("WORK")) {
      }
      if (kind == StatementKind::kBegin && AcceptWord("NAME")) ParseName();
    }
    return s;
  }

  Statement Use() {
    ExpectWord("USE");
    Statement s;
    s.kind = StatementKind::kUse;
    s.command = "DATABASE";
    for (const char* what : {"DATABASE", "SCHEMA", "ROLE", "WAREHOUSE", "SECONDARY"}) {
      if (AcceptWord(what)) s.command = what;
    }
    if (s.command == "SECONDARY") {
      ExpectWord("ROLES");
      while (!AtEnd() && !Peek().Is(";")) Advance();
      return s;
    }
    s.target = QualifiedName();
    if (s.command == "DATABASE" && s.target.size() > 1) s.command = "SCHEMA";
    return s;
  }

  Statement Alter() {
    ExpectWord("ALTER");
    if (!AcceptWord("SESSION")) NotSupported("ALTER " + Peek().text);
    Statement s;
    s.kind = StatementKind::kAlterSession;
    if (AcceptWord("UNSET")) {
      do {
        s.session_settings.emplace_back(ParseName().text, "");
      } while (AcceptSymbol(","));
      return s;
    }
    ExpectWord("SET");
    while (!AtEnd() && !Peek().Is(";")) {
      Name key = ParseName();
      ExpectSymbol("=");
      const Token& v = Advance();
      if (v.kind == TokenKind::kEnd) Unexpected();
      s.session_settings.emplace_back(key.text, v.text);
      AcceptSymbol(",");
    }
    return s;
  }

  // --- queries -------------------------------------------------------------------------
  std::unique_ptr<Select> Query() {
    std::unique_ptr<Select> select;
    if (AcceptSymbol("(")) {
      select = Query();
      ExpectSymbol(")");
    } else {
      select = SelectCore();
    }
    for (const char* op : {"UNION", "EXCEPT", "MINUS", "INTERSECT"}) {
      if (Peek().IsWord(op)) NotSupported(std::string(op) + " (set operations)");
    }
    if (AcceptWord("ORDER")) {
      ExpectWord("BY");
      select->order_by = OrderList();
    }
    if (AcceptWord("LIMIT")) {
      select->limit = Expression();
      if (AcceptWord("OFFSET")) select->offset = Expression();
    } else if (AcceptWord("OFFSET")) {
      select->offset = Expression();
      AcceptWord("ROWS") || AcceptWord("ROW");
      if (AcceptWord("FETCH")) {
        if (!AcceptWord("FIRST")) ExpectWord("NEXT");
        select->limit = Expression();
        if (!AcceptWord("ROWS")) ExpectWord("ROW");
        ExpectWord("ONLY");
      }
    } else if (AcceptWord("FETCH")) {
      if (!AcceptWord("FIRST")) ExpectWord("NEXT");
      select->limit = Expression();
      if (!AcceptWord("ROWS")) ExpectWord("ROW");
      ExpectWord("ONLY");
    }
    return select;
  }

  std::unique_ptr<Select> SelectCore() {
    ExpectWord("SELECT");
    auto select = std::make_unique<Select>();
    if (AcceptWord("DISTINCT"))
      select->distinct = true;
    else
      AcceptWord("ALL");
    if (Peek().IsWord("TOP")) NotSupported("SELECT TOP");
    do {
      select->items.push_back(SelectListItem());
    } while (AcceptSymbol(","));
    if (AcceptWord("FROM")) {
      select->from = FromItem();
      if (Peek().Is(",") || Peek().IsWord("JOIN") || Peek().IsWord("INNER") ||
          Peek().IsWord("LEFT") || Peek().IsWord("RIGHT") || Peek().IsWord("FULL") ||
          Peek().IsWord("CROSS") || Peek().IsWord("NATURAL")) {
        NotSupported("joins");
      }
      for (const char* w : {"SAMPLE", "TABLESAMPLE", "AT", "BEFORE", "CHANGES", "PIVOT", "UNPIVOT",
                            "MATCH_RECOGNIZE"}) {
        if (Peek().IsWord(w)) NotSupported(w);
      }
    }
    if (AcceptWord("WHERE")) select->where = Expression();
    if (AcceptWord("GROUP")) {
      ExpectWord("BY");
      if (Peek().IsWord("CUBE") || Peek().IsWord("ROLLUP") || Peek().IsWord("GROUPING")) {
        NotSupported("GROUP BY " + Peek().text);
      }
      do {
        select->group_by.push_back(Expression());
      } while (AcceptSymbol(","));
    }
    if (AcceptWord("HAVING")) select->having = Expression();
    if (AcceptWord("QUALIFY")) select->qualify = Expression();
    return select;
  }

  SelectItem SelectListItem() {
    SelectItem item;
    if (AcceptSymbol("*")) {
      if (Peek().IsWord("EXCLUDE") || Peek().IsWord("RENAME") || Peek().IsWord("REPLACE") ||
          Peek().IsWord("ILIKE")) {
        NotSupported("SELECT * " + Peek().text);
      }
      return item;
    }
    // t.* / s.t.*
    size_t look = 0;
    while ((Peek(look).kind == TokenKind::kIdentifier ||
            Peek(look).kind == TokenKind::kQuotedIdentifier) &&
           Peek(look + 1).Is(".")) {
      look += 2;
    }
    if (look > 0 && Peek(look).Is("*")) {
      for (size_t i = 0; i < look; i += 2) item.star_qualifier.push_back(ParseName()), Advance();
      Advance();
      return item;
    }
    item.expr = Expression();
    OptionalAlias(item.alias);
    return item;
  }

  TableRef FromItem() {
    TableRef ref;
    ref.line = Peek().line;
    ref.column = Peek().column;
    if (Peek().IsWord("TABLE") && Peek(1).Is("(")) {
      if (!Peek(2).IsWord("GENERATOR")) NotSupported("table functions");
      Advance();
      Advance();
      Advance();
      ExpectSymbol("(");
      do {
        if (Peek().IsWord("ROWCOUNT") && Peek(1).Is("=>")) {
          Advance();
          Advance();
          ref.generator_rows = Expression();
        } else if (Peek().IsWord("TIMELIMIT")) {
          NotSupported("GENERATOR(TIMELIMIT => ...)");
        } else {
          Unexpected();
        }
      } while (AcceptSymbol(","));
      if (!ref.generator_rows) NotSupported("GENERATOR without ROWCOUNT");
      ExpectSymbol(")");
      ExpectSymbol(")");
      OptionalAlias(ref.alias);
      return ref;
    }
    if (Peek().IsWord("LATERAL")) NotSupported("LATERAL");
    if (AcceptSymbol("(")) {
      ref.subquery = Query();
      ExpectSymbol(")");
    } else if (Peek().Is("@")) {
      NotSupported("queries on staged files");
    } else {
      ref.parts = QualifiedName();
      if (Peek().Is("(")) NotSupported("table functions");
    }
    TimeTravel();
    OptionalAlias(ref.alias);
    TimeTravel();
    return ref;
  }

  /// AT(...), BEFORE(...) and CHANGES(...) after a table name (time travel).
  void TimeTravel() {
    for (const char* word : {"AT", "BEFORE", "CHANGES"}) {
      if (Peek().IsWord(word) && Peek(1).Is("(")) {
        NotSupported(std::string("time travel (") + word + ")");
      }
    }
  }

  std::vector<OrderItem> OrderList() {
    std::vector<OrderItem> items;
    do {
      OrderItem item;
      item.expr = Expression();
      if (AcceptWord("DESC"))
        item.descending = true;
      else
        AcceptWord("ASC");
      if (AcceptWord("NULLS")) {
        if (AcceptWord("FIRST"))
          item.nulls_first = true;
        else {
          ExpectWord("LAST");
          item.nulls_first = false;
        }
      }
      items.push_back(std::move(item));
    } while (AcceptSymbol(","));
    return items;
  }

  // --- expressions (lowest to highest precedence) ----------------------------------------
  ExprPtr Make(ExprKind kind, const Token& at) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->begin = at.offset;
    e->line = at.line;
    e->column = at.column;
    return e;
  }

  void Finish(Expr& e) { e.end = tokens_[pos_ - 1].end; }

  ExprPtr Binary(std::string op, ExprPtr left, ExprPtr right) {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::kBinary;
    e->text = std::move(op);
    e->begin = left->begin;
    e->line = left->line;
    e->column = left->column;
    e->end = right->end;
    e->args.push_back(std::move(left));
    e->args.push_back(std::move(right));
    return e;
  }

  ExprPtr Expression() { return Or(); }

  ExprPtr Or() {
    ExprPtr left = And();
    while (AcceptWord("OR")) left = Binary("OR", std::move(left), And());
    return left;
  }

  ExprPtr And() {
    ExprPtr left = Not();
    while (AcceptWord("AND")) left = Binary("AND", std::move(left), Not());
    return left;
  }

  ExprPtr Not() {
    if (Peek().IsWord("NOT")) {
      const Token& at = Advance();
      ExprPtr e = Make(ExprKind::kUnary, at);
      e->text = "NOT";
      e->args.push_back(Not());
      Finish(*e);
      return e;
    }
    return Comparison();
  }

  ExprPtr Comparison() {
    ExprPtr left = Additive();
    while (true) {
      const Token& t = Peek();
      if (t.Is("=") || t.Is("<>") || t.Is("!=") || t.Is("<") || t.Is("<=") || t.Is(">") ||
          t.Is(">=")) {
        std::string op = Advance().text == "!=" ? "<>" : t.text;
        if (Peek().IsWord("ANY") || Peek().IsWord("ALL") || Peek().IsWord("SOME")) {
          NotSupported("quantified comparisons");
        }
        left = Binary(op, std::move(left), Additive());
        continue;
      }
      if (t.IsWord("IS")) {
        Advance();
        bool negated = AcceptWord("NOT");
        if (AcceptWord("DISTINCT")) {
          ExpectWord("FROM");
          ExprPtr right = Additive();
          left = Binary(negated ? "IS NOT DISTINCT FROM" : "IS DISTINCT FROM", std::move(left),
                        std::move(right));
          continue;
        }
        if (AcceptWord("TRUE") || AcceptWord("FALSE")) NotSupported("IS TRUE / IS FALSE");
        ExpectWord("NULL");
        auto e = std::make_unique<Expr>();
        e->kind = ExprKind::kIsNull;
        e->flag = negated;
        e->begin = left->begin;
        e->line = left->line;
        e->column = left->column;
        e->args.push_back(std::move(left));
        Finish(*e);
        left = std::move(e);
        continue;
      }
      bool negated = false;
      if (t.IsWord("NOT") &&
          (Peek(1).IsWord("IN") || Peek(1).IsWord("LIKE") || Peek(1).IsWord("ILIKE") ||
           Peek(1).IsWord("BETWEEN") || Peek(1).IsWord("RLIKE"))) {
        Advance();
        negated = true;
      }
      if (AcceptWord("IN")) {
        left = InList(std::move(left), negated);
        continue;
      }
      if (AcceptWord("BETWEEN")) {
        auto e = std::make_unique<Expr>();
        e->kind = ExprKind::kBetween;
        e->flag = negated;
        e->begin = left->begin;
        e->line = left->line;
        e->column = left->column;
        e->args.push_back(std::move(left));
        e->args.push_back(Additive());
        ExpectWord("AND");
        e->args.push_back(Additive());
        Finish(*e);
        left = std::move(e);
        continue;
      }
      if (Peek().IsWord("LIKE") || Peek().IsWord("ILIKE")) {
        std::string op = Advance().text;
        if (Peek().IsWord("ANY") || Peek().IsWord("ALL")) NotSupported(op + " ANY/ALL");
        auto e = std::make_unique<Expr>();
        e->kind = ExprKind::kLike;
        e->text = op;
        e->flag = negated;
        e->begin = left->begin;
        e->line = left->line;
        e->column = left->column;
        e->args.push_back(std::move(left));
        e->args.push_back(Additive());
        if (AcceptWord("ESCAPE")) e->args.push_back(Additive());
        Finish(*e);
        left = std::move(e);
        continue;
      }
      if (Peek().IsWord("RLIKE") || Peek().IsWord("REGEXP")) NotSupported("RLIKE");
      if (negated) Unexpected();
      return left;
    }
  }

  ExprPtr InList(ExprPtr left, bool negated) {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::kIn;
    e->flag = negated;
    e->begin = left->begin;
    e->line = left->line;
    e->column = left->column;
    e->args.push_back(std::move(left));
    ExpectSymbol("(");
    if (Peek().IsWord("SELECT")) NotSupported("IN (subquery)");
    do {
      e->args.push_back(Expression());
    } while (AcceptSymbol(","));
    ExpectSymbol(")");
    Finish(*e);
    return e;
  }

  /// A left-associative chain of `operators` between operands parsed by `next`.
  ExprPtr LeftAssociative(ExprPtr (Parser::*next)(),
                          std::initializer_list<std::string_view> operators) {
    ExprPtr left = (this->*next)();
    while (std::any_of(operators.begin(), operators.end(),
                       [&](std::string_view op) { return Peek().Is(op); })) {
      std::string op = Advance().text;
      left = Binary(op, std::move(left), (this->*next)());
    }
    return left;
  }

  ExprPtr Additive() { return LeftAssociative(&Parser::Multiplicative, {"+", "-", "||"}); }
  ExprPtr Multiplicative() { return LeftAssociative(&Parser::Unary, {"*", "/", "%"}); }

  ExprPtr Unary() {
    if (Peek().Is("-") || Peek().Is("+")) {
      const Token& at = Advance();
      ExprPtr e = Make(ExprKind::kUnary, at);
      e->text = at.text;
      e->args.push_back(Unary());
      Finish(*e);
      return e;
    }
    return Postfix();
  }

  ExprPtr Postfix() {
    ExprPtr e = Primary();
    while (true) {
      if (Peek().Is("::")) {
        Advance();
        auto cast = std::make_unique<Expr>();
        cast->kind = ExprKind::kCast;
        cast->begin = e->begin;
        cast->line = e->line;
        cast->column = e->column;
        cast->args.push_back(std::move(e));
        cast->cast_type = CastTypeName();
        Finish(*cast);
        e = std::move(cast);
        continue;
      }
      if (Peek().Is("[") || (Peek().Is(":") && e->kind == ExprKind::kColumn)) {
        NotSupported("semi-structured element access");
      }
      // v:a is lexed as the column v and the placeholder :a.
      if (Peek().kind == TokenKind::kPlaceholder && !Peek().text.empty() &&
          e->kind == ExprKind::kColumn) {
        NotSupported("semi-structured paths (" +
                     std::string(sql_.substr(e->begin, Peek().end - e->begin)) + ")");
      }
      if (Peek().IsWord("COLLATE")) NotSupported("COLLATE");
      return e;
    }
  }

  ExprPtr Primary() {
    const Token& t = Peek();
    switch (t.kind) {
      case TokenKind::kNumber: {
        ExprPtr e = Make(ExprKind::kNumber, Advance());
        e->text = t.text;
        Finish(*e);
        return e;
      }
      case TokenKind::kString: {
        ExprPtr e = Make(ExprKind::kString, Advance());
        e->text = t.text;
        Finish(*e);
        return e;
      }
      case TokenKind::kPlaceholder: {
        ExprPtr e = Make(ExprKind::kPlaceholder, Advance());
        e->text = t.text;
        if (t.text.empty()) e->index = ++positional_;
        Finish(*e);
        return e;
      }
      case TokenKind::kQuotedIdentifier:
        return ColumnOrFunction();
      case TokenKind::kIdentifier:
        return Keyword();
      default:
        break;
    }
    if (t.Is("(")) {
      Advance();
      if (Peek().IsWord("SELECT")) NotSupported("subqueries in expressions");
      ExprPtr inner = Expression();
      ExpectSymbol(")");
      // Keep the parentheses in the span so an unaliased column is named as written.
      inner->begin = t.offset;
      inner->line = t.line;
      inner->column = t.column;
      Finish(*inner);
      return inner;
    }
    if (t.Is("[")) {
      // An array literal is ARRAY_CONSTRUCT of its elements.
      ExprPtr e = Make(ExprKind::kFunction, Advance());
      e->text = "ARRAY_CONSTRUCT";
      if (!Peek().Is("]")) {
        do {
          e->args.push_back(Expression());
        } while (AcceptSymbol(","));
      }
      ExpectSymbol("]");
      Finish(*e);
      return e;
    }
    if (t.Is("{")) NotSupported("object literals");
    Unexpected();
  }

  ExprPtr Keyword() {
    const Token& t = Peek();
    if (t.text == "NULL") {
      ExprPtr e = Make(ExprKind::kNull, Advance());
      Finish(*e);
      return e;
    }
    if (t.text == "TRUE" || t.text == "FALSE") {
      ExprPtr e = Make(ExprKind::kBool, Advance());
      e->flag = t.text == "TRUE";
      Finish(*e);
      return e;
    }
    if (t.text == "CASE") return Case();
    if ((t.text == "CAST" || t.text == "TRY_CAST") && Peek(1).Is("(")) return CastCall();
    if (t.text == "EXISTS" && Peek(1).Is("(")) NotSupported("EXISTS");
    if (t.text == "INTERVAL") NotSupported("INTERVAL literals");
    // Typed literals: DATE '2023-01-01', TIMESTAMP_NTZ '...'.
    static const std::set<std::string> kTyped = {
        "DATE", "TIME", "TIMESTAMP", "TIMESTAMP_NTZ", "TIMESTAMP_LTZ", "TIMESTAMP_TZ", "DATETIME"};
    if (kTyped.count(t.text) && Peek(1).kind == TokenKind::kString) {
      ExprPtr e = Make(ExprKind::kCast, t);
      SfType type = TypeName();
      ExprPtr value = Make(ExprKind::kString, Peek());
      value->text = Advance().text;
      Finish(*value);
      e->cast_type = type;
      e->args.push_back(std::move(value));
      Finish(*e);
      return e;
    }
    // Niladic functions written without parentheses.
    static const std::set<std::string> kNiladic = {
        "CURRENT_DATE", "CURRENT_TIMESTAMP", "CURRENT_TIME", "LOCALTIMESTAMP",
        "SYSDATE",      "CURRENT_USER",      "CURRENT_ROLE"};
    if (kNiladic.count(t.text) && !Peek(1).Is("(")) {
      ExprPtr e = Make(ExprKind::kFunction, Advance());
      e->text = t.text;
      Finish(*e);
      return e;
    }
    if (Reserved().count(t.text) && !Peek(1).Is("(")) Unexpected();
    return ColumnOrFunction();
  }

  ExprPtr ColumnOrFunction() {
    const Token& start = Peek();
    std::vector<Name> parts = {ParseName()};
    if (Peek().Is("(") && parts.size() == 1 && !parts[0].quoted)
      return FunctionCall(start, parts[0].text);
    while (Peek().Is(".")) {
      Advance();
      parts.push_back(ParseName());
    }
    if (Peek().Is("(")) NotSupported("qualified function names");
    if (parts.size() > 4) Unexpected();
    ExprPtr e = Make(ExprKind::kColumn, start);
    e->names = std::move(parts);
    Finish(*e);
    return e;
  }

  ExprPtr FunctionCall(const Token& start, const std::string& name) {
    ExprPtr e = Make(ExprKind::kFunction, start);
    e->text = name;
    ExpectSymbol("(");
    if (!Peek().Is(")")) {
      if (AcceptWord("DISTINCT"))
        e->flag = true;
      else
        AcceptWord("ALL");
      do {
        if (Peek().Is("*") && (Peek(1).Is(")") || Peek(1).Is(","))) {
          ExprPtr star = Make(ExprKind::kStar, Advance());
          Finish(*star);
          e->args.push_back(std::move(star));
        } else {
          if (Peek(1).Is("=>")) NotSupported("named arguments");
          e->args.push_back(Expression());
        }
      } while (AcceptSymbol(","));
    }
    ExpectSymbol(")");
    if (Peek().IsWord("WITHIN")) NotSupported("WITHIN GROUP");
    if (Peek().IsWord("IGNORE") || Peek().IsWord("RESPECT")) NotSupported("IGNORE/RESPECT NULLS");
    if (AcceptWord("OVER")) {
      e->over = std::make_unique<Window>();
      ExpectSymbol("(");
      if (AcceptWord("PARTITION")) {
        ExpectWord("BY");
        do {
          e->over->partition_by.push_back(Expression());
        } while (AcceptSymbol(","));
      }
      if (AcceptWord("ORDER")) {
        ExpectWord("BY");
        e->over->order_by = OrderList();
      }
      if (Peek().IsWord("ROWS") || Peek().IsWord("RANGE")) NotSupported("window frames");
      ExpectSymbol(")");
    }
    Finish(*e);
    return e;
  }

  ExprPtr CastCall() {
    const Token& start = Advance();
    ExprPtr e = Make(ExprKind::kCast, start);
    e->flag = start.text == "TRY_CAST";
    ExpectSymbol("(");
    e->args.push_back(Expression());
    ExpectWord("AS");
    e->cast_type = CastTypeName();
    ExpectSymbol(")");
    Finish(*e);
    return e;
  }

  ExprPtr Case() {
    ExprPtr e = Make(ExprKind::kCase, Advance());
    if (!Peek().IsWord("WHEN")) {
      e->case_has_operand = true;
      e->args.push_back(Expression());
    }
    if (!Peek().IsWord("WHEN")) Unexpected();
    while (AcceptWord("WHEN")) {
      e->args.push_back(Expression());
      ExpectWord("THEN");
      e->args.push_back(Expression());
    }
    if (AcceptWord("ELSE")) {
      e->case_has_else = true;
      e->args.push_back(Expression());
    }
    ExpectWord("END");
    Finish(*e);
    return e;
  }

  std::string_view sql_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int positional_ = 0;
  bool type_had_arguments_ = false;  ///< whether the last TypeName() had (arguments)
};

}  // namespace

std::vector<Statement> ParseScript(std::string_view sql) {
  Parser parser(sql, Tokenize(sql));
  return parser.Script();
}

ExprPtr ParseExpression(std::string_view sql) {
  Parser parser(sql, Tokenize(sql));
  return parser.StandaloneExpression();
}

}  // namespace sf2pg::sfemu
