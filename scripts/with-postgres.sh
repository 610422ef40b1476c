#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL 15 cluster: initdb into a temporary folder,
# listening on 127.0.0.1 on a free port, with REMIT_TEST_PG_URL exported for the command.
# The cluster is stopped and removed afterwards, whatever the command's outcome.
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
dir=$(mktemp -d /tmp/remit-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg() {  # initdb refuses to run as root
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[ "$(id -u)" = 0 ] && chown postgres "$dir"
cleanup() {
  as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
as_pg "$PGBIN/initdb" -D "$dir/data" -U remit --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
# fsync off: a throwaway test cluster; max_connections for several servers and worker pools.
as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o \
  "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=512MB" \
  start >/dev/null
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U remit remit_test
export REMIT_TEST_PG_URL="postgresql://remit@127.0.0.1:$port/remit_test"
echo "PostgreSQL test cluster at $REMIT_TEST_PG_URL" >&2
"$@"
