#include "plan/sql.h"

#include "core/sf_literal.h"

namespace sf2pg::plan {

std::string Literal(const SourceColumn& column, std::string_view wire) {
  return SnowflakeLiteral(std::string(wire), column);
}

namespace {

// (k1, k2, ...) compared with (v1, v2, ...) in lexicographic order, spelled out for Snowflake
// from the last column outwards: k_n OP v_n, then k_{n-1} STRICT v OR (k_{n-1} = v AND (...)).
std::string Lexicographic(const std::vector<SourceColumn>& keys,
                          const std::vector<std::string>& wire_values, const char* strict,
                          const char* last) {
  std::string inner;
  for (size_t i = keys.size(); i-- > 0;) {
    std::string col = sf::QuoteIdent(keys[i].name);
    std::string lit = Literal(keys[i], wire_values[i]);
    if (inner.empty()) {
      inner = col + " " + last + " " + lit;
    } else {
      inner =
          col + " " + strict + " " + lit + " OR (" + col + " = " + lit + " AND (" + inner + "))";
    }
  }
  return inner;
}

}  // namespace

std::string KeyAfter(const std::vector<SourceColumn>& keys,
                     const std::vector<std::string>& wire_values, bool inclusive) {
  return Lexicographic(keys, wire_values, ">", inclusive ? ">=" : ">");
}

std::string KeyBefore(const std::vector<SourceColumn>& keys,
                      const std::vector<std::string>& wire_values, bool inclusive) {
  return Lexicographic(keys, wire_values, "<", inclusive ? "<=" : "<");
}

}  // namespace sf2pg::plan
