#include "verify/canonical.h"

#include "core/pg_type.h"
#include "core/quote.h"
#include "core/strings.h"

namespace sf2pg::verify {
namespace {

// The Snowflake types as canonical texts group them (SourceColumn::type, with ext_type for
// spatial objects).
enum class Kind {
  kFixed,
  kDecfloat,
  kReal,
  kText,
  kBinary,
  kBoolean,
  kDate,
  kTime,
  kTimestampNtz,
  kTimestampLtz,
  kTimestampTz,
  kJson,     ///< variant, object, array, map
  kSpatial,  ///< GEOGRAPHY, GEOMETRY
  kVector,
  kUnknown,
};

Kind KindOf(const SourceColumn& source) {
  std::string type = Lower(source.type);
  std::string ext = Upper(source.ext_type);
  if (type == "object" && (ext == "GEOGRAPHY" || ext == "GEOMETRY")) return Kind::kSpatial;
  if (type == "fixed") return Kind::kFixed;
  if (type == "decfloat") return Kind::kDecfloat;
  if (type == "real") return Kind::kReal;
  if (type == "text") return Kind::kText;
  if (type == "binary") return Kind::kBinary;
  if (type == "boolean") return Kind::kBoolean;
  if (type == "date") return Kind::kDate;
  if (type == "time") return Kind::kTime;
  if (type == "timestamp_ntz") return Kind::kTimestampNtz;
  if (type == "timestamp_ltz") return Kind::kTimestampLtz;
  if (type == "timestamp_tz") return Kind::kTimestampTz;
  if (type == "variant" || type == "object" || type == "array" || type == "map") {
    return Kind::kJson;
  }
  if (type == "vector") return Kind::kVector;
  return Kind::kUnknown;
}

// char(n) pads with spaces and drops them again when read as text.
bool IsBlankPadded(const TargetColumn& target) {
  std::string sql = Lower(target.sql_type);
  return sql.starts_with("character(") || sql.starts_with("char(") || sql == "character" ||
         sql == "bpchar" || sql.starts_with("bpchar(");
}

// Times and timestamps are the integer count of microseconds since midnight / since
// 1970-01-01 00:00:00 UTC, rounded with ties to even as sf2pg rounds digits 7-9
// (sfwire::RoundToMicros), so the text is the same whatever the fraction digits.

/// PostgreSQL: microseconds of a date, time, timestamp or timestamptz value (exact: extract
/// gives numeric seconds with six fraction digits).
std::string PgMicros(const std::string& value) {
  return "(extract(epoch from " + value + ") * 1000000)::numeric(38,0)::text";
}

/// PostgreSQL: microseconds of `text`, a time or timestamp as sf2pg writes it into a text
/// column with up to nine fraction digits, read as `type` (time, timestamp, timestamptz).
/// PostgreSQL's own input rounds digits 7-9 through a double, not always to the even
/// microsecond on a tie, so they are cut off before the cast and rounded here, ties to even.
std::string PgTextMicros(const std::string& text, const std::string& type, int scale) {
  if (scale <= 6) return PgMicros(text + "::" + type);
  std::string micros = "(extract(epoch from regexp_replace(" + text +
                       ", '(:\\d\\d\\.\\d{6})\\d+', '\\1')::" + type +
                       ") * 1000000)::numeric(38,0)";
  std::string rest =
      "coalesce(rpad(substring(" + text + " from ':\\d\\d\\.\\d{6}(\\d+)'), 3, '0')::int, 0)";
  return "(" + micros + " + CASE WHEN " + rest + " > 500 OR (" + rest + " = 500 AND mod(" + micros +
         ", 2) <> 0) THEN 1 ELSE 0 END)::text";
}

/// Snowflake: the nanoseconds `ns` (a NUMBER) as whole microseconds, ties to even.
std::string SfMicros(const std::string& ns) {
  return "TO_VARCHAR(ROUND((" + ns + ") / 1000, 0, 'HALF_TO_EVEN'))";
}

/// PostgreSQL: an offset in minutes east of UTC as Snowflake's TZH:TZM writes it ("+05:30").
std::string PgOffsetText(const std::string& minutes) {
  std::string m = "(" + minutes + ")";
  return "((CASE WHEN " + m + " < 0 THEN '-' ELSE '+' END) || lpad((abs(" + m +
         ") / 60)::text, 2, '0') || ':' || lpad((abs(" + m + ") % 60)::text, 2, '0'))";
}

CanonicalColumn RowByRow(CanonicalColumn c, std::string why) {
  c.snowflake.clear();
  c.postgres.clear();
  c.row_by_row = std::move(why);
  return c;
}

}  // namespace

std::string RowByRowReason(const SourceColumn& source) {
  switch (KindOf(source)) {
    case Kind::kReal:
      return "FLOAT: binary floating point has no text form that both engines print alike "
             "(PostgreSQL writes the shortest digits that read back exactly; Snowflake documents "
             "no exact text form of a FLOAT), nor one for NaN, infinities and -0";
    case Kind::kDecfloat:
      return "DECFLOAT: Snowflake prints it with an exponent and its own digit count, "
             "PostgreSQL numeric at its written scale; no common text is known to be exact";
    case Kind::kJson:
      return "semi-structured (VARIANT, OBJECT, ARRAY, MAP): Snowflake's TO_JSON and "
             "PostgreSQL's jsonb order object keys differently (jsonb by length, then bytes), "
             "space, escape and print numbers differently (doubles), and neither engine can "
             "rewrite nested JSON into the other's form in SQL";
    case Kind::kSpatial:
      return "GEOGRAPHY/GEOMETRY: Snowflake holds GeoJSON with double coordinates, the target "
             "EWKB or jsonb; they have no common exact text";
    case Kind::kVector:
      if (source.vector_element == "fixed") {
        return "VECTOR(INT): Snowflake documents no text form of a VECTOR to match "
               "PostgreSQL's integer[] text";
      }
      return "VECTOR(FLOAT): its elements are binary floating point (see FLOAT), and Snowflake "
             "documents no text form of a VECTOR to match PostgreSQL's array text";
    default:
      return "";
  }
}

CanonicalColumn Canonical(const SourceColumn& source, const TargetColumn& target) {
  CanonicalColumn c;
  c.name = target.name;
  const std::string s = sf::QuoteIdent(source.name);
  const std::string t = pg::QuoteIdent(target.name);
  const PgType to = target.type;
  const Kind kind = KindOf(source);
  auto unsupported = [&]() {
    return RowByRow(c, "no canonical text for Snowflake " + source.type + " in PostgreSQL " +
                           (target.sql_type.empty() ? "this column type" : target.sql_type));
  };

  if (target.tz_offset) {
    // The companion column of keep_tz_offset: the offset in minutes of a TIMESTAMP_TZ.
    if (kind != Kind::kTimestampTz || !IsIntegerType(to)) return unsupported();
    c.snowflake = "TO_VARCHAR(" + s + ", 'TZH:TZM')";
    c.postgres = PgOffsetText(t);
    return c;
  }
  if (std::string why = RowByRowReason(source); !why.empty()) return RowByRow(c, why);

  const std::string sf_timestamp_us = SfMicros("DATE_PART(EPOCH_NANOSECOND, " + s + ")");
  // TIMESTAMP_LTZ and _TZ: first at offset +00:00, where the wall clock is the UTC instant.
  const std::string sf_instant_us =
      SfMicros("DATE_PART(EPOCH_NANOSECOND, CONVERT_TIMEZONE('UTC', " + s + "))");
  switch (kind) {
    case Kind::kFixed:
      // At the source's scale: TO_VARCHAR writes a NUMBER(p,s) with s fraction digits, and
      // PostgreSQL's round(numeric, s) gives s fraction digits. A float target holds the
      // decimal exactly (sf2pg loads at most 15 / 6 significant digits there), and float to
      // numeric rounds to that many digits.
      if (IsIntegerType(to) || to == PgType::kNumeric || to == PgType::kFloat8 ||
          to == PgType::kFloat4 || to == PgType::kText) {
        c.snowflake = "TO_VARCHAR(" + s + ")";
        c.postgres = "round(" + t + "::numeric, " + std::to_string(source.scale) + ")::text";
        return c;
      }
      return unsupported();
    case Kind::kText:
      if (to == PgType::kText && IsBlankPadded(target)) {
        c.snowflake = "RTRIM(" + s + ", ' ')";
        c.postgres = t + "::text";
        return c;
      }
      if (to == PgType::kText) {
        c.snowflake = s;
        c.postgres = t + "::text";
        return c;
      }
      if (to == PgType::kUuid) {
        // The 32 hex digits in lower case, as PostgreSQL prints a uuid without its hyphens.
        c.snowflake = "LOWER(REPLACE(REPLACE(REPLACE(" + s + ", '-'), '{'), '}'))";
        c.postgres = "replace(" + t + "::text, '-', '')";
        return c;
      }
      return unsupported();
    case Kind::kBinary:
      // Upper-case hex digits.
      c.snowflake = "TO_VARCHAR(" + s + ", 'HEX')";
      if (to == PgType::kBytea) {
        c.postgres = "upper(encode(" + t + ", 'hex'))";
      } else if (to == PgType::kText) {
        c.postgres = "upper(" + t + "::text)";
      } else {
        return unsupported();
      }
      return c;
    case Kind::kBoolean:
      // true / false.
      if (to != PgType::kBool && to != PgType::kText) return unsupported();
      c.snowflake = "TO_VARCHAR(" + s + ")";
      c.postgres = t + "::text";
      return c;
    case Kind::kDate:
      // Seconds since 1970-01-01 for a date target; microseconds for a timestamp target, which
      // holds midnight UTC.
      if (to == PgType::kDate || to == PgType::kText) {
        c.snowflake = "TO_VARCHAR(DATE_PART(EPOCH_SECOND, " + s + "))";
        c.postgres = "extract(epoch from " + t + "::date)::numeric(38,0)::text";
        return c;
      }
      if (to == PgType::kTimestamp || to == PgType::kTimestamptz) {
        c.snowflake = "TO_VARCHAR(DATE_PART(EPOCH_SECOND, " + s + ") * 1000000)";
        c.postgres = PgMicros(t);
        return c;
      }
      return unsupported();
    case Kind::kTime:
      if (to != PgType::kTime && to != PgType::kText) return unsupported();
      c.snowflake = SfMicros("(DATE_PART(HOUR, " + s + ") * 3600 + DATE_PART(MINUTE, " + s +
                             ") * 60 + DATE_PART(SECOND, " + s +
                             ")) * 1000000000 + DATE_PART(NANOSECOND, " + s + ")");
      c.postgres = to == PgType::kText ? PgTextMicros(t, "time", source.scale) : PgMicros(t);
      return c;
    case Kind::kTimestampNtz:
      // The wall clock read as UTC, which is also what sf2pg writes into a timestamptz.
      if (to != PgType::kTimestamp && to != PgType::kTimestamptz && to != PgType::kText) {
        return unsupported();
      }
      c.snowflake = sf_timestamp_us;
      c.postgres = to == PgType::kText ? PgTextMicros(t, "timestamp", source.scale) : PgMicros(t);
      return c;
    case Kind::kTimestampLtz:
      if (to != PgType::kTimestamptz && to != PgType::kText) return unsupported();
      c.snowflake = sf_instant_us;
      c.postgres = to == PgType::kText ? PgTextMicros(t, "timestamptz", source.scale) : PgMicros(t);
      return c;
    case Kind::kTimestampTz:
      // The instant; a timestamptz keeps no offset (keep_tz_offset's companion column has it),
      // text keeps it: then the instant, a space and the offset.
      c.snowflake = sf_instant_us;
      if (to == PgType::kTimestamptz) {
        c.postgres = PgMicros(t);
        return c;
      }
      if (to == PgType::kText) {
        c.snowflake += " || ' ' || TO_VARCHAR(" + s + ", 'TZH:TZM')";
        c.postgres =
            PgTextMicros(t, "timestamptz", source.scale) + " || ' ' || " +
            PgOffsetText("((extract(epoch from " + t + "::timestamp) - extract(epoch from " + t +
                         "::timestamptz)) / 60)::int");
        return c;
      }
      return unsupported();
    default:
      return unsupported();
  }
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
  // MD5_NUMBER_LOWER64 is the low 64 bits of the digest read as a big-endian number: its last
  // 16 hex digits, as a signed bigint, then as unsigned (modulo 2^64, so that the row's text is
  // written, and computed, once).
  return "((('x' || substr(md5(" + PostgresRowText(columns) +
         "), 17))::bit(64)::bigint::numeric + 18446744073709551616) % 18446744073709551616)";
}

}  // namespace sf2pg::verify
