#include "verify/canonical.h"

#include "core/quote.h"

namespace sf2pg::verify {

CanonicalColumn Canonical(const SourceColumn& source, const TargetColumn& target) {
  // Placeholder: text casts on both sides (not yet canonical for every type).
  CanonicalColumn c;
  c.name = target.name;
  c.snowflake = "TO_VARCHAR(" + sf::QuoteIdent(source.name) + ")";
  c.postgres = pg::QuoteIdent(target.name) + "::text";
  return c;
}

namespace {

std::string RowText(const std::vector<CanonicalColumn>& columns, bool snowflake) {
  std::string out;
  for (const auto& c : columns) {
    if (!c.row_by_row.empty()) continue;
    const std::string& v = snowflake ? c.snowflake : c.postgres;
    std::string piece = "COALESCE('V' || LENGTH(" + v + ") || ':' || " + v + ", 'N')";
    out += out.empty() ? piece : " || " + piece;
  }
  return out.empty() ? "''" : out;
}

}  // namespace

std::string SnowflakeRowText(const std::vector<CanonicalColumn>& columns) {
  return RowText(columns, true);
}
std::string PostgresRowText(const std::vector<CanonicalColumn>& columns) {
  return RowText(columns, false);
}

std::string SnowflakeRowHash(const std::vector<CanonicalColumn>& columns) {
  return "MD5_NUMBER_LOWER64(" + SnowflakeRowText(columns) + ")";
}
std::string PostgresRowHash(const std::vector<CanonicalColumn>& columns) {
  // The last 16 hex digits of the MD5, as a signed bigint, then as unsigned.
  std::string h = "('x' || substr(md5(" + PostgresRowText(columns) + "), 17))::bit(64)::bigint";
  return "(" + h + "::numeric + CASE WHEN " + h + " < 0 THEN 18446744073709551616 ELSE 0 END)";
}

}  // namespace sf2pg::verify
