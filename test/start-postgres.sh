#!/usr/bin/env bash
# Starts a PostgreSQL server on loopback for the end-to-end tests (Debian's `postgresql` package) and prints its
# connection URL. Idempotent: a second run reuses the running server and the existing database.
#   export TEST_POSTGRES_URL=$(test/start-postgres.sh)
set -euo pipefail
PGDATA_DIR=${PGDATA_DIR:-/tmp/facegroup-pg}
PGPORT=${PGPORT:-54329}
DB=facegroup_test
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }

if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
  mkdir -p "$PGDATA_DIR"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$PGDATA_DIR"
  as_postgres "$BIN/initdb -D $PGDATA_DIR -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8" >&2
fi
if ! as_postgres "$BIN/pg_ctl -D $PGDATA_DIR status" >/dev/null 2>&1; then
  as_postgres "$BIN/pg_ctl -D $PGDATA_DIR -l $PGDATA_DIR/server.log -w -o \"-h 127.0.0.1 -p $PGPORT -k /tmp\" start" >&2
fi
if ! "$BIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
  "$BIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -c "CREATE DATABASE $DB" >&2
fi
echo "postgresql://postgres@127.0.0.1:$PGPORT/$DB"
