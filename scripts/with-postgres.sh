#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL 15 cluster on a loopback port.
# The cluster lives in a temporary directory and is stopped and removed afterwards.
#   scripts/with-postgres.sh .venv/bin/pytest ...
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/ensure-debian.sh" postgresql
pgbin=/usr/lib/postgresql/15/bin

tmp="$(mktemp -d /tmp/nghiquyet-pg.XXXXXX)"
run=()
if [ "$(id -u)" = 0 ]; then
  # initdb refuses to run as root: the cluster belongs to Debian's postgres user.
  chown postgres "$tmp"
  run=(runuser -u postgres --)
fi
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

cleanup() {
  "${run[@]}" "$pgbin/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

"${run[@]}" "$pgbin/initdb" -D "$tmp/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
"${run[@]}" "$pgbin/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -o \
  "-p $port -k $tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60" \
  start >/dev/null
"$pgbin/createdb" -h 127.0.0.1 -p "$port" -U postgres nghiquyet
echo "PostgreSQL 15 tạm thời: 127.0.0.1:$port"
export DATABASE_URL="postgres://postgres@127.0.0.1:$port/nghiquyet"
set +e
"$@"
status=$?
set -e
exit $status
