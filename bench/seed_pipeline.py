"""The load the way the Python tool sf2pg replaces does it, for the benchmark.

Reads a table from the Snowflake SQL API (here: sfemu) in key ranges of --batch rows, turns each
range into a pandas DataFrame with typed columns, and loads it with psycopg2's COPY (CSV from
DataFrame.to_csv), one commit per batch, with --threads batches at once (the tool's
parallel_threads). Values are converted as a SQL API client must: DATE from days, timestamps
from epoch seconds (TIMESTAMP_TZ with its offset), booleans, numbers and VARIANT text passed on.

    seed_pipeline.py --table BENCH.PUBLIC.PATIENTS --key PATIENT_ID --target public.patients \
        --dsn "host=... dbname=..." [--batch 50000] [--threads 4]

Prints {"rows": N, "seconds": S} as JSON.
"""

import argparse
import concurrent.futures
import io
import json
import threading
import time

import pandas as pd
import psycopg2

import sfapi


def epoch_to_datetime(column):
    """'seconds.fraction' strings (nanoseconds at most) to datetime64[ns], without float loss."""
    parts = column.str.split(".", n=1, expand=True)
    seconds = pd.to_numeric(parts[0]).astype("Int64")
    if parts.shape[1] > 1:
        fraction = parts[1].fillna("0").str.ljust(9, "0").str[:9]
    else:
        fraction = pd.Series("0", index=column.index)
    nanos = seconds * 1_000_000_000 + pd.to_numeric(fraction).astype("Int64")
    # PostgreSQL keeps microseconds and would round digits 7-9 of the CSV text through a
    # double; round them here half to even (pandas' rule, and sf2pg's), so every contender loads
    # the same values.
    return pd.to_datetime(nanos, unit="ns").dt.round("us")


def convert(frame, row_type):
    """Typed DataFrame columns from the SQL API's text values (spec: value encodings)."""
    for column in row_type:
        name, kind = column["name"], column["type"].lower()
        values = frame[name]
        if kind == "date":
            frame[name] = pd.to_datetime(pd.to_numeric(values), unit="D").dt.date
        elif kind == "timestamp_ntz":
            frame[name] = epoch_to_datetime(values)
        elif kind in ("timestamp_ltz", "timestamp_tz"):
            # "seconds.fraction offset": the instant is the epoch part, in UTC.
            frame[name] = epoch_to_datetime(values.str.split(" ", n=1).str[0]).dt.tz_localize("UTC")
        elif kind == "boolean":
            frame[name] = values.map({"true": True, "false": False})
        elif kind == "fixed" and column.get("scale", 0) == 0:
            frame[name] = pd.to_numeric(values).astype("Int64")
    return frame


def load_batch(state, sql):
    local = state["local"]
    if not hasattr(local, "session"):
        local.session = state["new_session"]()
        local.pg = psycopg2.connect(state["dsn"])
    row_type, rows = local.session.rows(sql)
    if not rows:
        return 0
    names = [c["name"] for c in row_type]
    frame = convert(pd.DataFrame(rows, columns=names), row_type)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, header=False, na_rep="\\N",
                 date_format="%Y-%m-%d %H:%M:%S.%f%z")
    buffer.seek(0)
    columns = ", ".join('"%s"' % n.lower() for n in names)
    with local.pg.cursor() as cursor:
        cursor.copy_expert("COPY %s (%s) FROM STDIN WITH (FORMAT csv, NULL '\\N')" %
                           (state["target"], columns), buffer)
    local.pg.commit()
    return len(frame)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--table", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--target", required=True)
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--batch", type=int, default=50000)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    started = time.monotonic()
    _, new_session = sfapi.from_environment()
    statements = sfapi.key_ranges(new_session(), args.table, args.key, args.batch)
    state = {"local": threading.local(), "new_session": new_session, "dsn": args.dsn,
             "target": args.target}
    with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
        rows = sum(pool.map(lambda sql: load_batch(state, sql), statements))
    print(json.dumps({"rows": rows, "seconds": time.monotonic() - started}))


if __name__ == "__main__":
    main()
