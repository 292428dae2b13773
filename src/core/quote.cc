#include "core/quote.h"

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

}  // namespace sf
}  // namespace sf2pg
