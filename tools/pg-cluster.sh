#!/usr/bin/env bash
# Starts and stops a throwaway PostgreSQL cluster for tests, benchmarks and the demo.
#
#   tools/pg-cluster.sh start DIR [--durable]   prints the port; writes DIR/cluster.env
#   tools/pg-cluster.sh stop DIR                stops the server and removes DIR
#   tools/pg-cluster.sh restart DIR             pg_ctl restart (used by fault tests)
#
# The cluster listens on 127.0.0.1 on a free port and on a socket in DIR/sock. Its superuser
# is "sf2pg" with password "sf2pg" (password auth over TCP, so tests can also fail it).
# Unless --durable is given, fsync and synchronous_commit are off and WAL is minimal (no
# replication; a COPY into a table created or truncated in its transaction writes no WAL):
# fast, and safe enough for a cluster that is thrown away. initdb refuses to run as root, so as
# root the server runs as the "postgres" user created by Debian's postgresql package.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [[ -z "$cmd" || -z "$dir" ]]; then
  echo "usage: $0 start|stop|restart DIR [--durable]" >&2
  exit 2
fi

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [[ -z "$bindir" || ! -x "$bindir/initdb" ]]; then
  echo "$0: PostgreSQL server binaries not found under /usr/lib/postgresql (run tools/setup.sh)" >&2
  exit 1
fi

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

case "$cmd" in
  start)
    durable=0
    [[ "${3:-}" == "--durable" ]] && durable=1
    if [[ -e "$dir/data/PG_VERSION" ]]; then
      echo "$0: $dir already holds a cluster" >&2
      exit 1
    fi
    mkdir -p "$dir/sock"
    dir=$(cd "$dir" && pwd)
    if [[ $(id -u) -eq 0 ]]; then
      chown -R postgres:postgres "$dir"
      # The server user must be able to reach the folder.
      p=$(dirname "$dir")
      while [[ "$p" != "/" ]]; do chmod o+x "$p" 2>/dev/null || true; p=$(dirname "$p"); done
    fi
    echo sf2pg > "$dir/pwfile"
    [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$dir/pwfile"
    as_owner "$bindir/initdb" -D "$dir/data" -U sf2pg --pwfile="$dir/pwfile" \
      --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    rm -f "$dir/pwfile"
    opts="-c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir/sock -c max_connections=300"
    opts+=" -c shared_buffers=256MB -c max_wal_size=4GB -c checkpoint_timeout=30min"
    if [[ $durable -eq 0 ]]; then
      opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
      opts+=" -c wal_level=minimal -c max_wal_senders=0"
    fi
    for attempt in 1 2 3 4 5 6 7 8; do
      port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 30000 ))
      port_free "$port" || continue
      echo "$port" > "$dir/port"
      if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
           -o "-p $port $opts" start >/dev/null 2>&1; then
        cat > "$dir/cluster.env" <<ENV
PGHOST=127.0.0.1
PGPORT=$port
PGUSER=sf2pg
PGPASSWORD=sf2pg
PGDATABASE=postgres
ENV
        echo "$port"
        exit 0
      fi
    done
    echo "$0: could not start PostgreSQL; see $dir/server.log" >&2
    tail -20 "$dir/server.log" >&2 || true
    exit 1
    ;;
  restart)
    port=$(cat "$dir/port")
    as_owner "$bindir/pg_ctl" -D "$dir/data" -w -t 60 -m fast restart >/dev/null
    ;;
  stop)
    if [[ -e "$dir/data/postmaster.pid" ]]; then
      as_owner "$bindir/pg_ctl" -D "$dir/data" -w -t 60 -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop|restart DIR [--durable]" >&2
    exit 2
    ;;
esac
