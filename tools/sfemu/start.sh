#!/usr/bin/env bash
# Starts sfemu in the background and waits until it answers /sfemu/health.
#
#   tools/sfemu/start.sh DIR [--pg-env FILE] [sfemu serve options...]
#
# PostgreSQL comes from the PG* environment variables, or from FILE (for example the
# cluster.env written by tools/pg-cluster.sh). Unless --account is given, sfemu serves the
# account ${SFEMU_ACCOUNT:-sfemu-demo} for user ${SFEMU_USER:-SFEMU_USER} with a key pair made
# in DIR (rsa_key.p8, rsa_key.pub). DIR receives: port, pid, sfemu.log, and env (SFEMU_URL,
# SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_RSA_KEY_FILE) for tests, benchmarks and the demo.
# The binary is $SFEMU_BIN, or build/sfemu of this checkout.
set -euo pipefail

dir=${1:-}
if [[ -z "$dir" ]]; then
  echo "usage: $0 DIR [--pg-env FILE] [sfemu serve options...]" >&2
  exit 2
fi
shift
if [[ "${1:-}" == "--pg-env" ]]; then
  set -a
  # shellcheck disable=SC1090
  . "$2"
  set +a
  shift 2
fi
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${SFEMU_BIN:-$root/build/sfemu}
if [[ ! -x "$bin" ]]; then
  echo "$0: $bin not found (build first: cmake --build build)" >&2
  exit 1
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
if [[ -f "$dir/pid" ]] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
  echo "$0: sfemu already runs from $dir (pid $(cat "$dir/pid"))" >&2
  exit 1
fi
rm -f "$dir/port" "$dir/pid"

args=("$@")
account=${SFEMU_ACCOUNT:-sfemu-demo}
user=${SFEMU_USER:-SFEMU_USER}
if [[ " ${args[*]} " != *" --account "* ]]; then
  if [[ ! -f "$dir/rsa_key.p8" ]]; then
    openssl genrsa 2048 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out "$dir/rsa_key.p8"
    openssl rsa -in "$dir/rsa_key.p8" -pubout -out "$dir/rsa_key.pub" 2>/dev/null
  fi
  args+=(--account "$account" --user "$user" --public-key "$user=$dir/rsa_key.pub")
fi

"$bin" serve --port-file "$dir/port" "${args[@]}" >"$dir/sfemu.log" 2>&1 &
pid=$!
echo "$pid" >"$dir/pid"

for _ in $(seq 1 300); do
  if [[ -s "$dir/port" ]] && curl -fsS "http://127.0.0.1:$(cat "$dir/port")/sfemu/health" >/dev/null 2>&1; then
    port=$(cat "$dir/port")
    cat >"$dir/env" <<ENV
SFEMU_URL=http://127.0.0.1:$port
SNOWFLAKE_ACCOUNT=$account
SNOWFLAKE_USER=$user
SNOWFLAKE_RSA_KEY_FILE=$dir/rsa_key.p8
ENV
    echo "$port"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "$0: sfemu exited; its log:" >&2
    cat "$dir/sfemu.log" >&2
    rm -f "$dir/pid"
    exit 1
  fi
  sleep 0.1
done
echo "$0: sfemu did not become healthy in 30 s; its log:" >&2
tail -20 "$dir/sfemu.log" >&2
kill "$pid" 2>/dev/null || true
rm -f "$dir/pid"
exit 1
