// The tokenizer for the Snowflake SQL subset sfemu understands. Follows Snowflake's lexical
// rules: unquoted identifiers are case-insensitive (upper-cased), "quoted" ones keep their
// case ("" escapes a quote), 'strings' take '' and backslash escapes, $$dollar strings$$,
// comments start with --, // or /* */.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sf2pg::sfemu {

enum class TokenKind {
  kIdentifier,        ///< unquoted; `text` is upper-cased
  kQuotedIdentifier,  ///< "quoted"; `text` is the exact name
  kNumber,            ///< digits with optional fraction and exponent
  kString,            ///< the decoded value
  kPlaceholder,       ///< ? (text empty), :1 or :name (text = "1" / "name")
  kSymbol,            ///< operators and punctuation: ( ) , . ; * + - / % = <> != < <= > >= || ::
                      ///< and "@" for a whole stage reference (@stage/path)
  kEnd,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  size_t offset = 0;  ///< byte offset in the statement text
  size_t end = 0;     ///< byte offset just past the token
  int line = 1;
  int column = 0;  ///< 0-based position within the line

  bool Is(std::string_view symbol) const { return kind == TokenKind::kSymbol && text == symbol; }
  /// True for an unquoted identifier equal to `word` (upper-case).
  bool IsWord(std::string_view word) const {
    return kind == TokenKind::kIdentifier && text == word;
  }
};

/// Splits `sql` into tokens, ending with a kEnd token. Throws Error (001003, a syntax error
/// naming the line and position) for text that is not a token.
std::vector<Token> Tokenize(std::string_view sql);

}  // namespace sf2pg::sfemu
