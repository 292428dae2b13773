#!/usr/bin/env python3
"""Writes type_cases.json: the shared table of Snowflake values that holds both sfemu (which
must produce `wire` from `input`) and the client's decoder (which must turn `wire` into a
PostgreSQL value whose text is `pg_text`). Run it after editing the cases below.

Fields of a case:
  id        unique name
  sf_type   declared Snowflake column type
  input     the value as sfemu's loader takes it (CSV text; null = SQL NULL)
  wire      the SQL API's JSON value for it (a string, or null)
  row_type  {type, precision, scale} as resultSetMetaData.rowType reports the column; for
            vectors {type, vector_dimension, vector_element}: vectorDimension, fields[0].type
  pg_type   the PostgreSQL column the decoder writes it into
  pg_text   the value read back with `col::text` in a UTC session (null = SQL NULL)
  sfemu     false when sfemu cannot store the value exactly and must refuse it
  pg_error  when set, decoding must fail with a DataError containing this text
"""
import datetime as dt
import json
import os

EPOCH = dt.datetime(1970, 1, 1)
cases = []


def add(id, sf_type, input, wire, row_type, pg_type, pg_text, sfemu=True, pg_error=None):
    case = dict(id=id, sf_type=sf_type, input=input, wire=wire, row_type=row_type,
                pg_type=pg_type, pg_text=pg_text, sfemu=sfemu)
    if pg_error:
        case["pg_error"] = pg_error
    cases.append(case)


def fixed(p, s):
    return {"type": "fixed", "precision": p, "scale": s}


def rt(t, scale=None):
    r = {"type": t}
    if scale is not None:
        r["precision"] = 0
        r["scale"] = scale
    return r


# --- NUMBER ---------------------------------------------------------------------------
for id, p, s, value, pg_type in [
    ("number_38_0_small", 38, 0, "42", "numeric(38,0)"),
    ("number_38_0_negative", 38, 0, "-42", "numeric(38,0)"),
    ("number_38_0_zero", 38, 0, "0", "numeric(38,0)"),
    ("number_38_0_beyond_int64", 38, 0, "98765432109876543210987654321", "numeric(38,0)"),
    ("number_38_0_max_digits", 38, 0, "99999999999999999999999999999999999999", "numeric(38,0)"),
    ("number_38_0_min_digits", 38, 0, "-99999999999999999999999999999999999999", "numeric(38,0)"),
    ("number_38_0_int64_max_into_bigint", 38, 0, "9223372036854775807", "bigint"),
    ("number_38_0_int64_min_into_bigint", 38, 0, "-9223372036854775808", "bigint"),
    ("number_18_0_into_bigint", 18, 0, "123456789012345678", "bigint"),
    ("number_9_0_into_integer", 9, 0, "-123456789", "integer"),
    ("number_4_0_into_smallint", 4, 0, "-9999", "smallint"),
    ("number_38_0_unconstrained_numeric", 38, 0, "12345678901234567890", "numeric"),
]:
    add(id, f"NUMBER({p},{s})", value, value, fixed(p, s), pg_type, value)

for id, p, s, value, wire in [
    ("number_10_4_pads_scale", 10, 4, "12.5", "12.5000"),
    ("number_10_2_negative_fraction", 10, 2, "-0.01", "-0.01"),
    ("number_10_2_zero", 10, 2, "0", "0.00"),
    ("number_38_2_large", 38, 2, "123456789012345678901234567890123456.78",
     "123456789012345678901234567890123456.78"),
    ("number_38_37_tiny", 38, 37, "0.1234567890123456789012345678901234567",
     "0.1234567890123456789012345678901234567"),
    ("number_38_37_negative_tiny", 38, 37, "-0.0000000000000000000000000000000000001",
     "-0.0000000000000000000000000000000000001"),
    ("number_12_6_many_groups", 12, 6, "123456.000001", "123456.000001"),
    ("number_20_10_trailing_zeros", 20, 10, "1.1", "1.1000000000"),
    ("number_5_5_leading_zero", 5, 5, "0.00010", "0.00010"),
]:
    add(id, f"NUMBER({p},{s})", value, wire, fixed(p, s), f"numeric({p},{s})", wire)

add("number_10_2_overflows_target", "NUMBER(10,2)", "12345678.91", "12345678.91", fixed(10, 2),
    "numeric(6,2)", None, pg_error="does not fit numeric(6,2)")
add("number_38_0_overflows_bigint", "NUMBER(38,0)", "9223372036854775808", "9223372036854775808",
    fixed(38, 0), "bigint", None, pg_error="out of range for bigint")
add("number_38_0_overflows_integer", "NUMBER(38,0)", "2147483648", "2147483648", fixed(38, 0),
    "integer", None, pg_error="out of range for integer")
add("number_10_2_fraction_into_bigint", "NUMBER(10,2)", "1.50", "1.50", fixed(10, 2), "bigint",
    None, pg_error="has a fraction")
add("number_10_2_whole_into_bigint", "NUMBER(10,2)", "7", "7.00", fixed(10, 2), "bigint", "7")
add("number_null", "NUMBER(38,0)", None, None, fixed(38, 0), "numeric(38,0)", None)

# --- FLOAT ------------------------------------------------------------------------------
for id, value, wire, pg in [
    ("float_simple", "1.5", "1.5", "1.5"),
    ("float_negative", "-2.25", "-2.25", "-2.25"),
    ("float_tenth", "0.1", "0.1", "0.1"),
    ("float_large", "1e308", "1e+308", "1e+308"),
    ("float_subnormal", "5e-324", "5e-324", "5e-324"),
    ("float_integer_valued", "123456789", "123456789", "123456789"),
    ("float_nan", "NaN", "NaN", "NaN"),
    ("float_inf", "inf", "inf", "Infinity"),
    ("float_negative_inf", "-inf", "-inf", "-Infinity"),
    ("float_negative_zero", "-0", "-0", "-0"),
]:
    add(id, "FLOAT", value, wire, rt("real"), "double precision", pg)
add("float_null", "FLOAT", None, None, rt("real"), "double precision", None)
add("float_into_real", "FLOAT", "0.5", "0.5", rt("real"), "real", "0.5")

# --- TEXT -------------------------------------------------------------------------------
text_rt = {"type": "text", "length": 16777216}
for id, value in [
    ("text_ascii", "Ada Lovelace"),
    ("text_empty", ""),
    ("text_accents", "Zoë Brontë"),
    ("text_spec_example", "Zoë"),
    ("text_cjk", "東京都"),
    ("text_emoji", "🚀 launch"),
    ("text_quotes_and_backslash", "O'Brien \"quoted\" C:\\path"),
    ("text_newline_tab", "line1\nline2\tcol"),
    ("text_leading_trailing_spaces", "  padded  "),
    ("text_control_char", "bell\u0007char"),
    ("text_looks_like_null", "NULL"),
    ("text_backslash_n_literal", "\\N"),
    ("text_long", "x" * 10000),
]:
    add(id, "VARCHAR", value, value, text_rt, "text", value)
add("text_null", "VARCHAR", None, None, text_rt, "text", None)
add("text_varchar_limit_ok", "VARCHAR(5)", "abcde", "abcde", {"type": "text", "length": 5},
    "character varying(5)", "abcde")
add("text_varchar_too_long_for_target", "VARCHAR(10)", "abcdefghij", "abcdefghij",
    {"type": "text", "length": 10}, "character varying(5)", None,
    pg_error="longer than 5 characters")
add("text_nul_byte", "VARCHAR", "a\u0000b", "a\u0000b", text_rt, "text", None,
    pg_error="NUL byte")
add("text_uuid", "VARCHAR(36)", "0b5e3f1c-6b2a-4c59-9f3e-2a1b8c7d6e5f",
    "0b5e3f1c-6b2a-4c59-9f3e-2a1b8c7d6e5f", {"type": "text", "length": 36}, "uuid",
    "0b5e3f1c-6b2a-4c59-9f3e-2a1b8c7d6e5f")
add("text_bad_uuid", "VARCHAR(36)", "not-a-uuid", "not-a-uuid", {"type": "text", "length": 36},
    "uuid", None, pg_error="not a UUID")

# --- BINARY -----------------------------------------------------------------------------
bin_rt = {"type": "binary", "length": 8388608}
add("binary_simple", "BINARY", "CAFE01", "CAFE01", bin_rt, "bytea", "\\xcafe01")
add("binary_empty", "BINARY", "", "", bin_rt, "bytea", "\\x")
add("binary_all_bytes", "BINARY", "00FF7F80", "00FF7F80", bin_rt, "bytea", "\\x00ff7f80")
add("binary_lower_case_wire", "BINARY", "abcdef", "ABCDEF", bin_rt, "bytea", "\\xabcdef")
add("binary_null", "BINARY", None, None, bin_rt, "bytea", None)

# --- BOOLEAN ----------------------------------------------------------------------------
add("boolean_true", "BOOLEAN", "true", "true", rt("boolean"), "boolean", "true")
add("boolean_false", "BOOLEAN", "false", "false", rt("boolean"), "boolean", "false")
add("boolean_null", "BOOLEAN", None, None, rt("boolean"), "boolean", None)

# --- DATE -------------------------------------------------------------------------------
for id, value in [
    ("date_recent", "2023-07-14"),
    ("date_epoch", "1970-01-01"),
    ("date_before_epoch", "1969-12-31"),
    ("date_1900", "1900-01-01"),
    ("date_after_2038", "2100-12-31"),
    ("date_year_1", "0001-01-01"),
    ("date_year_9999", "9999-12-31"),
    ("date_leap_day", "2024-02-29"),
]:
    days = (dt.date.fromisoformat(value) - dt.date(1970, 1, 1)).days
    add(id, "DATE", value, str(days), rt("date"), "date", value)
add("date_null", "DATE", None, None, rt("date"), "date", None)

# --- TIME -------------------------------------------------------------------------------


def seconds_text(total_ns, scale):
    """Snowflake's rendering: seconds, '.', then `scale` digits; signed for negatives."""
    neg = total_ns < 0
    total_ns = abs(total_ns)
    sec, ns = divmod(total_ns, 10**9)
    text = str(sec)
    if scale > 0:
        text += "." + f"{ns:09d}"[:scale]
    return ("-" if neg else "") + text


def time_ns(text):
    h, m, rest = text.split(":")
    if "." in rest:
        s, frac = rest.split(".")
        frac = (frac + "000000000")[:9]
    else:
        s, frac = rest, "0"
    return ((int(h) * 60 + int(m)) * 60 + int(s)) * 10**9 + int(frac)


for id, scale, value, pg in [
    ("time_9_fraction", 9, "09:30:15.25", "09:30:15.25"),
    ("time_0_whole", 0, "09:30:15", "09:30:15"),
    ("time_3", 3, "23:59:59.999", "23:59:59.999"),
    ("time_midnight", 9, "00:00:00", "00:00:00"),
    ("time_6_micro", 6, "12:00:00.000001", "12:00:00.000001"),
    ("time_2_spec_example", 2, "09:30:15.25", "09:30:15.25"),
]:
    add(id, f"TIME({scale})", value, seconds_text(time_ns(value), scale), rt("time", scale),
        "time without time zone", pg)
add("time_9_nanoseconds_round", "TIME(9)", "09:30:15.123456789", "34215.123456789",
    rt("time", 9), "time without time zone", "09:30:15.123457")
add("time_9_nanoseconds_tie_even", "TIME(9)", "09:30:15.123456500", "34215.123456500",
    rt("time", 9), "time without time zone", "09:30:15.123456")
add("time_9_nanoseconds_carry_second", "TIME(9)", "09:30:15.999999999", "34215.999999999",
    rt("time", 9), "time without time zone", "09:30:16")
add("time_3_nanoseconds_beyond_scale", "TIME(3)", "09:30:15.123456789", "34215.123",
    rt("time", 3), "time without time zone", "09:30:15.123", sfemu=False)
add("time_null", "TIME(9)", None, None, rt("time", 9), "time without time zone", None)

# --- TIMESTAMP_NTZ / LTZ / TZ -------------------------------------------------------------


def ts_ns(text):
    """'YYYY-MM-DD HH:MM:SS[.f] [+HH:MM]' -> (ns since epoch of the UTC instant, offset min)."""
    parts = text.split(" ")
    date, time = parts[0], parts[1]
    offset = 0
    if len(parts) > 2:
        sign = -1 if parts[2][0] == "-" else 1
        hh, mm = parts[2][1:].split(":")
        offset = sign * (int(hh) * 60 + int(mm))
    d = dt.date.fromisoformat(date)
    days = (d - dt.date(1970, 1, 1)).days
    ns = days * 86400 * 10**9 + time_ns(time) - offset * 60 * 10**9
    return ns, offset


def pg_ts(text, with_zone):
    """PostgreSQL's text for the value in a UTC session."""
    ns, _ = ts_ns(text)
    us, rest = divmod(ns, 1000)  # digits 7-9 round half to even, as sf2pg rounds them
    if rest > 500 or (rest == 500 and us % 2 == 1):
        us += 1
    base = dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=us)
    s = base.isoformat(sep=" ")
    if "." in s:
        s = s.rstrip("0")
    return s + ("+00" if with_zone else "")


for id, scale, value in [
    ("ntz_9_fraction", 9, "2023-07-14 09:30:15.25"),
    ("ntz_3", 3, "2023-07-14 09:30:15.25"),
    ("ntz_0", 0, "2023-07-14 09:30:15"),
    ("ntz_epoch", 9, "1970-01-01 00:00:00"),
    ("ntz_before_epoch_fraction", 9, "1969-12-31 23:59:59.25"),
    ("ntz_1900", 9, "1900-01-01 12:00:00"),
    ("ntz_after_2038", 9, "2100-06-30 08:00:00.5"),
    ("ntz_year_9999", 9, "9999-12-31 23:59:59.999999"),
    ("ntz_year_1", 9, "0001-01-01 00:00:00"),
    ("ntz_micro", 6, "2020-02-29 13:14:15.000001"),
]:
    ns, _ = ts_ns(value)
    add(id, f"TIMESTAMP_NTZ({scale})", value, seconds_text(ns, scale), rt("timestamp_ntz", scale),
        "timestamp without time zone", pg_ts(value, False))
add("ntz_nanoseconds_round_up", "TIMESTAMP_NTZ(9)", "2023-07-14 09:30:15.123456789",
    "1689327015.123456789", rt("timestamp_ntz", 9), "timestamp without time zone",
    "2023-07-14 09:30:15.123457")
add("ntz_nanoseconds_half_even_down", "TIMESTAMP_NTZ(9)", "2023-07-14 09:30:15.123456500",
    "1689327015.123456500", rt("timestamp_ntz", 9), "timestamp without time zone",
    "2023-07-14 09:30:15.123456")
add("ntz_nanoseconds_half_even_up", "TIMESTAMP_NTZ(9)", "2023-07-14 09:30:15.123457500",
    "1689327015.123457500", rt("timestamp_ntz", 9), "timestamp without time zone",
    "2023-07-14 09:30:15.123458")
for id, value in [
    ("ntz_nanoseconds_carry_second", "2023-07-14 09:30:15.999999999"),
    ("ntz_nanoseconds_carry_day", "2023-12-31 23:59:59.999999500"),
    ("ntz_nanoseconds_before_epoch", "1969-12-31 23:59:59.123456789"),
    ("ntz_nanoseconds_before_epoch_tie", "1969-12-31 23:59:59.000000500"),
    ("ntz_nanoseconds_1900", "1900-01-01 00:00:00.000000001"),
]:
    ns, _ = ts_ns(value)
    add(id, "TIMESTAMP_NTZ(9)", value, seconds_text(ns, 9), rt("timestamp_ntz", 9),
        "timestamp without time zone", pg_ts(value, False))
add("ntz_6_nanoseconds_beyond_scale", "TIMESTAMP_NTZ(6)", "2023-07-14 09:30:15.123456789",
    "1689327015.123456", rt("timestamp_ntz", 6), "timestamp without time zone",
    "2023-07-14 09:30:15.123456", sfemu=False)
add("ntz_null", "TIMESTAMP_NTZ(9)", None, None, rt("timestamp_ntz", 9),
    "timestamp without time zone", None)

for id, scale, value in [
    ("ltz_9", 9, "2023-07-14 09:30:15.25 +00:00"),
    ("ltz_before_epoch", 9, "1965-03-01 10:00:00 +00:00"),
    ("ltz_after_2038", 3, "2040-01-01 00:00:00.001 +00:00"),
    ("ltz_nanoseconds", 9, "2023-07-14 09:30:15.123456789 +00:00"),
    ("ltz_nanoseconds_tie_even", 9, "2023-07-14 09:30:15.123457500 +00:00"),
    ("ltz_nanoseconds_before_epoch", 9, "1969-07-20 20:17:40.999999999 +00:00"),
]:
    ns, _ = ts_ns(value)
    add(id, f"TIMESTAMP_LTZ({scale})", value, seconds_text(ns, scale), rt("timestamp_ltz", scale),
        "timestamp with time zone", pg_ts(value, True))
add("ltz_null", "TIMESTAMP_LTZ(9)", None, None, rt("timestamp_ltz", 9),
    "timestamp with time zone", None)

for id, scale, value in [
    ("tz_positive_offset", 9, "2023-07-14 09:30:15.25 +05:30"),
    ("tz_negative_offset", 9, "2023-07-14 09:30:15.25 -08:00"),
    ("tz_utc", 9, "2023-07-14 09:30:15.25 +00:00"),
    ("tz_0_scale", 0, "2023-07-14 09:30:15 +01:00"),
    ("tz_before_epoch", 9, "1950-06-15 12:00:00 -03:00"),
    ("tz_max_offset", 9, "2023-01-01 00:00:00 +14:00"),
    ("tz_after_2038", 6, "2050-12-31 23:59:59.123456 +09:00"),
    ("tz_nanoseconds", 9, "2023-07-14 09:30:15.123456789 +05:30"),
    ("tz_nanoseconds_tie_even", 9, "2023-07-14 09:30:15.123456500 -08:00"),
    ("tz_nanoseconds_carry_day", 9, "2023-12-31 23:59:59.999999999 +01:00"),
    ("tz_nanoseconds_before_epoch", 9, "1950-06-15 12:00:00.000000999 -03:00"),
]:
    ns, offset = ts_ns(value)
    add(id, f"TIMESTAMP_TZ({scale})", value, f"{seconds_text(ns, scale)} {offset + 1440}",
        rt("timestamp_tz", scale), "timestamp with time zone", pg_ts(value, True))
add("tz_into_text_keeps_offset", "TIMESTAMP_TZ(9)", "2023-07-14 09:30:15.25 +05:30",
    "1689307215.250000000 1770", rt("timestamp_tz", 9), "text",
    "2023-07-14 09:30:15.25+05:30")
add("tz_null", "TIMESTAMP_TZ(9)", None, None, rt("timestamp_tz", 9), "timestamp with time zone",
    None)
add("ntz_into_timestamptz_is_utc", "TIMESTAMP_NTZ(9)", "2023-07-14 09:30:15",
    "1689327015.000000000", rt("timestamp_ntz", 9), "timestamp with time zone",
    "2023-07-14 09:30:15+00")

# --- VARIANT / OBJECT / ARRAY / GEOGRAPHY -------------------------------------------------


def pretty(value):
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)


def pg_jsonb(value):
    # PostgreSQL prints jsonb with ", " and ": " separators and keys ordered by length, then
    # bytes.
    def render(v):
        if isinstance(v, dict):
            keys = sorted(v, key=lambda k: (len(k.encode()), k.encode()))
            return "{" + ", ".join(json.dumps(k, ensure_ascii=False) + ": " + render(v[k])
                                   for k in keys) + "}"
        if isinstance(v, list):
            return "[" + ", ".join(render(x) for x in v) + "]"
        return json.dumps(v, ensure_ascii=False)
    return render(value)


for id, sf_type, value in [
    ("variant_object", "VARIANT", {"k": [1, 2]}),
    ("variant_nested", "VARIANT", {"patient": {"id": 7, "tags": ["a", "b"]}, "active": True}),
    ("variant_string", "VARIANT", "s"),
    ("variant_number", "VARIANT", 1),
    ("variant_decimal", "VARIANT", 12.5),
    ("variant_json_null", "VARIANT", None),
    ("variant_unicode", "VARIANT", {"name": "Zoë", "city": "東京"}),
    ("variant_empty_object", "VARIANT", {}),
    ("variant_keys_sorted", "VARIANT", {"zeta": 1, "alpha": 2, "mid": 3}),
    ("object_simple", "OBJECT", {"a": 1}),
    ("array_numbers", "ARRAY", [1, 2, 3]),
    ("array_empty", "ARRAY", []),
    ("array_mixed", "ARRAY", ["x", 1, None, {"k": "v"}]),
]:
    rtype = sf_type.lower()
    add(id, sf_type, json.dumps(value), pretty(value), rt(rtype), "jsonb", pg_jsonb(value))
add("array_sql_null_element", "ARRAY", "[1, undefined]", "[\n  1,\n  undefined\n]", rt("array"),
    "jsonb", "[1, null]")
add("variant_into_json_keeps_text", "VARIANT", '{"b": 1, "a": 2}', pretty({"a": 2, "b": 1}),
    rt("variant"), "json", pretty({"a": 2, "b": 1}))
add("variant_into_text", "VARIANT", '{"a": 1}', pretty({"a": 1}), rt("variant"), "text",
    pretty({"a": 1}))
add("variant_nul_in_string", "VARIANT", '{"a": "x\\u0000y"}', '{\n  "a": "x\\u0000y"\n}',
    rt("variant"), "jsonb", None, pg_error="NUL")
add("variant_null", "VARIANT", None, None, rt("variant"), "jsonb", None)
point = {"coordinates": [1, 2], "type": "Point"}
geo_rt = {"type": "object", "ext_type": "GEOGRAPHY"}
add("geography_point", "GEOGRAPHY", json.dumps(point), pretty(point), geo_rt, "jsonb",
    pg_jsonb(point))

# --- GEOGRAPHY / GEOMETRY with PostGIS -----------------------------------------------------
# These are the GeoJSON wire texts and sf2pg's GeoJSON to EWKB conversion: the same doubles,
# GEOGRAPHY's SRID 4326, GEOMETRY's SRID from the target column's declaration (GeoJSON carries
# none). A migration selects ST_ASEWKB for such targets instead, which keeps each GEOMETRY's own
# SRID (tests/integration/e2e/types_test.cc). pg_text is ST_AsEWKT(v, 17): each coordinate's
# shortest text, and the SRID. GEOGRAPHY numbers arrive in their shortest form, GEOMETRY
# numbers in exponent form with 15 decimals (spec section 4).


def geometry_pretty(value, indent=0):
    pad = " " * indent
    if isinstance(value, dict):
        items = [f'{pad}  {json.dumps(k)}: {geometry_pretty(value[k], indent + 2)}'
                 for k in sorted(value)]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        items = [pad + "  " + geometry_pretty(v, indent + 2) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    if isinstance(value, str):
        return json.dumps(value)
    return "%.15e" % value


geom_rt = {"type": "object", "ext_type": "GEOMETRY"}
square = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]
hole = [[1, 1], [1, 2], [2, 2], [2, 1], [1, 1]]
for id, value, ewkt in [
    ("geography_point_postgis", {"coordinates": [-122.35, 37.55], "type": "Point"},
     "POINT(-122.35 37.55)"),
    ("geography_exact_coordinates",
     {"coordinates": [0.30000000000000004, -33.86785000000001], "type": "Point"},
     "POINT(0.30000000000000004 -33.86785000000001)"),
    ("geography_linestring", {"coordinates": [[-124.2, 42], [-120.01, 41.99]],
                              "type": "LineString"}, "LINESTRING(-124.2 42,-120.01 41.99)"),
    ("geography_polygon_with_hole", {"coordinates": [square, hole], "type": "Polygon"},
     "POLYGON((0 0,10 0,10 10,0 10,0 0),(1 1,1 2,2 2,2 1,1 1))"),
    ("geography_multipoint", {"coordinates": [[1, 2], [3, 4]], "type": "MultiPoint"},
     "MULTIPOINT(1 2,3 4)"),
    ("geography_multilinestring", {"coordinates": [[[1, 2], [3, 4]], [[5, 6], [7, 8]]],
                                   "type": "MultiLineString"},
     "MULTILINESTRING((1 2,3 4),(5 6,7 8))"),
    ("geography_multipolygon", {"coordinates": [[square, hole], [[[20, 20], [21, 20], [21, 21],
                                                                  [20, 20]]]],
                                "type": "MultiPolygon"},
     "MULTIPOLYGON(((0 0,10 0,10 10,0 10,0 0),(1 1,1 2,2 2,2 1,1 1)),((20 20,21 20,21 21,20 20)))"),
    ("geography_collection", {"geometries": [{"coordinates": [1, 2], "type": "Point"},
                                             {"coordinates": [[1, 2], [3, 4]],
                                              "type": "LineString"}],
                              "type": "GeometryCollection"},
     "GEOMETRYCOLLECTION(POINT(1 2),LINESTRING(1 2,3 4))"),
    ("geography_empty_collection", {"geometries": [], "type": "GeometryCollection"},
     "GEOMETRYCOLLECTION EMPTY"),
]:
    add(id, "GEOGRAPHY", json.dumps(value), pretty(value), geo_rt, "geography",
        "SRID=4326;" + ewkt)
add("geography_null_postgis", "GEOGRAPHY", None, None, geo_rt, "geography", None)

for id, value, pg_type, ewkt in [
    ("geometry_point", {"coordinates": [3, -1.5], "type": "Point"}, "geometry",
     "POINT(3 -1.5)"),
    ("geometry_declared_srid", {"coordinates": [3, -1.5], "type": "Point"},
     "geometry(Point,3857)", "SRID=3857;POINT(3 -1.5)"),
    ("geometry_fractions", {"coordinates": [0.1, -1234567.125], "type": "Point"}, "geometry",
     "POINT(0.1 -1234567.125)"),
    ("geometry_polygon_with_hole", {"coordinates": [square, hole], "type": "Polygon"},
     "geometry", "POLYGON((0 0,10 0,10 10,0 10,0 0),(1 1,1 2,2 2,2 1,1 1))"),
    ("geometry_multipoint", {"coordinates": [[1, 2], [3, 4]], "type": "MultiPoint"}, "geometry",
     "MULTIPOINT(1 2,3 4)"),
    ("geometry_collection", {"geometries": [{"coordinates": [1, 2], "type": "Point"}],
                             "type": "GeometryCollection"}, "geometry",
     "GEOMETRYCOLLECTION(POINT(1 2))"),
]:
    add(id, "GEOMETRY", json.dumps(value), geometry_pretty(value), geom_rt, pg_type, ewkt)

# --- VECTOR ---------------------------------------------------------------------------
# The rowType carries vectorDimension and the element type (fields[0].type); FLOAT elements
# are float32 values printed with 6 decimals (0.1 is the float32 nearest 0.1; 16777217 has no
# float32 and is 16777216). INT elements as plain integers (inferred: the spec shows FLOAT only).


def vector_rt(element, dimension):
    return {"type": "vector", "vector_dimension": dimension, "vector_element": element}


add("vector_float", "VECTOR(FLOAT, 4)", "[0.1, -2.5, 16777217, 0]",
    "[0.100000,-2.500000,16777216.000000,0.000000]", vector_rt("real", 4), "real[]",
    "{0.1,-2.5,1.6777216e+07,0}")
add("vector_float_large_and_small", "VECTOR(FLOAT, 2)", "[100000000000000000000, -0.000001]",
    "[100000002004087734272.000000,-0.000001]", vector_rt("real", 2), "real[]",
    "{1e+20,-1e-06}")
add("vector_float_null", "VECTOR(FLOAT, 4)", None, None, vector_rt("real", 4), "real[]", None)
add("vector_float_into_jsonb", "VECTOR(FLOAT, 2)", "[1, 2.5]", "[1.000000,2.500000]",
    vector_rt("real", 2), "jsonb", "[1.000000, 2.500000]")
add("vector_int", "VECTOR(INT, 4)", "[1, -2, 2147483647, -2147483648]",
    "[1,-2,2147483647,-2147483648]", vector_rt("fixed", 4), "integer[]",
    "{1,-2,2147483647,-2147483648}")
add("vector_int_null", "VECTOR(INT, 4)", None, None, vector_rt("fixed", 4), "integer[]", None)

ids = [c["id"] for c in cases]
assert len(ids) == len(set(ids)), "duplicate ids"
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "type_cases.json")
with open(out, "w", encoding="utf-8") as f:
    json.dump(cases, f, indent=1, ensure_ascii=False)
    f.write("\n")
print(f"{len(cases)} cases -> {out}")
