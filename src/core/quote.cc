#include "core/quote.h"

#include <string>
#include <vector>

namespace sf2pg {
namespace {

// `text` between `quote` characters, each `quote` inside doubled (and each backslash too when
// `backslash` is set).
std::string Enclose(std::string_view text, char quote, bool backslash) {
  std::string out;
  out.reserve(text.size() + 2);
  out += quote;
  for (char c : text) {
    if (c == quote || (backslash && c == '\\')) out += c;
    out += c;
  }
  out += quote;
  return out;
}

}  // namespace

namespace pg {

std::string QuoteIdent(std::string_view name) { return Enclose(name, '"', false); }

std::string QuoteLiteral(std::string_view text) {
  bool backslash = text.find('\\') != std::string_view::npos;
  return (backslash ? "E" : "") + Enclose(text, '\'', backslash);
}

}  // namespace pg

namespace sf {

std::string QuoteIdent(std::string_view name) { return Enclose(name, '"', false); }

std::string QuoteLiteral(std::string_view text) { return Enclose(text, '\'', true); }

std::string QualifiedName(std::string_view database, std::string_view schema,
                          std::string_view table) {
  return QuoteIdent(database) + "." + QuoteIdent(schema) + "." + QuoteIdent(table);
}

namespace {

// True when `p` is one parenthesised group: "(...)" whose first '(' closes at the end. Inside
// a string literal a backslash escapes the next character (Snowflake's rule).
bool IsWrapped(std::string_view p) {
  if (p.size() < 2 || p.front() != '(' || p.back() != ')') return false;
  int depth = 0;
  char quote = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (quote) {
      if (quote == '\'' && c == '\\')
        ++i;
      else if (c == quote)
        quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && --depth == 0) {
      return i + 1 == p.size();
    }
  }
  return false;
}

}  // namespace

std::string And(const std::vector<std::string>& predicates) {
  std::string out;
  for (const auto& p : predicates) {
    if (p.empty()) continue;
    if (!out.empty()) out += " AND ";
    out += IsWrapped(p) ? p : "(" + p + ")";
  }
  return out;
}

}  // namespace sf
}  // namespace sf2pg
