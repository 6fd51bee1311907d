#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for one test run and prints its URL on stdout.
#   eval "$(scripts/pg-throwaway.sh start)"   # sets HAWIYA_PG_DIR and HAWIYA_TEST_DATABASE_URL
#   scripts/pg-throwaway.sh stop "$HAWIYA_PG_DIR"
# initdb runs in a temporary directory, the server listens on a free loopback port, and no
# Unix socket is left anywhere else. PostgreSQL refuses to run as root, so under root the
# cluster belongs to the `postgres` system user that Debian's package creates.
set -euo pipefail

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  [ -n "$dir" ] || { echo "PostgreSQL server binaries not found (install Debian's postgresql)" >&2; exit 1; }
  echo "$dir"
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

case "${1:-}" in
  start)
    bin=$(pg_bin)
    dir=$(mktemp -d /tmp/hawiya-pg.XXXXXX)
    chmod 755 "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U hawiya --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    # A random free port; another process may take it between the check and the start,
    # so a failed start is retried on another port.
    started=no
    for _ in $(seq 1 20); do
      port=$((20000 + RANDOM % 40000))
      port_in_use "$port" && continue
      if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null; then
        started=yes; break
      fi
    done
    [ $started = yes ] || { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U hawiya hawiya_test
    echo "export HAWIYA_PG_DIR=$dir"
    echo "export HAWIYA_TEST_DATABASE_URL=postgres://hawiya@127.0.0.1:$port/hawiya_test"
    ;;
  stop)
    dir=${2:?usage: stop DIR}
    as_owner "$(pg_bin)/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
