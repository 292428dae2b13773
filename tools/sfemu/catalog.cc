#include "catalog.h"

#include <openssl/sha.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "core/error.h"
#include "core/quote.h"
#include "error.h"
#include "ids.h"

namespace sf2pg::sfemu {
namespace {

using postgres::Connection;

constexpr const char* kBootstrapSql = R"SQL(
CREATE SCHEMA IF NOT EXISTS sfemu_catalog;
CREATE TABLE IF NOT EXISTS sfemu_catalog.meta (
  id int PRIMARY KEY,
  generation bigint NOT NULL);
INSERT INTO sfemu_catalog.meta VALUES (1, 0) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS sfemu_catalog.databases (
  name text COLLATE "C" PRIMARY KEY,
  created_on timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS sfemu_catalog.schemas (
  database_name text COLLATE "C" NOT NULL REFERENCES sfemu_catalog.databases ON DELETE CASCADE,
  name text COLLATE "C" NOT NULL,
  pg_schema text NOT NULL UNIQUE,
  created_on timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (database_name, name));
CREATE TABLE IF NOT EXISTS sfemu_catalog.tables (
  database_name text COLLATE "C" NOT NULL,
  schema_name text COLLATE "C" NOT NULL,
  name text COLLATE "C" NOT NULL,
  pg_table text NOT NULL,
  pk_constraint text NOT NULL,
  row_count bigint NOT NULL DEFAULT 0,
  created_on timestamptz NOT NULL DEFAULT now(),
  last_altered timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (database_name, schema_name, name),
  FOREIGN KEY (database_name, schema_name) REFERENCES sfemu_catalog.schemas ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS sfemu_catalog.columns (
  database_name text COLLATE "C" NOT NULL,
  schema_name text COLLATE "C" NOT NULL,
  table_name text COLLATE "C" NOT NULL,
  ordinal int NOT NULL,
  name text COLLATE "C" NOT NULL,
  sf_type text COLLATE "C" NOT NULL,
  nullable boolean NOT NULL,
  pk_position int NOT NULL DEFAULT 0,
  pg_name text NOT NULL,
  data_type text COLLATE "C" NOT NULL,
  char_max_length bigint,
  char_octet_length bigint,
  numeric_precision int,
  numeric_precision_radix int,
  numeric_scale int,
  datetime_precision int,
  PRIMARY KEY (database_name, schema_name, table_name, ordinal),
  FOREIGN KEY (database_name, schema_name, table_name) REFERENCES sfemu_catalog.tables
    ON DELETE CASCADE);
-- One expression each, so that PostgreSQL inlines them: a FROM would make a call per row.
CREATE OR REPLACE FUNCTION sfemu_catalog.md5_lower64(text) RETURNS numeric
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ('x' || substr(md5($1), 17, 8))::bit(32)::bigint::numeric * 4294967296
       + ('x' || substr(md5($1), 25, 8))::bit(32)::bigint::numeric $$;
CREATE OR REPLACE FUNCTION sfemu_catalog.md5_upper64(text) RETURNS numeric
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ('x' || substr(md5($1), 1, 8))::bit(32)::bigint::numeric * 4294967296
       + ('x' || substr(md5($1), 9, 8))::bit(32)::bigint::numeric $$;
-- ROUND(x, d, 'HALF_TO_EVEN'): a tie goes to the neighbour whose last kept digit is even.
CREATE OR REPLACE FUNCTION sfemu_catalog.round_half_even(x numeric, d int) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT CASE WHEN abs(x - trunc(x, d)) * power(10::numeric, d) = 0.5
                   AND mod(trunc(x, d) * power(10::numeric, d), 2) = 0
              THEN trunc(x, d) ELSE round(x, d) END $$;
CREATE OR REPLACE FUNCTION sfemu_catalog.float_text(v float8) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT CASE WHEN v = 'NaN'::float8 THEN 'NaN' WHEN v = 'Infinity'::float8 THEN 'inf'
              WHEN v = '-Infinity'::float8 THEN '-inf' ELSE v::text END $$;
CREATE OR REPLACE FUNCTION sfemu_catalog.tz_text(ts timestamptz, off int) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT to_char((ts AT TIME ZONE 'UTC') + make_interval(mins => off),
                 'YYYY-MM-DD HH24:MI:SS.MS') || ' ' ||
         CASE WHEN off = 0 THEN 'Z' ELSE
           CASE WHEN off < 0 THEN '-' ELSE '+' END ||
           lpad((abs(off) / 60)::text, 2, '0') || lpad((abs(off) % 60)::text, 2, '0') END $$;
CREATE OR REPLACE FUNCTION sfemu_catalog.variant_text(v text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT CASE WHEN left(v, 1) = '"' THEN (v::jsonb #>> '{}') ELSE v END $$;
CREATE OR REPLACE FUNCTION sfemu_catalog.nul_free(t text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE STRICT AS $$ BEGIN
  IF strpos(t, U&'\E000') > 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'SF000',
      MESSAGE = 'sfemu cannot compute this function of text that contains NUL characters';
  END IF;
  RETURN t; END $$;
-- ST_ASEWKB / ST_ASWKB: the (E)WKB of a stored GEOGRAPHY / GEOMETRY (canonical GeoJSON with
-- exact numbers, json_text.h), little-endian as the service writes it, the SRID flag and SRID
-- only when the SRID is not 0, Z when the first position has three numbers.
CREATE OR REPLACE FUNCTION sfemu_catalog.wkb_u32(v bigint) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT decode(string_agg(substr(h, 7 - 2 * i, 2), '' ORDER BY i), 'hex')
  FROM (SELECT lpad(to_hex(v), 8, '0') AS h) s, generate_series(0, 3) i $$;
CREATE OR REPLACE FUNCTION sfemu_catalog.wkb_f8(v float8) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT decode(string_agg(substr(h, 15 - 2 * i, 2), '' ORDER BY i), 'hex')
  FROM (SELECT encode(float8send(v), 'hex') AS h) s, generate_series(0, 7) i $$;
CREATE OR REPLACE FUNCTION sfemu_catalog.wkb_pos(p jsonb, dims int) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT string_agg(sfemu_catalog.wkb_f8(CASE WHEN jsonb_array_length(p) = 0 THEN 'NaN'::float8
                                              ELSE (p ->> (i - 1))::float8 END),
                    ''::bytea ORDER BY i)
  FROM generate_series(1, dims) i $$;
CREATE OR REPLACE FUNCTION sfemu_catalog.wkb_points(ps jsonb, dims int) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT sfemu_catalog.wkb_u32(jsonb_array_length(ps)) ||
         coalesce((SELECT string_agg(sfemu_catalog.wkb_pos(p, dims), ''::bytea ORDER BY n)
                   FROM jsonb_array_elements(ps) WITH ORDINALITY AS e(p, n)), ''::bytea) $$;
CREATE OR REPLACE FUNCTION sfemu_catalog.wkb_dims(j jsonb) RETURNS int
  LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  e jsonb;
  d int;
BEGIN
  IF jsonb_typeof(j) = 'object' THEN
    RETURN coalesce(sfemu_catalog.wkb_dims(j -> 'coordinates'),
                    sfemu_catalog.wkb_dims(j -> 'geometries'));
  END IF;
  IF jsonb_typeof(j) <> 'array' OR jsonb_array_length(j) = 0 THEN RETURN NULL; END IF;
  IF jsonb_typeof(j -> 0) = 'number' THEN RETURN jsonb_array_length(j); END IF;
  FOR e IN SELECT x FROM jsonb_array_elements(j) WITH ORDINALITY AS a(x, n) ORDER BY n LOOP
    d := sfemu_catalog.wkb_dims(e);
    IF d IS NOT NULL THEN RETURN d; END IF;
  END LOOP;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION sfemu_catalog.wkb(g jsonb, srid bigint) RETURNS bytea
  LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  code int := CASE g ->> 'type' WHEN 'Point' THEN 1 WHEN 'LineString' THEN 2
    WHEN 'Polygon' THEN 3 WHEN 'MultiPoint' THEN 4 WHEN 'MultiLineString' THEN 5
    WHEN 'MultiPolygon' THEN 6 WHEN 'GeometryCollection' THEN 7 END;
  dims int := coalesce(sfemu_catalog.wkb_dims(g), 2);
  c jsonb := g -> 'coordinates';
  result bytea;
  e jsonb;
BEGIN
  IF code IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'SF000',
      MESSAGE = 'sfemu cannot write the WKB of a GeoJSON ' || coalesce(g ->> 'type', 'value');
  END IF;
  result := '\x01'::bytea || sfemu_catalog.wkb_u32(
    code + CASE WHEN dims = 3 THEN 2147483648 ELSE 0 END
         + CASE WHEN srid <> 0 THEN 536870912 ELSE 0 END);
  IF srid <> 0 THEN result := result || sfemu_catalog.wkb_u32(srid); END IF;
  IF code = 1 THEN RETURN result || sfemu_catalog.wkb_pos(c, dims); END IF;
  IF code = 2 THEN RETURN result || sfemu_catalog.wkb_points(c, dims); END IF;
  IF code = 7 THEN c := g -> 'geometries'; END IF;
  result := result || sfemu_catalog.wkb_u32(jsonb_array_length(c));
  FOR e IN SELECT x FROM jsonb_array_elements(c) WITH ORDINALITY AS a(x, n) ORDER BY n LOOP
    result := result || CASE code
      WHEN 3 THEN sfemu_catalog.wkb_points(e, dims)
      WHEN 7 THEN sfemu_catalog.wkb(e, 0)
      ELSE sfemu_catalog.wkb(jsonb_build_object('type', CASE code WHEN 4 THEN 'Point'
        WHEN 5 THEN 'LineString' ELSE 'Polygon' END, 'coordinates', e), 0) END;
  END LOOP;
  RETURN result;
END $$;
CREATE OR REPLACE FUNCTION sfemu_catalog.geo_srid(v text, geography boolean) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT CASE WHEN geography THEN 4326 ELSE coalesce((v::jsonb ->> 'srid')::bigint, 0) END $$;
CREATE OR REPLACE FUNCTION sfemu_catalog.geo_wkb(v text, geography boolean, extended boolean)
  RETURNS bytea LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT sfemu_catalog.wkb(v::jsonb - 'srid',
                           CASE WHEN extended THEN sfemu_catalog.geo_srid(v, geography) ELSE 0 END)
  $$;
CREATE OR REPLACE FUNCTION sfemu_catalog.raise_text(state text, message text) RETURNS text
  LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION USING ERRCODE = state, MESSAGE = message; END $$;
-- TIME and TIMESTAMP of scale 7-9: PostgreSQL keeps microseconds, so such values are a composite
-- of the value floored to the microsecond (t) and the nanoseconds beyond it (n, 0-999). Rows
-- compare, sort, group and hash field by field, which is exact. micros() gives t (DATE_TRUNC,
-- TO_VARCHAR), ns() lifts a plain value to the composite (n = 0) for comparisons and MIN/MAX;
-- exact() and the assignment cast back to the plain type refuse to drop non-zero nanoseconds.
DO $do$
DECLARE
  k record;
  f text;
BEGIN
  FOR k IN SELECT * FROM (VALUES ('time_ns', 'time'), ('ntz_ns', 'timestamp'),
                                 ('ltz_ns', 'timestamptz')) AS v(c, b) LOOP
    CONTINUE WHEN to_regtype('sfemu_catalog.' || k.c) IS NOT NULL;
    EXECUTE format('CREATE TYPE sfemu_catalog.%1$s AS (t %2$s, n smallint)', k.c, k.b);
    EXECUTE format('CREATE FUNCTION sfemu_catalog.micros(sfemu_catalog.%1$s) RETURNS %2$s '
                   'LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS ''SELECT ($1).t''', k.c, k.b);
    EXECUTE format('CREATE FUNCTION sfemu_catalog.micros(%2$s) RETURNS %2$s '
                   'LANGUAGE sql IMMUTABLE PARALLEL SAFE AS ''SELECT $1''', k.c, k.b);
    EXECUTE format('CREATE FUNCTION sfemu_catalog.ns(sfemu_catalog.%1$s) '
                   'RETURNS sfemu_catalog.%1$s LANGUAGE sql IMMUTABLE PARALLEL SAFE '
                   'AS ''SELECT $1''', k.c);
    EXECUTE format('CREATE FUNCTION sfemu_catalog.ns(%2$s) RETURNS sfemu_catalog.%1$s '
                   'LANGUAGE sql IMMUTABLE PARALLEL SAFE AS ''SELECT CASE WHEN $1 IS NULL '
                   'THEN NULL ELSE ROW($1, 0)::sfemu_catalog.%1$s END''', k.c, k.b);
    EXECUTE format('CREATE FUNCTION sfemu_catalog.exact(v sfemu_catalog.%1$s) RETURNS %2$s '
                   'LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $b$ BEGIN '
                   'IF v.n <> 0 THEN RAISE EXCEPTION USING ERRCODE = ''SF000'', MESSAGE = '
                   '''sfemu would have to drop digits 7-9 of the fraction of '' || v.t || '
                   ''' (+'' || v.n || '' ns) here; it keeps them in comparisons, ordering, '
                   'grouping, MIN/MAX, DATE_TRUNC and values of scale 7-9 only''; END IF; '
                   'RETURN v.t; END $b$', k.c, k.b);
    EXECUTE format('CREATE CAST (sfemu_catalog.%1$s AS %2$s) '
                   'WITH FUNCTION sfemu_catalog.exact(sfemu_catalog.%1$s) AS ASSIGNMENT', k.c, k.b);
    EXECUTE format('CREATE FUNCTION sfemu_catalog.exact(%2$s) RETURNS %2$s '
                   'LANGUAGE sql IMMUTABLE PARALLEL SAFE AS ''SELECT $1''', k.c, k.b);
    EXECUTE format('CREATE CAST (%2$s AS sfemu_catalog.%1$s) '
                   'WITH FUNCTION sfemu_catalog.ns(%2$s) AS ASSIGNMENT', k.c, k.b);
    FOREACH f IN ARRAY ARRAY['least', 'greatest'] LOOP
      EXECUTE format('CREATE FUNCTION sfemu_catalog.ns_%2$s(sfemu_catalog.%1$s, '
                     'sfemu_catalog.%1$s) RETURNS sfemu_catalog.%1$s LANGUAGE sql IMMUTABLE '
                     'STRICT PARALLEL SAFE AS ''SELECT %2$s($1, $2)''', k.c, f);
      EXECUTE format('CREATE AGGREGATE sfemu_catalog.%3$s(sfemu_catalog.%1$s) '
                     '(SFUNC = sfemu_catalog.ns_%2$s, STYPE = sfemu_catalog.%1$s, '
                     'COMBINEFUNC = sfemu_catalog.ns_%2$s, PARALLEL = SAFE)', k.c, f,
                     CASE f WHEN 'least' THEN 'min' ELSE 'max' END);
    END LOOP;
  END LOOP;
END $do$;
CREATE OR REPLACE VIEW sfemu_catalog.info_columns AS
  SELECT c.database_name AS "TABLE_CATALOG", c.schema_name AS "TABLE_SCHEMA",
         c.table_name AS "TABLE_NAME", c.name AS "COLUMN_NAME", c.ordinal AS "ORDINAL_POSITION",
         NULL::text COLLATE "C" AS "COLUMN_DEFAULT",
         (CASE WHEN c.nullable THEN 'YES' ELSE 'NO' END)::text COLLATE "C" AS "IS_NULLABLE",
         c.data_type AS "DATA_TYPE", c.char_max_length AS "CHARACTER_MAXIMUM_LENGTH",
         c.char_octet_length AS "CHARACTER_OCTET_LENGTH", c.numeric_precision AS "NUMERIC_PRECISION",
         c.numeric_precision_radix AS "NUMERIC_PRECISION_RADIX", c.numeric_scale AS "NUMERIC_SCALE",
         c.datetime_precision AS "DATETIME_PRECISION",
         NULL::text COLLATE "C" AS "COMMENT"
  FROM sfemu_catalog.columns c;
CREATE OR REPLACE VIEW sfemu_catalog.info_tables AS
  SELECT t.database_name AS "TABLE_CATALOG", t.schema_name AS "TABLE_SCHEMA",
         t.name AS "TABLE_NAME", 'SYSADMIN'::text COLLATE "C" AS "TABLE_OWNER",
         'BASE TABLE'::text COLLATE "C" AS "TABLE_TYPE", 'NO'::text COLLATE "C" AS "IS_TRANSIENT",
         NULL::text COLLATE "C" AS "CLUSTERING_KEY", t.row_count AS "ROW_COUNT",
         (t.row_count * 64)::bigint AS "BYTES", 1::int AS "RETENTION_TIME",
         t.created_on AS "CREATED", t.last_altered AS "LAST_ALTERED",
         NULL::text COLLATE "C" AS "COMMENT"
  FROM sfemu_catalog.tables t;
CREATE OR REPLACE VIEW sfemu_catalog.info_schemata AS
  SELECT s.database_name AS "CATALOG_NAME", s.name AS "SCHEMA_NAME",
         'SYSADMIN'::text COLLATE "C" AS "SCHEMA_OWNER", s.created_on AS "CREATED",
         NULL::text COLLATE "C" AS "COMMENT"
  FROM sfemu_catalog.schemas s;
)SQL";

std::string Hex(const unsigned char* data, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += kHex[data[i] >> 4];
    out += kHex[data[i] & 15];
  }
  return out;
}

/// A PostgreSQL identifier for `name`, or a hashed one when it does not fit in `limit` bytes.
std::string PgIdentifier(const std::string& name, size_t limit, const std::string& prefix) {
  if (name.size() <= limit) return name;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(name.data()), name.size(), digest);
  return prefix + name.substr(0, limit - prefix.size() - 17) + "#" + Hex(digest, 8);
}

std::string ConstraintName() { return "SYS_CONSTRAINT_" + NewUuid(); }

std::optional<std::string> OptionalInt(int64_t v, bool present) {
  return present ? std::optional<std::string>(std::to_string(v)) : std::nullopt;
}

}  // namespace

std::string CatalogTable::PgQualified() const {
  return pg::QuoteIdent(pg_schema) + "." + pg::QuoteIdent(pg_table);
}

std::optional<CatalogTable> CatalogCache::Get(int64_t generation, const std::string& key) {
  std::lock_guard lock(mu_);
  if (generation != generation_) return std::nullopt;
  auto it = tables_.find(key);
  if (it == tables_.end()) return std::nullopt;
  return it->second;
}

void CatalogCache::Put(int64_t generation, const std::string& key, const CatalogTable& table) {
  std::lock_guard lock(mu_);
  if (generation > generation_) {
    tables_.clear();
    generation_ = generation;
  }
  if (generation == generation_) tables_[key] = table;
}

std::vector<std::string> PgColumnDefinitions(const CatalogColumn& column) {
  std::string name = pg::QuoteIdent(column.pg_name);
  std::string type = column.type.PgType();
  if (column.type.kind == SfKind::kText) {
    type = column.type.length < kMaxTextLength
               ? "varchar(" + std::to_string(column.type.length) + ") COLLATE \"C\""
               : "text COLLATE \"C\"";
  }
  std::string def = name + " " + type + (column.nullable ? "" : " NOT NULL");
  const SfType& t = column.type;
  if ((t.kind == SfKind::kTime || t.IsTimestamp()) && t.scale < 6) {
    // PostgreSQL keeps microseconds; digits beyond the column's scale are refused rather than
    // rounded, because Snowflake's handling of them is not emulated.
    int64_t unit = 1;
    for (int i = t.scale; i < 6; ++i) unit *= 10;
    def += " CONSTRAINT " + pg::QuoteIdent(column.pg_name + "#scale") +
           " CHECK (mod(extract(epoch from " + name + ") * 1000000, " + std::to_string(unit) +
           ") = 0)";
  }
  if (t.kind == SfKind::kBinary && t.length < kMaxBinaryLength) {
    def += " CONSTRAINT " + pg::QuoteIdent(column.pg_name + "#length") + " CHECK (octet_length(" +
           name + ") <= " + std::to_string(t.length) + ")";
  }
  if (t.kind == SfKind::kVector) {
    // Values arrive checked (casts, the loader); the column keeps the dimension regardless.
    def += " CONSTRAINT " + pg::QuoteIdent(column.pg_name + "#dimension") + " CHECK (array_ndims(" +
           name + ") = 1 AND cardinality(" + name + ") = " + std::to_string(t.dimension) +
           " AND array_position(" + name + ", NULL) IS NULL)";
  }
  std::vector<std::string> defs = {def};
  if (t.kind == SfKind::kTimestampTz) {
    std::string off = pg::QuoteIdent(column.OffsetPgName());
    defs.push_back(off + " smallint CHECK ((" + off + " IS NULL) = (" + name + " IS NULL))");
  }
  return defs;
}

PgCatalog::PgCatalog(Connection& conn, CatalogCache* cache, int64_t generation)
    : conn_(conn), cache_(cache), generation_(generation) {}

void PgCatalog::Bootstrap(Connection& conn) {
  conn.Exec("BEGIN");
  conn.Exec("SELECT pg_advisory_xact_lock(7152431)");
  conn.Exec(kBootstrapSql);
  // Case mapping follows Unicode in Snowflake; the C collation only maps ASCII, so UPPER and
  // LOWER go through an ICU (or UTF-8 libc) collation when the server has one.
  std::string collation = "C";
  for (const char* candidate : {"und-x-icu", "C.utf8", "en_US.utf8"}) {
    if (conn.Exec("SELECT 1 FROM pg_collation WHERE collname = $1", {std::string(candidate)})
            .rows()) {
      collation = candidate;
      break;
    }
  }
  for (const char* fn : {"upper", "lower"}) {
    conn.Exec(std::string("CREATE OR REPLACE FUNCTION sfemu_catalog.sf_") + fn +
              "(t text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT " + fn +
              "(t COLLATE " + pg::QuoteIdent(collation) + ") $$");
  }
  conn.Exec("COMMIT");
}

int64_t PgCatalog::ReadGeneration(Connection& conn) {
  return conn.Exec("SELECT generation FROM sfemu_catalog.meta WHERE id = 1").GetInt(0, 0);
}

void PgCatalog::BumpGeneration(Connection& conn) {
  conn.Exec("UPDATE sfemu_catalog.meta SET generation = generation + 1 WHERE id = 1");
}

bool PgCatalog::HasDatabase(const std::string& database) {
  return conn_.Exec("SELECT 1 FROM sfemu_catalog.databases WHERE name = $1", {database}).rows() > 0;
}

bool PgCatalog::HasSchema(const std::string& database, const std::string& schema) {
  return PgSchemaOf(database, schema).has_value();
}

std::optional<std::string> PgCatalog::PgSchemaOf(const std::string& database,
                                                 const std::string& schema) {
  auto r = conn_.Exec(
      "SELECT pg_schema FROM sfemu_catalog.schemas WHERE database_name = $1 AND name = $2",
      {database, schema});
  if (r.rows() == 0) return std::nullopt;
  return std::string(r.Get(0, 0));
}

std::optional<CatalogTable> PgCatalog::FindTable(const std::string& database,
                                                 const std::string& schema,
                                                 const std::string& name) {
  std::string key = database + '\x1f' + schema + '\x1f' + name;
  if (cache_) {
    if (auto hit = cache_->Get(generation_, key)) return hit;
  }
  auto t = conn_.Exec(
      "SELECT s.pg_schema, t.pg_table, t.pk_constraint, t.row_count, "
      "(extract(epoch from t.created_on) * 1000)::bigint "
      "FROM sfemu_catalog.tables t JOIN sfemu_catalog.schemas s "
      "ON s.database_name = t.database_name AND s.name = t.schema_name "
      "WHERE t.database_name = $1 AND t.schema_name = $2 AND t.name = $3",
      {database, schema, name});
  if (t.rows() == 0) return std::nullopt;
  CatalogTable table;
  table.database = database;
  table.schema = schema;
  table.name = name;
  table.pg_schema = t.Get(0, 0);
  table.pg_table = t.Get(0, 1);
  table.pk_constraint = t.Get(0, 2);
  table.row_count = t.GetInt(0, 3);
  table.created_on_ms = t.GetInt(0, 4);
  auto c = conn_.Exec(
      "SELECT name, sf_type, nullable, pk_position, pg_name FROM sfemu_catalog.columns "
      "WHERE database_name = $1 AND schema_name = $2 AND table_name = $3 ORDER BY ordinal",
      {database, schema, name});
  for (int i = 0; i < c.rows(); ++i) {
    CatalogColumn col;
    col.name = c.Get(i, 0);
    auto type = ParseSfTypeText(c.Get(i, 1));
    if (!type) throw InternalError("catalog holds an unknown type: " + std::string(c.Get(i, 1)));
    col.type = *type;
    col.nullable = c.Get(i, 2) == "t";
    col.pk_position = static_cast<int>(c.GetInt(i, 3));
    col.pg_name = c.Get(i, 4);
    table.columns.push_back(std::move(col));
  }
  if (cache_) cache_->Put(generation_, key, table);
  return table;
}

bool PgCatalog::CreateDatabase(const std::string& database) {
  auto r = conn_.Exec(
      "INSERT INTO sfemu_catalog.databases (name) VALUES ($1) ON CONFLICT DO NOTHING", {database});
  if (r.Affected() == 0) return false;
  CreateSchema(database, "PUBLIC");
  return true;
}

bool PgCatalog::CreateSchema(const std::string& database, const std::string& schema) {
  if (PgSchemaOf(database, schema)) return false;
  std::string pg_schema = PgIdentifier(database + "." + schema, 63, "s#");
  conn_.Exec(
      "INSERT INTO sfemu_catalog.schemas (database_name, name, pg_schema) VALUES ($1, $2, $3)",
      {database, schema, pg_schema});
  conn_.Exec("CREATE SCHEMA IF NOT EXISTS " + pg::QuoteIdent(pg_schema));
  return true;
}

bool PgCatalog::DropSchema(const std::string& database, const std::string& schema) {
  auto pg_schema = PgSchemaOf(database, schema);
  if (!pg_schema) return false;
  conn_.Exec("DROP SCHEMA IF EXISTS " + pg::QuoteIdent(*pg_schema) + " CASCADE");
  conn_.Exec("DELETE FROM sfemu_catalog.schemas WHERE database_name = $1 AND name = $2",
             {database, schema});
  return true;
}

bool PgCatalog::DropDatabase(const std::string& database) {
  if (!HasDatabase(database)) return false;
  auto schemas =
      conn_.Exec("SELECT name FROM sfemu_catalog.schemas WHERE database_name = $1", {database});
  for (int i = 0; i < schemas.rows(); ++i) DropSchema(database, std::string(schemas.Get(i, 0)));
  conn_.Exec("DELETE FROM sfemu_catalog.databases WHERE name = $1", {database});
  return true;
}

void PgCatalog::CreateTable(CatalogTable& table) {
  auto pg_schema = PgSchemaOf(table.database, table.schema);
  if (!pg_schema) throw InternalError("CreateTable without its schema");
  table.pg_schema = *pg_schema;
  table.pg_table = PgIdentifier(table.name, 60, "t#");
  table.pk_constraint = ConstraintName();
  std::vector<std::string> defs;
  std::vector<std::string> pk;
  for (size_t i = 0; i < table.columns.size(); ++i) {
    auto& col = table.columns[i];
    bool plain = col.name.size() <= 52 && col.name.find('#') == std::string::npos;
    col.pg_name = plain ? col.name : "col#" + std::to_string(i + 1);
    for (auto& d : PgColumnDefinitions(col)) defs.push_back(std::move(d));
  }
  std::string ddl = "CREATE TABLE " + table.PgQualified() + " (";
  for (size_t i = 0; i < defs.size(); ++i) ddl += (i ? ", " : "") + defs[i];
  conn_.Exec(ddl + ")");
  conn_.Exec(
      "INSERT INTO sfemu_catalog.tables (database_name, schema_name, name, pg_table, "
      "pk_constraint) VALUES ($1, $2, $3, $4, $5)",
      {table.database, table.schema, table.name, table.pg_table, table.pk_constraint});
  std::vector<std::pair<int, std::string>> key;
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const auto& col = table.columns[i];
    const SfType& t = col.type;
    bool text = t.kind == SfKind::kText, binary = t.kind == SfKind::kBinary;
    bool fixed = t.kind == SfKind::kFixed, temporal = t.kind == SfKind::kTime || t.IsTimestamp();
    conn_.Exec(
        "INSERT INTO sfemu_catalog.columns (database_name, schema_name, table_name, ordinal, "
        "name, sf_type, nullable, pk_position, pg_name, data_type, char_max_length, "
        "char_octet_length, numeric_precision, numeric_precision_radix, numeric_scale, "
        "datetime_precision) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)",
        {table.database, table.schema, table.name, std::to_string(i + 1), col.name,
         t.DeclaredName(), col.nullable ? "t" : "f", std::to_string(col.pk_position), col.pg_name,
         std::string(t.InfoSchemaName()), OptionalInt(t.length, text || binary),
         OptionalInt(text ? t.ByteLength() : t.length, text || binary),
         OptionalInt(t.precision, fixed), OptionalInt(10, fixed), OptionalInt(t.scale, fixed),
         OptionalInt(t.scale, temporal)});
    if (col.pk_position > 0) key.emplace_back(col.pk_position, pg::QuoteIdent(col.pg_name));
  }
  if (!key.empty()) {
    // Snowflake does not enforce primary keys; an ordinary index keeps key-ordered reads fast.
    std::sort(key.begin(), key.end());
    std::string cols;
    for (const auto& [pos, name] : key) cols += (cols.empty() ? "" : ", ") + name;
    conn_.Exec("CREATE INDEX ON " + table.PgQualified() + " (" + cols + ")");
  }
}

bool PgCatalog::DropTable(const std::string& database, const std::string& schema,
                          const std::string& name) {
  auto table = FindTable(database, schema, name);
  if (!table) return false;
  conn_.Exec("DROP TABLE IF EXISTS " + table->PgQualified());
  conn_.Exec(
      "DELETE FROM sfemu_catalog.tables WHERE database_name = $1 AND schema_name = $2 AND "
      "name = $3",
      {database, schema, name});
  return true;
}

void PgCatalog::AdjustRowCount(const CatalogTable& table, int64_t delta, bool absolute) {
  conn_.Exec(std::string("UPDATE sfemu_catalog.tables SET row_count = ") +
                 (absolute ? "$4" : "row_count + $4") +
                 ", last_altered = now() WHERE database_name = $1 AND schema_name = $2 AND "
                 "name = $3",
             {table.database, table.schema, table.name, std::to_string(delta)});
}

std::vector<CatalogTable> PgCatalog::ListTables(const std::string& database,
                                                const std::string& schema) {
  auto r = conn_.Exec(
      "SELECT database_name, schema_name, name FROM sfemu_catalog.tables "
      "WHERE ($1::text IS NULL OR database_name = $1) AND ($2::text IS NULL OR schema_name = $2) "
      "ORDER BY database_name, schema_name, name",
      {database.empty() ? std::nullopt : std::optional<std::string>(database),
       schema.empty() ? std::nullopt : std::optional<std::string>(schema)});
  std::vector<CatalogTable> out;
  for (int i = 0; i < r.rows(); ++i) {
    if (auto t = FindTable(std::string(r.Get(i, 0)), std::string(r.Get(i, 1)),
                           std::string(r.Get(i, 2)))) {
      out.push_back(std::move(*t));
    }
  }
  return out;
}

}  // namespace sf2pg::sfemu
