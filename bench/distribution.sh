#!/usr/bin/env bash
# Sitemaps and feeds at archive size (issue 6): on SQLite and on PostgreSQL, a fresh
# `nashra setup` and `nashra demo-corpus --articles N`, then gunicorn as production runs it
# (production settings, deploy/gunicorn.conf.py, 2 workers, Redis cache) and
# bench/distribution_latency.py as the client: the sitemap index and every child uncached and
# cached, and five feeds uncached and cached. Never run by the test suite; numbers go to
# docs/benchmarks.md.
#
#   bench/distribution.sh                        # from the repository root
#   ARTICLES=20000 DATABASES=sqlite bench/distribution.sh
#
# Environment: ARTICLES (100000), REPEAT (10), PORT (8161), DATABASES ("sqlite postgresql"),
# REDIS_URL (redis://127.0.0.1:6379/12 — this database is emptied first), PG_HOST, PG_PORT,
# PG_USER. Each database gets a throwaway NASHRA_VAR_DIR; the PostgreSQL database
# `nashra_distribution_bench` is created here and dropped on exit. Results:
# artifacts/distribution/{sqlite,postgresql}.json and .txt.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="$ROOT/.venv/bin"
NASHRA="$BIN/nashra"
OUT="$ROOT/artifacts/distribution"
HOST=127.0.0.1
PORT=${PORT:-8161}
ARTICLES=${ARTICLES:-100000}
REPEAT=${REPEAT:-10}
DATABASES=${DATABASES:-"sqlite postgresql"}
BENCH_REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/12}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_USER=${PG_USER:-postgres}
PG_DB=nashra_distribution_bench
PG_URL="postgres://$PG_USER@$PG_HOST:$PG_PORT/$PG_DB"

[ -x "$NASHRA" ] || { echo "distribution.sh: $NASHRA missing; run 'make venv' first" >&2; exit 2; }
if curl -s -o /dev/null "http://$HOST:$PORT/" 2>/dev/null; then
  echo "distribution.sh: something already answers on $HOST:$PORT; set PORT=" >&2; exit 2
fi

WORK=$(mktemp -d -t nashra-distbench.XXXXXX)
server_pid=""
pg_created=0
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
cleanup() {
  stop_server
  rm -rf "$WORK"
  if [ "$pg_created" = 1 ]; then
    dropdb --if-exists -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB" 2>/dev/null || true
  fi
}
trap cleanup EXIT INT TERM
mkdir -p "$OUT"

echo "== machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -h | awk '/^Mem:/ {print $2}') memory"
echo "== $("$BIN/python" --version), git $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet || echo ' (uncommitted changes)')"

bench_database() {  # bench_database LABEL
  local label=$1 db_env=()
  local var_dir="$WORK/$label"
  mkdir -p "$var_dir"
  export NASHRA_VAR_DIR="$var_dir"
  if [ "$label" = postgresql ]; then
    dropdb --if-exists -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB"
    createdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB"
    pg_created=1
    db_env=(DATABASE_URL="$PG_URL")
    echo "== $label: PostgreSQL $(psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -tAc 'show server_version')"
  else
    echo "== $label: SQLite $("$BIN/python" -c 'import sqlite3; print(sqlite3.sqlite_version)')"
  fi
  TIMEFORMAT="  %R s wall"
  echo "-- nashra setup"
  time env "${db_env[@]}" DJANGO_SETTINGS_MODULE=nashra.settings.dev "$NASHRA" setup >/dev/null
  echo "-- nashra demo-corpus --articles $ARTICLES"
  time env "${db_env[@]}" DJANGO_SETTINGS_MODULE=nashra.settings.dev \
    "$NASHRA" demo-corpus --articles "$ARTICLES" >/dev/null
  if [ "$label" = postgresql ]; then
    # What autovacuum does soon after a bulk load, so the planner has statistics.
    psql -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -c "VACUUM ANALYZE"
  fi
  "$BIN/python" -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).flushdb()" "$BENCH_REDIS_URL"

  local prod_env=("${db_env[@]}" DJANGO_SETTINGS_MODULE=nashra.settings.production
    SECRET_KEY=bench SECURE_SSL_REDIRECT=0 ALLOWED_HOSTS=$HOST NASHRA_SERVE_MEDIA=1
    REDIS_URL="$BENCH_REDIS_URL" BASE_URL="http://$HOST:$PORT")
  env "${prod_env[@]}" "$NASHRA" collectstatic --noinput -v0
  echo "-- gunicorn (production settings, 2 workers, Redis cache) on http://$HOST:$PORT"
  env "${prod_env[@]}" NASHRA_SCHEDULER=0 "$BIN/gunicorn" \
    --config "$ROOT/deploy/gunicorn.conf.py" --bind "$HOST:$PORT" --workers 2 \
    --access-logfile "$var_dir/access.log" --error-logfile "$var_dir/gunicorn.log" \
    nashra.wsgi:application 2>>"$var_dir/gunicorn.log" &
  server_pid=$!
  for _ in $(seq 1 150); do
    curl -fsS -o /dev/null "http://$HOST:$PORT/robots.txt" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$var_dir/gunicorn.log" >&2; exit 1; }
    sleep 0.2
  done
  "$BIN/python" "$ROOT/bench/distribution_latency.py" --base-url "http://$HOST:$PORT" \
    --out "$OUT/$label.json" --label "$label, $ARTICLES stories" --repeat "$REPEAT" \
    | tee "$OUT/$label.txt"
  stop_server
  if grep -q -E "Traceback|WORKER TIMEOUT" "$var_dir/gunicorn.log"; then
    echo "== $label: gunicorn logged errors:"; grep -E "Traceback|TIMEOUT|Error" "$var_dir/gunicorn.log" | tail -n 5
  fi
  rm -rf "$var_dir"
  if [ "$label" = postgresql ]; then
    dropdb --if-exists -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB"
    pg_created=0
  fi
  unset NASHRA_VAR_DIR
}

for db in $DATABASES; do
  case "$db" in
    sqlite|postgresql) bench_database "$db" ;;
    *) echo "distribution.sh: unknown database '$db' (sqlite, postgresql)" >&2; exit 2 ;;
  esac
done
