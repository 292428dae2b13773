"""Writes bench/RESULTS.md from the measurements of bench/run (stdout).

    report.py RESULTS_TSV META_JSON_LINES

RESULTS_TSV: dataset, contender, round, seconds, peak RSS (kB), rows, user s, system s.
META_JSON_LINES: facts about the machine, the data sets, the emulator and the profile.
bench/analysis.md (hand-written: where the time goes, what was changed) is appended.
"""

import collections
import json
import os
import statistics
import sys

CONTENDERS = [
    ("copy_csv", "psql `\\copy` of a prepared CSV file (ceiling, one stream)"),
    ("copy_binary", "psql `\\copy` of a prepared binary COPY file (ceiling, one stream)"),
    ("sf2pg_1", "sf2pg full load (COPY) from sfemu, 1 worker"),
    ("sf2pg_2", "sf2pg full load (COPY) from sfemu, 2 workers"),
    ("sf2pg_4", "sf2pg full load (COPY) from sfemu, 4 workers"),
    ("sf2pg_upsert_4", "sf2pg incremental UPSERT of the 10 % changed rows, 4 workers"),
    ("pgloader", "pgloader from a PostgreSQL source table (workers 4, concurrency 1, prefetch ~1.5 MB of rows)"),
    ("pgloader_c2", "pgloader from a PostgreSQL source table (workers 4, concurrency 2, prefetch ~1.5 MB of rows)"),
    ("seed_pandas", "seed-style pipeline: SQL API -> pandas DataFrames of 50,000 rows -> COPY, 4 threads"),
]
DATASETS = [
    ("patients", "(a) patient shape: BENCH.PUBLIC.PATIENTS, 12 columns of mixed types"),
    ("wide", "(b) wide table: BENCH.PUBLIC.WIDE, 120 columns"),
    ("bigtext", "(c) large text: BENCH.PUBLIC.BIGTEXT, 3-10 kB per row"),
]
RSS_LIMIT_MB = 256


def load(results_path, meta_path):
    runs = collections.defaultdict(list)
    with open(results_path) as f:
        for line in f:
            d, c, r, secs, rss, rows, user, system = line.rstrip("\n").split("\t")
            runs[(d, c)].append({"round": int(r), "seconds": float(secs), "rss_mb": int(rss) / 1024,
                                 "rows": int(rows), "cpu": float(user) + float(system)})
    meta = collections.defaultdict(dict)
    machine = {}
    with open(meta_path) as f:
        for line in f:
            fact = json.loads(line)
            if "machine" in fact:
                machine = fact["machine"]
            elif "dataset" in fact:
                meta[fact.pop("dataset")].setdefault("facts", []).append(fact)
    return runs, meta, machine


def fact(meta, dataset, key):
    for f in meta.get(dataset, {}).get("facts", []):
        if key in f:
            return f[key]
    return None


class Figures:
    """Median wall time, spread, throughput and memory of one contender on one data set."""

    def __init__(self, samples, binary_bytes):
        seconds = [s["seconds"] for s in samples]
        self.median = statistics.median(seconds)
        self.low, self.high = min(seconds), max(seconds)
        self.rows = samples[0]["rows"]
        self.rows_per_s = self.rows / self.median if self.median > 0 else 0
        self.mb_per_s = binary_bytes / 1e6 / self.median if self.median > 0 and binary_bytes else 0
        self.rss_mb = max(s["rss_mb"] for s in samples)
        self.cpu = statistics.median(s["cpu"] for s in samples)
        self.rounds = len(samples)


def ratio(a, b):
    return a / b if b else float("nan")


def fmt_ratio(x):
    return "-" if x != x else "%.2fx" % x


def dataset_table(d, runs, meta, out):
    rows = fact(meta, d, "rows")
    binary = fact(meta, d, "binary_bytes") or 0
    csv = fact(meta, d, "csv_bytes") or 0
    columns = fact(meta, d, "columns")
    figures = {c: Figures(runs[(d, c)], binary * (1 if c != "sf2pg_upsert_4" else 0.1))
               for c, _ in CONTENDERS if (d, c) in runs}
    if not figures:
        return figures
    out.append("")
    out.append("### %s" % dict(DATASETS)[d])
    out.append("")
    out.append("%s rows, %s columns; the rows are %.1f MB as binary COPY, %.1f MB as CSV. MB/s "
               "counts binary COPY bytes of the rows loaded." % (format(rows, ","), columns,
                                                                 binary / 1e6, csv / 1e6))
    out.append("")
    out.append("| contender | wall s (median) | spread (min-max) | rows/s | MB/s | peak RSS MB | "
               "client CPU s | x CSV ceiling | x binary ceiling |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    csv_rate = figures["copy_csv"].rows_per_s if "copy_csv" in figures else 0
    bin_rate = figures["copy_binary"].rows_per_s if "copy_binary" in figures else 0
    for c, what in CONTENDERS:
        if c not in figures:
            continue
        f = figures[c]
        out.append("| %s | %.2f | %.2f-%.2f | %s | %.1f | %.0f | %.1f | %s | %s |" % (
            what, f.median, f.low, f.high, format(round(f.rows_per_s), ","), f.mb_per_s, f.rss_mb,
            f.cpu, fmt_ratio(ratio(f.rows_per_s, csv_rate)), fmt_ratio(ratio(f.rows_per_s, bin_rate))))
    return figures


def verdict(ok):
    return "**met**" if ok else "**missed**"


def targets(all_figures, runs, out):
    out.append("")
    out.append("## Targets (ratios within this run)")
    out.append("")
    out.append("| target | measured | verdict |")
    out.append("| --- | --- | --- |")
    p = all_figures.get("patients", {})

    def rate(c):
        return p[c].rows_per_s if c in p else 0

    s = rate("sf2pg_4")
    if s and rate("copy_csv"):
        r = ratio(s, rate("copy_csv"))
        out.append("| sf2pg full load >= 1.0x the CSV `\\copy` ceiling on (a) | %.2fx | %s (%+.0f %%) |"
                   % (r, verdict(r >= 1.0), (r / 1.0 - 1) * 100))
    if s and rate("copy_binary"):
        r = ratio(s, rate("copy_binary"))
        out.append("| sf2pg full load >= 0.8x the binary `\\copy` ceiling on (a) | %.2fx | %s (%+.0f %%) |"
                   % (r, verdict(r >= 0.8), (r / 0.8 - 1) * 100))
    best_pgloader = max(rate("pgloader"), rate("pgloader_c2"))
    if s and best_pgloader:
        r = ratio(s, best_pgloader)
        out.append("| sf2pg >= 3x pgloader (its faster configuration) on (a) | %.2fx | %s (%+.0f %%) |"
                   % (r, verdict(r >= 3), (r / 3 - 1) * 100))
    if s and rate("seed_pandas"):
        r = ratio(s, rate("seed_pandas"))
        out.append("| sf2pg >= 8x the seed-style pipeline on (a) | %.2fx | %s (%+.0f %%) |"
                   % (r, verdict(r >= 8), (r / 8 - 1) * 100))
    if s and rate("sf2pg_upsert_4"):
        r = ratio(rate("sf2pg_upsert_4"), s)
        out.append("| UPSERT of 10 %% changed rows >= 0.5x the COPY throughput (rows/s) | %.2fx (%s vs %s rows/s) | %s |"
                   % (r, format(round(rate("sf2pg_upsert_4")), ","), format(round(s), ","),
                      verdict(r >= 0.5)))
    for d, figures in all_figures.items():
        if "sf2pg_4" in figures:
            m = figures["sf2pg_4"].rss_mb
            out.append("| sf2pg peak RSS < %d MB with 4 workers on %s | %.0f MB | %s |"
                       % (RSS_LIMIT_MB, d, m, verdict(m < RSS_LIMIT_MB)))
    scaled = runs.get(("patients_scaled", "sf2pg_4"))
    if scaled and "sf2pg_4" in p:
        big = max(x["rss_mb"] for x in scaled)
        small = p["sf2pg_4"].rss_mb
        n_big, n_small = scaled[0]["rows"], p["sf2pg_4"].rows
        grows = big > small * 1.15
        out.append("| peak RSS does not grow with row count (sf2pg, 4 workers, %s vs %s rows) | %.0f MB vs %.0f MB (%+.0f %%) | %s |"
                   % (format(n_small, ","), format(n_big, ","), small, big, (big / small - 1) * 100,
                      verdict(not grows and big < RSS_LIMIT_MB)))


def emulator(meta, all_figures, out):
    out.append("")
    out.append("## The emulator's own serving rate")
    out.append("")
    out.append("sfemu serves every statement from its result cache (warmed before measuring). "
               "Drain: the key-range statements of each table run again, with 4 threads fetching "
               "every partition as sent (gzip) without decoding it. During sf2pg: what sfemu "
               "served while sf2pg loaded with 4 workers (last round).")
    out.append("")
    out.append("| data set | drain rows/s | drain MB/s (JSON) | drain MB/s (gzip sent) | rows/s served during sf2pg 4 workers | x sf2pg's need |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: |")
    for d, _ in DATASETS:
        drain = fact(meta, d, "sfemu_drain")
        if not drain:
            continue
        secs = max(drain["seconds"], 1e-9)
        during = [f["sfemu_during_sf2pg_4"] for f in meta[d]["facts"] if "sfemu_during_sf2pg_4" in f]
        served = "-"
        need = all_figures.get(d, {}).get("sf2pg_4")
        if during and need:
            last = during[-1]
            rows = last["after"]["rows_served"] - last["before"]["rows_served"]
            served = format(round(rows / need.median), ",")
        out.append("| %s | %s | %.0f | %.0f | %s | %s |" % (
            d, format(round(drain["rows"] / secs), ","), drain["json_bytes"] / 1e6 / secs,
            drain["sent_bytes"] / 1e6 / secs, served,
            fmt_ratio(drain["rows"] / secs / need.rows_per_s) if need else "-"))


def profile(meta, out):
    for d, _ in DATASETS:
        p = fact(meta, d, "profile")
        if not p:
            continue
        out.append("")
        out.append("## Profile of one sf2pg load (data set %s, 4 workers, perf cpu-clock, whole machine)" % d)
        for key, title in (("by_process", "CPU by process"),
                           ("sf2pg_by_library", "sf2pg's CPU by library"),
                           ("sf2pg_symbols", "sf2pg's hottest functions"),
                           ("postgres_symbols", "PostgreSQL's hottest functions")):
            out.append("")
            out.append("%s:" % title)
            out.append("")
            out.append("```")
            out.extend(p[key])
            out.append("```")


def main():
    runs, meta, machine = load(sys.argv[1], sys.argv[2])
    out = ["# sf2pg benchmark results", ""]
    out.append("Written by `bench/run` (%s rounds%s) at commit %s. Ratios compare contenders of "
               "this one run; absolute numbers vary by machine and by what else it runs."
               % (machine.get("repeat"), ", quick" if machine.get("quick") else "",
                  machine.get("git")))
    out.append("")
    out.append("Machine: %s cores (%s), %s memory; load average at the end %s (the machine is "
               "shared with other work). PostgreSQL %s, one cluster from tools/pg-cluster.sh for "
               "every contender: %s. %s; pgloader %s; pandas %s."
               % (machine.get("cores"), machine.get("cpu"), machine.get("memory"),
                  machine.get("load_average"), machine.get("postgres"), machine.get("settings"),
                  machine.get("sf2pg"), machine.get("pgloader"), machine.get("pandas")))
    out.append("")
    out.append("Each contender loads the same rows into the same empty table (the one sf2pg "
               "creates: primary key, no secondary index) in the same database, which also holds "
               "sf2pg's status tables. Wall time is the whole command (connections, planning, "
               "commits). Peak RSS is the contender's process (GNU time); for `psql \\copy` the "
               "server does the work. The ceilings are single streams. Every contender's table is "
               "checked against the reference rows (count and checksum) after its last round.")
    all_figures = {}
    out.append("")
    out.append("## Results")
    for d, _ in DATASETS:
        figures = dataset_table(d, runs, meta, out)
        if figures:
            all_figures[d] = figures
    scaled = runs.get(("patients_scaled", "sf2pg_4"))
    if scaled:
        f = Figures(scaled, 0)
        out.append("")
        out.append("Memory against row count: sf2pg with 4 workers on BENCH.PUBLIC.PATIENTS with %s "
                   "rows: %.2f s median (%.2f-%.2f), %s rows/s, peak RSS %.0f MB."
                   % (format(f.rows, ","), f.median, f.low, f.high, format(round(f.rows_per_s), ","),
                      f.rss_mb))
    targets(all_figures, runs, out)
    emulator(meta, all_figures, out)
    profile(meta, out)
    analysis = os.path.join(os.path.dirname(os.path.abspath(__file__)), "analysis.md")
    if os.path.exists(analysis):
        out.append("")
        out.append(open(analysis).read().rstrip())
    print("\n".join(out))


if __name__ == "__main__":
    main()
