#!/usr/bin/env bash
# The sf2pg demo on a fresh machine: installs the packages, builds sf2pg and sfemu (the
# Snowflake SQL API emulator), starts a local PostgreSQL, loads the demo data set into the
# emulator, and migrates it with examples/config.json: three tables in two sources, a full
# load, an incremental load and a date-chunked upsert. Then it verifies the target row by row
# and runs the migration again to show an incremental run with nothing new.
#
#   tools/demo.sh            run the demo, then stop the servers
#   tools/demo.sh --keep     leave PostgreSQL and sfemu running (settings in .demo/env)
#   DEMO_ROWS=1000000 tools/demo.sh   a bigger data set (default 200000 rows)
#   SF2PG_BIN=PATH SFEMU_BIN=PATH tools/demo.sh   with those binaries instead of building them
#                                                 (tools/test-package.sh: the packaged ones)
set -euo pipefail
cd "$(dirname "$0")/.."

keep=0
[[ "${1:-}" == "--keep" ]] && keep=1
rows=${DEMO_ROWS:-200000}

if [[ -z "${SF2PG_BIN:-}" || -z "${SFEMU_BIN:-}" ]]; then
  tools/setup.sh
  cmake --preset default >/dev/null
  cmake --build --preset default -j "$(nproc)" --target sf2pg sfemu
fi
sf2pg_bin=${SF2PG_BIN:-$PWD/build/sf2pg}
export SFEMU_BIN=${SFEMU_BIN:-$PWD/build/sfemu}  # tools/sfemu/start.sh runs it too

demo=$PWD/.demo
[[ -d "$demo/sfemu" ]] && tools/sfemu/stop.sh "$demo/sfemu" || true
[[ -d "$demo/pg" ]] && tools/pg-cluster.sh stop "$demo/pg"
rm -rf "$demo"
mkdir -p "$demo"
cleanup() {
  if [[ $keep -eq 0 ]]; then
    tools/sfemu/stop.sh "$demo/sfemu" >/dev/null 2>&1 || true
    tools/pg-cluster.sh stop "$demo/pg" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

step() { printf '\n=== %s\n' "$*"; }

step "PostgreSQL (throwaway cluster in .demo/pg)"
port=$(tools/pg-cluster.sh start "$demo/pg" --durable)
set -a
. "$demo/pg/cluster.env"
set +a
psql -q -c "CREATE DATABASE sfemu_demo" -c "CREATE DATABASE sf2pg_demo"
echo "listening on 127.0.0.1:$port"

step "sfemu: demo data set ($rows rows in the largest table)"
"$SFEMU_BIN" load --dataset demo --rows "$rows" --pg-database sfemu_demo
PGDATABASE=sfemu_demo tools/sfemu/start.sh "$demo/sfemu" >/dev/null
set -a
. "$demo/sfemu/env"
set +a
echo "serving the Snowflake SQL API on $SFEMU_URL"

cat > "$demo/env" <<ENV
POSTGRES_HOST=127.0.0.1
POSTGRES_PORT=$port
POSTGRES_USER=sf2pg
POSTGRES_PASSWORD=sf2pg
POSTGRES_SSLMODE=disable
SNOWFLAKE_ACCOUNT=$SNOWFLAKE_ACCOUNT
SNOWFLAKE_USER=$SNOWFLAKE_USER
SNOWFLAKE_RSA_KEY_FILE=$SNOWFLAKE_RSA_KEY_FILE
SNOWFLAKE_URL=$SFEMU_URL
SNOWFLAKE_WAREHOUSE=DEMO_WH
ENV
unset SNOWFLAKE_ACCOUNT SNOWFLAKE_USER SNOWFLAKE_RSA_KEY_FILE
sf2pg() { "$sf2pg_bin" "$@" --config examples/config.json --env-file "$demo/env"; }

step "sf2pg validate-config"
sf2pg validate-config
step "sf2pg test-connections"
sf2pg test-connections
step "sf2pg plan --tables FACTVISIT"
sf2pg plan --tables FACTVISIT --log-level warning | cut -c1-160
step "sf2pg migrate"
sf2pg migrate --summary-json "$demo/summary.json"
step "sf2pg verify"
sf2pg verify --log-level warning
step "sf2pg migrate (again: incremental tables find nothing new)"
sf2pg migrate --log-level warning
step "sf2pg status"
sf2pg status
echo
if [[ $keep -eq 1 ]]; then
  echo "PostgreSQL and sfemu keep running; settings: .demo/env (stop: tools/sfemu/stop.sh .demo/sfemu; tools/pg-cluster.sh stop .demo/pg)"
fi
echo "=== demo finished"
