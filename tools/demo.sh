#!/usr/bin/env bash
# The sf2pg demo on a fresh machine: installs the packages, builds sf2pg, starts a local
# PostgreSQL, checks the example configuration and the connections.
#
#   tools/demo.sh          run the demo, then stop the server
#   tools/demo.sh --keep   leave the server running (connection settings in .demo/env)
set -euo pipefail
cd "$(dirname "$0")/.."

keep=0
[[ "${1:-}" == "--keep" ]] && keep=1

tools/setup.sh
cmake --preset default >/dev/null
cmake --build --preset default -j "$(nproc)"

demo=$PWD/.demo
if [[ -d "$demo/pg" ]]; then tools/pg-cluster.sh stop "$demo/pg"; fi
mkdir -p "$demo"
port=$(tools/pg-cluster.sh start "$demo/pg" --durable)
cleanup() { [[ $keep -eq 1 ]] || tools/pg-cluster.sh stop "$demo/pg"; }
trap cleanup EXIT

cat > "$demo/env" <<ENV
POSTGRES_HOST=127.0.0.1
POSTGRES_PORT=$port
POSTGRES_USER=sf2pg
POSTGRES_PASSWORD=sf2pg
POSTGRES_SSLMODE=disable
SNOWFLAKE_ACCOUNT=demo-account
SNOWFLAKE_USER=DEMO_USER
SNOWFLAKE_RSA_KEY_FILE=$demo/rsa_key.p8
SNOWFLAKE_WAREHOUSE=DEMO_WH
ENV
[[ -f "$demo/rsa_key.p8" ]] || openssl genrsa 2048 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out "$demo/rsa_key.p8"
PGPASSWORD=sf2pg psql -q -h 127.0.0.1 -p "$port" -U sf2pg -d postgres -c "CREATE DATABASE sf2pg_demo"

sf2pg() { ./build/sf2pg "$@" --config examples/config.json --env-file "$demo/env"; }
echo "=== sf2pg validate-config"
sf2pg validate-config
echo "=== sf2pg test-connections"
sf2pg test-connections
echo "=== demo finished"
