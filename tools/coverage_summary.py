#!/usr/bin/env python3
"""Sums gcov's line counts of the files under SRC by folder: coverage_summary.py BUILD SRC [FOLDER...].

A line counts once however many translation units compiled it (headers): it is covered when any
of them ran it. With folders named, their files are listed too."""
import collections
import json
import os
import subprocess
import sys


def main() -> int:
    build, src, folders = sys.argv[1], os.path.realpath(sys.argv[2]), sys.argv[3:]
    build = os.path.abspath(build)
    gcdas = [os.path.join(d, f) for d, _, fs in os.walk(build) for f in fs if f.endswith(".gcda")]
    if not gcdas:
        print(f"coverage: no .gcda files under {build}; did the tests run?", file=sys.stderr)
        return 1
    lines = collections.defaultdict(dict)  # file -> line -> executed?
    for gcda in gcdas:
        out = subprocess.run(["gcov", "--json-format", "--stdout", "-o", os.path.dirname(gcda), gcda],
                             capture_output=True, text=True, check=True, cwd=build).stdout
        for doc in out.splitlines():
            if not doc.strip():
                continue
            for f in json.loads(doc)["files"]:
                path = os.path.realpath(os.path.join(build, f["file"]))
                if not path.startswith(src + os.sep):
                    continue
                seen = lines[os.path.relpath(path, src)]
                for ln in f["lines"]:
                    seen[ln["line_number"]] = seen.get(ln["line_number"], False) or ln["count"] > 0
    by_folder = collections.defaultdict(lambda: [0, 0])
    for path, seen in lines.items():
        folder = path.split(os.sep)[0]
        by_folder[folder][0] += sum(seen.values())
        by_folder[folder][1] += len(seen)
    shown = folders or sorted(by_folder)
    print(f"{'folder':<12} {'lines':>7} {'covered':>8} {'%':>6}")
    for folder in shown:
        hit, total = by_folder.get(folder, [0, 0])
        print(f"{folder:<12} {total:>7} {hit:>8} {100 * hit / total if total else 0:>6.1f}")
    for folder in folders:
        print(f"\n{folder}/")
        for path in sorted(p for p in lines if p.startswith(folder + os.sep)):
            seen = lines[path]
            hit = sum(seen.values())
            print(f"  {path:<40} {len(seen):>6} {hit:>6} {100 * hit / len(seen) if seen else 0:>6.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
