#include "lexer.h"

#include <cctype>

#include "error.h"
#include "json_text.h"

namespace sf2pg::sfemu {
namespace {

bool IsIdentStart(char c) {
  auto u = static_cast<unsigned char>(c);
  return std::isalpha(u) || c == '_' || u >= 0x80;
}

bool IsIdentPart(char c) {
  auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || c == '$' || u >= 0x80;
}

class Lexer {
 public:
  explicit Lexer(std::string_view sql) : sql_(sql) {}

  std::vector<Token> Run() {
    std::vector<Token> tokens;
    while (true) {
      SkipSpaceAndComments();
      Token t;
      t.offset = pos_;
      t.line = line_;
      t.column = static_cast<int>(pos_ - line_start_);
      if (pos_ >= sql_.size()) {
        t.end = pos_;
        tokens.push_back(std::move(t));
        return tokens;
      }
      Next(t);
      t.end = pos_;
      tokens.push_back(std::move(t));
    }
  }

 private:
  [[noreturn]] void Fail(const std::string& message) const {
    throw Error("001003", "42000",
                "SQL compilation error:\nsyntax error line " + std::to_string(line_) +
                    " at position " + std::to_string(pos_ - line_start_) + " " + message + ".");
  }

  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < sql_.size() ? sql_[pos_ + ahead] : '\0';
  }

  void Advance() {
    if (sql_[pos_] == '\n') {
      ++line_;
      line_start_ = pos_ + 1;
    }
    ++pos_;
  }

  void SkipSpaceAndComments() {
    while (pos_ < sql_.size()) {
      char c = sql_[pos_];
      if (std::isspace(static_cast<unsigned char>(c))) {
        Advance();
      } else if ((c == '-' && Peek(1) == '-') || (c == '/' && Peek(1) == '/')) {
        while (pos_ < sql_.size() && sql_[pos_] != '\n') Advance();
      } else if (c == '/' && Peek(1) == '*') {
        Advance();
        Advance();
        while (pos_ < sql_.size() && !(sql_[pos_] == '*' && Peek(1) == '/')) Advance();
        if (pos_ >= sql_.size()) Fail("unterminated comment");
        Advance();
        Advance();
      } else {
        return;
      }
    }
  }

  void Next(Token& t) {
    char c = sql_[pos_];
    if (IsIdentStart(c)) {
      t.kind = TokenKind::kIdentifier;
      while (pos_ < sql_.size() && IsIdentPart(sql_[pos_])) {
        t.text += static_cast<char>(std::toupper(static_cast<unsigned char>(sql_[pos_])));
        Advance();
      }
    } else if (c == '"') {
      QuotedIdentifier(t);
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '.' && std::isdigit(static_cast<unsigned char>(Peek(1))))) {
      NumberToken(t);
    } else if (c == '\'') {
      StringToken(t);
    } else if (c == '$' && Peek(1) == '$') {
      DollarString(t);
    } else if (c == '?') {
      t.kind = TokenKind::kPlaceholder;
      Advance();
    } else if (c == ':' && Peek(1) != ':' && (IsIdentPart(Peek(1)))) {
      t.kind = TokenKind::kPlaceholder;
      Advance();
      while (pos_ < sql_.size() && IsIdentPart(sql_[pos_])) {
        t.text += sql_[pos_];
        Advance();
      }
    } else {
      Symbol(t);
    }
  }

  void QuotedIdentifier(Token& t) {
    t.kind = TokenKind::kQuotedIdentifier;
    Advance();
    while (true) {
      if (pos_ >= sql_.size()) Fail("unterminated quoted identifier");
      if (sql_[pos_] == '"') {
        if (Peek(1) == '"') {
          t.text += '"';
          Advance();
          Advance();
          continue;
        }
        Advance();
        break;
      }
      t.text += sql_[pos_];
      Advance();
    }
    if (t.text.empty()) Fail("empty quoted identifier");
  }

  void NumberToken(Token& t) {
    t.kind = TokenKind::kNumber;
    auto digits = [&] {
      while (pos_ < sql_.size() && std::isdigit(static_cast<unsigned char>(sql_[pos_]))) {
        t.text += sql_[pos_];
        Advance();
      }
    };
    digits();
    if (Peek() == '.' && Peek(1) != '.') {
      t.text += '.';
      Advance();
      digits();
    }
    if ((Peek() == 'e' || Peek() == 'E') && (std::isdigit(static_cast<unsigned char>(Peek(1))) ||
                                             ((Peek(1) == '+' || Peek(1) == '-') &&
                                              std::isdigit(static_cast<unsigned char>(Peek(2)))))) {
      t.text += 'e';
      Advance();
      if (Peek() == '+' || Peek() == '-') {
        t.text += Peek();
        Advance();
      }
      digits();
    }
  }

  void StringToken(Token& t) {
    t.kind = TokenKind::kString;
    Advance();
    while (true) {
      if (pos_ >= sql_.size()) Fail("unterminated string literal");
      char c = sql_[pos_];
      if (c == '\'') {
        if (Peek(1) == '\'') {
          t.text += '\'';
          Advance();
          Advance();
          continue;
        }
        Advance();
        return;
      }
      if (c == '\\') {
        Advance();
        Escape(t.text);
        continue;
      }
      t.text += c;
      Advance();
    }
  }

  /// Snowflake's backslash escapes in single-quoted strings.
  void Escape(std::string& out) {
    if (pos_ >= sql_.size()) Fail("unterminated string literal");
    char e = sql_[pos_];
    Advance();
    auto hex = [&](int n) {
      uint32_t v = 0;
      for (int i = 0; i < n; ++i) {
        char h = Peek();
        if (!std::isxdigit(static_cast<unsigned char>(h))) Fail("bad escape sequence");
        v = v * 16 +
            static_cast<uint32_t>(std::isdigit(static_cast<unsigned char>(h))
                                      ? h - '0'
                                      : std::tolower(static_cast<unsigned char>(h)) - 'a' + 10);
        Advance();
      }
      return v;
    };
    switch (e) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case '0':
        out += '\0';
        break;
      case 'x':
        out += static_cast<char>(hex(2));
        break;
      case 'u':
        AppendUtf8(out, hex(4));
        break;
      default:
        out += e;  // \' \" \\ and any other character stand for themselves
    }
  }

  void DollarString(Token& t) {
    t.kind = TokenKind::kString;
    Advance();
    Advance();
    size_t close = sql_.find("$$", pos_);
    if (close == std::string_view::npos) Fail("unterminated $$ string");
    while (pos_ < close) {
      t.text += sql_[pos_];
      Advance();
    }
    Advance();
    Advance();
  }

  void Symbol(Token& t) {
    t.kind = TokenKind::kSymbol;
    static const char* kTwo[] = {"<>", "!=", "<=", ">=", "||", "::", "=>"};
    for (const char* two : kTwo) {
      if (Peek() == two[0] && Peek(1) == two[1]) {
        t.text = two;
        Advance();
        Advance();
        return;
      }
    }
    char c = sql_[pos_];
    if (c == '@') {
      // A stage reference (@stage/path, @~/path, @%table): one "@" token for the parser to
      // refuse by name.
      t.text = "@";
      Advance();
      while (pos_ < sql_.size() && !std::isspace(static_cast<unsigned char>(sql_[pos_])) &&
             std::string_view("(),;").find(sql_[pos_]) == std::string_view::npos) {
        Advance();
      }
      return;
    }
    static const std::string_view kOne = "(),.;*+-/%=<>[]:";
    if (kOne.find(c) == std::string_view::npos) {
      Fail(std::string("unexpected character '") + c + "'");
    }
    t.text = std::string(1, c);
    Advance();
  }

  std::string_view sql_;
  size_t pos_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
};

}  // namespace

std::vector<Token> Tokenize(std::string_view sql) { return Lexer(sql).Run(); }

}  // namespace sf2pg::sfemu
