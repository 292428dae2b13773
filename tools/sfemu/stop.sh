#!/usr/bin/env bash
# Stops an sfemu started by start.sh DIR (SIGTERM, then SIGKILL after 10 s).
#
#   tools/sfemu/stop.sh DIR
set -euo pipefail

dir=${1:-}
if [[ -z "$dir" ]]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
if [[ ! -f "$dir/pid" ]]; then
  exit 0
fi
pid=$(cat "$dir/pid")
# Running: the process exists and is not a zombie waiting for a parent that does not reap.
running() { [[ -r /proc/$1/stat ]] && [[ $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) != Z ]]; }
if running "$pid"; then
  kill "$pid"
  for _ in $(seq 1 100); do
    running "$pid" || break
    sleep 0.1
  done
  if running "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
fi
rm -f "$dir/pid" "$dir/port"
